"""Bengio et al.'s (2003) neural n-gram language model, and its masked variant.

The CSC321 "Learning Distributed Word Representations" network: the
embeddings of `sequence_length` words are concatenated, go through one hidden
layer (logistic in the assignment) and a softmax over the vocabulary.

- `masked=False` (the next-word model): reads 3 words, predicts the 4th;
  logits `(batch, vocabulary_size)`, targets are word ids `(batch,)`. Every
  id is a word (the data's 0-based ids of 250 words): `padding_id` is None.
- `masked=True` (the masked model): reads all `sequence_length` words with
  some replaced by `[MASK]` (id 0) and predicts, at every position, the word
  that stood there: logits `(batch, sequence_length, vocabulary_size)`, the
  assignment's output layer of `sequence_length * V` units with a softmax per
  block of `V`. Id 0 is `[MASK]`, not a word (the data's vocabulary is
  `["[MASK]"] + words`, ids 1-based): `padding_id` is 0, so export leaves
  its row out. Only masked positions count in the loss, as in the
  assignment. The mask reaches the loss through the targets: they are the
  assignment's `target_batch_masked = input_batch * mask`, shape
  `(batch, sequence_length)`, holding the true id at each masked position and
  0 elsewhere, and the loss is sparse cross-entropy with `ignore_class=0`
  (id 0 is `[MASK]`, never a word to predict). Its mean is over the masked
  positions, so with one mask per row it is the assignment's cross-entropy
  per example. `datasets.mask_inputs` makes such pairs,
  `datasets.sample_input_mask` draws the assignment's masks and
  `datasets.masked_dataset` re-masks a fresh random position every epoch
  (all three also importable from here and from `models`). The masked
  accuracy is `models.metrics.MaskedSparseCategoricalAccuracy`.

`set_classic_params` / `get_classic_params` read and write the assignment's
parameter dict (`word_embedding_weights`, `embed_to_hid_weights`,
`hid_to_output_weights`, `hid_bias`, `output_bias`), so its partially
trained `.pk` models (via `datasets.load_classic_params`) run here unchanged.

Taught in `tutorials/08_neural_language_model.py`.
"""

import keras
from keras import layers, ops

from keras_embeddings._deprecation import renamed
from keras_embeddings._precision import affine
from keras_embeddings._validation import boolean, number, positive_int
from keras_embeddings.datasets.csc321 import CLASSIC_PARAM_NAMES
from keras_embeddings.datasets.masking import (  # their old import path
    mask_inputs as mask_inputs,
)
from keras_embeddings.datasets.masking import (
    masked_dataset as masked_dataset,
)
from keras_embeddings.datasets.masking import (
    sample_input_mask as sample_input_mask,
)
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._classic_params import ClassicParamsMixin
from keras_embeddings.models._compile import CompileDefaultsMixin
from keras_embeddings.models._contract import EmbeddingModelMixin, check_vocabulary
from keras_embeddings.models._initial_table import initial_table
from keras_embeddings.models._mixed_precision import float32_outputs
from keras_embeddings.models.metrics import (  # its old import path
    MaskedSparseCategoricalAccuracy as MaskedSparseCategoricalAccuracy,
)

__all__ = ["CLASSIC_PARAM_NAMES", "NGramLanguageModel"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NGramLanguageModel(
    EmbeddingModelMixin, ClassicParamsMixin, CompileDefaultsMixin, keras.Model
):
    """Neural n-gram language model (Bengio et al., 2003), next-word or masked.

    Each context word is looked up in one embedding table; the
    `sequence_length` vectors are concatenated, passed through a hidden layer
    (`hidden_activation`, logistic as in the CSC321 assignment) and an output
    layer of logits. With `masked=True` the model reads all words of a
    4-gram, some replaced by `[MASK]` (id 0), and predicts the word at every
    position; only the masked positions count in the loss (see the module
    docstring for how the targets carry the mask).

    `compile(optimizer=...)` alone sets the right loss (sparse cross-entropy
    from logits, `ignore_class=0` when masked) and metrics (accuracy and
    keras-hub's `Perplexity`, over the masked positions when masked).

    Args:
        vocabulary_size: int, number of word ids (for the masked model,
            including `[MASK]` at id 0).
        sequence_length: int, number of words the model reads (formerly
            `context_length`, still accepted with a `DeprecationWarning`).
        embedding_dim: int, size of each word vector.
        hidden_dim: int, size of the hidden layer (formerly `hidden_units`,
            still accepted with a `DeprecationWarning`).
        hidden_activation: str or callable, the hidden layer's activation
            (`"sigmoid"` is the assignment's logistic unit).
        masked: bool, the masked variant (one softmax per position).
        dropout: float in [0, 1), dropout on the hidden layer while training.
        initializer: None for Keras' defaults, or a Keras initializer used
            for the embedding table and both weight matrices (biases start at
            zero). The assignment's `init_wt=0.01` is
            `keras.initializers.RandomNormal(stddev=0.01)`.
        embeddings_initializer: the initial embedding table, overriding
            `initializer` for it: None (`initializer`, else Keras'
            `"uniform"`), a Keras initializer, or a pretrained matrix
            `(vocabulary_size, embedding_dim)` whose row `i` is id `i` (a
            NumPy array, `keras.initializers.Constant(matrix)` or a built
            `keras.layers.Embedding`, e.g. from `export.to_keras_embedding`
            with `padding_id=None`). A matrix is saved with the weights, not
            in `get_config()`.
        trainable_embeddings: bool, False freezes the table (pretrained
            vectors stay as given while the rest trains), True (default)
            fine-tunes it.
        vocabulary: list of `vocabulary_size` str or None, the word of each
            id (`get_vocabulary()`, used by export); for the masked model
            entry 0 is `"[MASK]"` (`load_csc321(...).vocabulary` fits both).
        **kwargs: base `Model` arguments (`name`, `dtype`).

    `padding_id` is 0 for the masked model (`[MASK]` is not a word) and
    None for the next-word model (every id is a word).

    Input shape:
        int tensor `(batch, sequence_length)` of word ids (0 = `[MASK]` when
        masked).

    float64 (`dtype="float64"`, as to reproduce the assignment's NumPy
    numbers) computes in float64 on every backend; on JAX it needs JAX's
    64-bit mode (`jax.config.update("jax_enable_x64", True)` or
    `JAX_ENABLE_X64=1`), without which the model raises `InvalidInputError`
    rather than silently compute in float32.

    Output shape:
        `(batch, vocabulary_size)` logits, or
        `(batch, sequence_length, vocabulary_size)` when masked.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.datasets import mask_inputs
    >>> from keras_embeddings.models import NGramLanguageModel
    >>> model = NGramLanguageModel(vocabulary_size=20, embedding_dim=4, hidden_dim=8)
    >>> model.compile(optimizer="adam")  # sparse CE from logits, accuracy, perplexity
    >>> x = np.array([[1, 2, 3], [4, 5, 6]])
    >>> _ = model.fit(x, np.array([4, 7]), epochs=1, verbose=0)
    >>> model.get_embeddings().shape, model.padding_id
    ((20, 4), None)
    >>> masked = NGramLanguageModel(20, sequence_length=4, masked=True,
    ...                             embedding_dim=4, hidden_dim=8)
    >>> inputs, targets = mask_inputs(np.array([[3, 4, 5, 6]]), [[0, 1, 0, 0]])
    >>> inputs, targets  # predict 4 at position 1
    (array([[3, 0, 5, 6]], dtype=int32), array([[0, 4, 0, 0]], dtype=int32))
    >>> masked.compile(optimizer="adam")
    >>> _ = masked.fit(inputs, targets, epochs=1, verbose=0)
    >>> tuple(masked(inputs).shape), masked.padding_id
    ((1, 4, 20), 0)
    ```
    """

    _id_inputs = ("word ids",)

    def __init__(
        self,
        vocabulary_size,
        sequence_length=3,
        embedding_dim=16,
        hidden_dim=128,
        hidden_activation="sigmoid",
        masked=False,
        dropout=0.0,
        initializer=None,
        vocabulary=None,
        embeddings_initializer=None,
        trainable_embeddings=True,
        **kwargs,
    ):
        owner = "NGramLanguageModel"
        sequence_length = renamed(
            kwargs, "context_length", "sequence_length", sequence_length, 3, owner
        )
        hidden_dim = renamed(
            kwargs, "hidden_units", "hidden_dim", hidden_dim, 128, owner
        )
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.sequence_length = positive_int("sequence_length", sequence_length)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.hidden_dim = positive_int("hidden_dim", hidden_dim)
        try:
            self.hidden_activation = keras.activations.get(hidden_activation)
        except ValueError:
            raise InvalidInputError(
                "`hidden_activation` must be a Keras activation name or a "
                f"callable. Received: hidden_activation={hidden_activation!r}"
            ) from None
        self.masked = boolean("masked", masked)
        self.padding_id = 0 if self.masked else None  # masked: 0 is [MASK]
        self.dropout_rate = number("dropout", dropout, 0, 1, high_open=True)
        self.initializer = (
            None if initializer is None else keras.initializers.get(initializer)
        )
        self.vocabulary = check_vocabulary(vocabulary, self.vocabulary_size)
        table, self._embeddings_initializer_config = initial_table(
            embeddings_initializer, self.vocabulary_size, self.embedding_dim
        )
        self.trainable_embeddings = boolean(
            "trainable_embeddings", trainable_embeddings
        )
        dtype = self.dtype_policy
        self._check_dtype()
        self.embedding = layers.Embedding(
            self.vocabulary_size,
            self.embedding_dim,
            embeddings_initializer=(
                self._weight_initializer("uniform")
                if embeddings_initializer is None
                else table
            ),
            trainable=self.trainable_embeddings,
            dtype=dtype,
            name="embedding",
        )
        self.hidden = layers.Dense(
            self.hidden_dim,
            activation=self.hidden_activation,
            kernel_initializer=self._weight_initializer("glorot_uniform"),
            dtype=dtype,
            name="hidden",
        )
        self.dropout = layers.Dropout(self.dropout_rate, dtype=dtype, name="dropout")
        outputs = self.vocabulary_size * (self.sequence_length if masked else 1)
        self.logits = layers.Dense(
            outputs,
            kernel_initializer=self._weight_initializer("glorot_uniform"),
            dtype=dtype,
            name="logits",
        )

    def _weight_initializer(self, default):
        if self.initializer is None:
            return default
        # A fresh copy per weight: an unseeded Keras initializer fixes its seed
        # when made, so one shared instance would repeat its draws.
        return type(self.initializer).from_config(self.initializer.get_config())

    @property
    def context_length(self):
        """Deprecated: `sequence_length`."""
        return self._deprecated_attribute("context_length", "sequence_length")

    @property
    def hidden_units(self):
        """Deprecated: `hidden_dim`."""
        return self._deprecated_attribute("hidden_units", "hidden_dim")

    def _check_input_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or input_shape[1] not in (None, self.sequence_length):
            raise InvalidInputError(
                f"NGramLanguageModel reads (batch, sequence_length="
                f"{self.sequence_length}) word ids. Received: input_shape="
                f"{input_shape}"
            )

    def build(self, input_shape):
        self._check_dtype()
        self._check_input_shape(input_shape)
        self.embedding.build(input_shape)
        self.hidden.build((None, self.sequence_length * self.embedding_dim))
        self.logits.build((None, self.hidden_dim))

    def call(self, inputs, training=False):
        self._check_input_shape(inputs.shape)
        x = self.embedding(inputs)  # (batch, sequence_length, embedding_dim)
        # Word i's vector fills columns i*D:(i+1)*D, as in the assignment. The
        # batch size stays: a longer row fails below instead of making rows.
        batch = ops.shape(x)[0]
        x = ops.reshape(x, (batch, self.sequence_length * self.embedding_dim))
        x = self.hidden_activation(affine(x, self.hidden))  # (batch, hidden_dim)
        x = self.dropout(x, training=training)
        x = affine(x, self.logits)  # (batch, V) or (batch, sequence_length * V)
        if self.masked:
            # Unit j + n*V scores word j at position n.
            x = ops.reshape(x, (batch, self.sequence_length, self.vocabulary_size))
        return float32_outputs(x)

    def compute_output_shape(self, input_shape):
        if self.masked:
            return (input_shape[0], self.sequence_length, self.vocabulary_size)
        return (input_shape[0], self.vocabulary_size)

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """`compile` with the right defaults: sparse cross-entropy from logits
        (masked: `ignore_class=0`, the mean over masked positions), accuracy
        and perplexity (keras-hub's `Perplexity`)."""
        import keras_hub

        mask_id = 0 if self.masked else None
        if loss is None:
            # A float64 model keeps its precision in the loss (gradient checks).
            dtype = "float64" if self.compute_dtype == "float64" else None
            loss = keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, ignore_class=mask_id, dtype=dtype
            )
        if metrics is None:
            accuracy = (
                MaskedSparseCategoricalAccuracy(mask_token_id=0, name="accuracy")
                if self.masked
                else keras.metrics.SparseCategoricalAccuracy(name="accuracy")
            )
            metrics = [
                accuracy,
                keras_hub.metrics.Perplexity(
                    from_logits=True, mask_token_id=mask_id, name="perplexity"
                ),
            ]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def _build_for_embeddings(self):
        self.build((None, self.sequence_length))

    def _embedding_tables(self):
        # Row i is word id i's vector; in the masked model row 0 is [MASK].
        return self.embedding.embeddings, None

    def _describe(self):
        return (
            f"vocabulary_size={self.vocabulary_size}, sequence_length="
            f"{self.sequence_length}, embedding_dim={self.embedding_dim}, "
            f"hidden_dim={self.hidden_dim}, masked={self.masked}"
        )

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "sequence_length": self.sequence_length,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
            "hidden_activation": keras.activations.serialize(self.hidden_activation),
            "masked": self.masked,
            "dropout": self.dropout_rate,
            "initializer": (
                None
                if self.initializer is None
                else keras.initializers.serialize(self.initializer)
            ),
            "vocabulary": self.vocabulary,
            "embeddings_initializer": self._embeddings_initializer_config,
            "trainable_embeddings": self.trainable_embeddings,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["hidden_activation"] = keras.activations.deserialize(
            config["hidden_activation"]
        )
        if config.get("initializer") is not None:
            config["initializer"] = keras.initializers.deserialize(
                config["initializer"]
            )
        return cls(**config)
