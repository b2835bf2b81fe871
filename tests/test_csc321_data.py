import contextlib
import functools
import hashlib
import http.server
import io
import os
import pickle
import struct
import tarfile
import threading

import numpy as np
import pytest
import scipy.io

from keras_embeddings import datasets
from keras_embeddings.datasets import csc321
from keras_embeddings.errors import InvalidInputError, MissingInputError

# ------------------------------------------------------------ real data --


def test_next_word_variant_on_real_data(csc321_dir):
    data = datasets.load_csc321(csc321_dir)
    sizes = {"train": 372_500, "valid": 46_500, "test": 46_500}
    for split, n in sizes.items():
        inputs, targets = getattr(data, split)
        assert inputs.shape == (n, 3) and targets.shape == (n,)
        assert inputs.dtype == np.int32 and targets.dtype == np.int32
        assert inputs.min() == 0 and inputs.max() == 249
        assert 0 <= targets.min() and targets.max() < 250
    assert len(data.vocabulary) == 250
    assert data.vocabulary[:4] == ["all", "set", "just", "show"]
    assert data.vocabulary[-1] == "left"
    assert all(type(w) is str for w in data.vocabulary)
    # The first rows the seed prints (data['train_inputs'][:2], targets[:2]).
    np.testing.assert_array_equal(data.train[0][:2], [[27, 25, 89], [183, 43, 248]])
    np.testing.assert_array_equal(
        data.train[1][:10], [143, 116, 121, 185, 5, 31, 31, 143, 31, 67]
    )


def test_masked_variant_on_real_data(csc321_dir):
    data = datasets.load_csc321(csc321_dir, variant="masked")
    assert data.train.shape == (372_500, 4)
    assert data.valid.shape == data.test.shape == (46_500, 4)
    for split in (data.train, data.valid, data.test):
        assert split.dtype == np.int32
        assert split.min() >= 1 and split.max() < 251
    assert len(data.vocabulary) == 251
    assert data.vocabulary[:3] == ["[MASK]", "all", "set"]
    # The seed's data['train_inputs'][:3] of the masked lab.
    np.testing.assert_array_equal(
        data.train[:3], [[28, 26, 90, 144], [184, 44, 249, 117], [183, 32, 76, 122]]
    )
    # Same 4-grams as the next-word variant, shifted by the mask id.
    next_word = datasets.load_csc321(csc321_dir / "data.mat")
    np.testing.assert_array_equal(data.test[:, :3] - 1, next_word.test[0])
    np.testing.assert_array_equal(data.test[:, 3] - 1, next_word.test[1])
    assert data.vocabulary[1:] == next_word.vocabulary


def test_classic_params_3ctx(csc321_dir):
    params, vocabulary = datasets.load_classic_params(
        csc321_dir / "partially_trained_3ctx.pk"
    )
    shapes = {name: value.shape for name, value in params.items()}
    assert shapes == {
        "word_embedding_weights": (250, 8),
        "embed_to_hid_weights": (64, 24),
        "hid_to_output_weights": (250, 64),
        "hid_bias": (64,),
        "output_bias": (250,),
    }
    assert all(value.dtype == np.float64 for value in params.values())
    assert all(np.isfinite(value).all() for value in params.values())
    assert np.abs(params["word_embedding_weights"]).max() > 0
    # A Python 2 pickle: its vocabulary is the same 250 words as data.mat.
    assert vocabulary == datasets.load_csc321(csc321_dir).vocabulary
    assert all(type(w) is str for w in vocabulary)


def test_classic_params_masked(csc321_dir):
    params, vocabulary = datasets.load_classic_params(
        csc321_dir / "partially_trained_masked.pk"
    )
    shapes = {name: value.shape for name, value in params.items()}
    assert shapes == {
        "word_embedding_weights": (251, 16),
        "embed_to_hid_weights": (128, 64),
        "hid_to_output_weights": (4 * 251, 128),
        "hid_bias": (128,),
        "output_bias": (4 * 251,),
    }
    assert all(value.dtype == np.float64 for value in params.values())
    assert vocabulary == datasets.load_csc321(csc321_dir, "masked").vocabulary


# ---------------------------------------------------------- safe pickles --


class _Hostile:
    """Unpickling this would call `function(*args)`."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


@pytest.mark.parametrize("protocol", [2, 4])
@pytest.mark.parametrize("how", ["system", "open"])
def test_hostile_pickle_is_refused_and_runs_nothing(tmp_path, protocol, how):
    victim = tmp_path / "pwned.txt"
    if how == "system":
        payload = _Hostile(os.system, f"touch {victim}")
    else:
        payload = _Hostile(open, str(victim), "w")
    function = payload.function
    path = tmp_path / "data.pk"
    # The payload sits inside ordinary data, after an allowed NumPy array.
    path.write_bytes(
        pickle.dumps({"vocab": ["a"], "x": np.arange(3), "evil": payload}, protocol)
    )

    with pytest.raises(InvalidInputError) as info:
        datasets.safe_load_pickle(path)
    message = str(info.value)
    assert f"`{function.__module__}.{function.__name__}`" in message
    assert str(path) in message
    assert not victim.exists()
    # load_csc321 reads data.pk through the same unpickler.
    with pytest.raises(InvalidInputError, match=function.__name__):
        datasets.load_csc321(tmp_path)
    assert not victim.exists()


def test_pickle_of_other_numpy_internals_is_refused():
    # Allowed module, forbidden name: the allow-list is (module, name) pairs.
    path = datasets.data_path("fixtures", "pickle_numpy_load.pk")
    with pytest.raises(InvalidInputError, match="`numpy.load`"):
        datasets.safe_load_pickle(path)


def test_codecs_encode_only_for_latin1():
    # _codecs.encode("abc", "rot13"): allowed global, refused codec.
    path = datasets.data_path("fixtures", "pickle_codecs_rot13.pk")
    with pytest.raises(InvalidInputError, match="latin1"):
        datasets.safe_load_pickle(path)


class _Python2Pickler(pickle._Pickler):
    """Writes `bytes` as Python 2 `str` (SHORT_BINSTRING / BINSTRING)."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def _python2_pickle(obj):
    buffer = io.BytesIO()
    _Python2Pickler(buffer, protocol=2).dump(obj)
    # Python 2's NumPy named its module numpy.core.multiarray.
    return buffer.getvalue().replace(b"numpy._core.", b"numpy.core.")


def test_python2_protocol2_pickle_with_numpy_arrays_loads(tmp_path):
    weights = np.random.default_rng(0).normal(size=(5, 3))
    ids = np.array([[3, 0, 255], [1, 2, 4]], dtype=np.int32)
    blob = _python2_pickle(
        {b"weights": weights, b"ids": ids, b"vocab": [b"caf\xe9", b"b"], b"n": 7}
    )
    assert b"numpy.core.multiarray\n_reconstruct" in blob
    assert pickle.BINSTRING in blob or pickle.SHORT_BINSTRING in blob
    assert b"_codecs" not in blob
    path = tmp_path / "py2.pk"
    path.write_bytes(blob)

    obj = datasets.safe_load_pickle(path)
    assert set(obj) == {"weights", "ids", "vocab", "n"}
    np.testing.assert_array_equal(obj["weights"], weights)
    np.testing.assert_array_equal(obj["ids"], ids)
    assert obj["ids"].dtype == np.int32
    assert obj["vocab"] == ["café", "b"] and obj["n"] == 7


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_python3_pickles_of_numpy_data_load(tmp_path, protocol):
    obj = {
        "a": np.arange(12, dtype=np.int64).reshape(3, 4),
        "s": np.float64(2.5),
        "words": [np.str_("x"), "y"],
        "t": (1, None, True, b"raw"),
    }
    path = tmp_path / "x.pk"
    path.write_bytes(pickle.dumps(obj, protocol=protocol))
    loaded = datasets.safe_load_pickle(path)
    np.testing.assert_array_equal(loaded["a"], obj["a"])
    assert loaded["s"] == 2.5 and loaded["words"] == ["x", "y"]
    assert loaded["t"] == (1, None, True, b"raw")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"this is a text file, not a pickle\n",
        pickle.dumps({"a": np.arange(100)}, protocol=4)[:-30],  # truncated
        pickle.dumps({"a": np.arange(100)}, protocol=2)[:50],
    ],
    ids=["empty", "text", "truncated-p4", "truncated-p2"],
)
def test_garbage_or_truncated_pickle_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.pk"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match="not a readable pickle"):
        datasets.safe_load_pickle(path)


def test_missing_pickle(tmp_path):
    with pytest.raises(MissingInputError, match="not found"):
        datasets.safe_load_pickle(tmp_path / "nope.pk")


def test_classic_params_errors(tmp_path):
    path = tmp_path / "params.pk"
    path.write_bytes(pickle.dumps([1, 2]))
    with pytest.raises(InvalidInputError, match="must hold a dict"):
        datasets.load_classic_params(path)
    path.write_bytes(pickle.dumps({"vocab": ["a"], "hid_bias": np.zeros(2)}))
    with pytest.raises(InvalidInputError, match="word_embedding_weights"):
        datasets.load_classic_params(path)
    params = {
        "vocab": ["a", "b"],
        "word_embedding_weights": np.zeros((2, 3)),
        "embed_to_hid_weights": np.zeros((4, 6)),
        "hid_to_output_weights": np.zeros((2, 5)),  # 5 != 4 hidden units
        "hid_bias": np.zeros(4),
        "output_bias": np.zeros(2),
    }
    path.write_bytes(pickle.dumps(params))
    with pytest.raises(InvalidInputError, match="do not fit together"):
        datasets.load_classic_params(path)
    params["hid_to_output_weights"] = np.ones((2, 4))
    path.write_bytes(pickle.dumps(params))
    loaded, vocabulary = datasets.load_classic_params(path)
    assert vocabulary == ["a", "b"]
    np.testing.assert_array_equal(loaded["hid_to_output_weights"], np.ones((2, 4)))


# ------------------------------------------------------- small fixtures --

WORDS = ["all", "set", "just", "show", "being", "money"]


def _rows(seed, n):
    """(n, 4) 1-based ids over WORDS."""
    return np.random.default_rng(seed).integers(1, len(WORDS) + 1, size=(n, 4))


SPLIT_ROWS = {"train": _rows(0, 20), "valid": _rows(1, 5), "test": _rows(2, 6)}


def _next_word_pickle():
    """The next-word lab's data.pk layout (0-based, 3 inputs + target)."""
    obj = {"vocab": list(WORDS)}
    for split, rows in SPLIT_ROWS.items():
        obj[f"{split}_inputs"] = rows[:, :3] - 1
        obj[f"{split}_targets"] = rows[:, 3] - 1
    return obj


def _masked_pickle():
    """The masked lab's data.pk layout (1-based rows, [MASK] first)."""
    obj = {"vocab": ["[MASK]"] + [np.str_(w) for w in WORDS]}
    obj.update({f"{s}_inputs": rows for s, rows in SPLIT_ROWS.items()})
    return obj


def _write_mat(path):
    vocab = np.empty((1, len(WORDS)), dtype=object)
    vocab[0, :] = [np.array([w]) for w in WORDS]
    data = {
        "trainData": SPLIT_ROWS["train"].T.astype(np.int32),
        "validData": SPLIT_ROWS["valid"].T.astype(np.int32),
        "testData": SPLIT_ROWS["test"].T.astype(np.int32),
        "vocab": vocab,
    }
    scipy.io.savemat(path, {"data": data})


def _check_small(data, variant):
    if variant == "masked":
        assert data.vocabulary == ["[MASK]"] + WORDS
        for split, rows in SPLIT_ROWS.items():
            got = getattr(data, split)
            assert got.dtype == np.int32
            np.testing.assert_array_equal(got, rows)
    else:
        assert data.vocabulary == WORDS
        for split, rows in SPLIT_ROWS.items():
            inputs, targets = getattr(data, split)
            assert inputs.dtype == np.int32 and targets.dtype == np.int32
            np.testing.assert_array_equal(inputs, rows[:, :3] - 1)
            np.testing.assert_array_equal(targets, rows[:, 3] - 1)


@pytest.mark.parametrize("variant", ["next_word", "masked"])
@pytest.mark.parametrize("source", ["next_word_pk", "masked_pk", "mat", "python2_pk"])
def test_every_file_layout_gives_both_variants(tmp_path, source, variant):
    if source == "mat":
        _write_mat(tmp_path / "data.mat")
    elif source == "python2_pk":
        obj = _next_word_pickle()
        obj["vocab"] = [w.encode() for w in obj["vocab"]]
        (tmp_path / "data.pk").write_bytes(_python2_pickle(obj))
    else:
        obj = _next_word_pickle() if source == "next_word_pk" else _masked_pickle()
        (tmp_path / "data.pk").write_bytes(pickle.dumps(obj))
    _check_small(datasets.load_csc321(tmp_path, variant=variant), variant)
    # The file itself works as well as its folder.
    file = next(tmp_path.iterdir())
    _check_small(datasets.load_csc321(file, variant=variant), variant)


def test_load_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="variant='bigram'"):
        datasets.load_csc321(tmp_path, variant="bigram")
    with pytest.raises(MissingInputError, match="not found"):
        datasets.load_csc321(tmp_path / "missing")
    with pytest.raises(MissingInputError, match="Neither data.mat nor data.pk"):
        datasets.load_csc321(tmp_path)

    obj = _next_word_pickle()
    del obj["valid_targets"]
    (tmp_path / "data.pk").write_bytes(pickle.dumps(obj))
    with pytest.raises(InvalidInputError, match="valid_targets"):
        datasets.load_csc321(tmp_path)

    obj = _masked_pickle()
    obj["vocab"] = WORDS  # no [MASK] in the masked layout
    (tmp_path / "data.pk").write_bytes(pickle.dumps(obj))
    with pytest.raises(InvalidInputError, match=r"\[MASK\]"):
        datasets.load_csc321(tmp_path)

    obj = _next_word_pickle()
    obj["test_targets"] = obj["test_targets"] + len(WORDS)
    (tmp_path / "data.pk").write_bytes(pickle.dumps(obj))
    with pytest.raises(InvalidInputError, match="outside 1..6"):
        datasets.load_csc321(tmp_path)

    scipy.io.savemat(tmp_path / "other.mat", {"data": {"trainData": np.ones((4, 2))}})
    with pytest.raises(InvalidInputError, match="Missing: \\['validData'"):
        datasets.load_csc321(tmp_path / "other.mat")
    (tmp_path / "broken.mat").write_bytes(b"not matlab")
    with pytest.raises(InvalidInputError, match="not a readable MATLAB file"):
        datasets.load_csc321(tmp_path / "broken.mat")


# -------------------------------------------------------------- download --


@contextlib.contextmanager
def _serve(folder):
    """Serve `folder` over HTTP on 127.0.0.1 (a free port) in a thread."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def served_archive(tmp_path):
    """A tiny a1_data.tar.gz (data.pk + raw_sentences.txt) on 127.0.0.1."""
    members = {
        "data.pk": pickle.dumps(_next_word_pickle(), protocol=2),
        "raw_sentences.txt": b"all set just show .\n",
    }
    site = tmp_path / "site"
    site.mkdir()
    archive = site / "a1_data.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    sha256 = hashlib.sha256(archive.read_bytes()).hexdigest()
    with _serve(site) as url:
        yield f"{url}/a1_data.tar.gz", sha256


def test_download_from_local_server(tmp_path, served_archive):
    origin, sha256 = served_archive
    cache = tmp_path / "cache"
    data = datasets.load_csc321(origin=origin, file_hash=sha256, cache_dir=str(cache))
    _check_small(data, "next_word")
    assert (cache / "datasets" / "a1_data" / "data.pk").is_file()
    masked = datasets.load_csc321(
        variant="masked", origin=origin, file_hash=sha256, cache_dir=str(cache)
    )
    _check_small(masked, "masked")

    with pytest.raises(InvalidInputError, match="does not match `file_hash`"):
        datasets.load_csc321(
            origin=origin, file_hash="0" * 64, cache_dir=str(tmp_path / "other")
        )


def test_download_failure_is_a_clear_error(tmp_path):
    with _serve(tmp_path) as url:
        pass  # the server is shut down: nothing listens on that port now
    with pytest.raises(MissingInputError, match="Could not download"):
        datasets.load_csc321(
            origin=f"{url}/a1_data.tar.gz", cache_dir=str(tmp_path / "cache")
        )


def test_default_origin_is_the_course_url():
    assert csc321.CSC321_URL == datasets.CSC321_URL
    assert csc321.CSC321_URL.endswith("/a1_data.tar.gz")
