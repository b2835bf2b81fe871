"""Word vectors for TensorBoard's embedding projector, from any backend.

Keras 3's `keras.callbacks.TensorBoard(embeddings_freq=...)` saves the
embedding weights as a `.weights.h5` file, which TensorBoard's projector
plugin cannot read, so the "Projector" tab stays empty (Keras issue 20210).
`write_projector` writes what the plugin does read, without TensorFlow
checkpoints:

- `<tensor_name>/tensor.tsv`: the vectors, one row per word, values separated
  by tabs (the plugin's `tensor_path` format);
- `<tensor_name>/metadata.tsv`: one word per line, same row order, no header;
- `projector_config.pbtxt`: a `ProjectorConfig` listing every tensor written
  into the folder.

The padding row, if the model has one (`padding_id`), is left out; every
other row is shown with its word. Start TensorBoard on the same folder
(`tensorboard --logdir LOG_DIR`) after the files are written: the plugin
reads its configuration once, so a running server shows new vectors only
after a restart. `keras_embeddings.callbacks.EmbeddingProjector` calls
`write_projector` from `model.fit`.
"""

import os
import re

import numpy as np
from google.protobuf import text_format
from tensorboard.plugins.projector import ProjectorConfig

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export.word_vectors import (
    FROM_MODEL,
    embeddings_and_vocabulary,
    id_word_pairs,
)
from keras_embeddings.io_utils import atomic_open, ensure_writable_dir

__all__ = ["write_projector", "PROJECTOR_CONFIG", "TENSOR_FILE", "METADATA_FILE"]

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
    log_dir,
    embeddings,
    vocabulary=None,
    tensor_name="embedding",
    step=None,
    padding_id=FROM_MODEL,
):
    """Write word vectors and their words for TensorBoard's projector.

    Writes `<tensor_name>/tensor.tsv` (the vectors of every row but the
    padding row, tab separated, float32 precision),
    `<tensor_name>/metadata.tsv` (their words, one per line) and adds the
    tensor to `log_dir/projector_config.pbtxt`, keeping the other tensors
    already listed there. Every file is written to a temporary name and
    renamed, so a reader never sees half a file. Tabs and line breaks inside
    words become spaces so rows stay aligned; blank words are shown as
    `"<blank>"`.

    Args:
        log_dir: str or path, the folder to pass to `tensorboard --logdir`.
        embeddings: a model with a `get_embeddings()` method, or an array of
            shape `(vocabulary_size, embedding_dim)`.
        vocabulary: the words by id, as for `to_word_vectors`: a list with
            one entry per row (the entry at `padding_id` is skipped), a
            Tokenizer `word_index` dict or an `index_word` dict. Optional
            with a model: `model.get_vocabulary()` by default.
        tensor_name: str, the name shown in the projector's tensor menu and
            the folder the two TSV files go into. Letters, digits, `_`, `.`
            and `-` only. Writing the same name again replaces that tensor.
        step: optional int, e.g. the epoch the vectors come from. When given,
            the vectors are kept as a separate snapshot named
            `f"{tensor_name}_step{step}"`, so the projector can compare them.
        padding_id: the padding row's id, left out, as for
            `to_word_vectors`: the model's `padding_id` by default, 0 for an
            array; None shows every row.

    Returns:
        A dict with the paths written: `"tensor"`, `"metadata"` and
        `"config"`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.export import write_projector
    >>> matrix = np.arange(8, dtype="float32").reshape(4, 2)
    >>> paths = write_projector("logs", matrix, ["<pad>", "king", "queen", "man"])
    >>> for name in sorted(paths):
    ...     print(name, paths[name])
    config logs/projector_config.pbtxt
    metadata logs/embedding/metadata.tsv
    tensor logs/embedding/tensor.tsv
    >>> print(open(paths["metadata"]).read())
    king
    queen
    man
    >>> paths = write_projector(
    ...     "logs", matrix, ["all", "set", "just", "go"], "glove", padding_id=None
    ... )
    >>> print(open(paths["tensor"]).read())  # Tab-separated, every row kept.
    0 1
    2 3
    4 5
    6 7
    ```
    """
    name = check_tensor_name(tensor_name)
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise InvalidInputError(
                f"`step` must be an integer or None. Received: step={step!r}"
            )
        name = f"{name}_step{int(step)}"
    matrix, vocabulary, padding_id = embeddings_and_vocabulary(
        embeddings, vocabulary, padding_id, argument="embeddings"
    )
    matrix = _finite_float32(matrix)
    pairs = id_word_pairs(vocabulary, matrix.shape[0], padding_id)
    if not pairs:
        skipped = "" if padding_id is None else f", padding id {padding_id} aside"
        raise InvalidInputError(
            f"`vocabulary` names no word for the {matrix.shape[0]} rows of the "
            f"embedding matrix (ids 0 to {matrix.shape[0] - 1}{skipped}), so "
            "there is nothing to show in the projector."
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


def check_tensor_name(tensor_name):
    """`tensor_name` if it is a portable folder name, else `InvalidInputError`."""
    if not isinstance(tensor_name, str) or not _TENSOR_NAME.fullmatch(tensor_name):
        raise InvalidInputError(
            "`tensor_name` must be a non-empty name of letters, digits, `_`, `.` "
            "and `-` (it becomes a folder name), not starting with `.` or `-`. "
            f"Received: tensor_name={tensor_name!r}"
        )
    return tensor_name


def _finite_float32(matrix):
    """The matrix as float32, or an error if it is not numeric or not finite."""
    try:
        matrix = matrix.astype("float32")
    except (TypeError, ValueError):
        raise InvalidInputError(
            "`embeddings` must be a model with `get_embeddings()` or a numeric "
            f"array. Received: an array of {matrix.dtype}"
        ) from None
    if matrix.shape[1] < 1:
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
