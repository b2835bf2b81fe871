import warnings

import keras
import numpy as np
import pytest

from keras_embeddings import analysis, datasets, models
from keras_embeddings.errors import InvalidInputError, UnknownWordError

WORDS = ["all", "set", "just", "show", "being", "money", "over"]
V = len(WORDS)
EMBEDDING_DIM = 2


def _next_word_model(seed=0):
    """(batch, 3) ids -> (batch, V) logits with known weights."""
    rng = np.random.default_rng(seed)
    embeddings = rng.normal(size=(V, EMBEDDING_DIM))
    kernel = rng.normal(size=(3 * EMBEDDING_DIM, V))
    bias = rng.normal(size=(V,))
    model = keras.Sequential(
        [
            keras.Input(shape=(3,), dtype="int32"),
            keras.layers.Embedding(V, EMBEDDING_DIM),
            keras.layers.Flatten(),
            keras.layers.Dense(V),
        ]
    )
    model.layers[0].embeddings.assign(embeddings)
    model.layers[2].kernel.assign(kernel)
    model.layers[2].bias.assign(bias)
    return model, (embeddings, kernel, bias)


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _oracle_next_word(weights, ids):
    embeddings, kernel, bias = weights
    logits = embeddings[ids].reshape(-1) @ kernel + bias  # (V,)
    return _softmax(logits)


@pytest.mark.parametrize("query", [("all", "set", "just"), ("over", "over", "show")])
def test_next_word_probabilities_match_numpy(query):
    keras.utils.set_random_seed(0)
    model, weights = _next_word_model()
    result = analysis.predict_next_word(model, WORDS, *query, topn=4)

    probabilities = _oracle_next_word(weights, [WORDS.index(w) for w in query])
    expected = np.argsort(-probabilities)[:4]
    assert [word for word, _ in result] == [WORDS[i] for i in expected]
    np.testing.assert_allclose(
        [p for _, p in result], probabilities[expected], rtol=1e-5, atol=1e-7
    )
    scores = [p for _, p in result]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) <= 1 + 1e-9


def test_certain_answer_and_all_words():
    # Only the bias speaks: "money" gets logit 20, every other word 0.
    model, _ = _next_word_model()
    model.layers[2].kernel.assign(np.zeros((3 * EMBEDDING_DIM, V)))
    bias = np.zeros(V)
    bias[WORDS.index("money")] = 20.0
    model.layers[2].bias.assign(bias)

    top = analysis.predict_next_word(model, WORDS, "all", "set", "just", topn=1)
    assert top[0][0] == "money"
    assert top[0][1] == pytest.approx(np.exp(20) / (np.exp(20) + V - 1))
    everything = analysis.predict_next_word(
        model, WORDS, "all", "set", "just", topn=100
    )
    assert len(everything) == V  # topn beyond the vocabulary: every word once
    assert sorted(w for w, _ in everything) == sorted(WORDS)
    assert sum(p for _, p in everything) == pytest.approx(1.0)
    # Ties keep vocabulary order.
    assert [w for w, _ in everything[1:]] == [w for w in WORDS if w != "money"]


def test_masked_model_reads_the_masked_fourth_position():
    vocabulary = ["[MASK]"] + WORDS
    size = len(vocabulary)
    rng = np.random.default_rng(3)
    embeddings = rng.normal(size=(size, EMBEDDING_DIM))
    kernel = rng.normal(size=(4 * EMBEDDING_DIM, 4 * size))
    bias = rng.normal(size=(4 * size,))
    bias[3 * size] = 50.0  # [MASK] at position 3 would win: it must be skipped.
    model = keras.Sequential(
        [
            keras.Input(shape=(4,), dtype="int32"),
            keras.layers.Embedding(size, EMBEDDING_DIM),
            keras.layers.Flatten(),
            keras.layers.Dense(4 * size),
            keras.layers.Reshape((4, size)),
        ]
    )
    model.layers[0].embeddings.assign(embeddings)
    model.layers[2].kernel.assign(kernel)
    model.layers[2].bias.assign(bias)

    result = analysis.predict_next_word(
        model, vocabulary, "show", "being", "all", topn=3
    )

    ids = [vocabulary.index(w) for w in ("show", "being", "all")] + [0]
    logits = (embeddings[ids].reshape(-1) @ kernel + bias).reshape(4, size)[3]
    probabilities = _softmax(logits)
    expected = [i for i in np.argsort(-probabilities) if i != 0][:3]
    assert [w for w, _ in result] == [vocabulary[i] for i in expected]
    np.testing.assert_allclose(
        [p for _, p in result], probabilities[expected], rtol=1e-5, atol=1e-7
    )
    assert "[MASK]" not in [w for w, _ in result]
    assert sum(p for _, p in result) < 1e-6  # [MASK] took the mass; not renormalised


def test_predict_next_word_errors():
    model, _ = _next_word_model()
    with pytest.raises(UnknownWordError, match="Did you mean: money"):
        analysis.predict_next_word(model, WORDS, "all", "monney", "set")
    with pytest.raises(InvalidInputError, match="topn=0"):
        analysis.predict_next_word(model, WORDS, "all", "set", "just", topn=0)
    with pytest.raises(InvalidInputError, match="vocabulary"):
        analysis.predict_next_word(model, WORDS + ["extra"], "all", "set", "just")
    two_words = keras.Sequential(
        [keras.Input(shape=(2,), dtype="int32"), keras.layers.Embedding(V, 2)]
    )
    with pytest.raises(InvalidInputError, match="reads 2"):
        analysis.predict_next_word(two_words, WORDS, "all", "set", "just")
    with pytest.raises(InvalidInputError, match="stores no vocabulary"):
        analysis.predict_next_word(model, None, "all", "set", "just")


def test_k_is_a_deprecated_name_for_topn():
    model, _ = _next_word_model()
    expected = analysis.predict_next_word(model, WORDS, "all", "set", "just", topn=2)
    with pytest.warns(DeprecationWarning, match=r"predict_next_word\(k=\.\.\.\)"):
        result = analysis.predict_next_word(model, WORDS, "all", "set", "just", k=2)
    assert len(result) == 2  # the old value is used, not the default 10
    assert result == expected
    with pytest.raises(InvalidInputError, match="both `k`"):
        analysis.predict_next_word(model, WORDS, "all", "set", "just", topn=3, k=2)
    with pytest.raises(TypeError, match="'top_n'"):
        analysis.predict_next_word(model, WORDS, "all", "set", "just", top_n=2)


class _FixedLogits:
    """A duck-typed model: `predict` records the ids and returns fixed logits."""

    def __init__(self, logits, **attributes):
        self.logits = np.asarray(logits, dtype="float32")
        self.inputs = None
        for name, value in attributes.items():
            setattr(self, name, value)

    def predict(self, ids, verbose=0):
        self.inputs = np.asarray(ids)
        return self.logits


class _RenamedLength(_FixedLogits):
    """`sequence_length` plus the old name as a deprecated property."""

    @property
    def context_length(self):
        warnings.warn(
            "`context_length` is deprecated", DeprecationWarning, stacklevel=2
        )
        return 3


def test_input_length_read_from_sequence_length_then_context_length():
    vocabulary = ["[MASK]"] + WORDS
    masked_logits = np.zeros((1, 4, len(vocabulary)))
    masked_logits[0, 3, vocabulary.index("over")] = 5.0
    next_logits = np.zeros((1, V))
    next_logits[0, WORDS.index("money")] = 5.0
    query = ("all", "set", "just")
    ids = [vocabulary.index(w) for w in query]

    # Today's name, read before the deprecated one (which is never touched).
    renamed = _RenamedLength(masked_logits, sequence_length=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = analysis.predict_next_word(renamed, vocabulary, *query, topn=1)
    assert result[0][0] == "over"
    np.testing.assert_array_equal(renamed.inputs, [ids + [0]])
    # Only the old name (an NGramLanguageModel before the rename).
    old = _FixedLogits(next_logits, context_length=3)
    assert analysis.predict_next_word(old, WORDS, *query, topn=1)[0][0] == "money"
    np.testing.assert_array_equal(old.inputs, [[WORDS.index(w) for w in query]])
    # A `sequence_length` of None (a model of any length) falls through.
    unknown = _FixedLogits(next_logits, sequence_length=None, context_length=4)
    with pytest.raises(InvalidInputError, match=r"shape \(1, 7\) for 4"):
        analysis.predict_next_word(unknown, WORDS, *query)


@pytest.mark.parametrize("masked", [False, True])
def test_ngram_language_model_against_the_assignment_forward(masked):
    # Random parameters in the assignment's layout; its NumPy forward pass
    # (`_classic_forward`) is the oracle.
    vocabulary = ["[MASK]"] + WORDS if masked else WORDS
    size, length, dim, hidden = len(vocabulary), 4 if masked else 3, 2, 5
    outputs = size * (length if masked else 1)
    rng = np.random.default_rng(7)
    params = {
        "word_embedding_weights": rng.normal(size=(size, dim)),
        "embed_to_hid_weights": rng.normal(size=(hidden, length * dim)),
        "hid_to_output_weights": rng.normal(size=(outputs, hidden)) * 3,
        "hid_bias": rng.normal(size=(hidden,)),
        "output_bias": rng.normal(size=(outputs,)),
    }
    model = models.NGramLanguageModel(
        size,
        sequence_length=length,
        embedding_dim=dim,
        hidden_dim=hidden,
        masked=masked,
        vocabulary=vocabulary,
    )
    model.set_classic_params(params)

    query = ("show", "being", "all")
    result = analysis.predict_next_word(model, vocabulary, *query, topn=4)
    # vocabulary=None: the model's own `get_vocabulary()`.
    assert analysis.predict_next_word(model, None, *query, topn=4) == result

    ids = [vocabulary.index(w) for w in query] + [0] * masked
    probabilities = _softmax(_classic_forward(params, ids, length if masked else 1)[-1])
    expected = [i for i in np.argsort(-probabilities) if not (masked and i == 0)]
    assert [w for w, _ in result] == [vocabulary[i] for i in expected[:4]]
    np.testing.assert_allclose(
        [p for _, p in result], probabilities[expected[:4]], rtol=1e-4
    )


# Tiny 4-grams: ids index WORDS (next_word layout) or ["[MASK]"] + WORDS.
ROWS = np.array(
    [
        [0, 1, 2, 3],
        [0, 1, 2, 5],
        [4, 0, 1, 2],
        [0, 1, 2, 5],
        [0, 1, 2, 6],
        [0, 1, 3, 3],
        [0, 1, 2, 3],
        [0, 1, 2, 5],
    ],
    dtype=np.int32,
)


def test_find_occurrences_counts_followers():
    data = (ROWS[:, :3], ROWS[:, 3])
    result = analysis.find_occurrences(data, WORDS, "all", "set", "just")
    assert result == [("money", 3), ("show", 2), ("over", 1)]
    assert analysis.find_occurrences(data, WORDS, "set", "just", "all") == []
    # The masked layout: (N, 4) rows of 1-based ids into ["[MASK]"] + WORDS.
    masked = analysis.find_occurrences(
        ROWS + 1, ["[MASK]"] + WORDS, "all", "set", "just"
    )
    assert masked == result


def test_find_occurrences_errors():
    data = (ROWS[:, :3], ROWS[:, 3])
    with pytest.raises(UnknownWordError, match="'sett'"):
        analysis.find_occurrences(data, WORDS, "all", "sett", "just")
    with pytest.raises(InvalidInputError, match="Received shape"):
        analysis.find_occurrences(ROWS[:, :3], WORDS, "all", "set", "just")
    with pytest.raises(InvalidInputError, match="vocabulary"):
        analysis.find_occurrences(data, WORDS[:5], "all", "set", "just")


def test_find_occurrences_she_is_a_on_real_data(csc321_dir):
    # The seed's output: 'The tri-gram "she is a" was followed by ... year,
    # big, good (1 time each)'.
    data = datasets.load_csc321(csc321_dir)
    result = analysis.find_occurrences(data.train, data.vocabulary, "she", "is", "a")
    assert result == [("year", 1), ("big", 1), ("good", 1)]
    masked = datasets.load_csc321(csc321_dir, variant="masked")
    assert (
        analysis.find_occurrences(masked.train, masked.vocabulary, "she", "is", "a")
        == result
    )


def _classic_forward(params, ids, positions):
    """The seed's compute_activations in NumPy: logits of every position."""
    embedded = params["word_embedding_weights"][ids].reshape(-1)  # (N*D,)
    hidden = 1 / (
        1 + np.exp(-(params["embed_to_hid_weights"] @ embedded + params["hid_bias"]))
    )  # (H,)
    logits = params["hid_to_output_weights"] @ hidden + params["output_bias"]
    return logits.reshape(positions, -1)  # (K, V)


@pytest.mark.parametrize("masked", [False, True])
def test_she_is_a_with_partially_trained_params(csc321_dir, masked):
    name = "partially_trained_masked.pk" if masked else "partially_trained_3ctx.pk"
    params, vocabulary = datasets.load_classic_params(csc321_dir / name)
    sequence_length = 4 if masked else 3
    model = models.NGramLanguageModel(
        len(vocabulary),
        sequence_length=sequence_length,
        embedding_dim=params["word_embedding_weights"].shape[1],
        hidden_dim=params["hid_bias"].shape[0],
        masked=masked,
    )
    model.set_classic_params(params)

    result = analysis.predict_next_word(model, vocabulary, "she", "is", "a", topn=10)

    ids = [vocabulary.index(w) for w in ("she", "is", "a")] + [0] * masked
    logits = _classic_forward(params, ids, sequence_length if masked else 1)[-1]
    probabilities = _softmax(logits)
    expected = [i for i in np.argsort(-probabilities) if not (masked and i == 0)]
    assert [w for w, _ in result] == [vocabulary[i] for i in expected[:10]]
    np.testing.assert_allclose(
        [p for _, p in result], probabilities[expected[:10]], rtol=1e-4
    )
