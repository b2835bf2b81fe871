"""The embedding-model contract, checked on every model with word vectors.

`get_embeddings(source)` (built on demand, one set of source names),
`get_vocabulary()`, `padding_id`, export keeping every real word, the dtype
policy reaching every layer (`mixed_float16`, `float64`), our errors for
inputs of the wrong shape, and the renamed arguments.
"""

import warnings

import keras
import numpy as np
import pytest
from helpers import FLOAT64_ON_JAX_ERROR, JAX_ONLY, float64_without_jax_x64

from keras_embeddings import models
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export import to_word_vectors

V, D = 6, 4
WORDS = ["a", "b", "c", "d", "e"]
NEGATIVES = np.array([[4, 5], [3, 1]])
ALL_SOURCES = ("input", "output", "average")


def _vocabulary(padding_id, token=""):
    return [token] + WORDS if padding_id == 0 else ["z"] + WORDS


class Case:
    """One model class: how to make it, a batch to train on, its contract."""

    def __init__(self, name, make, x, y, padding_id, sources, table, token=""):
        self.name, self.make, self.x, self.y = name, make, x, y
        self.padding_id, self.sources, self.table = padding_id, sources, table
        self.vocabulary = _vocabulary(padding_id, token)

    def __repr__(self):
        return self.name


CASES = [
    Case(
        "CBOW",
        lambda **kw: models.CBOW(V, D, window_size=1, **kw),
        np.array([[1, 2], [3, 4]]),
        np.array([0, 5]),
        None,
        ALL_SOURCES,
        lambda m: m.embedding,
    ),
    Case(
        "GloVe",
        lambda **kw: models.GloVe(V, D, **kw),
        np.array([[0, 1], [2, 3]]),
        np.array([0.5, 1.0]),
        None,
        ALL_SOURCES,
        lambda m: m,  # its tables are the model's own weights
    ),
    Case(
        "NGramLanguageModel",
        lambda **kw: models.NGramLanguageModel(
            V, sequence_length=3, embedding_dim=D, hidden_dim=5, **kw
        ),
        np.array([[0, 1, 2], [3, 4, 5]]),
        np.array([3, 0]),
        None,
        ("input",),
        lambda m: m.embedding,
    ),
    Case(
        "NGramLanguageModel-masked",
        lambda **kw: models.NGramLanguageModel(
            V, sequence_length=3, embedding_dim=D, hidden_dim=5, masked=True, **kw
        ),
        np.array([[1, 0, 2], [3, 4, 0]]),
        np.array([[0, 5, 0], [0, 0, 1]]),
        0,
        ("input",),
        lambda m: m.embedding,
        token="[MASK]",
    ),
    Case(
        "NextTokenModel",
        lambda **kw: models.NextTokenModel(
            V, embedding_dim=D, hidden_dim=5, sequence_length=3, **kw
        ),
        np.array([[1, 2, 0], [3, 4, 5]]),
        np.array([3, 1]),
        0,
        ("input",),
        lambda m: m.embedding,
    ),
    Case(
        "SkipGram",
        lambda **kw: models.SkipGram(V, D, negatives=2, **kw),
        (np.array([1, 2]), np.array([2, 3]), NEGATIVES),
        np.array([[1.0, 0.0, 0.0]] * 2),
        0,
        ALL_SOURCES,
        lambda m: m.target_embedding,
    ),
    Case(
        "CBOWNegativeSampling",
        lambda **kw: models.CBOWNegativeSampling(V, D, negatives=2, **kw),
        (np.array([[1, 2], [3, 0]]), np.array([2, 4]), NEGATIVES),
        np.array([[1.0, 0.0, 0.0]] * 2),
        0,
        ALL_SOURCES,
        lambda m: m.target_embedding,
    ),
    Case(
        "TransformerLM",
        lambda **kw: models.TransformerLM(
            V,
            sequence_length=3,
            embedding_dim=D,
            num_heads=2,
            intermediate_dim=8,
            num_layers=1,
            **kw,
        ),  # fmt: skip
        np.array([[1, 2, 0], [3, 4, 5]]),
        np.array([3, 1]),
        0,
        ALL_SOURCES,
        lambda m: m.embedding.token_embedding,
    ),
]
WORD2VEC = ("SkipGram", "CBOWNegativeSampling")


def _make(case, **kwargs):
    keras.utils.set_random_seed(0)
    return case.make(**kwargs)


def _compile(case, model):
    if case.name in WORD2VEC:
        model.compile(jit_compile=False)  # no XLA compile time for one step
    elif case.name == "CBOW":
        model.compile()
    else:
        model.compile(optimizer="sgd")


def _real_words(case):
    return [w for i, w in enumerate(case.vocabulary) if i != case.padding_id]


# ------------------------------------------------------ vocabulary, padding


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_vocabulary_and_padding_id(case):
    model = _make(case, vocabulary=case.vocabulary)
    assert model.padding_id == case.padding_id
    assert model.get_vocabulary() == case.vocabulary
    model.get_vocabulary().append("x")  # a copy: the model's list stays
    assert model.get_vocabulary() == case.vocabulary
    config = model.get_config()
    assert config["vocabulary"] == case.vocabulary
    revived = type(model).from_config(config)
    assert revived.get_vocabulary() == case.vocabulary
    assert revived.padding_id == case.padding_id
    assert _make(case).get_vocabulary() is None
    with pytest.raises(InvalidInputError, match="one word per id"):
        _make(case, vocabulary=case.vocabulary[:-1])
    duplicated = [*case.vocabulary[:-1], case.vocabulary[-2]]
    with pytest.raises(InvalidInputError, match="in `vocabulary` twice"):
        _make(case, vocabulary=duplicated)
    with pytest.raises(InvalidInputError, match="must be a str"):
        _make(case, vocabulary=[*case.vocabulary[:-1], 7])
    with pytest.raises(InvalidInputError, match="list of words"):
        _make(case, vocabulary="".join(case.vocabulary))


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_export_keeps_every_real_word(case):
    model = _make(case, vocabulary=case.vocabulary)
    table = model.get_embeddings()
    expected = _real_words(case)
    rows = [i for i in range(V) if i != case.padding_id]
    for word_vectors in (
        to_word_vectors(model),  # the model's own vocabulary and padding_id
        to_word_vectors(model, case.vocabulary),
        to_word_vectors(_make(case), case.vocabulary),  # no stored vocabulary
    ):
        assert list(word_vectors) == expected
    word_vectors = to_word_vectors(model)
    np.testing.assert_array_equal(np.stack(list(word_vectors.values())), table[rows])
    # A bare matrix has no padding_id: row 0 is padding unless told otherwise.
    assert list(
        to_word_vectors(table, case.vocabulary, padding_id=case.padding_id)
    ) == (expected)


# ------------------------------------------------------------ get_embeddings


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_get_embeddings_builds_on_demand_with_every_source(case):
    model = _make(case)
    assert model.built is (case.name == "GloVe")  # GloVe builds in __init__
    table = model.get_embeddings()  # builds the model
    assert model.built
    assert isinstance(table, np.ndarray) and table.shape == (V, D)
    for source in case.sources:
        assert model.get_embeddings(source).shape == (V, D)
    if case.sources == ALL_SOURCES:
        np.testing.assert_allclose(
            model.get_embeddings("average"),
            (table + model.get_embeddings("output")) / 2,
            rtol=1e-6,
        )
    # The input table is the one the model looks words up in.
    np.testing.assert_array_equal(
        table, keras.ops.convert_to_numpy(_input_variable(case, model))
    )
    # Same model, fed data, same table: building on demand changed nothing.
    model(case.x)
    np.testing.assert_array_equal(model.get_embeddings(), table)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_bad_source_names_the_model_and_the_sources(case):
    model = _make(case)
    valid = "'input', 'output', 'average'" if len(case.sources) == 3 else "'input'"
    pattern = rf"{case.name.split('-')[0]}.*`source` must be one of \[{valid}\]"
    for bad in ("hidden", "sum", None):
        with pytest.raises(InvalidInputError, match=pattern):
            model.get_embeddings(bad)
    if len(case.sources) == 1:
        with pytest.raises(InvalidInputError, match=pattern):
            model.get_embeddings("output")


def _input_variable(case, model):
    layer = case.table(model)
    if case.name == "GloVe":
        return model.w
    return layer.embeddings


# ------------------------------------------------------------ dtype policies


def _layers(model):
    return [model, *model._flatten_layers(include_self=False)]


def _train_one_step(case, model):
    _compile(case, model)
    logs = model.train_on_batch(case.x, case.y, return_dict=True)
    assert np.isfinite(logs["loss"])
    return keras.backend.standardize_dtype(model(case.x).dtype)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_mixed_float16_trains_a_step(case):
    model = _make(case, dtype="mixed_float16")
    table = case.table(model)
    logits_dtype = _train_one_step(case, model)
    assert (table.variable_dtype, table.compute_dtype) == ("float32", "float16")
    assert logits_dtype == "float32"  # the output in float32 (test_mixed_precision)
    assert {w.dtype for w in model.weights} == {"float32"}
    for layer in _layers(model):
        assert layer.dtype_policy.name == "mixed_float16", layer.name


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_float64_trains_a_step(case, float64):
    keras.config.set_dtype_policy("float32")  # the model's own dtype decides
    model = _make(case, dtype="float64")
    table = case.table(model)
    model.get_embeddings()  # builds every weight
    before = [w.copy() for w in model.get_weights()]
    logits_dtype = _train_one_step(case, model)
    assert (table.variable_dtype, table.compute_dtype) == ("float64", "float64")
    assert logits_dtype == "float64"
    assert {w.dtype for w in model.weights} == {"float64"}
    for layer in _layers(model):
        assert layer.dtype_policy.name == "float64", layer.name
    assert model.get_embeddings().dtype == np.float64
    after = model.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(after, before))


@pytest.mark.skipif(keras.backend.backend() != "jax", reason=JAX_ONLY)
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_float64_without_jax_64_bit_mode_is_refused(case):
    # JAX would silently compute the float64 model in float32.
    with float64_without_jax_x64():
        keras.config.set_dtype_policy("float32")
        with pytest.raises(InvalidInputError, match=FLOAT64_ON_JAX_ERROR):
            _make(case, dtype="float64")


# ------------------------------------------------------- inputs of a wrong shape


def test_ngram_refuses_rows_of_another_length():
    model = models.NGramLanguageModel(V, sequence_length=3, embedding_dim=2)
    with pytest.raises(InvalidInputError, match=r"sequence_length=3.*\(2, 6\)"):
        model(np.zeros((2, 6), "int32"))  # once reshaped into 4 rows of 3
    model(np.zeros((2, 3), "int32"))
    with pytest.raises(InvalidInputError, match=r"sequence_length=3.*\(2, 6\)"):
        model(np.zeros((2, 6), "int32"))  # built: still checked
    with pytest.raises(InvalidInputError, match=r"\(2, 3, 1\)"):
        model(np.zeros((2, 3, 1), "int32"))
    with pytest.raises(InvalidInputError, match="sequence_length=3"):
        models.NGramLanguageModel(V, sequence_length=3).build((None, 4))


@pytest.mark.parametrize("model_class", [models.SkipGram, models.CBOWNegativeSampling])
def test_word2vec_refuses_negative_ids_of_a_wrong_shape(model_class):
    model = model_class(V, D, negatives=2)
    first = np.array([1, 2, 3, 4])
    if model_class is models.CBOWNegativeSampling:
        first = np.array([[1, 2], [3, 0], [4, 5], [1, 1]])
    positive = np.array([2, 3, 4, 5])
    name = model_class.__name__
    with pytest.raises(InvalidInputError, match=r"negatives=2.*\(4, 3\)"):
        model((first, positive, np.ones((4, 3), "int32")))
    with pytest.raises(InvalidInputError, match=rf"{name}: the negative ids must"):
        model((first, positive, np.ones((8,), "int32")))
    with pytest.raises(InvalidInputError, match=r"\(3\) must divide the batch \(4\)"):
        model((first, positive, np.ones((3, 2), "int32")))
    with pytest.raises(InvalidInputError, match=rf"{name}: the positive ids must"):
        model((first, positive[:, None], np.ones((4, 2), "int32")))
    # Rows that divide the batch share their negatives (2 examples a row).
    assert tuple(model((first, positive, np.ones((2, 2), "int32"))).shape) == (4, 3)


def test_word2vec_refuses_targets_and_contexts_of_a_wrong_rank():
    with pytest.raises(InvalidInputError, match=r"SkipGram: the target ids must"):
        models.SkipGram(V, D)((np.ones((2, 2), "int32"), np.ones(2, "int32")))
    with pytest.raises(InvalidInputError, match="CBOWNegativeSampling: the context"):
        models.CBOWNegativeSampling(V, D)((np.ones(2, "int32"), np.ones(2, "int32")))


def test_transformer_refuses_inputs_longer_than_sequence_length():
    model = _make(CASES[-1])
    with pytest.raises(InvalidInputError, match=r"sequence_length=3.*\(1, 5\)"):
        model(np.ones((1, 5), "int32"))
    assert tuple(model(np.ones((1, 2), "int32")).shape) == (1, V)  # shorter: fine
    with pytest.raises(InvalidInputError, match=r"sequence_length=3.*\(1, 5\)"):
        model(np.ones((1, 5), "int32"))


def test_other_shape_checks():
    with pytest.raises(InvalidInputError, match=r"GloVe reads pairs.*\(2, 3\)"):
        models.GloVe(V, D)(np.zeros((2, 3), "int32"))
    with pytest.raises(InvalidInputError, match=r"NextTokenModel reads.*\(4,\)"):
        models.NextTokenModel(V).build((4,))


@pytest.mark.parametrize("dropout", ["0.5", 1.0, -0.1, float("nan"), True])
def test_dropout_must_be_a_rate(dropout):
    for make in (
        lambda: models.NGramLanguageModel(V, dropout=dropout),
        lambda: models.NextTokenModel(V, dropout=dropout),
        lambda: models.TransformerLM(V, 3, embedding_dim=4, dropout=dropout),
    ):
        with pytest.raises(InvalidInputError, match=r"`dropout` must be a number"):
            make()


# ------------------------------------------------------------------ renames


def test_next_token_lstm_units_is_hidden_dim():
    with pytest.warns(DeprecationWarning, match=r"lstm_units=.*hidden_dim"):
        model = models.NextTokenModel(V, lstm_units=7)
    assert model.hidden_dim == 7 and "lstm_units" not in model.get_config()
    with pytest.warns(DeprecationWarning, match=r"\.lstm_units` is deprecated"):
        assert model.lstm_units == 7
    old_config = dict(models.NextTokenModel(V, hidden_dim=7).get_config())
    old_config["lstm_units"] = old_config.pop("hidden_dim")  # a file saved before
    with pytest.warns(DeprecationWarning, match="lstm_units"):
        revived = models.NextTokenModel.from_config(old_config)
    assert revived.hidden_dim == 7
    with pytest.raises(InvalidInputError, match="both `lstm_units`"):
        models.NextTokenModel(V, hidden_dim=5, lstm_units=7)


def test_ngram_context_length_and_hidden_units_renamed():
    with pytest.warns(DeprecationWarning) as caught:
        model = models.NGramLanguageModel(
            V, context_length=4, hidden_units=9, masked=True
        )
    messages = " ".join(str(w.message) for w in caught)
    assert "context_length" in messages and "hidden_units" in messages
    assert (model.sequence_length, model.hidden_dim) == (4, 9)
    assert tuple(model(np.ones((2, 4), "int32")).shape) == (2, 4, V)
    with pytest.warns(DeprecationWarning, match=r"\.context_length` is deprecated"):
        assert model.context_length == 4
    with pytest.warns(DeprecationWarning, match=r"\.hidden_units` is deprecated"):
        assert model.hidden_units == 9
    config = model.get_config()
    assert config["sequence_length"] == 4 and "context_length" not in config
    old_config = dict(config)
    old_config["context_length"] = old_config.pop("sequence_length")
    old_config["hidden_units"] = old_config.pop("hidden_dim")
    with pytest.warns(DeprecationWarning):
        revived = models.NGramLanguageModel.from_config(old_config)
    assert revived.get_config() == config
    with pytest.raises(InvalidInputError, match="both `context_length`"):
        models.NGramLanguageModel(V, sequence_length=4, context_length=4)


def test_sample_input_mask_context_length_renamed():
    with pytest.warns(DeprecationWarning, match="context_length"):
        mask = models.sample_input_mask(5, context_length=3, seed=0)
    np.testing.assert_array_equal(mask, models.sample_input_mask(5, 3, seed=0))
    assert mask.shape == (5, 3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'length'"):
        models.sample_input_mask(5, length=3)


def test_saving_a_model_does_not_warn(tmp_path):
    model = models.NGramLanguageModel(V, embedding_dim=2, hidden_dim=3)
    model(np.zeros((1, 3), "int32"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.save(tmp_path / "ngram.keras")  # Keras reads every attribute
        loaded = keras.saving.load_model(tmp_path / "ngram.keras")
    ours = [w for w in caught if "is deprecated; use" in str(w.message)]
    assert not ours, [str(w.message) for w in ours]
    assert loaded.get_config() == model.get_config()
    with pytest.warns(DeprecationWarning, match="context_length"):
        assert model.context_length == 3  # a user's read does warn


# ------------------------------------------------- module split, generation


def test_old_import_paths_and_registered_names():
    from keras_embeddings import datasets
    from keras_embeddings.models import cbow, glove, losses, metrics, ngram_lm, skipgram

    assert cbow.MeanSparseCrossentropy is losses.MeanSparseCrossentropy
    assert glove.SumSquaredError is losses.SumSquaredError
    assert skipgram.NegativeSamplingLoss is losses.NegativeSamplingLoss
    assert skipgram.negative_sampling_loss is losses.negative_sampling_loss
    assert (
        ngram_lm.MaskedSparseCategoricalAccuracy
        is metrics.MaskedSparseCategoricalAccuracy
    )
    for name in ("mask_inputs", "masked_dataset", "sample_input_mask"):
        assert getattr(ngram_lm, name) is getattr(datasets, name)
        assert getattr(models, name) is getattr(datasets, name)
    for obj in (
        losses.MeanSparseCrossentropy,
        losses.SumSquaredError,
        losses.NegativeSamplingLoss,
        losses.negative_sampling_loss,
        metrics.MaskedSparseCategoricalAccuracy,
    ):
        assert (
            keras.saving.get_registered_name(obj) == f"keras_embeddings>{obj.__name__}"
        )


def test_banned_logit_fits_the_dtype():
    from keras_embeddings.models._contract import large_negative

    assert large_negative("float64") == -1e9
    for dtype in ("float16", "bfloat16", "float32"):
        value = large_negative(dtype)
        logits = keras.ops.cast(keras.ops.convert_to_tensor([value, -20.0]), dtype)
        total = keras.ops.convert_to_numpy(keras.ops.cast(logits + logits, "float32"))
        assert np.isfinite(total).all(), dtype  # no -inf: no NaN in a softmax
        assert value <= -3e4


@pytest.mark.parametrize("case", [CASES[4], CASES[7]], ids=repr)
def test_mixed_float16_generation_never_emits_padding_or_oov(case):
    model = _make(case, dtype="mixed_float16", vocabulary=[""] + WORDS, oov_token="a")
    out = model.generate([2], num_words=30, sampler="random", seed=1)
    assert len(out) == 31 and 0 not in out and 1 not in out
