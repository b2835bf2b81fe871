"""The transformer's sublayers from the lecture's formulas.

Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You
Need", section 3.2.1):

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V

Each query row of `Q` scores every key row of `K` by a dot product, divided
by `√d_k` so that the scores of long vectors do not push the softmax into
its flat, gradient-free tails; the softmax turns a row of scores into
weights that sum to 1, and the output row is that weighted average of the
rows of `V`. A mask sets some weights to exactly 0: the causal mask hides
the keys after the query's position (a decoder must not read the future),
a padding mask hides padding tokens.

Multi-head attention (section 3.2.2) runs `h` such attentions side by side
on learned projections of the input, `head_j = Attention(X W_j^Q, X W_j^K,
X W_j^V)`, and projects their concatenation back to `d_model`:
`MultiHead(X) = Concat(head_1, ..., head_h) W^O`.

The position-wise feed-forward network (section 3.3) is the same two-layer
network applied to every position on its own:
`FFN(x) = max(0, x W_1 + b_1) W_2 + b_2`.

`MultiHeadSelfAttention` computes what `keras.layers.MultiHeadAttention`
computes for `query = value = inputs`, from weights of the same shapes, and
`PositionwiseFeedForward` what the feed-forward sublayer of
`keras_hub.layers.TransformerEncoder` computes; the tests check both.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import keras
import numpy as np
from keras import ops

from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers.neuron import get_activation, serialize_activation


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(
            f"`{name}` must be True or False. Received: {name}={value!r}"
        )
    return bool(value)


def _merge_masks(*masks):
    """Logical AND of the given boolean masks (broadcast); None if none given."""
    merged = None
    for mask in masks:
        if mask is None:
            continue
        mask = ops.cast(mask, "bool")
        merged = mask if merged is None else ops.logical_and(merged, mask)
    return merged


def _large_negative(dtype):
    # A masked score must vanish in the softmax without overflowing the dtype
    # (the numbers `keras.layers.Softmax` uses).
    return -3e4 if keras.backend.standardize_dtype(dtype) == "float16" else -1e9


def scaled_dot_product_attention(
    query, key, value, attention_mask=None, use_causal_mask=False
):
    """`softmax(Q Kᵀ / √d_k) V`, the lecture's attention function.

    Works on the last two axes; any leading axes (batch, heads) are batch
    axes. `d_k` is the size of the query and key vectors. Where the mask is
    `False` the weight is exactly 0; a query row whose keys are all masked
    gets all-zero weights and a zero output (as `keras.layers.Softmax` with
    a mask gives), not a uniform average.

    The arguments come in the formula's order `(Q, K, V)`, like
    `keras.ops.dot_product_attention`; the layers take `(query, value,
    key)` like `keras.layers.MultiHeadAttention`.

    Args:
        query: float tensor `(..., T_q, d_k)`, the queries `Q`.
        key: float tensor `(..., T_k, d_k)`, the keys `K`.
        value: float tensor `(..., T_k, d_v)`, the values `V`.
        attention_mask: optional boolean tensor broadcastable to
            `(..., T_q, T_k)`; `True` where query `t` may attend to key `s`.
        use_causal_mask: bool, whether query `t` only attends to keys
            `s <= t` (lower triangle, aligned at the first position).

    Returns:
        A tuple `(outputs, weights)`: outputs `(..., T_q, d_v)` and the
        attention weights `(..., T_q, T_k)` (each unmasked row sums to 1).

    Example:

    ```python
    q = np.array([[[1.0, 0.0]]])  # (1, 1, 2): one query
    k = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # (1, 2, 2): two keys
    v = np.array([[[10.0], [20.0]]])  # (1, 2, 1)
    out, w = scaled_dot_product_attention(q, k, v)
    # w = softmax([1/√2, 0]) = [[[0.67, 0.33]]], out = [[[13.3]]]
    ```
    """
    use_causal_mask = _check_bool("use_causal_mask", use_causal_mask)
    query = ops.convert_to_tensor(query)
    key = ops.cast(key, query.dtype)
    value = ops.cast(value, query.dtype)
    d_k = ops.cast(ops.shape(query)[-1], query.dtype)
    scores = ops.matmul(query, ops.swapaxes(key, -1, -2)) / ops.sqrt(d_k)
    # scores: (..., T_q, T_k), Q Kᵀ / √d_k
    causal_mask = None
    if use_causal_mask:
        rows = ops.expand_dims(ops.arange(ops.shape(query)[-2]), -1)  # (T_q, 1)
        columns = ops.expand_dims(ops.arange(ops.shape(key)[-2]), 0)  # (1, T_k)
        causal_mask = ops.greater_equal(rows, columns)  # (T_q, T_k): s <= t
    mask = _merge_masks(attention_mask, causal_mask)
    if mask is not None:
        scores = ops.where(mask, scores, _large_negative(scores.dtype))
    weights = ops.softmax(scores, axis=-1)  # (..., T_q, T_k), rows sum to 1
    if mask is not None:
        # Exact zeros, also on rows with no key left (softmax made them uniform).
        weights = ops.where(mask, weights, ops.zeros_like(weights))
    return ops.matmul(weights, value), weights  # (..., T_q, d_v)


@keras.saving.register_keras_serializable(package="keras_embeddings")
class ScaledDotProductAttention(keras.layers.Layer):
    """Scaled dot-product attention, `softmax(Q Kᵀ / √d_k) V`, as a layer.

    The attention of "Attention Is All You Need" (Vaswani et al. 2017,
    section 3.2.1) with no weights of its own: `query` attends to `key`
    (`value` when no key is given) and averages the rows of `value` with the
    softmax weights. Masks combine with a logical AND:

    - `attention_mask`, boolean `(batch, T_q, T_k)`: `True` where query `t`
      may attend to key `s`;
    - `use_causal_mask=True`: query `t` only attends to keys `s <= t`;
    - Keras masks (`Embedding(mask_zero=True)` upstream, or passed as
      `query_mask` / `value_mask` / `key_mask`, `(batch, T)`): masked keys
      get no weight, masked query rows get zero weights and a zero output.

    These are the call arguments of `keras.layers.MultiHeadAttention`, which
    adds learned projections and several heads (see
    `MultiHeadSelfAttention`). As there, `return_attention_scores=True`
    returns the softmax weights.

    Args:
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Call arguments:
        query: `(batch, T_q, d_k)`.
        value: `(batch, T_k, d_v)`.
        key: optional `(batch, T_k, d_k)`; defaults to `value`.
        attention_mask: optional boolean `(batch, T_q, T_k)`.
        use_causal_mask: bool.
        return_attention_scores: bool, whether to also return the weights.

    Input shape:
        `query` `(batch, T_q, d_k)`, `value` `(batch, T_k, d_v)`, `key`
        `(batch, T_k, d_k)` (more leading axes work, with an
        `attention_mask` broadcastable to `(..., T_q, T_k)`).

    Output shape:
        `(batch, T_q, d_v)`, and with `return_attention_scores=True` also
        the weights `(batch, T_q, T_k)`.

    Example:

    ```python
    q = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # (1, 2, 2)
    v = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # (1, 2, 2), also the keys
    out, w = ScaledDotProductAttention()(
        q, v, use_causal_mask=True, return_attention_scores=True
    )
    w  # [[[1.0, 0.0], [0.33, 0.67]]]: the first query only sees the first key
    ```
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] is not None and key_shape[-1] is not None:
            if query_shape[-1] != key_shape[-1]:
                raise InvalidInputError(
                    "`query` and `key` must have vectors of the same size d_k "
                    "(the last axis). Received: query_shape="
                    f"{tuple(query_shape)}, key_shape={tuple(key_shape)}"
                )
        if key_shape[-2] is not None and value_shape[-2] is not None:
            if key_shape[-2] != value_shape[-2]:
                raise InvalidInputError(
                    "`key` and `value` must have the same length T_k (one value "
                    f"per key). Received: key_shape={tuple(key_shape)}, "
                    f"value_shape={tuple(value_shape)}"
                )

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        use_causal_mask=False,
        return_attention_scores=False,
    ):
        key = value if key is None else key
        query = ops.cast(query, self.compute_dtype)
        if key_mask is None:
            key_mask = value_mask  # a key and its value are the same token
        mask = _merge_masks(
            attention_mask,
            None if query_mask is None else ops.expand_dims(query_mask, -1),
            None if key_mask is None else ops.expand_dims(key_mask, -2),
        )  # (batch, T_q, T_k)
        outputs, weights = scaled_dot_product_attention(
            query, key, value, attention_mask=mask, use_causal_mask=use_causal_mask
        )
        if return_attention_scores:
            return outputs, weights
        return outputs

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        return (*query_shape[:-1], value_shape[-1])

    def compute_output_spec(
        self, query, value, key=None, return_attention_scores=False, **kwargs
    ):
        output_shape = self.compute_output_shape(query.shape, value.shape)
        outputs = keras.KerasTensor(output_shape, dtype=self.compute_dtype)
        if not return_attention_scores:
            return outputs
        weights_shape = (*query.shape[:-1], value.shape[-2])
        return outputs, keras.KerasTensor(weights_shape, dtype=self.compute_dtype)


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
    x = np.random.normal(size=(2, 5, 8)).astype("float32")
    attention = MultiHeadSelfAttention(num_heads=2)  # key_dim = 8 // 2 = 4
    y, w = attention(x, use_causal_mask=True, return_attention_scores=True)
    y.shape, w.shape  # (2, 5, 8), (2, 2, 5, 5)
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
        self.num_heads = positive_int("num_heads", num_heads)
        self.key_dim = None if key_dim is None else positive_int("key_dim", key_dim)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def build(self, input_shape):
        d_model = input_shape[-1]
        if d_model is None:
            raise InvalidInputError(
                "The last input dimension (`d_model`) must be known. Received: "
                f"input_shape={input_shape}"
            )
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

    Input shape:
        `(batch, T, d_model)` (or `(..., d_model)`).

    Output shape:
        `(batch, T, d_model)` (or `(..., d_model)`), the input's shape.

    Example:

    ```python
    ffn = PositionwiseFeedForward(intermediate_dim=16)
    ffn(np.ones((2, 5, 8), "float32")).shape  # (2, 5, 8)
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
        self.intermediate_dim = positive_int("intermediate_dim", intermediate_dim)
        self.activation = get_activation(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True  # position by position: the mask carries over
        self.input_spec = keras.layers.InputSpec(min_ndim=2)

    def build(self, input_shape):
        d_model = input_shape[-1]
        if d_model is None:
            raise InvalidInputError(
                "The last input dimension (`d_model`) must be known. Received: "
                f"input_shape={input_shape}"
            )
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
        hidden = ops.matmul(inputs, self.intermediate_kernel) + self.intermediate_bias
        hidden = self.activation(hidden)  # (..., intermediate_dim): max(0, xW_1 + b_1)
        return ops.matmul(hidden, self.output_kernel) + self.output_bias

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
