"""Word co-occurrence matrices, the input of GloVe (Pennington et al. 2014).

`cooccurrence` counts how often word `j` comes right after word `i` inside
each n-gram (or sequence): the CSC321 lab's `calculate_log_co_occurrence`,
with its options (asymmetric or symmetric counts, `delta_smoothing`, the
elementwise log) and without its Python loop: the pairs are counted with one
`np.bincount` (dense) or one SciPy `coo_array` (sparse), 100 to 200 times
faster than the loop on the lab's 372,500 training 4-grams
(`benchmarks/cooccurrence.py`).

`cooccurrence_pairs` turns a matrix into `(i, j) -> X[i, j]` training
examples for `models.GloVe`.

Taught in `tutorials/07_glove.py`.
"""

import numpy as np

from keras_embeddings._validation import boolean, number, positive_int
from keras_embeddings.errors import InvalidInputError

__all__ = ["cooccurrence", "cooccurrence_pairs"]


def cooccurrence(
    ngrams_or_sequences,
    vocabulary_size,
    symmetric=True,
    delta_smoothing=0.0,
    log=False,
    sparse=False,
):
    """Count adjacent word pairs: `X[i, j]` = times word `j` follows word `i`.

    Inside every row of `ngrams_or_sequences` (a 4-gram, or a sentence), each
    pair of neighbours `(row[k], row[k + 1])` adds 1 to `X[row[k], row[k + 1]]`;
    pairs never span two rows. With `symmetric=True` the pair also adds 1 to
    `X[row[k + 1], row[k]]`, so the result is `A + A.T` where `A` is the
    asymmetric count (a word next to itself adds 2 to the diagonal, as in the
    lab's loop). Then `delta_smoothing` is added to every entry and, with
    `log=True`, the elementwise natural log is taken.

    The CSC321 lab (Programming Assignment 1, Part 1) is
    `cooccurrence(ngrams, vocabulary_size, symmetric=False,
    delta_smoothing=0.5, log=True)` on the 4-grams (`symmetric=True` for its
    symmetric variant; the older handout counted the 3 context words of each
    row, always symmetrically). The result is identical to its loop, entry
    for entry.

    Args:
        ngrams_or_sequences: integer word ids, either a 2-D array
            `(num_rows, n)` with `n >= 2` (e.g. the 4-grams
            `np.column_stack([inputs, targets])`) or a list of 1-D id
            sequences of any lengths (e.g. tokenized sentences). Ids are in
            `[0, vocabulary_size)`.
        vocabulary_size: int, the matrix is `(vocabulary_size, vocabulary_size)`.
        symmetric: bool, count each pair in both directions.
        delta_smoothing: float >= 0, added to every count (the lab's 0.5,
            so that the log of a pair never seen is finite).
        log: bool, return `log(counts + delta_smoothing)`; needs
            `delta_smoothing > 0`.
        sparse: bool, return the raw counts as a `scipy.sparse.csr_array`
            (for large vocabularies, where a dense `V x V` array does not
            fit); needs `delta_smoothing=0` and `log=False`, since both fill
            every entry.

    Returns:
        A float64 array `(vocabulary_size, vocabulary_size)`, or a float64
        `scipy.sparse.csr_array` of counts with `sparse=True`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.datasets import cooccurrence
    >>> ngrams = np.array([[0, 1, 2, 3], [1, 2, 2, 0]])
    >>> counts = cooccurrence(ngrams, 4, symmetric=False)
    >>> counts  # "1 2" twice
    array([[0., 1., 0., 0.],
           [0., 0., 2., 0.],
           [1., 0., 1., 1.],
           [0., 0., 0., 0.]])
    >>> # symmetric: 2 + 0 pairs "2 1", plus 0.5, then the log
    >>> float(cooccurrence(ngrams, 4, delta_smoothing=0.5, log=True)[1, 2])
    0.916...
    ```
    """
    vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
    delta_smoothing = number("delta_smoothing", delta_smoothing, low=0)
    symmetric = boolean("symmetric", symmetric)
    log = boolean("log", log)
    sparse = boolean("sparse", sparse)
    if log and delta_smoothing == 0:
        raise InvalidInputError(
            "`log=True` needs `delta_smoothing > 0`: the log of a pair that never "
            "occurs is -inf. Pass e.g. delta_smoothing=0.5 (the CSC321 lab's). "
            f"Received: delta_smoothing={delta_smoothing!r}"
        )
    if sparse and (log or delta_smoothing != 0):
        raise InvalidInputError(
            "`sparse=True` returns raw counts: smoothing and the log fill every "
            "entry, so use the dense matrix for them. Received: "
            f"delta_smoothing={delta_smoothing!r}, log={log!r}"
        )

    first, second = _adjacent_pairs(ngrams_or_sequences, vocabulary_size)
    if sparse:
        import scipy.sparse  # here: importing the datasets stays light

        counts = scipy.sparse.coo_array(
            (np.ones(len(first)), (first, second)),
            shape=(vocabulary_size, vocabulary_size),
        ).tocsr()  # duplicates are summed here
        return counts + counts.T if symmetric else counts
    # One bincount over the flat indices i * V + j counts every pair at once.
    flat = first * vocabulary_size  # intp: no overflow below V = 3e9 (64-bit)
    flat += second
    counts = np.bincount(flat, minlength=vocabulary_size * vocabulary_size)
    counts = counts.reshape(vocabulary_size, vocabulary_size)
    if symmetric:
        counts = counts + counts.T  # each pair in both directions
    matrix = counts.astype(np.float64)
    matrix += delta_smoothing
    if log:
        np.log(matrix, out=matrix)
    return matrix


def _adjacent_pairs(ngrams_or_sequences, vocabulary_size):
    """`(first, second)` intp arrays of every adjacent pair inside a row."""
    if isinstance(ngrams_or_sequences, np.ndarray) and ngrams_or_sequences.ndim == 2:
        _check_ids(ngrams_or_sequences, vocabulary_size)
        # Column-major copy: the slices below are then contiguous, which makes
        # them several times faster to read than strided row-major slices.
        ngrams = np.asfortranarray(ngrams_or_sequences, dtype=np.intp)
        first = ngrams[:, :-1].ravel(order="K")  # (num_rows * (n - 1),) views
        second = ngrams[:, 1:].ravel(order="K")
        return first, second

    if isinstance(ngrams_or_sequences, (str, bytes)) or not hasattr(
        ngrams_or_sequences, "__iter__"
    ):
        raise InvalidInputError(
            "`ngrams_or_sequences` must be a 2-D array of word ids or a list of "
            f"id sequences. Received: {ngrams_or_sequences!r:.80}"
        )
    sequences = [np.asarray(s) for s in ngrams_or_sequences]
    for k, sequence in enumerate(sequences):
        if sequence.ndim != 1:
            raise InvalidInputError(
                "Each sequence in `ngrams_or_sequences` must be a 1-D list of ids. "
                f"Sequence {k} has shape {sequence.shape}. For (inputs, targets) "
                "pairs pass np.column_stack([inputs, targets])."
            )
    if not sequences:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    # An empty list is float64 to NumPy; it adds no ids, so make it int.
    flat = np.concatenate([s if s.size else s.astype(np.int64) for s in sequences])
    _check_ids(flat, vocabulary_size)
    flat = flat.astype(np.intp)
    # A pair (flat[p], flat[p + 1]) is inside a sequence unless p is the last
    # position of its sequence.
    lengths = np.array([len(s) for s in sequences])
    inside = np.ones(max(len(flat) - 1, 0), bool)
    ends = np.cumsum(lengths)[:-1] - 1  # last positions, except the final one
    inside[ends[ends >= 0]] = False
    return flat[:-1][inside], flat[1:][inside]


def _check_ids(ids, vocabulary_size):
    if ids.size == 0:
        return
    if not np.issubdtype(ids.dtype, np.integer):
        raise InvalidInputError(
            "`ngrams_or_sequences` must hold integer word ids. "
            f"Received dtype {ids.dtype}."
        )
    low, high = int(ids.min()), int(ids.max())
    if low < 0 or high >= vocabulary_size:
        raise InvalidInputError(
            f"Word ids in `ngrams_or_sequences` must be in [0, {vocabulary_size}) "
            f"(`vocabulary_size`). Received ids from {low} to {high}."
            + (
                " The CSC321 data.mat ids start at 1: subtract 1, or use "
                "datasets.load_csc321()."
                if high == vocabulary_size
                else ""
            )
        )


def cooccurrence_pairs(matrix):
    """Every entry of a co-occurrence matrix as an `(i, j) -> X[i, j]` example.

    `models.GloVe` trains on these with `model.fit(pairs, values)`.

    Args:
        matrix: a square array `(V, V)` (e.g. `cooccurrence(..., log=True)`):
            all `V * V` entries, row by row (`pairs[i * V + j] == (i, j)`);
            or a SciPy sparse matrix: only its stored entries (the original
            GloVe trains on the non-zero counts only).

    Returns:
        `(pairs, values)`: int32 array `(num_entries, 2)` of `(i, j)` and
        float64 array `(num_entries,)` of `X[i, j]`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.datasets import cooccurrence_pairs
    >>> pairs, values = cooccurrence_pairs(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> pairs.tolist(), values.tolist()
    ([[0, 0], [0, 1], [1, 0], [1, 1]], [1.0, 2.0, 3.0, 4.0])
    ```
    """
    import scipy.sparse

    if scipy.sparse.issparse(matrix):
        coo = scipy.sparse.coo_array(matrix)
        coo.sum_duplicates()
        shape, rows, cols, values = coo.shape, coo.row, coo.col, coo.data
    else:
        matrix = np.asarray(matrix)
        shape = matrix.shape
        if len(shape) == 2:
            rows, cols = np.divmod(np.arange(matrix.size), shape[1])
            values = matrix.ravel()
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise InvalidInputError(
            "`matrix` must be a square (V, V) co-occurrence matrix. "
            f"Received: shape {shape}"
        )
    pairs = np.stack([rows, cols], axis=1).astype(np.int32)
    return pairs, np.asarray(values, dtype=np.float64)
