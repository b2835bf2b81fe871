"""Training callbacks: early-stopping presets and a working embedding projector.

Keras 3's `keras.callbacks.TensorBoard(embeddings_freq=...)` saves the
embedding weights as a `.weights.h5` file, which TensorBoard's projector
plugin cannot read, so the "Projector" tab stays empty (Keras issue 20210).
`write_projector` writes what the plugin does read, from any backend and
without TensorFlow checkpoints:

- `<tensor_name>/tensor.tsv`: the vectors, one row per word, values separated
  by tabs (the plugin's `tensor_path` format);
- `<tensor_name>/metadata.tsv`: one word per line, same row order, no header;
- `projector_config.pbtxt`: a `ProjectorConfig` listing every tensor written
  into the folder.

Row 0 of an embedding matrix is the padding id and is left out. Start
TensorBoard on the same folder (`tensorboard --logdir LOG_DIR`) after the
files are written: the plugin reads its configuration once, so a running
server shows new vectors only after a restart.

`EmbeddingProjector` calls `write_projector` from `model.fit`, and
`training_callbacks` bundles it with `EarlyStopping`, the scalar
`TensorBoard` logs and `BackupAndRestore`. Taught in
`tutorials/04_next_token_lstm.py`.
"""

import os
import re

import keras
import numpy as np
from google.protobuf import text_format
from tensorboard.plugins.projector import ProjectorConfig

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export import id_word_pairs
from keras_embeddings.io_utils import atomic_open, ensure_writable_dir

PROJECTOR_CONFIG = "projector_config.pbtxt"
TENSOR_FILE = "tensor.tsv"
METADATA_FILE = "metadata.tsv"

# Tensor names become folder names, so keep them to portable characters.
_TENSOR_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# Every character `str.splitlines` breaks on, plus the column separator.
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# The projector skips blank metadata lines, which would shift every label
# below them; such words get this visible label instead.
_BLANK_WORD = "<blank>"


def write_projector(
    log_dir, embeddings, vocabulary, tensor_name="embedding", step=None
):
    """Write word vectors and their words for TensorBoard's projector.

    Writes `<tensor_name>/tensor.tsv` (the vectors of ids 1 and up, tab
    separated, float32 precision), `<tensor_name>/metadata.tsv` (their words,
    one per line) and adds the tensor to `log_dir/projector_config.pbtxt`,
    keeping the other tensors already listed there. Every file is written
    to a temporary name and renamed, so a reader never sees half a file.
    Tabs and line breaks inside words become spaces so rows stay aligned;
    blank words are shown as `"<blank>"`.

    Args:
        log_dir: str or path, the folder to pass to `tensorboard --logdir`.
        embeddings: a model with a `get_embeddings()` method, or an array of
            shape `(vocabulary_size, embedding_dim)` whose row 0 is the
            padding id.
        vocabulary: either a list where `vocabulary[i]` is the word of id `i`
            (entry 0 is the padding entry, e.g. `""` or `"<pad>"`; the list
            must have one entry per row), or a Tokenizer `word_index` dict
            word -> id (ids from 1; ids beyond the matrix, left by a
            tokenizer with `num_words`, are skipped). An `index_word` dict
            id -> word works too.
        tensor_name: str, the name shown in the projector's tensor menu and
            the folder the two TSV files go into. Letters, digits, `_`, `.`
            and `-` only. Writing the same name again replaces that tensor.
        step: optional int, e.g. the epoch the vectors come from. When given,
            the vectors are kept as a separate snapshot named
            `f"{tensor_name}_step{step}"`, so the projector can compare them.

    Returns:
        A dict with the paths written: `"tensor"`, `"metadata"` and
        `"config"`.

    Example:

    ```python
    import tempfile

    import numpy as np
    from keras_embeddings.callbacks import write_projector

    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    paths = write_projector(
        tempfile.mkdtemp(), matrix, ["<pad>", "king", "queen", "man"]
    )
    with open(paths["metadata"], encoding="utf-8") as f:
        assert f.read().splitlines() == ["king", "queen", "man"]
    ```
    """
    name = _check_tensor_name(tensor_name)
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise InvalidInputError(
                f"`step` must be an integer or None. Received: step={step!r}"
            )
        name = f"{name}_step{int(step)}"
    matrix = _as_matrix(embeddings)
    pairs = id_word_pairs(vocabulary, matrix.shape[0])
    if not pairs:
        raise InvalidInputError(
            f"`vocabulary` names no word for ids 1 to {matrix.shape[0] - 1} of the "
            "embedding matrix, so there is nothing to show in the projector."
        )
    ids = np.array([i for i, _ in pairs])
    vectors = matrix[ids]  # (words, embedding_dim)
    words = [_sanitize(word) for _, word in pairs]

    log_dir = ensure_writable_dir(log_dir)
    config_path = os.path.join(log_dir, PROJECTOR_CONFIG)
    config = _read_config(config_path)
    ensure_writable_dir(os.path.join(log_dir, name))
    paths = {
        "tensor": os.path.join(log_dir, name, TENSOR_FILE),
        "metadata": os.path.join(log_dir, name, METADATA_FILE),
        "config": config_path,
    }
    # Data files first and the config last, so the config never names a
    # file that is not complete yet.
    with atomic_open(paths["tensor"], "w", newline="\n") as f:
        # 9 significant digits give back every float32 exactly.
        np.savetxt(f, vectors, fmt="%.9g", delimiter="\t")
    with atomic_open(paths["metadata"], "w", newline="\n") as f:
        f.write("".join(f"{word}\n" for word in words))

    embedding = None
    for info in config.embeddings:
        if info.tensor_name.removesuffix(":0") == name:
            embedding = info
            embedding.Clear()
            break
    if embedding is None:
        embedding = config.embeddings.add()
    embedding.tensor_name = name
    # Relative paths keep the folder movable; the plugin resolves them
    # against the config's folder and refuses paths outside it.
    embedding.tensor_path = f"{name}/{TENSOR_FILE}"
    embedding.metadata_path = f"{name}/{METADATA_FILE}"
    embedding.tensor_shape.extend(vectors.shape)
    with atomic_open(config_path, "w", newline="\n") as f:
        f.write(text_format.MessageToString(config))
    return paths


class EmbeddingProjector(keras.callbacks.Callback):
    """Write the model's word vectors for TensorBoard's projector during `fit`.

    A working replacement for `keras.callbacks.TensorBoard(embeddings_freq=...)`,
    whose Keras 3 output the projector cannot read. The vectors come from
    `model.get_embeddings()` (every model of this package has it) or, for
    other models, from the weights of the first `keras.layers.Embedding`
    layer. See `write_projector` for the files written.

    Args:
        log_dir: str or path, the folder to pass to `tensorboard --logdir`
            (it may be the `log_dir` of a `TensorBoard` callback).
        vocabulary: a list where `vocabulary[i]` is the word of id `i`
            (entry 0 = padding), or a Tokenizer `word_index` dict.
        tensor_name: str, the name shown in the projector's tensor menu.
        freq: `"train_end"` to write once when training ends (after
            `EarlyStopping` restored the best weights, when it comes first
            in the callback list), or a positive int `n` to write a snapshot
            every `n` epochs, named `f"{tensor_name}_step{epoch}"`.

    Example:

    ```python
    import tempfile

    import keras
    import numpy as np
    from keras_embeddings.callbacks import EmbeddingProjector

    model = keras.Sequential(
        [
            keras.layers.Embedding(5, 2),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(5),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    vocabulary = ["", "the", "cat", "sat", "down"]
    log_dir = tempfile.mkdtemp()
    x, y = np.array([[1, 2], [2, 3], [3, 4]]), np.array([3, 4, 1])
    model.fit(x, y, epochs=1, verbose=0,
              callbacks=[EmbeddingProjector(log_dir, vocabulary)])
    ```
    """

    def __init__(self, log_dir, vocabulary, tensor_name="embedding", freq="train_end"):
        super().__init__()
        if freq != "train_end" and (
            isinstance(freq, bool)
            or not isinstance(freq, (int, np.integer))
            or freq < 1
        ):
            raise InvalidInputError(
                '`freq` must be "train_end" or a positive number of epochs. '
                f"Received: freq={freq!r}"
            )
        _check_tensor_name(tensor_name)
        id_word_pairs(vocabulary)  # Fail before training, not after.
        self.log_dir = os.fspath(log_dir)
        self.vocabulary = vocabulary
        self.tensor_name = tensor_name
        self.freq = freq

    def on_epoch_end(self, epoch, logs=None):
        if self.freq != "train_end" and (epoch + 1) % self.freq == 0:
            self._write(step=epoch + 1)

    def on_train_end(self, logs=None):
        if self.freq == "train_end":
            self._write(step=None)

    def _write(self, step):
        write_projector(
            self.log_dir,
            _model_embeddings(self.model),
            self.vocabulary,
            tensor_name=self.tensor_name,
            step=step,
        )


def training_callbacks(
    log_dir=None, monitor="val_loss", patience=3, backup_dir=None, vocabulary=None
):
    """The course's callback presets for `model.fit`.

    Always `EarlyStopping(monitor, patience, restore_best_weights=True)`;
    with `log_dir`, also `TensorBoard(log_dir)` for the loss and metric
    curves (no `embeddings_freq`, whose files the projector cannot read);
    with `backup_dir`, `BackupAndRestore(backup_dir)` so an interrupted run
    resumes from its last epoch; with `log_dir` and `vocabulary`,
    `EmbeddingProjector(log_dir, vocabulary)`, placed after `EarlyStopping`
    so it writes the restored best weights.

    Args:
        log_dir: optional str or path, the TensorBoard log folder.
        monitor: str, the quantity early stopping watches, e.g. `"val_loss"`
            (needs validation data) or `"loss"`.
        patience: int >= 0, epochs without improvement before stopping.
        backup_dir: optional str or path for `BackupAndRestore`. Keras
            deletes it when training ends, so it must not be `log_dir` or
            a folder containing it.
        vocabulary: optional list or `word_index` dict for the projector;
            needs `log_dir`.

    Returns:
        A list of `keras.callbacks.Callback`s to pass to `model.fit`.

    Example:

    ```python
    from keras_embeddings.callbacks import training_callbacks

    callbacks = training_callbacks(monitor="loss", patience=2)
    assert [type(c).__name__ for c in callbacks] == ["EarlyStopping"]
    ```
    """
    if not isinstance(monitor, str) or not monitor:
        raise InvalidInputError(
            "`monitor` must be the name of a logged quantity such as "
            f'"val_loss" or "loss". Received: monitor={monitor!r}'
        )
    if (
        isinstance(patience, bool)
        or not isinstance(patience, (int, np.integer))
        or patience < 0
    ):
        raise InvalidInputError(
            f"`patience` must be an integer >= 0. Received: patience={patience!r}"
        )
    if vocabulary is not None and log_dir is None:
        raise InvalidInputError(
            "`vocabulary` is used to write the embedding projector into "
            "`log_dir`; pass `log_dir` too, or leave `vocabulary` out."
        )
    if log_dir is not None:
        log_dir = _check_dir_argument(log_dir, "log_dir")
    if backup_dir is not None:
        backup_dir = _check_dir_argument(backup_dir, "backup_dir")
        if log_dir is not None:
            backup, log = os.path.abspath(backup_dir), os.path.abspath(log_dir)
            if os.path.commonpath([backup, log]) == backup:
                raise InvalidInputError(
                    "`backup_dir` is deleted when training ends, so it must not "
                    "be `log_dir` or a folder containing it. Received: "
                    f"backup_dir={backup_dir!r}, log_dir={log_dir!r}"
                )

    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor=monitor, patience=int(patience), restore_best_weights=True
        )
    ]
    if log_dir is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=log_dir))
    if backup_dir is not None:
        callbacks.append(keras.callbacks.BackupAndRestore(backup_dir=backup_dir))
    if log_dir is not None and vocabulary is not None:
        callbacks.append(EmbeddingProjector(log_dir, vocabulary))
    return callbacks


def _check_dir_argument(path, argument):
    try:
        path = os.fspath(path)
    except TypeError:
        raise InvalidInputError(
            f"`{argument}` must be a folder path. Received: {argument}={path!r}"
        ) from None
    if not path:
        raise InvalidInputError(
            f"`{argument}` must be a folder path. Received: {argument}={path!r}"
        )
    return path


def _check_tensor_name(tensor_name):
    if not isinstance(tensor_name, str) or not _TENSOR_NAME.fullmatch(tensor_name):
        raise InvalidInputError(
            "`tensor_name` must be a non-empty name of letters, digits, `_`, `.` "
            "and `-` (it becomes a folder name), not starting with `.` or `-`. "
            f"Received: tensor_name={tensor_name!r}"
        )
    return tensor_name


def _as_matrix(embeddings):
    """A finite float32 matrix of shape `(vocabulary_size, embedding_dim)`."""
    if callable(getattr(embeddings, "get_embeddings", None)):
        embeddings = embeddings.get_embeddings()
    try:
        matrix = np.asarray(keras.ops.convert_to_numpy(embeddings), dtype="float32")
    except (TypeError, ValueError):
        raise InvalidInputError(
            "`embeddings` must be a model with `get_embeddings()` or a numeric "
            f"array. Received: {type(embeddings).__name__}"
        ) from None
    if matrix.ndim != 2 or matrix.shape[1] < 1:
        raise InvalidInputError(
            "`embeddings` must be a 2-D array of shape "
            f"(vocabulary_size, embedding_dim). Received: shape {matrix.shape}"
        )
    if not np.isfinite(matrix).all():
        raise InvalidInputError(
            "`embeddings` contains NaN or infinite values, which the projector "
            "cannot place; training has probably diverged (try a lower "
            "learning rate)."
        )
    return matrix


def _sanitize(word):
    """One metadata cell: no tabs or line breaks, never blank."""
    if isinstance(word, bytes):
        word = word.decode("utf-8", errors="replace")
    word = _BREAKS.sub(" ", str(word))
    # JavaScript's `trim()` also drops the byte-order mark.
    if not word.strip().strip("\ufeff"):
        return _BLANK_WORD
    return word


def _read_config(path):
    """The existing `ProjectorConfig` in `path`, or an empty one."""
    config = ProjectorConfig()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            text_format.Parse(text, config)
        except text_format.ParseError as e:
            raise InvalidInputError(
                f"{path!r} is not a valid projector config ({e}). Delete it, or "
                "write the projector into another folder."
            ) from None
    return config


def _model_embeddings(model):
    """`model.get_embeddings()`, or the first `Embedding` layer's weights."""
    if callable(getattr(model, "get_embeddings", None)):
        return model.get_embeddings()
    # `_flatten_layers` also finds layers nested in layers (e.g. keras-hub's
    # `TokenAndPositionEmbedding`), which `model.layers` does not list.
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.Embedding):
            return keras.ops.convert_to_numpy(layer.embeddings)
    raise InvalidInputError(
        f"Model {model.name!r} has no `get_embeddings()` method and no "
        "`keras.layers.Embedding` layer, so there are no word vectors for the "
        "projector. Remove `EmbeddingProjector` or add an `Embedding` layer."
    )
