import os
import pickle
import stat

import numpy as np
import pytest

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.io_utils import (
    atomic_open,
    atomic_path,
    ensure_writable_dir,
    safe_load_pickle,
)


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


def test_ensure_writable_dir_names_the_argument(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InvalidInputError, match="write to as `cache_dir`"):
        ensure_writable_dir(blocker / "sub", "cache_dir")
    with pytest.raises(InvalidInputError, match=r"Cannot create .*write to\.$"):
        ensure_writable_dir(blocker / "sub")
    assert ensure_writable_dir(tmp_path / "a" / "b") == str(tmp_path / "a" / "b")


def test_the_unpickler_moved_here_and_stays_importable_where_it_was():
    from keras_embeddings import datasets
    from keras_embeddings.datasets import csc321

    assert datasets.safe_load_pickle is csc321.safe_load_pickle is safe_load_pickle
    assert csc321.load_classic_params is datasets.load_classic_params
    assert csc321.CLASSIC_PARAM_NAMES[0] == "word_embedding_weights"


def test_safe_load_pickle_refuses_code(tmp_path):
    path = tmp_path / "evil.pk"
    path.write_bytes(pickle.dumps(os.system))
    with pytest.raises(InvalidInputError, match="could run code"):
        safe_load_pickle(path)
    path.write_bytes(pickle.dumps({"w": np.arange(3)}, protocol=5))
    np.testing.assert_array_equal(safe_load_pickle(path)["w"], np.arange(3))


def test_load_npz_refuses_a_fifo_instead_of_hanging(tmp_path):
    import threading

    from keras_embeddings.export import load_npz

    fifo = tmp_path / "vectors.npz"
    os.mkfifo(fifo)
    raised = []

    def load():
        with pytest.raises(InvalidInputError, match="not a regular file"):
            load_npz(fifo)
        raised.append(True)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive():  # a regression blocks in open(): unblock and fail
        with open(fifo, "wb"):
            pass
        pytest.fail("load_npz waited on a FIFO")
    assert raised == [True]
