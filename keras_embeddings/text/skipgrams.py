"""Keras 2's `skipgrams` and `make_sampling_table`, which Keras 3 removed.

The TensorFlow word2vec tutorial still calls
`tf.keras.preprocessing.sequence.skipgrams(...)` and
`make_sampling_table(...)`; these are the same functions, with the same
signatures and outputs, written with vectorized NumPy instead of a Python loop
per pair. They build every pair of one sequence in memory, which suits a
sentence or a small corpus; `datasets.word2vec_dataset` streams pairs of a
whole corpus through `tf.data` instead.

Randomness: Keras 2 drew the sampling-table coin flips and the negative words
from Python's global `random` state and used `seed` only for the final
shuffle. Here `seed` seeds all three (a NumPy `Generator`), so one seed gives
one output; without shuffling and without negatives the output is Keras 2's,
pair for pair.

Taught in `tutorials/06_word2vec_at_scale.py`.
"""

import numpy as np

from keras_embeddings._validation import number, positive_int
from keras_embeddings.errors import InvalidInputError

__all__ = ["make_sampling_table", "skipgrams"]


def make_sampling_table(size, sampling_factor=1e-5):
    """The word2vec keep probability of the word of each frequency rank.

    Entry `i` is the probability of keeping the `i`-th most frequent word
    (ids sorted by frequency, as `Tokenizer` assigns them), from word2vec's
    subsampling formula `min(1, sqrt(f / sampling_factor) / (f /
    sampling_factor))` with the frequency `f` of rank `i` taken from Zipf's law,
    `f(rank) ~ 1 / (rank * (log(rank) + gamma) + 1/2 - 1/(12 rank))`.
    Identical to Keras 2's `make_sampling_table`.

    Args:
        size: int, number of possible words (the `vocabulary_size`).
        sampling_factor: float, word2vec's `sample` (smaller keeps fewer
            frequent words).

    Returns:
        A float64 array of shape `(size,)`, each entry in `(0, 1]`.

    Example:

    ```python
    >>> from keras_embeddings.text import make_sampling_table
    >>> table = make_sampling_table(5, sampling_factor=1e-2)
    >>> table.round(3).tolist()  # frequent words (low ranks) kept least
    [0.1, 0.1, 0.173, 0.235, 0.289]
    ```
    """
    size = positive_int("size", size, minimum=0)
    sampling_factor = number("sampling_factor", sampling_factor, low=0, low_open=True)
    gamma = 0.577
    rank = np.arange(size)
    rank[0:1] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(
    sequence,
    vocabulary_size,
    window_size=4,
    negative_samples=1.0,
    shuffle=True,
    categorical=False,
    sampling_table=None,
    seed=None,
):
    """Skip-gram (word, context word) pairs of one sequence, with negatives.

    Each non-zero id `w_i` (kept with probability `sampling_table[w_i]` when
    a table is given) is paired with every non-zero id `w_j`, `0 < |i - j| <=
    window_size`, label 1 (Mikolov et al., 2013, "Efficient Estimation of Word
    Representations in Vector Space"). Then `int(negative_samples * pairs)`
    negative pairs, label 0, pair the same words (shuffled, cycled) with ids
    drawn uniformly from `[1, vocabulary_size)`. Id 0 is padding, never used.

    Args:
        sequence: list or 1-D array of int ids (one sentence).
        vocabulary_size: int, the largest id + 1 (the range of negatives).
        window_size: int, the half-window: up to `window_size` words on
            each side.
        negative_samples: float >= 0, negatives per positive pair (0: none).
        shuffle: bool, shuffle the pairs (labels shuffled alike).
        categorical: bool, labels `[0, 1]` (positive) / `[1, 0]` (negative)
            instead of `1` / `0`.
        sampling_table: optional 1-D array, entry `i` the probability of
            keeping word `i` as a center word (`make_sampling_table`).
        seed: int or None, seeds the table coin flips, the negatives and the
            shuffle.

    Returns:
        `(couples, labels)`: a list of `[word, context]` int pairs and a list
        of int labels (or of `[int, int]` with `categorical=True`), as
        Keras 2 returned them.

    Example:

    ```python
    >>> from keras_embeddings.text import skipgrams
    >>> couples, labels = skipgrams(
    ...     [1, 2, 3], 4, window_size=1, negative_samples=0, shuffle=False
    ... )
    >>> couples, labels
    ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
    >>> couples, labels = skipgrams([1, 2, 3], 4, window_size=1, seed=0)
    >>> len(couples), sum(labels)  # 4 positive pairs, 4 negative ones
    (8, 4)
    ```
    """
    window_size = positive_int("window_size", window_size, minimum=0)
    vocabulary_size = positive_int("vocabulary_size", vocabulary_size, minimum=0)
    negative_samples = number("negative_samples", negative_samples, low=0)
    seq = np.asarray(sequence)
    if seq.ndim != 1 or (seq.size and not np.issubdtype(seq.dtype, np.integer)):
        raise InvalidInputError(
            "`sequence` must be a flat list of int word ids. "
            f"Received an array of shape {seq.shape} and dtype {seq.dtype}."
        )
    seq = seq.astype(np.int64)
    if seq.size and seq.min() < 0:
        raise InvalidInputError(
            f"`sequence` ids must be >= 0. Received id {seq.min()}."
        )
    rng = np.random.default_rng(seed)

    centers = np.flatnonzero(seq)  # positions of real words
    if sampling_table is not None:
        table = np.asarray(sampling_table, dtype=np.float64).reshape(-1)
        if seq.size and seq.max() >= len(table):
            raise InvalidInputError(
                f"`sampling_table` has {len(table)} entries but `sequence` holds "
                f"id {seq.max()}. Use make_sampling_table(vocabulary_size)."
            )
        # Keras 2 skips word w when table[w] < random(), i.e. keeps it when <=.
        centers = centers[rng.random(len(centers)) <= table[seq[centers]]]

    n = len(seq)
    reach = min(window_size, max(n - 1, 0))
    offsets = np.concatenate([np.arange(-reach, 0), np.arange(1, reach + 1)])
    j = centers[:, None] + offsets[None, :]  # (centers, 2 * reach), j ascending
    valid = (j >= 0) & (j < n)
    valid[valid] = seq[j[valid]] != 0
    rows, cols = np.nonzero(valid)  # row-major: Keras 2's (i, j) loop order
    words = seq[centers[rows]]
    contexts = seq[j[rows, cols]]
    labels = np.ones(len(words), dtype=np.int64)

    num_negative = int(len(words) * negative_samples)
    if num_negative > 0:
        if vocabulary_size < 2:
            raise InvalidInputError(
                "`vocabulary_size` must be at least 2 to draw negative ids from "
                f"[1, vocabulary_size). Received: vocabulary_size={vocabulary_size}"
            )
        shuffled = rng.permutation(words)
        negative_words = shuffled[np.arange(num_negative) % len(shuffled)]
        negative_contexts = rng.integers(1, vocabulary_size, size=num_negative)
        words = np.concatenate([words, negative_words])
        contexts = np.concatenate([contexts, negative_contexts])
        labels = np.concatenate([labels, np.zeros(num_negative, dtype=np.int64)])

    couples = np.stack([words, contexts], axis=1)
    if shuffle:
        order = rng.permutation(len(labels))
        couples, labels = couples[order], labels[order]
    if categorical:
        labels = np.stack([1 - labels, labels], axis=1)
    return couples.tolist(), labels.tolist()
