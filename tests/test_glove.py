import os

import keras
import numpy as np
import pytest
from helpers import FLOAT64_ON_JAX_ERROR, JAX_ONLY, float64_without_jax_x64

from keras_embeddings import datasets, gradcheck
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models import GloVe, SumSquaredError

V, D = 12, 3


# ---------------------------------------------------------------- the oracles
# The CSC321 lab's NumPy functions (seed 002, Part 1), copied as printed; the
# lines the PDF cut off end with `log_co_occurrence)`, as the formula says.
def loss_GLoVE(W, W_tilde, b, b_tilde, log_co_occurrence):
    "Compute the GLoVE loss."
    n, _ = log_co_occurrence.shape
    if W_tilde is None and b_tilde is None:
        return np.sum(
            (W @ W.T + b @ np.ones([1, n]) + np.ones([n, 1]) @ b.T - log_co_occurrence)
            ** 2
        )
    else:
        return np.sum(
            (
                W @ W_tilde.T
                + b @ np.ones([1, n])
                + np.ones([n, 1]) @ b_tilde.T
                - log_co_occurrence
            )
            ** 2
        )


def grad_GLoVE(W, W_tilde, b, b_tilde, log_co_occurrence):
    "Return the gradient of GLoVE objective w.r.t W and b."
    n, _ = log_co_occurrence.shape
    if W_tilde is not None and b_tilde is not None:
        loss = (
            W @ W_tilde.T
            + b @ np.ones([1, n])
            + np.ones([n, 1]) @ b_tilde.T
            - log_co_occurrence
        )
        grad_W = 2 * loss @ W_tilde
        grad_W_tilde = 2 * loss.T @ W
        grad_b = 2 * loss @ np.ones((n, 1))
        grad_b_tilde = 2 * loss.T @ np.ones((n, 1))
    else:
        loss = (
            W @ W.T
            + b @ np.ones([1, n])
            + np.ones([n, 1]) @ b.T
            - 0.5 * (log_co_occurrence + log_co_occurrence.T)
        )
        grad_W = 4 * (W.T @ loss).T
        grad_W_tilde = None
        grad_b = 4 * (np.ones([1, n]) @ loss).T
        grad_b_tilde = None
    return grad_W, grad_W_tilde, grad_b, grad_b_tilde


def grad_GLoVE_older(W, b, log_co_occurence):
    "The older handout's symmetric gradient (seed 004): right for a symmetric X."
    n, _ = log_co_occurence.shape
    grad_W = (
        4
        * (W @ W.T + b @ np.ones([1, n]) + np.ones([n, 1]) @ b.T - log_co_occurence)
        @ W
    )
    grad_b = (
        4
        * (W @ W.T + b @ np.ones([1, n]) + np.ones([n, 1]) @ b.T - log_co_occurence)
        @ np.ones([n, 1])
    )
    return grad_W, grad_b


def train_GLoVE(W, W_tilde, b, b_tilde, log_co_occurrence_train, n_epochs):
    "The lab's full-batch gradient descent (its loss printing left out)."
    n, _ = log_co_occurrence_train.shape
    learning_rate = 0.05 / n
    for _epoch in range(n_epochs):
        grad_W, grad_W_tilde, grad_b, grad_b_tilde = grad_GLoVE(
            W, W_tilde, b, b_tilde, log_co_occurrence_train
        )
        W = W - learning_rate * grad_W
        b = b - learning_rate * grad_b
        if grad_W_tilde is not None and grad_b_tilde is not None:
            W_tilde = W_tilde - learning_rate * grad_W_tilde
            b_tilde = b_tilde - learning_rate * grad_b_tilde
    return W, W_tilde, b, b_tilde


# ---------------------------------------------------------------- helpers
# The `float64` fixture (conftest.py) gives the lab's float64 arithmetic:
# weights and the compiled loss (floatx), with JAX's 64-bit mode on.
def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def _log_x(seed=0, symmetric=False):
    ngrams = np.random.default_rng(seed).integers(0, V, size=(400, 4))
    return datasets.cooccurrence(
        ngrams, V, symmetric=symmetric, delta_smoothing=0.5, log=True
    )


def _model(symmetric, seed=0, dim=D):
    keras.utils.set_random_seed(seed)
    model = GloVe(V, dim, symmetric=symmetric)
    # Larger than the default 0.1 init, so every term of the loss matters.
    model.w.assign(np.random.default_rng(seed).normal(size=(V, dim)))
    model.b.assign(np.random.default_rng(seed + 1).normal(size=V))
    if not symmetric:
        model.w_tilde.assign(np.random.default_rng(seed + 2).normal(size=(V, dim)))
        model.b_tilde.assign(np.random.default_rng(seed + 3).normal(size=V))
    return model


def _seed_params(model):
    """`(W, W_tilde, b, b_tilde)` as the lab's functions take them."""
    w, b = to_numpy(model.w), to_numpy(model.b)[:, None]
    if model.symmetric:
        return w, None, b, None
    return w, to_numpy(model.w_tilde), b, to_numpy(model.b_tilde)[:, None]


def _autodiff(model, x, y):
    """The compiled loss and its gradients for `[w, b(, w_tilde, b_tilde)]`."""
    trainable = model.trainable_variables
    non_trainable = [v.value for v in model.non_trainable_variables]

    def loss(*values):  # the loss as a function of the trainable weights
        y_pred, _ = model.stateless_call(list(values), non_trainable, x)
        return model.compute_loss(x=x, y=y, y_pred=y_pred)

    grads = gradcheck.gradients(loss, [to_numpy(v.value) for v in trainable])
    by_variable = {id(v): g for v, g in zip(trainable, grads)}
    variables = [model.w, model.b]
    if not model.symmetric:
        variables += [model.w_tilde, model.b_tilde]
    value = to_numpy(model.compute_loss(x=x, y=y, y_pred=model(x)))
    return value, [by_variable[id(v)] for v in variables]


def _both_forms(log_x):
    pairs, values = datasets.cooccurrence_pairs(log_x)
    return {"pairs": (pairs, values), "rows": (np.arange(V), log_x)}


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("form", ["pairs", "rows"])
def test_loss_equals_seed_formula(symmetric, form, float64):
    log_x = _log_x()  # asymmetric counts, as the lab trains both models on
    model = _model(symmetric)
    model.compile()
    x, y = _both_forms(log_x)[form]
    expected = loss_GLoVE(*_seed_params(model), log_x)
    got = to_numpy(model.compute_loss(x=x, y=y, y_pred=model(x)))
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # `evaluate` on the whole matrix in one batch logs the same L.
    logged = model.evaluate(x, y, batch_size=len(x), verbose=0)
    np.testing.assert_allclose(logged, expected, rtol=1e-12)
    # And by hand, entry by entry.
    w, w_tilde, b, b_tilde = _seed_params(model)
    w_tilde = w if symmetric else w_tilde
    b_tilde = b if symmetric else b_tilde
    by_hand = sum(
        (w[i] @ w_tilde[j] + b[i, 0] + b_tilde[j, 0] - log_x[i, j]) ** 2
        for i in range(V)
        for j in range(V)
    )
    np.testing.assert_allclose(got, by_hand, rtol=1e-12)


@pytest.mark.parametrize("form", ["pairs", "rows"])
def test_asymmetric_gradient_equals_seed_grad_glove(form, float64):
    log_x = _log_x(1)
    model = _model(symmetric=False, seed=1)
    model.compile()
    _, (g_w, g_b, g_w_tilde, g_b_tilde) = _autodiff(model, *_both_forms(log_x)[form])
    e_w, e_w_tilde, e_b, e_b_tilde = grad_GLoVE(*_seed_params(model), log_x)
    np.testing.assert_allclose(g_w, e_w, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g_w_tilde, e_w_tilde, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g_b, e_b[:, 0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g_b_tilde, e_b_tilde[:, 0], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("form", ["pairs", "rows"])
def test_symmetric_gradient_equals_seed_grad_glove(form, float64):
    # The lab's symmetric gradient replaces X by (X + X.T) / 2: right, since
    # W W.T + b 1.T + 1 b.T is symmetric; autodiff of the plain loss agrees.
    log_x = _log_x(2)
    assert not np.allclose(log_x, log_x.T)
    model = _model(symmetric=True, seed=2)
    model.compile()
    _, (g_w, g_b) = _autodiff(model, *_both_forms(log_x)[form])
    e_w, _, e_b, _ = grad_GLoVE(*_seed_params(model), log_x)
    np.testing.assert_allclose(g_w, e_w, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g_b, e_b[:, 0], rtol=1e-10, atol=1e-10)
    # The older handout's formula (no symmetrisation) holds for a symmetric X
    # and is wrong for an asymmetric one.
    w, _, b, _ = _seed_params(model)
    old_w, old_b = grad_GLoVE_older(w, b, log_x)
    assert not np.allclose(old_w, e_w)
    sym_x = _log_x(2, symmetric=True)
    _, (g_w, g_b) = _autodiff(model, *_both_forms(sym_x)[form])
    old_w, old_b = grad_GLoVE_older(w, b, sym_x)
    np.testing.assert_allclose(g_w, old_w, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(g_b, old_b[:, 0], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("symmetric", [False, True])
def test_finite_differences_agree(symmetric, float64):
    log_x = _log_x(3)
    model = _model(symmetric, seed=3)
    model.compile()
    results = gradcheck.check_gradients(model, np.arange(V), log_x, num_checks=20)
    assert all(r.passed for r in results), results
    assert len(results) == (2 if symmetric else 4)


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("form", ["pairs", "rows"])
def test_full_batch_sgd_is_the_seed_training_loop(symmetric, form, float64):
    log_x = _log_x(4)
    model = _model(symmetric, seed=4)
    start = _seed_params(model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05 / V))
    x, y = _both_forms(log_x)[form]
    history = model.fit(x, y, batch_size=len(x), epochs=3, shuffle=False, verbose=0)
    expected = train_GLoVE(*start, log_x, n_epochs=3)
    for got, want in zip(_seed_params(model), expected):
        if want is not None:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    # The logged loss is L before each step.
    np.testing.assert_allclose(
        history.history["loss"][0], loss_GLoVE(*start, log_x), rtol=1e-12
    )


def test_training_decreases_loss_with_default_compile():
    log_x = _log_x(5)
    keras.utils.set_random_seed(5)
    model = GloVe(V, 4)  # float32, default init
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    pairs, values = datasets.cooccurrence_pairs(log_x)
    history = model.fit(pairs, values, batch_size=32, epochs=15, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.2 * losses[0], losses
    final = model.evaluate(pairs, values, batch_size=len(pairs), verbose=0)
    initial = np.sum(values**2)  # about L at the 0.1-scale initialisation
    assert final < 0.1 * initial


def test_parameter_count_matches_the_lab():
    # Seed 002 §1.1 / §2.1.1: 2 vectors and 2 biases per word, 2V(d + 1).
    # (Its §1.4 answer's "V(d + 2)" for the symmetric model and the older
    # handout's "V x d + d" are slips: one vector and one bias, V(d + 1).)
    for dim in (1, 2, 10):
        asym, sym = GloVe(V, dim), GloVe(V, dim, symmetric=True)
        assert asym.count_params() == 2 * V * dim + 2 * V == 2 * V * (dim + 1)
        assert sym.count_params() == V * dim + V == V * (dim + 1)
        assert len(asym.trainable_weights) == 4 and len(sym.trainable_weights) == 2


def test_symmetric_shares_weights_and_embeddings_choices(float64):
    sym = _model(symmetric=True)
    assert sym.w_tilde is sym.w and sym.b_tilde is sym.b
    scores = to_numpy(sym(np.arange(V)))
    np.testing.assert_allclose(scores, scores.T, atol=1e-12)
    for source in ("input", "output", "average"):
        np.testing.assert_array_equal(sym.get_embeddings(source), to_numpy(sym.w))
    asym = _model(symmetric=False)
    w, w_tilde = to_numpy(asym.w), to_numpy(asym.w_tilde)
    np.testing.assert_array_equal(asym.get_embeddings(), w)
    np.testing.assert_array_equal(asym.get_embeddings("output"), w_tilde)
    np.testing.assert_allclose(asym.get_embeddings("average"), (w + w_tilde) / 2)
    # The former names: `vectors=` and "w" / "w_tilde" / "mean", with a warning.
    for old, new in (("w", "input"), ("w_tilde", "output"), ("mean", "average")):
        with pytest.warns(DeprecationWarning, match="deprecated"):
            np.testing.assert_array_equal(
                asym.get_embeddings(vectors=old), asym.get_embeddings(new)
            )
        with pytest.warns(DeprecationWarning, match=f"source='{new}'"):
            np.testing.assert_array_equal(
                asym.get_embeddings(old), asym.get_embeddings(new)
            )
    # Pairs and rows score the same entries.
    pairs, _ = datasets.cooccurrence_pairs(np.zeros((V, V)))
    np.testing.assert_allclose(
        to_numpy(asym(pairs)).reshape(V, V), to_numpy(asym(np.arange(V))), atol=1e-12
    )
    assert asym.compute_output_shape((None, 2)) == (None, 1)
    assert asym.compute_output_shape((None,)) == (None, V)


def test_sum_squared_error_by_hand():
    loss = SumSquaredError()
    np.testing.assert_allclose(loss(np.array([[1.0, 2.0]]), np.zeros((1, 2))), 5.0)
    # Pairs: targets (batch,), predictions (batch, 1); weights per pair.
    y, p = np.array([1.0, 2.0, 3.0]), np.array([[0.0], [0.0], [1.0]])
    np.testing.assert_allclose(loss(y, p), 1 + 4 + 4)
    np.testing.assert_allclose(loss(y, p, sample_weight=np.array([1, 0, 2])), 9.0)


def test_save_and_load(tmp_path):
    log_x = _log_x(6)
    keras.utils.set_random_seed(6)
    model = GloVe(V, D, name="glove")
    model.compile(optimizer=keras.optimizers.SGD(0.01))
    model.fit(np.arange(V), log_x, batch_size=V, epochs=2, verbose=0)
    path = os.path.join(tmp_path, "glove.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, GloVe)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.get_embeddings(), model.get_embeddings())
    np.testing.assert_array_equal(
        loaded.get_embeddings("output"), model.get_embeddings("output")
    )
    np.testing.assert_allclose(
        to_numpy(loaded(np.arange(V))), to_numpy(model(np.arange(V))), atol=1e-6
    )
    assert isinstance(loaded.loss, SumSquaredError)
    loaded.fit(np.arange(V), log_x, batch_size=V, epochs=1, verbose=0)  # trainable
    sym = GloVe(V, D, symmetric=True)
    revived = GloVe.from_config(sym.get_config())
    assert revived.symmetric and revived.count_params() == sym.count_params()


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
def test_float64_needs_jax_64_bit_mode():
    import jax

    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            GloVe(V, D)
        keras.config.set_dtype_policy("float32")
        model = GloVe(V, D)  # float32 weights: fine
        with pytest.raises(InvalidInputError, match=r"GloVe\.compile \(floatx\)"):
            model.compile()  # SumSquaredError would compute in floatx, float64
    with jax.enable_x64(True):
        model = GloVe(V, D, dtype="float64")
        assert keras.backend.standardize_dtype(model.w.dtype) == "float64"
        assert to_numpy(model(np.arange(V))).dtype == np.float64


def test_bad_arguments():
    with pytest.raises(InvalidInputError, match="`vocabulary_size` must be a posi"):
        GloVe(0, 2)
    with pytest.raises(InvalidInputError, match="`embedding_dim` must be a positive"):
        GloVe(5, 2.5)
    with pytest.raises(InvalidInputError, match="`symmetric` must be True or False"):
        GloVe(5, 2, symmetric="yes")
    with pytest.raises(InvalidInputError, match="GloVe.*`source` must be one of"):
        GloVe(5, 2).get_embeddings("sum")
