import numpy as np
import pytest
import scipy.sparse

from keras_embeddings import datasets
from keras_embeddings.errors import InvalidInputError


def seed_calculate_log_co_occurrence(word_data, vocab_size, symmetric=False):
    """Oracle: the CSC321 lab's loop (seed 002, Part 1), `vocab_size` an argument."""
    log_co_occurrence = np.zeros((vocab_size, vocab_size))
    for input in word_data:
        # Note: the co-occurrence matrix may not be symmetric
        log_co_occurrence[input[0], input[1]] += 1
        log_co_occurrence[input[1], input[2]] += 1
        log_co_occurrence[input[2], input[3]] += 1
        # If we want symmetric co-occurrence can also increment for these.
        if symmetric:
            log_co_occurrence[input[1], input[0]] += 1
            log_co_occurrence[input[2], input[1]] += 1
            log_co_occurrence[input[3], input[2]] += 1
    delta_smoothing = 0.5  # A hyperparameter. You can play with this if you want.
    log_co_occurrence += delta_smoothing  # Add delta so log doesn't break on 0's.
    log_co_occurrence = np.log(log_co_occurrence)
    return log_co_occurrence


def seed_calculate_log_co_occurence_3ctx(word_data, vocab_size):
    """Oracle: the older handout's loop (seed 004): 3 context words, symmetric."""
    log_co_occurence = np.zeros((vocab_size, vocab_size))
    for input in word_data:
        log_co_occurence[input[0], input[1]] += 1
        log_co_occurence[input[1], input[2]] += 1
        log_co_occurence[input[1], input[0]] += 1
        log_co_occurence[input[2], input[1]] += 1
    delta_smoothing = 0.5
    log_co_occurence += delta_smoothing
    log_co_occurence = np.log(log_co_occurence)
    return log_co_occurence


@pytest.mark.parametrize("symmetric", [False, True])
def test_equals_seed_loop_on_random_4grams(symmetric):
    rng = np.random.default_rng(int(symmetric))
    ngrams = rng.integers(0, 7, size=(300, 4))  # small vocabulary: many repeats
    ngrams[:5] = 3  # self-pairs land on the diagonal
    expected = seed_calculate_log_co_occurrence(ngrams, 7, symmetric)
    got = datasets.cooccurrence(
        ngrams, 7, symmetric=symmetric, delta_smoothing=0.5, log=True
    )
    assert got.dtype == np.float64 and got.shape == (7, 7)
    np.testing.assert_array_equal(got, expected)


def test_equals_older_seed_loop_on_3_context_words():
    rng = np.random.default_rng(3)
    inputs = rng.integers(0, 9, size=(200, 3))
    expected = seed_calculate_log_co_occurence_3ctx(inputs, 9)
    got = datasets.cooccurrence(inputs, 9, delta_smoothing=0.5, log=True)
    np.testing.assert_array_equal(got, expected)


def test_equals_seed_loop_on_real_training_4grams(csc321_dir):
    data = datasets.load_csc321(csc321_dir)
    inputs, targets = data.train
    ngrams = np.column_stack([inputs, targets])
    assert ngrams.shape == (372_500, 4)
    size = len(data.vocabulary)
    # The loop takes a few seconds on all rows; the first 40,000 are enough
    # for it, and the totals below check every row.
    expected = seed_calculate_log_co_occurrence(ngrams[:40_000], size, False)
    got = datasets.cooccurrence(
        ngrams[:40_000], size, symmetric=False, delta_smoothing=0.5, log=True
    )
    np.testing.assert_array_equal(got, expected)
    counts = datasets.cooccurrence(ngrams, size, symmetric=False)
    assert counts.sum() == 3 * 372_500  # three adjacent pairs per 4-gram
    np.testing.assert_array_equal(
        counts.sum(axis=1), np.bincount(ngrams[:, :3].ravel(), minlength=size)
    )  # row i: how often word i is followed by a word
    word = {w: i for i, w in enumerate(data.vocabulary)}
    # "new york" is common and "york new" is not: the counts are asymmetric.
    assert counts[word["new"], word["york"]] > 100 * counts[word["york"], word["new"]]


def test_symmetric_is_asymmetric_plus_transpose():
    rng = np.random.default_rng(1)
    ngrams = rng.integers(0, 6, size=(100, 5))
    asym = datasets.cooccurrence(ngrams, 6, symmetric=False)
    sym = datasets.cooccurrence(ngrams, 6, symmetric=True)
    np.testing.assert_array_equal(sym, asym + asym.T)
    np.testing.assert_array_equal(sym, sym.T)
    assert not np.array_equal(asym, asym.T)
    # The log variants: log(A + A.T + delta).
    np.testing.assert_allclose(
        datasets.cooccurrence(ngrams, 6, delta_smoothing=2.0, log=True),
        np.log(asym + asym.T + 2.0),
    )


def test_hand_counted_example():
    ngrams = np.array([[0, 1, 2, 3], [1, 2, 2, 0]])
    expected = np.zeros((4, 4))
    for i, j in [(0, 1), (1, 2), (2, 3), (1, 2), (2, 2), (2, 0)]:
        expected[i, j] += 1
    np.testing.assert_array_equal(
        datasets.cooccurrence(ngrams, 4, symmetric=False), expected
    )
    np.testing.assert_array_equal(
        datasets.cooccurrence(ngrams, 4, symmetric=False, delta_smoothing=0.25),
        expected + 0.25,
    )


def test_sequences_of_any_length_never_pair_across_rows():
    sequences = [[0, 1, 2], [], [3], [2, 3, 0, 1], np.array([1, 1])]
    # Pairs: 0-1, 1-2 | 2-3, 3-0, 0-1 | 1-1 (none between 2 and 3 or 3 and 2).
    expected = np.zeros((4, 4))
    for i, j in [(0, 1), (1, 2), (2, 3), (3, 0), (0, 1), (1, 1)]:
        expected[i, j] += 1
    got = datasets.cooccurrence(sequences, 4, symmetric=False)
    np.testing.assert_array_equal(got, expected)
    # A 2-D array and the same rows as a list agree.
    rng = np.random.default_rng(2)
    ngrams = rng.integers(0, 5, size=(20, 4))
    np.testing.assert_array_equal(
        datasets.cooccurrence(list(ngrams), 5), datasets.cooccurrence(ngrams, 5)
    )
    assert datasets.cooccurrence([], 3).sum() == 0


def test_sparse_counts_equal_dense():
    rng = np.random.default_rng(4)
    ngrams = rng.integers(0, 30, size=(500, 4))
    for symmetric in (False, True):
        sparse = datasets.cooccurrence(ngrams, 30, symmetric=symmetric, sparse=True)
        assert scipy.sparse.issparse(sparse) and sparse.shape == (30, 30)
        np.testing.assert_array_equal(
            sparse.toarray(), datasets.cooccurrence(ngrams, 30, symmetric=symmetric)
        )


def test_pairs_cover_the_matrix_row_by_row():
    matrix = np.arange(9.0).reshape(3, 3)
    pairs, values = datasets.cooccurrence_pairs(matrix)
    assert pairs.dtype == np.int32 and pairs.shape == (9, 2)
    np.testing.assert_array_equal(pairs[4], [1, 1])
    np.testing.assert_array_equal(matrix[pairs[:, 0], pairs[:, 1]], values)
    np.testing.assert_array_equal(values, matrix.ravel())
    sparse = scipy.sparse.csr_array(np.array([[0.0, 2.0], [3.0, 0.0]]))
    pairs, values = datasets.cooccurrence_pairs(sparse)
    assert sorted(zip(map(tuple, pairs.tolist()), values)) == [
        ((0, 1), 2.0),
        ((1, 0), 3.0),
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"vocabulary_size": 0}, "`vocabulary_size` must be a positive integer"),
        ({"delta_smoothing": -1}, r"`delta_smoothing` must be a number in \[0, inf\)"),
        ({"log": True}, "needs `delta_smoothing > 0`"),
        ({"sparse": True, "delta_smoothing": 0.5}, "`sparse=True` returns raw"),
        ({"symmetric": "yes"}, "`symmetric` must be True or False"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, message):
    kwargs = {"vocabulary_size": 4, **kwargs}
    with pytest.raises(InvalidInputError, match=message):
        datasets.cooccurrence(np.array([[0, 1, 2, 3]]), **kwargs)


def test_bad_ids_and_shapes():
    with pytest.raises(InvalidInputError, match=r"must be in \[0, 4\).*start at 1"):
        datasets.cooccurrence(np.array([[1, 2, 3, 4]]), 4)
    with pytest.raises(InvalidInputError, match="integer word ids"):
        datasets.cooccurrence(np.array([[0.5, 1.0]]), 4)
    with pytest.raises(InvalidInputError, match="np.column_stack"):
        datasets.cooccurrence((np.zeros((3, 3), int), np.zeros(3, int)), 4)
    with pytest.raises(InvalidInputError, match="square"):
        datasets.cooccurrence_pairs(np.zeros((2, 3)))
