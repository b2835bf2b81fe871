"""Hand a model's vectors to gensim: `KeyedVectors`, or `FastTextKeyedVectors`.

`to_keyed_vectors(source)` takes a word -> vector dict (as `to_word_vectors`
returns), any model of the package, or a `models.FastText`. For a
`FastText` model it builds gensim's `FastTextKeyedVectors` from the model's
tables: `vectors_vocab` (the word rows), `vectors_ngrams` (the `bucket`
n-gram rows, `model.get_ngram_embeddings()`: zero where no vocabulary
n-gram hashes), `min_n`, `max_n` and `bucket`, without the padding entry.
gensim then recomputes every vector itself, with the same n-gram rows
(`text.ngram_ids`), so `kv["walking"]` answers for a word the model never
saw, as `model.get_vector("walking")` does; `kv.save(path)` writes a file
`gensim.models.fasttext.FastTextKeyedVectors.load(path)` reads.

Taught in `tutorials/12_subword_embeddings.py`.
"""

import numpy as np

from keras_embeddings._word_vectors import words_and_matrix
from keras_embeddings.export.word_vectors import id_word_pairs, to_word_vectors

__all__ = ["to_keyed_vectors"]


def _is_fasttext(source):
    import sys

    module = sys.modules.get("keras_embeddings.models.fasttext")
    return module is not None and isinstance(source, module.FastText)


def _to_numpy(table):
    from keras import ops

    return np.asarray(ops.convert_to_numpy(table), dtype=np.float32)


def _fasttext_keyed_vectors(model):
    from gensim.models.fasttext import FastTextKeyedVectors  # slow to import

    if not model.built:
        model._build_for_embeddings()
    pairs = id_word_pairs(
        model.get_vocabulary(), model.vocabulary_size, model.padding_id
    )
    ids = np.array([i for i, _ in pairs], dtype=np.int64)
    keyed_vectors = FastTextKeyedVectors(
        model.embedding_dim, model.min_n, model.max_n, model.bucket
    )
    keyed_vectors.index_to_key = [word for _, word in pairs]
    keyed_vectors.key_to_index = {word: i for i, (_, word) in enumerate(pairs)}
    keyed_vectors.vectors_vocab = _to_numpy(model.target_embedding.embeddings)[ids]
    keyed_vectors.vectors_ngrams = np.asarray(
        model.get_ngram_embeddings(), dtype=np.float32
    )
    keyed_vectors.allocate_vecattrs()
    keyed_vectors.recalc_char_ngram_buckets()
    keyed_vectors.adjust_vectors()  # each word's mean of its word and n-gram rows
    return keyed_vectors


def to_keyed_vectors(source):
    """A gensim `KeyedVectors` of a dict or a model; `FastTextKeyedVectors`
    of a `models.FastText`.

    Use it for gensim's tools (`most_similar`, `doesnt_match`,
    `evaluate_word_analogies`, `evaluate_word_pairs`, ...).

    Args:
        source: a dict word -> vector (word order kept: `index_to_key`
            lists the words as the dict does); or a model with
            `get_embeddings()` (its `"input"` vectors, by id, without the
            padding row); or a `models.FastText`, whose n-gram table goes
            along.

    Returns:
        A `gensim.models.KeyedVectors` with float32 vectors; for a
        `FastText` model a `gensim.models.fasttext.FastTextKeyedVectors`,
        whose `kv[word]` equals `model.get_vector(word)` for any str.

    Example:

    ```python
    >>> from keras_embeddings.export import to_keyed_vectors
    >>> keyed_vectors = to_keyed_vectors(
    ...     {"king": [1.0, 0.0], "queen": [0.9, 0.1], "apple": [0.0, 1.0]}
    ... )
    >>> keyed_vectors.index_to_key
    ['king', 'queen', 'apple']
    >>> keyed_vectors.most_similar("king", topn=1)
    [('queen', 0.99...)]
    >>> from keras_embeddings.models import FastText
    >>> model = FastText(3, embedding_dim=4, bucket=100,
    ...                  vocabulary=["", "walk", "walked"])
    >>> keyed_vectors = to_keyed_vectors(model)
    >>> type(keyed_vectors).__name__, keyed_vectors.index_to_key
    ('FastTextKeyedVectors', ['walk', 'walked'])
    >>> bool(abs(keyed_vectors["walking"] - model.get_vector("walking")).max() < 1e-6)
    True
    ```
    """
    if _is_fasttext(source):
        return _fasttext_keyed_vectors(source)
    if callable(getattr(source, "get_embeddings", None)):
        source = to_word_vectors(source)
    from gensim.models import KeyedVectors  # gensim is slow to import.

    words, matrix = words_and_matrix(source)
    keyed_vectors = KeyedVectors(vector_size=matrix.shape[1], dtype=np.float32)
    keyed_vectors.add_vectors(words, matrix)
    return keyed_vectors
