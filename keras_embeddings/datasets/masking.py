"""Masked 4-grams for the masked language model, as the CSC321 lab makes them.

The masked `NGramLanguageModel` reads rows of `sequence_length` 1-based
word ids with some replaced by `[MASK]` (id 0) and predicts the words that
stood there. `sample_input_mask` draws the lab's masks (one position per
row), `mask_inputs` turns rows and a mask into `(inputs, targets)`, and
`masked_dataset` is a `tf.data` pipeline that masks a fresh position of
every row each epoch.

Taught in `tutorials/08_neural_language_model.py`.
"""

import numpy as np

from keras_embeddings._deprecation import no_other_arguments, renamed
from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError

__all__ = ["mask_inputs", "masked_dataset", "sample_input_mask"]


def sample_input_mask(batch_size, sequence_length=4, seed=None, **kwargs):
    """Choose one position per row to mask, as the assignment does.

    The assignment's `Model.sample_input_mask`: `np.random.randint(
    sequence_length, size=(batch_size,))` positions, as a 0/1 matrix. With
    `seed=None` it draws from NumPy's global state, so `np.random.seed(0)`
    then `sample_input_mask(100)` gives the masks of its `print_gradients()`;
    `seed=0` gives the same masks without touching the global state.

    Args:
        batch_size: int, number of rows.
        sequence_length: int, words per row (formerly `context_length`,
            still accepted with a `DeprecationWarning`).
        seed: None (NumPy's global random state), an int, or a
            `np.random.RandomState` / `np.random.Generator`.

    Returns:
        int32 array `(batch_size, sequence_length)` with one 1 per row.

    Example:

    ```python
    >>> from keras_embeddings.datasets import sample_input_mask
    >>> sample_input_mask(3, sequence_length=4, seed=0)
    array([[1, 0, 0, 0],
           [0, 0, 0, 1],
           [0, 1, 0, 0]], dtype=int32)
    ```
    """
    sequence_length = renamed(
        kwargs, "context_length", "sequence_length", sequence_length, 4,
        "sample_input_mask",
    )  # fmt: skip
    no_other_arguments(kwargs, "sample_input_mask")
    batch_size = positive_int("batch_size", batch_size)
    sequence_length = positive_int("sequence_length", sequence_length)
    if seed is None:
        positions = np.random.randint(sequence_length, size=(batch_size,))
    elif isinstance(seed, np.random.Generator):
        positions = seed.integers(sequence_length, size=(batch_size,))
    elif isinstance(seed, np.random.RandomState):
        positions = seed.randint(sequence_length, size=(batch_size,))
    elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        positions = np.random.RandomState(seed).randint(
            sequence_length, size=(batch_size,)
        )
    else:
        raise InvalidInputError(
            "`seed` must be None, an int, a np.random.RandomState or a "
            f"np.random.Generator. Received: seed={seed!r}"
        )
    mask = np.zeros((batch_size, sequence_length), "int32")
    mask[np.arange(batch_size), positions] = 1
    return mask


def mask_inputs(rows, mask):
    """Replace the masked words by `[MASK]` (0): `(inputs, targets)`.

    The assignment's `input_batch * (1 - mask)` and
    `target_batch_masked = input_batch * mask`: the inputs keep the unmasked
    words, the targets hold the true ids at masked positions and 0 (ignored
    by the masked model's loss) elsewhere.

    Args:
        rows: int array `(batch, sequence_length)` of word ids (1-based; 0
            is `[MASK]`).
        mask: 0/1 array of the same shape, 1 where a word is masked.

    Returns:
        `(inputs, targets)`, two int32 arrays of that shape.

    Example:

    ```python
    >>> from keras_embeddings.datasets import mask_inputs
    >>> inputs, targets = mask_inputs([[3, 4, 5, 6]], [[0, 1, 0, 0]])
    >>> inputs, targets  # predict 4 at position 1
    (array([[3, 0, 5, 6]], dtype=int32), array([[0, 4, 0, 0]], dtype=int32))
    ```
    """
    rows = np.asarray(rows)
    mask = np.asarray(mask)
    if rows.ndim != 2 or rows.dtype.kind not in "iu":
        raise InvalidInputError(
            "`rows` must be a 2-D integer array (batch, sequence_length). "
            f"Received: dtype {rows.dtype}, shape {rows.shape}"
        )
    if mask.shape != rows.shape or not np.isin(mask, (0, 1)).all():
        raise InvalidInputError(
            f"`mask` must be a 0/1 array of the shape of `rows` {rows.shape}. "
            f"Received: shape {mask.shape}"
        )
    if (rows[mask == 1] == 0).any():
        raise InvalidInputError(
            "`rows` has [MASK] (id 0) at a masked position; masked rows hold "
            "1-based word ids (the masked variant of the data)."
        )
    mask = mask.astype(rows.dtype)
    return (rows * (1 - mask)).astype("int32"), (rows * mask).astype("int32")


def masked_dataset(rows, batch_size=100, shuffle=True, seed=None):
    """A `tf.data` pipeline of masked 4-grams, re-masked every epoch.

    Each pass over the dataset shuffles the rows (when `shuffle`) and masks a
    fresh random position in every row, so the masked model sees each 4-gram
    with a different word hidden from epoch to epoch, as the assignment's
    training loop does.

    Args:
        rows: int array `(N, sequence_length)` of 1-based word ids.
        batch_size: int.
        shuffle: bool, reshuffle the rows every epoch.
        seed: int or None, makes the shuffles and masks reproducible.

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)` batches as `mask_inputs`
        makes them, for `model.fit`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.datasets import masked_dataset
    >>> rows = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [2, 4, 6, 8]])
    >>> inputs, targets = next(iter(masked_dataset(rows, batch_size=2, seed=0)))
    >>> tuple(inputs.shape), int((inputs.numpy() == 0).sum())  # one [MASK] a row
    ((2, 4), 2)
    >>> bool(((inputs + targets).numpy() > 0).all())  # together, the rows
    True
    ```
    """
    import tensorflow as tf

    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.dtype.kind not in "iu" or len(rows) == 0:
        raise InvalidInputError(
            "`rows` must be a non-empty 2-D integer array (N, sequence_length). "
            f"Received: dtype {rows.dtype}, shape {rows.shape}"
        )
    batch_size = positive_int("batch_size", batch_size)
    sequence_length = rows.shape[1]
    dataset = tf.data.Dataset.from_tensor_slices(rows.astype("int32"))
    if shuffle:
        dataset = dataset.shuffle(len(rows), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    # One random stream per epoch (rerandomized each iteration): a seed per batch.
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    dataset = tf.data.Dataset.zip((dataset, seeds.batch(2)))

    def mask_batch(batch, batch_seed):
        positions = tf.random.stateless_uniform(
            tf.shape(batch)[:1], seed=batch_seed, maxval=sequence_length, dtype="int32"
        )
        mask = tf.one_hot(positions, sequence_length, dtype="int32")
        return batch * (1 - mask), batch * mask

    dataset = dataset.map(mask_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
