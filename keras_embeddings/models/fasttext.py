"""fastText: word2vec whose word vectors include character n-grams.

Bojanowski et al., 2017, "Enriching Word Vectors with Subword Information"
(gensim's `FastText`). Skip-gram (`sg=True`, the default) or CBOW
(`sg=False`) with negative sampling, as `models.SkipGram` and
`models.CBOWNegativeSampling`, except for the input vector of a word: the
mean of its own row of `target_embedding` (gensim's `wv.vectors_vocab`)
and of the rows of `ngram_embedding` (gensim's `wv.vectors_ngrams`,
`bucket` rows) that its character n-grams hash to (`text.ngram_ids`:
`"<word>"`'s n-grams of `min_n` to `max_n` characters, fastText's FNV-1a
hash modulo `bucket`). Rare words share n-grams with frequent ones
("walking", "walked"), and a word never seen in training still has a
vector, the mean of its n-gram rows: `model.get_vector("walkin")`.

CBOW's `u` is the mean of all the rows (word and n-gram) of all the
context words, as in fastText and gensim (`cbow_mean=1`). Training passes
the whole error `dL/du` to the word row and to every n-gram row, as
fastText and gensim do (not the `1 / count` share the gradient of a mean
would give); the output vectors are word2vec's, and the batches,
subsampling, negatives and linearly decaying SGD are the word2vec models'
(`datasets.word2vec_dataset(..., model="skipgram")`, or `model="cbow"` for
`sg=False`). Training follows gensim where it differs from the query-time
mean: skip-gram's `u` is the sum of the word row and its `n` n-gram rows
over `n`, not `n + 1` (gensim's `fasttext_fast_sentence_sg_neg`), and
word and n-gram rows start uniform in `[-1 / dim, 1 / dim]` (fastText's
and gensim's; word2vec uses half). Both measurably bring ours closer to
gensim (`benchmarks/fasttext_vs_gensim.py`, the `builtin` corpus: cosine
rho ours-gensim 0.894 -> 0.944 against gensim-gensim 0.958).

Only the n-gram rows that some vocabulary word uses ever train; they are
`ngram_embedding`, one row per entry of `ngram_rows` (the sorted bucket
rows; the table is padded to a multiple of 128 rows with rows never used,
so that it shards evenly over devices). gensim keeps its other rows at their random initial values, which
add only noise to an unseen word's vector; here they are zero and cost no
memory: `bucket` (2,000,000 by default, as gensim's) sets the hashing,
not the size of the model. `get_ngram_embeddings()` gives the whole
`(bucket, dim)` table, gensim's `vectors_ngrams`.

Each word's n-gram rows are computed once from `vocabulary` (required)
and kept on the device as non-trainable int32 tables; a `.keras` file
stores the vocabulary, not them, and recomputes them on loading. A step
composes every word's vector once (`segment_sum` over the vocabulary's
(word, n-gram) list) when the vocabulary is small (`vocabulary_size *
width` up to 2**18, `width` the most n-grams of any word), and one padded
n-gram list per id of the batch otherwise.

Taught in `tutorials/12_subword_embeddings.py`.
"""

import keras
import numpy as np
from keras import layers, ops

from keras_embeddings._validation import boolean, positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._tables import Uniform, build_embedding
from keras_embeddings.models.skipgram import SkipGram, _unpack
from keras_embeddings.text.char_ngrams import _check_range, ngram_ids

__all__ = ["FastText"]

_CHUNK = 4096  # vocabulary rows composed at once by `get_embeddings`
# Up to this many `vocabulary_size * width` n-gram rows, a step composes
# every word's vector once (see `FastText._word_sums`).
_COMPOSE_ALL = 2**18
_ROW_MULTIPLE = 128  # `ngram_embedding` rows, see `_padded_rows`


def _constant(values):
    """An initializer giving `values` (NumPy), whatever the shape asked."""

    def initializer(shape, dtype=None):
        return ops.convert_to_tensor(values, dtype=dtype)

    return initializer


class _SubwordIds(layers.Layer):
    """The n-gram rows of every word id, int32 and not trained: `ids`
    `(vocabulary_size, width)` (padded with 0) and `counts`
    `(vocabulary_size,)`; and the same flat, one entry per (word, n-gram):
    `flat_rows` `(n,)` and `flat_words` `(n,)`.

    Not saved: the model recomputes them from its vocabulary.
    """

    NAMES = ("ids", "counts", "flat_rows", "flat_words")

    def __init__(self, ids, counts, **kwargs):
        super().__init__(trainable=False, **kwargs)
        present = np.arange(ids.shape[1]) < counts[:, None]
        flat_words = np.nonzero(present)[0].astype(np.int32)
        # NumPy copies, for the host.
        self.values = (ids, counts, ids[present], flat_words)

    def build(self, input_shape=None):
        # The values come from the initializers, not from an `assign` after
        # creation: a build traced inside `fit` (JAX's stateless scope, a
        # `tf.function`) would drop the assignment and keep the zeros, and
        # no n-gram row would ever be trained.
        for name, values in zip(self.NAMES, self.values):
            weight = self.add_weight(
                shape=values.shape, dtype="int32", initializer=_constant(values),
                trainable=False, name=name,
            )  # fmt: skip
            setattr(self, name, weight)

    def save_own_variables(self, store):
        pass  # recomputed from the vocabulary: smaller files

    def load_own_variables(self, store):
        pass


@keras.saving.register_keras_serializable(package="keras_embeddings")
class FastText(SkipGram):
    """fastText: a word's vector is the mean of its word and n-gram rows.

    Bojanowski et al., 2017 (gensim's `FastText(sg=1, negative=...)`, or
    `sg=0` for CBOW). The logits are `SkipGram`'s, with the input vector of
    a target word `w`

        u = (target_embedding[w] + sum_g ngrams[g]) / (1 + n)

    over the `n` rows `g` of `text.ngram_ids([word], min_n, max_n,
    bucket)` (repeats counted) of `ngrams = get_ngram_embeddings()`
    (training divides by `n`, as gensim); for CBOW, `CBOWNegativeSampling`'s with `u` the mean of all the rows of all
    the context words. The n-gram rows
    are gensim's and Facebook's for the same `min_n`, `max_n` and
    `bucket`, so `export.to_keyed_vectors` gives gensim a
    `FastTextKeyedVectors` that computes the same vectors.

    Args:
        vocabulary_size: int, number of ids including the padding id 0.
        embedding_dim: int, size of each vector (gensim's `vector_size`).
        negatives: int, negative words per pair (gensim's `negative`).
        vocabulary: list of `vocabulary_size` str, the word of each id,
            `vocabulary[0]` the padding entry (which gets no n-grams).
            Required: the n-grams come from the words.
        min_n: int, the shortest n-gram in characters (gensim's `min_n`).
        max_n: int, the longest (gensim's `max_n`); at least `min_n`.
        bucket: int, the rows n-grams hash to (gensim's `bucket`,
            2,000,000 by default as there). Only the rows the
            vocabulary's n-grams hash to are stored and trained, so a
            large `bucket` costs no memory; fewer rows make more n-grams
            share a row.
        sg: bool (or gensim's 1/0), True for skip-gram, False for CBOW.
        **kwargs: base `Model` arguments (`name`, `dtype`).

    Word vectors: `get_embeddings("input")` (default) the composed vectors
    above for every id (row `padding_id` = 0 is padding, the word row
    alone), `"output"` (`context_embedding`) or `"average"`;
    `get_vector(word)` for any str, in the vocabulary or not.

    Input shape:
        Skip-gram, as `SkipGram`: `(target_ids, context_ids,
        negative_ids)`, int tensors `(batch,)`, `(batch,)` and `(rows,
        negatives)`. CBOW, as `CBOWNegativeSampling`: `(context_ids,
        center_ids, negative_ids)`, the first `(batch, 2 * window)` padded
        with 0.

    Output shape:
        Logits `(batch, 1 + negatives)`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import FastText
    >>> model = FastText(5, embedding_dim=4, negatives=2, bucket=1000,
    ...                  vocabulary=["", "walk", "walked", "talk", "talked"])
    >>> model.compile(jit_compile=False)
    >>> target, context = np.array([1, 3]), np.array([2, 4])
    >>> negative_ids = np.array([[3, 4], [1, 2]])
    >>> _ = model.fit((target, context, negative_ids),
    ...               np.array([[1.0, 0, 0]] * 2), verbose=0)
    >>> model.get_embeddings().shape
    (5, 4)
    >>> model.get_vector("walking").shape  # never seen: its n-grams' mean
    (4,)
    ```
    """

    _id_inputs = ("target ids", "context ids", "negative ids")

    def __init__(
        self, vocabulary_size, embedding_dim=100, negatives=5, vocabulary=None,
        min_n=3, max_n=6, bucket=2_000_000, sg=True, **kwargs,
    ):  # fmt: skip
        super().__init__(
            vocabulary_size, embedding_dim, negatives, vocabulary, **kwargs
        )
        if self.vocabulary is None:
            raise InvalidInputError(
                "FastText needs `vocabulary`, the word of each id (entry 0 "
                "the padding): a word's n-grams come from its letters. Pass "
                "e.g. `vocabulary=[''] + words`."
            )
        self.min_n, self.max_n = _check_range(min_n, max_n)
        self.bucket = positive_int("bucket", bucket)
        if isinstance(sg, (int, np.integer)) and sg in (0, 1):
            sg = bool(sg)  # gensim's sg=1 / sg=0
        self.sg = boolean("sg", sg)
        if not self.sg:
            self._id_inputs = ("context ids", "center ids", "negative ids")
        # The bucket rows some vocabulary word uses, sorted: the only ones
        # training moves. Each word's n-grams as indices into them.
        self.ngram_rows, ids, counts = _vocabulary_ngrams(
            self.vocabulary, self.min_n, self.max_n, self.bucket, self.padding_id
        )
        self._word_ids = {}
        for index, word in enumerate(self.vocabulary):
            if index != self.padding_id:
                self._word_ids.setdefault(word, index)
        # Word and n-gram rows start uniform in [-1 / dim, 1 / dim], as in
        # fastText and gensim's FastText (word2vec: half that).
        bound = 1.0 / self.embedding_dim
        self.target_embedding.embeddings_initializer = Uniform(-bound, bound)
        self.ngram_embedding = layers.Embedding(
            _padded_rows(len(self.ngram_rows)),
            self.embedding_dim,
            embeddings_initializer=Uniform(-bound, bound),
            dtype=self.dtype_policy,
            name="ngram_embedding",
        )
        self.subword_ids = _SubwordIds(ids, counts, name="subword_ids")

    def build(self, input_shape=None):
        super().build(input_shape)
        build_embedding(self.ngram_embedding)  # large tables: in place
        self.subword_ids.build()

    def _rows_sum(self, ids):
        """For word ids of any shape `(...)`: the sum of each word's own row
        and n-gram rows `(..., dim)`, and how many rows that is `(...)`."""
        word = self.target_embedding(ids)  # (..., dim)
        rows = ops.take(self.subword_ids.ids, ids, axis=0)  # (..., width)
        count = ops.take(self.subword_ids.counts, ids, axis=0)  # (...)
        width = self.subword_ids.ids.shape[1]
        mask = ops.arange(width, dtype="int32") < count[..., None]
        mask = ops.cast(mask, word.dtype)  # (..., width)
        ngrams = self.ngram_embedding(rows)  # (..., width, dim)
        total = word + ops.sum(ngrams * mask[..., None], axis=-2)  # (..., dim)
        return total, 1.0 + ops.cast(count, word.dtype)

    def _word_sums(self, ids):
        """`_rows_sum(ids)`; for a small vocabulary, every word's sum is
        computed once (`segment_sum` over the flat (word, n-gram) list: no
        padding) and looked up, which gathers fewer rows than one padded
        n-gram list per id of the batch."""
        # As `keras.layers.Embedding` does: Keras' build under a tf.distribute
        # strategy passes the ids as float32 (the replicas' mean batch).
        ids = ops.cast(ids, "int32")
        subwords = self.subword_ids
        if self.vocabulary_size * subwords.ids.shape[1] > _COMPOSE_ALL:
            return self._rows_sum(ids)
        ngrams = self.ngram_embedding(subwords.flat_rows)  # (n, dim)
        words = ops.cast(self.target_embedding.embeddings, ngrams.dtype)
        total = words + ops.segment_sum(
            ngrams, subwords.flat_words, num_segments=self.vocabulary_size
        )  # (vocabulary_size, dim)
        rows = 1.0 + ops.cast(subwords.counts, total.dtype)
        return ops.take(total, ids, axis=0), ops.take(rows, ids, axis=0)

    def _input_vectors(self, ids):
        """Skip-gram's `u` of word ids `(batch,)` -> `(batch, dim)`: as
        gensim trains it, the sum of the word row and its `n` n-gram rows
        over `n` (the word row alone for a word without n-grams)."""
        total, rows = self._word_sums(ids)  # (batch, dim), (batch,)
        return _mean_forward_whole_error(total, ops.maximum(rows - 1.0, 1.0)[:, None])

    def _context_vectors(self, context):
        """CBOW's `u`: the mean of every row (word and n-gram) of the
        non-zero context ids `(batch, window)` -> `(batch, dim)`."""
        total, rows = self._word_sums(context)  # (batch, window, dim), (batch, window)
        present = ops.cast(ops.not_equal(context, 0), total.dtype)  # (batch, window)
        total = ops.sum(total * present[..., None], axis=1)  # (batch, dim)
        rows = ops.maximum(ops.sum(rows * present, axis=1, keepdims=True), 1.0)
        return _mean_forward_whole_error(total, rows)

    def call(self, inputs):
        if self.sg:
            target, context, negative_ids = _unpack(inputs, "FastText", "target_ids")
            self._check_ids(target, "the target ids", 1, "(batch,)")
            return self._score(self._input_vectors(target), context, negative_ids)
        context, center, negative_ids = _unpack(inputs, "FastText", "context_ids")
        self._check_ids(context, "the context ids", 2, "(batch, 2 * window)")
        return self._score(self._context_vectors(context), center, negative_ids)

    def _composed(self, word_ids, rows, trained, counts):
        """Vectors in the weights' dtype (float32 under mixed precision) from
        word ids `(n,)` (None: n-grams alone), n-gram rows `(n, width)` of
        `ngram_embedding`, where `trained` `(n, width)` (the others are zero
        rows), and n-gram `counts` `(n,)`; zeros where there is no row."""
        ngrams = self.ngram_embedding.embeddings
        ngrams = ops.convert_to_numpy(ops.take(ngrams, rows, axis=0))  # (n, width, dim)
        total = np.sum(ngrams * trained[..., None], axis=1)  # (n, dim)
        if word_ids is not None:
            words = ops.take(self.target_embedding.embeddings, word_ids, axis=0)
            total = total + ops.convert_to_numpy(words)
            counts = counts + 1
        return total / np.maximum(counts, 1)[:, None].astype(total.dtype)

    def _vocabulary_rows(self, start, end):
        ids, counts = self.subword_ids.values[:2]
        ids, counts = ids[start:end], counts[start:end]
        return ids, np.arange(ids.shape[1]) < counts[:, None], counts

    def _embedding_tables(self):
        # The composed vectors of every id, a few thousand rows at a time.
        chunks = [
            self._composed(np.arange(start, end), *self._vocabulary_rows(start, end))
            for start, end in _chunks(self.vocabulary_size)
        ]
        return np.concatenate(chunks), self.context_embedding.embeddings

    def get_ngram_embeddings(self):
        """The n-gram table by bucket row, gensim's `wv.vectors_ngrams`.

        Rows that no n-gram of the vocabulary hashes to are never trained:
        gensim keeps them at their random initial values, which only add
        noise to an unseen word's vector; here they are zero, and the
        model stores only the trained rows (`ngram_embedding`, one row per
        bucket in `ngram_rows`), so `bucket` costs no memory until this
        call.

        Returns:
            A NumPy array `(bucket, embedding_dim)`.

        Example:

        ```python
        >>> from keras_embeddings.models import FastText
        >>> model = FastText(2, embedding_dim=3, bucket=1000,
        ...                  vocabulary=["", "cat"])
        >>> model.ngram_rows.tolist()  # of "<ca", "cat", "at>", "<cat", ...
        [31, 106, 137, 747, 973, 995]
        >>> model.get_ngram_embeddings().shape
        (1000, 3)
        ```
        """
        if not self.built:
            self._build_for_embeddings()
        trained = ops.convert_to_numpy(self.ngram_embedding.embeddings)
        table = np.zeros((self.bucket, self.embedding_dim), dtype=trained.dtype)
        table[self.ngram_rows] = trained[: len(self.ngram_rows)]
        return table

    def get_vector(self, word):
        """The vector of any str, as gensim's `FastTextKeyedVectors[word]`.

        A word of the vocabulary (not the padding entry) gets its row of
        `get_embeddings()`: the mean of its word row and its n-gram rows.
        Any other str gets the mean of its n-gram rows; one without any
        n-gram (`""`, or shorter than `min_n - 2` characters) gets zeros,
        as in gensim (which logs a warning) and fastText.

        Args:
            word: str.

        Returns:
            A NumPy array `(embedding_dim,)`.

        Raises:
            InvalidInputError: `word` is not a str.

        Example:

        ```python
        >>> from keras_embeddings.models import FastText
        >>> model = FastText(3, embedding_dim=2, bucket=100,
        ...                  vocabulary=["", "cat", "cats"])
        >>> bool((model.get_vector("cat") == model.get_embeddings()[1]).all())
        True
        >>> model.get_vector("")  # no n-grams: the origin, as gensim
        array([0., 0.], dtype=float32)
        ```
        """
        if not isinstance(word, str):
            raise InvalidInputError(
                f"FastText.get_vector: `word` must be a str. Received: "
                f"word={word!r:.100} of type {type(word).__name__}"
            )
        if not self.built:
            self._build_for_embeddings()
        index = self._word_ids.get(word)
        if index is not None:
            rows = self._vocabulary_rows(index, index + 1)
            return self._composed(np.array([index]), *rows)[0]
        buckets, counts = ngram_ids([word], self.min_n, self.max_n, self.bucket)
        rows = np.searchsorted(self.ngram_rows, buckets)
        rows = np.minimum(rows, max(len(self.ngram_rows) - 1, 0))
        trained = np.arange(buckets.shape[1]) < counts[:, None]
        if len(self.ngram_rows):
            trained &= self.ngram_rows[rows] == buckets
        else:
            trained[:] = False
        return self._composed(None, rows, trained, counts)[0]

    def get_config(self):
        return {
            **super().get_config(),
            "min_n": self.min_n,
            "max_n": self.max_n,
            "bucket": self.bucket,
            "sg": self.sg,
        }


def _padded_rows(rows):
    """The rows of `ngram_embedding` for `rows` trained n-gram rows: rounded
    up to a multiple of `_ROW_MULTIPLE` (the extra rows are never used), so
    that `distribute.strategy("model")` can split the table evenly over 2,
    4, ... 128 devices; at least one row.

    >>> from keras_embeddings.models.fasttext import _padded_rows
    >>> _padded_rows(0), _padded_rows(1), _padded_rows(300)
    (128, 128, 384)
    """
    return max(-(-rows // _ROW_MULTIPLE), 1) * _ROW_MULTIPLE


def _vocabulary_ngrams(vocabulary, min_n, max_n, bucket, padding_id=0):
    """The sorted bucket rows the words of `vocabulary` use `(rows,)`; each
    word's n-grams as indices into them `(vocabulary_size, width)` (0 where
    padded), and their counts `(vocabulary_size,)`. The padding entry has
    none."""
    buckets, counts = ngram_ids(vocabulary, min_n, max_n, bucket)
    buckets[padding_id], counts[padding_id] = 0, 0  # not a word
    present = np.arange(buckets.shape[1]) < counts[:, None]
    rows = np.unique(buckets[present]).astype(np.int32)
    ids = np.where(present, np.searchsorted(rows, buckets), 0).astype(np.int32)
    return rows, ids, counts


def ngram_rows_of(vocabulary, min_n=3, max_n=6, bucket=2_000_000):
    """The bucket rows a `FastText` model over `vocabulary` stores and
    trains (its `ngram_rows`; `vocabulary[0]` is the padding entry).

    >>> from keras_embeddings.models.fasttext import ngram_rows_of
    >>> # "<cat>": 6 n-grams, "<cats>": 10, of which "<ca", "cat", "<cat" shared
    >>> len(ngram_rows_of(["", "cat", "cats"]))
    13
    """
    return _vocabulary_ngrams(vocabulary, min_n, max_n, bucket)[0]


def _mean_forward_whole_error(total, rows):
    """`total / rows` forward; backward, every summed row gets the whole
    error `dL/du`, as fastText and gensim update them (not `1 / rows`)."""
    return total - ops.stop_gradient(total - total / rows)


def _chunks(size):
    return [(start, min(start + _CHUNK, size)) for start in range(0, size, _CHUNK)]
