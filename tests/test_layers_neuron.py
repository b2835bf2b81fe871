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

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers import Neuron, NeuronLayer, hard_threshold

RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 3)).astype("float32")


def np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_step(z):
    return (z >= 0).astype("float32")


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


# ------------------------------------------------------------ run_layer_test


@pytest.mark.parametrize("use_bias,num_weights", [(True, 2), (False, 1)])
def test_neuron_layer_contract(use_bias, num_weights):
    run_layer_test(
        Neuron,
        {"activation": "sigmoid", "use_bias": use_bias},
        X,
        expected_output_shape=(5, 1),
        expected_num_trainable_weights=num_weights,
        expected_num_non_trainable_weights=0,
    )


def test_neuron_with_hand_weights_layer_contract():
    w, b = np.array([0.5, -1.0, 2.0]), 0.25
    run_layer_test(
        Neuron,
        {"activation": "tanh", "weights": w.tolist(), "bias": b},
        X,
        expected_output_shape=(5, 1),
        expected_output_data=np.tanh(X @ w + b)[:, None],
        expected_num_trainable_weights=2,
    )


@pytest.mark.parametrize("activation", ["relu", "tanh", None])
def test_neuron_layer_layer_contract(activation):
    run_layer_test(
        NeuronLayer,
        {"units": 4, "activation": activation},
        X,
        expected_output_shape=(5, 4),
        expected_num_trainable_weights=2,
    )


def test_hard_threshold_layer_contract_fit_runs_and_leaves_weights():
    # The step's gradient is 0: fit runs, and the weights do not move.
    layer = run_layer_test(
        NeuronLayer,
        {"units": 2, "activation": "hard_threshold", "bias": [0.5, -0.5]},
        X,
        expected_output_shape=(5, 2),
        expect_training_changes_weights=False,
    )
    np.testing.assert_array_equal(to_numpy(layer.bias), [0.5, -0.5])


@pytest.mark.parametrize("policy", ["mixed_float16", "float64"])
@pytest.mark.parametrize(
    "layer_cls,kwargs", [(Neuron, {}), (NeuronLayer, {"units": 3})]
)
def test_precision_policies(policy, layer_cls, kwargs):
    # float64 values the float32 rounding would change in the 8th digit.
    x = RNG.normal(size=(4, 3)) * (1 + 1e-9)
    output, (kernel, bias) = run_precision_test(layer_cls, kwargs, x, policy)
    expected = np_sigmoid(x @ kernel + bias)  # float64 oracle
    if policy == "float64":
        np.testing.assert_allclose(output, expected, rtol=1e-13)
    else:
        np.testing.assert_allclose(output, expected, atol=2e-3)


# ------------------------------------------------------------ hand-computed


def test_neuron_by_hand():
    # sigmoid(0.5*1 - 1*2 + 2*3 + 0.1) = sigmoid(4.6), worked out by hand.
    neuron = Neuron(weights=[0.5, -1.0, 2.0], bias=0.1)
    y = to_numpy(neuron(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])))
    np.testing.assert_allclose(y, [[1 / (1 + np.exp(-4.6))], [1 / (1 + np.exp(-0.1))]])
    np.testing.assert_allclose(y[0, 0], 0.9900481981, rtol=1e-6)
    kernel, bias = neuron.get_weights()
    np.testing.assert_array_equal(kernel, [[0.5], [-1.0], [2.0]])
    np.testing.assert_array_equal(bias, np.float32([0.1]))


def test_neuron_set_weights_matches_formula():
    neuron = Neuron(activation="relu")
    neuron.build((None, 3))
    w, b = np.array([1.0, -2.0, 0.5], "float32"), np.float32(-0.2)
    neuron.set_weights([w[:, None], np.array([b])])
    np.testing.assert_allclose(
        to_numpy(neuron(X)), np.maximum(X @ w + b, 0)[:, None], atol=1e-6
    )


def test_neuron_layer_by_hand_rows_are_neurons():
    # Row j of `weights` is neuron j: y_j = f(w_j·x + b_j), i.e. f(x @ W.T + b).
    W = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    b = np.array([0.5, -0.5])
    layer = NeuronLayer(2, activation="sigmoid", weights=W, bias=b)
    y = to_numpy(layer(X))
    np.testing.assert_allclose(y, np_sigmoid(X @ W.T + b), atol=1e-6)
    for j in range(2):
        np.testing.assert_allclose(y[:, j], np_sigmoid(X @ W[j] + b[j]), atol=1e-6)
    np.testing.assert_array_equal(layer.get_weights()[0], W.T)
    # A number as `bias` is every neuron's bias.
    layer = NeuronLayer(2, activation=None, weights=W, bias=1.5)
    np.testing.assert_allclose(to_numpy(layer(X)), X @ W.T + 1.5, atol=1e-6)


def test_integer_and_higher_rank_inputs():
    layer = NeuronLayer(2, activation=None, weights=[[1, 2], [3, -4]], bias=[1, 0])
    y = to_numpy(layer(np.array([[1, 1], [2, 0]], dtype="int64")))
    np.testing.assert_array_equal(y, [[4.0, -1.0], [3.0, 6.0]])
    x = RNG.normal(size=(2, 4, 2)).astype("float32")
    y = to_numpy(layer(x))
    assert y.shape == (2, 4, 2)
    np.testing.assert_allclose(y, x @ np.array([[1, 3], [2, -4]]) + [1, 0], atol=1e-5)


# ------------------------------------------------------------ equal to Dense


@pytest.mark.parametrize(
    "activation",
    ["sigmoid", "relu", "tanh", "softplus", None, "hard_threshold"],
)
def test_neuron_layer_equals_dense_with_transposed_weights(activation):
    rng = np.random.default_rng(1)
    # Small integers make z exactly 0 for some rows: ties for the step.
    W = rng.integers(-2, 3, size=(4, 3)).astype("float32")
    b = rng.integers(-1, 2, size=(4,)).astype("float32")
    x = np.concatenate([X, rng.integers(-2, 3, size=(40, 3)).astype("float32")])
    layer = NeuronLayer(4, activation=activation, weights=W, bias=b)
    dense = keras.layers.Dense(
        4, activation=hard_threshold if activation == "hard_threshold" else activation
    )
    dense.build((None, 3))
    dense.set_weights([W.T, b])  # Dense's kernel is (input_dim, units) = W.T
    np.testing.assert_allclose(to_numpy(layer(x)), to_numpy(dense(x)), atol=1e-6)
    if activation == "hard_threshold":
        z = x @ W.T + b
        assert (z == 0).sum() > 10  # the ties are really tested
        np.testing.assert_array_equal(to_numpy(layer(x)), np_step(z))


def test_units_one_layer_equals_neuron():
    w, b = [0.3, -0.7, 1.1], 0.2
    neuron = Neuron(activation="tanh", weights=w, bias=b)
    layer = NeuronLayer(1, activation="tanh", weights=[w], bias=b)
    np.testing.assert_array_equal(to_numpy(neuron(X)), to_numpy(layer(X)))
    for a, c in zip(neuron.get_weights(), layer.get_weights()):
        np.testing.assert_array_equal(a, c)
    assert isinstance(neuron, NeuronLayer)
    assert neuron.units == 1 and "units" not in neuron.get_config()
    assert neuron.compute_output_shape((None, 3)) == (None, 1)


# ------------------------------------------------------------ hard threshold


def test_hard_threshold_values():
    z = np.array([0.0, -0.0, 1e-30, -1e-30, -1.0, 5.0, np.inf, -np.inf], "float32")
    np.testing.assert_array_equal(to_numpy(hard_threshold(z)), [1, 1, 1, 0, 0, 1, 1, 0])
    y = hard_threshold(np.array([-3, 0, 2]))  # integers give floats
    assert keras.backend.standardize_dtype(y.dtype) == keras.backend.floatx()
    np.testing.assert_array_equal(to_numpy(y), [0.0, 1.0, 1.0])
    assert np.isnan(to_numpy(hard_threshold(np.array([np.nan])))[0])
    neuron = Neuron(activation="hard_threshold", weights=[1.0, -1.0], bias=0.0)
    np.testing.assert_array_equal(to_numpy(neuron(np.array([[2.0, 2.0]]))), [[1.0]])


def test_hard_threshold_gradient_is_exactly_zero():
    from keras_embeddings import gradcheck

    def f(z):
        return keras.ops.sum(
            keras.ops.multiply(hard_threshold(z), [1.0, 2.0, 3.0, 4.0])
        )

    (gradient,) = gradcheck.gradients(
        f, [np.array([-2.0, 0.0, 3.0, np.inf], "float32")]
    )
    np.testing.assert_array_equal(gradient, [0, 0, 0, 0])


def test_hard_threshold_is_registered_and_a_saved_dense_model_reloads(tmp_path):
    assert keras.saving.get_registered_name(hard_threshold) == (
        "keras_embeddings>hard_threshold"
    )
    config = keras.activations.serialize(hard_threshold)
    assert keras.activations.get(config) is hard_threshold
    assert NeuronLayer(2, activation="hard_threshold").get_config()["activation"] == (
        "hard_threshold"
    )
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation=hard_threshold)]
    )
    path = tmp_path / "step.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert loaded.layers[-1].activation is hard_threshold
    np.testing.assert_array_equal(
        loaded.predict(X, verbose=0), model.predict(X, verbose=0)
    )


def test_hand_weights_survive_save_and_load_but_not_config(tmp_path):
    layer = NeuronLayer(2, activation=None, weights=[[1, 2, 3], [4, 5, 6]], bias=0.5)
    model = keras.Sequential([keras.Input((3,)), layer])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.layers[0].get_weights()[0], layer.kernel)
    assert "weights" not in layer.get_config() and "bias" not in layer.get_config()


# ------------------------------------------------------------ bad arguments


@pytest.mark.parametrize("units", [0, -1, 2.5, True, "3"])
def test_bad_units(units):
    with pytest.raises(InvalidInputError, match=r"`units` must be a positive integer"):
        NeuronLayer(units)


def test_bad_activation():
    with pytest.raises(InvalidInputError, match=r"activation='hard_thresh'"):
        Neuron(activation="hard_thresh")
    with pytest.raises(InvalidInputError, match=r"`activation`"):
        NeuronLayer(2, activation=3)


def test_bad_weights_and_bias():
    with pytest.raises(InvalidInputError, match=r"shape \(units, input_dim\) = \(2,"):
        NeuronLayer(2, weights=[[1, 2], [3, 4], [5, 6]])
    with pytest.raises(InvalidInputError, match=r"shape \(units, input_dim\)"):
        NeuronLayer(2, weights=[1, 2])
    with pytest.raises(
        InvalidInputError, match=r"`weights` must be a non-empty vector"
    ):
        Neuron(weights=[[1.0, 2.0]])
    with pytest.raises(InvalidInputError, match=r"`weights` must hold finite numbers"):
        Neuron(weights=["a", "b"])
    with pytest.raises(InvalidInputError, match=r"`weights` must hold finite numbers"):
        Neuron(weights=[1.0, np.nan])
    with pytest.raises(
        InvalidInputError, match=r"`bias` is given but `use_bias=False`"
    ):
        Neuron(bias=1.0, use_bias=False)
    with pytest.raises(InvalidInputError, match=r"one value per neuron \(3\)"):
        NeuronLayer(3, bias=[1.0, 2.0])
    with pytest.raises(InvalidInputError, match=r"`bias` must be a single number"):
        Neuron(bias=[1.0, 2.0])
    with pytest.raises(InvalidInputError, match=r"`use_bias` must be True or False"):
        Neuron(use_bias="yes")


def test_weights_checked_against_input_size_at_build():
    message = r"`weights` has 2 weight\(s\) per neuron but the input has 3 feature"
    with pytest.raises(InvalidInputError, match=message + r".*weights=\[1\.0, 2\.0\]"):
        Neuron(weights=[1.0, 2.0])(X)  # eager
    with pytest.raises(InvalidInputError, match=message):
        keras.Sequential([keras.Input((3,)), NeuronLayer(2, weights=[[1, 2], [3, 4]])])


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
def test_float64_needs_jax_64_bit_mode():
    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            Neuron()
        with pytest.raises(InvalidInputError, match="NeuronLayer uses float64"):
            NeuronLayer(2, dtype="float64")
        NeuronLayer(2, dtype="float32")  # float32: fine
