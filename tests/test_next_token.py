import keras
import numpy as np
import pytest

from keras_embeddings.datasets import data_path
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.models import NextTokenModel, load_model

VOCAB = ["", "<unk>", "the", "cat", "sat", "on", "mat"]


def _model(**kwargs):
    keras.utils.set_random_seed(0)
    kwargs = {
        "vocabulary_size": len(VOCAB),
        "embedding_dim": 6,
        "hidden_dim": 8,
        "sequence_length": 4,
        "vocabulary": VOCAB,
        "oov_token": "<unk>",
        **kwargs,
    }
    return NextTokenModel(**kwargs)


def test_shapes_embeddings_and_defaults():
    model = _model()
    logits = model(np.array([[2, 3, 0, 0], [2, 3, 4, 5]]))
    assert tuple(logits.shape) == (2, len(VOCAB))
    np.testing.assert_array_equal(
        model.get_embeddings(), keras.ops.convert_to_numpy(model.embedding.embeddings)
    )
    assert model.get_embeddings().shape == (7, 6)
    model.compile()
    x = np.array([[2, 3, 4, 5], [3, 4, 0, 0], [2, 0, 0, 0]])
    y = np.array([6, 5, 3])
    result = model.evaluate(x, y, return_dict=True, verbose=0)
    # Sparse cross-entropy from logits, checked by hand; perplexity = e^loss.
    logits = keras.ops.convert_to_numpy(model(x))
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -log_softmax[np.arange(3), y].mean()
    np.testing.assert_allclose(result["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(result["perplexity"], np.exp(expected), rtol=1e-5)
    assert 0 <= result["accuracy"] <= 1


def test_left_right_and_no_padding_agree():
    # Masked steps carry the LSTM state, so padding side does not matter.
    model = _model()
    right = keras.ops.convert_to_numpy(model(np.array([[2, 3, 4, 0]])))
    left = keras.ops.convert_to_numpy(model(np.array([[0, 2, 3, 4]])))
    bare = keras.ops.convert_to_numpy(model(np.array([[2, 3, 4]])))
    np.testing.assert_allclose(right, bare, atol=1e-6)
    np.testing.assert_allclose(left, bare, atol=1e-6)


def _fit_cycle(model):
    # "the cat sat on the mat" as right-padded windows of a repeating text.
    x = np.array([[2, 0, 0, 0], [2, 3, 0, 0], [2, 3, 4, 0], [2, 3, 4, 5]])
    y = np.array([3, 4, 5, 2])
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    model.fit(x, y, epochs=60, verbose=0)
    return x, y


@pytest.fixture(scope="module")
def trained():
    model = _model(dropout=0.1)
    _fit_cycle(model)
    return model


def test_fit_then_greedy_generation_matches_stepwise_argmax(trained):
    model = trained
    x = np.array([[2, 0, 0, 0], [2, 3, 0, 0], [2, 3, 4, 0], [2, 3, 4, 5]])
    y = np.array([3, 4, 5, 2])
    np.testing.assert_array_equal(np.argmax(model.predict(x, verbose=0), -1), y)
    ids = model.generate([2, 3], num_words=5, sampler="greedy")
    # Oracle: predict one step at a time from the last 4 ids, right-padded.
    expected = [2, 3]
    for _ in range(5):
        context = expected[-4:] + [0] * (4 - len(expected[-4:]))
        logits = model.predict(np.array([context]), verbose=0)[0]
        logits[[0, 1]] = -np.inf
        expected.append(int(np.argmax(logits)))
    assert ids == expected
    assert model.generate("The cat", num_words=2) == "the cat sat on"


@pytest.mark.parametrize(
    "sampler,kwargs",
    [("top_k", {"k": 1}), ("top_p", {"p": 0.01}), ("beam", {"num_beams": 2})],
)
def test_samplers_agree_with_greedy_when_certain(trained, sampler, kwargs):
    model = trained
    greedy = model.generate([2], num_words=4, sampler="greedy")
    assert model.generate([2], num_words=4, sampler=sampler, seed=0, **kwargs) == greedy


def test_random_sampler_never_emits_padding_or_oov():
    model = _model()  # untrained: near-uniform logits
    out = model.generate([2], num_words=200, sampler="random", seed=3)
    assert len(out) == 201
    assert 0 not in out and 1 not in out
    assert len(set(out[1:])) > 1  # really sampled


def test_save_load_round_trip(trained, tmp_path):
    model = trained
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = load_model(path)
    assert isinstance(loaded, NextTokenModel)
    assert loaded.get_config() == model.get_config()
    x = np.array([[2, 3, 0, 0], [5, 6, 2, 3]])
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6
    )
    assert loaded.generate("the", num_words=3) == model.generate("the", num_words=3)
    # The compile arguments and optimizer state come back too.
    y = np.array([4, 5])
    np.testing.assert_allclose(
        loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6
    )
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)
        )


def test_bad_arguments():
    with pytest.raises(InvalidInputError, match="vocabulary_size"):
        NextTokenModel(0)
    with pytest.raises(InvalidInputError, match="one word per id"):
        NextTokenModel(5, vocabulary=["", "a"])
    with pytest.raises(InvalidInputError, match="oov_token"):
        NextTokenModel(3, vocabulary=["", "a", "b"], oov_token="<unk>")
    with pytest.raises(InvalidInputError, match="dropout"):
        NextTokenModel(3, dropout=1.0)
    model = _model()
    with pytest.raises(InvalidInputError, match="no word the model knows"):
        model.generate("zebra giraffe")
    with pytest.raises(InvalidInputError, match="sampler"):
        model.generate("the", sampler="nucleus")
    with pytest.raises(InvalidInputError, match="num_words"):
        model.generate("the", num_words=0)
    with pytest.raises(InvalidInputError, match=r"ids must be in \[1, 7\)"):
        model.generate([9])
    with pytest.raises(InvalidInputError, match="no `vocabulary`"):
        NextTokenModel(5).generate("the")


@pytest.mark.parametrize("temperature", [0, -1.0, float("inf"), float("nan"), "hot"])
def test_generate_refuses_a_temperature_that_is_not_positive(temperature):
    # 0 and nan made nan logits (a backend traceback); -1 and inf flipped or
    # flattened them, cancelling the ban on padding and OOV.
    with pytest.raises(InvalidInputError, match="`temperature` must be"):
        _model().generate([2], num_words=3, sampler="random", temperature=temperature)


def test_generate_refuses_a_bad_seed():
    with pytest.raises(InvalidInputError, match="`seed` must be"):
        _model().generate([2], num_words=3, sampler="random", seed=-1)


def test_load_model_errors(tmp_path):
    with pytest.raises(MissingInputError, match="does not exist"):
        load_model(tmp_path / "missing.keras")
    corrupt = data_path("fixtures", "model_corrupt.keras")
    with pytest.raises(InvalidInputError, match="corrupt or not a Keras 3 model"):
        load_model(corrupt)
    wrong = tmp_path / "weights.h5"
    wrong.write_bytes(b"x")
    with pytest.raises(InvalidInputError, match=r"must be a `\.keras` file"):
        load_model(wrong)
