"""The CBOW context: the average of the context words' vectors, padding left out.

The CBOW notebook feeds its network the average of the context words'
one-hot vectors, `x̄ = (x_1 + ... + x_2C) / 2C`, and multiplies it by `W1`.
Since `W1 x_i` is the column of `W1` of word `i`, that product is the
average of the context words' embedding vectors,
`W1 x̄ = (W1 x_1 + ... + W1 x_2C) / 2C`, which is what `ContextAverage`
computes from an `Embedding` lookup, without building the one-hot vectors
(Mikolov et al. 2013, "Efficient Estimation of Word Representations in
Vector Space", the CBOW architecture).

With a mask (contexts cut short at the edge of a sentence and padded), the
average runs over the real words only; a row with no real word gives a
vector of zeros, not NaN.

Taught in `tutorials/05_cbow_step_by_step.py`.
"""

import keras
from keras import ops

from keras_embeddings._precision import check_float64_supported

__all__ = ["ContextAverage"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class ContextAverage(keras.layers.Layer):
    """Average of context word vectors over the non-padding positions.

    For each example, the mean of its `2C` context vectors along the context
    axis. A boolean `mask` of shape `(batch, 2C)` (`True` = a real word)
    restricts the mean to the real words: `sum(mask * vectors) / sum(mask)`.
    The mask is either passed explicitly (`layer(vectors, mask=...)`) or
    comes from the layer before, e.g. `keras.layers.Embedding(...,
    mask_zero=True)` in a functional model. A row whose positions are all
    padding gives zeros (its count is taken as 1), and the padding vectors
    get no gradient.

    With the embedding table `E = W1ᵀ` of shape `(vocabulary_size,
    embedding_dim)`, `ContextAverage()(Embedding(ids))` equals the CBOW
    notebook's `W1 x̄`, where `x̄` is the average of the context words'
    one-hot vectors.

    The layer has no weights.

    Args:
        **kwargs: base `Layer` arguments (`name`, `dtype`). A float64
            `dtype` on the JAX backend needs JAX's 64-bit mode
            (`jax.config.update("jax_enable_x64", True)` or
            `JAX_ENABLE_X64=1`); without it the layer raises
            `InvalidInputError` rather than compute in float32.

    Input shape:
        `(batch, context_length, embedding_dim)` float tensor (or
        `(..., context_length, embedding_dim)`), and optionally a boolean
        `mask` of shape `(batch, context_length)`.

    Output shape:
        `(batch, embedding_dim)` (or `(..., embedding_dim)`).

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import ContextAverage
    >>> vectors = np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]])  # (1, 3, 2)
    >>> keras.ops.convert_to_numpy(ContextAverage()(vectors)).round(2).tolist()
    [[4.33, 5.0]]
    >>> mask = np.array([[True, True, False]])  # the third word is padding
    >>> keras.ops.convert_to_numpy(ContextAverage()(vectors, mask=mask)).tolist()
    [[2.0, 3.0]]
    ```
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        check_float64_supported(self.dtype_policy, "ContextAverage")
        self.supports_masking = True
        self.input_spec = keras.layers.InputSpec(min_ndim=3)

    def call(self, inputs, mask=None):
        inputs = ops.cast(inputs, self.compute_dtype)
        if mask is None:
            # Not ops.mean: on JAX and PyTorch it averages float64 in float32.
            length = ops.cast(ops.shape(inputs)[-2], inputs.dtype)
            return ops.sum(inputs, axis=-2) / length  # (batch, embedding_dim)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)  # (batch, 2C, 1)
        total = ops.sum(inputs * weights, axis=-2)  # (batch, embedding_dim)
        count = ops.sum(weights, axis=-2)  # (batch, 1): real words per row
        # An all-padding row has total 0 and count 0: dividing by 1 gives 0.
        return total / ops.maximum(count, 1)

    def compute_mask(self, inputs, mask=None):
        return None  # the context axis is gone: nothing left to mask

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-2], input_shape[-1])
