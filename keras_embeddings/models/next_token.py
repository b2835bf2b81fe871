"""The lecture's Embedding + LSTM next-token model, made right for Keras 3.

The lecture's model (`Embedding` -> `LSTM` -> `Dense(softmax)` trained on
one-hot targets with `categorical_crossentropy`) is kept, with four fixes:
integer targets and sparse cross-entropy from logits (no `to_categorical`,
whose targets need `examples * vocabulary_size` floats), a padding mask, the
`model.fit` line the lecture lost, and perplexity next to accuracy.

Padding and cuDNN: `Embedding(mask_zero=True)` masks id 0. Keras' LSTM uses
the fast cuDNN kernel on a GPU only for right-padded masks, and
`pad_sequences` pads on the left by default, so this package builds
right-padded contexts (`datasets.next_token_dataset`, and
`pad_sequences(..., padding="post")` in the tutorials). Masked steps carry
the LSTM state through unchanged, so left and right padding give the same
predictions; only the speed on a GPU differs.

The LSTM meets every condition of Keras' cuDNN kernel (Keras 3.15,
`keras.src.backend.tensorflow.rnn.cudnn_ok` and `LSTM.inner_loop`):
`activation="tanh"`, `recurrent_activation="sigmoid"`, `use_bias=True`,
`unroll=False`, `recurrent_dropout=0` and `use_cudnn="auto"` (all set
explicitly), and its masks are right-padded with at least one real word per
row (a fully masked row would fail cuDNN's mask check). On TensorFlow with a
GPU it then runs cuDNN (and `jit_compile` stays off: cuDNN ops are not XLA's);
JAX and PyTorch use cuDNN only for unmasked inputs, so with the padding mask
they run Keras' generic loop. `benchmarks/gpu.py` reports which kernel ran.

Mixed precision: `NextTokenModel(..., dtype="mixed_float16")` keeps float32
weights, computes in float16 and returns float32 logits (see `models`).

Taught in `tutorials/04_next_token_lstm.py`.
"""

import os

import keras
from keras import layers

from keras_embeddings._deprecation import renamed
from keras_embeddings._validation import (
    boolean,
    optional_positive_int,
    positive_int,
)
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.models._contract import EmbeddingModelMixin
from keras_embeddings.models._generation import (
    NextTokenLanguageModelMixin,
    check_dropout,
    check_vocabulary,
)
from keras_embeddings.models._initial_table import initial_table
from keras_embeddings.models._mixed_precision import float32_outputs

__all__ = ["NextTokenModel", "load_model"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NextTokenModel(EmbeddingModelMixin, NextTokenLanguageModelMixin, keras.Model):
    """Predict the next word from the words before it: Embedding -> LSTM -> logits.

    The embedding table learned for this task is the lecture's word
    embedding (`get_embeddings()`, row `padding_id` = 0 is padding);
    `generate()` continues a prompt with keras-hub's samplers.

    Args:
        vocabulary_size: int, number of ids including the padding id 0.
        embedding_dim: int, size of each word vector.
        hidden_dim: int, size of the LSTM state (formerly `lstm_units`,
            still accepted with a `DeprecationWarning`).
        dropout: float in [0, 1), dropout on the LSTM output while training.
        sequence_length: int or None, the longest context the model reads
            (`generate()` keeps that many previous words).
        vocabulary: list of str or None, `vocabulary[i]` is the word of id `i`
            (`vocabulary[0]` is the padding entry); needed for text prompts.
        oov_token: str or None, the out-of-vocabulary word in `vocabulary`;
            never generated.
        embeddings_initializer: the initial embedding table: None (Keras'
            `"uniform"`), a Keras initializer, or a pretrained matrix
            `(vocabulary_size, embedding_dim)` whose row `i` is id `i` (a
            NumPy array, `keras.initializers.Constant(matrix)` or a built
            `keras.layers.Embedding`, e.g. from `export.to_keras_embedding`).
            A matrix is saved with the weights, not in `get_config()`.
        trainable_embeddings: bool, False freezes the table (pretrained
            vectors stay as given while the rest trains), True (default)
            fine-tunes it.
        **kwargs: base `Model` arguments (`name`, `dtype`: e.g.
            `"mixed_float16"` or `"float64"`, used by every layer).

    Input shape:
        int tensor `(batch, sequence_length)`, 0 = padding (right padding).

    Output shape:
        `(batch, vocabulary_size)` logits of the next id (float32 under a
        mixed float16/bfloat16 policy).

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import NextTokenModel
    >>> words = ["", "the", "cat", "sat", "on", "mat"]
    >>> model = NextTokenModel(vocabulary_size=6, embedding_dim=8, hidden_dim=16,
    ...                        sequence_length=4, vocabulary=words)
    >>> model.compile()  # sparse cross-entropy from logits, accuracy, perplexity
    >>> x = np.array([[1, 2, 3, 0], [3, 4, 1, 0]])  # right-padded contexts
    >>> _ = model.fit(x, np.array([4, 5]), epochs=1, verbose=0)
    >>> model.get_embeddings().shape, model.padding_id
    ((6, 8), 0)
    >>> len(model.generate("the cat", num_words=2).split())
    4
    ```
    """

    padding_id = 0  # `Embedding(mask_zero=True)`: Tokenizer ids start at 1
    _id_inputs = ("context ids",)

    def __init__(
        self,
        vocabulary_size,
        embedding_dim=64,
        hidden_dim=128,
        dropout=0.0,
        sequence_length=None,
        vocabulary=None,
        oov_token=None,
        embeddings_initializer=None,
        trainable_embeddings=True,
        **kwargs,
    ):
        hidden_dim = renamed(
            kwargs, "lstm_units", "hidden_dim", hidden_dim, 128, "NextTokenModel"
        )
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.hidden_dim = positive_int("hidden_dim", hidden_dim)
        self.dropout_rate = check_dropout(dropout)
        self.sequence_length = optional_positive_int("sequence_length", sequence_length)
        self.vocabulary, self.oov_token = check_vocabulary(
            vocabulary, oov_token, self.vocabulary_size
        )
        initializer, self._embeddings_initializer_config = initial_table(
            embeddings_initializer, self.vocabulary_size, self.embedding_dim
        )
        self.trainable_embeddings = boolean(
            "trainable_embeddings", trainable_embeddings
        )
        self._check_dtype()
        policy = self.dtype_policy
        self.embedding = layers.Embedding(
            self.vocabulary_size,
            self.embedding_dim,
            embeddings_initializer=initializer,
            trainable=self.trainable_embeddings,
            mask_zero=True,
            dtype=policy,
            name="embedding",
        )
        # Keras' cuDNN conditions (`keras.src.backend.tensorflow.rnn.cudnn_ok`),
        # spelled out: see the module docstring.
        self.lstm = layers.LSTM(
            self.hidden_dim,
            activation="tanh",
            recurrent_activation="sigmoid",
            use_bias=True,
            recurrent_dropout=0.0,
            unroll=False,
            use_cudnn="auto",
            dtype=policy,
            name="lstm",
        )
        self.dropout = layers.Dropout(self.dropout_rate, dtype=policy, name="dropout")
        self.logits = layers.Dense(self.vocabulary_size, dtype=policy, name="logits")

    @property
    def lstm_units(self):
        """Deprecated: `hidden_dim`."""
        return self._deprecated_attribute("lstm_units", "hidden_dim")

    def build(self, input_shape):
        self._check_dtype()
        input_shape = tuple(input_shape)
        if len(input_shape) != 2:
            raise InvalidInputError(
                "NextTokenModel reads int ids (batch, sequence_length). "
                f"Received: input_shape={input_shape}"
            )
        self.embedding.build(input_shape)
        self.lstm.build((*input_shape, self.embedding_dim))
        self.dropout.build((input_shape[0], self.hidden_dim))
        self.logits.build((input_shape[0], self.hidden_dim))

    def call(self, inputs, training=False):
        x = self.embedding(inputs)  # (batch, length, embedding_dim)
        mask = self.embedding.compute_mask(inputs)  # (batch, length)
        x = self.lstm(x, mask=mask, training=training)  # (batch, hidden_dim)
        x = self.dropout(x, training=training)
        return float32_outputs(self.logits(x))  # (batch, vocabulary_size)

    def _build_for_embeddings(self):
        self.build((None, self.sequence_length))

    def _embedding_tables(self):
        return self.embedding.embeddings, None

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
            "dropout": self.dropout_rate,
            "sequence_length": self.sequence_length,
            "vocabulary": self.vocabulary,
            "oov_token": self.oov_token,
            "embeddings_initializer": self._embeddings_initializer_config,
            "trainable_embeddings": self.trainable_embeddings,
        }


def load_model(path):
    """Load a `.keras` model file safely (`safe_mode=True`), with clear errors.

    Example:

    ```python
    >>> from keras_embeddings.models import NextTokenModel, load_model
    >>> model = NextTokenModel(vocabulary_size=5, embedding_dim=2, hidden_dim=3)
    >>> model.build((None, 2))
    >>> model.save("model.keras")
    >>> type(load_model("model.keras")).__name__
    'NextTokenModel'
    ```

    Raises:
        MissingInputError: `path` does not exist.
        InvalidInputError: `path` is not a readable `.keras` model file.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise MissingInputError(
            f"Model file {path!r} does not exist. Pass the model.keras written by "
            "`keras-embeddings train`."
        )
    if not path.endswith(".keras"):
        raise InvalidInputError(
            f"Model file {path!r} must be a `.keras` file (Keras 3 format)."
        )
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as e:  # zipfile, h5py, JSON and Keras errors alike
        raise InvalidInputError(
            f"Model file {path!r} could not be loaded: it is corrupt or not a "
            f"Keras 3 model ({type(e).__name__}: {str(e)[:200]}). Train it again "
            "with `keras-embeddings train`."
        ) from None
