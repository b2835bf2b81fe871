"""`.keras` files naming arbitrary callables are refused (Keras' `safe_mode`).

The package loads every `.keras` file with `safe_mode=True` (`models.load_model`,
the CLI's `generate`). setup.cfg's Keras floor is the first release with the
known `safe_mode` bypasses fixed; these tests rebuild such archives by hand
(a config naming `os.system`, `subprocess.Popen`, `builtins.exec`) and check
that loading fails with our error and runs nothing.
"""

import json
import zipfile

import keras
import numpy as np
import pytest

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models import load_model


def _saved_model(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dense")])
    path = tmp_path / "clean.keras"
    model.save(path)
    return path


def _rewrite_config(source, target, edit):
    """Copy the archive `source` to `target` with `edit(config)` applied."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            zout.writestr(item, data)
    return target


def _dense(config):
    return next(
        layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense"
    )


def _activation_is(module, name):
    def edit(config):
        _dense(config)["config"]["activation"] = {
            "module": module,
            "class_name": "function",
            "config": name,
            "registered_name": "function",
        }

    return edit


def _layer_is(module, name, args):
    def edit(config):
        layer = _dense(config)
        layer.update({"module": module, "class_name": name, "registered_name": name})
        layer["config"] = {"args": args, "name": "dense"}

    return edit


@pytest.mark.parametrize(
    "edit_for",
    [
        lambda victim: _activation_is("os", "system"),
        lambda victim: _activation_is("builtins", "exec"),
        lambda victim: _layer_is("subprocess", "Popen", ["touch", str(victim)]),
        lambda victim: _layer_is("os", "system", f"touch {victim}"),
    ],
    ids=["activation-os.system", "activation-exec", "layer-Popen", "layer-os.system"],
)
def test_a_config_naming_an_arbitrary_callable_is_refused(tmp_path, edit_for):
    victim = tmp_path / "pwned"
    clean = _saved_model(tmp_path)
    assert keras.saving.load_model(clean, safe_mode=True).predict(
        np.ones((1, 3)), verbose=0
    ).shape == (1, 2)  # the untouched archive loads: the edit is what is refused
    hostile = _rewrite_config(clean, tmp_path / "hostile.keras", edit_for(victim))

    with pytest.raises(InvalidInputError, match="could not be loaded"):
        load_model(hostile)
    with pytest.raises(Exception):  # noqa: B017 - Keras' own refusal, any type
        keras.saving.load_model(hostile, safe_mode=True)
    assert not victim.exists()


def test_keras_floor_has_the_safe_mode_fixes():
    """setup.cfg asks for a Keras with every known `safe_mode` fix, and the
    installed Keras satisfies it."""
    import configparser
    from pathlib import Path

    from packaging.requirements import Requirement

    setup = configparser.ConfigParser()
    setup.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    requirements = [
        Requirement(line)
        for line in setup["options"]["install_requires"].splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    keras_requirement = next(r for r in requirements if r.name == "keras")
    assert not keras_requirement.specifier.contains("3.13.2")
    assert keras_requirement.specifier.contains("3.14.0")
    assert keras_requirement.specifier.contains(keras.__version__)
