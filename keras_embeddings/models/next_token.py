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
import numpy as np
from keras import layers, ops

from keras_embeddings.errors import InvalidInputError, MissingInputError

_SAMPLERS = {
    "greedy": "GreedySampler",
    "top_k": "TopKSampler",
    "top_p": "TopPSampler",
    "random": "RandomSampler",
    "beam": "BeamSampler",
}


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInputError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return int(value)


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NextTokenModel(keras.Model):
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
        self.vocabulary_size = _positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = _positive_int("embedding_dim", embedding_dim)
        self.lstm_units = _positive_int("lstm_units", lstm_units)
        if not 0 <= dropout < 1:
            raise InvalidInputError(
                f"`dropout` must be in [0, 1). Received: dropout={dropout!r}"
            )
        self.dropout_rate = float(dropout)
        self.sequence_length = (
            None
            if sequence_length is None
            else _positive_int("sequence_length", sequence_length)
        )
        if vocabulary is not None:
            vocabulary = [str(word) for word in vocabulary]
            if len(vocabulary) != self.vocabulary_size:
                raise InvalidInputError(
                    f"`vocabulary` must have one word per id ({self.vocabulary_size},"
                    f" padding first). Received {len(vocabulary)} words."
                )
        if oov_token is not None and (
            vocabulary is None or oov_token not in vocabulary
        ):
            raise InvalidInputError(
                f"`oov_token` {oov_token!r} must be a word of `vocabulary`."
            )
        self.vocabulary = vocabulary
        self.oov_token = oov_token
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

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """`compile` with the right defaults: sparse cross-entropy from logits,
        accuracy and perplexity (keras-hub's `Perplexity`)."""
        import keras_hub

        if loss is None:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if metrics is None:
            metrics = [
                keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
                keras_hub.metrics.Perplexity(from_logits=True, name="perplexity"),
            ]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def compile_from_config(self, config):
        # Keras skips this for models that override `compile`; ours only adds
        # defaults, so restoring the saved arguments is safe.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

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

    # ------------------------------------------------------------ generation

    def _prompt_ids(self, prompt):
        if isinstance(prompt, str):
            if self.vocabulary is None:
                raise InvalidInputError(
                    "This model has no `vocabulary`, so it cannot read a text "
                    "prompt. Pass a list of ids, or build the model with "
                    "`vocabulary=`."
                )
            from keras_embeddings.text import text_to_word_sequence

            index = {word: i for i, word in enumerate(self.vocabulary) if i > 0}
            oov = index.get(self.oov_token)
            ids = [index.get(word, oov) for word in text_to_word_sequence(prompt)]
            ids = [i for i in ids if i is not None]
            if all(i == oov for i in ids):
                ids = []  # only unknown words: nothing to condition on
        else:
            ids = [int(i) for i in np.asarray(prompt).reshape(-1)]
            if any(i < 1 or i >= self.vocabulary_size for i in ids):
                raise InvalidInputError(
                    f"`prompt` ids must be in [1, {self.vocabulary_size}). "
                    f"Received: {ids}"
                )
        if not ids:
            raise InvalidInputError(
                f"`prompt` {prompt!r} has no word the model knows. "
                "Use words from the training corpus."
            )
        return ids

    def _sampler(self, sampler, temperature, seed, sampler_kwargs):
        import keras_hub

        if not isinstance(sampler, str):
            return sampler
        if sampler not in _SAMPLERS:
            raise InvalidInputError(
                f"`sampler` must be one of {sorted(_SAMPLERS)} or a "
                f"keras_hub.samplers.Sampler. Received: sampler={sampler!r}"
            )
        kwargs = dict(sampler_kwargs, temperature=temperature)
        if sampler in ("top_k", "top_p", "random"):
            kwargs["seed"] = seed
        return getattr(keras_hub.samplers, _SAMPLERS[sampler])(**kwargs)

    def generate(
        self, prompt, num_words=10, sampler="greedy", temperature=1.0, seed=None,
        **sampler_kwargs,
    ):  # fmt: skip
        """Continue `prompt` by `num_words` words with a keras-hub sampler.

        Args:
            prompt: str (needs `vocabulary`) or list of int ids.
            num_words: int, how many words to add.
            sampler: `"greedy"`, `"top_k"`, `"top_p"`, `"random"`, `"beam"`,
                or a `keras_hub.samplers.Sampler`.
            temperature: float, divides the logits before the softmax.
            seed: int or None, for the random samplers.
            **sampler_kwargs: e.g. `k=5` (top_k), `p=0.9` (top_p),
                `num_beams=3` (beam).

        Returns:
            str (prompt words and continuation) for a text prompt and a
            model with `vocabulary`, else a list of ids.
        """
        num_words = _positive_int("num_words", num_words)
        ids = self._prompt_ids(prompt)
        sampler = self._sampler(sampler, temperature, seed, sampler_kwargs)
        length = self.sequence_length or len(ids) + num_words
        banned = [0]
        if self.oov_token is not None:
            banned.append(self.vocabulary.index(self.oov_token))
        ban = np.zeros(self.vocabulary_size, "float32")
        ban[banned] = -1e9  # padding and OOV are never generated

        def next_logits(tokens, cache, index):
            # The `length` ids before `index`, right-padded like training data.
            n = ops.minimum(index, length)
            offsets = ops.arange(length)
            positions = ops.minimum(index - n + offsets, index - 1)
            context = ops.take(tokens, positions, axis=1)
            context = ops.where(offsets[None, :] < n, context, 0)
            return self(context, training=False) + ban, None, cache

        buffer = np.zeros((1, len(ids) + num_words), "int32")
        buffer[0, : len(ids)] = ids
        out = sampler(next_logits, ops.convert_to_tensor(buffer), index=len(ids))
        out = [int(i) for i in ops.convert_to_numpy(out)[0]]
        if isinstance(prompt, str) and self.vocabulary is not None:
            return " ".join(self.vocabulary[i] for i in out)
        return out


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
