"""Mixed precision (`mixed_float16`) for every model, and the GPU paths.

Every model trains on real text (a few news articles) under
`dtype="mixed_float16"`: float32 logits and loss, Keras' loss scaling with
the exact sparse steps kept, a training curve that follows the float32
model's loss at the same weights (the oracle) and decreases, `.keras` round trips with the
policy, and `generate()`. Then the LSTM's cuDNN conditions, and
`--mixed-precision` in the pipelines and the CLI.
"""

import keras
import numpy as np
import pytest

from keras_embeddings import datasets, models, text
from keras_embeddings.cli import main
from keras_embeddings.errors import InvalidInputError

MIXED = "mixed_float16"
V = 60  # vocabulary of the tiny corpus (ids; 0 = padding, 1 = <unk>)
EPOCHS = 4


@pytest.fixture(scope="module")
def corpus():
    """The first 8 Lee news articles as ids: `(tokenizer, sequences)`."""
    texts = datasets.load_builtin_corpus()[:8]
    tokenizer = text.Tokenizer(num_words=V, oov_token="<unk>")
    tokenizer.fit_on_texts(texts)
    return tokenizer, tokenizer.texts_to_sequences(texts)


def _next_token_data(sequences):
    x, y = datasets.next_token_windows(sequences, 4)
    return x[:256], y[:256]


def _ngram_data(sequences):
    x, y = datasets.next_token_windows(sequences, 3)
    return x[:256], y[:256]


def _masked_data(sequences):
    x, y = datasets.next_token_windows(sequences, 3)
    rows = np.column_stack([x, y])[:256]
    mask = datasets.sample_input_mask(len(rows), 4, seed=0)
    return datasets.mask_inputs(rows, mask)


def _cbow_data(sequences):
    ids = np.concatenate(sequences)
    x = np.stack([ids[:-2], ids[2:]], axis=1)  # the words either side
    return x[:256], ids[1:-1][:256]


def _glove_data(sequences):
    log_x = datasets.cooccurrence(sequences, V, delta_smoothing=0.5, log=True)
    return np.arange(V), log_x.astype("float32")  # whole rows, the lab's way


def _word2vec_data(model):
    def make(sequences):
        batches = datasets.word2vec_dataset(
            sequences, V, model=model, negatives=2, sample=0, batch_size=64,
            shared_negatives=1, seed=0,
        )  # fmt: skip
        batches = list(batches.take(4).as_numpy_iterator())
        x = tuple(np.concatenate([b[0][i] for b in batches]) for i in range(3))
        return x, np.concatenate([b[1] for b in batches])

    return make


class Case:
    """One model: how to make it, its data from the corpus, its optimizer
    (Adam at `learning_rate`, or None: the model's default, word2vec's SGD)."""

    def __init__(
        self, name, make, data, learning_rate=0.01, generates=False, batch_size=64
    ):
        self.name, self.make, self.data = name, make, data
        self.learning_rate, self.generates = learning_rate, generates
        self.batch_size = batch_size

    def compile(self, model, optimizer=None):
        if optimizer is None and self.learning_rate is not None:
            optimizer = keras.optimizers.Adam(self.learning_rate)
        if isinstance(model, models.SkipGram | models.CBOWNegativeSampling):
            model.compile(optimizer=optimizer, jit_compile=False)  # no XLA wait
        else:
            model.compile(optimizer=optimizer)

    def __repr__(self):
        return self.name


CASES = [
    Case(
        "NextTokenModel",
        lambda **kw: models.NextTokenModel(V, 8, 8, sequence_length=4, **kw),
        _next_token_data,
        generates=True,
    ),
    Case(
        "TransformerLM",
        lambda **kw: models.TransformerLM(
            V,
            4,
            embedding_dim=8,
            num_heads=2,
            intermediate_dim=8,
            num_layers=1,
            **kw,
        ),  # dropout 0.1: with 0, JAX on a CPU cannot run float16 attention
        _next_token_data,
        generates=True,
    ),
    Case(
        "NGramLanguageModel",
        lambda **kw: models.NGramLanguageModel(
            V, 3, embedding_dim=8, hidden_dim=8, **kw
        ),
        _ngram_data,
    ),
    Case(
        "NGramLanguageModel-masked",
        lambda **kw: models.NGramLanguageModel(
            V, 4, embedding_dim=8, hidden_dim=8, masked=True, **kw
        ),
        _masked_data,
    ),
    Case(
        "CBOW",
        lambda **kw: models.CBOW(V, 8, window_size=1, **kw),
        _cbow_data,
        learning_rate=0.05,
    ),
    Case(
        "GloVe",
        lambda **kw: models.GloVe(V, 8, **kw),
        _glove_data,
        learning_rate=0.05,
        # Its loss sums squares over whole rows: the first steps' float16
        # gradients overflow until loss scaling has halved its scale a few
        # times, so give it more (smaller) steps.
        batch_size=8,
    ),
    Case(
        "SkipGram",
        lambda **kw: models.SkipGram(V, 8, negatives=2, **kw),
        _word2vec_data("skipgram"),
        learning_rate=None,
    ),
    Case(
        "CBOWNegativeSampling",
        lambda **kw: models.CBOWNegativeSampling(V, 8, negatives=2, **kw),
        _word2vec_data("cbow"),
        learning_rate=None,
    ),
]


def _dtype(tensor):
    return keras.backend.standardize_dtype(tensor.dtype)


def _first(x, n=8):
    return tuple(part[:n] for part in x) if isinstance(x, tuple) else x[:n]


def _built(case, x, **kwargs):
    keras.utils.set_random_seed(0)
    model = case.make(**kwargs)
    model(_first(x))
    return model


def _fit(case, model, x, y):
    history = model.fit(
        x, y, epochs=EPOCHS, batch_size=case.batch_size, shuffle=False, verbose=0
    )
    return np.array(history.history["loss"])


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_trains_with_float32_logits_and_loss_like_float32(case, corpus):
    x, y = case.data(corpus[1])
    reference = _built(case, x)  # float32: the oracle
    model = _built(case, x, dtype=MIXED)
    model.set_weights(reference.get_weights())  # the same starting point
    case.compile(reference)
    case.compile(model)

    assert model.dtype_policy.name == MIXED
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    if keras.backend.backend() == "tensorflow":  # the exact sparse steps
        assert model.optimizer.inner_optimizer.apply.__name__ == "summed_apply"
    logits = model(_first(x))
    assert _dtype(logits) == "float32"
    assert model.predict(_first(x), verbose=0).dtype == np.float32
    loss = model.compute_loss(x=_first(x), y=_first(y), y_pred=logits)
    assert _dtype(loss) == "float32"

    # From the same weights, float16 compute moves the loss by round-off only.
    start = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    expected = reference.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    np.testing.assert_allclose(start["loss"], expected["loss"], rtol=5e-3)
    # (Later losses drift apart: loss scaling skips the steps whose float16
    # gradients overflow, halving the scale each time.)
    curve = _fit(case, model, x, y)
    assert np.isfinite(curve).all() and curve[-1] < curve[0], curve
    assert curve[-1] < start["loss"]
    assert {w.dtype for w in model.weights} == {"float32"}


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_global_policy_reaches_every_model(case, corpus):
    x, _ = case.data(corpus[1])
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(MIXED)
    try:
        model = _built(case, x)
    finally:
        keras.config.set_dtype_policy(previous)
    assert model.dtype_policy.name == MIXED
    assert _dtype(model(_first(x))) == "float32"


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_save_and_load_keep_the_policy_and_predictions(case, corpus, tmp_path):
    x, y = case.data(corpus[1])
    model = _built(case, x, dtype=MIXED)
    case.compile(model)
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = models.load_model(path)

    assert type(loaded) is type(model)
    layers = [loaded, *loaded._flatten_layers(include_self=False)]
    assert {layer.dtype_policy.name for layer in layers} == {MIXED}
    np.testing.assert_array_equal(
        loaded.predict(_first(x), verbose=0), model.predict(_first(x), verbose=0)
    )
    assert isinstance(loaded.optimizer, keras.optimizers.LossScaleOptimizer)
    if keras.backend.backend() == "tensorflow":
        assert loaded.optimizer.inner_optimizer.apply.__name__ == "summed_apply"
    history = loaded.fit(x, y, epochs=1, batch_size=64, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("case", [c for c in CASES if c.generates], ids=repr)
def test_generate_under_mixed_precision(case, corpus):
    tokenizer, sequences = corpus
    x, y = case.data(sequences)
    vocabulary = tokenizer.get_vocabulary()
    model = _built(case, x, dtype=MIXED, vocabulary=vocabulary, oov_token="<unk>")
    case.compile(model)
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    prompt = f"{vocabulary[2]} {vocabulary[3]}"  # two frequent words
    words = model.generate(prompt, num_words=5, sampler="top_k", seed=1).split()
    assert words[:2] == prompt.split() and len(words) == 7
    assert set(words) <= set(vocabulary[2:])  # no padding, no <unk>


def _first_applied_step(model, x, y):
    """Weights before and after the first step the optimizer applies: with
    loss scaling, a step whose gradients overflow float16 is skipped (and the
    scale halved), so train until one is applied."""
    before = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    for _ in range(20):
        model.train_on_batch(x, y)
        if int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 1:
            break
    after = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    return before, after


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="only TensorFlow gives sparse (IndexedSlices) gradients",
)
@pytest.mark.parametrize("fix", [True, False], ids=["summed", "keras"])
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_adam_steps_stay_exact_under_loss_scaling(case, corpus, fix, monkeypatch):
    """Adam's first step moves no weight by more than the learning rate
    (`|m / sqrt(v)| = |g| / |g|`) once the slices of repeated ids are summed;
    Keras' own sparse step moves a word seen k times up to √k times that.
    One batch repeats many words (the corpus's frequent words)."""
    if not fix:
        from keras_embeddings.models import _compile

        monkeypatch.setattr(_compile, "sum_duplicate_slices", lambda o: o)
    x, y = case.data(corpus[1])
    x, y = _first(x, 64), _first(y, 64)
    model = _built(case, x, dtype=MIXED)
    rate = 1e-3
    case.compile(model, optimizer=keras.optimizers.Adam(rate))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    before, after = _first_applied_step(model, x, y)
    largest = max(np.abs(a - b).max() for a, b in zip(after, before))
    if fix:
        assert 0.9 * rate < largest <= rate * (1 + 1e-3)
    elif case.name != "GloVe":  # GloVe's rows of whole matrix rows: no repeats
        assert largest > 1.2 * rate


def test_loss_scale_optimizer_with_summed_slices_alone():
    """The same, for a model of yours: one id 8 times, Adam, mixed_float16."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("only TensorFlow gives sparse (IndexedSlices) gradients")
    from keras_embeddings.optimizers import sum_duplicate_slices

    class Lookup(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.table = keras.layers.Embedding(3, 2, dtype=self.dtype_policy)

        def call(self, ids):
            return keras.ops.cast(self.table(ids), "float32")

    steps = []
    for fix in (True, False):
        model = Lookup(dtype=MIXED)
        adam = keras.optimizers.Adam(learning_rate=1e-3)
        model.compile(optimizer=adam, loss="mse")
        if fix:
            assert sum_duplicate_slices(model.optimizer) is model.optimizer
        ids = np.full((1, 8), 1, "int32")
        model(ids)
        w0 = keras.ops.convert_to_numpy(model.weights[0])
        model.train_on_batch(ids, np.ones((1, 8, 2), "float32"))
        steps.append(np.abs(keras.ops.convert_to_numpy(model.weights[0]) - w0)[1])
    np.testing.assert_allclose(steps[0], 1e-3, rtol=1e-3)  # lr * sign(g)
    np.testing.assert_allclose(steps[1], 1e-3 * np.sqrt(8), rtol=1e-3)


# ------------------------------------------------------------------ cuDNN

# Keras 3.15's conditions for the cuDNN LSTM kernel
# (`keras/src/backend/tensorflow/rnn.py`: `cudnn_ok`,
# `_do_lstm_arguments_support_cudnn`; `keras/src/layers/rnn/lstm.py`:
# `inner_loop` skips cuDNN when `recurrent_dropout` is set).
CUDNN_CONDITIONS = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "use_bias": True,
    "unroll": False,
    "recurrent_dropout": 0.0,
}


@pytest.mark.parametrize("dtype", [None, MIXED])
def test_lstm_meets_the_cudnn_conditions(dtype, tmp_path):
    model = models.NextTokenModel(V, 8, 16, dropout=0.3, sequence_length=4, dtype=dtype)
    model.build((None, 4))
    path = str(tmp_path / "model.keras")
    model.save(path)
    for lstm in (model.lstm, models.load_model(path).lstm):
        config = lstm.get_config()
        assert {k: config[k] for k in CUDNN_CONDITIONS} == CUDNN_CONDITIONS
        assert lstm.use_cudnn == "auto"  # not in the config: "auto" on load
    if keras.backend.backend() == "tensorflow":
        # Keras' own check of the arguments (the GPU test comes on top).
        rnn = pytest.importorskip("keras.src.backend.tensorflow.rnn")
        support = getattr(rnn, "_do_lstm_arguments_support_cudnn", None)
        if support is not None:
            assert support(
                model.lstm.activation,
                model.lstm.recurrent_activation,
                model.lstm.unroll,
                model.lstm.use_bias,
            )
    # The mask the embedding gives the LSTM is what cuDNN needs.
    assert model.embedding.mask_zero


def test_training_windows_give_cudnn_masks(corpus):
    """cuDNN takes right-padded masks with a real word in every row (Keras
    asserts both on TensorFlow): the windows `next_token_dataset` and
    `generate()` feed the LSTM."""
    x, _ = datasets.next_token_windows(corpus[1], 8)
    mask = x != 0
    assert mask.any(axis=1).all()  # no fully masked row
    assert (np.diff(mask.astype(int), axis=1) <= 0).all()  # right padding only
    assert (~mask).any()  # the check saw padded rows


# ------------------------------------------------- pipelines and the CLI

TINY_CORPUS = "the cat sat on the mat and the dog sat on the log\n" * 6


@pytest.mark.parametrize("model_name", ["next-token", "skipgram"])
def test_cli_mixed_precision_saves_a_mixed_model(model_name, tmp_path, capsys):
    corpus = tmp_path / "story.txt"
    corpus.write_text(TINY_CORPUS, encoding="utf-8")
    out = tmp_path / "run"
    previous = keras.config.dtype_policy().name
    flags = ["--epochs", "1", "--embedding-dim", "4", "--verbose", "0"]
    flags += (
        ["--hidden-dim", "4", "--validation-split", "0"]
        if model_name == "next-token"
        else ["--min-count", "1", "--batch-size", "32"]
    )
    code = main(
        ["train", "--model", model_name, "--corpus", str(corpus), "--out", str(out),
         "--mixed-precision", *flags]
    )  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("mixed_float16" in line for line in lines[:4]), lines[:4]
    assert keras.config.dtype_policy().name == previous  # the global one is kept
    loaded = models.load_model(str(out / "model.keras"))
    assert loaded.dtype_policy.name == MIXED
    assert isinstance(loaded.optimizer, keras.optimizers.LossScaleOptimizer)


def test_pipeline_default_is_float32_and_argument_is_checked(tmp_path):
    from keras_embeddings import pipelines

    result = pipelines.train_next_token(
        [TINY_CORPUS] * 2, out=str(tmp_path / "run"), epochs=1, embedding_dim=4,
        hidden_dim=4, validation_split=0, verbose=0, print_fn=None,
    )  # fmt: skip
    assert result.model.dtype_policy.name == "float32"
    for recipe in (pipelines.train_next_token, pipelines.train_word2vec):
        with pytest.raises(InvalidInputError, match="`mixed_precision`"):
            recipe([TINY_CORPUS], out=str(tmp_path / "no"), mixed_precision="yes")
    assert not (tmp_path / "no").exists()
