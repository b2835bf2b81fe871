"""Scaled dot-product attention, the lecture's `softmax(Q Kᵀ / √d_k) V`.

Vaswani et al. 2017, "Attention Is All You Need", section 3.2.1:

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V

Each query row of `Q` scores every key row of `K` by a dot product, divided
by `√d_k` so that the scores of long vectors do not push the softmax into
its flat, gradient-free tails; the softmax turns a row of scores into
weights that sum to 1, and the output row is that weighted average of the
rows of `V`. A mask sets some weights to exactly 0: the causal mask hides
the keys after the query's position (a decoder must not read the future),
a padding mask hides padding tokens.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import keras
from keras import ops

from keras_embeddings._precision import check_float64_supported
from keras_embeddings._validation import boolean
from keras_embeddings.errors import InvalidInputError

__all__ = ["ScaledDotProductAttention", "scaled_dot_product_attention"]


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
    # A masked score must vanish in the softmax without overflowing the dtype:
    # float16 ends at 65504 (the numbers `keras.layers.Softmax` uses).
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
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import scaled_dot_product_attention
    >>> q = np.array([[[1.0, 0.0]]])  # (1, 1, 2): one query
    >>> k = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # (1, 2, 2): two keys
    >>> v = np.array([[[10.0], [20.0]]])  # (1, 2, 1)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> keras.ops.convert_to_numpy(w).round(2).tolist()  # softmax([1/√2, 0])
    [[[0.67, 0.33]]]
    >>> keras.ops.convert_to_numpy(out).round(1).tolist()  # 0.67 * 10 + 0.33 * 20
    [[[13.3]]]
    ```
    """
    use_causal_mask = boolean("use_causal_mask", use_causal_mask)
    query = ops.convert_to_tensor(query)
    key = ops.cast(key, query.dtype)
    value = ops.cast(value, query.dtype)
    d_k = ops.cast(ops.shape(query)[-1], query.dtype)
    # einsum, not ops.matmul: that multiplies float64 in float32 on PyTorch.
    scores = ops.einsum("...qd,...kd->...qk", query, key) / ops.sqrt(d_k)
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
    outputs = ops.einsum("...qk,...kv->...qv", weights, value)  # (..., T_q, d_v)
    return outputs, weights


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
            `dtype="mixed_float16"` computes in float16; a float64 `dtype`
            on JAX needs JAX's 64-bit mode (otherwise `InvalidInputError`).

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
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import ScaledDotProductAttention
    >>> q = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # (1, 2, 2)
    >>> v = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # (1, 2, 2), also the keys
    >>> out, w = ScaledDotProductAttention()(
    ...     q, v, use_causal_mask=True, return_attention_scores=True
    ... )
    >>> keras.ops.convert_to_numpy(w).round(2).tolist()  # query 1 sees key 1 only
    [[[1.0, 0.0], [0.33, 0.67]]]
    ```
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        check_float64_supported(self.dtype_policy, "ScaledDotProductAttention")
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
