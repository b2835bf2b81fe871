"""Word2vec with negative sampling: skip-gram and CBOW (Mikolov et al., 2013).

"Distributed Representations of Words and Phrases and their
Compositionality": every word has an input vector (`target_embedding`, the
word vectors one keeps) and an output vector (`context_embedding`). A
training example scores the positive word and `k` negative words drawn from
the unigram^0.75 distribution with dot products, and the logistic loss

    -log sigmoid(u . v_pos) - sum_k log sigmoid(-u . v_neg_k)

pushes the positive score up and the negative ones down. `u` is the input
vector of the target word (skip-gram) or the mean input vector of the context
words (CBOW). Only the rows of the words in a batch are gathered and updated
(sparse `IndexedSlices` gradients): there is no softmax over the vocabulary.

Training follows word2vec and gensim: `compile()` defaults to plain SGD on the
sum of the example losses, so every example moves its rows by the learning
rate times its own gradient, as in word2vec's per-pair update, with the
learning rate decaying linearly from 0.025 to 0.025 * 1e-4 over
`decay_steps` (gensim's `alpha` -> `min_alpha`). Input vectors start uniform
in `[-0.5 / dim, 0.5 / dim]` and output vectors at zero, as in word2vec.
SGD is also the exact optimizer for embedding rows: Keras 3's Adam on
TensorFlow squares the gradient slices of a word before summing its
duplicates in a batch.

One difference from word2vec's one-pair-at-a-time loop: a word's update is
the sum over its occurrences in the batch, computed before any of them is
applied (so on a vocabulary of a few hundred words, batches above ~4096 at
lr 0.025 overshoot and diverge: lower `batch_size` or `learning_rate`;
CBOW, whose every context word takes its center's whole error, needs about
1024 there, with `shared_negatives` of 8 at most).
CBOW follows word2vec.c and gensim (`cbow_mean=1`) rather than the calculus:
the mean context vector predicts the center, and each context word then
receives the whole error `dL/du`, not the `1 / count` share that the
gradient of a mean would give it. The logged `loss` is the batch sum;
`pair_loss` is the mean loss of one example.
`compile()` turns XLA on under TensorFlow (Keras' "auto" leaves it off on a
CPU), which makes a step about twice as fast after a few seconds of
compilation, and runs 16 steps per call (`steps_per_execution`) under
TensorFlow and JAX; PyTorch's trainer runs one step per call (Keras refuses
`steps_per_execution > 1` there).

The input batches come from `datasets.word2vec_dataset` (subsampling,
dynamic windows and negatives made on the fly); the skip-gram model also
trains on Keras 2 `skipgrams()` pairs and labels.

Taught in `tutorials/06_word2vec_at_scale.py`.
"""

import keras
from keras import layers, ops

from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._compile import CompileDefaultsMixin
from keras_embeddings.models._contract import (
    SOURCES,
    EmbeddingModelMixin,
    check_vocabulary,
)
from keras_embeddings.models._mixed_precision import float32_outputs
from keras_embeddings.models._tables import Uniform, build_embedding
from keras_embeddings.models.losses import (  # their old import path
    NegativeSamplingLoss as NegativeSamplingLoss,
)
from keras_embeddings.models.losses import (
    negative_sampling_loss as negative_sampling_loss,
)

__all__ = ["CBOWNegativeSampling", "SkipGram"]


def _in_tf_distribute():
    """Whether a `tf.distribute` strategy scope is open (TensorFlow only)."""
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return tf.distribute.has_strategy()


def default_steps_per_execution():
    """The word2vec models' default `steps_per_execution`: 16 under
    TensorFlow and JAX, 1 under PyTorch (whose Keras trainer takes only 1)
    and inside a `tf.distribute` scope (where Keras' multi-step loop fails:
    keras-team/keras#19246).

    >>> from keras_embeddings.models.skipgram import default_steps_per_execution
    >>> default_steps_per_execution() in (1, 16)
    True
    """
    return 1 if keras.backend.backend() == "torch" or _in_tf_distribute() else 16


def check_steps_per_execution(steps_per_execution):
    """Refuse `steps_per_execution > 1` on PyTorch at `compile`, where Keras
    would only refuse it at the first `fit`.

    >>> from keras_embeddings.models.skipgram import check_steps_per_execution
    >>> check_steps_per_execution(1)  # always fine
    """
    if keras.backend.backend() == "torch" and steps_per_execution != 1:
        raise InvalidInputError(
            "The PyTorch backend runs one training step per call: "
            "`steps_per_execution` must be 1 there (Keras' PyTorch trainer "
            "refuses other values). Leave it out or pass steps_per_execution=1, "
            "or use the TensorFlow or JAX backend for several steps per call. "
            f"Received: steps_per_execution={steps_per_execution!r}"
        )


class _Word2Vec(EmbeddingModelMixin, CompileDefaultsMixin, keras.Model):
    """Shared parts: the two embedding tables, scoring, compile, export."""

    padding_id = 0  # ids from the package's Tokenizer and word2vec_dataset
    _embedding_sources = SOURCES

    def __init__(
        self, vocabulary_size, embedding_dim=100, negatives=5, vocabulary=None,
        **kwargs,
    ):  # fmt: skip
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size, 2)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.negatives = positive_int("negatives", negatives, minimum=0)
        self.vocabulary = check_vocabulary(vocabulary, self.vocabulary_size)
        self._check_dtype()
        bound = 0.5 / self.embedding_dim  # word2vec's initialization
        # `Uniform` (NumPy, block by block) rather than Keras' RandomUniform,
        # which makes three table-sized copies: see `_tables`.
        self.target_embedding = layers.Embedding(
            self.vocabulary_size,
            self.embedding_dim,
            embeddings_initializer=Uniform(-bound, bound),
            dtype=self.dtype_policy,
            name="target_embedding",
        )
        self.context_embedding = layers.Embedding(
            self.vocabulary_size,
            self.embedding_dim,
            embeddings_initializer="zeros",
            dtype=self.dtype_policy,
            name="context_embedding",
        )

    def _check_ids(self, ids, what, rank, example):
        """`ids` must have `rank` axes; `InvalidInputError` naming `what`."""
        if len(ids.shape) != rank:
            raise InvalidInputError(
                f"{type(self).__name__}: {what} must have shape {example}. "
                f"Received: shape {tuple(ids.shape)}"
            )

    def _score(self, u, positive, negative_ids):
        """Logits `(batch, 1 + k)` of input vectors `u` against output rows."""
        self._check_ids(positive, "the positive ids", 1, "(batch,)")
        v = self.context_embedding(positive)  # (batch, dim)
        logits = ops.sum(u * v, axis=-1, keepdims=True)  # (batch, 1)
        if negative_ids is None:
            return float32_outputs(logits)  # float32 under mixed precision too
        self._check_ids(negative_ids, "the negative ids", 2, "(rows, negatives)")
        if negative_ids.shape[-1] != self.negatives:
            raise InvalidInputError(
                f"The model was built with negatives={self.negatives}, but the "
                f"negative ids have shape {tuple(negative_ids.shape)}. Build the "
                "dataset with the same `negatives`."
            )
        batch, rows = u.shape[0], negative_ids.shape[0]
        if batch is not None and rows is not None and (rows == 0 or batch % rows):
            raise InvalidInputError(
                f"{type(self).__name__}: the rows of negative ids ({rows}) must "
                f"divide the batch ({batch}): each row serves batch // rows "
                f"examples. Received: negative ids of shape "
                f"{tuple(negative_ids.shape)} for a batch of {batch}"
            )
        # Row r of `negative_ids` serves `batch // rows` consecutive examples
        # (one row per example is word2vec; fewer rows share draws).
        n = self.context_embedding(negative_ids)  # (rows, k, dim)
        rows = ops.shape(negative_ids)[0]
        grouped = ops.reshape(u, (rows, -1, self.embedding_dim))  # (rows, g, dim)
        scores = ops.matmul(grouped, ops.transpose(n, (0, 2, 1)))  # (rows, g, k)
        scores = ops.reshape(scores, (-1, self.negatives))  # (batch, k)
        return float32_outputs(ops.concatenate([logits, scores], axis=-1))

    def compile(
        self,
        optimizer=None,
        loss=None,
        metrics=None,
        learning_rate=0.025,
        decay_steps=None,
        weighted_metrics=None,
        **kwargs,
    ):
        """`compile` with word2vec's defaults.

        Args:
            optimizer: None for SGD at `learning_rate`, decaying linearly to
                `learning_rate * 1e-4` over `decay_steps` when given (set it
                to `epochs * dataset.cardinality()`); or any Keras optimizer.
            loss: None for `NegativeSamplingLoss()` (summed over the batch).
            metrics: passed on.
            learning_rate: float, word2vec's `alpha` (0.025), used when
                `optimizer` is None.
            decay_steps: int or None, the training steps of the linear decay.
            weighted_metrics: None adds `pair_loss`, the mean loss of one
                example (padding examples, of weight 0, left out).
            **kwargs: passed to `keras.Model.compile`. Defaults here:
                `jit_compile=True` under TensorFlow; `steps_per_execution=16`
                under TensorFlow and JAX, 1 under PyTorch (the only value
                Keras' PyTorch trainer accepts); inside a `tf.distribute`
                scope, no XLA and 1 step per call (`distribute.strategy`).

        Raises:
            InvalidInputError: `steps_per_execution > 1` on the PyTorch
                backend.
        """
        if optimizer is None:
            rate = learning_rate
            if decay_steps is not None:
                rate = keras.optimizers.schedules.PolynomialDecay(
                    learning_rate,
                    positive_int("decay_steps", decay_steps),
                    end_learning_rate=learning_rate * 1e-4,
                    power=1.0,
                )
            optimizer = keras.optimizers.SGD(learning_rate=rate)
        if loss is None:
            loss = NegativeSamplingLoss()
        if weighted_metrics is None:
            weighted_metrics = [
                keras.metrics.MeanMetricWrapper(
                    negative_sampling_loss, name="pair_loss"
                )
            ]
        # Keras' "auto" turns XLA off on machines without a GPU; the fused
        # gather-score-scatter step is about twice as fast with it on a CPU.
        # Not inside a tf.distribute scope, where XLA cannot reach the
        # replicas' variables (keras-team/keras#19005; "auto" agrees there).
        if (
            "jit_compile" not in kwargs
            and keras.backend.backend() == "tensorflow"
            and not _in_tf_distribute()
        ):
            kwargs["jit_compile"] = True
        # A step takes a few milliseconds: run 16 per call, not one per
        # Python round trip (callbacks then see every 16th batch). Keras'
        # PyTorch trainer runs exactly one step per call.
        kwargs.setdefault("steps_per_execution", default_steps_per_execution())
        check_steps_per_execution(kwargs["steps_per_execution"])
        super().compile(
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            weighted_metrics=weighted_metrics,
            **kwargs,
        )

    def compile_from_config(self, config):
        # A model saved under TensorFlow or JAX runs 16 steps per call; loaded
        # under PyTorch, it runs the one step per call PyTorch can.
        if keras.backend.backend() == "torch" and "steps_per_execution" in config:
            config = dict(config, steps_per_execution=1)
        if _in_tf_distribute():  # loaded under a strategy: see `compile`
            config = dict(config, steps_per_execution=1, jit_compile=False)
        super().compile_from_config(config)

    def _build_for_embeddings(self):
        self.build(None)

    def _embedding_tables(self):
        # word2vec's input vectors (the ones it keeps) and output vectors.
        return self.target_embedding.embeddings, self.context_embedding.embeddings

    def build(self, input_shape=None):
        # The tables do not depend on the input shapes.
        self._check_dtype()
        build_embedding(self.target_embedding)  # large tables: in place
        build_embedding(self.context_embedding)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "negatives": self.negatives,
            "vocabulary": self.vocabulary,
        }


def _unpack(inputs, name, first):
    if isinstance(inputs, dict) or not isinstance(inputs, (list, tuple)):
        raise InvalidInputError(
            f"{name} takes a tuple `({first}, positive_ids)` or `({first}, "
            f"positive_ids, negative_ids)`. Received: {type(inputs).__name__}"
        )
    if len(inputs) == 2:
        return inputs[0], inputs[1], None
    if len(inputs) == 3:
        return tuple(inputs)
    raise InvalidInputError(
        f"{name} takes 2 or 3 inputs ({first}, positive ids, negative ids). "
        f"Received {len(inputs)}."
    )


@keras.saving.register_keras_serializable(package="keras_embeddings")
class SkipGram(_Word2Vec):
    """Skip-gram with negative sampling: a word's vector predicts its neighbours.

    Mikolov et al., 2013. The logit of a (target, context) pair is
    `target_embedding[target] . context_embedding[context]`; each pair is
    scored against its context word and `negatives` negative words.

    Args:
        vocabulary_size: int, number of ids including the padding id 0.
        embedding_dim: int, size of each word vector (gensim's `vector_size`).
        negatives: int, negative words per pair (gensim's `negative`); 0 for
            a model that scores labelled pairs only (Keras 2 `skipgrams`).
        vocabulary: list of `vocabulary_size` str or None, the word of each
            id, `vocabulary[0]` the padding entry (`get_vocabulary()`, used
            by export).
        **kwargs: base `Model` arguments (`name`, `dtype`).

    Word vectors (`get_embeddings(source)`): `"input"` (default,
    word2vec's vectors, `target_embedding`), `"output"`
    (`context_embedding`) or `"average"` of both; row `padding_id` = 0 is
    padding.

    Input shape:
        A tuple `(target_ids, context_ids, negative_ids)` of int tensors
        `(batch,)`, `(batch,)` and `(rows, negatives)`, `rows` dividing
        `batch`: row `r` holds the negatives of examples
        `r * g .. (r + 1) * g - 1`, `g = batch // rows` (`rows = batch` is
        word2vec's fresh draw per pair). Or `(target_ids, context_ids)` alone.

    Output shape:
        Logits `(batch, 1 + negatives)`: the context word's, then the
        negatives'. `(batch, 1)` without negative ids.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import SkipGram
    >>> model = SkipGram(vocabulary_size=50, embedding_dim=8, negatives=2)
    >>> model.compile(jit_compile=False)
    >>> target, context = np.array([3, 4]), np.array([4, 3])
    >>> negative_ids = np.array([[7, 9], [11, 2]])
    >>> labels = np.array([[1.0, 0.0, 0.0]] * 2)
    >>> tuple(model((target, context, negative_ids)).shape)
    (2, 3)
    >>> _ = model.fit((target, context, negative_ids), labels, verbose=0)
    >>> model.get_embeddings("average").shape
    (50, 8)
    ```
    """

    _id_inputs = ("target ids", "context ids", "negative ids")

    def call(self, inputs):
        target, context, negative_ids = _unpack(inputs, "SkipGram", "target_ids")
        self._check_ids(target, "the target ids", 1, "(batch,)")
        u = self.target_embedding(target)  # (batch, dim)
        return self._score(u, context, negative_ids)


@keras.saving.register_keras_serializable(package="keras_embeddings")
class CBOWNegativeSampling(_Word2Vec):
    """CBOW with negative sampling: the mean context vector predicts the center.

    Mikolov et al., 2013 (gensim's `sg=0, cbow_mean=1`): `u` is the mean of
    `target_embedding` over the non-zero context ids, scored against the
    center word's `context_embedding` row and `negatives` negative rows.
    Training adds the whole error `dL/du` to every context word, as
    word2vec.c and gensim do (a mean's gradient would pass `1 / count`).
    Unlike the notebook's `CBOW` (softmax over the vocabulary, a hidden
    ReLU layer), nothing here grows with the vocabulary.

    Args:
        vocabulary_size: int, number of ids including the padding id 0.
        embedding_dim: int, size of each word vector.
        negatives: int, negative words per center word.
        vocabulary: list of `vocabulary_size` str or None, as for `SkipGram`.
        **kwargs: base `Model` arguments (`name`, `dtype`).

    Word vectors: as for `SkipGram`.

    Input shape:
        A tuple `(context_ids, center_ids, negative_ids)`: int tensors
        `(batch, 2 * window)` padded with 0, `(batch,)` and
        `(rows, negatives)` as for `SkipGram`.

    Output shape:
        Logits `(batch, 1 + negatives)`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import CBOWNegativeSampling
    >>> model = CBOWNegativeSampling(vocabulary_size=50, embedding_dim=8,
    ...                              negatives=2)
    >>> model.compile(jit_compile=False)
    >>> context = np.array([[2, 4, 0, 0], [3, 5, 6, 7]])  # padded with 0
    >>> center, negative_ids = np.array([3, 4]), np.array([[7, 9], [11, 2]])
    >>> _ = model.fit((context, center, negative_ids),
    ...               np.array([[1.0, 0, 0]] * 2), verbose=0)
    >>> model.get_embeddings().shape, model.padding_id
    ((50, 8), 0)
    ```
    """

    _id_inputs = ("context ids", "center ids", "negative ids")

    def call(self, inputs):
        context, center, negative_ids = _unpack(
            inputs, "CBOWNegativeSampling", "context_ids"
        )
        self._check_ids(context, "the context ids", 2, "(batch, 2 * window)")
        vectors = self.target_embedding(context)  # (batch, window, dim)
        mask = ops.cast(ops.not_equal(context, 0), vectors.dtype)  # (batch, window)
        count = ops.maximum(ops.sum(mask, axis=1, keepdims=True), 1.0)
        total = ops.sum(vectors * mask[..., None], axis=1)  # (batch, dim)
        # The mean forward; backward, each context word gets the whole error
        # dL/du, as word2vec.c and gensim (cbow_mean=1) update them.
        u = total - ops.stop_gradient(total - total / count)  # (batch, dim)
        return self._score(u, center, negative_ids)
