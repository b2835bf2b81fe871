"""The top-level package: submodules reachable as attributes, loaded lazily."""

import subprocess
import sys

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
