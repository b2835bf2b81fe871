"""Every model refuses negative, non-integer and too large ids (`models._ids`).

Before: a negative id wrapped around or was clamped (-2 read the row of id
`vocabulary_size - 2`), a float id was truncated, and an id equal to
`vocabulary_size` was clamped, read garbage or failed deep in the backend.
Oracles: the models' scores written out in NumPy from their weights, and
training on a checked `tf.data.Dataset` against the same batches as arrays.
"""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_embeddings import datasets, models
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._generation import MAX_NUM_WORDS

V = 10  # every model's vocabulary_size


def _skipgram():
    x = (np.array([1, 2]), np.array([3, 4]), np.array([[5, 6], [7, 8]]))
    return models.SkipGram(V, 4, negatives=2), x, np.zeros((2, 3), "float32")


def _cbow_ns():
    x = (np.array([[1, 2], [3, 0]]), np.array([4, 5]), np.array([[6, 7], [8, 9]]))
    return models.CBOWNegativeSampling(V, 4, negatives=2), x, np.zeros((2, 3))


def _cbow():
    return (
        models.CBOW(V, 3, window_size=1),
        np.array([[1, 2], [3, 0]]),
        np.array([4, 5]),
    )


def _glove():
    return models.GloVe(V, 3), np.array([[1, 2], [3, 0]]), np.array([0.5, 1.0])


def _ngram():
    model = models.NGramLanguageModel(V, 3, embedding_dim=4, hidden_dim=4)
    return model, np.array([[1, 2, 3], [0, 4, 5]]), np.array([4, 5])


def _next_token():
    model = models.NextTokenModel(V, 4, 4, sequence_length=3)
    return model, np.array([[1, 2, 3], [4, 5, 0]]), np.array([4, 5])


def _transformer():
    model = models.TransformerLM(V, 3, 4, num_heads=2, intermediate_dim=8, num_layers=1)
    return model, np.array([[1, 2, 3], [4, 5, 0]]), np.array([4, 5])


# The model, and the input where a bad id goes with its name in messages.
MODELS = {
    "SkipGram": (_skipgram, 1, "context ids"),
    "CBOWNegativeSampling": (_cbow_ns, 1, "center ids"),
    "CBOW": (_cbow, None, "context ids"),
    "GloVe": (_glove, None, "word ids"),
    "NGramLanguageModel": (_ngram, None, "word ids"),
    "NextTokenModel": (_next_token, None, "context ids"),
    "TransformerLM": (_transformer, None, "token ids"),
}
BAD = {"negative": -2, "vocabulary_size": V, "float": 1.0}


def _model(name):
    make, entry, label = MODELS[name]
    model, x, y = make()
    kwargs = {"jit_compile": False} if "SkipGram" in name or "NegativeS" in name else {}
    model.compile(**kwargs)
    return model, x, y, entry, label


def _with(x, entry, bad):
    """`x` with `bad` at index [1] (and [1, 0]) of its id input `entry`."""
    x = list(x) if entry is not None else [x]
    ids = np.array(x[entry or 0])
    if isinstance(bad, float):
        ids = ids.astype("float32")  # whole numbers, but floats
    else:
        ids[(1,) * ids.ndim] = bad
    x[entry or 0] = ids
    return tuple(x) if entry is not None else x[0]


def _what(label, arg, entry):
    """The pattern of an input's name in messages, e.g. "the context ids (`x[1]`)"."""
    arg = re.escape(arg if entry is None else f"{arg}[{entry}]")
    return rf"the {label} \(`{arg}`\)"


def _message(name, label, arg, entry, bad, method=""):
    where = name + (f".{method}" if method else "")
    what = _what(label, arg, entry)
    if isinstance(bad, float):
        return rf"^{where}: {what} must be integers\. Received: .*float32"
    index = "1" if entry is not None else "1, 1"  # where `_with` put it
    return (
        rf"^{where}: {what} must be in \[0, {V}\) \(`vocabulary_size`={V}\)\. "
        rf"Received: {bad} at index \[{index}\]\."
    )


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("name", MODELS)
def test_call_refuses_bad_ids(name, bad):
    model, x, _, entry, label = _model(name)
    message = _message(name, label, "inputs", entry, bad)
    with pytest.raises(InvalidInputError, match=message):
        model(_with(x, entry, bad))


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("name", MODELS)
def test_fit_and_predict_refuse_bad_numpy_ids(name, bad):
    model, x, y, entry, label = _model(name)
    x = _with(x, entry, bad)
    with pytest.raises(
        InvalidInputError, match=_message(name, label, "x", entry, bad, "fit")
    ):
        model.fit(x, y, verbose=0)
    with pytest.raises(
        InvalidInputError, match=_message(name, label, "x", entry, bad, "predict")
    ):
        model.predict(x, verbose=0)


@pytest.mark.parametrize("name", MODELS)
def test_backend_tensors_are_checked_eagerly(name):
    model, x, _, entry, label = _model(name)
    bad = keras.tree.map_structure(ops.convert_to_tensor, _with(x, entry, -2))
    with pytest.raises(
        InvalidInputError, match=_message(name, label, "inputs", entry, -2)
    ):
        model(bad)


@pytest.mark.parametrize("name", MODELS)
def test_padding_id_and_last_id_are_valid(name):
    model, x, y, entry, _ = _model(name)
    for edge in (0, V - 1):
        edged = _with(x, entry, edge)
        expected = ops.convert_to_numpy(model(edged))
        np.testing.assert_allclose(model.predict(edged, verbose=0), expected, atol=1e-5)
        model.fit(edged, y, verbose=0)


def test_skipgram_scores_are_numpy_dot_products():
    model, (target, context, negatives), _, _, _ = _model("SkipGram")
    model.build(None)
    rng = np.random.default_rng(0)
    w_in, w_out = rng.normal(size=(2, V, 4)).astype("float32")
    model.target_embedding.embeddings.assign(w_in)
    model.context_embedding.embeddings.assign(w_out)
    u = w_in[target]
    expected = np.concatenate(
        [np.sum(u * w_out[context], -1, keepdims=True),
         np.einsum("bd,bkd->bk", u, w_out[negatives])], axis=-1,
    )  # fmt: skip
    got = ops.convert_to_numpy(model((target, context, negatives)))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_glove_scores_are_numpy():
    model, pairs, _, _, _ = _model("GloVe")
    w, w_t, b, b_t = (
        ops.convert_to_numpy(v)
        for v in (model.w, model.w_tilde, model.b, model.b_tilde)
    )
    i, j = pairs[:, 0], pairs[:, 1]
    expected = np.sum(w[i] * w_t[j], -1) + b[i] + b_t[j]
    got = ops.convert_to_numpy(model.predict(pairs, verbose=0))[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_every_entry_point_checks():
    model, x, y, entry, label = _model("NGramLanguageModel")
    bad = _with(x, entry, V)
    for method, call in {
        "evaluate": lambda: model.evaluate(bad, y, verbose=0),
        "train_on_batch": lambda: model.train_on_batch(bad, y),
        "test_on_batch": lambda: model.test_on_batch(bad, y),
        "predict_on_batch": lambda: model.predict_on_batch(bad),
    }.items():
        with pytest.raises(
            InvalidInputError, match=rf"^NGramLanguageModel\.{method}: "
        ):
            call()
    with pytest.raises(
        InvalidInputError, match=r"\(`validation_data\[0\]`\) must be in"
    ):
        model.fit(x, y, validation_data=(bad, y), verbose=0)
    cbow = models.CBOW(V, 3, window_size=1)
    with pytest.raises(
        InvalidInputError, match=r"^CBOW\.forward_pass: the context ids"
    ):
        cbow.forward_pass([[1, -1]])


def test_symbolic_inputs_are_not_checked():
    model = models.CBOW(V, 3, window_size=1)
    inputs = keras.Input((2,), dtype="int32")
    functional = keras.Model(inputs, model(inputs))
    assert functional.output.shape == (None, V)


def _dataset(x, y, batch_size=1):
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)


@pytest.mark.parametrize("name", ["SkipGram", "NextTokenModel"])
def test_tf_data_fit_refuses_a_bad_batch(name):
    model, x, y, entry, label = _model(name)
    # The second batch is bad: the check runs batch by batch in the pipeline.
    dataset = _dataset(_with(x, entry, V), y.astype("float32"))
    what = _what(label, "x", entry)
    with pytest.raises(
        InvalidInputError,
        match=rf"^{name}\.fit: {what} must be in \[0, {V}\) .* ids from \d+ to {V}\.",
    ):
        model.fit(dataset, verbose=0, shuffle=False)


def test_tf_data_with_float_ids_is_refused_before_training():
    model, x, y, _, _ = _model("CBOW")
    with pytest.raises(
        InvalidInputError,
        match=r"^CBOW\.fit: the context ids \(`x`\) must be integers\. .*float32",
    ):
        model.fit(_dataset(x.astype("float32"), y), verbose=0, shuffle=False)


@pytest.mark.parametrize("name", ["SkipGram", "GloVe"])
def test_tf_data_check_keeps_the_numbers(name):
    keras.utils.set_random_seed(0)
    checked, x, y, _, _ = _model(name)
    keras.utils.set_random_seed(0)
    plain, _, _, _, _ = _model(name)
    y = y.astype("float32")
    checked.fit(_dataset(x, y), epochs=2, verbose=0, shuffle=False)
    plain.fit(x, y, batch_size=1, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(
        checked.get_embeddings(), plain.get_embeddings(), rtol=1e-5
    )


def test_generate_checks_prompt_ids():
    model = models.NextTokenModel(V, 4, 4, sequence_length=3)
    with pytest.raises(
        InvalidInputError,
        match=r"^NextTokenModel\.generate: `prompt` ids must be integers\. .*float64",
    ):
        model.generate([1.5, 2.0], num_words=2)  # before: read as [1, 2]
    with pytest.raises(
        InvalidInputError,
        match=r"`prompt` ids must be in \[1, 10\) .* Received: 0 at index \[1\]",
    ):
        model.generate([1, 0], num_words=2)
    assert len(model.generate([1, 2], num_words=3)) == 5


def test_generate_limits_num_words():
    model = models.NextTokenModel(V, 4, 4, sequence_length=3)
    assert MAX_NUM_WORDS == 1000
    with pytest.raises(
        InvalidInputError,
        match=r"^`num_words` must be at most 1000: .* num_words=100000000$",
    ):
        model.generate([1, 2], num_words=100_000_000)  # before: ran for hours


def test_traced_calls_are_not_checked():
    model, x, _, _, _ = _model("CBOW")
    expected = ops.convert_to_numpy(model(x))
    backend = keras.backend.backend()
    if backend == "tensorflow":
        traced = tf.function(model)
    elif backend == "jax":
        import jax

        traced = jax.jit(model)
    else:
        pytest.skip("PyTorch calls run eagerly")
    x = ops.convert_to_tensor(x)
    np.testing.assert_allclose(ops.convert_to_numpy(traced(x)), expected, rtol=1e-6)


def test_word2vec_dataset_is_trusted_and_derived_datasets_are_checked():
    dataset = datasets.word2vec_dataset([[1, 2, 3, 4]] * 4, V, batch_size=8, seed=0)
    model = models.SkipGram(V, 4)
    assert (
        model._checked_dataset(dataset, "x", "fit") is dataset
    )  # valid by construction
    derived = dataset.take(-1)
    assert model._checked_dataset(derived, "x", "fit") is not derived
    smaller = models.SkipGram(V - 1, 4)  # its ids may exceed a smaller model
    assert smaller._checked_dataset(dataset, "x", "fit") is not dataset
