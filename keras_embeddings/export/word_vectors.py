"""Pair the rows of an embedding matrix with their words (the padding rule).

Every model of the package has `get_embeddings()`, a matrix whose row `i` is
the vector of word id `i`, a `padding_id` (0, or None when every row is a
word) and `get_vocabulary()`. `to_word_vectors` and `write_projector` read
those, so the padding row, and only it, is left out.
"""

from collections.abc import Mapping

import numpy as np

from keras_embeddings._validation import optional_positive_int
from keras_embeddings._word_vectors import check_words
from keras_embeddings.errors import InvalidInputError

__all__ = ["to_word_vectors", "id_word_pairs"]


class _FromModel:
    """The default of `padding_id`: the model's own, or 0 for a bare matrix."""

    def __repr__(self):
        return "<the model's padding_id; 0 for an array>"


FROM_MODEL = _FromModel()


def to_word_vectors(model_or_matrix, vocabulary=None, padding_id=FROM_MODEL):
    """Pair each row of an embedding matrix with its word.

    This is the lecture's `word_embeddings` dict
    (`word_embeddings[word] = weights[i]` for every `word, i` in
    `tokenizer.word_index.items()`), built from any model of the package.
    Only the padding row is left out: the row `padding_id`, when the model
    has one. GloVe, CBOW (by default) and the n-gram language model have no
    padding row, so every row is a word.

    Args:
        model_or_matrix: a model with a `get_embeddings()` method, or an array
            of shape `(vocabulary_size, embedding_dim)`.
        vocabulary: a list where `vocabulary[i]` is the word of id `i`, one
            entry per row (the entry at `padding_id`, e.g. `""` or `"<pad>"`,
            is skipped); or a Tokenizer `word_index` dict word -> id (ids
            beyond the matrix, left by a tokenizer with `num_words`, are
            skipped); or an `index_word` dict id -> word. Optional with a
            model: `model.get_vocabulary()` by default.
        padding_id: the id of the padding row, left out; None keeps every
            row. By default the model's `padding_id` (0 for a model without
            one), or 0 for an array.

    Returns:
        A dict word -> 1-D NumPy vector of length `embedding_dim`, in id
        order, without the padding row.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.export import to_word_vectors
    >>> matrix = np.arange(8, dtype="float32").reshape(4, 2)
    >>> list(to_word_vectors(matrix, ["<pad>", "king", "queen", "man"]))
    ['king', 'queen', 'man']
    >>> word_vectors = to_word_vectors(
    ...     matrix, ["all", "set", "just", "go"], padding_id=None
    ... )
    >>> word_vectors["all"]
    array([0., 1.], dtype=float32)
    >>> list(to_word_vectors(matrix, {"the": 1, "cat": 2, "rare": 9}))
    ['the', 'cat']
    ```
    """
    matrix, vocabulary, padding_id = embeddings_and_vocabulary(
        model_or_matrix, vocabulary, padding_id, argument="model_or_matrix"
    )
    pairs = id_word_pairs(vocabulary, matrix.shape[0], padding_id)
    check_words(pairs)
    return {word: matrix[i] for i, word in pairs}


def embeddings_and_vocabulary(source, vocabulary, padding_id, argument):
    """`(matrix, vocabulary, padding_id)` from a model or an array.

    With a model, a `padding_id` left at `FROM_MODEL` becomes the model's own
    (0 for a model without the attribute) and a `vocabulary` of None becomes
    `model.get_vocabulary()`. With an array, `FROM_MODEL` means 0 and a
    vocabulary is required. The matrix keeps its dtype.
    """
    is_model = callable(getattr(source, "get_embeddings", None))
    if padding_id is FROM_MODEL:
        padding_id = getattr(source, "padding_id", 0) if is_model else 0
    if vocabulary is None and is_model:
        get_vocabulary = getattr(source, "get_vocabulary", None)
        if callable(get_vocabulary):
            vocabulary = get_vocabulary()
    if vocabulary is None:
        if is_model:
            name = getattr(source, "name", type(source).__name__)
            raise InvalidInputError(
                f"`vocabulary` is missing: model {name!r} has no vocabulary of "
                "its own (`get_vocabulary()` gave none). Pass `vocabulary`, a "
                "list of the words by id or a Tokenizer `word_index` dict."
            )
        raise InvalidInputError(
            "`vocabulary` is missing: an array has no words. Pass `vocabulary`, "
            "a list of the words by id or a Tokenizer `word_index` dict."
        )
    matrix = as_numpy(source.get_embeddings() if is_model else source, argument)
    if matrix.ndim != 2:
        raise InvalidInputError(
            f"`{argument}` must be a model with `get_embeddings()` or a 2-D "
            "array of shape (vocabulary_size, embedding_dim). "
            f"Received: an array of shape {matrix.shape}"
        )
    padding_id = check_padding_id(padding_id, matrix.shape[0])
    return matrix, vocabulary, padding_id


def as_numpy(value, argument):
    """A NumPy copy of an array, list, backend tensor or Keras variable."""
    if not isinstance(value, (np.ndarray, list, tuple)):
        import keras  # A tensor of any backend, on any device.

        try:
            value = keras.ops.convert_to_numpy(value)
        except (TypeError, ValueError, AttributeError):
            pass  # Let NumPy's error below name the problem.
    try:
        return np.array(value, copy=True)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"`{argument}` must be a model with `get_embeddings()` or a numeric "
            f"array. Received: {type(value).__name__}"
        ) from None


def check_padding_id(padding_id, rows=None):
    """None or an int id in `[0, rows)`, else `InvalidInputError`."""
    try:
        checked = optional_positive_int("padding_id", padding_id, minimum=0)
    except InvalidInputError:
        checked, valid = None, False
    else:
        valid = checked is None or rows is None or checked < rows
    if not valid:
        where = "an id >= 0" if rows is None else f"an id in [0, {rows})"
        raise InvalidInputError(
            f"`padding_id` must be None (every row is a word) or {where}. "
            f"Received: padding_id={padding_id!r}"
        )
    return checked


def id_word_pairs(vocabulary, rows=None, padding_id=0):
    """`(id, word)` pairs, by id, for the rows that have a word.

    The padding row is left out; so are ids from `rows` up (a tokenizer with
    `num_words` indexes more words than it keeps).

    Args:
        vocabulary: a list where `vocabulary[i]` is the word of id `i` (with
            `rows`, one entry per row; the entry at `padding_id` is skipped),
            or a `word_index` dict word -> id, or an `index_word` dict
            id -> word (neither may give a word the padding id).
        rows: int or None, the matrix's rows. None only checks the
            vocabulary's form.
        padding_id: int or None, the padding row's id; None: every row is a
            word.

    Returns:
        A list of `(id, word)` tuples sorted by id.

    Example:

    ```python
    >>> from keras_embeddings.export import id_word_pairs
    >>> id_word_pairs(["<pad>", "the", "cat"], rows=3)
    [(1, 'the'), (2, 'cat')]
    >>> id_word_pairs(["all", "set"], rows=2, padding_id=None)
    [(0, 'all'), (1, 'set')]
    >>> id_word_pairs({"cat": 2, "the": 1, "rare": 7}, rows=3)
    [(1, 'the'), (2, 'cat')]
    ```
    """
    padding_id = check_padding_id(padding_id, rows)
    if isinstance(vocabulary, Mapping):
        by_id = {}
        for key, value in vocabulary.items():
            # `word_index` maps word -> id; `index_word` maps id -> word.
            if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
                i, word = key, value
            else:
                word, i = key, value
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
                raise InvalidInputError(
                    "`vocabulary` as a dict must map words to integer ids (a "
                    f"`word_index`). Received: {key!r}: {value!r}"
                )
            if i < 0:
                raise InvalidInputError(
                    f"Word ids must be >= 0. Received: {word!r}: {i}"
                )
            if i == padding_id:
                first = "Word ids start at 1" if padding_id == 0 else "No word may have"
                raise InvalidInputError(
                    f"{first}: id {padding_id} is the padding id "
                    f"(padding_id={padding_id}). Received: {word!r}: {i}. If row "
                    f"{padding_id} is a real word, pass `padding_id=None`."
                )
            if int(i) in by_id:
                raise InvalidInputError(
                    f"Words {by_id[int(i)]!r} and {word!r} both have id {i} in "
                    "`vocabulary`; each row of the matrix can carry one label."
                )
            by_id[int(i)] = word
        return sorted(
            (i, word) for i, word in by_id.items() if rows is None or i < rows
        )
    if isinstance(vocabulary, (str, bytes)) or not hasattr(vocabulary, "__len__"):
        raise InvalidInputError(
            "`vocabulary` must be a list of words by id or a `word_index` "
            f"dict. Received: vocabulary={vocabulary!r:.80}"
        )
    vocabulary = list(vocabulary)
    if rows is not None and len(vocabulary) != rows:
        raise InvalidInputError(
            f"`vocabulary` has {len(vocabulary)} entries but the embedding "
            f"matrix has {rows} rows; they must match "
            f"{_padding_rule(padding_id)}.{_length_hint(len(vocabulary), rows, padding_id)}"
        )
    return [(i, word) for i, word in enumerate(vocabulary) if i != padding_id]


def _padding_rule(padding_id):
    if padding_id is None:
        return "(padding_id=None: every row is a word)"
    return f"(entry {padding_id} is the padding entry, padding_id={padding_id})"


def _length_hint(entries, rows, padding_id):
    """What to change when the list is one entry off."""
    if entries == rows - 1 and padding_id is not None:
        if padding_id == 0:
            return (
                " If your list has no padding entry, prepend one: `[''] + vocabulary`."
            )
        return (
            " If your list has no padding entry, insert one at index "
            f"{padding_id}: `vocabulary.insert({padding_id}, '')`."
        )
    if entries == rows + 1 and padding_id is None:
        return (
            " The matrix has no padding row (padding_id=None); if the list "
            "starts with a padding entry, drop it: `vocabulary[1:]`."
        )
    return ""
