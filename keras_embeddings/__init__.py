"""keras_embeddings: word embeddings with Keras 3, lab by lab.

Submodules: `text`, `datasets`, `layers`, `models`, `optimizers`,
`callbacks`, `export`, `analysis`, `plots`, `gradcheck`, `pipelines`,
`errors`, `io_utils`. They load on first use, so `import keras_embeddings as
ke` is instant and `ke.models` works; `from keras_embeddings import text`
imports only what it needs.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "analysis",
    "callbacks",
    "datasets",
    "distribute",
    "errors",
    "export",
    "gradcheck",
    "io_utils",
    "layers",
    "models",
    "optimizers",
    "pipelines",
    "plots",
    "text",
)
__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
