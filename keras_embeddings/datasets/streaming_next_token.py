"""Next-token batches made on the fly from corpus files.

The windows of `datasets.next_token_dataset`, streamed from the files block
by block by the engine of `datasets.streaming` (epochs, shards, order and
the `tf.data` pipeline as `word2vec_file_dataset`'s).
"""

import numpy as np

from keras_embeddings._validation import boolean, positive_int
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
):
    """Next-token `(context, target)` batches streamed from corpus files.

    The windows of `datasets.next_token_dataset` (right-padded contexts of
    at most `sequence_length` ids, never across documents), made block by
    block from the files as `word2vec_file_dataset` makes its examples
    (epochs, shards and order as there; no validation split: hold out a
    file of your own).

    Args:
        corpus: a text file, a folder, a glob or a Wikipedia dump.
        vocabulary: `text.build_vocabulary(..., oov_token=oov_token)`'s result.
        sequence_length: int, the longest context.
        batch_size: int.
        oov_token: str or None: `vocabulary.words[1]`, the id of unknown
            words; None drops unknown words.
        shuffle: bool, shuffle the windows within each block.
        seed, num_shards, shard_index, steps_per_epoch, encoding,
            initial_epoch: as `word2vec_file_dataset`.

    Returns:
        A `tf.data.Dataset` of int32 `(context, target)`, `(batch,
        sequence_length)` and `(batch,)`; the last batch of a round may be
        smaller (`steps_per_epoch=None`).

    Example:

    ```python
    >>> from keras_embeddings import datasets, text
    >>> with open("corpus.txt", "w") as f:
    ...     _ = f.write("the cat sat on the mat\\n" * 50)
    >>> vocabulary = text.build_vocabulary("corpus.txt", min_count=60,
    ...                                    oov_token="<unk>")
    >>> vocabulary.words
    ['', '<unk>', 'the']
    >>> ds = datasets.next_token_file_dataset(
    ...     "corpus.txt", vocabulary, 3, batch_size=4, oov_token="<unk>",
    ...     shuffle=False)
    >>> context, target = next(iter(ds))
    >>> context.numpy().tolist(), target.numpy().tolist()
    ([[2, 0, 0], [2, 1, 0], [2, 1, 1], [1, 1, 1]], [1, 1, 1, 2])
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
    _check_corpus(corpus, encoding)
    shard = _Shard(corpus, encoding, words, shard_index, num_shards, oov_id)

    def make(ids, docs, rng):
        starts = np.searchsorted(docs, docs, side="left")
        positions = np.flatnonzero(np.arange(len(ids)) > starts)
        if shuffle:
            positions = positions[rng.permutation(len(positions))]
        return _windows_numpy(ids, starts, positions, sequence_length)

    def stack(group, rng):
        return np.stack([x for x, _ in group]), np.stack([y for _, y in group])

    signature = [(tf.int32, (None, sequence_length)), (tf.int32, (None,))]
    dataset = _pipeline(shard, make, stack, lambda x, y: (x, y), signature,
                        batch_size, steps, seed, initial_epoch)  # fmt: skip
    dataset._keras_embeddings_ids_below = len(words)
    return dataset
