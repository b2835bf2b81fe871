"""Word2vec and next-token batches made on the fly from corpus files.

`word2vec_file_dataset` gives the batches of `word2vec_dataset` (same
structure, dtypes and recipe: gensim's subsampling, dynamic windows,
skip-gram pairs or CBOW windows, shared negatives), so `models.SkipGram`,
`models.CBOWNegativeSampling` and `models.FastText` train on it unchanged;
but where `word2vec_dataset` takes the whole corpus as id sequences, this
reads the files as it trains: about half a megabyte of documents at a time
is split (as `Tokenizer()` splits), looked up in the vocabulary of
`text.build_vocabulary` (unknown words dropped, as gensim does), and turned
into examples by the same NumPy engine (`_word2vec_examples.Examples`, one
block per batch of documents, so no document is cut). Memory holds the
vocabulary, one block and the prefetched batches, never the corpus.
Subsampling and the negatives' distribution use the vocabulary's counts.
`next_token_file_dataset` (`datasets/streaming_next_token.py`) does the
same for `next_token_dataset`'s windows.

**Epochs.** A file cannot say how many batches it makes before it is read.
With `steps_per_epoch=N` (Keras' name), an epoch is `N` batches:
`dataset.cardinality()` is `N` (so `decay_steps = epochs * N` and
`fit(dataset, epochs=...)` work as with `word2vec_dataset`), and each new
pass over the dataset (Keras makes one per epoch) continues the stream where
the last one stopped, going round the corpus as often as needed, each round
with its own draws. Multi-worker training needs this: every worker then
makes the same number of steps. With `steps_per_epoch=None`, a pass over
the dataset is one round of the corpus, its cardinality unknown, the last
batch padded with examples of weight 0. With a `seed`, the draws are a
function of the seed, the shard and the round (subsampling, windows,
shuffling) or epoch (negatives): `initial_epoch=k` resumes a run with the
batches an uninterrupted one makes at epoch `k`.

**Shards.** Shard `shard_index` of `num_shards` trains on the documents
`shard_index, shard_index + num_shards, ...` (counting non-blank lines, or
articles, over the whole corpus): the shards partition the corpus and stay
balanced whatever the file sizes. Each worker reads every file but splits and
trains on its own documents only. With `num_shards > 1` the dataset turns
`tf.distribute`'s auto-sharding off (it is sharded already).

**Order.** Examples are shuffled within a block (skip-gram pairs one by one,
CBOW centers), not across the corpus: consecutive batches come from
neighbouring text, as gensim's threads read it.

**Pipeline.** As `word2vec_dataset`: a `numpy_function` source handing 16
batches at a time to `tf.data`, `unbatch`, `prefetch`; not
`Dataset.from_generator`, which `datasets.word2vec` found to make
XLA-compiled steps 2 to 3 times slower in TensorFlow 2.21 (on 2026-12-07,
SkipGram on the Lee corpus, a loaded 2-core CPU, the two ran within noise of
each other: 88-102 against 80-125 steps/s). Alone, this source makes about
1.2 million skip-gram pairs a second there, several times what the CPU step
trains. `benchmarks/streaming.py` measures it against gensim's
`Word2Vec(corpus_file=...)`.
"""

import itertools
import math
import os
import threading

import numpy as np

from keras_embeddings._validation import (
    boolean,
    one_of,
    optional_positive_int,
    positive_int,
)
from keras_embeddings.datasets._word2vec_examples import Examples
from keras_embeddings.datasets.word2vec import (
    _MODELS,
    _PREFETCH,
    _STACK,
    WORD2VEC_DEFAULTS,
    _check,
    keep_probabilities,
    negative_sampling_distribution,
)
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text import _splitting
from keras_embeddings.text.corpus import corpus_files
from keras_embeddings.text.vocabulary_pass import document_batches, is_wikipedia_dump

__all__ = ["word2vec_file_dataset"]

_BLOCK_CHARS = 1 << 19  # characters of documents made into examples at a time
_SETTINGS = _splitting.Settings(
    _splitting.DEFAULT_FILTERS, True, " ", False, None, False
)


def _check_corpus(corpus, encoding):
    if is_wikipedia_dump(corpus):
        if not os.path.isfile(corpus):
            raise MissingInputError(
                f"Wikipedia dump {os.fspath(corpus)!r} does not exist. Pass the "
                "path of a *.xml.bz2 dump."
            )
    else:
        corpus_files(corpus, encoding)  # raises on a missing or binary corpus


def _check_stream(shard_index, num_shards, steps_per_epoch, seed, initial_epoch):
    num_shards = positive_int("num_shards", num_shards)
    shard_index = positive_int("shard_index", shard_index, minimum=0)
    if shard_index >= num_shards:
        raise InvalidInputError(
            f"`shard_index` must be in [0, num_shards={num_shards}). Received: "
            f"shard_index={shard_index}"
        )
    steps = optional_positive_int("steps_per_epoch", steps_per_epoch)
    if seed is not None:
        seed = positive_int("seed", seed, minimum=0)
    seed = np.random.SeedSequence(seed).entropy if seed is None else seed
    positive_int("initial_epoch", initial_epoch, minimum=0)
    return shard_index, num_shards, steps, seed


def _vocabulary_arrays(vocabulary):
    words = getattr(vocabulary, "words", None)
    counts = getattr(vocabulary, "counts", None)
    if words is None or counts is None:
        raise InvalidInputError(
            "`vocabulary` must be what `text.build_vocabulary` returns (words and "
            f"their counts). Received: vocabulary={type(vocabulary).__name__}"
        )
    counts = np.asarray(counts, dtype=np.int64).reshape(-1)
    if len(words) != len(counts) or len(words) < 2 or counts[1:].sum() <= 0:
        raise InvalidInputError(
            "`vocabulary` must hold padding and at least one counted word, with one "
            f"count per word. Received {len(words)} words and {len(counts)} counts."
        )
    counts = counts.copy()
    counts[0] = 0  # padding is never drawn
    return list(words), counts


class _Shard:
    """One shard of a corpus as blocks of vocabulary ids (NumPy)."""

    def __init__(self, corpus, encoding, words, shard, num_shards, oov_id=0,
                 documents=(0, None)):  # fmt: skip
        self.corpus, self.encoding = corpus, encoding
        self.word_index = dict(zip(words, range(len(words))))
        self.word_index.pop("", None)  # never a word
        self.shard, self.num_shards, self.oov_id = shard, num_shards, oov_id
        self.first, self.stop = documents  # the corpus's documents to read

    def ids(self, documents):
        """`(ids, docs)` of a list of documents: unknown words dropped, or
        `oov_id` if not 0; `docs` the document of each id."""
        ids, lengths = [], []
        get, oov = self.word_index.get, itertools.repeat(self.oov_id)
        for tokens, part_lengths, _ in _splitting.split_texts(documents, _SETTINGS):
            ids.append(np.fromiter(map(get, tokens, oov), np.int32, len(tokens)))
            lengths.append(part_lengths)
        ids = np.concatenate(ids)
        docs = np.repeat(np.arange(len(documents), dtype=np.int32),
                         np.concatenate(lengths))  # fmt: skip
        kept = ids != 0
        return ids[kept], docs[kept]

    def blocks(self):
        """Yield `(ids, docs)` for each batch of the shard's documents, one round."""
        seen = 0  # documents before the batch, over the whole corpus
        for batch, _ in document_batches(self.corpus, self.encoding, _BLOCK_CHARS):
            low = max(self.first - seen, 0)  # documents `first` to `stop` only
            high = len(batch) if self.stop is None else self.stop - seen
            low += (self.shard - seen - low) % self.num_shards
            mine = batch[low : max(high, 0) : self.num_shards]
            seen += len(batch)
            if mine:
                ids, docs = self.ids(mine)
                if ids.size >= 2:
                    yield ids, docs
            if self.stop is not None and seen >= self.stop:
                return  # the rest of the corpus is not read

    def rounds(self, make, seed):
        """`make(ids, docs, rng)` of every block, round after round, for ever."""
        for r in itertools.count():
            made = False
            rng = np.random.default_rng([seed, self.shard, r])
            for ids, docs in self.blocks():
                made = True
                yield make(ids, docs, rng)
            if not made:
                raise InvalidInputError(
                    f"Shard {self.shard} of {self.num_shards} of corpus "
                    f"{self.corpus!r} holds no two neighbouring words of the "
                    "vocabulary: nothing to train on. Use a larger corpus, fewer "
                    "shards or a lower `min_count`."
                )


def _batches(blocks, batch_size, pad):
    """Fixed `(x, y)` batches sliced off the blocks' examples."""
    x = y = None
    for block_x, block_y in blocks:
        x = block_x if x is None else np.concatenate([x, block_x])
        y = block_y if y is None else np.concatenate([y, block_y])
        start = 0
        while len(y) - start >= batch_size:
            yield x[start : start + batch_size], y[start : start + batch_size]
            start += batch_size
        x, y = x[start:], y[start:]
    if pad and y is not None and len(y):
        yield x, y  # padded with weight 0 by `stack`


def word2vec_file_dataset(
    corpus,
    vocabulary,
    model="skipgram",
    window_size=WORD2VEC_DEFAULTS["window_size"],
    negatives=WORD2VEC_DEFAULTS["negatives"],
    sample=WORD2VEC_DEFAULTS["sample"],
    ns_exponent=WORD2VEC_DEFAULTS["ns_exponent"],
    batch_size=None,
    shared_negatives=None,
    shrink_windows=True,
    shuffle=True,
    seed=None,
    num_shards=1,
    shard_index=0,
    steps_per_epoch=None,
    encoding="utf-8",
    initial_epoch=0,
):
    """Word2vec batches streamed from corpus files (see the module docstring).

    Args:
        corpus: a text file, a folder or a glob, one document per non-blank
            line, or a Wikipedia dump (`*.xml.bz2`), as for
            `text.build_vocabulary`.
        vocabulary: the `text.Vocabulary` that `text.build_vocabulary`
            returned for this corpus: word `i` of `vocabulary.words` is id
            `i`; its counts drive subsampling and the negatives.
        model, window_size, negatives, sample, ns_exponent, batch_size,
        shared_negatives, shrink_windows: as `datasets.word2vec_dataset`.
        shuffle: bool, shuffle the examples within each block.
        seed: int >= 0 or None: round `r` of shard `s` draws from
            `np.random.default_rng([seed, s, r])`.
        num_shards: int, how many workers share the corpus.
        shard_index: int in `[0, num_shards)`, this worker's shard.
        steps_per_epoch: int or None, batches per epoch (the stream goes on
            across epochs and rounds of the corpus); None: one round of the
            shard per pass, unknown cardinality.
        encoding: str, the text files' encoding.
        initial_epoch: int >= 0, the epoch the first pass produces (Keras'
            `fit(initial_epoch=...)`), for a resumed run: its batches are
            those an uninterrupted run makes at that epoch (with
            `steps_per_epoch`, the earlier epochs' batches are made and
            skipped).

    Returns:
        A `tf.data.Dataset` of `((x, y, negative_ids), labels,
        sample_weight)` exactly as `word2vec_dataset`'s, with cardinality
        `steps_per_epoch` (or unknown).

    Raises:
        MissingInputError: the corpus names no file.
        InvalidInputError: a bad argument, a vocabulary without words, or
            (while iterating) a shard that holds no two neighbouring known
            words.

    Example:

    ```python
    >>> from keras_embeddings import datasets, text
    >>> with open("corpus.txt", "w") as f:
    ...     _ = f.write("the cat sat on the mat\\n" * 50)
    >>> vocabulary = text.build_vocabulary("corpus.txt", min_count=1)
    >>> ds = datasets.word2vec_file_dataset(
    ...     "corpus.txt", vocabulary, sample=0, batch_size=64, seed=0,
    ...     steps_per_epoch=5)
    >>> int(ds.cardinality())
    5
    >>> (target, context, negative_ids), labels, weights = next(iter(ds))
    >>> target.shape, negative_ids.shape, labels.shape
    (TensorShape([64]), TensorShape([2, 5]), TensorShape([64, 6]))
    ```
    """
    import tensorflow as tf

    model = one_of("model", model, _MODELS)
    words, counts = _vocabulary_arrays(vocabulary)
    if batch_size is None:
        batch_size = WORD2VEC_DEFAULTS["batch_size"][model]
    if shared_negatives is None and isinstance(batch_size, (int, np.integer)):
        shared = WORD2VEC_DEFAULTS["shared_negatives"][model]
        shared_negatives = math.gcd(int(batch_size), shared)
    _check(model, window_size, negatives, sample, ns_exponent, batch_size,
           shared_negatives)  # fmt: skip
    shrink_windows = boolean("shrink_windows", shrink_windows)
    shuffle = boolean("shuffle", shuffle)
    shard_index, num_shards, steps, seed = _check_stream(
        shard_index, num_shards, steps_per_epoch, seed, initial_epoch
    )
    _check_corpus(corpus, encoding)
    shard = _Shard(corpus, encoding, words, shard_index, num_shards)
    keep = keep_probabilities(counts, sample)
    probability = negative_sampling_distribution(counts, ns_exponent)
    cum = np.round(np.cumsum(probability) * 2**31).astype(np.int64)
    rows = batch_size // shared_negatives

    def make(ids, docs, rng):  # a block of ids -> its examples
        examples = Examples(ids, docs, keep, cum, model, window_size, negatives,
                            shrink_windows, shuffle, len(ids))  # fmt: skip
        return examples.block(0, rng)

    def stack(group, rng):
        # Padded to `batch_size` with weight 0; the negatives in one draw.
        k = len(group)
        x = np.zeros((k, batch_size, *group[0][0].shape[1:]), np.int32)
        y = np.zeros((k, batch_size), np.int32)
        weights = np.zeros((k, batch_size), np.float32)
        for i, (bx, by) in enumerate(group):
            x[i, : len(by)], y[i, : len(by)], weights[i, : len(by)] = bx, by, 1
        draws = rng.integers(0, cum[-1], size=(k, rows, negatives))
        negative_ids = np.searchsorted(cum, draws, side="right").astype(np.int32)
        return x, y, negative_ids, weights

    labels = np.zeros((1, 1, negatives + 1), np.float32)
    labels[..., 0] = 1  # the positive word first

    def finish(x, y, negative_ids, weights):
        k = tf.shape(y)[0]
        stacked_labels = tf.broadcast_to(labels, [k, batch_size, negatives + 1])
        return (x, y, negative_ids), stacked_labels, weights

    x_shape = (2 * window_size,) if model == "cbow" else ()
    signature = [(tf.int32, (batch_size, *x_shape)), (tf.int32, (batch_size,)),
                 (tf.int32, (rows, negatives)), (tf.float32, (batch_size,))]  # fmt: skip
    dataset = _pipeline(shard, make, stack, finish, signature, batch_size, steps,
                        seed, initial_epoch)  # fmt: skip
    dataset._keras_embeddings_ids_below = len(words)  # ids are vocabulary rows
    return dataset


def _pipeline(shard, make, stack, finish, signature, batch_size, steps, seed, epoch):
    """`tf.data` batches: a NumPy function hands over stacks of 16 batches.

    `make(ids, docs, rng)` turns a block into `(x, y)` examples, `stack(group,
    rng)` a group of `(x, y)` batches into arrays of `signature` (dtype and
    shape of one batch), `finish(*arrays)` gives the dataset's structure.
    """
    import tensorflow as tf

    state = {"epoch": epoch, "batches": None, "stacks": None}
    lock = threading.Lock()  # a discarded iterator may still be prefetching
    empty = [np.zeros((0, *(d or 0 for d in shape)), dtype.as_numpy_dtype)
             for dtype, shape in signature]  # fmt: skip

    def next_stack(index):
        # Called by tf.data once per stack, in order; stack 0 starts an epoch.
        with lock:
            if index == 0:  # `stack`'s draws: a function of (seed, shard, epoch)
                rng = np.random.default_rng([seed, shard.shard, 2**32, state["epoch"]])
            if index == 0 and steps is not None:  # the next `steps` batches
                if state["batches"] is None:
                    rounds = shard.rounds(make, seed)
                    state["batches"] = _batches(rounds, batch_size, pad=False)
                    skip = state["epoch"] * steps  # a resumed run's earlier epochs
                    next(itertools.islice(state["batches"], skip, skip), None)
                epoch = itertools.islice(state["batches"], steps)
                state["stacks"] = _stacks(epoch, stack, rng)
                state["epoch"] += 1
            elif index == 0:  # one round of the shard
                block_rng = np.random.default_rng([seed, shard.shard, state["epoch"]])
                state["epoch"] += 1
                blocks = (make(ids, docs, block_rng) for ids, docs in shard.blocks())
                batches = _batches(blocks, batch_size, True)
                state["stacks"] = _stacks(batches, stack, rng)
            return next(state["stacks"], empty)

    @tf.autograph.experimental.do_not_convert  # plain ops: skip the conversion
    def to_tensors(index):
        arrays = tf.numpy_function(next_stack, [index],
                                   [dtype for dtype, _ in signature], stateful=True)  # fmt: skip
        for array, (_, shape) in zip(arrays, signature):
            array.set_shape((None, *shape))
        return tuple(arrays)

    if steps is not None:
        dataset = tf.data.Dataset.range(-(-steps // _STACK)).map(to_tensors)
    else:  # until the round's last stack
        dataset = tf.data.Dataset.range(2**62).map(to_tensors)
        dataset = dataset.take_while(lambda *arrays: tf.shape(arrays[0])[0] > 0)
    dataset = dataset.map(finish).unbatch()
    if steps is not None:
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(steps))
    dataset = dataset.prefetch(_PREFETCH)
    if shard.num_shards > 1:  # sharded here: tf.distribute must not shard again
        options = tf.data.Options()
        policy = tf.data.experimental.AutoShardPolicy.OFF
        options.experimental_distribute.auto_shard_policy = policy
        dataset = dataset.with_options(options)
    return dataset


def _stacks(batches, stack, rng):
    """`stack(group, rng)` of each run of up to 16 batches of one size."""
    group = []
    for batch in batches:
        if group and (len(group) == _STACK or len(batch[1]) != len(group[0][1])):
            yield stack(group, rng)
            group = []
        group.append(batch)
    if group:
        yield stack(group, rng)
