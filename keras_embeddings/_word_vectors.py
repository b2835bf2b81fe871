"""Word vectors as `(words, matrix)`: the one reading of a word -> vector dict
or a gensim `KeyedVectors` that export, analysis and plots share."""

from collections.abc import Mapping

import numpy as np

from keras_embeddings.errors import InvalidInputError, UnknownWordError


def words_and_matrix(word_vectors, argument="word_vectors"):
    """`(list of words, float32 matrix)` from a dict or a gensim KeyedVectors."""
    if hasattr(word_vectors, "index_to_key") and hasattr(word_vectors, "vectors"):
        words = list(word_vectors.index_to_key)
        matrix = np.asarray(word_vectors.vectors, dtype=np.float32)
    elif isinstance(word_vectors, Mapping):
        words = list(word_vectors.keys())
        vectors = [np.asarray(v, dtype=np.float32) for v in word_vectors.values()]
        if not vectors:
            raise InvalidInputError(
                f"`{argument}` is empty; it needs at least one word and its vector."
            )
        for word, vector in zip(words, vectors):
            if vector.ndim != 1 or vector.shape != vectors[0].shape:
                raise InvalidInputError(
                    f"Every vector in `{argument}` must be 1-D with the same "
                    f"length. Received: {word!r} has shape {vector.shape}, "
                    f"{words[0]!r} has shape {vectors[0].shape}"
                )
        matrix = np.stack(vectors)
    else:
        raise InvalidInputError(
            f"`{argument}` must be a dict word -> vector or a gensim "
            f"KeyedVectors. Received: {type(word_vectors).__name__}"
        )
    if not words:
        raise InvalidInputError(
            f"`{argument}` is empty; it needs at least one word and its vector."
        )
    return words, matrix


def word_ids(words, all_words):
    """The index of each of `words` in `all_words` (its first occurrence);
    `UnknownWordError`, with close matches, for a word that is not there.

    >>> word_ids(["b", "a"], ["a", "b"])
    [1, 0]
    """
    index = {}
    for i, word in enumerate(all_words):
        index.setdefault(word, i)
    for word in words:
        if word not in index:
            raise UnknownWordError(word, all_words)
    return [index[word] for word in words]


def check_words(pairs, argument="vocabulary"):
    """Check `(id, word)` pairs: every word a str, no word at two ids.

    >>> check_words([(0, "cat"), (1, "cat")])
    Traceback (most recent call last):
    ...
    keras_embeddings.errors.InvalidInputError: Word 'cat' is in `vocabulary` twice (ids 0 and 1); every word needs exactly one id.
    """
    first_id = {}
    for i, word in pairs:
        if not isinstance(word, str):
            raise InvalidInputError(
                f"Every word in `{argument}` must be a str. Received: {word!r} "
                f"at id {i}"
            )
        if word in first_id:
            raise InvalidInputError(
                f"Word {word!r} is in `{argument}` twice (ids {first_id[word]} "
                f"and {i}); every word needs exactly one id."
            )
        first_id[word] = i
