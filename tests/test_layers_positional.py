import math

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

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers import SinusoidalPositionEncoding, sinusoidal_encoding


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def lecture_encoding(sequence_length, d_model, max_wavelength=10000):
    """The lecture's formula, one entry at a time (float64)."""
    pe = np.zeros((sequence_length, d_model))
    for pos in range(sequence_length):
        for i in range((d_model + 1) // 2):
            angle = pos / max_wavelength ** (2 * i / d_model)
            pe[pos, 2 * i] = math.sin(angle)  # PE(pos, 2i)
            if 2 * i + 1 < d_model:
                pe[pos, 2 * i + 1] = math.cos(angle)  # PE(pos, 2i + 1)
    return pe


@pytest.mark.parametrize("d_model", [8, 7])
def test_sinusoidal_encoding_is_the_lecture_formula(d_model):
    pe = to_numpy(sinusoidal_encoding(20, d_model))
    assert pe.shape == (20, d_model) and pe.dtype == np.float32
    np.testing.assert_allclose(pe, lecture_encoding(20, d_model), atol=2e-6)
    # By hand: position 1, d_model = 4 -> sin(1), cos(1), sin(1/100), cos(1/100).
    np.testing.assert_allclose(
        to_numpy(sinusoidal_encoding(2, 4))[1],
        [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)],
        rtol=1e-6,
    )


def test_max_wavelength_is_the_base_of_the_formula():
    pe = to_numpy(sinusoidal_encoding(10, 6, max_wavelength=100))
    np.testing.assert_allclose(pe, lecture_encoding(10, 6, 100), atol=2e-6)
    assert not np.allclose(pe, lecture_encoding(10, 6))


@pytest.mark.parametrize("d_model,max_wavelength", [(6, 10000), (7, 10000), (8, 50)])
def test_equals_keras_hub_sine_position_encoding(d_model, max_wavelength):
    # keras-hub interleaves like the lecture: even columns sine, odd cosine,
    # column pair (2i, 2i + 1) sharing the frequency 1 / 10000^(2i / d_model).
    embeddings = np.random.default_rng(0).normal(size=(2, 50, d_model))
    embeddings = embeddings.astype("float32")
    ours = to_numpy(SinusoidalPositionEncoding(max_wavelength)(embeddings))
    hub = to_numpy(keras_hub.layers.SinePositionEncoding(max_wavelength)(embeddings))
    assert ours.shape == hub.shape == (2, 50, d_model)
    np.testing.assert_allclose(ours, hub, atol=1e-5)
    np.testing.assert_allclose(
        ours[1], lecture_encoding(50, d_model, max_wavelength), atol=1e-5
    )


def test_concatenated_layout_is_a_column_permutation():
    # The layout of the TensorFlow transformer tutorial: all sines, then all
    # cosines, over the same frequencies 1 / 10000^(i / (d_model / 2)).
    length, d_model = 12, 8
    angles = np.arange(length)[:, None] / 10000 ** (
        np.arange(d_model // 2)[None, :] / (d_model / 2)
    )
    concatenated = np.concatenate([np.sin(angles), np.cos(angles)], axis=-1)
    ours = to_numpy(sinusoidal_encoding(length, d_model))
    permutation = [*range(0, d_model, 2), *range(1, d_model, 2)]  # 2i -> i, ...
    np.testing.assert_allclose(ours[:, permutation], concatenated, atol=2e-6)
    assert not np.allclose(ours, concatenated, atol=1e-2)


def test_layer_contract():
    inputs = np.random.default_rng(1).normal(size=(2, 5, 6)).astype("float32")
    run_layer_test(
        SinusoidalPositionEncoding,
        {"max_wavelength": 1000},
        inputs,
        expected_output_shape=(2, 5, 6),
        expected_output_data=np.broadcast_to(lecture_encoding(5, 6, 1000), (2, 5, 6)),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        run_training_check=False,  # no weights to train
        atol=2e-6,
    )


def test_unknown_sequence_length_and_adding_to_embeddings():
    ids = keras.Input(shape=(None,), dtype="int32")
    embeddings = keras.layers.Embedding(10, 4, embeddings_initializer="zeros")(ids)
    model = keras.Model(ids, embeddings + SinusoidalPositionEncoding()(embeddings))
    for length in (3, 7):
        out = model.predict(np.ones((2, length), "int32"), verbose=0)
        np.testing.assert_allclose(out[0], lecture_encoding(length, 4), atol=2e-6)


# On JAX, Keras' ops.sin and ops.cos compute float64 in float32 (its type
# promotion maps float64 to float32 off TensorFlow, even in 64-bit mode).
FLOAT64_SINE_ATOL = 1e-6 if keras.backend.backend() == "jax" else 1e-13


@pytest.mark.parametrize(
    "policy,atol", [("mixed_float16", 1e-3), ("float64", FLOAT64_SINE_ATOL)]
)
def test_precision_policies(policy, atol):
    # float64 computes the angles in float64: float32 would be off by ~1e-7.
    output, _ = run_precision_test(
        SinusoidalPositionEncoding,
        {},
        np.zeros((2, 30, 8)),
        policy,
        run_training_check=False,  # no weights
    )
    np.testing.assert_allclose(output[1], lecture_encoding(30, 8), atol=atol)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"sequence_length": 0, "embedding_dim": 4}, r"sequence_length=0"),
        ({"sequence_length": 3, "embedding_dim": 2.5}, r"embedding_dim=2.5"),
        ({"sequence_length": True, "embedding_dim": 4}, r"sequence_length=True"),
        (
            {"sequence_length": 3, "embedding_dim": 4, "max_wavelength": 1},
            r"`max_wavelength`.*max_wavelength=1",
        ),
        (
            {"sequence_length": 3, "embedding_dim": 4, "max_wavelength": "10000"},
            "max_wavelength='10000'",
        ),
        ({"sequence_length": 3}, r"`embedding_dim`.*embedding_dim=None"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        sinusoidal_encoding(**kwargs)


def test_d_model_is_the_old_name_of_embedding_dim():
    with pytest.warns(DeprecationWarning, match=r"d_model=.*embedding_dim="):
        pe = sinusoidal_encoding(5, d_model=6)
    np.testing.assert_array_equal(to_numpy(pe), to_numpy(sinusoidal_encoding(5, 6)))
    assert to_numpy(pe).shape == (5, 6)  # the old value is used
    with pytest.raises(InvalidInputError, match="both `d_model`"):
        sinusoidal_encoding(5, embedding_dim=4, d_model=6)
    with pytest.raises(TypeError, match="unexpected keyword argument 'width'"):
        sinusoidal_encoding(5, 4, width=2)


def test_invalid_layer_arguments():
    with pytest.raises(InvalidInputError, match="max_wavelength=nan"):
        SinusoidalPositionEncoding(max_wavelength=float("nan"))
    with pytest.raises(ValueError, match="ndim=3"):
        SinusoidalPositionEncoding()(np.zeros((2, 4), "float32"))


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
def test_float64_needs_jax_64_bit_mode():
    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            SinusoidalPositionEncoding(dtype="float64")
        SinusoidalPositionEncoding(dtype="float32")  # float32: fine
