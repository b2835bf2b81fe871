"""Multi-head self-attention, `Concat(head_1, ..., head_h) W^O`.

Vaswani et al. 2017, "Attention Is All You Need", section 3.2.2: `h` scaled
dot-product attentions run side by side on learned projections of the
input, `head_j = Attention(X W_j^Q, X W_j^K, X W_j^V)`, and their
concatenation is projected back to `d_model`. `MultiHeadSelfAttention`
computes what `keras.layers.MultiHeadAttention` computes for
`query = value = inputs`, from weights of the same shapes; the tests check it.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import keras
from keras import ops

from keras_embeddings._precision import check_float64_supported
from keras_embeddings._validation import last_dimension, positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers.dot_product_attention import (
    _merge_masks,
    scaled_dot_product_attention,
)

__all__ = ["MultiHeadSelfAttention"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class MultiHeadSelfAttention(keras.layers.Layer):
    """Multi-head self-attention: `Concat(head_1, ..., head_h) W^O`.

    Each head `j` projects the input `X` (`(batch, T, d_model)`) to queries,
    keys and values, `Q_j = X W_j^Q + b_j^Q` (likewise `K_j`, `V_j`), and
    attends with `scaled_dot_product_attention`; the heads' outputs are
    concatenated and projected back to `d_model` (Vaswani et al. 2017,
    section 3.2.2). The same computation as
    `keras.layers.MultiHeadAttention(num_heads, key_dim)(X, X)`, with
    weights of the same shapes in the same order, so
    `layer.set_weights(mha.get_weights())` copies a Keras layer's weights:

    - `query_kernel`, `key_kernel`, `value_kernel`:
      `(d_model, num_heads, key_dim)`, the `W_j^Q` etc. side by side;
    - `query_bias`, `key_bias`, `value_bias`: `(num_heads, key_dim)`;
    - `output_kernel`: `(num_heads, key_dim, d_model)`, `W^O` split by head;
    - `output_bias`: `(d_model,)`.

    Masks: `attention_mask` `(batch, T, T)`, `use_causal_mask=True`, and a
    Keras mask `(batch, T)` on the input (e.g. from
    `Embedding(mask_zero=True)`): padding tokens get no attention, and a
    padding query row gets zero weights (its output is `output_bias`; the
    output keeps the input's mask). `keras.layers.MultiHeadAttention` does
    the same when it returns its scores; without them it takes a fused
    kernel that gives such fully masked rows uniform weights instead, so
    the two only differ on padding rows.

    Args:
        num_heads: int, the number of heads `h`.
        key_dim: int, the size `d_k` of each head's queries, keys and values.
            Defaults to `d_model // num_heads` (then `num_heads` must divide
            `d_model`), the paper's choice.
        kernel_initializer: initializer of the four kernels.
        bias_initializer: initializer of the four biases.
        **kwargs: base `Layer` arguments (`name`, `dtype`, `trainable`).
            `dtype="mixed_float16"` keeps float32 weights and computes in
            float16; a float64 `dtype` on JAX needs JAX's 64-bit mode
            (otherwise `InvalidInputError`).

    Call arguments:
        inputs: `(batch, T, d_model)`.
        attention_mask: optional boolean `(batch, T, T)`.
        use_causal_mask: bool.
        return_attention_scores: bool, whether to also return the weights
            `(batch, num_heads, T, T)`.

    Input shape:
        `(batch, T, d_model)`.

    Output shape:
        `(batch, T, d_model)`, and with `return_attention_scores=True` also
        `(batch, num_heads, T, T)`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.layers import MultiHeadSelfAttention
    >>> x = np.random.normal(size=(2, 5, 8)).astype("float32")
    >>> attention = MultiHeadSelfAttention(num_heads=2)  # key_dim = 8 // 2 = 4
    >>> y, w = attention(x, use_causal_mask=True, return_attention_scores=True)
    >>> tuple(y.shape), tuple(w.shape)
    ((2, 5, 8), (2, 2, 5, 5))
    >>> tuple(attention.query_kernel.shape)  # (d_model, num_heads, key_dim)
    (8, 2, 4)
    ```
    """

    def __init__(
        self,
        num_heads,
        key_dim=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_float64_supported(self.dtype_policy, "MultiHeadSelfAttention")
        self.num_heads = positive_int("num_heads", num_heads)
        self.key_dim = None if key_dim is None else positive_int("key_dim", key_dim)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def build(self, input_shape):
        d_model = last_dimension(input_shape, "MultiHeadSelfAttention", "`d_model`")
        key_dim = self.key_dim
        if key_dim is None:
            if d_model % self.num_heads:
                raise InvalidInputError(
                    f"`num_heads` must divide d_model={d_model} when `key_dim` is "
                    f"not given. Received: num_heads={self.num_heads}"
                )
            key_dim = d_model // self.num_heads
        self._head_shape = (self.num_heads, key_dim)
        projection = (d_model, self.num_heads, key_dim)
        for name in ("query", "key", "value"):
            kernel = self.add_weight(
                name=f"{name}_kernel",
                shape=projection,
                initializer=self.kernel_initializer,
            )
            bias = self.add_weight(
                name=f"{name}_bias",
                shape=self._head_shape,
                initializer=self.bias_initializer,
            )
            setattr(self, f"{name}_kernel", kernel)
            setattr(self, f"{name}_bias", bias)
        self.output_kernel = self.add_weight(
            name="output_kernel",
            shape=(self.num_heads, key_dim, d_model),
            initializer=self.kernel_initializer,
        )
        self.output_bias = self.add_weight(
            name="output_bias",
            shape=(d_model,),
            initializer=self.bias_initializer,
        )
        self.input_spec = keras.layers.InputSpec(ndim=3, axes={-1: d_model})

    def _project(self, inputs, kernel, bias):
        # Every head's projection at once: X W_j + b_j for j = 1..h.
        heads = ops.einsum("btd,dhk->bhtk", inputs, kernel)  # (batch, h, T, d_k)
        return heads + ops.expand_dims(bias, 1)  # bias (h, d_k) -> (h, 1, d_k)

    def call(
        self,
        inputs,
        mask=None,
        attention_mask=None,
        use_causal_mask=False,
        return_attention_scores=False,
    ):
        inputs = ops.cast(inputs, self.compute_dtype)
        query = self._project(inputs, self.query_kernel, self.query_bias)
        key = self._project(inputs, self.key_kernel, self.key_bias)
        value = self._project(inputs, self.value_kernel, self.value_bias)
        padding = None
        if mask is not None:
            mask = ops.cast(mask, "bool")  # (batch, T)
            padding = ops.logical_and(  # (batch, 1, T, T): real query, real key
                mask[:, None, :, None], mask[:, None, None, :]
            )
        if attention_mask is not None:
            if len(attention_mask.shape) != 3:
                raise InvalidInputError(
                    "`attention_mask` must have shape (batch, T, T). Received: "
                    f"attention_mask.shape={tuple(attention_mask.shape)}"
                )
            attention_mask = ops.expand_dims(attention_mask, 1)  # same for all heads
        heads, weights = scaled_dot_product_attention(
            query,
            key,
            value,
            attention_mask=_merge_masks(attention_mask, padding),
            use_causal_mask=use_causal_mask,
        )  # heads (batch, h, T, d_k), weights (batch, h, T, T)
        # Concat(head_1, ..., head_h) W^O, with W^O stored as (h, d_k, d_model).
        outputs = ops.einsum("bhtk,hkd->btd", heads, self.output_kernel)
        outputs = outputs + self.output_bias  # (batch, T, d_model)
        if return_attention_scores:
            return outputs, weights
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def compute_output_spec(self, inputs, return_attention_scores=False, **kwargs):
        outputs = keras.KerasTensor(inputs.shape, dtype=self.compute_dtype)
        if not return_attention_scores:
            return outputs
        batch, length = inputs.shape[0], inputs.shape[1]
        weights_shape = (batch, self.num_heads, length, length)
        return outputs, keras.KerasTensor(weights_shape, dtype=self.compute_dtype)

    def get_config(self):
        config = {
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
        return {**super().get_config(), **config}
