"""Word vectors as the `Embedding` layer of a downstream Keras model.

gensim 3 had `KeyedVectors.get_keras_embedding(train_embeddings=False)`;
gensim 4 removed it (gensim#1900) and its users still look for it.
`to_keras_embedding` is its replacement, named like the other converters of
`export` (`to_word_vectors`, `to_keyed_vectors`), and does what the
gensim method left to the user: it lays the vectors out in the ids of *your*
vocabulary (a `Tokenizer`'s `word_index`, or a model's `get_vocabulary()`),
not in the order of the vector file, so the layer plugs into a model fed by
that tokenizer. The word vectors come from anywhere: a dict (our models'
`export.to_word_vectors`), a gensim `KeyedVectors`, or a downloaded file
(word2vec text or binary, or GloVe's `glove.6B.100d.txt`, detected).

- Row `padding_id` (0 by default, the `Tokenizer`'s padding id) is zeros,
  and `mask_zero` masks it by default.
- A word of the vocabulary that the vectors lack (e.g. `<unk>`, or a word
  rarer than the vectors' `min_count`) gets the mean of all vectors
  (`missing="mean"`, the default: a neutral, typical vector), zeros
  (`"zeros"`), or a random vector with the vectors' mean and spread per
  dimension (`"random"`, seeded). Which words those were is reported:
  `to_embedding_matrix` returns them, and `to_keras_embedding` stores them
  as `layer.missing_words` (nothing is printed or warned: a few missing
  words, such as `<unk>`, are normal; `len(layer.missing_words)` says how
  many). When *no* word is found, an error says so (usually a case
  mismatch).
- `trainable=False` (the default, as gensim's `train_embeddings=False` and
  keras.io's pretrained-embeddings example) keeps the vectors as they are;
  `trainable=True` fine-tunes them with the rest of the model.

`NextTokenModel`, `TransformerLM` and `NGramLanguageModel` take such a layer
(or the matrix) as their initial table: `embeddings_initializer=layer`,
with `trainable_embeddings=False` to freeze it.

Taught in `tutorials/11_using_your_embedding.py`.
"""

import os
from collections.abc import Mapping

import keras
import numpy as np

from keras_embeddings._validation import boolean, one_of, optional_positive_int
from keras_embeddings._word_vectors import check_words, words_and_matrix
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export.formats import load_word2vec
from keras_embeddings.export.word_vectors import check_padding_id, id_word_pairs

__all__ = ["to_embedding_matrix", "to_keras_embedding"]

MISSING = ("mean", "zeros", "random")


def to_embedding_matrix(
    word_vectors,
    vocabulary,
    *,
    vocabulary_size=None,
    padding_id=0,
    missing="mean",
    seed=0,
):
    """Lay word vectors out as an embedding matrix in a vocabulary's ids.

    Row `i` of the matrix is the vector of the word of id `i`; the row
    `padding_id` is zeros; a word without a vector gets the row `missing`
    says. This is the `embedding_matrix` of keras.io's "Using pre-trained
    word embeddings" example, for any vocabulary form of this package.

    Args:
        word_vectors: dict word -> vector, a gensim `KeyedVectors`, or the
            path of a word2vec (text or binary) or GloVe file (a file whose
            first line is not `"count dim"` is read as GloVe, with
            `load_word2vec(path, no_header=True)`).
        vocabulary: a list where `vocabulary[i]` is the word of id `i` (a
            model's `get_vocabulary()`, a Tokenizer's `get_vocabulary()`),
            the entry at `padding_id` skipped; or a Tokenizer `word_index`
            dict word -> id; or an `index_word` dict id -> word.
        vocabulary_size: int or None, the number of rows. None: the list's
            length, or the largest id + 1 of a dict. With a dict, ids from
            `vocabulary_size` up are left out (a Tokenizer with `num_words`
            indexes more words than it keeps).
        padding_id: int or None, the id of the zero padding row; None when
            every id is a word (e.g. `NGramLanguageModel`).
        missing: what a word without a vector gets: `"mean"` (the mean of
            all the vectors), `"zeros"`, or `"random"` (normal, with the
            vectors' mean and standard deviation per dimension).
        seed: int or None, seeds `missing="random"`.

    Returns:
        `(matrix, missing_words)`: a float32 NumPy array
        `(vocabulary_size, embedding_dim)` and the list, by id, of the words
        that had no vector.

    Raises:
        InvalidInputError: a bad argument, or no word of `vocabulary` has a
            vector.

    Example:

    ```python
    >>> from keras_embeddings.export import to_embedding_matrix
    >>> vectors = {"king": [1.0, 2.0], "queen": [3.0, 4.0]}
    >>> word_index = {"queen": 1, "king": 2, "jester": 3}  # a Tokenizer's
    >>> matrix, missing_words = to_embedding_matrix(vectors, word_index)
    >>> matrix  # padding, queen, king, jester (the mean vector)
    array([[0., 0.],
           [3., 4.],
           [1., 2.],
           [2., 3.]], dtype=float32)
    >>> missing_words
    ['jester']
    ```
    """
    missing = one_of("missing", missing, MISSING)
    seed = optional_positive_int("seed", seed, minimum=0)
    vocabulary_size = optional_positive_int("vocabulary_size", vocabulary_size)
    padding_id = check_padding_id(padding_id)
    words, vectors = _read_word_vectors(word_vectors)
    pairs, rows = _pairs_and_rows(vocabulary, vocabulary_size, padding_id)

    row_of = {word: i for i, word in enumerate(words)}
    dim = vectors.shape[1]
    matrix = np.zeros((rows, dim), dtype=np.float32)
    check_words(pairs)
    found, missing_ids, missing_words = 0, [], []
    for i, word in pairs:
        row = row_of.get(word)
        if row is None:
            missing_ids.append(i)
            missing_words.append(word)
        else:
            matrix[i] = vectors[row]
            found += 1
    if pairs and not found:
        raise InvalidInputError(
            f"None of the {len(pairs)} words of `vocabulary` has a vector in "
            f"`word_vectors` (e.g. {pairs[0][1]!r}; the vectors have words such "
            f"as {words[:3]}). Check that both were lowercased the same way."
        )
    if missing_ids and missing != "zeros":
        mean = vectors.mean(axis=0)
        if missing == "mean":
            matrix[missing_ids] = mean
        else:
            rng = np.random.default_rng(seed)
            std = vectors.std(axis=0)
            matrix[missing_ids] = rng.normal(mean, std, size=(len(missing_ids), dim))
    return matrix, missing_words


def to_keras_embedding(
    word_vectors,
    vocabulary,
    *,
    vocabulary_size=None,
    padding_id=0,
    missing="mean",
    seed=0,
    trainable=False,
    mask_zero=None,
    name=None,
):
    """A `keras.layers.Embedding` holding word vectors in a vocabulary's ids.

    The replacement of gensim 3's `KeyedVectors.get_keras_embedding()`
    (removed in gensim 4): `to_embedding_matrix` lays the vectors out in the
    ids of `vocabulary`, and the layer starts from that matrix. Put it first
    in a model fed by the same tokenizer, or hand it to a next-token model:
    `NextTokenModel(..., embeddings_initializer=layer,
    trainable_embeddings=False)`.

    Args:
        word_vectors: dict word -> vector, a gensim `KeyedVectors`, or the
            path of a word2vec or GloVe file (see `to_embedding_matrix`).
        vocabulary: a list of the words by id, a Tokenizer `word_index` dict
            or an `index_word` dict (see `to_embedding_matrix`).
        vocabulary_size: int or None, the layer's `input_dim` (see
            `to_embedding_matrix`).
        padding_id: int or None, the id of the zero padding row.
        missing: `"mean"`, `"zeros"` or `"random"`: the row of a word
            without a vector (see `to_embedding_matrix`).
        seed: int or None, seeds `missing="random"`.
        trainable: bool, fine-tune the vectors with the rest of the model;
            False (default) keeps them fixed.
        mask_zero: bool or None, mask id 0 (padding) in the layers after
            this one; None: True when `padding_id` is 0.
        name: str or None, the layer's name.

    Returns:
        A built `keras.layers.Embedding` of `input_dim` rows (row `i` the
        vector of id `i`) and `output_dim` the vectors' size, whose
        `missing_words` attribute lists, by id, the words that had no vector
        (their share: `len(layer.missing_words)` out of the vocabulary's
        words).

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.export import to_keras_embedding
    >>> from keras_embeddings.text import Tokenizer
    >>> tokenizer = Tokenizer(oov_token="<unk>")
    >>> tokenizer.fit_on_texts(["the king and the queen"])
    >>> vectors = {"the": [0.0, 1.0], "king": [1.0, 0.0], "queen": [0.9, 0.1],
    ...            "and": [0.5, 0.5]}
    >>> layer = to_keras_embedding(vectors, tokenizer.word_index)
    >>> layer.input_dim, layer.output_dim, layer.trainable, layer.mask_zero
    (6, 2, False, True)
    >>> layer.missing_words  # filled with the mean vector
    ['<unk>']
    >>> ids = np.array(tokenizer.texts_to_sequences(["the queen"]))
    >>> np.asarray(layer(ids))
    array([[[0. , 1. ],
            [0.9, 0.1]]], dtype=float32)
    >>> from keras_embeddings.models import NextTokenModel
    >>> model = NextTokenModel(layer.input_dim, embedding_dim=2, hidden_dim=4,
    ...                        embeddings_initializer=layer,
    ...                        trainable_embeddings=False)  # frozen
    >>> model.get_embeddings()[3]  # id 3, "king"
    array([1., 0.], dtype=float32)
    ```
    """
    trainable = boolean("trainable", trainable)
    padding_id = check_padding_id(padding_id)
    if mask_zero is None:
        mask_zero = padding_id == 0
    mask_zero = boolean("mask_zero", mask_zero)
    if mask_zero and padding_id != 0:
        raise InvalidInputError(
            "`mask_zero=True` masks id 0, so id 0 must be the padding id. "
            f"Received: padding_id={padding_id}. Pass `mask_zero=False`."
        )
    matrix, missing_words = to_embedding_matrix(
        word_vectors,
        vocabulary,
        vocabulary_size=vocabulary_size,
        padding_id=padding_id,
        missing=missing,
        seed=seed,
    )
    layer = keras.layers.Embedding(
        matrix.shape[0],
        matrix.shape[1],
        mask_zero=mask_zero,
        weights=matrix,  # builds the layer; the config stays small
        trainable=trainable,
        name=name,
    )
    layer.missing_words = missing_words
    return layer


def _read_word_vectors(word_vectors):
    """`(words, float32 matrix)` from a dict, a KeyedVectors or a file path."""
    if isinstance(word_vectors, (str, os.PathLike)):
        path = os.fspath(word_vectors)
        return words_and_matrix(load_word2vec(path, no_header=not _has_header(path)))
    return words_and_matrix(word_vectors, "word_vectors")


def _has_header(path):
    """Whether a word-vector file starts with word2vec's `"count dim"` line."""
    try:
        with open(path, "rb") as f:
            first = f.readline(4096).split()
    except OSError:
        return True  # let `load_word2vec` report the problem
    return len(first) == 2 and all(x.isdigit() for x in first)


def _pairs_and_rows(vocabulary, vocabulary_size, padding_id):
    """The `(id, word)` pairs to fill, and the number of rows."""
    if isinstance(vocabulary, Mapping):
        pairs = id_word_pairs(vocabulary, None, padding_id)
        rows = max([i for i, _ in pairs] + [padding_id or 0]) + 1
        if vocabulary_size is not None:
            rows = vocabulary_size
            pairs = [(i, word) for i, word in pairs if i < rows]
    else:
        rows = vocabulary_size
        if rows is None and hasattr(vocabulary, "__len__"):
            rows = len(vocabulary)
        pairs = id_word_pairs(vocabulary, rows, padding_id)
    if padding_id is not None and padding_id >= rows:
        raise InvalidInputError(
            f"`padding_id` must be an id in [0, {rows}). Received: "
            f"padding_id={padding_id}"
        )
    return pairs, rows
