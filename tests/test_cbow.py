"""CBOW against the CBOW notebook (seed 001): its formulas (1)–(14) written
in NumPy as the oracle, and every number it prints.

The notebook's initial weights (cell [55]) and the values it prints are
copied below. Its α (cell [76]) did not survive the PDF; the printed update
fixes it: `W1_new - W1 = -0.03 * grad_W1` on every changed entry.
"""

import os
import tempfile

import keras
import numpy as np
import pytest
from helpers import FLOAT64_ON_JAX_ERROR, JAX_ONLY, float64_without_jax_x64

from keras_embeddings import gradcheck
from keras_embeddings.datasets import load_corpus
from keras_embeddings.errors import GradientCheckError, InvalidInputError
from keras_embeddings.models import CBOW
from keras_embeddings.models.cbow import NOTEBOOK_LEARNING_RATE, MeanSparseCrossentropy
from keras_embeddings.text import context_windows, one_hot, tokenize

# ------------------------------------------------------ the notebook's values
(CORPUS,) = load_corpus("cbow-notebook")  # "I am happy because I am learning"
C, N = 2, 3
W1 = np.array(
    [
        [0.41687358, 0.08854191, -0.23495225, 0.28320538, 0.41800106],
        [0.32735501, 0.22795148, -0.23951958, 0.4117634, -0.23924344],
        [0.26637602, -0.23846886, -0.37770863, -0.11399446, 0.34008124],
    ]
)
W2 = np.array(
    [
        [-0.22182064, -0.43008631, 0.13310965],
        [0.08476603, 0.08123194, 0.1772054],
        [0.1871551, -0.06107263, -0.1790735],
        [0.07055222, -0.02015138, 0.36107434],
        [0.33480474, -0.39423389, -0.43959196],
    ]
)
B1 = np.array([[0.09688219], [0.29239497], [-0.27364426]])
B2 = np.array([[0.0352008], [-0.36393384], [-0.12775555], [-0.34802326], [-0.07017815]])
ALPHA = 0.03

PRINTED_LOSS = 1.4650152923611106  # [70]
PRINTED_Y_HAT_LAST = 0.20891502  # [68], the one entry the PDF kept
PRINTED_GRAD_W2 = np.array(  # [72]
    [
        [0.06756476, 0.11798563, 0.0],
        [0.0702155, 0.12261452, 0.0],
        [-0.28053384, -0.48988499, 0.0],
        [0.06653328, 0.1161844, 0.0],
        [0.07622029, 0.13310045, 0.0],
    ]
)
PRINTED_GRAD_B1 = np.array([[0.0], [0.0], [0.17045858]])  # [73]
PRINTED_GRAD_W1 = np.array(  # [74]
    [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.04261464, 0.04261464, 0.0, 0.08522929, 0.0],
    ]
)
PRINTED_W1_NEW = np.array(  # [78]
    [
        [0.41687358, 0.08854191, -0.23495225, 0.28320538, 0.41800106],
        [0.32735501, 0.22795148, -0.23951958, 0.4117634, -0.23924344],
        [0.26509758, -0.2397473, -0.37770863, -0.11655134, 0.34008124],
    ]
)
PRINTED_W2_NEW = np.array(  # [79]
    [
        [-0.22384758, -0.43362588, 0.13310965],
        [0.08265956, 0.0775535, 0.1772054],
        [0.19557112, -0.04637608, -0.1790735],
        [0.06855622, -0.02363691, 0.36107434],
        [0.33251813, -0.3982269, -0.43959196],
    ]
)
PRINTED_B1_NEW = np.array([[0.09688219], [0.29239497], [-0.27875802]])
PRINTED_B2_NEW = np.array(
    [[0.02964508], [-0.36970753], [-0.10468778], [-0.35349417], [-0.0764456]]
)
# §3.7, option 1 (columns of the initial W1) and option 3 ((W1 + W2ᵀ) / 2).
PRINTED_OPTION_1 = {
    "am": [0.41687358, 0.32735501, 0.26637602],
    "because": [0.08854191, 0.22795148, -0.23846886],
    "happy": [-0.23495225, -0.23951958, -0.37770863],
    "i": [0.28320538, 0.4117634, -0.11399446],
    "learning": [0.41800106, -0.23924344, 0.34008124],
}
PRINTED_OPTION_3 = {
    "am": [0.09752647, -0.05136565, 0.19974284],
    "because": [0.08665397, 0.15459171, -0.03063173],
    "happy": [-0.02389858, -0.15029611, -0.27839106],
    "i": [0.1768788, 0.19580601, 0.12353994],
    "learning": [0.3764029, -0.31673866, -0.04975536],
}
PRINTED = 5e-9  # the notebook prints 8 decimals


# ------------------------------------------------ the notebook's formulas
def np_relu(z):
    return np.maximum(z, 0)


def np_softmax(z):  # (5), column by column
    e = np.exp(z)
    return e / np.sum(e, axis=0)


def np_forward(W1, W2, b1, b2, x):
    """(1)–(4) on columns: x is (V, m), one example per column."""
    z1 = W1 @ x + b1
    h = np_relu(z1)
    z2 = W2 @ h + b2
    return z1, h, z2, np_softmax(z2)


def np_gradients(W1, W2, b1, b2, x, y, rule):
    """(7)–(10), averaged over the m columns as in the lecture's batch form.

    rule="notebook": (7) and (9) as printed, `ReLU(W2ᵀ(ŷ - y))`.
    rule="chain_rule": `W2ᵀ(ŷ - y) ⊙ 1[z1 > 0]`, the derivative of J.
    """
    m = x.shape[1]
    z1, h, _, y_hat = np_forward(W1, W2, b1, b2, x)
    error = W2.T @ (y_hat - y)
    l1 = np_relu(error) if rule == "notebook" else error * (z1 > 0)
    grad_W1 = l1 @ x.T / m  # (7)
    grad_W2 = (y_hat - y) @ h.T / m  # (8)
    grad_b1 = l1.sum(axis=1, keepdims=True) / m  # (9)
    grad_b2 = (y_hat - y).sum(axis=1, keepdims=True) / m  # (10)
    return grad_W1, grad_W2, grad_b1, grad_b2


def np_step(weights, x, y, alpha, rule):
    """(11)–(14): one step of gradient descent."""
    grads = np_gradients(*weights, x, y, rule)
    return [w - alpha * g for w, g in zip(weights, grads)]


# ------------------------------------------------------------- helpers
# The `float64` fixture (conftest.py) gives the notebook's float64 arithmetic
# (weights, SGD's α and the loss), with JAX's 64-bit mode on.
def notebook_data():
    """Tokens, word2Ind (the notebook's `get_dict`: sorted), context and center ids."""
    words = tokenize(CORPUS)
    word2ind = {word: i for i, word in enumerate(sorted(set(words)))}
    pairs = list(context_windows(words, C))
    context_ids = np.array([[word2ind[w] for w in context] for context, _ in pairs])
    center_ids = np.array([word2ind[center] for _, center in pairs])
    return words, word2ind, pairs, context_ids, center_ids


def columns(context_ids, center_ids, V):
    """The notebook's x (mean of context one-hots) and y (one-hot), as columns."""
    x = one_hot(context_ids, V, dtype="float64").mean(axis=1).T  # (V, m)
    y = one_hot(center_ids, V, dtype="float64").T  # (V, m)
    return x, y


def notebook_model(backprop="chain_rule", run_eagerly=True):
    model = CBOW(5, N, C, backprop=backprop)
    model.set_notebook_weights(W1, W2, B1, B2)
    # Eager by default: one step, no time spent tracing; `fit` steps run
    # compiled, as users run them.
    model.compile(run_eagerly=run_eagerly)
    return model


# ----------------------------------------------------- §2: data preparation
def test_notebook_training_set():
    words, word2ind, pairs, context_ids, center_ids = notebook_data()
    assert words == ["i", "am", "happy", "because", "i", "am", "learning"]
    assert word2ind == {"am": 0, "because": 1, "happy": 2, "i": 3, "learning": 4}
    assert pairs[0] == (["i", "am", "because", "i"], "happy")
    assert len(pairs) == 3
    np.testing.assert_array_equal(one_hot(word2ind["happy"], 5), [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(one_hot(word2ind["learning"], 5), [0, 0, 0, 0, 1])
    x, y = columns(context_ids, center_ids, 5)
    np.testing.assert_array_equal(  # [34]/[36]
        x.T,
        [
            [0.25, 0.25, 0.0, 0.5, 0.0],
            [0.5, 0.0, 0.25, 0.25, 0.0],
            [0.25, 0.25, 0.25, 0.0, 0.25],
        ],
    )
    np.testing.assert_array_equal(y.T, np.eye(5)[[2, 1, 3]])  # happy, because, i


def test_context_average_is_w1_times_context_vector(float64):
    # With W1 = I the hidden pre-activation z1 = W1 x̄ + 0 is x̄ itself: the
    # model's average of embeddings is the notebook's context vector.
    _, _, _, context_ids, _ = notebook_data()
    model = CBOW(5, 5, C)
    model.set_notebook_weights(np.eye(5), np.zeros((5, 5)), np.zeros(5), np.zeros(5))
    z1 = model.forward_pass(context_ids)["z1"]
    np.testing.assert_array_equal(z1[0], [0.25, 0.25, 0.0, 0.5, 0.0])
    np.testing.assert_array_equal(z1[1], [0.5, 0.0, 0.25, 0.25, 0.0])  # [32]


# ------------------------------------------------ §3.1: activation functions
def test_relu_example_through_the_hidden_layer(float64):
    # [43] prints relu(z) for z = 10 * rand(5, 1) - 5 drawn with seed 42 (the
    # printed positives are those draws); [37]'s seed-10 z_1 ends with a
    # negative entry, the "[0. ]])" that the PDF kept of [41]. With W1 = 0
    # and b1 = z, the model's hidden layer h is ReLU(z).
    z42 = 10 * np.random.RandomState(42).rand(5, 1) - 5
    z10 = 10 * np.random.RandomState(10).rand(5, 1) - 5
    model = CBOW(5, 5, C)
    for z, printed in [
        (z42, [0.0, 4.50714306, 2.31993942, 0.98658484, 0.0]),
        (z10, None),
    ]:
        model.set_notebook_weights(np.zeros((5, 5)), np.zeros((5, 5)), z, np.zeros(5))
        h = model.forward_pass([[0, 1, 2, 3]])["h"][0]
        np.testing.assert_array_equal(h, np_relu(z[:, 0]))
        if printed is not None:
            np.testing.assert_allclose(h, printed, atol=PRINTED)
    assert h[-1] == 0.0 and z10[-1, 0] < 0


def test_softmax_example_through_the_output_layer(float64):
    # With W2 = 0 and b2 = z the logits are z, so ŷ = softmax(z).
    z = np.array([9, 8, 11, 10, 8.5])  # [44]
    np.testing.assert_allclose(  # [45]
        np.exp(z),
        [8103.08392758, 2980.95798704, 59874.1417152, 22026.46579481, 4914.7688403],
    )
    assert np.sum(np.exp(z)) == pytest.approx(97899.41826492078, rel=1e-15)  # [46]
    model = CBOW(5, N, C)
    model.set_notebook_weights(W1, np.zeros((5, N)), B1, z)
    y_hat = model.forward_pass([[0, 1, 2, 3]])["y_hat"][0]
    assert y_hat[0] == pytest.approx(0.08276947985173956, rel=1e-14)  # [47]
    np.testing.assert_allclose(  # [49]
        y_hat,
        [0.08276948, 0.03044919, 0.61158833, 0.22499077, 0.05020223],
        atol=PRINTED,
    )
    softmax = keras.ops.convert_to_numpy(keras.ops.softmax(z))
    assert softmax[0] == pytest.approx(0.08276947985173956, rel=1e-14)


# --------------------------------------- §3.3–3.4: forward pass and the loss
def test_notebook_weight_shapes_and_round_trip(float64):
    model = notebook_model()
    got = model.get_notebook_weights()
    assert [w.shape for w in got] == [(3, 5), (5, 3), (3, 1), (5, 1)]  # [56]
    for w, expected in zip(got, (W1, W2, B1, B2)):
        np.testing.assert_array_equal(w, expected)
    np.testing.assert_array_equal(model.get_embeddings("input"), W1.T)
    np.testing.assert_array_equal(model.logits.kernel, W2.T)


def test_forward_pass_is_formulas_1_to_4(float64):
    _, word2ind, _, context_ids, center_ids = notebook_data()
    model = notebook_model()
    x, _ = columns(context_ids, center_ids, 5)
    z1, h, z2, y_hat = np_forward(W1, W2, B1, B2, x)
    got = model.forward_pass(context_ids)
    for name, expected in [("z1", z1), ("h", h), ("z2", z2), ("y_hat", y_hat)]:
        np.testing.assert_allclose(got[name], expected.T, rtol=1e-13, atol=1e-15)
    first = got["y_hat"][0]
    assert first[-1] == pytest.approx(PRINTED_Y_HAT_LAST, abs=PRINTED)
    # z1's third entry is negative: ReLU zeroes it (§3.3.3).
    assert got["z1"][0, 2] < 0 and got["h"][0, 2] == 0
    # "The neural network predicted the word happy" (§3.3.4).
    ind2word = {i: w for w, i in word2ind.items()}
    assert ind2word[int(np.argmax(first))] == "happy"
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(context_ids)), z2.T, rtol=1e-13, atol=1e-15
    )


def test_cross_entropy_loss_is_the_printed_value(float64):
    _, _, _, context_ids, center_ids = notebook_data()
    model = notebook_model()
    loss = model.evaluate(context_ids[:1], center_ids[:1], verbose=0, return_dict=True)
    assert loss["loss"] == pytest.approx(PRINTED_LOSS, rel=1e-14)  # [70]
    x, y = columns(context_ids[:1], center_ids[:1], 5)
    y_hat = np_forward(W1, W2, B1, B2, x)[3]
    assert np.sum(-np.log(y_hat) * y) == pytest.approx(PRINTED_LOSS, rel=1e-14)  # (6)


# ------------------------------------------ §3.5–3.6: backprop, one SGD step
def test_numpy_formulas_give_the_printed_backprop_and_update():
    # The oracle itself against the notebook's printout, first example.
    _, _, _, context_ids, center_ids = notebook_data()
    x, y = columns(context_ids[:1], center_ids[:1], 5)
    grad_W1, grad_W2, grad_b1, grad_b2 = np_gradients(W1, W2, B1, B2, x, y, "notebook")
    np.testing.assert_allclose(grad_W2, PRINTED_GRAD_W2, atol=PRINTED)
    np.testing.assert_allclose(grad_b1, PRINTED_GRAD_B1, atol=PRINTED)
    np.testing.assert_allclose(grad_W1, PRINTED_GRAD_W1, atol=PRINTED)
    new = np_step([W1, W2, B1, B2], x, y, ALPHA, "notebook")
    printed = [PRINTED_W1_NEW, PRINTED_W2_NEW, PRINTED_B1_NEW, PRINTED_B2_NEW]
    for got, expected in zip(new, printed):
        np.testing.assert_allclose(got, expected, atol=PRINTED)
    # [75]: the gradients' shapes.
    assert [g.shape for g in (grad_W1, grad_b1, grad_W2, grad_b2)] == [
        (3, 5),
        (3, 1),
        (5, 3),
        (5, 1),
    ]


def _one_step(model, context_ids, center_ids, how):
    if how == "fit":
        model.fit(
            context_ids,
            center_ids,
            batch_size=len(center_ids),
            epochs=1,
            shuffle=False,
            verbose=0,
        )
    else:
        model.train_on_batch(context_ids, center_ids)
    return model.get_notebook_weights()


@pytest.mark.parametrize("how", ["fit", "train_on_batch"])
@pytest.mark.parametrize("batch", [slice(0, 1), slice(0, 3)], ids=["first", "all3"])
def test_one_sgd_step_with_the_notebook_rule_is_formulas_7_to_14(float64, how, batch):
    _, _, _, context_ids, center_ids = notebook_data()
    context_ids, center_ids = context_ids[batch], center_ids[batch]
    model = notebook_model(backprop="notebook", run_eagerly=how != "fit")
    assert float(model.optimizer.learning_rate) == pytest.approx(ALPHA, rel=1e-15)
    got = _one_step(model, context_ids, center_ids, how)
    x, y = columns(context_ids, center_ids, 5)
    expected = np_step([W1, W2, B1, B2], x, y, ALPHA, "notebook")
    for name, g, e in zip(("W1", "W2", "b1", "b2"), got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-16, err_msg=name)
    if len(center_ids) == 1:  # the notebook's printed update, [78]–[79]
        printed = [PRINTED_W1_NEW, PRINTED_W2_NEW, PRINTED_B1_NEW, PRINTED_B2_NEW]
        for g, p in zip(got, printed):
            np.testing.assert_allclose(g, p, atol=PRINTED)


@pytest.mark.parametrize("how", ["fit", "train_on_batch"])
@pytest.mark.parametrize("batch", [slice(0, 1), slice(0, 3)], ids=["first", "all3"])
def test_one_sgd_step_is_formulas_7_to_14_with_the_chain_rule(float64, how, batch):
    _, _, _, context_ids, center_ids = notebook_data()
    context_ids, center_ids = context_ids[batch], center_ids[batch]
    model = notebook_model(run_eagerly=how != "fit")
    got = _one_step(model, context_ids, center_ids, how)
    x, y = columns(context_ids, center_ids, 5)
    expected = np_step([W1, W2, B1, B2], x, y, ALPHA, "chain_rule")
    for name, g, e in zip(("W1", "W2", "b1", "b2"), got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-16, err_msg=name)
    if len(center_ids) == 1:
        # (8), (10), (12), (14) are the true derivatives: the printed W2_new
        # and b2_new. The printed W1_new and b1_new follow (7) and (9),
        # which are not: the chain rule moves other entries.
        np.testing.assert_allclose(got[1], PRINTED_W2_NEW, atol=PRINTED)
        np.testing.assert_allclose(got[3], PRINTED_B2_NEW, atol=PRINTED)
        assert not np.allclose(got[0], PRINTED_W1_NEW, atol=1e-4)
        assert not np.allclose(got[2], PRINTED_B1_NEW, atol=1e-4)
        # Row 3 of W1 and b1[2] (the unit ReLU switched off) do not move.
        np.testing.assert_array_equal(got[0][2], W1[2])
        assert got[2][2, 0] == B1[2, 0]


def test_one_step_on_a_larger_random_batch(float64):
    # More words, a wider window and hidden units of both signs, averaged
    # over m = 16 examples.
    V, D, window, m = 11, 4, 3, 16
    rng = np.random.default_rng(1)
    weights = [
        rng.normal(size=(D, V)),
        rng.normal(size=(V, D)),
        rng.normal(size=(D, 1)),
        rng.normal(size=(V, 1)),
    ]
    context_ids = rng.integers(0, V, size=(m, 2 * window))
    center_ids = rng.integers(0, V, size=m)
    x, y = columns(context_ids, center_ids, V)
    z1 = np_forward(*weights, x)[0]
    assert (z1 > 0).any() and (z1 < 0).any()
    for rule in ("chain_rule", "notebook"):
        model = CBOW(V, D, window, backprop=rule)
        model.set_notebook_weights(*weights)
        model.compile(optimizer=keras.optimizers.SGD(0.1), run_eagerly=True)
        got = _one_step(model, context_ids, center_ids, "fit")
        expected = np_step(weights, x, y, 0.1, rule)
        for name, g, e in zip(("W1", "W2", "b1", "b2"), got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15, err_msg=name)


def test_chain_rule_is_the_derivative_and_the_notebook_rule_is_not():
    _, _, _, context_ids, center_ids = notebook_data()
    model = notebook_model()
    report = gradcheck.check_gradients(model, context_ids, center_ids)
    assert all(r.passed for r in report)
    with pytest.raises(GradientCheckError) as info:
        gradcheck.check_gradients(
            notebook_model(backprop="notebook"), context_ids, center_ids
        )
    failed = {r.name.split("/")[-1] for r in info.value.report if not r.passed}
    assert failed == {"hidden_bias", "embeddings"}  # b1 and W1: (9) and (7)


# ----------------------------------------------- §3.7: the word embeddings
def test_embeddings_three_options(float64):
    _, word2ind, _, _, _ = notebook_data()
    model = notebook_model()
    option_1 = model.get_embeddings()  # default "input"
    option_2 = model.get_embeddings("output")
    option_3 = model.get_embeddings("average")
    for word, i in word2ind.items():
        np.testing.assert_allclose(option_1[i], PRINTED_OPTION_1[word], atol=PRINTED)
        np.testing.assert_allclose(option_3[i], PRINTED_OPTION_3[word], atol=PRINTED)
    np.testing.assert_array_equal(option_1, W1.T)  # W1's columns
    np.testing.assert_array_equal(option_2, W2)  # W2ᵀ's columns = W2's rows
    np.testing.assert_allclose(option_3, ((W1 + W2.T) / 2).T, rtol=1e-15)


@pytest.mark.parametrize("source", ["input", "output", "average"])
def test_get_embeddings_shape(source):
    model = CBOW(vocabulary_size=7, embedding_dim=4, window_size=1)
    assert model.get_embeddings(source).shape == (7, 4)  # builds if needed


# --------------------------------------------------------------- padding
def test_padding_id_averages_real_words_only(float64):
    V, D = 6, 3
    rng = np.random.default_rng(2)
    weights = [
        rng.normal(size=(D, V)),
        rng.normal(size=(V, D)),
        rng.normal(size=(D, 1)),
        rng.normal(size=(V, 1)),
    ]
    model = CBOW(V, D, window_size=2, padding_id=0)
    model.set_notebook_weights(*weights)
    model.compile(run_eagerly=True)
    context_ids = np.array([[0, 0, 3, 4], [1, 2, 5, 5], [0, 0, 0, 0]])
    z1 = model.forward_pass(context_ids)["z1"]
    W, b1 = weights[0], weights[2][:, 0]
    np.testing.assert_allclose(z1[0], W[:, [3, 4]].mean(axis=1) + b1, rtol=1e-13)
    np.testing.assert_allclose(z1[1], W[:, [1, 2, 5, 5]].mean(axis=1) + b1, rtol=1e-13)
    np.testing.assert_allclose(z1[2], b1, rtol=1e-15)  # no word: W1 x̄ = 0
    model.fit(context_ids, np.array([1, 3, 2]), batch_size=3, verbose=0)
    W1_new = model.get_notebook_weights()[0]
    assert np.all(np.isfinite(W1_new))
    np.testing.assert_array_equal(W1_new[:, 0], W[:, 0])  # padding: no gradient
    assert not np.allclose(W1_new[:, 3], W[:, 3])


def test_without_padding_id_zero_is_a_word(float64):
    # The notebook's vocabulary: id 0 is "am", averaged like any other word.
    model = notebook_model()
    z1 = model.forward_pass([[0, 0, 0, 0]])["z1"][0]
    np.testing.assert_allclose(z1, W1[:, 0] + B1[:, 0], rtol=1e-15)


# ------------------------------------------------ config, compile, save/load
def test_compile_defaults_are_the_notebooks():
    model = CBOW(5, 3, 2)
    model.compile()
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(NOTEBOOK_LEARNING_RATE)
    assert NOTEBOOK_LEARNING_RATE == ALPHA
    assert model.optimizer.momentum == 0
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert model.loss.get_config()["from_logits"] is True


def test_default_loss_is_the_mean_cross_entropy_in_float64(float64):
    # Keras' own loss averages with divide_no_nan, which on PyTorch rounds a
    # float64 loss to float32; the default loss keeps float64 everywhere.
    rng = np.random.default_rng(3)
    logits, ids, weights = rng.normal(size=(6, 5)), rng.integers(0, 5, 6), rng.random(6)
    log_p = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    per_example = -log_p[np.arange(6), ids]  # (6)
    loss = MeanSparseCrossentropy()
    got = keras.ops.convert_to_numpy(loss(ids, logits))
    assert got.dtype == np.float64
    assert got == pytest.approx(per_example.mean(), rel=1e-15)
    weighted = keras.ops.convert_to_numpy(loss(ids, logits, sample_weight=weights))
    assert weighted == pytest.approx(np.mean(weights * per_example), rel=1e-15)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = keras.ops.convert_to_numpy(keras_loss(ids, logits, weights))
    assert weighted == pytest.approx(expected, rel=1e-7)  # Keras: float32 on torch
    config = loss.get_config()
    assert config["from_logits"] is True
    assert MeanSparseCrossentropy.from_config(config).get_config() == config


def test_config_round_trip_and_save_load():
    keras.utils.set_random_seed(0)
    model = CBOW(9, 4, 2, padding_id=0, backprop="notebook", name="cbow_test")
    model.compile(optimizer=keras.optimizers.SGD(0.5))
    x = np.array([[1, 2, 3, 4], [0, 5, 6, 7], [8, 8, 0, 0]])
    y = np.array([5, 1, 2])
    model.fit(x, y, epochs=2, verbose=0)
    config = model.get_config()
    assert {k: config[k] for k in ("vocabulary_size", "embedding_dim")} == {
        "vocabulary_size": 9,
        "embedding_dim": 4,
    }
    assert (config["window_size"], config["padding_id"], config["backprop"]) == (
        2,
        0,
        "notebook",
    )
    assert CBOW.from_config(config).get_config() == config
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "cbow.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, CBOW) and loaded.get_config() == config
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
    for source in ("input", "output", "average"):
        np.testing.assert_array_equal(
            loaded.get_embeddings(source), model.get_embeddings(source)
        )
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.5)
    assert loaded.loss.get_config()["from_logits"] is True
    # Training goes on from the saved optimizer state: both take the same step.
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    np.testing.assert_allclose(
        loaded.get_embeddings(), model.get_embeddings(), rtol=1e-6
    )


def test_fit_learns_the_toy_corpus():
    # From the notebook's weights, not from a seeded initialization: each
    # backend's random generator draws different weights from the same seed
    # (from JAX's draw for seed 0, these 80 steps get 2 of the 3 windows
    # right), while from the same weights every backend takes the same 80
    # steps, formulas (11)-(14), to float32 round-off.
    _, _, _, context_ids, center_ids = notebook_data()
    model = CBOW(5, N, C)
    model.set_notebook_weights(W1, W2, B1, B2)
    model.compile(optimizer=keras.optimizers.SGD(0.5))
    before = model.evaluate(context_ids, center_ids, verbose=0, return_dict=True)
    # 80 passes over the three windows, one batch each, in one epoch.
    x, y = np.tile(context_ids, (80, 1)), np.tile(center_ids, 80)
    model.fit(x, y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    after = model.evaluate(context_ids, center_ids, verbose=0, return_dict=True)
    x_bar, y_true = columns(context_ids, center_ids, 5)
    expected = [W1, W2, B1, B2]
    for _ in range(80):
        expected = np_step(expected, x_bar, y_true, 0.5, "chain_rule")
    got = model.get_notebook_weights()
    for name, g, e in zip(("W1", "W2", "b1", "b2"), got, expected):
        np.testing.assert_allclose(g, e, atol=1e-5, err_msg=name)
    y_hat = np_forward(*expected, x_bar)[3]
    expected_loss = -np.mean(np.log(y_hat[y_true == 1]))
    assert after["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert after["loss"] < 0.5 * before["loss"]
    assert after["accuracy"] == 1.0


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
def test_float64_needs_jax_64_bit_mode():
    # Without 64-bit mode JAX would compute the notebook's float64 in
    # float32 (the loss off in the 10th digit): a clear error instead.
    import jax

    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            CBOW(5, N, C)
        with pytest.raises(InvalidInputError, match="CBOW uses float64"):
            CBOW(5, N, C, dtype="float64")
        keras.config.set_dtype_policy("float32")
        model = CBOW(5, N, C)  # float32 weights: fine
        with pytest.raises(InvalidInputError, match=r"CBOW\.compile \(floatx\)"):
            model.compile()  # the loss would compute in floatx, float64
    # With 64-bit mode on, the same model computes in float64.
    with jax.enable_x64(True):
        model = CBOW(5, N, C, dtype="float64")
        model.set_notebook_weights(W1, W2, B1, B2)
        assert model.forward_pass([[0, 1, 2, 3]])["z2"].dtype == np.float64


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"vocabulary_size": 0}, "`vocabulary_size` must be a positive integer"),
        ({"embedding_dim": 2.5}, "`embedding_dim` must be a positive integer"),
        ({"window_size": True}, "`window_size` must be a positive integer"),
        ({"padding_id": 5}, r"`padding_id` must be None or an id in \[0, 5\)"),
        ({"padding_id": -1}, "Received: padding_id=-1"),
        ({"backprop": "relu"}, "`backprop` must be one of"),
    ],
)
def test_bad_arguments(kwargs, match):
    args = {"vocabulary_size": 5, "embedding_dim": 3, "window_size": 2, **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        CBOW(**args)


def test_bad_context_length_and_source_and_weights():
    model = CBOW(5, 3, window_size=2)
    with pytest.raises(InvalidInputError, match=r"2 \* window_size = 4 context ids"):
        model(np.array([[0, 1, 2]]))
    with pytest.raises(InvalidInputError, match="`source` must be one of"):
        model.get_embeddings("hidden")
    with pytest.raises(InvalidInputError, match=r"`W1` must have shape \(3, 5\)"):
        model.set_notebook_weights(W1.T, W2, B1, B2)
    with pytest.raises(InvalidInputError, match=r"`b2` must have shape \(5, 1\) or"):
        model.set_notebook_weights(W1, W2, B1, B1)
