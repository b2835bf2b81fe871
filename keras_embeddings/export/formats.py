"""Word vectors in the formats other tools read: word2vec, gensim, `.npz`.

- the word2vec text and binary formats of Mikolov et al. (2013), byte for
  byte as gensim's `KeyedVectors.save_word2vec_format` writes them, so
  `gensim`, the TensorBoard projector's converters and most NLP libraries
  load them; and GloVe's files (the text format without its header line,
  `load_word2vec(path, no_header=True)`);
- a gensim `KeyedVectors`, for gensim's query and evaluation tools;
- a NumPy `.npz` archive (`words` and `vectors` arrays, no pickles).

Vectors are stored as float32, the precision of the word2vec formats. The
writers take the destination first: `save_word2vec(path, word_vectors)`.
"""

import os
import warnings

import numpy as np

from keras_embeddings._validation import boolean
from keras_embeddings._word_vectors import words_and_matrix
from keras_embeddings.errors import InvalidInputError, MissingInputError

# One `to_keyed_vectors` (dicts and models); its old home re-exports it.
from keras_embeddings.export.keyed_vectors import to_keyed_vectors
from keras_embeddings.io_utils import atomic_open, check_regular_file

__all__ = [
    "save_word2vec",
    "load_word2vec",
    "to_keyed_vectors",
    "save_npz",
    "load_npz",
]


def save_word2vec(path, word_vectors, binary=False, write_header=True):
    """Write word vectors in the word2vec text or binary format, or GloVe's.

    The file is what gensim's `KeyedVectors.save_word2vec_format(path,
    binary=binary)` writes: a header line `"count dim"`, then one word per
    row, either as `word v1 v2 ...` (text; each float32 written with 9
    significant digits, enough to read back the exact value) or as
    `word ` followed by `dim` little-endian float32 values (binary).
    `write_header=False` (gensim's name) leaves out the header line: the
    GloVe format, read back with `load_word2vec(path, no_header=True)`.

    Args:
        path: str or path-like, the file to write (written atomically).
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        binary: bool, write the binary format instead of text.
        write_header: bool, write the `"count dim"` first line; False for
            the GloVe format (text only).

    Returns:
        The path written, as a str.

    Example:

    ```python
    >>> from keras_embeddings.export import save_word2vec
    >>> save_word2vec("vectors.txt", {"king": [0.5, 1.0], "queen": [0.25, -2.0]})
    'vectors.txt'
    >>> print(open("vectors.txt").read())
    2 2
    king 0.5 1
    queen 0.25 -2
    >>> _ = save_word2vec("glove.txt", {"king": [0.5, 1.0]}, write_header=False)
    >>> print(open("glove.txt").read())  # GloVe's format
    king 0.5 1
    ```
    """
    if not boolean("write_header", write_header) and binary:
        raise InvalidInputError(
            "`write_header=False` writes the GloVe format, which is text: no "
            "tool reads a binary file without its header. Pass `binary=False`."
        )
    words, matrix = words_and_matrix(word_vectors)
    for word in words:
        if not isinstance(word, str) or not word or len(word.split()) != 1:
            raise InvalidInputError(
                f"Word {word!r} cannot be stored in the word2vec format, whose "
                "words are separated by spaces. Remove or replace whitespace "
                "in it (e.g. with '_') before saving."
            )
    count, dim = matrix.shape
    path = os.fspath(path)
    with atomic_open(path, "wb") as f:
        if write_header:
            f.write(f"{count} {dim}\n".encode())
        if binary:
            rows = matrix.astype("<f4")
            for word, row in zip(words, rows):
                f.write(word.encode() + b" " + row.tobytes())
        else:
            line = " ".join(["%.9g"] * dim)  # 9 digits round-trip any float32.
            for word, row in zip(words, matrix):
                f.write(f"{word} {line % tuple(row.tolist())}\n".encode())
    return path


def load_word2vec(path, binary=None, no_header=False):
    """Read a word2vec text or binary file, or a GloVe file, into a dict.

    Reads the files gensim, the original C `word2vec` tool and
    `save_word2vec` write. With `no_header=True` (gensim's
    `KeyedVectors.load_word2vec_format(..., no_header=True)`) it reads the
    GloVe format of Pennington et al. (2014), e.g. Stanford's
    `glove.6B.100d.txt`: the word2vec text format without its
    `"count dim"` first line; the count is the number of lines and the
    dimension that of the first vector. Like gensim, a word listed twice
    keeps its first vector.

    Args:
        path: str or path-like, the file to read.
        binary: bool or None. `None` detects the format from the first
            vector; `True`/`False` insist on binary/text.
        no_header: bool, the file has no `"count dim"` first line (GloVe);
            text files only, as in gensim.

    Returns:
        A dict word -> float32 vector, in file order.

    Example:

    ```python
    >>> from keras_embeddings.export import load_word2vec, save_word2vec
    >>> path = save_word2vec("vectors.bin", {"king": [0.5, 1.0]}, binary=True)
    >>> load_word2vec(path)  # The format is detected.
    {'king': array([0.5, 1. ], dtype=float32)}
    >>> with open("glove.txt", "w") as f:  # GloVe: no "count dim" line
    ...     print("the 0.5 -1.0 2.0", file=f)
    ...     print("of 0.25 0.0 1.5", file=f)
    >>> glove = load_word2vec("glove.txt", no_header=True)
    >>> list(glove), glove["of"]
    (['the', 'of'], array([0.25, 0.  , 1.5 ], dtype=float32))
    ```
    """
    no_header = boolean("no_header", no_header)
    if no_header and binary:
        raise InvalidInputError(
            "`no_header=True` reads text files only (GloVe's format), as in "
            "gensim. Received: binary=True"
        )
    path = os.fspath(path)
    check_regular_file(path, "Word-vector file")  # a FIFO would hang open()
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise MissingInputError(
            f"Word-vector file {path!r} does not exist. Check the path."
        ) from None
    except OSError as e:
        raise InvalidInputError(
            f"Cannot read word-vector file {path!r}: {e.strerror}."
        ) from None

    if no_header:
        binary, (count, dim, body) = False, _glove_sizes(path, data)
    else:
        count, dim, body = _header(path, data)
    hint = "; pass `binary=None` to detect the format." if binary is not None else "."
    if binary is None:
        binary = count > 0 and not _looks_like_text(body, dim)
    try:
        if binary:
            pairs = _read_binary(body, count, dim)
        else:
            pairs = _read_text(body, count, dim, first_line=1 if no_header else 2)
    except (ValueError, UnicodeDecodeError) as e:
        raise InvalidInputError(
            f"{path!r} is not a valid {_format_name(binary, no_header)} file: "
            f"{e}. The file is damaged or in another format{hint}"
        ) from None

    word_vectors = {}
    for word, vector in pairs:
        if word in word_vectors:
            warnings.warn(
                f"Word {word!r} appears more than once in {path!r}; keeping "
                "its first vector.",
                stacklevel=2,
            )
            continue
        word_vectors[word] = vector
    return word_vectors


def _format_name(binary, no_header):
    if no_header:
        return "GloVe (word2vec text without header)"
    return f"word2vec {'binary' if binary else 'text'}"


def _header(path, data):
    """`(count, dim, body)` from a word2vec file's `"count dim"` first line."""
    header_end = data.find(b"\n")
    if header_end < 0:
        header_end = len(data)
    first_line = data[:header_end]
    try:
        count, dim = (int(x) for x in first_line.split())
        if count < 0 or dim < 1:
            raise ValueError
    except ValueError:
        glove = len(first_line.split()) > 2 and _looks_like_text(first_line, None)
        hint = (
            " It looks like a GloVe file (no header line): pass `no_header=True`."
            if glove
            else ""
        )
        raise InvalidInputError(
            f"{path!r} is not a word2vec file: its first line should be "
            f"'<word count> <dimension>', found {first_line[:80]!r}.{hint}"
        ) from None
    return count, dim, data[header_end + 1 :]


def _glove_sizes(path, data):
    """`(count, dim, body)` of a file without header: one vector per line."""
    lines = data.rstrip(b"\r\n").split(b"\n") if data.strip() else []
    if not lines:
        raise InvalidInputError(f"{path!r} is empty; it holds no word vectors.")
    first = lines[0].split()
    if len(first) == 2 and all(x.isdigit() for x in first):
        raise InvalidInputError(
            f"{path!r} starts with a word2vec header line {lines[0][:80]!r}; "
            "read it with `no_header=False`."
        )
    if len(first) < 2:
        raise InvalidInputError(
            f"{path!r} is not a GloVe file: its first line should be "
            f"'<word> <value> <value> ...', found {lines[0][:80]!r}."
        )
    return len(lines), len(first) - 1, data


def _looks_like_text(body, dim):
    """Whether the first record is a text line `word v1 ... v_dim` (any dim: None)."""
    line = body.split(b"\n", 1)[0]
    parts = line.split()
    if dim is not None and len(parts) != dim + 1:
        return False
    try:
        [float(x) for x in parts[1:]]
        parts[0].decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _read_text(body, count, dim, first_line=2):
    """`count` `(word, vector)` pairs; `first_line`: the file line of body's first."""
    lines = body.decode("utf-8").split("\n")
    pairs = []
    for line_no in range(count):
        if line_no >= len(lines) or not lines[line_no].strip():
            if first_line == 1:  # no header: the count is the number of lines
                raise ValueError(f"line {line_no + 1} is empty")
            raise ValueError(
                f"it ends after {line_no} of the {count} vectors its header announces"
            )
        parts = lines[line_no].split()
        if len(parts) != dim + 1:
            raise ValueError(
                f"line {line_no + first_line} has {len(parts) - 1} values "
                f"instead of {dim}"
            )
        try:
            vector = np.array([float(x) for x in parts[1:]], dtype=np.float32)
        except ValueError:
            raise ValueError(
                f"line {line_no + first_line} has a value that is not a number"
            ) from None
        _check_finite(vector, f"line {line_no + first_line} ({parts[0]!r})")
        pairs.append((parts[0], vector))
    return pairs


def _check_finite(vector, where):
    # nan or inf (or a text value beyond float32) would rank as garbage in
    # every similarity query instead of failing here.
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"{where} has a value that is nan or infinite")


def _read_binary(body, count, dim):
    record_bytes = 4 * dim
    pairs = []
    pos = 0
    for i in range(count):
        # The C tool writes a newline after each vector; gensim does not.
        while body[pos : pos + 1] == b"\n":
            pos += 1
        space = body.find(b" ", pos)
        if space < 0 or space + 1 + record_bytes > len(body):
            raise ValueError(
                f"it ends after {i} of the {count} vectors its header announces"
            )
        word = body[pos:space].decode("utf-8")
        start = space + 1
        vector = np.frombuffer(body, dtype="<f4", count=dim, offset=start)
        _check_finite(vector, f"vector {i + 1} ({word!r})")
        pairs.append((word, vector.astype(np.float32)))
        pos = start + record_bytes
    return pairs


def save_npz(path, word_vectors):
    """Write word vectors to a NumPy `.npz` archive.

    The archive holds two arrays: `words` (unicode strings) and `vectors`
    (float32, one row per word), readable with
    `np.load(path, allow_pickle=False)`.

    Args:
        path: str or path-like, the file to write (written atomically, under
            exactly this name).
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.

    Returns:
        The path written, as a str.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.export import save_npz
    >>> save_npz("vectors.npz", {"king": [0.5, 1.0], "queen": [0.25, -2.0]})
    'vectors.npz'
    >>> with np.load("vectors.npz", allow_pickle=False) as archive:
    ...     print(archive["words"], archive["vectors"].shape)
    ['king' 'queen'] (2, 2)
    ```
    """
    words, matrix = words_and_matrix(word_vectors)
    for word in words:
        if not isinstance(word, str):
            raise InvalidInputError(
                f"Every word must be a str to be saved. Received: {word!r}"
            )
    path = os.fspath(path)
    with atomic_open(path, "wb") as f:
        np.savez(f, words=np.array(words, dtype=str), vectors=matrix)
    return path


def load_npz(path):
    """Read word vectors written by `save_npz` into a dict word -> vector.

    Args:
        path: str or path-like, the `.npz` archive to read.

    Returns:
        A dict word -> float32 vector, in the archive's order.

    Example:

    ```python
    >>> from keras_embeddings.export import load_npz, save_npz
    >>> path = save_npz("vectors.npz", {"king": [0.5, 1.0]})
    >>> load_npz(path)
    {'king': array([0.5, 1. ], dtype=float32)}
    ```
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise MissingInputError(
            f"Word-vector file {path!r} does not exist. Check the path."
        )
    check_regular_file(path, "Word-vector file")  # a FIFO would hang np.load
    try:
        with np.load(path, allow_pickle=False) as archive:
            words = archive["words"]
            matrix = archive["vectors"]
    except (KeyError, ValueError, OSError, EOFError) as e:
        raise InvalidInputError(
            f"{path!r} is not a word-vector archive written by `save_npz` "
            f"(arrays `words` and `vectors`): {e}"
        ) from None
    if words.ndim != 1 or matrix.ndim != 2 or len(words) != len(matrix):
        raise InvalidInputError(
            f"{path!r} is damaged: `words` has shape {words.shape} and "
            f"`vectors` has shape {matrix.shape}; expected (n,) and (n, dim)."
        )
    return {str(word): vector for word, vector in zip(words, matrix)}
