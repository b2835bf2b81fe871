"""Settings for the docstring examples (`pytest --doctest-modules`).

Examples are written as in Keras' docstrings: a fenced ```python block of
`>>>` lines. A fence line ends the expected output before it (doctest would
otherwise expect the fence to be printed). Each example runs in a fresh
temporary folder with Keras' seeds set, so examples that save files write
only there and print the same numbers on every run.
"""

import doctest
import os
import re

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_FENCE = re.compile(r"^[ \t]*```[\w-]*[ \t]*$", re.MULTILINE)
_parse = doctest.DocTestParser.parse


def _parse_without_fences(self, string, name="<string>"):
    return _parse(self, _FENCE.sub("", string), name)


doctest.DocTestParser.parse = _parse_without_fences


@pytest.fixture(autouse=True)
def _examples_in_a_temporary_folder(request):
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import keras

    tmp_path = request.getfixturevalue("tmp_path")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.chdir(tmp_path)
    keras.utils.set_random_seed(0)
    yield
