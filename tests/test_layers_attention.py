import math
import os
import tempfile

import keras
import keras_hub
import numpy as np
import pytest
from helpers import (
    FLOAT64_ON_JAX_ERROR,
    JAX_ONLY,
    float64_without_jax_x64,
    run_layer_test,
    run_precision_test,
)

from keras_embeddings import gradcheck
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers import (
    MultiHeadSelfAttention,
    PositionwiseFeedForward,
    ScaledDotProductAttention,
    scaled_dot_product_attention,
)

RNG = np.random.default_rng(0)


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def normal(*shape):
    return RNG.normal(size=shape).astype("float32")


def numpy_attention(q, k, v, mask=None):
    """softmax(Q Kᵀ / √d_k) V in float64; masked weights 0, empty rows all 0."""
    q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    mask = (
        np.ones(scores.shape, bool)
        if mask is None
        else np.broadcast_to(mask, scores.shape)
    )
    exp = np.where(mask, np.exp(scores - scores.max(-1, keepdims=True)), 0.0)
    total = exp.sum(-1, keepdims=True)
    weights = exp / np.where(total > 0, total, 1.0)
    return weights @ v, weights


def causal(t_q, t_k):
    return np.tril(np.ones((t_q, t_k), bool))  # key s <= query t


def keras_mha(num_heads, key_dim, d_model, seed=0):
    """A built `keras.layers.MultiHeadAttention` with random weights and biases."""
    mha = keras.layers.MultiHeadAttention(
        num_heads,
        key_dim,
        kernel_initializer=keras.initializers.RandomNormal(stddev=0.5, seed=seed),
        bias_initializer=keras.initializers.RandomNormal(stddev=0.5, seed=seed + 1),
    )
    x = np.zeros((1, 3, d_model), "float32")
    mha(x, x)
    # A seeded initializer gives every kernel the same values: redraw them.
    rng = np.random.default_rng(seed)
    mha.set_weights([rng.normal(0, 0.5, w.shape) for w in mha.get_weights()])
    return mha


def numpy_multi_head(x, weights, num_heads, mask=None):
    """Concat(head_1, ..., head_h) W^O with one loop over the heads."""
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    heads = []
    for j in range(num_heads):
        q = x @ wq[:, j, :] + bq[j]  # (batch, T, key_dim)
        k = x @ wk[:, j, :] + bk[j]
        v = x @ wv[:, j, :] + bv[j]
        heads.append(numpy_attention(q, k, v, mask)[0])
    concat = np.concatenate(heads, axis=-1)  # (batch, T, h * key_dim)
    return concat @ wo.reshape(-1, wo.shape[-1]) + bo


# ---------------------------------------------------------------------------
# scaled_dot_product_attention / ScaledDotProductAttention


def test_attention_by_hand():
    q = np.array([[[1.0, 0.0]]])  # one query, d_k = 2
    k = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    v = np.array([[[10.0], [20.0]]])
    out, w = scaled_dot_product_attention(q, k, v)
    # Scores q·k / √2 = [1/√2, 0]; weights their softmax.
    w0 = math.exp(1 / math.sqrt(2)) / (math.exp(1 / math.sqrt(2)) + 1)
    np.testing.assert_allclose(to_numpy(w), [[[w0, 1 - w0]]], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(out), [[[10 * w0 + 20 * (1 - w0)]]], rtol=1e-6)


@pytest.mark.parametrize("use_causal_mask", [False, True])
def test_attention_matches_numpy_formula(use_causal_mask):
    q, k, v = normal(2, 4, 6), normal(2, 5, 6), normal(2, 5, 3)  # T_q=4, T_k=5
    mask = RNG.random((2, 4, 5)) > 0.3
    mask[1, 2] = False  # a query row with no key to attend to
    expected_mask = mask & causal(4, 5) if use_causal_mask else mask
    out, w = scaled_dot_product_attention(
        q, k, v, attention_mask=mask, use_causal_mask=use_causal_mask
    )
    expected_out, expected_w = numpy_attention(q, k, v, expected_mask)
    np.testing.assert_allclose(to_numpy(w), expected_w, atol=1e-6)
    np.testing.assert_allclose(to_numpy(out), expected_out, atol=1e-5)


def test_weights_rows_sum_to_one_and_masked_weights_are_zero():
    q, k, v = normal(3, 6, 4), normal(3, 6, 4), normal(3, 6, 2)
    padding = np.array(
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0]], bool
    )
    mask = padding[:, None, :]  # (batch, 1, T_k): no query may see a padding key
    out, w = scaled_dot_product_attention(q, k, v, mask, use_causal_mask=True)
    out, w = to_numpy(out), to_numpy(w)
    allowed = np.broadcast_to(mask & causal(6, 6), w.shape)
    assert np.all(w[~allowed] == 0.0)  # exactly zero, not just small
    row_sums = w.sum(-1)
    has_key = allowed.any(-1)
    np.testing.assert_allclose(row_sums[has_key], 1.0, rtol=1e-6)
    assert np.all(row_sums[~has_key] == 0.0) and np.all(out[2] == 0.0)  # no key: 0
    assert np.all(np.triu(w[0], k=1) == 0.0)  # causal: nothing above the diagonal


@pytest.mark.parametrize("use_causal_mask", [False, True])
def test_attention_matches_keras_ops_dot_product_attention(use_causal_mask):
    q, k, v = normal(2, 5, 3, 4), normal(2, 5, 3, 4), normal(2, 5, 3, 4)  # (B, T, N, H)
    mask = np.ones((2, 3, 5, 5), bool)
    mask[0, :, :, 3:] = False  # padding keys in the first sequence
    expected = keras.ops.dot_product_attention(
        q, k, v, mask=mask, is_causal=use_causal_mask
    )  # (B, T, N, H)

    def heads_first(a):
        return np.transpose(a, (0, 2, 1, 3))  # (B, N, T, H)

    out, _ = scaled_dot_product_attention(
        heads_first(q), heads_first(k), heads_first(v), mask, use_causal_mask
    )
    np.testing.assert_allclose(
        heads_first(to_numpy(out)), to_numpy(expected), atol=1e-5
    )


def test_layer_with_keras_masks_and_separate_key():
    q, v, k = normal(2, 3, 4), normal(2, 5, 2), normal(2, 5, 4)
    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    layer = ScaledDotProductAttention()
    out, w = layer(
        q,
        v,
        key=k,
        query_mask=query_mask,
        value_mask=value_mask,
        return_attention_scores=True,
    )
    mask = query_mask[:, :, None] & value_mask[:, None, :]
    expected_out, expected_w = numpy_attention(q, k, v, mask)
    np.testing.assert_allclose(to_numpy(w), expected_w, atol=1e-6)
    np.testing.assert_allclose(to_numpy(out), expected_out, atol=1e-5)
    assert np.all(to_numpy(out)[0, 2] == 0.0)  # a padding query gets zeros


def test_layer_takes_the_mask_of_an_embedding():
    ids = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 0, 0]])
    inputs = keras.Input(shape=(5,), dtype="int32")
    x = keras.layers.Embedding(10, 4, mask_zero=True)(inputs)
    out, w = ScaledDotProductAttention()(x, x, return_attention_scores=True)
    model = keras.Model(inputs, [out, w, x])
    out, w, x = model.predict(ids, verbose=0)
    real = ids != 0
    expected_out, expected_w = numpy_attention(
        x, x, x, real[:, :, None] & real[:, None]
    )
    np.testing.assert_allclose(w, expected_w, atol=1e-6)
    np.testing.assert_allclose(out, expected_out, atol=1e-5)
    assert np.all(w[1, :, 3:] == 0.0)


def test_layer_symbolic_shapes_config_and_saving():
    query = keras.Input(shape=(3, 4))
    value = keras.Input(shape=(5, 2))
    key = keras.Input(shape=(5, 4))
    layer = ScaledDotProductAttention(name="sdpa")
    out, w = layer(
        query, value, key=key, use_causal_mask=True, return_attention_scores=True
    )
    assert tuple(out.shape) == (None, 3, 2) and tuple(w.shape) == (None, 3, 5)
    assert tuple(layer(query, value).shape) == (None, 3, 2)
    revived = ScaledDotProductAttention.from_config(layer.get_config())
    assert revived.get_config() == layer.get_config()

    model = keras.Model([query, value, key], [out, w])
    data = [normal(2, 3, 4), normal(2, 5, 2), normal(2, 5, 4)]
    expected = model.predict(data, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    for got, want in zip(loaded.predict(data, verbose=0), expected):
        np.testing.assert_allclose(got, want, atol=1e-6)
    np.testing.assert_allclose(
        expected[1],
        numpy_attention(data[0], data[2], data[1], causal(3, 5))[1],
        atol=1e-6,
    )


def test_layer_shape_errors():
    with pytest.raises(InvalidInputError, match=r"`query` and `key`.*\(2, 3, 4\)"):
        ScaledDotProductAttention()(
            normal(2, 3, 4), normal(2, 5, 2), key=normal(2, 5, 3)
        )
    with pytest.raises(InvalidInputError, match=r"`key` and `value`.*\(2, 6, 4\)"):
        ScaledDotProductAttention()(
            normal(2, 3, 4), normal(2, 5, 2), key=normal(2, 6, 4)
        )
    with pytest.raises(InvalidInputError, match="use_causal_mask='yes'"):
        scaled_dot_product_attention(
            normal(1, 2, 2), normal(1, 2, 2), normal(1, 2, 2), use_causal_mask="yes"
        )


# ---------------------------------------------------------------------------
# MultiHeadSelfAttention


@pytest.mark.parametrize("use_causal_mask", [False, True])
@pytest.mark.parametrize("num_heads,key_dim", [(1, None), (2, None), (4, None), (3, 5)])
def test_equals_keras_multi_head_attention(num_heads, key_dim, use_causal_mask):
    d_model = 8
    head_size = key_dim or d_model // num_heads
    mha = keras_mha(num_heads, head_size, d_model)
    ours = MultiHeadSelfAttention(num_heads, key_dim=key_dim)
    x = normal(2, 6, d_model)
    ours(x)
    ours.set_weights(mha.get_weights())

    out, w = ours(x, use_causal_mask=use_causal_mask, return_attention_scores=True)
    keras_out = mha(x, x, use_causal_mask=use_causal_mask)  # fused kernel path
    keras_out2, keras_w = mha(
        x, x, use_causal_mask=use_causal_mask, return_attention_scores=True
    )
    np.testing.assert_allclose(to_numpy(out), to_numpy(keras_out), atol=1e-5)
    np.testing.assert_allclose(to_numpy(out), to_numpy(keras_out2), atol=1e-5)
    np.testing.assert_allclose(to_numpy(w), to_numpy(keras_w), atol=1e-6)
    assert to_numpy(w).shape == (2, num_heads, 6, 6)

    mask = causal(6, 6) if use_causal_mask else None
    expected = numpy_multi_head(x, mha.get_weights(), num_heads, mask)
    np.testing.assert_allclose(to_numpy(out), expected, atol=1e-4)


def test_padding_mask_equals_keras_multi_head_attention():
    num_heads, d_model = 2, 8
    mha = keras_mha(num_heads, 4, d_model, seed=3)
    ours = MultiHeadSelfAttention(num_heads)
    x = normal(3, 5, d_model)
    ours(x)
    ours.set_weights(mha.get_weights())
    real = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], bool)

    # Padding keys only (what keras-hub's transformer blocks pass): every
    # query still has a key, and both Keras paths agree with ours.
    key_mask = np.broadcast_to(real[:, None, :], (3, 5, 5))
    for causal_flag in (False, True):
        out, w = ours(
            x,
            attention_mask=key_mask,
            use_causal_mask=causal_flag,
            return_attention_scores=True,
        )
        kwargs = {"attention_mask": key_mask, "use_causal_mask": causal_flag}
        keras_out, keras_w = mha(x, x, return_attention_scores=True, **kwargs)
        np.testing.assert_allclose(
            to_numpy(out), to_numpy(mha(x, x, **kwargs)), atol=1e-5
        )
        np.testing.assert_allclose(to_numpy(out), to_numpy(keras_out), atol=1e-5)
        np.testing.assert_allclose(to_numpy(w), to_numpy(keras_w), atol=1e-6)
        assert np.all(to_numpy(w)[1, :, :, 3:] == 0.0)
        mask = key_mask & causal(5, 5) if causal_flag else key_mask
        expected = numpy_multi_head(x, mha.get_weights(), num_heads, mask)
        np.testing.assert_allclose(to_numpy(out), expected, atol=1e-4)

    # Padding queries too: a padding row has no key left. Keras' scores path
    # gives it zero weights (output = output bias), like ours; its fused path
    # gives uniform weights there, so compare that one on real rows only.
    full_mask = real[:, :, None] & real[:, None, :]
    out = to_numpy(ours(x, attention_mask=full_mask))
    keras_out, _ = mha(x, x, attention_mask=full_mask, return_attention_scores=True)
    np.testing.assert_allclose(out, to_numpy(keras_out), atol=1e-5)
    fused = to_numpy(mha(x, x, attention_mask=full_mask))
    np.testing.assert_allclose(out[real], fused[real], atol=1e-5)
    np.testing.assert_allclose(
        out[~real], np.broadcast_to(mha.get_weights()[7], out[~real].shape), atol=1e-6
    )


def test_keras_mask_from_embedding_equals_keras_multi_head_attention():
    num_heads, d_model = 2, 8
    mha = keras_mha(num_heads, 4, d_model, seed=5)
    ours = MultiHeadSelfAttention(num_heads)
    embedding = keras.layers.Embedding(10, d_model, mask_zero=True)
    inputs = keras.Input(shape=(5,), dtype="int32")
    x = embedding(inputs)
    ours_model = keras.Model(inputs, ours(x, return_attention_scores=True))
    ours.set_weights(mha.get_weights())
    # A separate model: Keras' MultiHeadAttention removes the mask from the
    # tensor it reads, so a layer sharing that input tensor would lose it.
    x = embedding(inputs)
    keras_model = keras.Model(inputs, mha(x, x, return_attention_scores=True))
    ids = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 0, 0]])
    ours_out, ours_w = ours_model.predict(ids, verbose=0)
    keras_out, keras_w = keras_model.predict(ids, verbose=0)
    np.testing.assert_allclose(ours_out, keras_out, atol=1e-5)
    np.testing.assert_allclose(ours_w, keras_w, atol=1e-6)
    assert np.all(ours_w[1, :, :, 3:] == 0.0) and np.all(ours_w[1, :, 3:] == 0.0)
    assert np.all(ours_w[0] > 0.0)
    masked = ours(embedding(ids))  # eager: the output keeps the input's mask
    np.testing.assert_array_equal(to_numpy(masked._keras_mask), ids != 0)


def test_multi_head_self_attention_layer_contract():
    run_layer_test(
        MultiHeadSelfAttention,
        {"num_heads": 2, "kernel_initializer": "random_normal"},
        normal(2, 5, 8),
        expected_output_shape=(2, 5, 8),
        expected_num_trainable_weights=8,
        expected_num_non_trainable_weights=0,
        atol=1e-5,
    )


def test_symbolic_attention_scores_shape():
    x = keras.Input(shape=(7, 8))
    out, w = MultiHeadSelfAttention(4)(
        x, use_causal_mask=True, return_attention_scores=True
    )
    assert tuple(out.shape) == (None, 7, 8) and tuple(w.shape) == (None, 4, 7, 7)


def test_multi_head_self_attention_errors():
    with pytest.raises(InvalidInputError, match="num_heads=0"):
        MultiHeadSelfAttention(0)
    with pytest.raises(InvalidInputError, match="key_dim=2.0"):
        MultiHeadSelfAttention(2, key_dim=2.0)
    with pytest.raises(
        InvalidInputError, match=r"`num_heads` must divide d_model=8.*=3"
    ):
        MultiHeadSelfAttention(3)(normal(1, 2, 8))
    with pytest.raises(InvalidInputError, match=r"attention_mask.shape=\(2, 2\)"):
        MultiHeadSelfAttention(2)(normal(1, 2, 8), attention_mask=np.ones((2, 2), bool))


# ---------------------------------------------------------------------------
# PositionwiseFeedForward


def test_feed_forward_matches_numpy_formula():
    ffn = PositionwiseFeedForward(intermediate_dim=6)
    x = normal(2, 4, 3)
    ffn(x)
    w1, b1, w2, b2 = normal(3, 6), normal(6), normal(6, 3), normal(3)
    ffn.intermediate_kernel.assign(w1)
    ffn.intermediate_bias.assign(b1)
    ffn.output_kernel.assign(w2)
    ffn.output_bias.assign(b2)
    expected = np.maximum(0.0, x @ w1 + b1) @ w2 + b2  # FFN(x)
    out = to_numpy(ffn(x))
    np.testing.assert_allclose(out, expected, atol=1e-5)
    # Position-wise: each position alone gives the same vector.
    for t in range(4):
        np.testing.assert_allclose(
            to_numpy(ffn(x[:, t : t + 1])), out[:, t : t + 1], atol=1e-6
        )


def test_feed_forward_layer_contract():
    layer = run_layer_test(
        PositionwiseFeedForward,
        {"intermediate_dim": 16, "activation": "gelu"},
        normal(2, 5, 8),
        expected_output_shape=(2, 5, 8),
        expected_num_trainable_weights=4,
        expected_num_non_trainable_weights=0,
        atol=1e-5,
    )
    assert layer.get_config()["activation"] == "gelu"


@pytest.mark.parametrize("use_padding_mask", [False, True])
def test_blocks_rebuild_keras_hub_transformer_encoder(use_padding_mask):
    # TransformerEncoder (post-norm, as in the paper):
    #   h = LayerNorm(x + MultiHead(x)),  y = LayerNorm(h + FFN(h)).
    d_model, num_heads = 8, 2
    encoder = keras_hub.layers.TransformerEncoder(
        intermediate_dim=16, num_heads=num_heads, bias_initializer="random_normal"
    )
    x = normal(2, 5, d_model)
    encoder(x)
    weights = {w.path.split("/", 1)[1]: w.numpy() for w in encoder.weights}
    attention = MultiHeadSelfAttention(num_heads)
    ffn = PositionwiseFeedForward(16)
    norm1, norm2 = (keras.layers.LayerNormalization(epsilon=1e-5) for _ in range(2))
    attention(x), ffn(x), norm1(x), norm2(x)
    attention.set_weights(
        [w.numpy() for w in encoder.weights if "self_attention_layer/" in w.path]
    )
    ffn.set_weights(
        [
            weights["feedforward_intermediate_dense/kernel"],
            weights["feedforward_intermediate_dense/bias"],
            weights["feedforward_output_dense/kernel"],
            weights["feedforward_output_dense/bias"],
        ]
    )
    norm1.set_weights(
        [
            weights["self_attention_layer_norm/gamma"],
            weights["self_attention_layer_norm/beta"],
        ]
    )
    norm2.set_weights(
        [
            weights["feedforward_layer_norm/gamma"],
            weights["feedforward_layer_norm/beta"],
        ]
    )

    padding_mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], bool)
    if use_padding_mask:
        expected = encoder(x, padding_mask=padding_mask)
        mask = np.broadcast_to(padding_mask[:, None, :], (2, 5, 5))  # padding keys
    else:
        expected, mask = encoder(x), None
    # keras.ops.add: `x` is a NumPy array and the attention output a backend
    # tensor (NumPy's `+` cannot take a PyTorch tensor that requires grad).
    h = norm1(keras.ops.add(x, attention(x, attention_mask=mask)))
    y = norm2(h + ffn(h))
    np.testing.assert_allclose(to_numpy(y), to_numpy(expected), atol=1e-5)


def test_feed_forward_errors():
    with pytest.raises(InvalidInputError, match="intermediate_dim=0"):
        PositionwiseFeedForward(0)
    with pytest.raises(InvalidInputError, match="activation='nope'"):
        PositionwiseFeedForward(4, activation="nope")


# ---------------------------------------------------------------------------
# Precision policies: float32 weights and float16 maths, or float64 throughout

TOLERANCE = {"mixed_float16": 1e-2, "float64": 1e-12}


@pytest.mark.parametrize("policy", ["mixed_float16", "float64"])
def test_scaled_dot_product_attention_precision_policies(policy):
    q, v, k = (
        RNG.normal(size=(2, 3, 4)),
        RNG.normal(size=(2, 5, 2)),
        RNG.normal(size=(2, 5, 4)),
    )
    mask = RNG.random((2, 3, 5)) > 0.3
    mask[1, 2] = False  # a query with no key left
    output, _ = run_precision_test(
        ScaledDotProductAttention,
        {},
        (q, v, k),
        policy,
        call_kwargs={"attention_mask": mask, "use_causal_mask": True},
        run_training_check=False,  # no weights
    )
    expected, _ = numpy_attention(q, k, v, mask & causal(3, 5))
    np.testing.assert_allclose(output, expected, atol=TOLERANCE[policy])


@pytest.mark.parametrize("policy", ["mixed_float16", "float64"])
def test_multi_head_self_attention_precision_policies(policy):
    x = RNG.normal(size=(2, 5, 8))
    mask = np.broadcast_to(
        np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], bool)[:, None], (2, 5, 5)
    )
    output, weights = run_precision_test(
        MultiHeadSelfAttention,
        {"num_heads": 2, "bias_initializer": "random_normal"},
        x,
        policy,
        call_kwargs={"attention_mask": mask, "use_causal_mask": True},
    )
    expected = numpy_multi_head(x, weights, 2, mask & causal(5, 5))
    np.testing.assert_allclose(output, expected, atol=TOLERANCE[policy])


@pytest.mark.parametrize("policy", ["mixed_float16", "float64"])
def test_feed_forward_precision_policies(policy):
    x = RNG.normal(size=(2, 4, 3))
    output, (w1, b1, w2, b2) = run_precision_test(
        PositionwiseFeedForward,
        {"intermediate_dim": 6, "bias_initializer": "random_normal"},
        x,
        policy,
    )
    expected = np.maximum(0.0, x @ w1 + b1) @ w2 + b2
    np.testing.assert_allclose(output, expected, atol=TOLERANCE[policy])


def test_float16_masks_give_zeros_and_finite_gradients():
    # float16 ends at 65504: a masked score becomes -3e4, not -1e9 (= -inf
    # there). Masked weights are exact zeros, a query with no key left gets a
    # zero output (not the NaN softmax of a row of -inf) and a finite gradient.
    q, k, v = (RNG.normal(size=(2, 4, 3)).astype("float16") for _ in range(3))
    mask = np.ones((2, 4, 4), bool)
    mask[0, 1] = False  # no key for query 1 of the first sequence
    mask[1, :, 2] = False  # key 2 of the second sequence is padding
    out, w = scaled_dot_product_attention(q, k, v, attention_mask=mask)
    out, w = to_numpy(out), to_numpy(w)
    assert out.dtype == w.dtype == np.float16
    assert np.all(w[~mask] == 0.0) and np.all(out[0, 1] == 0.0)
    expected_out, expected_w = numpy_attention(q, k, v, mask)
    np.testing.assert_allclose(w, expected_w, atol=5e-3)
    np.testing.assert_allclose(out, expected_out, atol=1e-2)

    def loss(query):
        outputs, _ = scaled_dot_product_attention(query, k, v, attention_mask=mask)
        return keras.ops.sum(keras.ops.cast(outputs, "float32"))

    (gradient,) = gradcheck.gradients(loss, [q])
    assert gradient.dtype == np.float16 and np.all(np.isfinite(gradient))
    assert np.all(gradient[0, 1] == 0.0)  # the query with no key changes nothing


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
@pytest.mark.parametrize(
    "layer_cls,args",
    [
        (ScaledDotProductAttention, ()),
        (MultiHeadSelfAttention, (2,)),
        (PositionwiseFeedForward, (4,)),
    ],
)
def test_float64_needs_jax_64_bit_mode(layer_cls, args):
    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            layer_cls(*args, dtype="float64")
        layer_cls(*args, dtype="float32")  # float32: fine


def test_old_import_paths_still_work():
    # The module held all four before it was split by idea; saved `.keras`
    # files name it as the module of PositionwiseFeedForward.
    from keras_embeddings import layers
    from keras_embeddings.layers import attention, neuron

    for name in attention.__all__:
        assert getattr(attention, name) is getattr(layers, name)
    for name in ("get_activation", "hard_threshold", "serialize_activation"):
        assert getattr(neuron, name) is getattr(layers, name)
