"""Word2vec training examples made on the fly from the token stream, in `tf.data`.

`word2vec_dataset` turns id sequences into batches for `models.SkipGram`
(skip-gram pairs) or `models.CBOWNegativeSampling` (context windows), the way
word2vec and gensim make them (Mikolov et al., 2013, "Distributed
Representations of Words and Phrases and their Compositionality"):

1. **Subsampling** of frequent words, redrawn every epoch, with gensim's
   `sample` formula: an occurrence of a word with count `c` is kept with
   probability `min(1, (sqrt(c / t) + 1) * t / c)`, `t = sample * total`.
   Dropped words are removed before windowing, so windows reach further.
2. **Dynamic window**: each center word draws its window `b` uniformly from
   `1..window_size` (gensim's `shrink_windows`), so near words count more.
3. **Examples**: skip-gram gives one `(target, context)` pair per word within
   `b` of the target in the same document; CBOW gives one row per center
   word, its context ids padded with 0 to `2 * window_size`, and the center.
4. **Negatives**: `negatives` ids per example drawn from the unigram
   distribution raised to `ns_exponent` (0.75), by binary search of uniform
   integers in the cumulative counts (gensim's `cum_table`).

Nothing loops over pairs in Python: a block of up to 2**17 tokens is
subsampled, shuffled and windowed at once with vectorized NumPy (each block
with its own random generator, so that the steps per epoch are counted
without making the pairs), batches are slices of the block's examples, and
the negatives of 16 batches come from one `searchsorted`. `tf.data` runs this
ahead of the model (a `numpy_function` source that hands over 16 batches at
a time, `unbatch`, `prefetch`); small blocks keep the wait short at the
start of each epoch, when Keras makes a new iterator. All batches have the
same shape (XLA compiles the step once) and every epoch has the same number
of steps (the learning-rate schedule knows the total), those of the first
epoch's draw: the last batch is padded with examples of weight 0 and, when a
later epoch's subsample yields more examples than that, the surplus (a
fraction of a batch, at random positions) is dropped.

Why NumPy and not TensorFlow ops: the same vectorized code in `tf.data` map
functions costs 0.1 to 0.2 s per epoch to set up (Keras makes a new
iterator every epoch), as long as a whole epoch of gensim on the built-in
corpus; and a `Dataset.from_generator` source, in TensorFlow 2.21, makes
XLA-compiled training steps run 2 to 3 times slower afterwards.

Taught in `tutorials/06_word2vec_at_scale.py`.
"""

import math
from types import MappingProxyType

import numpy as np

from keras_embeddings._validation import number, one_of, positive_int
from keras_embeddings.datasets._word2vec_examples import Examples, flatten, grouped
from keras_embeddings.errors import InvalidInputError

__all__ = [
    "WORD2VEC_DEFAULTS",
    "keep_probabilities",
    "negative_sampling_distribution",
    "word2vec_dataset",
]

# The one place for word2vec's defaults, read by `word2vec_dataset`,
# `pipelines.train_word2vec` and `keras-embeddings train --model
# skipgram|cbow`: gensim's `window`, `negative`, `sample` and `ns_exponent`,
# and the batches measured against gensim (benchmarks/word2vec_vs_gensim.py,
# the figures in README): skip-gram 4096 pairs sharing negatives over 32,
# CBOW 1024 centers over 8 (CBOW diverges at 4096 on a 250-word vocabulary
# and agrees less with gensim at 2048 or sharing over 32).
WORD2VEC_DEFAULTS = MappingProxyType(
    {
        "window_size": 5,
        "negatives": 5,
        "sample": 1e-3,
        "ns_exponent": 0.75,
        "batch_size": MappingProxyType({"skipgram": 4096, "cbow": 1024}),
        "shared_negatives": MappingProxyType({"skipgram": 32, "cbow": 8}),
    }
)
_MODELS = ("skipgram", "cbow")
_BLOCK_TOKENS = 2**17
_PREFETCH = 8
_STACK = 16  # batches handed to tf.data at once


def keep_probabilities(counts, sample):
    """Gensim's subsampling: the probability of keeping one occurrence of each word.

    Args:
        counts: 1-D array, `counts[i]` the corpus count of word id `i`.
        sample: float >= 0, gensim's `sample` (0 keeps every word).

    Returns:
        float64 array like `counts`: `min(1, (sqrt(c / t) + 1) * t / c)` with
        `t = sample * counts.sum()`; 1 where `c == 0` or `sample == 0`.

    Example:

    ```python
    >>> from keras_embeddings.datasets import keep_probabilities
    >>> # 1000 words, threshold t = 10: (sqrt(900 / 10) + 1) * 10 / 900 = 0.117
    >>> keep_probabilities([0, 900, 90, 10], sample=0.01).round(3).tolist()
    [1.0, 0.117, 0.444, 1.0]
    ```
    """
    counts = np.asarray(counts, dtype=np.float64)
    if not sample > 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(counts / threshold) + 1) * threshold / counts
    return np.where(counts > 0, np.minimum(keep, 1.0), 1.0)


def negative_sampling_distribution(counts, ns_exponent=0.75):
    """The probability of drawing each id as a negative: `counts ** ns_exponent`.

    Args:
        counts: 1-D array of word counts (id 0, padding, has count 0).
        ns_exponent: float, 0.75 in word2vec; 1 is the unigram, 0 uniform
            over the words that occur.

    Returns:
        float64 array summing to 1, 0 where `counts == 0`.

    Example:

    ```python
    >>> from keras_embeddings.datasets import negative_sampling_distribution
    >>> # 16 ** 0.75 = 8 and 1 ** 0.75 = 1: the frequent word drawn 8 times as often
    >>> negative_sampling_distribution([0, 16, 1]).round(3).tolist()
    [0.0, 0.889, 0.111]
    ```
    """
    counts = np.asarray(counts, dtype=np.float64)
    weights = np.where(counts > 0, counts ** float(ns_exponent), 0.0)
    return weights / weights.sum()


def _check(model, window_size, negatives, sample, ns_exponent, batch_size, shared):
    positive_int("window_size", window_size)
    positive_int("negatives", negatives)
    positive_int("batch_size", batch_size)
    positive_int("shared_negatives", shared)
    if batch_size % shared:
        raise InvalidInputError(
            "`batch_size` must be a multiple of `shared_negatives` (e.g. a power "
            f"of 2, or shared_negatives=1). Received: batch_size={batch_size}, "
            f"shared_negatives={shared}"
        )
    number("sample", sample, low=0)  # 0 disables subsampling
    number("ns_exponent", ns_exponent)


def word2vec_dataset(
    sequences,
    vocabulary_size,
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
    initial_epoch=0,
):
    """Word2vec (skip-gram or CBOW) batches with negatives, made on the fly.

    Subsampling, window sizes, shuffling and negatives are redrawn every
    epoch (every pass over the dataset); with a `seed` the whole sequence of
    epochs is reproducible: epoch `e` draws from
    `np.random.default_rng([seed, e])` alone, so the first pass of a dataset
    made with `initial_epoch=k` is the pass `k` (from 0) of a new one, and a
    run resumed at epoch `k` (`callbacks.resume_epoch`) trains on the
    batches an uninterrupted run would. See the module docstring for the
    recipe.

    Args:
        sequences: list of lists (or 1-D arrays) of int ids, one per document,
            e.g. `Tokenizer.texts_to_sequences(texts)`; 0 (padding) is
            dropped; windows never cross documents.
        vocabulary_size: int, the largest id + 1 (the models' input size).
        model: `"skipgram"` or `"cbow"`.
        window_size: int, the largest distance between center and context.
        negatives: int >= 1, negative ids per example (word2vec's `negative`).
        sample: float >= 0, gensim's subsampling threshold (0: keep all).
        ns_exponent: float, negatives are drawn with probability
            `count ** ns_exponent`.
        batch_size: int, examples per batch (pairs for skip-gram, center
            words for CBOW); None: 4096 for skip-gram, 1024 for CBOW
            (`WORD2VEC_DEFAULTS`).
            Large batches train fastest, but a word's
            update adds up over its occurrences in a batch: with a
            vocabulary of a few hundred words, 8192 already diverges at
            gensim's learning rate (0.025), so stay at 4096 or lower the
            learning rate there. CBOW passes each center's whole error to
            each of its context words: use about 1024 there (4096 diverges
            on a 250-word vocabulary, 2048 trains visibly worse).
        shared_negatives: int dividing `batch_size`: how many consecutive
            examples share one draw of `negatives` ids; None: the largest
            divisor of `batch_size` up to 32 for skip-gram, up to 8 for CBOW. 1 is word2vec's fresh
            draw per example; sharing (Ji et al., 2016, "Parallelizing
            Word2Vec in Shared and Distributed Memory") keeps every example's
            objective the same in expectation, with `shared_negatives` times
            fewer output rows to gather and update, which makes a CPU step
            several times faster. Measured against gensim (see
            `benchmarks/word2vec_vs_gensim.py`), 32 costs skip-gram no
            quality; CBOW, with one example per center instead of one per
            pair, loses some beyond 8.
        shrink_windows: bool, draw each center's window from
            `1..window_size` (word2vec's dynamic window) instead of always
            using `window_size`.
        shuffle: bool, shuffle the examples of each block of 2**17 tokens
            (and the block order) every epoch: skip-gram pairs one by one
            (so that the pairs that share negatives come from different
            centers), CBOW centers. A document that crosses a block
            boundary is cut there.
        seed: int >= 0 or None.
        initial_epoch: int >= 0, the epoch the first pass produces (Keras'
            `fit(initial_epoch=...)`): 0 for a new run, the epoch a resumed
            run starts at. The steps per epoch do not depend on it.

    Returns:
        A `tf.data.Dataset` of `(inputs, labels, sample_weight)` with a known
        cardinality (its steps per epoch):
        - `inputs = (x, y, negative_ids)`: `x` the target ids `(batch,)` for
          skip-gram or the context ids `(batch, 2 * window_size)` (0-padded)
          for CBOW, `y` the context (skip-gram) or center (CBOW) ids
          `(batch,)`, `negative_ids` `(batch // shared_negatives, negatives)`,
          all int32;
        - `labels`: float32 `(batch, 1 + negatives)`, 1 then `negatives`
          zeros;
        - `sample_weight`: float32 `(batch,)`, 1 for real examples and 0 for
          the padding that fills an epoch's last batch.

    Raises:
        InvalidInputError: bad arguments, ids outside `[0, vocabulary_size)`,
            or a corpus without two neighbouring words.

    Example:

    ```python
    >>> from keras_embeddings.datasets import word2vec_dataset
    >>> ds = word2vec_dataset([[1, 2, 3, 4, 5, 6]] * 20, vocabulary_size=7,
    ...                       sample=0, batch_size=64, shared_negatives=1, seed=0)
    >>> int(ds.cardinality())  # steps per epoch
    7
    >>> (target, context, negative_ids), labels, weights = next(iter(ds))
    >>> target.shape, context.shape, negative_ids.shape, labels.shape
    (TensorShape([64]), TensorShape([64]), TensorShape([64, 5]), TensorShape([64, 6]))
    ```

    Train with `models.SkipGram(7, embedding_dim=8)`, compiled with
    `decay_steps=epochs * int(ds.cardinality())`, then `model.fit(ds,
    epochs=epochs)`.

    Iterating the dataset from two places at once is not supported (one
    epoch is one pass of a shared NumPy state).
    """
    import tensorflow as tf

    vocabulary_size = positive_int("vocabulary_size", vocabulary_size, minimum=2)
    model = one_of("model", model, _MODELS)
    if batch_size is None:
        batch_size = WORD2VEC_DEFAULTS["batch_size"][model]
    if shared_negatives is None and isinstance(batch_size, (int, np.integer)):
        shared = WORD2VEC_DEFAULTS["shared_negatives"][model]
        shared_negatives = math.gcd(int(batch_size), shared)
    _check(model, window_size, negatives, sample, ns_exponent, batch_size,
           shared_negatives)  # fmt: skip
    ids, docs = flatten(sequences, vocabulary_size)
    counts = np.bincount(ids, minlength=vocabulary_size)
    keep = keep_probabilities(counts, sample)
    if ids.size == 0 or not (docs[1:] == docs[:-1]).any():
        raise InvalidInputError(
            "`sequences` hold no two neighbouring words of one document, so there "
            "is nothing to train on. Use a larger corpus (or a larger vocabulary)."
        )
    # Gensim's `cum_table`: cumulative probabilities on integers in [0, 2**31].
    probability = negative_sampling_distribution(counts, ns_exponent)
    cum = np.round(np.cumsum(probability) * 2**31).astype(np.int64)
    examples = Examples(ids, docs, keep, cum, model, window_size, negatives,
                        shrink_windows, shuffle, _BLOCK_TOKENS)  # fmt: skip
    if seed is not None:
        seed = positive_int("seed", seed, minimum=0)
    initial_epoch = positive_int("initial_epoch", initial_epoch, minimum=0)
    base = np.random.SeedSequence(seed).entropy if seed is None else seed
    rows = batch_size // shared_negatives

    def epoch_rng(epoch):
        return np.random.default_rng([base, epoch])

    # Steps per epoch: the examples of the first epoch's draw of subsampling
    # and windows, counted without making them (other epochs differ by a
    # fraction of a percent).
    count = examples.count_epoch(epoch_rng(0))
    steps = max(1, -(-count // batch_size))
    stacks = -(-steps // _STACK)

    def batches(rng):
        # One epoch: fixed batches sliced off each block's examples (NumPy
        # views; never a loop over examples).
        step, x, y = 0, None, None
        for block_x, block_y in examples.epoch(rng):
            # The previous block's leftover (< batch_size examples) goes first.
            x = block_x if x is None else np.concatenate([x, block_x])
            y = block_y if y is None else np.concatenate([y, block_y])
            start = 0
            while len(y) - start >= batch_size and step < steps:
                yield x[start : start + batch_size], y[start : start + batch_size]
                start, step = start + batch_size, step + 1
            x, y = x[start:], y[start:]
        while step < steps:  # pad the last batch, then whole batches
            yield x, y
            x, y, step = x[:0], y[:0], step + 1

    def stack(group, rng):
        # `_STACK` batches at once: padding to `batch_size` with weight 0 and
        # the negatives of every batch in one draw.
        k = len(group)
        x = np.zeros((k, batch_size, *group[0][0].shape[1:]), np.int32)
        y = np.zeros((k, batch_size), np.int32)
        weights = np.zeros((k, batch_size), np.float32)
        for i, (bx, by) in enumerate(group):
            x[i, : len(by)], y[i, : len(by)], weights[i, : len(by)] = bx, by, 1
        negative_ids = examples.sample_negatives((k, rows, negatives), rng)
        return x, y, negative_ids, weights

    state = {"epoch": initial_epoch, "stacks": None}

    def next_stack(index):
        # Called by tf.data once per stack, in order; stack 0 starts an epoch.
        if index == 0:
            rng = epoch_rng(state["epoch"])
            state["epoch"] += 1
            state["stacks"] = grouped(batches(rng), _STACK, stack, rng)
        return next(state["stacks"])

    x_shape = (2 * window_size,) if model == "cbow" else ()
    labels = np.zeros((1, 1, negatives + 1), np.float32)
    labels[..., 0] = 1  # the positive word first

    @tf.autograph.experimental.do_not_convert  # plain ops: skip the conversion
    def to_tensors(index):
        x, y, negative_ids, weights = tf.numpy_function(
            next_stack, [index], [tf.int32, tf.int32, tf.int32, tf.float32],
            stateful=True,
        )  # fmt: skip
        x.set_shape((None, batch_size, *x_shape))
        y.set_shape((None, batch_size))
        negative_ids.set_shape((None, rows, negatives))
        weights.set_shape((None, batch_size))
        k = tf.shape(y)[0]
        stacked_labels = tf.broadcast_to(labels, [k, batch_size, negatives + 1])
        return (x, y, negative_ids), stacked_labels, weights

    # A NumPy function feeds tf.data whole stacks of batches (tf.data pays a
    # fixed cost per element) and `unbatch` (C++) splits them; `prefetch`
    # makes the next batches while the model trains.
    dataset = tf.data.Dataset.range(stacks).map(to_tensors).unbatch()
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(steps))
    dataset = dataset.prefetch(_PREFETCH)
    # Every id is in [0, vocabulary_size) by construction: the models skip
    # their per-batch id check on this dataset (`models._ids`).
    dataset._keras_embeddings_ids_below = vocabulary_size
    return dataset
