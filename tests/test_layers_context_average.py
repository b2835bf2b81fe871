import os
import tempfile

import keras
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
from keras_embeddings.layers import ContextAverage

RNG = np.random.default_rng(0)
VECTORS = RNG.normal(size=(3, 4, 2)).astype("float32")  # (batch, 2C, D)


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_context_average_layer_contract():
    run_layer_test(
        ContextAverage,
        {},
        VECTORS,
        expected_output_shape=(3, 2),
        expected_output_data=VECTORS.mean(axis=1),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        run_training_check=False,  # no weights to train
    )


def test_context_average_by_hand():
    vectors = np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]], "float32")
    # Without a mask: ((1 + 3 + 9) / 3, (2 + 4 + 9) / 3).
    np.testing.assert_allclose(
        to_numpy(ContextAverage()(vectors)), [[13 / 3, 5.0]], rtol=1e-6
    )
    # The third position is padding: (1 + 3) / 2, (2 + 4) / 2.
    mask = np.array([[True, True, False]])
    np.testing.assert_allclose(
        to_numpy(ContextAverage()(vectors, mask=mask)), [[2.0, 3.0]], rtol=1e-6
    )


def test_all_padding_row_gives_zeros_not_nan():
    vectors = np.array(
        [[[1.0, 2.0], [3.0, 4.0]], [[5.0, -6.0], [7.0, 8.0]]], "float32"
    )  # (2, 2, 2)
    mask = np.array([[False, False], [True, False]])
    out = to_numpy(ContextAverage()(vectors, mask=mask))
    np.testing.assert_array_equal(out, [[0.0, 0.0], [5.0, -6.0]])


def test_gradient_skips_padding_and_has_no_nan():
    vectors = np.arange(12, dtype="float32").reshape(2, 3, 2)
    mask = np.array([[True, False, True], [False, False, False]])
    layer = ContextAverage()
    (grad,) = gradcheck.gradients(
        lambda v: keras.ops.sum(layer(v, mask=mask)), [vectors]
    )
    # d mean / d v_p = 1 / (real words) at real positions, 0 at padding.
    expected = np.zeros((2, 3, 2), "float32")
    expected[0, [0, 2]] = 0.5
    np.testing.assert_array_equal(grad, expected)


def test_mask_from_embedding_mask_zero_and_save_load():
    # A functional model: Embedding(mask_zero=True) hands its mask on.
    ids = keras.Input(shape=(4,), dtype="int32")
    embedding = keras.layers.Embedding(6, 3, mask_zero=True)
    model = keras.Model(ids, ContextAverage()(embedding(ids)))
    x = np.array([[1, 2, 0, 0], [3, 4, 5, 5], [0, 0, 0, 0]])
    table = to_numpy(embedding.embeddings)
    expected = np.stack(
        [table[[1, 2]].mean(0), table[[3, 4, 5, 5]].mean(0), np.zeros(3)]
    )
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    assert ContextAverage().compute_mask(x, x != 0) is None
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), out, rtol=1e-6)


def test_average_of_embeddings_equals_w1_times_mean_one_hot(float64):
    # The CBOW notebook's W1 x̄: the mean of one-hot vectors times W1.
    V, N = 5, 3
    W1 = RNG.normal(size=(N, V))
    ids = np.array([[3, 0, 1, 3], [0, 2, 3, 0]])  # "i am because i", "am happy i am"
    x_bar = np.eye(V)[ids].mean(axis=1)  # (2, V): [0.25, 0.25, 0, 0.5, 0], ...
    np.testing.assert_allclose(x_bar[0], [0.25, 0.25, 0.0, 0.5, 0.0])
    out = to_numpy(ContextAverage(dtype="float64")(W1.T[ids]))
    np.testing.assert_allclose(out, (W1 @ x_bar.T).T, rtol=1e-12)


def test_float64_mean_keeps_float64_precision(float64):
    # Not keras.ops.mean, which on JAX and PyTorch averages float64 in float32.
    vectors = np.random.default_rng(1).normal(size=(4, 6, 3))
    out = to_numpy(ContextAverage()(vectors))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, vectors.mean(axis=1), rtol=1e-13, atol=1e-15)
    mask = np.array([[1, 1, 0, 1, 0, 1]] * 4, bool)
    out = to_numpy(ContextAverage()(vectors, mask=mask))
    expected = vectors[:, mask[0]].mean(axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("policy,rtol", [("mixed_float16", 2e-3), ("float64", 1e-13)])
def test_precision_policies(policy, rtol):
    vectors = RNG.normal(size=(3, 4, 2)) + 3.0  # away from 0: a relative test
    output, _ = run_precision_test(
        ContextAverage, {}, vectors, policy, run_training_check=False
    )
    np.testing.assert_allclose(output, vectors.mean(axis=1), rtol=rtol)


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
def test_float64_needs_jax_64_bit_mode():
    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            ContextAverage()
        with pytest.raises(InvalidInputError, match="ContextAverage uses float64"):
            ContextAverage(dtype="float64")
        ContextAverage(dtype="float32")  # float32: fine
