"""`models.SkipGram` and `models.CBOWNegativeSampling` (word2vec, Mikolov 2013).

Oracles: the dot products, the logistic loss and its SGD update written out
in NumPy with assigned weights (duplicate ids and padding included), and a
synthetic corpus whose two topics must come apart after training.
"""

import os

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy
from tf_keras.preprocessing import sequence as legacy  # the Keras 2 oracle

from keras_embeddings import datasets, models
from keras_embeddings.errors import InvalidInputError


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _assign(model, w_in, w_out):
    model.build(None)
    model.target_embedding.embeddings.assign(w_in)
    model.context_embedding.embeddings.assign(w_out)


def _tables(seed, vocabulary_size, dim):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(vocabulary_size, dim)).astype("float32") * 0.5,
        rng.normal(size=(vocabulary_size, dim)).astype("float32") * 0.5,
    )


# Four pairs, two negatives each; ids repeat (3 is a target, a context and a
# negative) so the update must add up duplicate rows.
TARGET = np.array([3, 4, 3, 1], "int32")
CONTEXT = np.array([4, 3, 2, 3], "int32")
NEGATIVES = np.array([[5, 3], [6, 6], [2, 5], [1, 4]], "int32")
WEIGHTS = np.array([1.0, 1.0, 1.0, 0.0], "float32")  # the last one is padding
LABELS = np.array([[1.0, 0.0, 0.0]] * 4, "float32")


def _numpy_logits(u, w_out, context, negatives, group):
    positive = np.sum(u * w_out[context], axis=-1, keepdims=True)
    rows = np.repeat(negatives, group, axis=0)  # each row serves `group` pairs
    negative = np.einsum("bd,bkd->bk", u, w_out[rows])
    return np.concatenate([positive, negative], axis=-1)


def _numpy_losses(logits):
    return -np.log(_sigmoid(logits[:, 0])) - np.log(_sigmoid(-logits[:, 1:])).sum(1)


@pytest.mark.parametrize("group", [1, 2, 4])
def test_skipgram_logits_and_loss_equal_numpy(group):
    w_in, w_out = _tables(0, 7, 3)
    model = models.SkipGram(7, 3, negatives=2)
    _assign(model, w_in, w_out)
    negatives = NEGATIVES[::group]  # (4 // group, 2)
    logits = convert_to_numpy(model((TARGET, CONTEXT, negatives)))
    expected = _numpy_logits(w_in[TARGET], w_out, CONTEXT, negatives, group)
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-6)

    losses = convert_to_numpy(models.negative_sampling_loss(LABELS, logits))
    np.testing.assert_allclose(losses, _numpy_losses(expected), rtol=1e-5)
    total = models.NegativeSamplingLoss()(LABELS, logits, sample_weight=WEIGHTS)
    np.testing.assert_allclose(
        convert_to_numpy(total), (_numpy_losses(expected) * WEIGHTS).sum(), rtol=1e-5
    )


def test_loss_by_hand():
    # z = 0 everywhere: -log(1/2) for the positive and each negative.
    loss = models.NegativeSamplingLoss()(np.array([[1.0, 0.0, 0.0]]), np.zeros((1, 3)))
    assert float(loss) == pytest.approx(3 * np.log(2), rel=1e-6)


def test_one_sgd_step_equals_word2vec_update():
    # word2vec's update for each pair, summed over the batch (SGD on the sum
    # of example losses): g = sigmoid(z) - label; the target row moves by
    # -lr * g * v and each output row by -lr * g * u.
    w_in, w_out = _tables(1, 7, 3)
    lr = 0.1
    model = models.SkipGram(7, 3, negatives=2)
    model.compile(learning_rate=lr)  # XLA on TensorFlow, as users train
    _assign(model, w_in, w_out)
    negatives = NEGATIVES[::2]  # two pairs share each draw
    model.train_on_batch((TARGET, CONTEXT, negatives), LABELS, sample_weight=WEIGHTS)

    grad_in, grad_out = np.zeros_like(w_in), np.zeros_like(w_out)
    rows = np.repeat(negatives, 2, axis=0)
    for i in range(4):
        u = w_in[TARGET[i]]
        outputs = [CONTEXT[i], *rows[i]]
        for k, o in enumerate(outputs):
            g = (_sigmoid(u @ w_out[o]) - (k == 0)) * WEIGHTS[i]
            grad_in[TARGET[i]] += g * w_out[o]
            grad_out[o] += g * u
    np.testing.assert_allclose(
        model.target_embedding.embeddings, w_in - lr * grad_in, atol=1e-6
    )
    np.testing.assert_allclose(
        model.context_embedding.embeddings, w_out - lr * grad_out, atol=1e-6
    )


def test_cbow_uses_the_mean_of_the_context_words():
    w_in, w_out = _tables(2, 9, 4)
    context = np.array([[2, 5, 0, 0], [1, 1, 7, 3], [0, 0, 0, 0]], "int32")
    center = np.array([3, 8, 4], "int32")
    negatives = np.array([[6, 1], [2, 2], [5, 7]], "int32")
    model = models.CBOWNegativeSampling(9, 4, negatives=2)
    _assign(model, w_in, w_out)
    logits = convert_to_numpy(model((context, center, negatives)))
    u = np.stack(
        [
            (w_in[2] + w_in[5]) / 2,  # padding (0) is left out of the mean
            (2 * w_in[1] + w_in[7] + w_in[3]) / 4,
            np.zeros(4),  # no context word: u = 0
        ]
    )
    expected = _numpy_logits(u, w_out, center, negatives, 1)
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-6)

    # One SGD step: each context row gets the whole dL/du (word2vec.c and
    # gensim's CBOW update), not dL/du / count.
    lr = 0.05
    model.compile(learning_rate=lr, jit_compile=False)
    model.train_on_batch((context, center, negatives), np.eye(3)[[0, 0, 0]])
    grad_in = np.zeros_like(w_in)
    for i in range(2):
        words = context[i][context[i] > 0]
        outputs = [center[i], *negatives[i]]
        g = [_sigmoid(u[i] @ w_out[o]) - (k == 0) for k, o in enumerate(outputs)]
        du = sum(gk * w_out[o] for gk, o in zip(g, outputs))
        for word in words:
            grad_in[word] += du
    np.testing.assert_allclose(
        model.target_embedding.embeddings, w_in - lr * grad_in, atol=1e-6
    )


def _topic_corpus(seed=0, sentences=300):
    # Words 1-6 only appear with each other, as do words 7-12.
    rng = np.random.default_rng(seed)
    topics = [np.arange(1, 7), np.arange(7, 13)]
    return [rng.choice(topics[i % 2], size=8).tolist() for i in range(sentences)]


def _topic_gap(embeddings):
    e = embeddings[1:13] / np.linalg.norm(embeddings[1:13], axis=1, keepdims=True)
    cos = e @ e.T
    same = np.kron(np.eye(2), np.ones((6, 6))).astype(bool) & ~np.eye(12, dtype=bool)
    across = ~np.kron(np.eye(2), np.ones((6, 6))).astype(bool)
    return cos[same].mean(), cos[across].mean()


@pytest.mark.parametrize(
    "model_class, kind, learning_rate",
    # CBOW passes the whole error to each of up to 6 context words (gensim's
    # update), and 13 words repeat ~20 times in a batch: a smaller rate.
    [(models.SkipGram, "skipgram", 0.05), (models.CBOWNegativeSampling, "cbow", 0.01)],
)
def test_training_brings_words_of_a_topic_together(model_class, kind, learning_rate):
    keras.utils.set_random_seed(0)
    ds = datasets.word2vec_dataset(
        _topic_corpus(), 13, model=kind, window_size=3, negatives=3, sample=0,
        batch_size=256, shared_negatives=4, seed=0,
    )  # fmt: skip
    model = model_class(13, 16, negatives=3)
    epochs = 8
    model.compile(
        learning_rate=learning_rate, decay_steps=epochs * int(ds.cardinality()),
        jit_compile=False,
    )  # fmt: skip
    before = _topic_gap(model.get_embeddings())
    history = model.fit(ds, epochs=epochs, verbose=0)
    same, across = _topic_gap(model.get_embeddings())
    assert abs(before[0] - before[1]) < 0.2  # random start: no structure
    assert same > across + 0.5, (same, across)
    assert history.history["pair_loss"][-1] < history.history["pair_loss"][0]


def test_trains_on_keras2_skipgrams_pairs():
    # The TensorFlow tutorial's data: labelled (word, context) pairs.
    keras.utils.set_random_seed(1)
    couples, labels = legacy.skipgrams(
        sum(_topic_corpus(sentences=40), []), 13, window_size=2, seed=0
    )
    couples = np.array(couples, "int32")
    model = models.SkipGram(13, 8, negatives=0)
    model.compile(jit_compile=False)
    history = model.fit(
        (couples[:, 0], couples[:, 1]), np.array(labels, "float32")[:, None],
        batch_size=64, epochs=2, verbose=0,
    )  # fmt: skip
    assert model((couples[:5, 0], couples[:5, 1])).shape == (5, 1)
    assert np.isfinite(history.history["loss"]).all()


def test_linear_decay_like_gensim():
    model = models.SkipGram(10, 4)
    model.compile(learning_rate=0.025, decay_steps=100, jit_compile=False)
    model.build(None)
    model.optimizer.build(model.trainable_variables)

    def rate_at(step):  # the rate SGD applies at `step`
        model.optimizer.iterations.assign(step)
        return float(model.optimizer.learning_rate)

    assert rate_at(0) == pytest.approx(0.025)
    assert rate_at(50) == pytest.approx(0.025 - 0.5 * (0.025 - 2.5e-6))
    assert rate_at(100) == pytest.approx(2.5e-6)
    assert rate_at(500) == pytest.approx(2.5e-6)  # stays at the floor
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert isinstance(model.loss, models.NegativeSamplingLoss)
    if keras.backend.backend() == "tensorflow":
        assert models.SkipGram(10, 4).jit_compile is not True  # before compile
        fresh = models.SkipGram(10, 4)
        fresh.compile()
        assert fresh.jit_compile is True


@pytest.mark.parametrize("model_class", [models.SkipGram, models.CBOWNegativeSampling])
def test_default_steps_per_execution_suits_the_backend(model_class):
    # 16 steps per call where Keras' trainer can run several (TensorFlow,
    # JAX); 1 on PyTorch, whose trainer refuses more. `fit` takes the default.
    model = model_class(13, 4, negatives=2)
    model.compile(jit_compile=False)
    expected = 1 if keras.backend.backend() == "torch" else 16
    assert model.steps_per_execution == expected
    kind = "skipgram" if model_class is models.SkipGram else "cbow"
    ds = datasets.word2vec_dataset(
        _topic_corpus(sentences=20), 13, model=kind, window_size=2, negatives=2,
        sample=0, batch_size=32, seed=0,
    )  # fmt: skip
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert int(model.optimizer.iterations) == int(ds.cardinality())


@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="PyTorch only: TensorFlow and JAX run several steps per call",
)
def test_several_steps_per_execution_are_refused_on_torch():
    for model in (models.SkipGram(10, 4), models.CBOWNegativeSampling(10, 4)):
        with pytest.raises(InvalidInputError, match="PyTorch.*steps_per_execution=4"):
            model.compile(steps_per_execution=4)
    model.compile(steps_per_execution=1)  # the one value PyTorch runs
    assert model.steps_per_execution == 1


@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="PyTorch only: TensorFlow and JAX run the saved 16 steps per call",
)
def test_compile_config_of_16_steps_per_execution_loads_on_torch():
    # The compile config a `.keras` file saved under TensorFlow or JAX holds.
    saved = models.SkipGram(13, 4, negatives=2)
    saved.compile(jit_compile=False)
    config = dict(saved.get_compile_config(), steps_per_execution=16)
    model = models.SkipGram(13, 4, negatives=2)
    model.build(None)
    model.compile_from_config(config)
    assert model.steps_per_execution == 1
    ds = datasets.word2vec_dataset(
        _topic_corpus(sentences=20), 13, window_size=2, negatives=2, sample=0,
        batch_size=32, seed=0,
    )  # fmt: skip
    model.fit(ds, epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == int(ds.cardinality())


@pytest.mark.parametrize("kind", ["skipgram", "cbow"])
def test_save_and_load_round_trip(tmp_path, kind):
    keras.utils.set_random_seed(2)
    model_class = models.SkipGram if kind == "skipgram" else models.CBOWNegativeSampling
    ds = datasets.word2vec_dataset(
        _topic_corpus(sentences=20), 13, model=kind, window_size=2, negatives=2,
        sample=0, batch_size=32, shared_negatives=8, seed=0,
    )  # fmt: skip
    model = model_class(13, 6, negatives=2)
    model.compile(decay_steps=20, jit_compile=False)
    model.fit(ds, epochs=1, verbose=0)
    path = os.path.join(tmp_path, "w2v.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is model_class
    assert loaded.get_config() == model.get_config()
    x = next(iter(ds))[0]
    np.testing.assert_allclose(
        convert_to_numpy(loaded(x)), convert_to_numpy(model(x)), atol=1e-6
    )
    for source in ("input", "output", "average"):
        np.testing.assert_array_equal(
            loaded.get_embeddings(source), model.get_embeddings(source)
        )
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) > 0
    loaded.fit(ds, epochs=1, verbose=0)  # the compiled state trains on


def test_get_embeddings_shapes_and_sources():
    model = models.SkipGram(vocabulary_size=11, embedding_dim=5)
    w_in = model.get_embeddings()  # builds the tables if needed
    assert w_in.shape == (11, 5)
    assert np.abs(w_in).max() <= 0.5 / 5  # word2vec's initialization
    np.testing.assert_array_equal(model.get_embeddings("output"), 0)
    np.testing.assert_allclose(model.get_embeddings("average"), w_in / 2)
    with pytest.raises(InvalidInputError, match="source"):
        model.get_embeddings("hidden")
    assert models.CBOWNegativeSampling(11, 5).get_embeddings().shape == (11, 5)


def test_bad_arguments_are_named():
    with pytest.raises(InvalidInputError, match="vocabulary_size"):
        models.SkipGram(1, 4)
    with pytest.raises(InvalidInputError, match="embedding_dim"):
        models.SkipGram(10, 0)
    with pytest.raises(InvalidInputError, match="negatives"):
        models.CBOWNegativeSampling(10, 4, negatives=-1)
    model = models.SkipGram(10, 4, negatives=3)
    with pytest.raises(InvalidInputError, match="negatives=3"):
        model((TARGET, CONTEXT, NEGATIVES))  # 2 negative columns
    with pytest.raises(InvalidInputError, match="2 or 3 inputs"):
        model((TARGET,))
    with pytest.raises(InvalidInputError, match="tuple"):
        model(TARGET)
