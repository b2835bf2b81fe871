"""The NumPy engine of `word2vec_dataset`: token blocks -> word2vec examples.

Private: `datasets.word2vec` documents the recipe (subsampling, dynamic
windows, skip-gram pairs or CBOW windows, shared negatives) and builds the
`tf.data` pipeline around `Examples`.
"""

import itertools

import numpy as np

from keras_embeddings.errors import InvalidInputError


def flatten(sequences, vocabulary_size):
    """Concatenated non-zero ids and the document index of each."""
    if isinstance(sequences, np.ndarray) and sequences.ndim == 1:
        sequences = [sequences]
    sequences = list(sequences)
    flat = _flatten_lists(sequences)
    if flat is None:  # arrays, or anything unusual: one document at a time
        ids, docs = [], []
        for i, seq in enumerate(sequences):
            seq = np.asarray(seq).reshape(-1)
            if seq.size and not np.issubdtype(seq.dtype, np.integer):
                raise InvalidInputError(
                    "`sequences` must hold integer word ids (e.g. "
                    f"Tokenizer.texts_to_sequences). Received dtype {seq.dtype}."
                )
            ids.append(seq.astype(np.int64))
            docs.append(np.full(len(seq), i, dtype=np.int64))
        ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
        docs = np.concatenate(docs) if docs else np.zeros(0, np.int64)
    else:
        ids, docs = flat
    kept = ids != 0  # 0 is padding; gensim drops unknown words too
    ids, docs = ids[kept], docs[kept]
    if ids.size and (ids.min() < 0 or ids.max() >= vocabulary_size):
        bad = ids.min() if ids.min() < 0 else ids.max()
        raise InvalidInputError(
            f"`sequences` ids must be in [0, vocabulary_size={vocabulary_size}). "
            f"Received id {bad}."
        )
    return ids.astype(np.int32), docs.astype(np.int32)


def _flatten_lists(sequences):
    """`(ids, docs)` of lists of int ids in one NumPy call, or None.

    `Tokenizer.texts_to_sequences` gives lists; converting ~100k short ones
    one by one costs a second, this a few hundredths.
    """
    if not all(type(seq) in (list, tuple) for seq in sequences):
        return None
    try:
        ids = np.array(list(itertools.chain.from_iterable(sequences)))
    except (ValueError, TypeError):
        return None
    if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        return None  # the loop names the problem
    lengths = np.fromiter(map(len, sequences), np.int64, count=len(sequences))
    docs = np.repeat(np.arange(len(sequences), dtype=np.int64), lengths)
    return ids.astype(np.int64), docs


class Examples:
    """Vectorized NumPy: a block of tokens -> its examples, for one epoch's draw."""

    def __init__(self, ids, docs, keep, cum, model, window_size, negatives,
                 shrink_windows, shuffle, block_tokens):  # fmt: skip
        self.ids, self.docs, self.keep, self.cum = ids, docs, keep, cum
        self.subsample = bool((keep < 1).any())
        self.model = model
        self.window = window_size
        self.negatives = negatives
        self.shrink = shrink_windows
        self.shuffle = shuffle
        self.block_tokens = block_tokens
        self.num_blocks = max(1, -(-len(ids) // block_tokens))
        offsets = np.r_[np.arange(-window_size, 0), np.arange(1, window_size + 1)]
        self.offsets = offsets.astype(np.int32)  # int32 halves the memory traffic

    def _windows(self, block, rng):
        """The kept tokens of block `block` and each one's context `[low, high)`."""
        start = block * self.block_tokens
        ids = self.ids[start : start + self.block_tokens]
        docs = self.docs[start : start + self.block_tokens]
        if self.subsample:  # gensim: drop before windowing, redrawn each epoch
            kept = rng.random(len(ids)) < self.keep[ids]
            ids, docs = ids[kept], docs[kept]  # docs stay sorted
        n = len(ids)
        if self.shrink:  # word2vec's dynamic window: reach uniform in 1..window
            reach = rng.integers(1, self.window + 1, size=n, dtype=np.int32)
        else:
            reach = np.full(n, self.window, dtype=np.int32)
        # Context positions of each token: its document's [first, last)
        # range cut to [position - reach, position + reach].
        position = np.arange(n, dtype=np.int32)
        first = np.searchsorted(docs, docs, side="left").astype(np.int32)
        last = np.searchsorted(docs, docs, side="right").astype(np.int32)
        low = np.maximum(first, position - reach)  # (n,)
        high = np.minimum(last, position + reach + 1)  # (n,)
        return ids, low, high

    def count(self, block, rng):
        """How many examples `block(block, rng)` makes, without making them."""
        _, low, high = self._windows(block, rng)
        sizes = high - low - 1  # context words of each center
        return int(sizes.sum() if self.model == "skipgram" else (sizes > 0).sum())

    def block(self, block, rng):
        """Every example of token block `block` (`block_tokens` tokens)."""
        ids, low, high = self._windows(block, rng)
        n = len(ids)
        if self.shuffle and self.model == "cbow":
            centers = rng.permutation(n).astype(np.int32)
            low, high = low[centers], high[centers]
        else:  # skip-gram shuffles its pairs below
            centers = np.arange(n, dtype=np.int32)
        j = centers[:, None] + self.offsets[None, :]  # (n, 2 * window)
        valid = (j >= low[:, None]) & (j < high[:, None])
        center = ids[centers]  # (n,)
        if self.model == "skipgram":
            # Row-major like `valid`: each center once per context word.
            target, context = np.repeat(center, high - low - 1), ids[j[valid]]
            if self.shuffle:
                # Shuffled pairs, not centers: the pairs of one center would
                # otherwise be neighbours and share their negatives
                # (`shared_negatives`), one draw for all of the center's
                # context words instead of one per pair, which costs quality
                # (agreement with gensim 0.89 -> 0.92 on the built-in corpus).
                order = rng.permutation(len(target)).astype(np.int32)
                target, context = target[order], context[order]
            return target, context
        has_context = high - low > 1
        context = np.where(valid, ids[np.clip(j, 0, max(n - 1, 0))], 0)
        return context[has_context], center[has_context]

    def _block_rngs(self, rng):
        # One generator per block, so that `count` and `block` draw the same
        # subsample and windows whatever order the blocks come in.
        seeds = rng.integers(0, 2**63, size=self.num_blocks)
        return [np.random.default_rng(seed) for seed in seeds]

    def epoch(self, rng):
        """Yield `(x, y)` example arrays, block after block, for one epoch."""
        rngs = self._block_rngs(rng)
        order = (
            rng.permutation(self.num_blocks) if self.shuffle else range(self.num_blocks)
        )
        for block in order:
            yield self.block(block, rngs[block])

    def count_epoch(self, rng):
        """The number of examples `epoch(rng)` yields (rng: a fresh generator)."""
        rngs = self._block_rngs(rng)
        return sum(self.count(block, rngs[block]) for block in range(self.num_blocks))

    def sample_negatives(self, size, rng):
        """Ids drawn with probability `count ** ns_exponent` (gensim's cum_table)."""
        draws = rng.integers(0, self.cum[-1], size=size)
        return np.searchsorted(self.cum, draws, side="right").astype(np.int32)


def grouped(items, size, combine, rng):
    """`combine(group, rng)` of each run of `size` items (the last may be shorter)."""
    group = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield combine(group, rng)
            group = []
    if group:
        yield combine(group, rng)
