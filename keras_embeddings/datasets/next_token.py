"""Next-token training windows as a `tf.data` pipeline, with integer targets.

Every position `t >= 1` of a document is one example: the target is the id at
`t`, the context the (at most) `sequence_length` ids before it. Contexts never
cross a document boundary. Shorter contexts, at the start of a document, are
padded with 0 **on the right**: with `Embedding(mask_zero=True)` the LSTM then
sees a right-padded mask, the only kind the cuDNN kernel accepts on a GPU, and
returns the state after the last real token (masked steps carry the state
through unchanged), so the result is the same as for the unpadded context.
These windows are the lecture's n-gram prefixes (`ngram_sequences` +
`pad_sequences`) capped at `sequence_length`, made on the fly per batch.

Targets stay integer ids for sparse cross-entropy: one-hot targets
(`to_categorical`) would need `examples * vocabulary_size` floats, 400 GB for
2 million tokens and a 50,000-word vocabulary.

Taught in `tutorials/04_next_token_lstm.py`.
"""

import numpy as np

from keras_embeddings._validation import (
    number,
    optional_positive_int,
    positive_int,
)
from keras_embeddings.errors import InvalidInputError

__all__ = ["next_token_dataset", "next_token_windows"]


def _flatten(sequences):
    """Concatenate id sequences; return ids, each position's document start."""
    sequences = [np.asarray(s, dtype=np.int64).reshape(-1) for s in sequences]
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    if len(sequences) == 0 or lengths.sum() == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int64)
    ids = np.concatenate(sequences)
    if ids.min() < 0:
        raise InvalidInputError(
            f"`sequences` must hold non-negative ids. Received a sequence with id "
            f"{ids.min()}."
        )
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return ids.astype(np.int32), starts


def _check(sequence_length, batch_size, validation_split):
    positive_int("sequence_length", sequence_length)
    optional_positive_int("batch_size", batch_size)
    number("validation_split", validation_split, 0, 1, high_open=True)


def _targets(ids, starts):
    positions = np.arange(len(ids), dtype=np.int64)
    positions = positions[positions > starts]  # a target needs one context id
    if len(positions) == 0:
        raise InvalidInputError(
            "`sequences` hold no document with at least two known tokens, so there "
            "is nothing to predict. Use a larger corpus (or a larger `num_words`)."
        )
    return positions


def _windows_numpy(ids, starts, positions, sequence_length):
    """Right-padded contexts and targets of the target `positions` (NumPy).

    Context slot `j` of target `p` holds `ids[p - n + j]` for `j < n`, where
    `n = min(p - start(p), sequence_length)` ids precede `p` in its document,
    and 0 from `n` on.
    """
    n = np.minimum(positions - starts[positions], sequence_length)
    offsets = np.arange(sequence_length, dtype=positions.dtype)
    index = positions[:, None] - n[:, None] + offsets[None, :]  # (batch, length)
    valid = offsets[None, :] < n[:, None]
    # Padding slots point at the target itself (a valid index), then become 0.
    context = np.where(valid, ids[np.minimum(index, positions[:, None])], 0)
    return context.astype(np.int32), ids[positions].astype(np.int32)


def _windows_tf(ids, starts, positions, sequence_length):
    """`_windows_numpy` in TF ops, for the batches of a `tf.data` pipeline."""
    import tensorflow as tf

    n = tf.minimum(positions - tf.gather(starts, positions), sequence_length)
    offsets = tf.range(sequence_length, dtype=positions.dtype)
    index = positions[:, None] - n[:, None] + offsets[None, :]  # (batch, length)
    valid = offsets[None, :] < n[:, None]
    context = tf.where(valid, tf.gather(ids, tf.minimum(index, positions[:, None])), 0)
    return context, tf.gather(ids, positions)


def next_token_windows(sequences, sequence_length):
    """All (context, next id) windows as NumPy arrays, for small corpora.

    Args:
        sequences: list of lists of int ids (0 is padding), one per document.
        sequence_length: int, the longest context.

    Returns:
        `(x, y)`: int32 arrays of shape `(examples, sequence_length)` and
        `(examples,)`.

    Example:

    ```python
    >>> from keras_embeddings.datasets import next_token_windows
    >>> x, y = next_token_windows([[4, 2, 7, 1]], sequence_length=2)
    >>> x.tolist(), y.tolist()
    ([[4, 0], [4, 2], [2, 7]], [2, 7, 1])
    ```
    """
    _check(sequence_length, None, 0)
    ids, starts = _flatten(sequences)
    positions = _targets(ids, starts)
    return _windows_numpy(ids, starts, positions, sequence_length)


def next_token_dataset(
    sequences,
    sequence_length,
    batch_size=128,
    validation_split=0.1,
    shuffle=True,
    seed=None,
    initial_epoch=0,
):
    """Shuffled, batched, prefetched (context, next id) windows as `tf.data`.

    Only the flat id array and one start offset per token are held in memory;
    each batch's windows are gathered on the fly, so memory grows with the
    corpus, not with `corpus * sequence_length` or `corpus * vocabulary`.
    The last `validation_split` of the targets (in corpus order, i.e. held-out
    text) form the validation set.

    Every pass over `train` (every `iter()`, i.e. every epoch of
    `model.fit`) is one epoch: epoch `e` visits the training windows in the
    order `np.random.default_rng([seed, e]).permutation(n)`, a function of
    `(seed, e)` alone. So a run resumed at epoch `k` (Keras' `initial_epoch`,
    e.g. from `callbacks.resume_epoch(backup_dir)`) gets, with
    `initial_epoch=k`, exactly the batches an uninterrupted run gets at
    epoch `k`.

    Args:
        sequences: list of lists of int ids (0 is padding), one per document,
            e.g. `Tokenizer.texts_to_sequences(texts)`.
        sequence_length: int, the longest context (the model's input length).
        batch_size: int.
        validation_split: float in [0, 1): share of targets held out.
        shuffle: bool, reshuffle the training windows every epoch.
        seed: int >= 0 or None, the shuffle seed; None draws one from NumPy's
            global generator (so `keras.utils.set_random_seed` fixes it).
        initial_epoch: int >= 0, the epoch the first pass over `train`
            produces (Keras' `fit(initial_epoch=...)`): 0 for a new run, the
            epoch a resumed run starts at.

    Returns:
        `(train, validation)`: `tf.data.Dataset`s of `(context, target)` with
        int32 `context` of shape `(batch, sequence_length)` and int32
        `target` of shape `(batch,)`; `validation` is None when
        `validation_split == 0`.

    Example:

    ```python
    >>> from keras_embeddings.datasets import next_token_dataset
    >>> train, val = next_token_dataset([[4, 2, 7, 1, 3]] * 10, 3, batch_size=4)
    >>> x, y = next(iter(train))
    >>> x.shape, x.dtype.name, y.shape
    (TensorShape([4, 3]), 'int32', TensorShape([4]))
    >>> sum(len(y) for _, y in val)  # the last 10% of the 40 targets
    4
    >>> # A run resumed at epoch 2 sees the batches of a new run's epoch 2.
    >>> train, _ = next_token_dataset([[4, 2, 7, 1, 3]] * 10, 3, seed=0)
    >>> epochs = [[y.numpy().tolist() for _, y in train] for _ in range(3)]
    >>> resumed, _ = next_token_dataset(
    ...     [[4, 2, 7, 1, 3]] * 10, 3, seed=0, initial_epoch=2
    ... )
    >>> [y.numpy().tolist() for _, y in resumed] == epochs[2] != epochs[1]
    True
    ```
    """
    import tensorflow as tf

    _check(sequence_length, batch_size, validation_split)
    initial_epoch = positive_int("initial_epoch", initial_epoch, minimum=0)
    if seed is not None:
        seed = positive_int("seed", seed, minimum=0)
    ids, starts = _flatten(sequences)
    positions = _targets(ids, starts)
    n_val = int(round(len(positions) * validation_split))
    if validation_split > 0 and (n_val == 0 or n_val == len(positions)):
        raise InvalidInputError(
            f"`validation_split`={validation_split} leaves an empty training or "
            f"validation set for {len(positions)} examples. Use a larger corpus "
            "or validation_split=0."
        )
    ids_t = tf.constant(ids)
    starts_t = tf.constant(starts)

    def gather_windows(batch_positions):
        return _windows_tf(ids_t, starts_t, batch_positions, sequence_length)

    def make(split_positions, training):
        if training and shuffle:
            ds = _epoch_batches(split_positions, batch_size, seed, initial_epoch)
        else:
            ds = tf.data.Dataset.from_tensor_slices(split_positions)
            ds = ds.batch(batch_size)
        ds = ds.map(gather_windows, num_parallel_calls=tf.data.AUTOTUNE)
        return ds.prefetch(tf.data.AUTOTUNE)

    split = len(positions) - n_val
    train = make(positions[:split], training=True)
    validation = make(positions[split:], training=False) if n_val else None
    return train, validation


def _epoch_batches(positions, batch_size, seed, initial_epoch):
    """Batches of `positions`, in a new order each pass (each `iter()`).

    A pass's order depends on `(seed, epoch)` only, so that a dataset made
    with `initial_epoch=k` starts where a resumed run does. (`Dataset.shuffle`
    with `reshuffle_each_iteration` counts its passes internally, from 0.)
    One NumPy call per pass makes the order; the batches are its slices.
    """
    import tensorflow as tf

    if seed is None:  # like tf.data's seed=None: fixed by the global seed
        seed = int(np.random.randint(0, 2**31 - 1))
    epoch = [initial_epoch]
    steps = -(-len(positions) // batch_size)

    def next_order():
        rng = np.random.default_rng([seed, epoch[0]])
        order = positions[rng.permutation(len(positions))]
        epoch[0] += 1
        return order

    @tf.autograph.experimental.do_not_convert  # plain ops: skip the conversion
    def shuffled(_):
        order = tf.numpy_function(next_order, [], tf.int64, stateful=True)
        return tf.ensure_shape(order, (len(positions),))

    def batches(order):  # (n,) -> (batch_size,) slices, one element per step
        starts = tf.range(0, len(positions), batch_size, dtype=tf.int64)
        return tf.data.Dataset.from_tensor_slices(starts).map(
            lambda start: order[start : start + batch_size]
        )

    ds = tf.data.Dataset.from_tensors(0).map(shuffled).flat_map(batches)
    return ds.apply(tf.data.experimental.assert_cardinality(steps))
