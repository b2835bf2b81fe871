"""The transformer's position-wise feed-forward network.

The same two-layer network applied to every position of a sequence on its
own (Vaswani et al. 2017, "Attention Is All You Need", section 3.3):

    FFN(x) = max(0, x W_1 + b_1) W_2 + b_2

`PositionwiseFeedForward` computes what the feed-forward sublayer of
`keras_hub.layers.TransformerEncoder` computes; the tests check it.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import keras
from keras import ops

from keras_embeddings._precision import check_float64_supported, matmul
from keras_embeddings._validation import last_dimension, positive_int
from keras_embeddings.layers.activations import get_activation, serialize_activation

__all__ = ["PositionwiseFeedForward"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class PositionwiseFeedForward(keras.layers.Layer):
    """The lecture's feed-forward network, `FFN(x) = max(0, x W_1 + b_1) W_2 + b_2`.

    Two dense layers applied to every position of the sequence on its own
    and with the same weights: a widening to `intermediate_dim` units with
    a ReLU, then a projection back to `d_model` (Vaswani et al. 2017,
    section 3.3, where `d_model = 512` and `intermediate_dim = 2048`). The
    same computation as the feed-forward sublayer of
    `keras_hub.layers.TransformerEncoder` (its `intermediate_dim` and
    `activation` arguments), before the residual connection and the layer
    normalization.

    Weights: `intermediate_kernel` `W_1` `(d_model, intermediate_dim)`,
    `intermediate_bias` `b_1`, `output_kernel` `W_2` `(intermediate_dim,
    d_model)`, `output_bias` `b_2`.

    Args:
        intermediate_dim: int, the hidden width (the paper's `d_ff`).
        activation: the activation after the first layer, a Keras activation
            name or callable. Default `"relu"`, the lecture's `max(0, ·)`;
            GPT-style models use `"gelu"`.
        kernel_initializer: initializer of `W_1` and `W_2`.
        bias_initializer: initializer of `b_1` and `b_2`.
        **kwargs: base `Layer` arguments (`name`, `dtype`, `trainable`).
            `dtype="mixed_float16"` keeps float32 weights and computes in
            float16; a float64 `dtype` on JAX needs JAX's 64-bit mode
            (otherwise `InvalidInputError`).

    Input shape:
        `(batch, T, d_model)` (or `(..., d_model)`).

    Output shape:
        `(batch, T, d_model)` (or `(..., d_model)`), the input's shape.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.layers import PositionwiseFeedForward
    >>> ffn = PositionwiseFeedForward(intermediate_dim=16)
    >>> tuple(ffn(np.ones((2, 5, 8), "float32")).shape)
    (2, 5, 8)
    >>> tuple(ffn.intermediate_kernel.shape), tuple(ffn.output_kernel.shape)
    ((8, 16), (16, 8))
    ```
    """

    def __init__(
        self,
        intermediate_dim,
        activation="relu",
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_float64_supported(self.dtype_policy, "PositionwiseFeedForward")
        self.intermediate_dim = positive_int("intermediate_dim", intermediate_dim)
        self.activation = get_activation(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True  # position by position: the mask carries over
        self.input_spec = keras.layers.InputSpec(min_ndim=2)

    def build(self, input_shape):
        d_model = last_dimension(input_shape, "PositionwiseFeedForward", "`d_model`")
        self.intermediate_kernel = self.add_weight(
            name="intermediate_kernel",
            shape=(d_model, self.intermediate_dim),
            initializer=self.kernel_initializer,
        )
        self.intermediate_bias = self.add_weight(
            name="intermediate_bias",
            shape=(self.intermediate_dim,),
            initializer=self.bias_initializer,
        )
        self.output_kernel = self.add_weight(
            name="output_kernel",
            shape=(self.intermediate_dim, d_model),
            initializer=self.kernel_initializer,
        )
        self.output_bias = self.add_weight(
            name="output_bias",
            shape=(d_model,),
            initializer=self.bias_initializer,
        )
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: d_model})

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        hidden = matmul(inputs, self.intermediate_kernel) + self.intermediate_bias
        hidden = self.activation(hidden)  # (..., intermediate_dim): max(0, xW_1 + b_1)
        return matmul(hidden, self.output_kernel) + self.output_bias

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = {
            "intermediate_dim": self.intermediate_dim,
            "activation": serialize_activation(self.activation),
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
        return {**super().get_config(), **config}
