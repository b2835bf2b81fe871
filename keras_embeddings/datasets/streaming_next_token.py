"""Next-token batches made on the fly from corpus files.

The windows of `datasets.next_token_dataset`, streamed from the files block
by block by the engine of `datasets.streaming` (epochs, shards, order and
the `tf.data` pipeline as `word2vec_file_dataset`'s).
"""

import functools

import numpy as np

from keras_embeddings._validation import boolean, number, positive_int
from keras_embeddings.datasets.streaming import (
    _check_corpus,
    _check_stream,
    _pipeline,
    _Shard,
    _vocabulary_arrays,
)
from keras_embeddings.errors import InvalidInputError

__all__ = ["next_token_file_dataset"]


def next_token_file_dataset(
    corpus,
    vocabulary,
    sequence_length,
    batch_size=128,
    oov_token=None,
    shuffle=True,
    seed=None,
    num_shards=1,
    shard_index=0,
    steps_per_epoch=None,
    encoding="utf-8",
    initial_epoch=0,
    validation_split=0.1,
):
    """Next-token `(context, target)` batches streamed from corpus files.

    The windows of `datasets.next_token_dataset` (right-padded contexts of
    at most `sequence_length` ids, never across documents), made block by
    block from the files as `word2vec_file_dataset` makes its examples
    (epochs, shards and order as there). The last `validation_split` of
    the documents (`vocabulary.documents` of them were counted) is held out
    as the validation set: held-out text, as `next_token_dataset` holds out
    the corpus's last windows; training reads the files only up to it.

    Args:
        corpus: a text file, a folder, a glob or a Wikipedia dump.
        vocabulary: `text.build_vocabulary(..., oov_token=oov_token)`'s result.
        sequence_length: int, the longest context.
        batch_size: int.
        oov_token: str or None: `vocabulary.words[1]`, the id of unknown
            words; None drops unknown words.
        shuffle: bool, shuffle the windows within each block.
        seed, num_shards, shard_index, steps_per_epoch, encoding,
            initial_epoch: as `word2vec_file_dataset` (they shape the
            training set; the validation set is one round of the held-out
            documents per pass, in order, this shard's only).
        validation_split: float in [0, 1), the share of the documents held
            out (the corpus's last ones).

    Returns:
        `(train, validation)`: `tf.data.Dataset`s of int32 `(context,
        target)`, `(batch, sequence_length)` and `(batch,)`, as
        `next_token_dataset`'s; the last batch of a round may be smaller
        (`steps_per_epoch=None`, and always for `validation`); `validation`
        is None when `validation_split == 0`.

    Example:

    ```python
    >>> from keras_embeddings import datasets, text
    >>> with open("corpus.txt", "w") as f:
    ...     _ = f.write("the cat sat on the mat\\n" * 50)
    >>> vocabulary = text.build_vocabulary("corpus.txt", min_count=60,
    ...                                    oov_token="<unk>")
    >>> vocabulary.words
    ['', '<unk>', 'the']
    >>> train, validation = datasets.next_token_file_dataset(
    ...     "corpus.txt", vocabulary, 3, batch_size=4, oov_token="<unk>",
    ...     shuffle=False, validation_split=0.1)
    >>> context, target = next(iter(train))
    >>> context.numpy().tolist(), target.numpy().tolist()
    ([[2, 0, 0], [2, 1, 0], [2, 1, 1], [1, 1, 1]], [1, 1, 1, 2])
    >>> sum(len(y) for _, y in validation)  # 5 sentences of 5 windows
    25
    ```
    """
    import tensorflow as tf

    from keras_embeddings.datasets.next_token import _windows_numpy

    words, _ = _vocabulary_arrays(vocabulary)
    sequence_length = positive_int("sequence_length", sequence_length)
    batch_size = positive_int("batch_size", batch_size)
    oov_id = 0
    if oov_token is not None:
        if words[1] != oov_token:
            raise InvalidInputError(
                f"`oov_token` {oov_token!r} must be the vocabulary's id 1 (pass "
                "the same `oov_token` to `text.build_vocabulary`). Received a "
                f"vocabulary starting {words[:2]!r}."
            )
        oov_id = 1
    shuffle = boolean("shuffle", shuffle)
    shard_index, num_shards, steps, seed = _check_stream(
        shard_index, num_shards, steps_per_epoch, seed, initial_epoch
    )
    validation_split = number("validation_split", validation_split, 0, 1,
                              high_open=True)  # fmt: skip
    _check_corpus(corpus, encoding)
    held_out = _held_out(vocabulary, validation_split)
    shard = _Shard(corpus, encoding, words, shard_index, num_shards, oov_id,
                   documents=(0, held_out))  # fmt: skip

    def make(ids, docs, rng, shuffle=shuffle):
        starts = np.searchsorted(docs, docs, side="left")
        positions = np.flatnonzero(np.arange(len(ids)) > starts)
        if shuffle:
            positions = positions[rng.permutation(len(positions))]
        return _windows_numpy(ids, starts, positions, sequence_length)

    def stack(group, rng):
        return np.stack([x for x, _ in group]), np.stack([y for _, y in group])

    signature = [(tf.int32, (None, sequence_length)), (tf.int32, (None,))]
    train = _pipeline(shard, make, stack, lambda x, y: (x, y), signature,
                      batch_size, steps, seed, initial_epoch)  # fmt: skip
    validation = None
    if held_out is not None:
        shard = _Shard(corpus, encoding, words, shard_index, num_shards, oov_id,
                       documents=(held_out, None))  # fmt: skip
        in_order = functools.partial(make, shuffle=False)
        validation = _pipeline(shard, in_order, stack, lambda x, y: (x, y),
                               signature, batch_size, None, seed, 0)  # fmt: skip
        # Counted once (a pass over the held-out documents): Keras warns that
        # a dataset of unknown size "ran out of data" at the end of each pass.
        windows = sum(len(ids) - len(np.unique(docs)) for ids, docs in shard.blocks())
        if not windows:
            raise InvalidInputError(
                f"The held-out documents (the last {validation_split} of the "
                "corpus) hold no two neighbouring words of the vocabulary: no "
                "window to validate on. Use a larger `validation_split` or 0."
            )
        cardinality = tf.data.experimental.assert_cardinality(-(-windows // batch_size))
        validation = validation.apply(cardinality)
    for dataset in (train, validation):
        if dataset is not None:
            dataset._keras_embeddings_ids_below = len(words)
    return train, validation


def _held_out(vocabulary, validation_split):
    """The first held-out document, or None when `validation_split` is 0."""
    if validation_split == 0:
        return None
    documents = int(getattr(vocabulary, "documents", 0))
    first = documents - int(round(documents * validation_split))
    if documents < 2 or first == documents or first == 0:
        raise InvalidInputError(
            f"`validation_split={validation_split}` holds out "
            f"{documents - first} of the corpus's {documents} documents: both "
            "the training and the validation set need at least one. Use a "
            "larger corpus or another `validation_split` (0 holds out none)."
        )
    return first
