"""GloVe: word vectors fitted to log co-occurrence counts (Pennington et al. 2014).

The CSC321 lab's simplified GloVe, as a Keras model trained with
`model.fit`. Each word `i` has a vector `w_i` and a bias `b_i` for when it
comes first in a pair, and `w~_j`, `b~_j` for when it comes second; the model
scores a pair `(i, j)` as `w_i . w~_j + b_i + b~_j` and is fitted to
`log X_ij` by least squares:

    L = sum_ij (w_i . w~_j + b_i + b~_j - log X_ij)^2

The symmetric model ties the two sides (`W~ = W`, `b~ = b`). Unlike
Pennington et al., the lab fits every entry of the smoothed matrix
`log(X + 0.5)` with equal weight; their weighting `f(X_ij)` is
`model.fit(pairs, values, sample_weight=f(X_ij))` here.

Two ways to feed the matrix, same loss:

- pairs: `x` of shape `(n, 2)` holding `(i, j)`, `y` the `n` values
  `log X_ij` (`datasets.cooccurrence_pairs`). The general form: any subset
  of entries (e.g. only the non-zero counts of a large sparse matrix),
  mini-batches, per-entry `sample_weight`.
- rows: `x` word ids of shape `(n,)`, `y` their rows of the matrix,
  `(n, V)`. Each step scores whole rows with one matrix product
  `W[i] @ W~.T`, which for a small dense matrix is far faster than
  gathering `V * V` pairs (one full-batch step at `d = 256`, `V = 250`:
  a few milliseconds instead of about 0.4 s on a 2-core CPU). `x = np.arange(V)`,
  `y = log_x`, `batch_size=V` is the lab's full-batch training.

Taught in `tutorials/07_glove.py`.
"""

import warnings

import keras
from keras import ops

from keras_embeddings._deprecation import no_other_arguments, renamed
from keras_embeddings._precision import (
    check_float64_supported,
    use_exact_loss_tracker,
)
from keras_embeddings._validation import boolean, positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._compile import CompileDefaultsMixin
from keras_embeddings.models._contract import (
    SOURCES,
    EmbeddingModelMixin,
    check_vocabulary,
)
from keras_embeddings.models._mixed_precision import float32_outputs
from keras_embeddings.models.losses import (  # its old import path
    SumSquaredError as SumSquaredError,
)

__all__ = ["GloVe"]

# `get_embeddings(vectors=...)`'s former values.
_OLD_SOURCES = {"w": "input", "w_tilde": "output", "mean": "average"}


@keras.saving.register_keras_serializable(package="keras_embeddings")
class GloVe(EmbeddingModelMixin, CompileDefaultsMixin, keras.Model):
    """GloVe word vectors: scores `w_i . w~_j + b_i + b~_j` fitted to `log X_ij`.

    The model reads pairs of word ids `(i, j)` and predicts the log
    co-occurrence `log X_ij`, or reads word ids `i` and predicts their whole
    rows `log X_i:`; `compile()` alone gives the lab's loss,
    `SumSquaredError`, the *sum* (not the mean) of squared errors over the
    batch. Trained on the whole matrix in one batch, the logged `loss` is
    the lab's `loss_GLoVE` exactly, and plain SGD with the lab's learning
    rate `0.05 / V` is its full-batch gradient descent, step for step (the
    logged `loss` is the value before each step, `val_loss` the one after).
    Mini-batches work too (stochastic gradient descent on the same loss),
    but then the logged values are averages of batch sums, not `L`.
    For the lab's float64 arithmetic, call
    `keras.config.set_floatx("float64")` before creating the model (Keras
    computes compiled losses in `floatx`). On the JAX backend also turn on
    JAX's 64-bit mode first (`jax.config.update("jax_enable_x64", True)` or
    `JAX_ENABLE_X64=1`): without it JAX computes in float32, and `GloVe`
    raises `InvalidInputError` rather than silently lose the precision.

    Args:
        vocabulary_size: int, `V`, the number of words (ids `0..V-1`; no
            padding id).
        embedding_dim: int, `d`, the size of each word vector.
        symmetric: bool, tie the two sides: one vector and one bias per
            word, `L = sum_ij (w_i . w_j + b_i + b_j - log X_ij)^2`.
            `V * (d + 1)` parameters instead of `2 * V * (d + 1)`.
        embeddings_initializer: initializer of `W` (and `W~`); default the
            lab's normal with standard deviation 0.1.
        bias_initializer: initializer of `b` (and `b~`); default as above.
        vocabulary: list of `vocabulary_size` str or None, the word of each
            id (`get_vocabulary()`, used by export). GloVe has no padding
            id (`padding_id` is None): every row is a word.

    Word vectors (`get_embeddings(source)`): `"input"` (default, as the lab
    plots: `W`, each word's vector as the first word of a pair), `"output"`
    (`W~`, as the second word) or `"average"`, `(W + W~) / 2` (Pennington
    et al. use the sum, which has the same cosine neighbours). All three
    are `W` for a symmetric model. The former `get_embeddings(vectors="w" |
    "w_tilde" | "mean")` still works, with a `DeprecationWarning`.

    Input shape:
        int tensor `(batch, 2)`, the pairs `(i, j)`; or `(batch,)`, word
        ids `i` (rows).

    Output shape:
        `(batch, 1)`, the scores `w_i . w~_j + b_i + b~_j` of the pairs; or
        `(batch, vocabulary_size)`, the scores of `i` with every `j`.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.datasets import cooccurrence, cooccurrence_pairs
    >>> from keras_embeddings.models import GloVe
    >>> ngrams = np.random.default_rng(0).integers(0, 20, size=(500, 4))
    >>> log_x = cooccurrence(ngrams, 20, symmetric=False, delta_smoothing=0.5,
    ...                      log=True)
    >>> pairs, values = cooccurrence_pairs(log_x)
    >>> pairs.shape, values.shape
    ((400, 2), (400,))
    >>> model = GloVe(vocabulary_size=20, embedding_dim=4)
    >>> model.compile(optimizer=keras.optimizers.SGD(0.05 / 20))  # the lab's
    >>> _ = model.fit(pairs, values, batch_size=len(pairs), epochs=2, verbose=0)
    >>> # The same loss and steps, fed row by row (faster for a dense matrix):
    >>> _ = model.fit(np.arange(20), log_x, batch_size=20, epochs=2, verbose=0)
    >>> model.get_embeddings().shape
    (20, 4)
    ```
    """

    _embedding_sources = SOURCES
    _id_inputs = ("word ids",)

    def __init__(
        self,
        vocabulary_size,
        embedding_dim,
        symmetric=False,
        embeddings_initializer=None,
        bias_initializer=None,
        vocabulary=None,
        **kwargs,
    ):
        kwargs.setdefault("name", "glove")  # not Keras' automatic "glo_ve"
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.symmetric = boolean("symmetric", symmetric)
        self.vocabulary = check_vocabulary(vocabulary, self.vocabulary_size)
        default = {"class_name": "RandomNormal", "config": {"stddev": 0.1}}
        self.embeddings_initializer = keras.initializers.get(
            embeddings_initializer or default
        )
        self.bias_initializer = keras.initializers.get(bias_initializer or default)
        self.build((None, 2))

    def build(self, input_shape):
        self._check_dtype()
        size, dim = self.vocabulary_size, self.embedding_dim
        self.w = self.add_weight(
            shape=(size, dim), initializer=self.embeddings_initializer, name="w"
        )
        self.b = self.add_weight(
            shape=(size,), initializer=self.bias_initializer, name="b"
        )
        if self.symmetric:
            self.w_tilde, self.b_tilde = self.w, self.b
        else:
            self.w_tilde = self.add_weight(
                shape=(size, dim),
                initializer=self.embeddings_initializer,
                name="w_tilde",
            )
            self.b_tilde = self.add_weight(
                shape=(size,), initializer=self.bias_initializer, name="b_tilde"
            )
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        if len(shape) not in (1, 2) or (len(shape) == 2 and shape[1] not in (None, 2)):
            raise InvalidInputError(
                "GloVe reads pairs of ids (batch, 2) or word ids (batch,). "
                f"Received: input shape {shape}"
            )
        inputs = ops.cast(inputs, "int32")
        if len(inputs.shape) == 1:  # rows: word ids i
            w_i = ops.take(self.w, inputs, axis=0)  # (batch, embedding_dim)
            # W[i] @ W~.T. Not ops.matmul: on PyTorch it multiplies float64
            # in float32 (Keras' type promotion maps float64 to float32 off
            # TensorFlow); einsum keeps the dtype on every backend.
            score = ops.einsum("bd,vd->bv", w_i, self.w_tilde)  # (batch, V)
            score = score + ops.take(self.b, inputs)[:, None] + self.b_tilde[None, :]
            return float32_outputs(score)  # (batch, V)
        first, second = inputs[:, 0], inputs[:, 1]  # (batch,) each
        w_i = ops.take(self.w, first, axis=0)  # (batch, embedding_dim)
        w_j = ops.take(self.w_tilde, second, axis=0)  # (batch, embedding_dim)
        score = ops.sum(w_i * w_j, axis=-1)  # (batch,)
        score = score + ops.take(self.b, first) + ops.take(self.b_tilde, second)
        return float32_outputs(score[:, None])  # (batch, 1)

    def compute_output_shape(self, input_shape):
        if len(input_shape) == 1:
            return (input_shape[0], self.vocabulary_size)
        return (input_shape[0], 1)

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """`compile` with the lab's loss, `SumSquaredError` (sum over the batch).

        The loss computes in `keras.config.floatx()`; float64 on the JAX
        backend needs JAX's 64-bit mode (see the class docstring)."""
        check_float64_supported(keras.config.floatx(), "GloVe.compile (floatx)")
        if loss is None:
            loss = SumSquaredError()
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)
        use_exact_loss_tracker(self)  # logs a float64 loss as float64

    def _build_for_embeddings(self):
        self.build((None, 2))

    def _embedding_tables(self):
        return self.w, self.w_tilde

    def get_embeddings(self, source="input", **kwargs):
        """The word vectors, `(vocabulary_size, embedding_dim)`; row `i` is word `i`.

        Args:
            source: `"input"` (default): `W`; `"output"`: `W~`; `"average"`:
                `(W + W~) / 2` (see the class docstring). The former
                `vectors=` keyword and its values `"w"`, `"w_tilde"`,
                `"mean"` still work, with a `DeprecationWarning`.
        """
        source = renamed(
            kwargs, "vectors", "source", source, "input", "GloVe.get_embeddings"
        )
        no_other_arguments(kwargs, "GloVe.get_embeddings")
        if isinstance(source, str) and source in _OLD_SOURCES:
            warnings.warn(
                f"`GloVe.get_embeddings({source!r})` is deprecated; use "
                f"`source={_OLD_SOURCES[source]!r}` instead.",
                DeprecationWarning,
                stacklevel=2,
            )
            source = _OLD_SOURCES[source]
        return super().get_embeddings(source)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "symmetric": self.symmetric,
            "embeddings_initializer": keras.initializers.serialize(
                self.embeddings_initializer
            ),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "vocabulary": self.vocabulary,
        }
