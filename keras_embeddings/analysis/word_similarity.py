"""Nearest words, analogies and distances, as gensim's `KeyedVectors` answers them.

Each function takes the dict word -> vector that `export.to_word_vectors`
returns (or a gensim `KeyedVectors`) and follows gensim's contract:
cosine similarity on unit-normalised vectors, the query words left out.
`word_distance` is also the CSC321 lab's `word_distance`
(`metric="euclidean"`). Computed with NumPy on each call; nothing is cached.
"""

from collections.abc import Mapping

import numpy as np

from keras_embeddings import _validation
from keras_embeddings._word_vectors import word_ids, words_and_matrix
from keras_embeddings.errors import InvalidInputError, UnknownWordError

__all__ = ["analogy", "doesnt_match", "most_similar", "similarity", "word_distance"]


def most_similar(word_vectors, positive, negative=None, topn=10):
    """Find the `topn` words closest to the mean of `positive` minus `negative`.

    As gensim's `KeyedVectors.most_similar`: every vector is scaled to unit
    length, the query is the mean of the positive unit vectors and the
    negated negative ones (scaled to unit length again), and words are
    ranked by cosine similarity to it. The query words themselves are left
    out, so `most_similar(wv, ["king", "woman"], ["man"])` answers the
    analogy man : king :: woman : ?.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        positive: str or list of str, words that pull the query towards them.
        negative: str or list of str, optional, words that push it away.
        topn: int >= 0, how many words to return.

    Returns:
        A list of `(word, cosine_similarity)` pairs, most similar first.

    Raises:
        InvalidInputError: a query word's vector is all zeros or not finite,
            or the positive and negative words cancel out.

    Example:

    ```python
    >>> from keras_embeddings.analysis import most_similar
    >>> word_vectors = {"cat": [1.0, 0.2], "dog": [0.9, 0.4], "car": [0.0, 1.0]}
    >>> [(word, round(score, 3)) for word, score in most_similar(word_vectors, "cat")]
    [('dog', 0.976), ('car', 0.196)]
    ```
    """
    positive = _word_list(positive, "positive")
    negative = _word_list(negative, "negative")
    if not positive and not negative:
        raise InvalidInputError(
            "`most_similar` needs at least one word in `positive` or `negative`. "
            f"Received: positive={positive}, negative={negative}"
        )
    topn = _validation.positive_int("topn", topn, minimum=0)
    if topn == 0:
        return []

    words, matrix = words_and_matrix(word_vectors)
    query_ids = word_ids(positive + negative, words)

    unit = _unit_rows(matrix.astype(np.float64))  # (vocabulary_size, dim)
    for word, i in zip(positive + negative, query_ids):
        if not np.all(np.isfinite(matrix[i])) or not np.any(unit[i]):
            # A zero vector has no direction: every score would be 0.0.
            raise InvalidInputError(
                f"The vector of {word!r} is all zeros or not finite, so no word "
                "can be similar to it (an untrained row, such as a padding row?)."
            )
    weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))
    query = (weights @ unit[query_ids] / len(weights))[None]  # (1, dim)
    if not np.any(query):
        raise InvalidInputError(
            f"`positive` {positive} and `negative` {negative} cancel out: the "
            "query vector is all zeros."
        )
    query = _unit_rows(query)[0]  # (dim,)
    scores = unit @ query  # (vocabulary_size,)

    excluded = set(query_ids)
    k = min(topn + len(excluded), len(scores))
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    result = [(words[i], float(scores[i])) for i in best if i not in excluded]
    return result[:topn]


def similarity(word_vectors, word1, word2):
    """Cosine similarity of two words' vectors (gensim's `similarity`).

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        word1: str, the first word.
        word2: str, the second word.

    Returns:
        A float in [-1, 1] (0 when either vector is all zeros).

    Example:

    ```python
    >>> from keras_embeddings.analysis import similarity
    >>> similarity({"up": [3.0, 4.0], "right": [1.0, 0.0]}, "up", "right")  # 3 / 5
    0.6
    ```
    """
    v1, v2 = _unit_rows(_vectors(word_vectors, [word1, word2]))
    return float(v1 @ v2)


def word_distance(word_vectors, word1, word2, metric="cosine"):
    """Distance between two words' vectors.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        word1: str, the first word.
        word2: str, the second word.
        metric: `"cosine"` for 1 - cosine similarity (gensim's `distance`,
            in [0, 2]) or `"euclidean"` for the length of the difference
            (the CSC321 lab's `word_distance`).

    Returns:
        The distance as a float.

    Example:

    ```python
    >>> from keras_embeddings.analysis import word_distance
    >>> word_vectors = {"up": [3.0, 4.0], "right": [1.0, 0.0]}
    >>> round(word_distance(word_vectors, "up", "right"), 3)
    0.4
    >>> round(word_distance(word_vectors, "up", "right", metric="euclidean"), 3)
    4.472
    ```
    """
    _validation.one_of("metric", metric, ("cosine", "euclidean"))
    if metric == "cosine":
        return 1.0 - similarity(word_vectors, word1, word2)
    v1, v2 = _vectors(word_vectors, [word1, word2])
    return float(np.linalg.norm(v1 - v2))


def analogy(word_vectors, a, b, c, topn=1):
    """Answer "`a` is to `b` as `c` is to ?" by vector offset (3CosAdd).

    `most_similar(word_vectors, positive=[b, c], negative=[a], topn=topn)`,
    as gensim's `evaluate_word_analogies` asks it: the words closest to
    `b - a + c` (on unit vectors), the three query words left out.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        a: str, the first word of the known pair (`"man"`).
        b: str, its partner (`"king"`).
        c: str, the word whose partner is asked for (`"woman"`).
        topn: int >= 0, how many answers to return.

    Returns:
        What `most_similar` returns: a list of `(word, cosine_similarity)`
        pairs, the best answer first.

    Example:

    ```python
    >>> from keras_embeddings.analysis import analogy
    >>> word_vectors = {
    ...     "paris": [1.0, 1.0, 0.0],
    ...     "france": [1.0, 0.0, 0.0],
    ...     "rome": [0.0, 1.0, 1.0],
    ...     "italy": [0.0, 0.0, 1.0],
    ...     "pizza": [0.0, 0.2, 1.0],
    ... }
    >>> [(word, round(score, 3)) for word, score in analogy(
    ...     word_vectors, "france", "paris", "italy")]
    [('rome', 0.959)]
    ```
    """
    for name, word in (("a", a), ("b", b), ("c", c)):
        if not isinstance(word, str):
            raise InvalidInputError(
                f"`{name}` must be one word (a str). Received: {name}={word!r}"
            )
    return most_similar(word_vectors, positive=[b, c], negative=[a], topn=topn)


def doesnt_match(word_vectors, words):
    """The word that goes least with the others (gensim's `doesnt_match`).

    Every vector is scaled to unit length, their mean is scaled to unit
    length again, and the word whose vector has the lowest cosine similarity
    to that mean is returned (on a tie, the first in alphabetical order, as
    gensim's sort leaves it). Unlike gensim, which drops unknown words with
    a logged warning, an unknown word raises `UnknownWordError`.

    Args:
        word_vectors: dict word -> vector, or a gensim `KeyedVectors`.
        words: list of str, the candidates (at least one).

    Returns:
        The odd word out, a str.

    Example:

    ```python
    >>> from keras_embeddings.analysis import doesnt_match
    >>> word_vectors = {
    ...     "breakfast": [1.0, 0.1],
    ...     "lunch": [0.9, 0.2],
    ...     "dinner": [1.0, 0.0],
    ...     "cereal": [0.1, 1.0],
    ... }
    >>> doesnt_match(word_vectors, ["breakfast", "cereal", "dinner", "lunch"])
    'cereal'
    ```
    """
    words = _word_list(words, "words")
    if not words:
        raise InvalidInputError(
            "`doesnt_match` needs at least one word. Received: words=[]"
        )
    for word in words:
        if not isinstance(word, str):
            raise InvalidInputError(
                f"`words` must hold words (str). Received: {word!r} in words={words!r}"
            )
    unit = _unit_rows(_vectors(word_vectors, words))  # (len(words), dim)
    mean = _unit_rows(unit.mean(axis=0, keepdims=True))[0]  # (dim,)
    scores = unit @ mean  # (len(words),)
    # Gensim sorts (score, word) pairs and takes the last: the lowest score,
    # the first word alphabetically among equal scores.
    return min(zip(scores.tolist(), words))[1]


def _word_list(words, argument):
    """A list of words from None, one str, or an iterable of str."""
    if words is None:
        return []
    if isinstance(words, str):
        return [words]
    try:
        return list(words)
    except TypeError:
        raise InvalidInputError(
            f"`{argument}` must be a word or a list of words. "
            f"Received: {argument}={words!r}"
        ) from None


def _vectors(word_vectors, words):
    """The float64 vectors of `words`, `(len(words), dim)`, from one model."""
    vectors = [_vector(word_vectors, word) for word in words]
    for word, vector in zip(words, vectors):
        if vector.shape != vectors[0].shape:
            raise InvalidInputError(
                f"The vectors of {words[0]!r} and {word!r} have different lengths "
                f"({vectors[0].shape[0]} and {vector.shape[0]}); they must come "
                "from one model."
            )
    return np.stack(vectors)


def _vector(word_vectors, word):
    """The float64 vector of `word`, or an `UnknownWordError` with suggestions."""
    if hasattr(word_vectors, "key_to_index") and hasattr(word_vectors, "vectors"):
        if word not in word_vectors.key_to_index:
            raise UnknownWordError(word, word_vectors.index_to_key)
        vector = word_vectors.vectors[word_vectors.key_to_index[word]]
    elif isinstance(word_vectors, Mapping):
        if word not in word_vectors:
            raise UnknownWordError(word, word_vectors.keys())
        vector = word_vectors[word]
    else:
        raise InvalidInputError(
            "`word_vectors` must be a dict word -> vector or a gensim "
            f"KeyedVectors. Received: {type(word_vectors).__name__}"
        )
    vector = np.asarray(vector, dtype=np.float64)
    if vector.ndim != 1:
        raise InvalidInputError(
            f"The vector of {word!r} must be 1-D. Received shape {vector.shape}"
        )
    return vector


def _unit_rows(matrix):
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
