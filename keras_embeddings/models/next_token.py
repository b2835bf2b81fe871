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

Taught in `tutorials/04_next_token_lstm.py`.
"""

import os

import keras
from keras import layers, ops

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.models._generation import (
    NextTokenLanguageModelMixin,
    check_dropout,
    check_vocabulary,
    positive_int,
)


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NextTokenModel(NextTokenLanguageModelMixin, keras.Model):
    """Predict the next word from the words before it: Embedding -> LSTM -> logits.

    The embedding table learned for this task is the lecture's word
    embedding (`get_embeddings()`); `generate()` continues a prompt with
    keras-hub's samplers.

    Args:
        vocabulary_size: int, number of ids including the padding id 0.
        embedding_dim: int, size of each word vector.
        lstm_units: int, size of the LSTM state.
        dropout: float in [0, 1), dropout on the LSTM output while training.
        sequence_length: int or None, the longest context the model reads
            (`generate()` keeps that many previous words).
        vocabulary: list of str or None, `vocabulary[i]` is the word of id `i`
            (`vocabulary[0]` is the padding entry); needed for text prompts.
        oov_token: str or None, the out-of-vocabulary word in `vocabulary`;
            never generated.

    Input shape:
        int tensor `(batch, sequence_length)`, 0 = padding (right padding).

    Output shape:
        `(batch, vocabulary_size)` logits of the next id.

    Example:

    ```python
    model = NextTokenModel(vocabulary_size=50, embedding_dim=8, lstm_units=16)
    model.compile()  # sparse cross-entropy from logits, accuracy, perplexity
    x = np.array([[3, 4, 5, 0], [6, 7, 0, 0]])
    model.fit(x, np.array([6, 8]), epochs=1, verbose=0)
    model.get_embeddings().shape  # (50, 8)
    ```
    """

    def __init__(
        self,
        vocabulary_size,
        embedding_dim=64,
        lstm_units=128,
        dropout=0.0,
        sequence_length=None,
        vocabulary=None,
        oov_token=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.lstm_units = positive_int("lstm_units", lstm_units)
        self.dropout_rate = check_dropout(dropout)
        self.sequence_length = (
            None
            if sequence_length is None
            else positive_int("sequence_length", sequence_length)
        )
        self.vocabulary, self.oov_token = check_vocabulary(
            vocabulary, oov_token, self.vocabulary_size
        )
        self.embedding = layers.Embedding(
            self.vocabulary_size, self.embedding_dim, mask_zero=True, name="embedding"
        )
        self.lstm = layers.LSTM(self.lstm_units, name="lstm")
        self.dropout = layers.Dropout(self.dropout_rate, name="dropout")
        self.logits = layers.Dense(self.vocabulary_size, name="logits")

    def call(self, inputs, training=False):
        x = self.embedding(inputs)  # (batch, length, embedding_dim)
        mask = self.embedding.compute_mask(inputs)  # (batch, length)
        x = self.lstm(x, mask=mask, training=training)  # (batch, lstm_units)
        x = self.dropout(x, training=training)
        return self.logits(x)  # (batch, vocabulary_size)

    def get_embeddings(self):
        """The embedding table, `(vocabulary_size, embedding_dim)`; row 0 is padding."""
        return ops.convert_to_numpy(self.embedding.embeddings)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "lstm_units": self.lstm_units,
            "dropout": self.dropout_rate,
            "sequence_length": self.sequence_length,
            "vocabulary": self.vocabulary,
            "oov_token": self.oov_token,
        }


def load_model(path):
    """Load a `.keras` model file safely (`safe_mode=True`), with clear errors.

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
