import itertools

import keras
import numpy as np
import pytest

from keras_embeddings.layers import hard_threshold
from keras_embeddings.models import superincreasing_detector


def non_strict(x):
    """What the seed's network computes (its threshold is z >= 0)."""
    x1, x2, x3, x4 = x
    return x2 >= x1 and x3 >= x1 + x2 and x4 >= x1 + x2 + x3


def strict(x):
    """The definition: every element greater than the sum before it."""
    x1, x2, x3, x4 = x
    return x2 > x1 and x3 > x1 + x2 and x4 > x1 + x2 + x3


def has_tie(x):
    x1, x2, x3, x4 = x
    return x2 == x1 or x3 == x1 + x2 or x4 == x1 + x2 + x3


@pytest.fixture(scope="module")
def model():
    return superincreasing_detector()


def predict(model, sequences):
    return model.predict(np.array(sequences, dtype="float32"), verbose=0)[:, 0]


def random_sequences():
    """Thousands of seeded integer sequences, many of them near ties."""
    rng = np.random.default_rng(0)
    parts = [
        rng.integers(0, 4, size=(2000, 4)),  # tiny range: ties everywhere
        rng.integers(-3, 4, size=(2000, 4)),  # with negatives and zeros
        rng.integers(-1000, 1001, size=(1000, 4)),
    ]
    # Superincreasing-by-construction sequences, each element then moved by
    # -1, 0 or +1: just below, at, and just above every threshold.
    x1 = rng.integers(-5, 6, size=2000)
    x2 = x1 + rng.integers(-1, 2, size=2000)
    x3 = x1 + x2 + rng.integers(-1, 2, size=2000)
    x4 = x1 + x2 + x3 + rng.integers(-1, 2, size=2000)
    parts.append(np.stack([x1, x2, x3, x4], axis=1))
    return np.concatenate(parts)


def test_weights_are_exactly_the_seeds(model):
    W1 = np.array([[-1, 1, 0, 0], [-1, -1, 1, 0], [-1, -1, -1, 1]])
    kernel1, bias1, kernel2, bias2 = model.get_weights()
    np.testing.assert_array_equal(kernel1, W1.T)  # kernel = W.T
    np.testing.assert_array_equal(bias1, [0, 0, 0])
    np.testing.assert_array_equal(kernel2, [[1], [1], [1]])
    np.testing.assert_array_equal(bias2, [-3])
    assert [layer.name for layer in model.layers] == ["conditions", "and"]
    assert all(layer.activation is hard_threshold for layer in model.layers)
    assert model.input_shape == (None, 4) and model.output_shape == (None, 1)


def test_matches_the_non_strict_predicate_on_random_sequences(model):
    sequences = random_sequences()
    assert len(sequences) == 7000
    y = predict(model, sequences)
    expected = np.array([non_strict(x) for x in sequences], dtype="float32")
    np.testing.assert_array_equal(y, expected)
    assert 500 < expected.sum() < len(sequences) - 500  # both answers are common


def test_differs_from_the_strict_predicate_exactly_on_ties(model):
    sequences = random_sequences()
    y = predict(model, sequences).astype(bool)
    strict_answers = np.array([strict(x) for x in sequences])
    differs = y != strict_answers
    expected = np.array([non_strict(x) and has_tie(x) for x in sequences])
    np.testing.assert_array_equal(differs, expected)
    assert differs.sum() > 300  # many ties really occur
    assert not (strict_answers & ~y).any()  # it never misses a true one


def test_every_small_sequence(model):
    # All 7**4 sequences of integers in [-3, 3]: exhaustive near zero.
    sequences = list(itertools.product(range(-3, 4), repeat=4))
    y = predict(model, sequences)
    np.testing.assert_array_equal(y, [float(non_strict(x)) for x in sequences])


@pytest.mark.parametrize(
    "sequence,network,is_superincreasing",
    [
        ([1, 2, 4, 8], 1, True),
        ([1, 3, 5, 10], 1, True),
        ([1, 2, 4, 6], 0, False),  # x4 < x1 + x2 + x3
        ([2, 1, 4, 8], 0, False),  # x2 < x1
        ([1, 2, 2, 8], 0, False),  # x3 < x1 + x2
        # Equalities: z = 0 makes the hidden neuron fire.
        ([1, 1, 2, 4], 1, False),  # x2 == x1
        ([1, 2, 3, 7], 1, False),  # x3 == x1 + x2
        ([1, 2, 4, 7], 1, False),  # x4 == x1 + x2 + x3
        ([1, 2, 3, 6], 1, False),  # two ties
        ([0, 0, 0, 0], 1, False),  # all zero: every condition is a tie
        ([5, 5, 5, 5], 0, False),
        # Negative numbers follow the same formulas.
        ([-5, -3, -7, -8], 1, True),
        ([-1, -1, -2, -4], 1, False),  # ties all the way
        ([-1, -2, -3, -6], 0, False),
        ([-10, 1, 0, 0], 1, True),
    ],
)
def test_seed_edge_cases(model, sequence, network, is_superincreasing):
    assert predict(model, [sequence])[0] == network
    assert strict(sequence) == is_superincreasing
    assert non_strict(sequence) == bool(network)


def test_hidden_neurons_check_one_condition_each(model):
    hidden = keras.Model(model.inputs, model.get_layer("conditions").output)
    sequences = random_sequences()[:3000]
    h = hidden.predict(sequences.astype("float32"), verbose=0)
    x1, x2, x3, x4 = sequences.T
    expected = np.stack([x2 >= x1, x3 >= x1 + x2, x4 >= x1 + x2 + x3], axis=1)
    np.testing.assert_array_equal(h, expected.astype("float32"))


def test_output_neuron_is_an_and_gate(model):
    and_layer = model.get_layer("and")
    h = np.array(list(itertools.product([0.0, 1.0], repeat=3)), "float32")
    y = keras.ops.convert_to_numpy(and_layer(h))[:, 0]
    np.testing.assert_array_equal(y, h.all(axis=1).astype("float32"))


def test_gradient_descent_leaves_the_weights_and_save_load(model, tmp_path):
    net = superincreasing_detector()
    before = net.get_weights()
    net.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    x = random_sequences()[:256].astype("float32")
    net.fit(x, 1.0 - predict(model, x), epochs=2, verbose=0)  # all wrong targets
    for b, a in zip(before, net.get_weights()):
        np.testing.assert_array_equal(a, b)
    net.save(tmp_path / "detector.keras")
    loaded = keras.saving.load_model(tmp_path / "detector.keras", safe_mode=True)
    np.testing.assert_array_equal(predict(loaded, x), predict(model, x))
