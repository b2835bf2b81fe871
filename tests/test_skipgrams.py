"""`text.skipgrams` / `text.make_sampling_table` against Keras 2's own code.

The oracle is `tf_keras.preprocessing.sequence`, from the public `tf_keras`
package (Keras 2 for TensorFlow 2.16+: the functions
`tf.keras.preprocessing.sequence` exported before Keras 3). Where the output
is deterministic (the sampling table; pairs without shuffling or negatives)
it must be identical; where it is random, the tests check what must hold
for any draw, and frequencies with binomial tolerances.
"""

import collections
import random
import re

import numpy as np
import pytest
from tf_keras.preprocessing import sequence as legacy

from keras_embeddings import text
from keras_embeddings.errors import InvalidInputError


@pytest.mark.parametrize("size", [1, 2, 10, 1000])
@pytest.mark.parametrize("factor", [1e-5, 1e-3, 0.1])
def test_sampling_table_equals_keras2(size, factor):
    ours = text.make_sampling_table(size, sampling_factor=factor)
    theirs = legacy.make_sampling_table(size, sampling_factor=factor)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_sampling_table_formula_by_hand():
    # Rank 3, factor 1e-2: inv_fq = 3 (ln 3 + 0.577) + 1/2 - 1/36, f = 1e-2 inv_fq,
    # p = min(1, sqrt(f)) (f / sqrt(f)).
    inv_fq = 3 * (np.log(3) + 0.577) + 0.5 - 1 / 36
    assert text.make_sampling_table(4, 1e-2)[3] == pytest.approx(np.sqrt(1e-2 * inv_fq))
    assert text.make_sampling_table(0).shape == (0,)


def _random_sequence(rng, n, vocabulary_size, zeros=0.2):
    seq = rng.integers(1, vocabulary_size, size=n)
    seq[rng.random(n) < zeros] = 0  # padding / unknown words are skipped
    return seq.tolist()


@pytest.mark.parametrize("window_size", [0, 1, 2, 4, 50])
@pytest.mark.parametrize("categorical", [False, True])
def test_pairs_equal_keras2_without_shuffle_or_negatives(window_size, categorical):
    rng = np.random.default_rng(window_size)
    for n in (0, 1, 2, 7, 40):
        seq = _random_sequence(rng, n, 12)
        kwargs = dict(
            window_size=window_size,
            negative_samples=0,
            shuffle=False,
            categorical=categorical,
        )
        ours = text.skipgrams(seq, 12, **kwargs)
        theirs = legacy.skipgrams(seq, 12, **kwargs)
        assert ours == theirs


def test_sentence_example_by_hand():
    couples, labels = text.skipgrams(
        [5, 0, 7, 9], 10, window_size=2, negative_samples=0, shuffle=False
    )
    # 0 is skipped as a word and as a context; the pairs are in (i, j) order.
    assert couples == [[5, 7], [7, 5], [7, 9], [9, 7]]
    assert labels == [1, 1, 1, 1]


@pytest.mark.parametrize("negative_samples", [0.5, 1.0, 2.0])
def test_negatives_counts_range_and_words(negative_samples):
    rng = np.random.default_rng(0)
    seq = _random_sequence(rng, 60, 30)
    random.seed(0)
    legacy_couples, legacy_labels = legacy.skipgrams(
        seq, 30, window_size=3, negative_samples=negative_samples, shuffle=False
    )
    couples, labels = text.skipgrams(
        seq, 30, window_size=3, negative_samples=negative_samples, shuffle=False,
        seed=1,
    )  # fmt: skip
    positives = [c for c, label in zip(couples, labels) if label == 1]
    negatives = [c for c, label in zip(couples, labels) if label == 0]
    legacy_positives = [c for c, label in zip(legacy_couples, legacy_labels) if label]
    assert positives == legacy_positives  # the same pairs, in the same order
    assert labels == [1] * len(positives) + [0] * len(negatives)
    assert len(negatives) == int(len(positives) * negative_samples)
    assert len(labels) == len(legacy_labels)
    # Negative contexts are ids of [1, vocabulary_size); negative words are
    # the positive words, shuffled and cycled.
    assert all(1 <= c < 30 for _, c in negatives)
    words = collections.Counter(w for w, _ in positives)
    negative_words = collections.Counter(w for w, _ in negatives)
    if negative_samples == 1.0:
        assert negative_words == words
    if negative_samples == 2.0:
        assert negative_words == collections.Counter(
            {w: 2 * n for w, n in words.items()}
        )
    assert set(negative_words) <= set(words)


def test_negative_contexts_are_uniform():
    seq = list(range(1, 9)) * 250  # 2000 words, ~4000 pairs at window 1
    couples, labels = text.skipgrams(seq, 9, window_size=1, shuffle=False, seed=3)
    contexts = np.array([c for (_, c), label in zip(couples, labels) if label == 0])
    counts = np.bincount(contexts, minlength=9)
    assert counts[0] == 0
    expected = len(contexts) / 8
    # Binomial standard deviation ~ sqrt(n p (1 - p)) ~ 21; allow 5 sigma.
    assert np.abs(counts[1:] - expected).max() < 5 * np.sqrt(expected)


def test_shuffle_keeps_pairs_and_labels_together():
    seq = _random_sequence(np.random.default_rng(4), 50, 20)
    plain = text.skipgrams(seq, 20, shuffle=False, seed=7)
    shuffled = text.skipgrams(seq, 20, shuffle=True, seed=7)
    assert shuffled != plain
    assert sorted(zip(map(tuple, plain[0]), plain[1])) == sorted(
        zip(map(tuple, shuffled[0]), shuffled[1])
    )


def test_categorical_labels():
    couples, labels = text.skipgrams([1, 2, 3], 5, window_size=1, categorical=True,
                                     shuffle=False, seed=0)  # fmt: skip
    assert labels == [[0, 1]] * 4 + [[1, 0]] * 4
    assert len(couples) == 8


def test_seed_makes_output_reproducible():
    seq = _random_sequence(np.random.default_rng(5), 30, 10)
    table = np.full(10, 0.5)
    a = text.skipgrams(seq, 10, sampling_table=table, seed=11)
    b = text.skipgrams(seq, 10, sampling_table=table, seed=11)
    c = text.skipgrams(seq, 10, sampling_table=table, seed=12)
    assert a == b
    assert a != c


def test_sampling_table_keeps_words_at_their_rate():
    # Word 1 is kept as a center with probability 0.25, word 2 always.
    seq = [1, 2] * 4000
    table = np.array([0.0, 0.25, 1.0])
    couples, _ = text.skipgrams(seq, 3, window_size=1, negative_samples=0,
                                sampling_table=table, seed=0)  # fmt: skip
    centers = collections.Counter(w for w, _ in couples)
    # Word 2 has 2 contexts (1 at the end), word 1 has 2 (1 at the start).
    assert centers[2] == 2 * 4000 - 1
    kept_1 = centers[1] / 2
    assert abs(kept_1 - 1000) < 5 * np.sqrt(4000 * 0.25 * 0.75)
    # Keras 2 (global `random`) keeps the same share.
    random.seed(0)
    legacy_couples, _ = legacy.skipgrams(
        seq, 3, window_size=1, negative_samples=0, sampling_table=table
    )
    legacy_kept_1 = sum(1 for w, _ in legacy_couples if w == 1) / 2
    assert abs(legacy_kept_1 - kept_1) < 2 * 5 * np.sqrt(4000 * 0.25 * 0.75)


def test_real_sentence_with_sampling_table_from_tokenizer():
    # The TensorFlow tutorial's recipe: Tokenizer ids are frequency ranks.
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(["the wide road shimmered in the hot sun"])
    seq = tokenizer.texts_to_sequences(["the wide road shimmered in the hot sun"])[0]
    vocabulary_size = len(tokenizer.word_index) + 1
    table = text.make_sampling_table(vocabulary_size, sampling_factor=1.0)
    couples, labels = text.skipgrams(
        seq, vocabulary_size, window_size=2, negative_samples=0,
        sampling_table=table, seed=0,
    )  # fmt: skip
    assert len(couples) == len(labels) > 0
    assert all(0 < w < vocabulary_size and 0 < c < vocabulary_size for w, c in couples)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sequence=[1, 2], vocabulary_size=3, window_size=-1), "window_size"),
        (dict(sequence=[1, -2], vocabulary_size=3), "ids must be >= 0"),
        (dict(sequence=[[1, 2]], vocabulary_size=3), "flat list"),
        (dict(sequence=[1.5, 2.0], vocabulary_size=3), "flat list"),
        (dict(sequence=[1, 2], vocabulary_size=1), "at least 2"),
        (dict(sequence=[1, 2], vocabulary_size=3, negative_samples=-1), "negative"),
        (
            dict(sequence=[1, 2], vocabulary_size=3, negative_samples="1"),
            "`negative_samples` must be a number in [0, inf). "
            "Received: negative_samples='1'",
        ),
        (
            dict(sequence=[1, 2], vocabulary_size=True),
            "`vocabulary_size` must be an integer >= 0. Received: vocabulary_size=True",
        ),
        (dict(sequence=[1, 2], vocabulary_size=3, window_size=1.5), "window_size=1.5"),
        (dict(sequence=[1, 5], vocabulary_size=6, sampling_table=[1.0] * 3), "id 5"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(InvalidInputError, match=re.escape(match)):
        text.skipgrams(**kwargs)


def test_sampling_table_bad_arguments():
    with pytest.raises(InvalidInputError, match="size"):
        text.make_sampling_table(-1)
    with pytest.raises(InvalidInputError, match="sampling_factor"):
        text.make_sampling_table(5, sampling_factor=0)
    with pytest.raises(InvalidInputError, match=re.escape("sampling_factor='0.1'")):
        text.make_sampling_table(5, sampling_factor="0.1")
    with pytest.raises(InvalidInputError, match=re.escape("size=2.0")):
        text.make_sampling_table(2.0)
