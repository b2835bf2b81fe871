"""The initial embedding table of a language model: an initializer or a matrix.

`NextTokenModel`, `TransformerLM` and `NGramLanguageModel` take
`embeddings_initializer=` (Keras' name, as in `keras.layers.Embedding`) and
`trainable_embeddings=`. `embeddings_initializer` is either a Keras
initializer, or a pretrained table of shape `(vocabulary_size,
embedding_dim)` whose row `i` is the vector of id `i`: a NumPy array, a
`keras.initializers.Constant(matrix)` (the keras.io "pretrained word
embeddings" recipe) or a built `keras.layers.Embedding`, such as the one
`export.to_keras_embedding` returns. `trainable_embeddings=False` freezes the
table; True (the default) fine-tunes it.

A matrix is not written into the model's `get_config()`: a 400,000-word
GloVe table would put 40 million numbers into the JSON config of every
saved model. The config records `embeddings_initializer=None` and the table
travels with the weights, so a `.keras` file loads back with the pretrained
(or fine-tuned) table; `from_config` alone (e.g. `keras.models.clone_model`)
starts from Keras' default table instead.
"""

import keras
import numpy as np
from keras import ops

from keras_embeddings.errors import InvalidInputError


class _Matrix(keras.initializers.Initializer):
    """The given table, cast to the variable's dtype."""

    def __init__(self, matrix):
        self.matrix = matrix

    def __call__(self, shape, dtype=None):
        return ops.cast(self.matrix, dtype or "float32")

    def get_config(self):  # never serialized: the model's config holds None
        return {}


def initial_table(value, vocabulary_size, embedding_dim, default="uniform"):
    """`(initializer, config_value)` for a model's `embeddings_initializer`.

    `initializer` builds the table; `config_value` is what `get_config()`
    stores: None for a matrix (or when `value` is None), else the
    serialized initializer.

    >>> init, config = initial_table(np.eye(3), 3, 3)
    >>> ops.convert_to_numpy(init((3, 3)))[1], config
    (array([0., 1., 0.], dtype=float32), None)
    """
    if value is None:
        return keras.initializers.get(default), None
    matrix = _pretrained_matrix(value)
    if matrix is None:
        try:
            initializer = keras.initializers.get(value)
        except (ValueError, TypeError):
            initializer = None
        if initializer is None:
            raise InvalidInputError(
                "`embeddings_initializer` must be a Keras initializer (a name "
                "such as 'uniform', a config or an instance) or a matrix of "
                f"shape (vocabulary_size, embedding_dim) = ({vocabulary_size}, "
                f"{embedding_dim}). Received: {type(value).__name__} "
                f"{value!r:.80}. A dict word -> vector becomes a matrix with "
                "`export.to_embedding_matrix(word_vectors, vocabulary)`."
            )
        return initializer, keras.initializers.serialize(initializer)
    expected = (vocabulary_size, embedding_dim)
    if matrix.shape != expected:
        hint = ""
        if matrix.ndim == 2 and matrix.shape[0] == vocabulary_size:
            hint = f" Pass `embedding_dim={matrix.shape[1]}`."
        elif matrix.ndim == 2 and matrix.shape[0] == vocabulary_size - 1:
            hint = " Add the padding row 0 (`export.to_embedding_matrix` does)."
        raise InvalidInputError(
            "`embeddings_initializer` must have shape (vocabulary_size, "
            f"embedding_dim) = {expected}, one row per id. Received: a matrix "
            f"of shape {matrix.shape}.{hint}"
        )
    if not np.all(np.isfinite(matrix)):
        raise InvalidInputError(
            "`embeddings_initializer` holds NaN or infinite values; every "
            "entry of the table must be a finite number."
        )
    return _Matrix(matrix), None


def _pretrained_matrix(value):
    """A float32 NumPy matrix from a table-like `value`, else None."""
    if isinstance(value, keras.layers.Embedding):
        if not value.built:
            raise InvalidInputError(
                f"`embeddings_initializer`: the Embedding layer {value.name!r} "
                "has no table yet; build it first (`layer.build()`) or pass a "
                "matrix."
            )
        value = value.embeddings
    elif isinstance(value, keras.initializers.Constant):
        if np.ndim(value.value) == 0:
            return None  # a scalar Constant is an ordinary initializer
        value = value.value
    elif isinstance(value, (str, dict, keras.initializers.Initializer)):
        return None
    elif callable(value) and not hasattr(value, "shape"):
        return None  # a function initializer(shape, dtype)
    try:
        matrix = ops.convert_to_numpy(value)
    except (TypeError, ValueError):
        matrix = np.asarray(value, dtype=object)
    if not np.issubdtype(matrix.dtype, np.number):
        raise InvalidInputError(
            "`embeddings_initializer` must be a Keras initializer or a numeric "
            "matrix of shape (vocabulary_size, embedding_dim). Received: "
            f"{type(value).__name__} {value!r:.80}"
        )
    return matrix.astype("float32")
