"""The CBOW notebook's continuous bag-of-words network as a Keras model.

The notebook ("Word Embeddings: Ungraded Practice Notebook", §3) predicts a
center word from the average `x̄` of its `2C` context words' one-hot vectors:

    z1 = W1 x̄ + b1        (1)      h = ReLU(z1)          (2)
    z2 = W2 h + b2         (3)      ŷ = softmax(z2)       (4)
    J  = -Σ_k y_k log ŷ_k  (6)

with `W1` of shape `(N, V)`, `W2` of shape `(V, N)`, `b1` `(N, 1)` and `b2`
`(V, 1)` (`V` words, embeddings of size `N`). `CBOW` computes the same thing
from the context ids, without one-hot vectors: an `Embedding(V, N)` table
`E = W1ᵀ` looks up the context words' columns of `W1`, `ContextAverage`
averages them (that average is `W1 x̄`), a bias `b1` and ReLU give `h`, and
`Dense(V)` (kernel `W2ᵀ`, bias `b2`) gives the logits `z2`. The softmax is
left to the loss (`SparseCategoricalCrossentropy(from_logits=True)`, the
numerically stable form of (4) + (6)) and targets are center-word ids, not
one-hot vectors (Mikolov et al. 2013, "Efficient Estimation of Word
Representations in Vector Space").

One step of plain gradient descent (`keras.optimizers.SGD`, the notebook's
(11)–(14)) on a batch of `m` examples moves each weight by `α` times the
mean gradient over the batch, the `1/m` of the lecture's batch formulas.
For `W2` and the biases those gradients are the notebook's (8) and (10).
The notebook's (7) and (9) pass the error that reaches the hidden layer
through ReLU, `ReLU(W2ᵀ(ŷ - y))`; the chain rule multiplies it by ReLU's
derivative instead, `W2ᵀ(ŷ - y) ⊙ 1[z1 > 0]`. The two agree only where an
active unit receives a positive error or an inactive unit a negative one
(on the notebook's own example they agree on no entry), and only the
second is the derivative of `J` (`gradcheck.check_gradients` confirms it).
`CBOW` trains with the chain rule; `backprop="notebook"` reproduces the
notebook's (7) and (9) exactly, to check its printed numbers.

NumPy computes in float64. To get the notebook's numbers to the last
digits, set `keras.config.set_floatx("float64")` and
`keras.config.set_dtype_policy("float64")` before building the model and
compiling it (the loss and SGD's learning rate follow floatx). On the JAX
backend also turn on JAX's 64-bit mode first
(`jax.config.update("jax_enable_x64", True)` or `JAX_ENABLE_X64=1`):
without it JAX computes in float32, and `CBOW` raises `InvalidInputError`
rather than silently lose the precision.

Word vectors come from `W1`'s columns (`get_embeddings("input")`), `W2`'s
rows (`"output"`) or their average (`"average"`), the notebook's §3.7.

Taught in `tutorials/05_cbow_step_by_step.py`.
"""

import keras
import numpy as np
from keras import layers, ops

from keras_embeddings._precision import (
    affine,
    check_float64_supported,
    use_exact_loss_tracker,
)
from keras_embeddings._validation import one_of, positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers.context_average import ContextAverage
from keras_embeddings.models._compile import CompileDefaultsMixin
from keras_embeddings.models._contract import (
    SOURCES,
    EmbeddingModelMixin,
    check_vocabulary,
)
from keras_embeddings.models._mixed_precision import float32_outputs
from keras_embeddings.models.losses import (  # its old import path
    MeanSparseCrossentropy as MeanSparseCrossentropy,
)

__all__ = ["CBOW", "NOTEBOOK_LEARNING_RATE"]

_BACKPROP = ("chain_rule", "notebook")
NOTEBOOK_LEARNING_RATE = 0.03  # the notebook's α (its W1_new = W1 - 0.03 grad_W1)


@ops.custom_gradient
def _notebook_relu(z):
    """ReLU forward; backward `ReLU(upstream)`, the notebook's (7) and (9).

    Not the derivative of ReLU (that is `upstream * 1[z > 0]`): this is the
    notebook's formula, kept to reproduce its printed numbers.
    """

    def grad(*args, upstream=None):
        if upstream is None:  # TensorFlow and JAX pass it positionally
            (upstream,) = args
        return ops.relu(upstream)

    return ops.relu(z), grad


@keras.saving.register_keras_serializable(package="keras_embeddings")
class CBOW(EmbeddingModelMixin, CompileDefaultsMixin, keras.Model):
    """Continuous bag of words: predict a word from the average of its context.

    The network of the CBOW notebook: `h = ReLU(W1 x̄ + b1)`,
    `ŷ = softmax(W2 h + b2)`, with `W1 x̄` computed as the average of the
    context words' rows of an `Embedding` table `E = W1ᵀ`. The model
    outputs the logits `z2`; `compile()` pairs them with cross-entropy.

    Ids and padding: as in the notebook, ids run from 0 to
    `vocabulary_size - 1` and every id is a word (the notebook's
    alphabetical `word2Ind`); every context has exactly `2 * window_size`
    words and nothing is masked. For ids from the package's `Tokenizer`,
    where 0 is padding, pass `padding_id=0`: contexts may then be padded
    with 0 (e.g. at the edge of a sentence), the average runs over the real
    words only (`ContextAverage`), an all-padding context gives `h =
    ReLU(b1)`, and the padding row of the table gets no gradient.

    Args:
        vocabulary_size: int, `V`, the number of ids (the notebook's
            `len(word2Ind)`).
        embedding_dim: int, `N`, the size of the word vectors and of the
            hidden layer.
        window_size: int, `C`, the context half-size: the model reads
            `2 * window_size` context ids.
        padding_id: int in `[0, vocabulary_size)` or None (default, the
            notebook's setting): the id that pads contexts and is left out
            of the average (`""` in `vocabulary`, and left out on export).
        backprop: `"chain_rule"` (default): `fit` follows the true
            gradient. `"notebook"`: the hidden layer's ReLU passes the error
            back through ReLU, as the notebook's (7) and (9) do; that is not
            the gradient of the loss, and serves only to reproduce the
            notebook's printed update.
        vocabulary: list of `vocabulary_size` str or None, the word of each
            id (`get_vocabulary()`, used by export).
        **kwargs: base `Model` arguments (`name`, `dtype`).

    Input shape:
        int tensor `(batch, 2 * window_size)`: the context ids.

    Output shape:
        `(batch, vocabulary_size)` logits `z2` of the center word.

    Word vectors (`get_embeddings(source)`): `"input"`, `W1`'s columns (the
    notebook's option 1); `"output"`, `W2`'s rows (option 2); `"average"`,
    `(W1ᵀ + W2) / 2`, the rows of the notebook's `W3` transposed (option 3,
    the one its assignment uses).

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import CBOW
    >>> words = ["am", "because", "happy", "i", "learning"]  # the notebook's
    >>> model = CBOW(vocabulary_size=5, embedding_dim=3, window_size=2,
    ...              vocabulary=words)
    >>> model.compile()  # SGD(0.03), sparse cross-entropy from logits, accuracy
    >>> x = np.array([[3, 0, 1, 3], [0, 2, 3, 0]])  # "i am because i", "am happy i am"
    >>> _ = model.fit(x, np.array([2, 1]), epochs=1, verbose=0)  # "happy", "because"
    >>> model.get_embeddings("average").shape
    (5, 3)
    ```
    """

    _embedding_sources = SOURCES
    _id_inputs = ("context ids",)

    def __init__(
        self,
        vocabulary_size,
        embedding_dim,
        window_size,
        padding_id=None,
        backprop="chain_rule",
        vocabulary=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.window_size = positive_int("window_size", window_size)
        self.padding_id = _padding_id(padding_id, self.vocabulary_size)
        self.backprop = one_of("backprop", backprop, _BACKPROP)
        self.vocabulary = check_vocabulary(vocabulary, self.vocabulary_size)
        policy = self.dtype_policy
        self._check_dtype()
        # E = W1ᵀ: row i is column i of the notebook's W1.
        self.embedding = layers.Embedding(
            self.vocabulary_size, self.embedding_dim, name="embedding", dtype=policy
        )
        self.context_average = ContextAverage(name="context_average", dtype=policy)
        # kernel = W2ᵀ (N, V), bias = b2.
        self.logits = layers.Dense(self.vocabulary_size, name="logits", dtype=policy)

    def _check_input_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or input_shape[-1] not in (None, 2 * self.window_size):
            raise InvalidInputError(
                f"CBOW reads 2 * window_size = {2 * self.window_size} context "
                "ids per example, shape (batch, 2 * window_size). Received: "
                f"input_shape={input_shape}"
            )

    def build(self, input_shape):
        self._check_dtype()
        self._check_input_shape(input_shape)
        self.embedding.build(input_shape)
        self.context_average.build((*input_shape, self.embedding_dim))
        self.hidden_bias = self.add_weight(  # b1
            name="hidden_bias", shape=(self.embedding_dim,), initializer="zeros"
        )
        self.logits.build((None, self.embedding_dim))

    def _forward(self, inputs):
        self._check_input_shape(inputs.shape)
        ids = ops.cast(inputs, "int32")
        vectors = self.embedding(ids)  # (batch, 2C, N): W1's columns of the words
        mask = None
        if self.padding_id is not None:
            mask = ops.not_equal(ids, self.padding_id)  # (batch, 2C)
        z1 = self.context_average(vectors, mask=mask) + self.hidden_bias  # (batch, N)
        relu = _notebook_relu if self.backprop == "notebook" else ops.relu
        h = relu(z1)  # (batch, N)
        z2 = affine(h, self.logits)  # (batch, V): h W2ᵀ + b2, float64 kept
        z2 = float32_outputs(z2)  # mixed precision: float16 logits -> float32
        return z1, h, z2

    def call(self, inputs):
        return self._forward(inputs)[2]  # (batch, V) logits z2

    def forward_pass(self, context_ids):
        """The notebook's forward propagation, (1)–(4), for a batch of contexts.

        Args:
            context_ids: int array `(batch, 2 * window_size)`.

        Returns:
            A dict of NumPy arrays: `"z1"` and `"h"` of shape
            `(batch, embedding_dim)`, `"z2"` and `"y_hat"` of shape
            `(batch, vocabulary_size)`. Row `j` is the transpose of the
            notebook's column vector for example `j`.
        """
        self._check_data(context_ids, "context_ids", "CBOW.forward_pass")
        z1, h, z2 = self._forward(ops.convert_to_tensor(np.asarray(context_ids)))
        y_hat = ops.softmax(z2, axis=-1)
        return {
            name: ops.convert_to_numpy(value)
            for name, value in (("z1", z1), ("h", h), ("z2", z2), ("y_hat", y_hat))
        }

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """`compile` with the notebook's defaults: plain gradient descent with
        `α = 0.03` (`keras.optimizers.SGD(0.03)`, no momentum: (11)–(14)),
        softmax + cross-entropy averaged over the batch on center-word ids
        (the notebook's (4) and (6)) as `MeanSparseCrossentropy()`, Keras'
        `SparseCategoricalCrossentropy(from_logits=True)` made to keep float64
        on every backend, and accuracy.

        The loss and SGD's learning rate compute in `keras.config.floatx()`;
        float64 on the JAX backend needs JAX's 64-bit mode (see the module
        docstring)."""
        check_float64_supported(keras.config.floatx(), "CBOW.compile (floatx)")
        if optimizer is None:
            optimizer = keras.optimizers.SGD(learning_rate=NOTEBOOK_LEARNING_RATE)
        if loss is None:
            loss = MeanSparseCrossentropy(from_logits=True)
        if metrics is None:
            metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)
        use_exact_loss_tracker(self)  # logs a float64 loss as float64

    def _ensure_built(self):
        if not self.built:
            self.build((None, 2 * self.window_size))

    def _build_for_embeddings(self):
        self._ensure_built()

    def _embedding_tables(self):
        # E = W1ᵀ (V, N) and W2 (V, N), the logits kernel transposed.
        return self.embedding.embeddings, ops.transpose(self.logits.kernel)

    def get_notebook_weights(self):
        """The weights in the notebook's shapes.

        Returns:
            A tuple `(W1, W2, b1, b2)` of NumPy arrays of shapes `(N, V)`,
            `(V, N)`, `(N, 1)`, `(V, 1)`.
        """
        self._ensure_built()
        table = ops.convert_to_numpy(self.embedding.embeddings)
        kernel = ops.convert_to_numpy(self.logits.kernel)
        b1 = ops.convert_to_numpy(self.hidden_bias)
        b2 = ops.convert_to_numpy(self.logits.bias)
        return table.T, kernel.T, b1[:, None], b2[:, None]

    def set_notebook_weights(self, W1, W2, b1, b2):
        """Set the weights from the notebook's matrices (builds the model if needed).

        Args:
            W1: array `(N, V)`; its columns become the embedding table's rows.
            W2: array `(V, N)`; the logits kernel becomes `W2ᵀ`.
            b1: array `(N, 1)` or `(N,)`.
            b2: array `(V, 1)` or `(V,)`.
        """
        n, v = self.embedding_dim, self.vocabulary_size
        W1 = self._checked("W1", W1, (n, v))
        W2 = self._checked("W2", W2, (v, n))
        b1 = self._checked("b1", b1, (n, 1), flat_ok=True)
        b2 = self._checked("b2", b2, (v, 1), flat_ok=True)
        self._ensure_built()
        self.embedding.embeddings.assign(W1.T)
        self.hidden_bias.assign(b1.reshape(-1))
        self.logits.kernel.assign(W2.T)
        self.logits.bias.assign(b2.reshape(-1))

    @staticmethod
    def _checked(name, value, shape, flat_ok=False):
        array = np.asarray(value, dtype="float64")
        if array.shape == shape or (flat_ok and array.shape == shape[:1]):
            return array
        expected = f"{shape} or {shape[:1]}" if flat_ok else f"{shape}"
        raise InvalidInputError(
            f"`{name}` must have shape {expected} (N = embedding_dim, "
            f"V = vocabulary_size). Received: an array of shape {array.shape}"
        )

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "window_size": self.window_size,
            "padding_id": self.padding_id,
            "backprop": self.backprop,
            "vocabulary": self.vocabulary,
        }


def _padding_id(padding_id, vocabulary_size):
    if padding_id is None:
        return None
    if (
        isinstance(padding_id, (bool, np.bool_))
        or not isinstance(padding_id, (int, np.integer))
        or not 0 <= padding_id < vocabulary_size
    ):
        raise InvalidInputError(
            f"`padding_id` must be None or an id in [0, {vocabulary_size}). "
            f"Received: padding_id={padding_id!r}"
        )
    return int(padding_id)
