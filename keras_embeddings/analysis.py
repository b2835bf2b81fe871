"""Query word vectors: nearest neighbours, analogies, distances.

The functions take the dict word -> vector that `export.to_word_vectors`
returns (or a gensim `KeyedVectors`) and follow gensim's contract, so
results match `KeyedVectors.most_similar`, `similarity` and `distance`:
cosine similarity on unit-normalised vectors, the query words left out.
They replace the CSC321 lab's `display_nearest_words` and `word_distance`
(whose Euclidean distance is `metric="euclidean"` here).

Everything is computed with NumPy on each call; nothing is cached, so a dict
changed in place gives fresh answers.

Example:

```python
import numpy as np
from keras_embeddings import analysis

word_vectors = {
    "king": np.array([0.9, 0.8]),
    "queen": np.array([0.9, -0.8]),
    "man": np.array([0.1, 0.9]),
    "woman": np.array([0.1, -0.9]),
}
analysis.most_similar(word_vectors, ["king", "woman"], ["man"], topn=1)
# [('queen', 0.946...)]
```
"""

from collections.abc import Mapping
from numbers import Integral

import numpy as np

from keras_embeddings.errors import InvalidInputError, UnknownWordError
from keras_embeddings.export import _words_and_matrix


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
        topn: int, how many words to return.

    Returns:
        A list of `(word, cosine_similarity)` pairs, most similar first.
    """
    positive = _word_list(positive, "positive")
    negative = _word_list(negative, "negative")
    if not positive and not negative:
        raise InvalidInputError(
            "`most_similar` needs at least one word in `positive` or `negative`. "
            f"Received: positive={positive}, negative={negative}"
        )
    if not isinstance(topn, Integral) or isinstance(topn, bool) or topn < 0:
        raise InvalidInputError(
            f"`topn` must be a non-negative integer. Received: topn={topn!r}"
        )
    if topn == 0:
        return []

    words, matrix = _words_and_matrix(word_vectors)
    index = {}
    for i, word in enumerate(words):
        index.setdefault(word, i)
    query_ids = []
    for word in positive + negative:
        if word not in index:
            raise UnknownWordError(word, words)
        query_ids.append(index[word])

    unit = _unit_rows(matrix.astype(np.float64))  # (vocabulary_size, dim)
    weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))
    query = _unit_rows((weights @ unit[query_ids] / len(weights))[None])[0]  # (dim,)
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
    """
    v1, v2 = _unit_rows(np.stack(_pair(word_vectors, word1, word2)))
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
    """
    if metric not in ("cosine", "euclidean"):
        raise InvalidInputError(
            f'`metric` must be "cosine" or "euclidean". Received: metric={metric!r}'
        )
    if metric == "cosine":
        return 1.0 - similarity(word_vectors, word1, word2)
    v1, v2 = _pair(word_vectors, word1, word2)
    return float(np.linalg.norm(v1 - v2))


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


def _pair(word_vectors, word1, word2):
    """The vectors of two words, checked to have the same length."""
    v1 = _vector(word_vectors, word1)
    v2 = _vector(word_vectors, word2)
    if v1.shape != v2.shape:
        raise InvalidInputError(
            f"The vectors of {word1!r} and {word2!r} have different lengths "
            f"({v1.shape[0]} and {v2.shape[0]}); they must come from one model."
        )
    return v1, v2


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
