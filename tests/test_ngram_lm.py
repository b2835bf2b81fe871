import json
import os

import keras
import numpy as np
import pytest
from helpers import FLOAT64_ON_JAX_ERROR, JAX_ONLY, float64_without_jax_x64

from keras_embeddings import gradcheck
from keras_embeddings.datasets import mask_inputs, masked_dataset, sample_input_mask
from keras_embeddings.datasets.csc321 import CLASSIC_PARAM_NAMES
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models import NGramLanguageModel


def _model(masked=False, **kwargs):
    keras.utils.set_random_seed(0)
    kwargs = {
        "vocabulary_size": 7,
        "sequence_length": 4 if masked else 3,
        "embedding_dim": 2,
        "hidden_dim": 3,
        "masked": masked,
        **kwargs,
    }
    return NGramLanguageModel(**kwargs)


def _log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _seed_forward(params, inputs, context_length, vocabulary_size):
    """The assignment's `compute_activations`, in NumPy: logits and softmax."""
    embeddings = params["word_embedding_weights"]
    dim = embeddings.shape[1]
    layer = np.zeros((len(inputs), context_length * dim))
    for i in range(context_length):
        layer[:, i * dim : (i + 1) * dim] = embeddings[inputs[:, i], :]
    hidden = 1.0 / (
        1.0 + np.exp(-(layer @ params["embed_to_hid_weights"].T + params["hid_bias"]))
    )
    z = hidden @ params["hid_to_output_weights"].T + params["output_bias"]
    z = z - z.max(1).reshape((-1, 1))
    y = np.exp(z).reshape((len(inputs), -1, vocabulary_size))
    y /= y.sum(-1, keepdims=True)
    return z, y.reshape(z.shape)


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize("masked", [False, True])
def test_shapes_config_and_symbolic_call(masked):
    model = _model(masked)
    x = np.array(
        [[1, 2, 3, 4][: model.sequence_length], [5, 6, 0, 1][: model.sequence_length]]
    )
    out = model(x)
    expected = (2, 4, 7) if masked else (2, 7)
    assert tuple(out.shape) == expected
    assert model.compute_output_shape((None, x.shape[1])) == (None, *expected[1:])
    symbolic = model(keras.Input((x.shape[1],), dtype="int32"))
    assert tuple(symbolic.shape) == (None, *expected[1:])
    assert model.get_embeddings().shape == (7, 2)
    assert [w.shape for w in model.trainable_weights] == [
        (7, 2),
        (x.shape[1] * 2, 3),
        (3,),
        (3, 7 * (4 if masked else 1)),
        (7 * (4 if masked else 1),),
    ]

    config = model.get_config()
    json.dumps(config)
    revived = NGramLanguageModel.from_config(config)
    assert revived.get_config() == config
    revived(x)
    revived.set_weights(model.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(revived(x)),
        keras.ops.convert_to_numpy(out),
        atol=1e-6,
    )


def test_initializer_is_the_seed_normal_and_biases_are_zero():
    init = keras.initializers.RandomNormal(stddev=0.01)
    model = _model(
        vocabulary_size=400, embedding_dim=20, hidden_dim=50, initializer=init
    )
    model.build((None, 3))
    params = model.get_classic_params()
    for name in (
        "word_embedding_weights",
        "embed_to_hid_weights",
        "hid_to_output_weights",
    ):
        assert abs(params[name].std() - 0.01) < 0.001, name
    # Each weight draws its own values (not one shared seed).
    assert not np.allclose(
        params["word_embedding_weights"].ravel()[:100],
        params["hid_to_output_weights"].ravel()[:100],
    )
    assert not params["hid_bias"].any() and not params["output_bias"].any()
    config = model.get_config()
    assert config["initializer"]["class_name"] == "RandomNormal"
    assert NGramLanguageModel.from_config(config).get_config() == config


def test_invalid_arguments_name_the_argument():
    with pytest.raises(InvalidInputError, match="`vocabulary_size`.*0"):
        NGramLanguageModel(0)
    with pytest.raises(InvalidInputError, match="`sequence_length`"):
        NGramLanguageModel(5, sequence_length=2.5)
    with pytest.raises(InvalidInputError, match="`dropout`.*1.5"):
        NGramLanguageModel(5, dropout=1.5)
    with pytest.raises(InvalidInputError, match="`hidden_activation`.*'nope'"):
        NGramLanguageModel(5, hidden_activation="nope")
    with pytest.raises(InvalidInputError, match="`masked`"):
        NGramLanguageModel(5, masked="yes")


# ------------------------------------------------------------ loss, metrics


def test_next_word_loss_accuracy_perplexity_by_hand():
    model = _model()
    model.compile(optimizer="sgd")
    x = np.array([[0, 1, 2], [3, 4, 5], [6, 0, 1], [2, 2, 2]])
    y = np.array([3, 0, 6, 2])
    result = model.evaluate(x, y, return_dict=True, verbose=0)
    # Oracle: the assignment's NumPy forward on the same weights.
    z, _ = _seed_forward(model.get_classic_params(), x, 3, 7)
    log_p = _log_softmax(z)
    expected = -log_p[np.arange(4), y].mean()
    np.testing.assert_allclose(result["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(result["perplexity"], np.exp(expected), rtol=1e-5)
    accuracy = (z.argmax(-1) == y).mean()
    np.testing.assert_allclose(result["accuracy"], accuracy)


def test_masked_loss_counts_only_masked_positions():
    model = _model(masked=True)
    model.compile(optimizer="sgd")
    rows = np.array([[1, 2, 3, 4], [5, 6, 1, 2], [3, 3, 6, 5]])
    # One masked word in rows 0 and 1, two in row 2: four masked positions.
    mask = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1]])
    inputs, targets = mask_inputs(rows, mask)
    np.testing.assert_array_equal(inputs, [[1, 0, 3, 4], [0, 6, 1, 2], [3, 3, 0, 0]])
    np.testing.assert_array_equal(targets, [[0, 2, 0, 0], [5, 0, 0, 0], [0, 0, 6, 5]])

    z, _ = _seed_forward(model.get_classic_params(), inputs, 4, 7)
    log_p = _log_softmax(z.reshape(3, 4, 7))  # a softmax per block of V
    picked = [-log_p[0, 1, 2], -log_p[1, 0, 5], -log_p[2, 2, 6], -log_p[2, 3, 5]]
    expected = np.mean(picked)
    result = model.evaluate(inputs, targets, return_dict=True, verbose=0)
    np.testing.assert_allclose(result["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(result["perplexity"], np.exp(expected), rtol=1e-5)
    hits = [
        log_p[0, 1].argmax() == 2,
        log_p[1, 0].argmax() == 5,
        log_p[2, 2].argmax() == 6,
        log_p[2, 3].argmax() == 5,
    ]
    np.testing.assert_allclose(result["accuracy"], np.mean(hits))

    # The unmasked positions' logits do not move the loss at all.
    logits = keras.ops.convert_to_numpy(model(inputs)).copy()
    logits[0, 0] += 10.0
    logits[1, 3] -= 5.0
    np.testing.assert_allclose(
        model.compute_loss(x=inputs, y=targets, y_pred=logits), expected, rtol=1e-5
    )


# ------------------------------------------------------------ save / load


@pytest.mark.parametrize("masked", [False, True])
def test_keras_save_load_restores_weights_and_compile(tmp_path, masked):
    model = _model(
        masked,
        dropout=0.2,
        hidden_activation="tanh",
        initializer=keras.initializers.RandomNormal(stddev=0.1),
    )
    rows = np.random.default_rng(0).integers(1, 7, size=(20, model.sequence_length))
    if masked:
        x, y = mask_inputs(rows, sample_input_mask(20, 4, seed=1))
    else:
        x, y = rows[:, :3], rows[:, 0]
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.fit(x, y, epochs=2, verbose=0)
    before = model.evaluate(x, y, return_dict=True, verbose=0)
    path = os.path.join(tmp_path, "ngram.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, NGramLanguageModel)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6
    )
    after = loaded.evaluate(x, y, return_dict=True, verbose=0)  # compiled on load
    assert set(after) == set(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=1e-5)
    loaded.fit(x, y, epochs=1, verbose=0)  # optimizer restored too


# ------------------------------------------------------- classic params


@pytest.mark.parametrize("masked", [False, True])
def test_classic_params_round_trip_and_layout(masked):
    model = _model(masked)
    n = model.sequence_length
    outputs = 7 * n if masked else 7
    rng = np.random.default_rng(3)
    params = {
        "word_embedding_weights": rng.normal(size=(7, 2)),
        "embed_to_hid_weights": rng.normal(size=(3, n * 2)),
        "hid_to_output_weights": rng.normal(size=(outputs, 3)),
        "hid_bias": rng.normal(size=3),
        "output_bias": rng.normal(size=outputs),
        "vocab": ["ignored"],
    }
    model.set_classic_params(params)
    back = model.get_classic_params()
    assert sorted(back) == sorted(CLASSIC_PARAM_NAMES)
    for name in CLASSIC_PARAM_NAMES:
        np.testing.assert_allclose(back[name], params[name], rtol=1e-6)
    # Exact layout: Dense kernels are the transposes.
    np.testing.assert_allclose(
        model.hidden.kernel, params["embed_to_hid_weights"].T, rtol=1e-6
    )
    np.testing.assert_allclose(
        model.logits.kernel, params["hid_to_output_weights"].T, rtol=1e-6
    )
    x = rng.integers(0, 7, size=(5, n))
    z, _ = _seed_forward(params, x, n, 7)
    logits = keras.ops.convert_to_numpy(model(x)).reshape(5, -1)
    np.testing.assert_allclose(
        _log_softmax(logits.reshape(5, -1, 7)),
        _log_softmax(z.reshape(5, -1, 7)),
        atol=1e-5,
    )


def test_classic_params_errors():
    model = _model()
    good = _model().get_classic_params()
    with pytest.raises(InvalidInputError, match="lacks \\['hid_bias'\\]"):
        model.set_classic_params({k: v for k, v in good.items() if k != "hid_bias"})
    bad = dict(good, hid_to_output_weights=np.zeros((28, 3)))
    with pytest.raises(
        InvalidInputError, match="hid_to_output_weights.*\\(7, 3\\).*\\(28, 3\\)"
    ):
        model.set_classic_params(bad)
    with pytest.raises(InvalidInputError, match="`params` must be a dict"):
        model.set_classic_params([1, 2])


def test_next_word_forward_equals_seed_compute_activations(csc321_dir, float64):
    # The seed's NumPy forward pass in float64, matched to float64 rounding:
    # the `float64` fixture turns on JAX's 64-bit mode (TensorFlow and
    # PyTorch compute float64 as is).
    from keras_embeddings.datasets import load_classic_params, load_csc321

    params, vocabulary = load_classic_params(csc321_dir / "partially_trained_3ctx.pk")
    inputs, _ = load_csc321(csc321_dir).train
    inputs = inputs[:100]
    model = NGramLanguageModel(250, 3, embedding_dim=8, hidden_dim=64, dtype="float64")
    model.set_classic_params(params)
    _, expected = _seed_forward(params, inputs, 3, 250)
    logits = model(inputs)
    assert keras.backend.standardize_dtype(logits.dtype) == "float64"
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(logits))
    np.testing.assert_allclose(probabilities, expected, rtol=1e-12, atol=1e-15)
    assert len(vocabulary) == 250


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
def test_float64_without_jax_64_bit_mode_is_refused():
    # JAX would silently compute the float64 model in float32.
    with float64_without_jax_x64():
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            NGramLanguageModel(7, 3)  # the float64 dtype policy
        with pytest.raises(InvalidInputError, match="NGramLanguageModel.*JAX"):
            NGramLanguageModel(7, 3, dtype="float64")
        assert NGramLanguageModel(7, 3, dtype="float32").compute_dtype == "float32"


# --------------------------------------------------- the seed's gradients

# `print_gradients()` of seed 002 §2.2.3 (partially_trained_masked.pk, first
# 100 training rows, np.random.seed(0) masks, cross-entropy summed).
SEED_LOSS_DERIVATIVE = {(2, 5): 0.0, (2, 121): 0.0, (5, 33): 0.0, (5, 31): 0.0}
SEED_WORD_EMBEDDING = {
    (27, 2): 0.0,
    (43, 3): 0.01159689251148945,  # see test_gradient_parity_with_print_gradients
    (22, 4): -0.022267062381729714,
    (2, 5): 0.0,
}
SEED_EMBED_TO_HID = {
    (10, 2): 0.3793257091930164,
    (15, 3): 0.01604516132110911,
    (30, 9): -0.4312854367997418,
    (35, 21): 0.06679896665436336,
}
SEED_HID_BIAS = {10: 0.023428803123345162, 20: -0.02437045237887423}
SEED_OUTPUT_BIAS = {
    0: 0.000970106146902794,
    1: 0.1686894627476322,
    2: 0.0051664774143909235,
    3: 0.1509622647181436,
}


def test_gradient_parity_with_print_gradients(csc321_dir):
    from keras_embeddings.datasets import load_classic_params, load_csc321

    params, vocabulary = load_classic_params(csc321_dir / "partially_trained_masked.pk")
    rows = load_csc321(csc321_dir, variant="masked").train[:100]
    V = len(vocabulary)
    # float64_scope: float64 stays float64 on JAX and PyTorch too.
    with gradcheck.float64_scope():
        model = NGramLanguageModel(V, sequence_length=4, masked=True, dtype="float64")
        model.set_classic_params(params)

    np.random.seed(0)  # print_gradients() seeds NumPy, then sample_input_mask
    mask = sample_input_mask(100, 4)
    np.testing.assert_array_equal(mask, sample_input_mask(100, 4, seed=0))
    inputs, targets = mask_inputs(rows, mask)
    # Summed, not averaged: the seed's C = -sum_i sum_n m_n log y_n.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=0, reduction="sum", dtype="float64"
    )

    def loss_of_weights(*weights):
        logits, _ = model.stateless_call(list(weights), [], inputs)
        return loss_fn(targets, logits)

    weights = [keras.ops.convert_to_numpy(w.value) for w in model.trainable_weights]
    assert all(w.dtype == np.float64 for w in weights)
    table, kernel, hid_bias, _, output_bias = gradcheck.gradients(
        loss_of_weights, weights
    )
    with gradcheck.float64_scope():
        logits = keras.ops.convert_to_numpy(model(inputs))  # (100, 4, 251)
        loss = keras.ops.convert_to_numpy(loss_fn(targets, logits))
        # The compiled loss is this sum's mean over the 100 masked positions
        # (Keras returns the compiled total in float32).
        model.compile(optimizer="sgd")
        compiled = model.compute_loss(x=inputs, y=targets, y_pred=logits)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(compiled), loss / 100, rtol=1e-6
    )

    # loss_derivative = dC/dz, the logits flattened to (batch, 4 * V).
    (dz,) = gradcheck.gradients(lambda z: loss_fn(targets, z), [logits])
    dz = dz.reshape(100, -1)
    embed_to_hid = kernel.T  # the assignment's (H, N*D) layout
    for (i, j), value in SEED_LOSS_DERIVATIVE.items():
        np.testing.assert_allclose(dz[i, j], value, atol=1e-9)
    for (i, j), value in SEED_EMBED_TO_HID.items():
        np.testing.assert_allclose(embed_to_hid[i, j], value, atol=1e-9)
    for i, value in SEED_HID_BIAS.items():
        np.testing.assert_allclose(hid_bias[i], value, atol=1e-9)
    for i, value in SEED_OUTPUT_BIAS.items():
        np.testing.assert_allclose(output_bias[i], value, atol=1e-9)

    # The embedding table's gradient. Autodiff sends the derivative of each
    # looked-up vector to the row that was looked up: at a masked position
    # that is row 0, [MASK]. The seed's print_gradients() calls
    # `back_propagate(input_batch, ...)` with the UNMASKED batch, so its
    # embedding loop (`indicator_matrix(input_batch[:, w]).T @ embed_deriv`)
    # adds the derivative at a masked position to the row of the word that
    # was hidden there instead. Word 43 occurs once in the 100 rows, at row
    # 70, position 1, which is the position masked in that row: the true
    # gradient for row 43 is 0, the seed prints 0.01159689251148945.
    def loss_of_vectors(vectors):  # the model after its embedding lookup
        hidden = model.hidden(keras.ops.reshape(vectors, (100, -1)))
        return loss_fn(targets, keras.ops.reshape(model.logits(hidden), (100, 4, V)))

    looked_up = weights[0][inputs]  # (100, 4, 16), one vector per position
    (vector_derivatives,) = gradcheck.gradients(loss_of_vectors, [looked_up])
    vector_derivatives = vector_derivatives.reshape(100 * 4, 16)  # batch-major
    autodiff = np.zeros((V, 16))
    np.add.at(autodiff, inputs.reshape(-1), vector_derivatives)
    seed_style = np.zeros((V, 16))
    np.add.at(seed_style, rows.reshape(-1), vector_derivatives)  # unmasked ids
    # The table's gradient is the per-vector derivatives summed by looked-up id.
    np.testing.assert_allclose(table, autodiff, atol=1e-15)
    for (i, j), value in SEED_WORD_EMBEDDING.items():
        np.testing.assert_allclose(seed_style[i, j], value, atol=1e-9)
    assert np.argwhere(rows == 43).tolist() == [[70, 1]] and mask[70, 1] == 1
    assert autodiff[43, 3] == 0.0  # the true gradient
    assert abs(autodiff[0]).sum() > 0 and not seed_style[0].any()
    # Everything else agrees: the two differ only by moving the masked
    # positions' derivatives between row 0 and the hidden words' rows.
    hidden_words = rows[mask == 1]
    untouched = np.setdiff1d(np.arange(V), np.r_[0, hidden_words])
    np.testing.assert_allclose(seed_style[untouched], autodiff[untouched], atol=1e-15)
    np.testing.assert_allclose(seed_style.sum(0), autodiff.sum(0), atol=1e-12)


@pytest.mark.parametrize("masked", [False, True])
def test_check_gradients_finite_differences(masked):
    model = _model(
        masked,
        embedding_dim=3,
        hidden_dim=4,
        initializer=keras.initializers.RandomNormal(stddev=0.5),
    )
    model.compile(optimizer="sgd")
    rows = np.random.default_rng(1).integers(1, 7, size=(6, model.sequence_length))
    if masked:
        x, y = mask_inputs(rows, sample_input_mask(6, 4, seed=2))
    else:
        x, y = rows[:, :3], rows[:, 0]
    model(x)
    report = gradcheck.check_gradients(model, x, y, num_checks=30)
    assert len(report) == 5 and all(r.passed for r in report)
    assert max(r.max_relative_error for r in report) < 1e-6


# ---------------------------------------------------------------- masking


def test_sample_input_mask_matches_the_seed():
    np.random.seed(0)
    positions = np.random.randint(4, size=(100,))
    np.random.seed(0)
    mask = sample_input_mask(100, 4)
    assert mask.shape == (100, 4) and (mask.sum(1) == 1).all()
    np.testing.assert_array_equal(mask.argmax(1), positions)
    np.testing.assert_array_equal(sample_input_mask(100, 4, seed=0), mask)
    np.testing.assert_array_equal(
        sample_input_mask(100, 4, seed=np.random.RandomState(0)), mask
    )
    generated = sample_input_mask(50, 3, seed=np.random.default_rng(0))
    assert generated.shape == (50, 3) and (generated.sum(1) == 1).all()
    with pytest.raises(InvalidInputError, match="`seed`"):
        sample_input_mask(3, 4, seed="zero")
    with pytest.raises(InvalidInputError, match="`batch_size`"):
        sample_input_mask(0)


def test_mask_inputs_errors():
    with pytest.raises(InvalidInputError, match="`mask`"):
        mask_inputs(np.ones((2, 4), int), np.ones((2, 3), int))
    with pytest.raises(InvalidInputError, match="`rows`"):
        mask_inputs(np.ones((2, 4)), np.ones((2, 4), int))
    with pytest.raises(InvalidInputError, match="MASK"):
        mask_inputs(np.array([[0, 1]]), np.array([[1, 0]]))


def test_masked_dataset_remasks_every_epoch_and_is_seeded():
    rows = np.arange(1, 1 + 4 * 60).reshape(60, 4) % 50 + 1
    dataset = masked_dataset(rows, batch_size=16, seed=0)

    def epoch(ds):
        inputs, targets = zip(*[(x.numpy(), y.numpy()) for x, y in ds])
        return np.concatenate(inputs), np.concatenate(targets)

    first, second = epoch(dataset), epoch(dataset)
    for inputs, targets in (first, second):
        assert inputs.shape == (60, 4) and inputs.dtype == np.int32
        # One [MASK] per row; inputs + targets put the row back together.
        assert ((inputs == 0).sum(1) == 1).all() and ((targets != 0).sum(1) == 1).all()
        restored = inputs + targets
        assert sorted(map(tuple, restored)) == sorted(map(tuple, rows))
    assert not np.array_equal(first[0], second[0])  # reshuffled and re-masked
    # Same rows, different masked positions from one epoch to the next.
    order = {tuple(r): i for i, r in enumerate(first[0] + first[1])}
    perm = [order[tuple(r)] for r in second[0] + second[1]]
    assert (first[1][perm] != second[1]).any()
    again = epoch(masked_dataset(rows, batch_size=16, seed=0))
    np.testing.assert_array_equal(again[0], first[0])
    unshuffled = epoch(masked_dataset(rows, batch_size=16, shuffle=False, seed=0))
    np.testing.assert_array_equal(unshuffled[0] + unshuffled[1], rows)


def test_masked_model_fits_on_masked_dataset():
    keras.utils.set_random_seed(0)
    rows = np.tile(np.array([[1, 2, 3, 4], [5, 6, 1, 2]]), (50, 1))
    model = _model(masked=True, embedding_dim=4, hidden_dim=16)
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit(
        masked_dataset(rows, batch_size=20, seed=0), epochs=15, shuffle=False, verbose=0
    )
    losses = history.history["loss"]
    assert losses[-1] < 0.2 < losses[0]
