import keras
import keras_hub
import numpy as np
import pytest

from keras_embeddings.datasets import next_token_dataset
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models import NextTokenModel, TransformerLM, load_model

SENTENCE = "the quick brown fox jumps over the lazy dog"
VOCAB = ["", "<unk>"] + SENTENCE.split()[:6] + ["lazy", "dog"]
VOCAB += ["a", "cat", "sat", "on", "mat", "big", "red", "ran", "away", "home"]
ID = {word: i for i, word in enumerate(VOCAB)}  # 20 ids, "the" is 2


def _model(**kwargs):
    keras.utils.set_random_seed(0)
    kwargs = {
        "vocabulary_size": len(VOCAB),
        "sequence_length": 6,
        "embedding_dim": 16,
        "num_heads": 2,
        "intermediate_dim": 32,
        "num_layers": 1,
        "vocabulary": VOCAB,
        "oov_token": "<unk>",
        **kwargs,
    }
    return TransformerLM(**kwargs)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_shapes_embeddings_and_compile_defaults():
    model = _model()
    table = model.get_embeddings()  # builds the model when needed
    x = np.array([[2, 3, 4, 5, 6, 7], [2, 3, 0, 0, 0, 0], [9, 0, 0, 0, 0, 0]])
    y = np.array([2, 4, 12])
    assert tuple(model(x).shape) == (3, 20)
    assert isinstance(table, np.ndarray) and table.shape == (20, 16)
    np.testing.assert_array_equal(
        table, _np(model.embedding.token_embedding.embeddings)
    )
    assert model.contextual_embeddings(x).shape == (3, 6, 16)
    model.compile()
    result = model.evaluate(x, y, return_dict=True, verbose=0)
    # Sparse cross-entropy from logits, checked by hand; perplexity = e^loss.
    logits = _np(model(x))
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -log_softmax[np.arange(3), y].mean()
    np.testing.assert_allclose(result["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(result["perplexity"], np.exp(expected), rtol=1e-5)
    assert 0 <= result["accuracy"] <= 1


@pytest.mark.parametrize("tie_weights", [False, True])
def test_logits_are_read_at_the_last_real_token(tie_weights):
    # Oracle: the output layer applied by hand (NumPy) to the last block's
    # vector of the last non-padding token.
    model = _model(tie_weights=tie_weights)
    x = np.array([[2, 3, 4, 5, 6, 7], [2, 3, 4, 0, 0, 0], [11, 0, 0, 0, 0, 0]])
    logits = _np(model(x))
    hidden = model.contextual_embeddings(x)  # (3, 6, 16)
    last = hidden[np.arange(3), [5, 2, 0]]  # (3, 16)
    if tie_weights:
        assert model.logits is None
        expected = last @ model.get_embeddings().T
    else:
        kernel, bias = (_np(w) for w in model.logits.weights)
        expected = last @ kernel + bias
    np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-5)


def test_right_padding_gives_the_same_prediction_as_no_padding():
    model = _model()
    bare = _np(model(np.array([[2, 3, 4]])))
    for width in (4, 6):
        padded = np.zeros((1, width), "int32")
        padded[0, :3] = [2, 3, 4]
        np.testing.assert_allclose(_np(model(padded)), bare, atol=1e-5)
    # Per-token vectors too; padding positions come back as zeros.
    vectors = model.contextual_embeddings(np.array([[2, 3, 4, 0, 0, 0]]))[0]
    np.testing.assert_allclose(
        vectors[:3], model.contextual_embeddings([2, 3, 4]), atol=1e-5
    )
    np.testing.assert_array_equal(vectors[3:], 0.0)
    # Unlike the LSTM, left padding shifts the positions: not the same.
    left = _np(model(np.array([[0, 0, 0, 2, 3, 4]])))
    assert np.abs(left - bare).max() > 1e-3


def test_contextual_vectors_are_causal():
    model = _model()
    a = model.contextual_embeddings([2, 3, 4, 5, 6])
    b = model.contextual_embeddings([2, 3, 4, 12, 6])  # position 3 changed
    np.testing.assert_allclose(a[:3], b[:3], atol=1e-6)  # left of it: same
    assert np.abs(a[3] - b[3]).max() > 1e-3
    assert np.abs(a[4] - b[4]).max() > 1e-3  # right of it: "fox" sees it


def test_same_word_gets_a_vector_per_context_but_one_static_row():
    model = _model()
    dog = ID["dog"]
    # "dog" at the same position after different words.
    vectors = model.contextual_embeddings(np.array([[ID["lazy"], dog], [13, dog]]))
    assert np.abs(vectors[0, 1] - vectors[1, 1]).max() > 1e-3
    static = model.get_embeddings()[dog]
    assert static.shape == (16,)
    # The static row is what the embedding looks up in both contexts.
    looked_up = _np(model.embedding.token_embedding(np.array([[ID["lazy"], dog]])))
    np.testing.assert_array_equal(looked_up[0, 1], static)
    # Texts read like ids; unknown words become <unk>; padded to the longest.
    text = model.contextual_embeddings("The lazy zebra dog")
    np.testing.assert_allclose(
        text, model.contextual_embeddings([ID["the"], ID["lazy"], 1, dog])
    )
    both = model.contextual_embeddings(["lazy dog", "the lazy zebra dog"])
    assert both.shape == (2, 4, 16)
    np.testing.assert_allclose(both[0, :2], vectors[0], atol=1e-5)
    np.testing.assert_array_equal(both[0, 2:], 0.0)
    np.testing.assert_allclose(both[1], text, atol=1e-5)


@pytest.fixture(scope="module")
def trained():
    ids = [ID[word] for word in ((SENTENCE + " ") * 3).split()]
    train, _ = next_token_dataset(
        [ids] * 4, sequence_length=6, batch_size=16, validation_split=0, seed=0
    )
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    before = model.evaluate(train, verbose=0, return_dict=True)["loss"]
    history = model.fit(train, epochs=8, verbose=0)
    return model, train, before, history.history["loss"]


def test_fit_on_next_token_dataset_memorises_the_text(trained):
    model, train, before, losses = trained
    assert losses[-1] < 0.2 * before
    after = model.evaluate(train, verbose=0, return_dict=True)
    assert after["accuracy"] == 1.0
    assert model.generate("the quick", num_words=8) == SENTENCE + " the"
    # Greedy generation = one argmax per step over the last 6 ids,
    # right-padded, with padding and <unk> banned.
    ids = model.generate([ID["over"]], num_words=7, sampler="greedy")
    expected = [ID["over"]]
    for _ in range(7):
        context = expected[-6:] + [0] * (6 - len(expected[-6:]))
        logits = model.predict(np.array([context]), verbose=0)[0]
        logits[[0, 1]] = -np.inf
        expected.append(int(np.argmax(logits)))
    assert ids == expected


@pytest.mark.parametrize(
    "sampler,kwargs",
    [
        ("greedy", {}),
        ("top_k", {"k": 1}),
        ("top_p", {"p": 0.01}),
        ("beam", {"num_beams": 2}),
        ("random", {"temperature": 0.01}),
        (keras_hub.samplers.GreedySampler(), {}),
    ],
)
def test_every_sampler_continues_the_memorised_text(trained, sampler, kwargs):
    model = trained[0]
    out = model.generate("the quick", num_words=4, sampler=sampler, seed=0, **kwargs)
    assert out == "the quick brown fox jumps over"


def test_random_sampler_never_emits_padding_or_oov():
    model = _model()  # untrained: near-uniform logits
    out = model.generate([2], num_words=20, sampler="random", seed=3)
    assert len(out) == 21
    assert 0 not in out and 1 not in out
    assert len(set(out[1:])) > 1  # really sampled


def test_save_load_round_trip(trained, tmp_path):
    model = trained[0]
    path = tmp_path / "lm.keras"
    model.save(path)
    loaded = load_model(path)
    assert isinstance(loaded, TransformerLM)
    assert loaded.get_config() == model.get_config()
    x = np.array([[2, 3, 0, 0, 0, 0], [7, 2, 8, 9, 2, 3]])
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6
    )
    np.testing.assert_allclose(
        loaded.contextual_embeddings(x), model.contextual_embeddings(x), atol=1e-6
    )
    np.testing.assert_array_equal(loaded.get_embeddings(), model.get_embeddings())
    assert loaded.generate("the", num_words=3) == model.generate("the", num_words=3)
    y = np.array([4, 4])
    np.testing.assert_allclose(
        loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6
    )


def test_shares_generation_with_the_lstm_model():
    # One implementation of prompts and sampling for both next-token models.
    assert TransformerLM.generate is NextTokenModel.generate
    assert TransformerLM.compile is NextTokenModel.compile


def test_bad_arguments():
    for name, value in [
        ("vocabulary_size", 0),
        ("sequence_length", None),
        ("embedding_dim", 2.5),
        ("num_heads", 0),
        ("intermediate_dim", -1),
        ("num_layers", 0),
    ]:
        kwargs = {"vocabulary_size": 20, "sequence_length": 6, name: value}
        with pytest.raises(InvalidInputError, match=f"`{name}`.*{value}"):
            TransformerLM(**kwargs)
    with pytest.raises(InvalidInputError, match="`num_heads` must divide"):
        TransformerLM(20, 6, embedding_dim=16, num_heads=3)
    with pytest.raises(InvalidInputError, match="`dropout`"):
        TransformerLM(20, 6, dropout=1.0)
    with pytest.raises(InvalidInputError, match="`tie_weights`"):
        TransformerLM(20, 6, tie_weights="yes")
    with pytest.raises(InvalidInputError, match="one word per id"):
        TransformerLM(5, 6, vocabulary=["", "a"])
    with pytest.raises(InvalidInputError, match="`oov_token`"):
        TransformerLM(3, 6, vocabulary=["", "a", "b"], oov_token="<unk>")
    model = _model()
    with pytest.raises(InvalidInputError, match="more than .*`sequence_length`=6"):
        model.contextual_embeddings(np.arange(1, 8))
    with pytest.raises(InvalidInputError, match=r"`inputs` ids must be in \[0, 20\)"):
        model.contextual_embeddings([[2, 25]])
    with pytest.raises(InvalidInputError, match="`inputs` must be"):
        model.contextual_embeddings(np.zeros((1, 2, 3), "int32"))
    with pytest.raises(InvalidInputError, match="`inputs` must be"):
        model.contextual_embeddings([0.5, 1.5])
    with pytest.raises(InvalidInputError, match="no `vocabulary`"):
        TransformerLM(20, 6).contextual_embeddings("the cat")
    with pytest.raises(InvalidInputError, match="`sampler`"):
        model.generate("the", sampler="nucleus")
    with pytest.raises(InvalidInputError, match="`num_words`"):
        model.generate("the", num_words=0)
    with pytest.raises(InvalidInputError, match="no word the model knows"):
        model.generate("zebra giraffe")
    with pytest.raises(InvalidInputError, match=r"`prompt` ids must be in \[1, 20\)"):
        model.generate([25])
