"""`datasets.word2vec_dataset`: examples, subsampling, negatives, seeds.

Oracles: Keras 2's `skipgrams` for the pairs of each document, the window
written out by hand for CBOW, gensim's own vocabulary tables
(`sample_int`, `cum_table`) for the subsampling and negative distributions,
and binomial tolerances for the frequencies.
"""

import collections
import doctest
import importlib
import logging

import numpy as np
import pytest
from tf_keras.preprocessing import sequence as legacy

from keras_embeddings import datasets
from keras_embeddings.errors import InvalidInputError

word2vec_module = importlib.import_module("keras_embeddings.datasets.word2vec")


def _epoch(dataset):
    """One pass as NumPy arrays: x, y, negative ids, labels, weights."""
    parts = [
        (x.numpy(), y.numpy(), n.numpy(), labels.numpy(), w.numpy())
        for (x, y, n), labels, w in dataset
    ]
    return [np.concatenate(p) for p in zip(*parts)]


def _docs(rng, lengths, vocabulary_size):
    return [rng.integers(1, vocabulary_size, size=n).tolist() for n in lengths]


@pytest.mark.parametrize("window_size", [1, 3])
@pytest.mark.parametrize("batch_size", [16, 256])
def test_skipgram_pairs_equal_keras2_per_document(window_size, batch_size):
    rng = np.random.default_rng(window_size)
    docs = _docs(rng, [0, 1, 2, 5, 9, 3, 30], 12)
    ds = datasets.word2vec_dataset(
        docs, 12, window_size=window_size, sample=0, shrink_windows=False,
        batch_size=batch_size, shared_negatives=1, seed=0,
    )  # fmt: skip
    x, y, _, _, w = _epoch(ds)
    expected = collections.Counter()
    for doc in docs:
        couples, _ = legacy.skipgrams(
            doc, 12, window_size=window_size, negative_samples=0, shuffle=False
        )
        expected.update(map(tuple, couples))
    assert collections.Counter(zip(x[w == 1], y[w == 1])) == expected
    # Padding fills the last batch only, with id 0 and weight 0.
    n = sum(expected.values())
    np.testing.assert_array_equal(w, np.r_[np.ones(n), np.zeros(len(w) - n)])
    assert (x[w == 0] == 0).all() and (y[w == 0] == 0).all()
    assert int(ds.cardinality()) == -(-n // batch_size) == len(w) // batch_size


def test_pairs_stay_in_window_and_document_with_dynamic_windows():
    # Unique ids: id - 1 is the token's position, and documents are 7 long.
    ids = np.arange(1, 701)
    docs = np.split(ids, 100)
    ds = datasets.word2vec_dataset(
        docs, 701, window_size=4, sample=0, batch_size=512, seed=1
    )
    x, y, _, _, w = _epoch(ds)
    x, y = x[w == 1], y[w == 1]
    assert ((x - 1) // 7 == (y - 1) // 7).all()  # same document
    distance = np.abs(x - y)
    assert distance.min() >= 1 and distance.max() <= 4


def test_dynamic_window_shortens_windows_uniformly():
    # One long document: a center reaches distance d with probability
    # (w - d + 1) / w, so pairs at distance d number ~ 2 n (w - d + 1) / w.
    n, window = 4000, 4
    ds = datasets.word2vec_dataset(
        [np.arange(1, n + 1)], n + 1, window_size=window, sample=0,
        batch_size=1024, seed=2,
    )  # fmt: skip
    x, y, _, _, w = _epoch(ds)
    counts = np.bincount(np.abs(x - y)[w == 1], minlength=window + 1)[1:]
    for d, count in enumerate(counts, start=1):
        p = (window - d + 1) / window
        # Both directions of a pair depend on two centers' draws: 2 sigma each.
        assert abs(count - 2 * n * p) < 2 * 5 * np.sqrt(n * p * (1 - p)) + 10


def test_cbow_rows_are_the_window_around_each_center():
    rng = np.random.default_rng(3)
    docs = _docs(rng, [1, 4, 8, 2], 50)
    window = 2
    ds = datasets.word2vec_dataset(
        docs, 50, model="cbow", window_size=window, sample=0,
        shrink_windows=False, batch_size=8, shared_negatives=2, seed=0,
    )  # fmt: skip
    context, center, negative_ids, labels, w = _epoch(ds)
    assert context.shape[1] == 2 * window and negative_ids.shape[1] == 5
    expected = []
    for doc in docs:
        if len(doc) < 2:
            continue  # a one-word document has no context: no example
        for p, word in enumerate(doc):
            row = [doc[p + o] if 0 <= p + o < len(doc) else 0 for o in (-2, -1, 1, 2)]
            expected.append((tuple(row), word))
    got = [(tuple(r), c) for r, c, weight in zip(context, center, w) if weight]
    assert sorted(got) == sorted(expected)
    np.testing.assert_array_equal(labels[:, 0], 1)
    np.testing.assert_array_equal(labels[:, 1:], 0)


def test_keep_probabilities_equal_gensim_sample_int():
    from gensim.models import Word2Vec

    logging.getLogger("gensim").setLevel(logging.WARNING)
    rng = np.random.default_rng(4)
    words = rng.zipf(1.3, size=20000)
    words = words[words < 400]
    sentences = [[f"w{i}" for i in words[k : k + 20]] for k in range(0, len(words), 20)]
    model = Word2Vec(min_count=1, sample=1e-3, vector_size=4)
    model.build_vocab(sentences)
    counts = np.bincount(words, minlength=400)
    ours = datasets.keep_probabilities(counts, sample=1e-3)
    for i in np.flatnonzero(counts):
        theirs = model.wv.get_vecattr(f"w{i}", "sample_int") / 2**32
        assert ours[i] == pytest.approx(theirs, abs=1e-9)
    assert ours[0] == 1.0  # words that never occur are "kept"
    np.testing.assert_array_equal(datasets.keep_probabilities(counts, 0), 1.0)


def test_subsampling_keeps_each_word_at_its_rate():
    # One document: word 1 is half the corpus, word 2 a quarter, the rest rare.
    rng = np.random.default_rng(5)
    tokens = rng.choice(
        [1, 2, 3, 4, 5, 6], size=20000, p=[0.5, 0.25, 0.1, 0.1, 0.03, 0.02]
    )
    counts = np.bincount(tokens, minlength=7)
    sample = 1e-2
    t = sample * counts.sum()  # gensim's threshold count, written out here
    keep = np.minimum(1.0, (np.sqrt(counts[1:] / t) + 1) * t / counts[1:])
    ds = datasets.word2vec_dataset(
        [tokens], 7, model="cbow", sample=sample, batch_size=4096, seed=6
    )
    epochs = 3
    centers = np.zeros(7)
    for _ in range(epochs):  # redrawn every epoch
        _, center, _, _, w = _epoch(ds)
        centers += np.bincount(center[w == 1], minlength=7)
    expected = epochs * counts[1:] * keep
    sigma = np.sqrt(epochs * counts[1:] * keep * (1 - keep)) + 1
    assert (np.abs(centers[1:] - expected) < 5 * sigma).all(), (centers, expected)
    assert keep[0] < 0.2 and keep[-1] == 1.0  # frequent words dropped most


def test_negative_table_equals_gensim_cum_table():
    from gensim.models import Word2Vec

    logging.getLogger("gensim").setLevel(logging.WARNING)
    counts = np.array([0, 500, 120, 60, 9, 1])
    sentences = [[f"w{i}"] * int(c) for i, c in enumerate(counts) if c]
    model = Word2Vec(min_count=1, vector_size=4)
    model.build_vocab(sentences)
    theirs = np.diff(np.r_[0, model.cum_table]) / model.cum_table[-1]
    order = [int(model.wv.index_to_key[k][1:]) for k in range(len(theirs))]
    ours = datasets.negative_sampling_distribution(counts, ns_exponent=0.75)
    np.testing.assert_allclose(ours[order], theirs, atol=1e-8)
    assert ours[0] == 0


def test_negatives_follow_unigram_to_the_075():
    rng = np.random.default_rng(7)
    tokens = rng.choice(
        np.arange(1, 9), size=3000, p=np.r_[0.4, 0.2, 0.1, 0.1, 0.1, 0.05, 0.03, 0.02]
    )
    counts = np.bincount(tokens, minlength=10)  # id 9 never occurs
    ds = datasets.word2vec_dataset(
        [tokens], 10, sample=0, negatives=20, batch_size=1024, shared_negatives=1,
        seed=8,
    )  # fmt: skip
    _, _, negative_ids, _, _ = _epoch(ds)
    drawn = np.bincount(negative_ids.ravel(), minlength=10)
    p = np.where(counts > 0, counts**0.75, 0) / (counts[counts > 0] ** 0.75).sum()
    total = drawn.sum()
    assert drawn[0] == 0 and drawn[9] == 0
    sigma = np.sqrt(total * p * (1 - p))
    assert (np.abs(drawn - total * p) <= 5 * sigma + 1).all(), (drawn, total * p)
    # Unigram^0.75 flattens the distribution: the most frequent word is drawn
    # less often than its share of the corpus.
    assert drawn[1] / total < counts[1] / counts.sum() - 0.05


def test_shared_negatives_shape():
    ds = datasets.word2vec_dataset(
        [list(range(1, 40))], 40, sample=0, batch_size=64, shared_negatives=16,
        negatives=3,
    )  # fmt: skip
    (x, y, negative_ids), labels, w = next(iter(ds))
    assert x.shape == (64,) and y.shape == (64,) and negative_ids.shape == (4, 3)
    assert labels.shape == (64, 4) and w.shape == (64,)
    assert x.dtype.name == y.dtype.name == negative_ids.dtype.name == "int32"


def test_seed_reproduces_every_epoch_and_epochs_differ():
    rng = np.random.default_rng(9)
    docs = _docs(rng, [30] * 20, 40)

    def make(seed):
        return datasets.word2vec_dataset(
            docs, 40, sample=1e-2, batch_size=128, seed=seed
        )

    a, b, c = make(3), make(3), make(4)
    a1, a2 = _epoch(a), _epoch(a)
    b1, b2 = _epoch(b), _epoch(b)
    for u, v in zip(a1 + a2, b1 + b2):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a1[0], a2[0])  # redrawn each epoch
    assert not np.array_equal(a1[0], _epoch(c)[0])


def test_blocks_of_tokens_are_stitched_into_full_batches(monkeypatch):
    # Several token blocks (here 50 tokens each, documents of 10): batches
    # straddle blocks, and no pair is lost or repeated.
    monkeypatch.setattr(word2vec_module, "_BLOCK_TOKENS", 50)
    rng = np.random.default_rng(10)
    docs = _docs(rng, [10] * 23, 30)
    ds = datasets.word2vec_dataset(
        docs, 30, window_size=2, sample=0, shrink_windows=False, batch_size=32,
        seed=0,
    )  # fmt: skip
    x, y, _, _, w = _epoch(ds)
    expected = collections.Counter()
    for doc in docs:
        couples, _ = legacy.skipgrams(doc, 30, window_size=2, negative_samples=0)
        expected.update(map(tuple, couples))
    assert collections.Counter(zip(x[w == 1], y[w == 1])) == expected


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_first_epoch_has_exactly_the_counted_examples(monkeypatch, model):
    # The steps are counted from the first epoch's draw of subsampling and
    # windows without making its examples: the first epoch then pads its
    # last batch only, and drops nothing. Several blocks, as with big corpora.
    monkeypatch.setattr(word2vec_module, "_BLOCK_TOKENS", 300)
    rng = np.random.default_rng(11)
    tokens = rng.choice(np.arange(1, 30), size=2000, p=np.r_[0.3, [0.7 / 28] * 28])
    docs = np.split(tokens, np.sort(rng.choice(np.arange(1, 2000), 150, False)))
    for seed in range(3):
        ds = datasets.word2vec_dataset(
            docs, 30, model=model, sample=1e-2, batch_size=64, seed=seed
        )
        _, y, _, _, w = _epoch(ds)
        n = int(w.sum())
        np.testing.assert_array_equal(w, np.r_[np.ones(n), np.zeros(len(w) - n)])
        assert int(ds.cardinality()) == -(-n // 64)


def test_skipgram_pairs_sharing_negatives_come_from_different_centers():
    # Unique ids: each target id is one center occurrence. Word2vec draws
    # fresh negatives for every pair; a shared draw should serve pairs of
    # different centers, not the context words of one center.
    ids = np.arange(1, 2001)
    ds = datasets.word2vec_dataset(
        [ids], 2001, window_size=5, sample=0, batch_size=256,
        shared_negatives=32, seed=12,
    )  # fmt: skip
    x, _, _, _, w = _epoch(ds)
    groups = x[: int(w.sum()) // 32 * 32].reshape(-1, 32)
    distinct = np.mean([len(set(g)) for g in groups])
    assert distinct > 28, distinct  # ~31.8 for random pairs, ~6 per center


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(model="glove"), "model"),
        (dict(window_size=0), "window_size"),
        (dict(negatives=0), "negatives"),
        (dict(batch_size=100, shared_negatives=16), "multiple"),
        (dict(sample=-1.0), "sample"),
        (dict(vocabulary_size=5), r"\[0, vocabulary_size=5\)"),
        (dict(sequences=[[1], [2]]), "no two neighbouring words"),
        (dict(sequences=[[1.5, 2.5]]), "integer"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    arguments = dict(sequences=[[1, 2, 3, 7]], vocabulary_size=8)
    arguments.update(kwargs)
    with pytest.raises(InvalidInputError, match=match):
        datasets.word2vec_dataset(**arguments)


def test_docstring_examples():
    results = doctest.testmod(word2vec_module)
    assert results.failed == 0 and results.attempted >= 1


@pytest.mark.parametrize(
    "model, batch_size, rows",
    [("skipgram", 4096, 4096 // 32), ("cbow", 1024, 1024 // 8)],
)
def test_defaults_per_model(model, batch_size, rows):
    # CBOW diverges at skip-gram's 4096 on small vocabularies and loses
    # quality sharing negatives over more than 8 examples.
    sequences = [[1, 2, 3, 4, 5, 6, 7, 8, 9] * 20] * 5
    ds = datasets.word2vec_dataset(sequences, 10, model=model, negatives=3, seed=0)
    (x, y, negative_ids), labels, weights = next(iter(ds))
    assert y.shape == (batch_size,)
    assert negative_ids.shape == (rows, 3)
    # An odd batch size shares over its largest divisor up to the default.
    ds = datasets.word2vec_dataset(
        sequences, 10, model=model, negatives=3, batch_size=48, seed=0
    )
    (x, y, negative_ids), labels, weights = next(iter(ds))
    assert negative_ids.shape == (48 // (8 if model == "cbow" else 16), 3)
