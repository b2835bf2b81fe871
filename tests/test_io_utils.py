import os
import stat

import pytest

from keras_embeddings.io_utils import atomic_open, atomic_path


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_open_gives_the_mode_of_a_plain_open(tmp_path):
    old = os.umask(0o022)
    try:
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("x")
        with atomic_open(tmp_path / "atomic.txt") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "atomic.txt") == _mode(tmp_path / "plain.txt") == 0o644


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            with open(tmp, "w") as f:
                f.write("half")
            raise RuntimeError("writer failed")
    assert os.listdir(tmp_path) == []
