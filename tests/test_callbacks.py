import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import keras
import numpy as np
import pytest
from google.protobuf import text_format
from tensorboard.plugins.projector import ProjectorConfig, projector_plugin

from keras_embeddings import callbacks
from keras_embeddings.callbacks import (
    EmbeddingProjector,
    training_callbacks,
    write_projector,
)
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export import projector as projector_module

VOCABULARY = ["<pad>", "king", "queen", "man", "woman"]


def _matrix(rows=5, dim=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(rows, dim)).astype("float32")


def _read_config(log_dir):
    config = ProjectorConfig()
    with open(log_dir / "projector_config.pbtxt", encoding="utf-8") as f:
        text_format.Parse(f.read(), config)
    return config


def _read_lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read().split("\n")[:-1]


def _all_files(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _, names in os.walk(folder)
        for name in names
    )


class _VectorModel:
    """Stands in for a package model: only `get_embeddings()` matters."""

    name = "vector_model"

    def __init__(self, matrix):
        self.matrix = matrix

    def get_embeddings(self):
        return self.matrix


def test_write_projector_list_vocabulary(tmp_path):
    matrix = _matrix()
    paths = write_projector(tmp_path, matrix, VOCABULARY)

    assert paths == {
        "tensor": str(tmp_path / "embedding" / "tensor.tsv"),
        "metadata": str(tmp_path / "embedding" / "metadata.tsv"),
        "config": str(tmp_path / "projector_config.pbtxt"),
    }
    # Padding row 0 left out; float32 values survive the text round trip.
    np.testing.assert_array_equal(
        projector_plugin._read_tensor_tsv_file(paths["tensor"]), matrix[1:]
    )
    assert _read_lines(paths["metadata"]) == VOCABULARY[1:]
    (embedding,) = _read_config(tmp_path).embeddings
    assert embedding.tensor_name == "embedding"
    assert embedding.tensor_path == "embedding/tensor.tsv"
    assert embedding.metadata_path == "embedding/metadata.tsv"
    assert list(embedding.tensor_shape) == [4, 3]
    assert not _read_config(tmp_path).model_checkpoint_path


def test_write_projector_word_index_and_index_word(tmp_path):
    matrix = _matrix(rows=4)
    # A tokenizer with `num_words=4` still indexes "woman" (id 4), and id 2
    # has no word: both are skipped.
    word_index = {"woman": 4, "man": 3, "king": 1}
    paths = write_projector(tmp_path, matrix, word_index)
    np.testing.assert_array_equal(
        projector_plugin._read_tensor_tsv_file(paths["tensor"]), matrix[[1, 3]]
    )
    assert _read_lines(paths["metadata"]) == ["king", "man"]

    index_word = {1: "king", 3: "man", 4: "woman"}
    write_projector(tmp_path, matrix, index_word, tensor_name="by_id")
    assert _read_lines(tmp_path / "by_id" / "metadata.tsv") == ["king", "man"]


def test_write_projector_accepts_a_model(tmp_path):
    matrix = _matrix()
    paths = write_projector(tmp_path, _VectorModel(matrix), VOCABULARY)
    np.testing.assert_array_equal(
        projector_plugin._read_tensor_tsv_file(paths["tensor"]), matrix[1:]
    )


def test_words_with_tabs_and_line_breaks_are_sanitized(tmp_path):
    vocabulary = ["", "new\tyork", "two\nlines", "cr\r\nlf", "   ", "sep\u2028x"]
    paths = write_projector(tmp_path, _matrix(rows=6), vocabulary)
    lines = _read_lines(paths["metadata"])
    assert lines == ["new york", "two lines", "cr  lf", "<blank>", "sep x"]
    # One single-column row per vector, so the plugin sees no header.
    assert len(lines) == len(projector_plugin._read_tensor_tsv_file(paths["tensor"]))
    assert not any("\t" in line for line in lines)


def test_several_tensors_coexist_in_one_config(tmp_path):
    write_projector(tmp_path, _matrix(dim=3), VOCABULARY, tensor_name="cbow")
    write_projector(tmp_path, _matrix(dim=2), VOCABULARY, tensor_name="skipgram")
    # Rewriting a name replaces its entry instead of adding a second one.
    newer = _matrix(dim=4, seed=1)
    write_projector(tmp_path, newer, VOCABULARY, tensor_name="cbow")
    write_projector(tmp_path, newer, VOCABULARY, tensor_name="cbow", step=3)

    config = _read_config(tmp_path)
    shapes = {e.tensor_name: list(e.tensor_shape) for e in config.embeddings}
    assert shapes == {"cbow": [4, 4], "skipgram": [4, 2], "cbow_step3": [4, 4]}
    np.testing.assert_array_equal(
        projector_plugin._read_tensor_tsv_file(tmp_path / "cbow" / "tensor.tsv"),
        newer[1:],
    )


def test_no_temporary_files_left(tmp_path):
    write_projector(tmp_path, _matrix(), VOCABULARY)
    write_projector(tmp_path, _matrix(), VOCABULARY, tensor_name="other")
    assert _all_files(tmp_path) == [
        os.path.join("embedding", "metadata.tsv"),
        os.path.join("embedding", "tensor.tsv"),
        os.path.join("other", "metadata.tsv"),
        os.path.join("other", "tensor.tsv"),
        "projector_config.pbtxt",
    ]


def test_failed_write_leaves_nothing_half_written(tmp_path, monkeypatch):
    write_projector(tmp_path, _matrix(), VOCABULARY)
    before = {name: (tmp_path / name).read_bytes() for name in _all_files(tmp_path)}

    def broken_savetxt(f, *args, **kwargs):
        f.write("0.5\t")
        raise OSError("disk full")

    monkeypatch.setattr(projector_module.np, "savetxt", broken_savetxt)
    with pytest.raises(OSError, match="disk full"):
        write_projector(tmp_path, _matrix(seed=1), VOCABULARY, tensor_name="new")
    after = {name: (tmp_path / name).read_bytes() for name in _all_files(tmp_path)}
    assert after == before


@pytest.mark.parametrize(
    "embeddings, vocabulary, message",
    [
        (_matrix(), VOCABULARY[1:], "prepend one"),
        (_matrix(), "king queen", "must be a list"),
        (_matrix(), {"king": 0}, "start at 1"),
        (_matrix(), {"king": "one"}, "integer ids"),
        (_matrix(), {"king": 1, 1: "queen"}, "both have id 1"),
        (_matrix(), {"far": 9}, "names no word"),
        (np.ones(5), VOCABULARY, "2-D"),
        (np.full((5, 3), np.nan), VOCABULARY, "NaN"),
        ([["a", "b"]] * 5, VOCABULARY, "numeric array"),
    ],
)
def test_write_projector_rejects_bad_input(tmp_path, embeddings, vocabulary, message):
    with pytest.raises(InvalidInputError, match=message):
        write_projector(tmp_path, embeddings, vocabulary)
    assert _all_files(tmp_path) == []


@pytest.mark.parametrize("tensor_name", ["", "a/b", "../up", ".hidden", "x:0", 3])
def test_bad_tensor_name(tmp_path, tensor_name):
    with pytest.raises(InvalidInputError, match="`tensor_name`"):
        write_projector(tmp_path, _matrix(), VOCABULARY, tensor_name=tensor_name)


def test_bad_step_and_corrupt_config(tmp_path):
    with pytest.raises(InvalidInputError, match="`step`"):
        write_projector(tmp_path, _matrix(), VOCABULARY, step="1")
    (tmp_path / "projector_config.pbtxt").write_text("embeddings { nonsense")
    with pytest.raises(InvalidInputError, match="not a valid projector config"):
        write_projector(tmp_path, _matrix(), VOCABULARY)


def test_embedding_projector_uses_get_embeddings_and_freq(tmp_path):
    matrix = _matrix()
    projector = EmbeddingProjector(tmp_path, VOCABULARY, tensor_name="vec", freq=2)
    projector.set_model(_VectorModel(matrix))
    for epoch in range(5):
        projector.on_epoch_end(epoch)
    projector.on_train_end()
    names = [e.tensor_name for e in _read_config(tmp_path).embeddings]
    assert names == ["vec_step2", "vec_step4"]
    np.testing.assert_array_equal(
        projector_plugin._read_tensor_tsv_file(tmp_path / "vec_step4" / "tensor.tsv"),
        matrix[1:],
    )


def test_embedding_projector_without_embeddings_names_the_model(tmp_path):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2)], name="dense_only"
    )
    projector = EmbeddingProjector(tmp_path, VOCABULARY)
    projector.set_model(model)
    with pytest.raises(InvalidInputError, match="'dense_only'"):
        projector.on_train_end()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"freq": 0}, "`freq`"),
        ({"freq": "epoch"}, "`freq`"),
        ({"freq": True}, "`freq`"),
        ({"vocabulary": "words"}, "`vocabulary`"),
        ({"tensor_name": "a b"}, "`tensor_name`"),
    ],
)
def test_embedding_projector_checks_arguments(tmp_path, kwargs, message):
    arguments = {"log_dir": tmp_path, "vocabulary": VOCABULARY, **kwargs}
    with pytest.raises(InvalidInputError, match=message):
        EmbeddingProjector(**arguments)


def test_training_callbacks_presets(tmp_path):
    (early,) = training_callbacks(monitor="loss", patience=0)
    assert isinstance(early, keras.callbacks.EarlyStopping)
    assert (early.monitor, early.patience, early.restore_best_weights) == (
        "loss",
        0,
        True,
    )

    log_dir, backup_dir = tmp_path / "logs", tmp_path / "backup"
    presets = training_callbacks(
        log_dir=log_dir, backup_dir=backup_dir, vocabulary=VOCABULARY
    )
    assert [type(c) for c in presets] == [
        keras.callbacks.EarlyStopping,
        keras.callbacks.TensorBoard,
        callbacks.BackupAndRestore,  # Keras' subclass, after EarlyStopping
        EmbeddingProjector,
    ]
    early, board, backup, projector = presets
    assert (early.monitor, early.patience) == ("val_loss", 3)
    assert board.log_dir == str(log_dir)
    assert board.embeddings_freq == 0
    assert backup.backup_dir == str(backup_dir)
    assert isinstance(backup, keras.callbacks.BackupAndRestore)
    assert backup.early_stopping == [early]
    assert projector.log_dir == str(log_dir)
    assert projector.vocabulary == VOCABULARY

    types = [type(c) for c in training_callbacks(log_dir=log_dir)]
    assert types == [keras.callbacks.EarlyStopping, keras.callbacks.TensorBoard]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"patience": -1}, "`patience`"),
        ({"patience": 1.5}, "`patience`"),
        ({"patience": True}, "`patience`"),
        ({"monitor": ""}, "`monitor`"),
        ({"monitor": None}, "`monitor`"),
        ({"vocabulary": VOCABULARY}, "pass `log_dir` too"),
        ({"log_dir": "", "vocabulary": VOCABULARY}, "`log_dir`"),
        ({"log_dir": 3}, "`log_dir`"),
        ({"log_dir": "runs/a", "backup_dir": "runs/a"}, "`backup_dir`"),
        ({"log_dir": "runs/a", "backup_dir": "runs"}, "`backup_dir`"),
        ({"log_dir": "runs", "backup_dir": "runs/a", "vocabulary": "x"}, "list"),
    ],
)
def test_training_callbacks_checks_arguments(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        training_callbacks(**kwargs)


# The padding rule: only the row `padding_id` is left out; None keeps every row.

WORDS = ["all", "set", "just", "go"]


class _ContractModel(_VectorModel):
    """A package model's contract: `padding_id` and `get_vocabulary()`."""

    def __init__(self, matrix, vocabulary, padding_id):
        super().__init__(matrix)
        self.vocabulary = vocabulary
        self.padding_id = padding_id

    def get_vocabulary(self):
        return None if self.vocabulary is None else list(self.vocabulary)


def _assert_projected(log_dir, name, words, vectors):
    """The metadata lists exactly `words` and the tensor holds `vectors`."""
    assert _read_lines(log_dir / name / "metadata.tsv") == words
    tensor = projector_plugin._read_tensor_tsv_file(log_dir / name / "tensor.tsv")
    np.testing.assert_array_equal(tensor, vectors)
    shapes = {
        e.tensor_name: list(e.tensor_shape) for e in _read_config(log_dir).embeddings
    }
    assert shapes[name] == [len(words), vectors.shape[1]]


def test_write_projector_padding_id_none_keeps_every_row(tmp_path):
    matrix = _matrix(rows=4)
    write_projector(tmp_path, matrix, WORDS, padding_id=None)
    _assert_projected(tmp_path, "embedding", WORDS, matrix)
    # A word_index may use id 0 when there is no padding row.
    word_index = {"all": 0, "go": 3}
    write_projector(tmp_path, matrix, word_index, tensor_name="ids", padding_id=None)
    _assert_projected(tmp_path, "ids", ["all", "go"], matrix[[0, 3]])


def test_write_projector_other_padding_id(tmp_path):
    matrix = _matrix(rows=4)
    write_projector(tmp_path, matrix, ["a", "b", "<pad>", "c"], padding_id=2)
    _assert_projected(tmp_path, "embedding", ["a", "b", "c"], matrix[[0, 1, 3]])


def test_write_projector_reads_the_model_contract(tmp_path):
    matrix = _matrix(rows=4)
    model = _ContractModel(matrix, WORDS, padding_id=None)
    write_projector(tmp_path, model)  # Words from `get_vocabulary()`.
    _assert_projected(tmp_path, "embedding", WORDS, matrix)

    padded = _ContractModel(matrix, ["", "the", "cat", "sat"], padding_id=0)
    write_projector(tmp_path, padded, tensor_name="padded")
    _assert_projected(tmp_path, "padded", ["the", "cat", "sat"], matrix[1:])

    # A given vocabulary and padding_id win over the model's.
    write_projector(tmp_path, model, VOCABULARY[:4], tensor_name="given", padding_id=0)
    _assert_projected(tmp_path, "given", VOCABULARY[1:4], matrix[1:])


@pytest.mark.parametrize(
    "embeddings, vocabulary, padding_id, message",
    [
        (_matrix(rows=4), WORDS[1:], None, "padding_id=None: every row"),
        (_matrix(rows=4), ["", *WORDS], None, r"drop it: `vocabulary\[1:\]`"),
        (_matrix(rows=4), {"all": 0}, 0, "pass `padding_id=None`"),
        (_matrix(rows=4), WORDS, 4, "`padding_id`"),
        (_matrix(rows=4), None, 0, "`vocabulary` is missing"),
        (_ContractModel(_matrix(rows=4), None, None), None, None, "'vector_model'"),
    ],
)
def test_write_projector_padding_errors(
    tmp_path, embeddings, vocabulary, padding_id, message
):
    with pytest.raises(InvalidInputError, match=message):
        write_projector(tmp_path, embeddings, vocabulary, padding_id=padding_id)
    assert _all_files(tmp_path) == []


def test_embedding_projector_reads_the_model_contract(tmp_path):
    matrix = _matrix(rows=4)
    projector = EmbeddingProjector(tmp_path)
    projector.set_model(_ContractModel(matrix, WORDS, padding_id=None))
    projector.on_train_begin()
    projector.on_train_end()
    _assert_projected(tmp_path, "embedding", WORDS, matrix)

    # An explicit padding_id wins over the model's.
    projector = EmbeddingProjector(
        tmp_path, ["<pad>", *WORDS[1:]], tensor_name="given", padding_id=0
    )
    projector.set_model(_ContractModel(matrix, WORDS, padding_id=None))
    projector.on_train_end()
    _assert_projected(tmp_path, "given", WORDS[1:], matrix[1:])


def test_embedding_projector_fails_when_training_begins(tmp_path):
    # Id 0 is a word, but the model pads with id 0.
    projector = EmbeddingProjector(tmp_path, {"all": 0, "set": 1})
    projector.set_model(_ContractModel(_matrix(rows=4), None, padding_id=0))
    with pytest.raises(InvalidInputError, match="start at 1"):
        projector.on_train_begin()
    # No vocabulary given and none in the model.
    projector = EmbeddingProjector(tmp_path)
    projector.set_model(_ContractModel(_matrix(rows=4), None, padding_id=None))
    with pytest.raises(InvalidInputError, match="`vocabulary` is missing"):
        projector.on_train_begin()
    with pytest.raises(InvalidInputError, match="`padding_id`"):
        EmbeddingProjector(tmp_path, WORDS, padding_id=-1)
    assert _all_files(tmp_path) == []


def test_embedding_projector_on_glove_shows_every_word(tmp_path):
    """GloVe has no padding row: all its words reach the projector."""
    from keras_embeddings.models import GloVe

    keras.utils.set_random_seed(0)
    glove = GloVe(vocabulary_size=4, embedding_dim=2, vocabulary=WORDS)
    projector = EmbeddingProjector(tmp_path)
    projector.set_model(glove)
    projector.on_train_begin()
    projector.on_train_end()
    expected = glove.get_embeddings().astype("float32")
    _assert_projected(tmp_path, "embedding", WORDS, expected)


def test_old_import_paths_and_public_names():
    from keras_embeddings import export
    from keras_embeddings.callbacks import PROJECTOR_CONFIG
    from keras_embeddings.callbacks import write_projector as old_path

    assert old_path is export.write_projector is write_projector
    assert PROJECTOR_CONFIG == "projector_config.pbtxt"
    for name in callbacks.__all__:
        assert getattr(callbacks, name) is not None
    assert {"EmbeddingProjector", "training_callbacks", "write_projector"} <= set(
        callbacks.__all__
    )
    for name in ("atomic_open", "InvalidInputError", "id_word_pairs"):
        assert name not in callbacks.__all__


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Only local traffic: never go through an HTTP proxy from the environment.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(port, route, **params):
    query = urllib.parse.urlencode(params)
    url = f"http://127.0.0.1:{port}/data/plugin/projector/{route}?{query}"
    with _LOCAL.open(url, timeout=10) as response:
        return response.read()


@pytest.mark.slow
def test_live_tensorboard_serves_the_projector(tmp_path):
    keras.utils.set_random_seed(0)
    vocabulary = ["<pad>", "new\tyork"] + [f"word{i}" for i in range(2, 20)]
    model = keras.Sequential(
        [
            keras.Input((5,), dtype="int32"),
            keras.layers.Embedding(20, 4),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(20),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(0)
    x = rng.integers(1, 20, size=(64, 5))
    y = rng.integers(0, 20, size=(64,))
    log_dir = tmp_path / "logs"
    model.fit(
        x,
        y,
        epochs=2,
        batch_size=16,
        verbose=0,
        # Scalar logs in the same folder, as `training_callbacks` writes them.
        callbacks=[
            keras.callbacks.TensorBoard(log_dir),
            EmbeddingProjector(log_dir, vocabulary),
        ],
    )
    assert (log_dir / "train").is_dir()
    expected = keras.ops.convert_to_numpy(model.layers[0].embeddings)[1:]

    port = _free_port()
    server_log = tmp_path / "tensorboard.log"
    with open(server_log, "wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tensorboard.main",
                "--logdir",
                str(log_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        runs, deadline = [], time.monotonic() + 60
        while not runs and time.monotonic() < deadline:
            if server.poll() is not None:
                break
            try:
                runs = json.loads(_get(port, "runs"))
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert runs, f"TensorBoard listed no projector run:\n{server_log.read_text()}"
        (run,) = runs  # The log folder itself, ".", not "train".

        info = json.loads(_get(port, "info", run=run))
        (embedding,) = info["embeddings"]
        assert embedding["tensorName"] == "embedding"
        assert [int(n) for n in embedding["tensorShape"]] == [19, 4]

        body = _get(port, "tensor", run=run, name="embedding")
        tensor = np.frombuffer(body, dtype="<f4").reshape(19, 4)
        np.testing.assert_array_equal(tensor, expected)

        metadata = _get(port, "metadata", run=run, name="embedding")
        words = metadata.decode("utf-8").split("\n")[:-1]
        assert words == ["new york"] + vocabulary[2:]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
