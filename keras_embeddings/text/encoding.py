"""One-hot encoding, and what it costs next to an embedding lookup.

`one_hot(ids, vocabulary_size)` turns integer ids into one-hot vectors (the
CBOW notebook's `word_to_one_hot_vector`, for any shape of ids);
`one_hot_vs_embedding(...)` prints, for a corpus size, the memory and work of
feeding one-hot vectors to a dense layer against looking the ids up in an
`Embedding` table. The two compute the same thing:
`Embedding(ids) == one_hot(ids, vocabulary_size) @ W`.

NumPy only (no TensorFlow import). Taught in
`tutorials/03_one_hot_vs_embedding.py`.
"""

import dataclasses
import reprlib

import numpy as np

from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError

__all__ = ["OneHotVsEmbedding", "one_hot", "one_hot_vs_embedding"]

_INT32_MAX = np.iinfo(np.int32).max
_REPR = reprlib.Repr()  # echo big inputs briefly in error messages
_REPR.maxlist, _REPR.maxother = 8, 120
_short = _REPR.repr


def _check_float_dtype(dtype):
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if dtype is None or checked is None or checked.kind not in "biufc":
        raise InvalidInputError(
            "`dtype` must name a numeric NumPy dtype such as 'float32'. "
            f"Received: dtype={dtype!r}"
        )
    return checked


def one_hot(ids, vocabulary_size, dtype="float32"):
    """One-hot vectors of integer ids: a 1 at each id, 0 elsewhere.

    This is the CBOW notebook's `word_to_one_hot_vector(word, word2Ind, V)`
    applied to ids of any shape: a scalar id gives a vector of length
    `vocabulary_size`, a `(batch, length)` array of ids a
    `(batch, length, vocabulary_size)` array. Multiplying the result by an
    embedding table `W` of shape `(vocabulary_size, embedding_dim)` picks the
    rows of `W`, which is exactly what `keras.layers.Embedding` does without
    building the one-hot array: `Embedding(ids) == one_hot(ids, V) @ W`.

    Unlike `keras.ops.one_hot` and `tf.one_hot`, which silently give a row
    of zeros for an id outside `[0, vocabulary_size)`, this function raises.

    Keras 2's `keras.preprocessing.text.one_hot(text, n)` was a different
    function: it hashed each *word* of a string to an integer in `[1, n)`
    (collisions included) and returned those integers, not one-hot vectors.
    To turn words into ids use `keras_embeddings.text.Tokenizer`
    (`fit_on_texts`, then `texts_to_sequences`), then this function.

    Args:
        ids: int or array-like of ints, any shape; each in
            `[0, vocabulary_size)`.
        vocabulary_size: int, the number of ids (`len(word_index) + 1` for a
            `Tokenizer`, whose id 0 is kept for padding).
        dtype: str or NumPy dtype of the result. Defaults to `"float32"`.

    Returns:
        NumPy array of shape `np.shape(ids) + (vocabulary_size,)`.

    Example:

    ```python
    >>> from keras_embeddings.text import one_hot
    >>> word2Ind = {"am": 0, "because": 1, "happy": 2, "i": 3, "learning": 4}
    >>> one_hot(word2Ind["happy"], 5)
    array([0., 0., 1., 0., 0.], dtype=float32)
    >>> one_hot([word2Ind[w] for w in ["i", "am", "because", "i"]], 5).mean(axis=0)
    array([0.25, 0.25, 0.  , 0.5 , 0.  ], dtype=float32)
    ```
    """
    vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
    dtype = _check_float_dtype(dtype)
    try:
        array = np.asarray(ids)
    except ValueError as error:  # ragged nested lists
        raise InvalidInputError(
            "`ids` must be integers in a rectangular array (pad ragged "
            f"sequences first, e.g. with `pad_sequences`). Received: ids={_short(ids)}"
        ) from error
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype("int32")  # `[]` is float64 to NumPy; no ids at all
    if array.dtype.kind not in "iu":
        hint = ""
        if array.dtype.kind in "US":
            hint = " Map words to ids first, e.g. with `Tokenizer.texts_to_sequences`."
        elif array.dtype.kind == "f":
            hint = " If they are whole numbers, cast them with `.astype('int32')`."
        raise InvalidInputError(
            f"`ids` must be integers; got an array of dtype {array.dtype}.{hint} "
            f"Received: ids={_short(ids)}"
        )
    if array.size:
        low, high = int(array.min()), int(array.max())
        if low < 0 or high >= vocabulary_size:
            where = tuple(
                int(i) for i in np.argwhere((array < 0) | (array >= vocabulary_size))[0]
            )
            raise InvalidInputError(
                f"`ids` must lie in [0, vocabulary_size) = [0, {vocabulary_size}); "
                f"found the id {int(array[where])} at index {where}. "
                f"Received: vocabulary_size={vocabulary_size}"
            )
    encoded = np.zeros(array.shape + (vocabulary_size,), dtype=dtype)
    rows = encoded.reshape(-1, vocabulary_size)  # a view: (number_of_ids, V)
    rows[np.arange(array.size), array.reshape(-1)] = 1
    return encoded


@dataclasses.dataclass(frozen=True)
class OneHotVsEmbedding:
    """The cost of one-hot inputs @ `W` against an `Embedding` lookup.

    Built by `one_hot_vs_embedding`; `str(report)` is a table. Counts are
    exact Python ints; byte sizes use the item sizes of `dtype` (one-hot
    values and table weights) and `id_dtype` (the integer ids).

    Attributes:
        vocabulary_size, corpus_length, embedding_dim, dtype, id_dtype: the
            arguments (and the smallest of int32/int64 that holds the ids).
        one_hot_values: `corpus_length * vocabulary_size`, the one-hot input.
        one_hot_bytes: its memory.
        one_hot_nonzeros: `corpus_length`, one 1 per token.
        one_hot_sparsity: fraction of zeros, `1 - 1 / vocabulary_size`.
        id_bytes: memory of the `corpus_length` integer ids.
        embedding_parameters: `vocabulary_size * embedding_dim`, the table
            `W`; the same for `Dense(embedding_dim, use_bias=False)` on
            one-hot inputs and for `Embedding(vocabulary_size, embedding_dim)`.
        embedding_bytes: the table's memory.
        matmul_multiply_adds: `corpus_length * vocabulary_size *
            embedding_dim`, the work of `one_hot @ W`.
        lookup_copies: `corpus_length * embedding_dim`, the values an
            `Embedding` lookup copies to produce the same output.

    Example:

    ```python
    >>> from keras_embeddings.text import one_hot_vs_embedding
    >>> report = one_hot_vs_embedding(10, 6, embedding_dim=4)
    >>> print(report)
    One-hot vs embedding: 6 tokens, vocabulary_size=10, embedding_dim=4
                        one_hot(ids) @ W   Embedding(ids)
    input               60 float32         6 int32
    input memory        240 B              24 B
    input non-zeros     6 (10.0000%)       -
    input sparsity      90.0000% zeros     -
    table W parameters  40                 40
    table W memory      160 B              160 B
    work                240 multiply-adds  24 copies
    output              (6, 4)             the same values
    One-hot input: 10x the memory of the ids and 10x the work of the lookup.
    >>> report.memory_ratio, report.work_ratio
    (10.0, 10.0)
    ```
    """

    vocabulary_size: int
    corpus_length: int
    embedding_dim: int
    dtype: str
    id_dtype: str
    one_hot_values: int
    one_hot_bytes: int
    one_hot_nonzeros: int
    one_hot_sparsity: float
    id_bytes: int
    embedding_parameters: int
    embedding_bytes: int
    matmul_multiply_adds: int
    lookup_copies: int

    @property
    def memory_ratio(self):
        """How many times more memory the one-hot input takes than the ids."""
        return self.one_hot_bytes / self.id_bytes

    @property
    def work_ratio(self):
        """Multiply-adds of `one_hot @ W` per value the lookup copies (= V)."""
        return self.matmul_multiply_adds / self.lookup_copies

    def __str__(self):
        rows = [
            ("", "one_hot(ids) @ W", "Embedding(ids)"),
            (
                "input",
                f"{self.one_hot_values:,} {self.dtype}",
                f"{self.corpus_length:,} {self.id_dtype}",
            ),
            (
                "input memory",
                _format_bytes(self.one_hot_bytes),
                _format_bytes(self.id_bytes),
            ),
            (
                "input non-zeros",
                f"{self.one_hot_nonzeros:,} ({1 - self.one_hot_sparsity:.4%})",
                "-",
            ),
            ("input sparsity", f"{self.one_hot_sparsity:.4%} zeros", "-"),
            (
                "table W parameters",
                f"{self.embedding_parameters:,}",
                f"{self.embedding_parameters:,}",
            ),
            (
                "table W memory",
                _format_bytes(self.embedding_bytes),
                _format_bytes(self.embedding_bytes),
            ),
            (
                "work",
                f"{self.matmul_multiply_adds:,} multiply-adds",
                f"{self.lookup_copies:,} copies",
            ),
            (
                "output",
                f"({self.corpus_length:,}, {self.embedding_dim:,})",
                "the same values",
            ),
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        title = (
            f"One-hot vs embedding: {self.corpus_length:,} tokens, "
            f"vocabulary_size={self.vocabulary_size:,}, "
            f"embedding_dim={self.embedding_dim:,}"
        )
        lines = [title]
        for row in rows:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        lines.append(
            f"One-hot input: {self.memory_ratio:,.0f}x the memory of the ids "
            f"and {self.work_ratio:,.0f}x the work of the lookup."
        )
        return "\n".join(line.rstrip() for line in lines)


def _format_bytes(size):
    """Decimal units, as disks and the tutorials print them: 400 GB, 8 MB."""
    if size < 1000:
        return f"{size:,} B"
    units = ("kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    value, index = size / 1000, 0
    while value >= 1000 and index < len(units) - 1:
        value, index = value / 1000, index + 1
    text = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return f"{text} {units[index]}"


def one_hot_vs_embedding(
    vocabulary_size, corpus_length, embedding_dim=100, dtype="float32"
):
    """What one-hot inputs cost next to an embedding lookup, for a corpus.

    The lecture's "One-hot Encoding vs. Embeddings" in numbers. Feeding a
    corpus of `corpus_length` tokens to a model as one-hot vectors needs a
    `(corpus_length, vocabulary_size)` input that is almost all zeros, and a
    dense layer `one_hot @ W` spends `vocabulary_size * embedding_dim`
    multiply-adds per token to produce one row of `W`. An `Embedding` layer
    keeps the same table `W` but reads the integer ids and copies their rows:
    the same output for `vocabulary_size` times less input memory (per
    value) and work.

    Pure arithmetic on Python ints: nothing is allocated, so it is instant
    and exact for any size.

    Args:
        vocabulary_size: int, the number of ids (words plus padding).
        corpus_length: int, the number of tokens in the corpus.
        embedding_dim: int, the width of the table. Defaults to 100
            (word2vec's and gensim's default vector size).
        dtype: str or NumPy dtype of the one-hot values and the table.
            Defaults to `"float32"`, Keras' default float type.

    Returns:
        `OneHotVsEmbedding`, whose `str()` is a table.

    Example:

    ```python
    >>> from keras_embeddings.text import one_hot_vs_embedding
    >>> report = one_hot_vs_embedding(50_000, 2_000_000, embedding_dim=100)
    >>> report.one_hot_bytes, report.id_bytes  # 400 GB against 8 MB
    (400000000000, 8000000)
    >>> report.matmul_multiply_adds // report.lookup_copies
    50000
    ```

    `print(report)` shows all the figures as a table (see
    `OneHotVsEmbedding`).
    """
    vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
    corpus_length = positive_int("corpus_length", corpus_length)
    embedding_dim = positive_int("embedding_dim", embedding_dim)
    dtype = _check_float_dtype(dtype)
    # Ids run up to vocabulary_size - 1; int32 holds them unless the
    # vocabulary is over two billion entries.
    id_dtype = np.dtype("int32" if vocabulary_size - 1 <= _INT32_MAX else "int64")
    one_hot_values = corpus_length * vocabulary_size
    embedding_parameters = vocabulary_size * embedding_dim
    return OneHotVsEmbedding(
        vocabulary_size=vocabulary_size,
        corpus_length=corpus_length,
        embedding_dim=embedding_dim,
        dtype=dtype.name,
        id_dtype=id_dtype.name,
        one_hot_values=one_hot_values,
        one_hot_bytes=one_hot_values * dtype.itemsize,
        one_hot_nonzeros=corpus_length,
        one_hot_sparsity=(vocabulary_size - 1) / vocabulary_size,
        id_bytes=corpus_length * id_dtype.itemsize,
        embedding_parameters=embedding_parameters,
        embedding_bytes=embedding_parameters * dtype.itemsize,
        matmul_multiply_adds=corpus_length * vocabulary_size * embedding_dim,
        lookup_copies=corpus_length * embedding_dim,
    )
