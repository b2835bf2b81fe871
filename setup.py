"""Build hook: the top-level `data/` folder ships inside the wheel.

`data/` (small corpora and test fixtures, see data/README.md) is the one
copy in git. Building a wheel copies it to `keras_embeddings/_data`, where
`keras_embeddings.datasets.data_path` finds it in an install; a checkout or
an editable install reads `data/` in place. Everything else about the
package is in setup.cfg.
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildPyWithData(build_py):
    """`build_py` that also copies `data/` to `keras_embeddings/_data`."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads data/ in place
        target = os.path.join(self.build_lib, "keras_embeddings", "_data")
        if os.path.isdir(target):
            shutil.rmtree(target)
        shutil.copytree(
            os.path.join(HERE, "data"),
            target,
            ignore=shutil.ignore_patterns("__pycache__", ".*"),
        )


setup(cmdclass={"build_py": BuildPyWithData})
