"""The top-level package: submodules reachable as attributes, loaded lazily."""

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import keras_embeddings as ke


def test_submodules_are_attributes():
    assert ke.models.NextTokenModel.__name__ == "NextTokenModel"
    assert callable(ke.optimizers.sum_duplicate_slices)
    assert "text" in dir(ke) and "models" in ke.__all__
    with pytest.raises(AttributeError, match="no_such_module"):
        ke.no_such_module  # noqa: B018


def test_import_loads_no_backend():
    code = "import sys, keras_embeddings; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


README = Path(__file__).resolve().parents[1] / "README.md"
_TOUR_NAME = re.compile(
    r"`(" + "|".join(ke._SUBMODULES) + r")\.([A-Za-z_][A-Za-z0-9_]*)"
)


def _tour_names():
    text = README.read_text(encoding="utf-8")
    tour = text.split("## A tour of the labs", 1)[1].split("\n## ", 1)[0]
    return sorted(set(_TOUR_NAME.findall(tour)))


def test_readme_tour_lists_names():
    names = _tour_names()
    assert len(names) > 40, names
    assert ("models", "NextTokenModel") in names


@pytest.mark.parametrize("module, name", _tour_names())
def test_readme_tour_name_imports_from_its_documented_path(module, name):
    imported = importlib.import_module(f"keras_embeddings.{module}")
    assert name in imported.__all__, f"{module}.{name} missing from __all__"
    namespace = {}
    exec(f"from keras_embeddings.{module} import {name}", namespace)
    assert namespace[name] is getattr(imported, name)
    assert (namespace[name].__doc__ or "").strip(), f"{module}.{name} has no docstring"


@pytest.mark.parametrize("module", ke._SUBMODULES)
def test_every_public_module_declares_all(module):
    imported = importlib.import_module(f"keras_embeddings.{module}")
    assert imported.__all__, module
    for name in imported.__all__:
        assert hasattr(imported, name), f"{module}.__all__ names missing {name}"


# The direction of imports inside the package: text -> datasets ->
# layers/models -> export/analysis/plots/callbacks -> pipelines -> cli. A
# module may import its own layer or any earlier one; the shared helpers
# (errors, validation, io, precision, optimizers) are importable from anywhere.
_LAYERS = {
    "text": 0,
    "datasets": 1,
    "layers": 2,
    "models": 2,
    "gradcheck": 3,
    "export": 3,
    "analysis": 3,
    "plots": 3,
    "callbacks": 3,
    "distribute": 3,
    "pipelines": 4,
    "_train_flags": 5,
    "cli": 5,
    "__main__": 5,
}
PACKAGE_DIR = Path(ke.__file__).parent


def _internal_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "keras_embeddings" and len(parts) > 1:
                yield node.lineno, parts[1]


def test_imports_flow_one_way():
    backwards = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        owner = path.relative_to(PACKAGE_DIR).parts[0].removesuffix(".py")
        # A shared helper (errors, _validation, io_utils, ...) is below everything.
        level = _LAYERS.get(owner, -1)
        for lineno, imported in _internal_imports(path):
            if _LAYERS.get(imported, -1) > level:
                backwards.append(
                    f"{path.relative_to(PACKAGE_DIR)}:{lineno} imports {imported}"
                )
    assert not backwards, backwards
