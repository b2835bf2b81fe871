"""fastText: `text.char_ngrams`, `text.ft_hash`, `text.ngram_ids`,
`models.FastText` and its gensim export (Bojanowski et al., 2017).

Oracles: gensim's own `compute_ngrams`, `compute_ngrams_bytes`,
`ft_hash_bytes`, `ft_ngram_hashes` and `FastTextKeyedVectors` (which
recomputes every vector from the tables we hand it), and the mean of the
word and n-gram rows and fastText's SGD update written out in NumPy with
assigned weights.
"""

import zipfile

import h5py
import keras
import numpy as np
import pytest
from gensim.models.fasttext import FastTextKeyedVectors, ft_ngram_hashes
from gensim.models.fasttext_inner import (
    compute_ngrams,
    compute_ngrams_bytes,
    ft_hash_bytes,
)
from keras.ops import convert_to_numpy

from keras_embeddings import datasets, export, models
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.text import char_ngrams, ft_hash, ngram_ids

# ASCII, accents (2-byte UTF-8), ß, a combining accent, CJK (3 bytes), emoji
# (4 bytes), one-letter, empty, long and repeating words.
WORDS = [
    "where", "a", "", "hi", "café", "naïve", "straße", "e\u0301te\u0301",
    "東京都", "日本語の単語", "🙂", "ok🙂👍", "Ωmega", "aaaaaaa",
    "internationalization",
]  # fmt: skip
RANGES = [(3, 6), (1, 1), (1, 3), (2, 5), (4, 4), (5, 8)]


@pytest.mark.parametrize("min_n, max_n", RANGES)
def test_char_ngrams_are_gensims(min_n, max_n):
    for word in WORDS:
        assert char_ngrams(word, min_n, max_n) == compute_ngrams(word, min_n, max_n)


def test_char_ngrams_count_characters_not_bytes():
    assert char_ngrams("東京", 4, 4) == ["<東京>"]  # 4 characters, 8 bytes
    assert char_ngrams("🙂", 3, 3) == ["<🙂>"]
    assert char_ngrams("a", 4, 6) == []  # "<a>" is shorter than 4


def test_ft_hash_is_gensims_on_ascii_and_non_ascii_bytes():
    ngrams = {g for word in WORDS for g in char_ngrams(word, 1, 6)}
    ngrams |= {"", "<", "\x7f", "\x80", "ÿ", "é>", "<東", "🙂>"}
    for ngram in ngrams:
        assert ft_hash(ngram) == ft_hash_bytes(ngram.encode("utf-8")), ngram
    # A signed C `char`: with unsigned bytes "é" (0xC3 0xA9) would hash apart.
    unsigned = 2166136261
    for byte in "é".encode():
        unsigned = ((unsigned ^ byte) * 16777619) % 2**32
    assert ft_hash("é") != unsigned


@pytest.mark.parametrize("min_n, max_n", RANGES)
@pytest.mark.parametrize("bucket", [1, 97, 2_000_000])
def test_ngram_ids_are_gensims_rows(min_n, max_n, bucket):
    ids, counts = ngram_ids(WORDS, min_n, max_n, bucket)
    assert ids.dtype == counts.dtype == np.int32
    assert ids.shape == (len(WORDS), max(1, counts.max()))
    for i, word in enumerate(WORDS):
        assert ids[i, : counts[i]].tolist() == ft_ngram_hashes(
            word, min_n, max_n, bucket
        )
        assert not ids[i, counts[i] :].any()  # padded with 0
        # fastText's n-grams are gensim's `compute_ngrams_bytes`.
        assert counts[i] == len(compute_ngrams_bytes(word, min_n, max_n))


def test_ngram_ids_of_many_random_words_are_gensims():
    # Words of 0 to 11 characters from 1- to 4-byte UTF-8 characters, side
    # by side in one vectorised pass.
    rng = np.random.default_rng(0)
    letters = list("abcxyzéßΩ東京🙂\u0301")
    words = ["".join(rng.choice(letters, rng.integers(0, 12))) for _ in range(1500)]
    for min_n, max_n in [(3, 6), (1, 4)]:
        ids, counts = ngram_ids(words, min_n, max_n, 1_000_003)
        for i, word in enumerate(words):
            assert ids[i, : counts[i]].tolist() == ft_ngram_hashes(
                word, min_n, max_n, 1_000_003
            ), word


def test_ngram_ids_are_the_rows_of_gensims_keyed_vectors():
    words = [w for w in WORDS if w]
    gensim_kv = FastTextKeyedVectors(4, 3, 6, 1000)
    gensim_kv.index_to_key = words
    gensim_kv.key_to_index = {w: i for i, w in enumerate(words)}
    gensim_kv.recalc_char_ngram_buckets()
    ids, counts = ngram_ids(words, 3, 6, 1000)
    for i, rows in enumerate(gensim_kv.buckets_word):
        assert ids[i, : counts[i]].tolist() == rows.tolist()


def test_ngram_helpers_refuse_bad_arguments():
    with pytest.raises(InvalidInputError, match=r"`max_n` must be at least"):
        char_ngrams("word", 4, 3)
    with pytest.raises(InvalidInputError, match=r"`min_n` must be a positive"):
        ngram_ids(["word"], 0, 3)
    with pytest.raises(InvalidInputError, match=r"`bucket` must be at most"):
        ngram_ids(["word"], bucket=2**31)
    with pytest.raises(InvalidInputError, match=r"`words\[1\]` must be a str"):
        ngram_ids(["word", 7])
    with pytest.raises(InvalidInputError, match=r"`words` must be a list"):
        ngram_ids("word")
    with pytest.raises(InvalidInputError, match=r"valid Unicode"):
        ngram_ids(["ok", "\udc80"])  # a lone surrogate (surrogateescape)
    with pytest.raises(InvalidInputError, match=r"`ngram` must be a str"):
        ft_hash(b"abc")


# --- the model ----------------------------------------------------------

VOCABULARY = ["", "walk", "walked", "talk", "talked", "café", "東京"]
V, D, BUCKET = len(VOCABULARY), 4, 50  # few buckets: rows repeat within words


def _model(**kwargs):
    kwargs = {"negatives": 2, "bucket": BUCKET, "vocabulary": VOCABULARY, **kwargs}
    return models.FastText(V, D, **kwargs)


def _assign(model, seed=0):
    rng = np.random.default_rng(seed)
    model.build(None)
    tables = {
        "word": rng.normal(size=(V, D)).astype("float32"),
        "ngram": rng.normal(size=(BUCKET, D)).astype("float32"),
        "output": rng.normal(size=(V, D)).astype("float32") * 0.5,
    }
    # Rows no vocabulary n-gram hashes to are zero and not stored.
    unused = np.setdiff1d(np.arange(BUCKET), model.ngram_rows)
    tables["ngram"][unused] = 0.0
    model.target_embedding.embeddings.assign(tables["word"])
    trained = np.zeros(model.ngram_embedding.embeddings.shape, "float32")
    trained[: len(model.ngram_rows)] = tables["ngram"][model.ngram_rows]
    model.ngram_embedding.embeddings.assign(trained)  # padded rows unused
    model.context_embedding.embeddings.assign(tables["output"])
    return tables


def _numpy_vector(tables, word):
    """gensim's vector: known word, mean of word and n-gram rows; else of
    the n-gram rows; zeros without n-grams."""
    rows = ft_ngram_hashes(word, 3, 6, BUCKET)
    ngrams = tables["ngram"][rows].sum(0)
    if word in VOCABULARY[1:]:
        return (tables["word"][VOCABULARY.index(word)] + ngrams) / (len(rows) + 1)
    return ngrams / len(rows) if rows else np.zeros(D, "float32")


def test_vectors_equal_the_numpy_mean_for_known_and_unseen_words():
    model = _model()
    tables = _assign(model)
    for word in [*VOCABULARY[1:], "walking", "talks", "cafe", "東京都", "x", "🙂"]:
        np.testing.assert_allclose(
            model.get_vector(word), _numpy_vector(tables, word), rtol=1e-5, atol=1e-6
        )
    embeddings = model.get_embeddings()
    assert embeddings.shape == (V, D)
    for i, word in enumerate(VOCABULARY[1:], start=1):
        np.testing.assert_allclose(
            embeddings[i], _numpy_vector(tables, word), rtol=1e-5, atol=1e-6
        )
    np.testing.assert_allclose(embeddings[0], tables["word"][0])  # padding: no n-grams
    # The padding entry is not a word: "" has no n-grams, hence the origin.
    assert model.get_vector("").tolist() == [0.0] * D
    np.testing.assert_allclose(model.get_embeddings("output"), tables["output"])
    np.testing.assert_allclose(
        model.get_embeddings("average"), (embeddings + tables["output"]) / 2, rtol=1e-6
    )


def test_only_the_vocabularys_ngram_rows_are_stored_and_trained():
    model = _model()
    expected = sorted(
        {row for word in VOCABULARY[1:] for row in ft_ngram_hashes(word, 3, 6, BUCKET)}
    )
    assert model.ngram_rows.tolist() == expected
    model.build(None)
    # Padded to 128 rows (shards evenly over devices); the extra rows unused.
    assert tuple(model.ngram_embedding.embeddings.shape) == (128, D)
    table = model.get_ngram_embeddings()
    assert table.shape == (BUCKET, D)
    unused = np.setdiff1d(np.arange(BUCKET), expected)
    assert len(unused) and not table[unused].any()  # zero: never trained
    assert np.abs(table[expected]).min() > 0  # initialized
    # "xq": none of its n-grams' rows is a vocabulary n-gram's, so zeros;
    # "walking": its mean counts the rows it lacks as zeros.
    assert not set(ft_ngram_hashes("xq", 3, 6, BUCKET)) & set(expected)
    assert not model.get_vector("xq").any()
    rows = ft_ngram_hashes("walking", 3, 6, BUCKET)
    assert set(rows) - set(expected)
    np.testing.assert_allclose(
        model.get_vector("walking"), table[rows].sum(0) / len(rows), rtol=1e-6
    )


def test_mixed_precision_trains_and_keeps_float32_vectors():
    model = _model(dtype="mixed_float16")
    model.compile(jit_compile=False)
    x = (np.array([1, 2], "int32"), np.array([2, 3], "int32"), np.array([[3, 4]]))
    logits = model(x)
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"
    model.train_on_batch(x, np.array([[1.0, 0.0, 0.0]] * 2))
    embeddings = model.get_embeddings()
    assert embeddings.dtype == np.float32 and np.isfinite(embeddings).all()
    for word in ["walk", "walking"]:
        assert model.get_vector(word).dtype == np.float32
    np.testing.assert_array_equal(model.get_vector("walk"), embeddings[1])


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture(params=["each id", "whole vocabulary"])
def composition(request, monkeypatch):
    """Both ways a step composes the input vectors: one n-gram list per id
    of the batch, or every word's once (small vocabularies)."""
    from keras_embeddings.models import fasttext

    if request.param == "each id":
        monkeypatch.setattr(fasttext, "_COMPOSE_ALL", 0)
    return request.param


def test_one_sgd_step_gives_every_row_the_whole_error(composition):
    # gensim: u is the sum of the word row and its n n-gram rows over n;
    # dL/du then goes whole to the word row and to every n-gram occurrence.
    model = _model()
    lr = 0.1
    model.compile(learning_rate=lr)  # XLA on TensorFlow, as users train
    tables = _assign(model, seed=1)
    target = np.array([2, 5, 2], "int32")  # "walked" twice
    context = np.array([1, 6, 3], "int32")
    negatives = np.array([[3, 4], [2, 2], [6, 1]], "int32")
    labels = np.array([[1.0, 0.0, 0.0]] * 3, "float32")
    model.train_on_batch((target, context, negatives), labels)

    expected = {name: table.copy() for name, table in tables.items()}
    for i in range(3):
        word = VOCABULARY[target[i]]
        # gensim's training mean: word row + n-gram rows, over n.
        n = len(ft_ngram_hashes(word, 3, 6, BUCKET))
        u = _numpy_vector(tables, word) * (n + 1) / n
        outputs = [context[i], *negatives[i]]
        du = np.zeros(D)
        for k, o in enumerate(outputs):
            g = _sigmoid(u @ tables["output"][o]) - (k == 0)
            du += g * tables["output"][o]
            expected["output"][o] -= lr * g * u
        expected["word"][target[i]] -= lr * du
        for row in ft_ngram_hashes(word, 3, 6, BUCKET):  # repeats count twice
            expected["ngram"][row] -= lr * du
    for name, table in [
        ("word", model.target_embedding.embeddings),
        ("ngram", model.get_ngram_embeddings()),
        ("output", model.context_embedding.embeddings),
    ]:
        np.testing.assert_allclose(table, expected[name], atol=2e-6)


def test_cbow_one_sgd_step_gives_every_row_the_whole_error(composition):
    # gensim's and fastText's CBOW: u is the mean of every row (word and
    # n-gram) of every context word (padding 0 left out); each of those rows
    # then gets the whole dL/du.
    model = _model(sg=0)  # gensim's spelling
    assert model.sg is False
    lr = 0.1
    model.compile(learning_rate=lr)
    tables = _assign(model, seed=2)
    context = np.array([[1, 2, 0, 0], [5, 5, 6, 3], [0, 0, 0, 0]], "int32")
    center = np.array([3, 1, 4], "int32")
    negatives = np.array([[2, 6], [4, 4], [1, 2]], "int32")
    labels = np.array([[1.0, 0.0, 0.0]] * 3, "float32")

    def rows(word_id):
        word = VOCABULARY[word_id]
        return [tables["word"][word_id]] + [
            tables["ngram"][g] for g in ft_ngram_hashes(word, 3, 6, BUCKET)
        ]

    us = []
    for i in range(3):
        all_rows = [r for c in context[i] if c for r in rows(c)]
        us.append(np.mean(all_rows, axis=0) if all_rows else np.zeros(D))
    logits = convert_to_numpy(model((context, center, negatives)))
    for i, u in enumerate(us):
        outputs = [center[i], *negatives[i]]
        expected = [u @ tables["output"][o] for o in outputs]
        np.testing.assert_allclose(logits[i], expected, rtol=1e-5, atol=1e-6)

    model.train_on_batch((context, center, negatives), labels)
    expected = {name: table.copy() for name, table in tables.items()}
    for i, u in enumerate(us):
        outputs = [center[i], *negatives[i]]
        du = np.zeros(D)
        for k, o in enumerate(outputs):
            g = _sigmoid(u @ tables["output"][o]) - (k == 0)
            du += g * tables["output"][o]
            expected["output"][o] -= lr * g * u
        for c in context[i][context[i] > 0]:
            expected["word"][c] -= lr * du
            for row in ft_ngram_hashes(VOCABULARY[c], 3, 6, BUCKET):
                expected["ngram"][row] -= lr * du
    for name, table in [
        ("word", model.target_embedding.embeddings),
        ("ngram", model.get_ngram_embeddings()),
        ("output", model.context_embedding.embeddings),
    ]:
        np.testing.assert_allclose(table, expected[name], atol=2e-6)


CORPUS = [
    "the cat walked to the mat and the cat talked",
    "a dog walks and a dog talks to the cat",
    "the dog walked and talked and walked",
] * 30


@pytest.mark.parametrize("sg", [True, False])
def test_fit_on_word2vec_batches_lowers_the_loss(sg):
    keras.utils.set_random_seed(0)
    texts = [line.split() for line in CORPUS]
    vocabulary = ["", *sorted({w for line in texts for w in line})]
    index = {w: i for i, w in enumerate(vocabulary)}
    sequences = [[index[w] for w in line] for line in texts]
    dataset = datasets.word2vec_dataset(
        sequences, len(vocabulary), model="skipgram" if sg else "cbow",
        window_size=2, negatives=3, sample=0, batch_size=64, seed=0,
    )  # fmt: skip
    model = models.FastText(
        len(vocabulary), 8, negatives=3, vocabulary=vocabulary, bucket=500, sg=sg
    )
    epochs = 6
    model.compile(learning_rate=0.05, decay_steps=epochs * int(dataset.cardinality()))
    model.build(None)
    ngrams_before = convert_to_numpy(model.ngram_embedding.embeddings).copy()
    history = model.fit(dataset, epochs=epochs, verbose=0)
    losses = history.history["pair_loss"]
    assert np.isfinite(losses).all()
    assert losses[-1] < 0.9 * losses[0]
    moved = np.abs(convert_to_numpy(model.ngram_embedding.embeddings) - ngrams_before)
    assert (moved.max(axis=1) > 0).sum() > 20  # n-gram rows trained too


def test_save_and_load_keep_the_vectors_of_known_and_unseen_words(tmp_path):
    model = _model(min_n=2, max_n=4)
    model.compile(jit_compile=False)
    _assign(model)
    path = tmp_path / "fasttext.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, models.FastText)
    assert (loaded.min_n, loaded.max_n, loaded.bucket) == (2, 4, BUCKET)
    for word in ["walk", "東京", "walking", "東京都", "zz", ""]:
        np.testing.assert_array_equal(loaded.get_vector(word), model.get_vector(word))
    np.testing.assert_array_equal(loaded.get_embeddings(), model.get_embeddings())
    np.testing.assert_array_equal(
        convert_to_numpy(loaded.subword_ids.ids),
        convert_to_numpy(model.subword_ids.ids),
    )
    # The n-gram id table is recomputed from the vocabulary, not stored: the
    # file holds the three tables only (and the optimizer's two scalars),
    # the n-gram table with the vocabulary's rows alone.
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        names = []
        weights.visit(names.append)
        shapes = sorted(
            weights[name].shape
            for name in names
            if isinstance(weights[name], h5py.Dataset)
        )
    assert shapes == sorted([(), (), (128, D), (V, D), (V, D)])


@pytest.mark.parametrize("sg", [True, False])
def test_config_round_trip(sg):
    model = _model(min_n=2, max_n=5, sg=sg)
    config = model.get_config()
    again = models.FastText.from_config(config)
    assert again.get_config() == config
    assert again.get_vocabulary() == VOCABULARY and again.padding_id == 0
    assert again.sg is sg


def test_export_gives_gensim_the_same_vectors(tmp_path):
    model = _model()
    tables = _assign(model)
    kv = export.to_keyed_vectors(model)
    assert isinstance(kv, FastTextKeyedVectors)
    assert kv.index_to_key == VOCABULARY[1:]  # no padding
    assert (kv.min_n, kv.max_n, kv.bucket) == (3, 6, BUCKET)
    np.testing.assert_array_equal(kv.vectors_vocab, tables["word"][1:])
    np.testing.assert_array_equal(kv.vectors_ngrams, tables["ngram"])
    words = [*VOCABULARY[1:], "walking", "cafe", "東京都", "🙂", "x"]
    for word in words:
        np.testing.assert_allclose(
            kv[word], model.get_vector(word), rtol=1e-5, atol=1e-6
        )
    assert "walking" not in kv.key_to_index  # answered from its n-grams

    path = str(tmp_path / "vectors.kv")
    kv.save(path)
    loaded = FastTextKeyedVectors.load(path)
    for word in words:
        np.testing.assert_array_equal(loaded[word], kv[word])


def test_export_of_other_models_and_dicts_is_plain_keyed_vectors():
    from gensim.models import KeyedVectors

    model = models.SkipGram(4, 3, vocabulary=["", "a", "b", "c"])
    kv = export.to_keyed_vectors(model)
    assert type(kv) is KeyedVectors and kv.index_to_key == ["a", "b", "c"]
    np.testing.assert_array_equal(kv.vectors, model.get_embeddings()[1:])
    kv = export.to_keyed_vectors({"x": [1.0, 2.0]})
    assert type(kv) is KeyedVectors and kv["x"].tolist() == [1.0, 2.0]


def test_refuses_bad_ids_words_and_arguments():
    model = _model()
    negatives = np.array([[1, 2]], "int32")
    with pytest.raises(InvalidInputError, match=r"FastText: the target ids"):
        model((np.array([V], "int32"), np.array([1], "int32"), negatives))
    with pytest.raises(InvalidInputError, match=r"the negative ids"):
        model((np.array([1], "int32"), np.array([1], "int32"), -negatives))
    with pytest.raises(InvalidInputError, match=r"FastText needs `vocabulary`"):
        models.FastText(V, D)
    with pytest.raises(InvalidInputError, match=r"`max_n` must be at least"):
        _model(min_n=5, max_n=3)
    with pytest.raises(InvalidInputError, match=r"`bucket` must be a positive"):
        _model(bucket=0)
    with pytest.raises(InvalidInputError, match=r"`word` must be a str"):
        model.get_vector(3)
    with pytest.raises(InvalidInputError, match=r"`sg` must be True or False"):
        _model(sg="cbow")
    cbow = _model(sg=False)
    with pytest.raises(InvalidInputError, match=r"FastText: the context ids must"):
        cbow((np.array([1], "int32"), np.array([1], "int32"), negatives))
    with pytest.raises(InvalidInputError, match=r"the center ids \(`inputs\[1\]`\)"):
        cbow((np.array([[1, 2]], "int32"), np.array([V], "int32"), negatives))


def test_fit_on_an_unbuilt_model_trains_the_ngram_rows():
    # Before: a model built inside `fit` kept zero n-gram counts on the
    # device (the assignment after `add_weight` was lost in the traced
    # build), so only the word rows trained.
    model = models.FastText(
        5, embedding_dim=4, negatives=2, bucket=1000,
        vocabulary=["", "walk", "walked", "talk", "talked"],
    )  # fmt: skip
    model.compile()
    x = (np.array([1, 3]), np.array([2, 4]), np.array([[3, 4], [1, 2]]))
    y = np.array([[1.0, 0.0, 0.0]] * 2)
    model.fit(x, y, epochs=1, verbose=0)  # builds the model
    counts = keras.ops.convert_to_numpy(model.subword_ids.counts)
    np.testing.assert_array_equal(counts, model.subword_ids.values[1])
    before = keras.ops.convert_to_numpy(model.ngram_embedding.embeddings).copy()
    model.fit(x, y, epochs=3, verbose=0)
    after = keras.ops.convert_to_numpy(model.ngram_embedding.embeddings)
    used = np.unique(model.subword_ids.values[0][1:])
    assert np.abs(after[used] - before[used]).max() > 0
