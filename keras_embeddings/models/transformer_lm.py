"""A decoder-only transformer language model built from keras-hub pieces.

The lecture's transformer (Vaswani et al., 2017, "Attention Is All You
Need") with only its decoder half, as in GPT: token + learned position
embeddings (`keras_hub.layers.TokenAndPositionEmbedding`), `num_layers`
causal self-attention blocks (`keras_hub.layers.TransformerDecoder` called
without an encoder sequence), and logits over the vocabulary.

It is a drop-in replacement for the LSTM `NextTokenModel`: the same
right-padded contexts from `datasets.next_token_dataset`, one target per
window, `(batch, vocabulary_size)` logits of the next id, the same
`compile()` defaults and `generate()` samplers. The logits are read at the
last real (non-padding) token. Under the causal mask a token only attends
to itself and the tokens before it, so right padding never changes the real
tokens' vectors: a right-padded context predicts exactly what the unpadded
one does. Left padding, unlike for the LSTM, shifts every position and does
change the result; this package pads on the right. The padding mask
(`ids != 0`) goes to every block as `decoder_padding_mask` rather than
through `mask_zero=True` on the embedding: keras-hub's position embedding
and attention projections do not take Keras masks and warn when one
arrives.

The embedding table (`get_embeddings()`) gives a word one static vector;
the decoder blocks' outputs (`contextual_embeddings()`) give each
occurrence of a word its own vector, built from the words before it.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`; its LSTM
twin `NextTokenModel` in `tutorials/04_next_token_lstm.py`.
"""

import keras
import numpy as np
from keras import layers, ops

from keras_embeddings._validation import boolean, positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._contract import SOURCES, EmbeddingModelMixin
from keras_embeddings.models._generation import (
    NextTokenLanguageModelMixin,
    check_dropout,
    check_vocabulary,
    no_autograd,
)
from keras_embeddings.models._ids import check_ids
from keras_embeddings.models._initial_table import initial_table
from keras_embeddings.models._mixed_precision import float32_outputs

__all__ = ["TransformerLM"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class TransformerLM(EmbeddingModelMixin, NextTokenLanguageModelMixin, keras.Model):
    """Predict the next word with causal self-attention: a small GPT.

    Token + position embedding -> `num_layers` keras-hub
    `TransformerDecoder` blocks (causal mask, no cross-attention) -> the
    vector of the last real token -> logits over the vocabulary
    (Vaswani et al., 2017; Radford et al., 2018).

    Args:
        vocabulary_size: int, number of ids including the padding id 0.
        sequence_length: int, the longest context the model reads (the size
            of the position embedding; `generate()` keeps that many previous
            words).
        embedding_dim: int, size of each token vector (the model width).
        num_heads: int, attention heads per block; must divide
            `embedding_dim`.
        intermediate_dim: int, hidden size of each block's feed-forward
            network.
        num_layers: int, number of decoder blocks.
        dropout: float in [0, 1), dropout inside the blocks while training.
        tie_weights: bool, compute the logits with the transposed token
            embedding table instead of a separate `Dense` layer.
        vocabulary: list of str or None, `vocabulary[i]` is the word of id `i`
            (`vocabulary[0]` is the padding entry); needed for text prompts.
        oov_token: str or None, the out-of-vocabulary word in `vocabulary`;
            never generated.
        embeddings_initializer: the initial token embedding table: None
            (keras-hub's `"uniform"`), a Keras initializer, or a pretrained
            matrix `(vocabulary_size, embedding_dim)` whose row `i` is id `i`
            (a NumPy array, `keras.initializers.Constant(matrix)` or a built
            `keras.layers.Embedding`, e.g. from `export.to_keras_embedding`).
            The position embedding keeps its own initializer. A matrix is
            saved with the weights, not in `get_config()`.
        trainable_embeddings: bool, False freezes the token table (with
            `tie_weights=True`, the output layer too), True (default)
            fine-tunes it.
        **kwargs: base `Model` arguments (`name`, `dtype`: e.g.
            `"mixed_float16"` or `"float64"`, used by every layer).

    Word vectors (`get_embeddings(source)`): `"input"` (default), the token
    embedding table; `"output"`, the logits kernel transposed (one row per
    word, `(vocabulary_size, embedding_dim)`); `"average"` of the two. With
    `tie_weights=True` the logits use the token table itself, so all three
    are that table. Row `padding_id` = 0 is padding.

    Input shape:
        int tensor `(batch, length)` with `length <= sequence_length`,
        0 = padding (right padding).

    Output shape:
        `(batch, vocabulary_size)` logits of the id after the last real token
        (float32 under a mixed float16/bfloat16 policy).

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import TransformerLM
    >>> model = TransformerLM(vocabulary_size=50, sequence_length=4,
    ...                       embedding_dim=8, num_heads=2, intermediate_dim=16,
    ...                       num_layers=1)
    >>> model.compile()  # sparse cross-entropy from logits, accuracy, perplexity
    >>> x = np.array([[3, 4, 5, 0], [6, 7, 0, 0]])
    >>> _ = model.fit(x, np.array([6, 8]), epochs=1, verbose=0)
    >>> model.get_embeddings().shape, model.get_embeddings("output").shape
    ((50, 8), (50, 8))
    >>> model.contextual_embeddings(x).shape
    (2, 4, 8)
    ```
    """

    padding_id = 0  # the padding mask is `ids != 0`: Tokenizer ids start at 1
    _embedding_sources = SOURCES
    _id_inputs = ("token ids",)

    def __init__(
        self,
        vocabulary_size,
        sequence_length,
        embedding_dim=64,
        num_heads=2,
        intermediate_dim=128,
        num_layers=2,
        dropout=0.1,
        tie_weights=False,
        vocabulary=None,
        oov_token=None,
        embeddings_initializer=None,
        trainable_embeddings=True,
        **kwargs,
    ):
        import keras_hub

        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.sequence_length = positive_int("sequence_length", sequence_length)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.num_heads = positive_int("num_heads", num_heads)
        if self.embedding_dim % self.num_heads:
            raise InvalidInputError(
                f"`num_heads` must divide `embedding_dim`={self.embedding_dim}. "
                f"Received: num_heads={num_heads!r}"
            )
        self.intermediate_dim = positive_int("intermediate_dim", intermediate_dim)
        self.num_layers = positive_int("num_layers", num_layers)
        self.dropout_rate = check_dropout(dropout)
        self.tie_weights = boolean("tie_weights", tie_weights)
        self.vocabulary, self.oov_token = check_vocabulary(
            vocabulary, oov_token, self.vocabulary_size
        )
        token_initializer, self._embeddings_initializer_config = initial_table(
            embeddings_initializer, self.vocabulary_size, self.embedding_dim
        )
        self.trainable_embeddings = boolean(
            "trainable_embeddings", trainable_embeddings
        )
        self._check_dtype()
        policy = self.dtype_policy
        self.embedding = keras_hub.layers.TokenAndPositionEmbedding(
            self.vocabulary_size,
            self.sequence_length,
            self.embedding_dim,
            tie_weights=True,  # only used by the reverse call when tied
            dtype=policy,
            name="embedding",
        )
        # keras-hub gives both tables one initializer; only the token table
        # takes the given one (set before the table is built).
        token_embedding = self.embedding.token_embedding
        if embeddings_initializer is not None:
            token_embedding.embeddings_initializer = token_initializer
        token_embedding.trainable = self.trainable_embeddings
        self.decoder_blocks = [
            keras_hub.layers.TransformerDecoder(
                intermediate_dim=self.intermediate_dim,
                num_heads=self.num_heads,
                dropout=self.dropout_rate,
                dtype=policy,
                name=f"decoder_{i}",
            )
            for i in range(self.num_layers)
        ]
        self.logits = (
            None
            if self.tie_weights
            else layers.Dense(self.vocabulary_size, dtype=policy, name="logits")
        )

    def _check_input_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or (
            input_shape[1] is not None and input_shape[1] > self.sequence_length
        ):
            raise InvalidInputError(
                "TransformerLM reads int ids (batch, length) with length <= "
                f"sequence_length={self.sequence_length}. Pass at most "
                f"{self.sequence_length} tokens per row. Received: input_shape="
                f"{input_shape}"
            )

    def _hidden(self, inputs, training=False):
        """The last block's output per token and the padding mask."""
        self._check_input_shape(inputs.shape)
        mask = ops.not_equal(inputs, 0)  # (batch, length)
        x = self.embedding(inputs)  # (batch, length, embedding_dim)
        for block in self.decoder_blocks:
            # Merged with the causal mask: a token sees no padding, no future.
            x = block(x, decoder_padding_mask=mask, training=training)
        return x, mask

    def call(self, inputs, training=False):
        x, mask = self._hidden(inputs, training=training)
        # Index of the last real token (0 for an all-padding row).
        positions = ops.arange(ops.shape(inputs)[1])
        last = ops.max(ops.where(mask, positions[None, :], 0), axis=1)  # (batch,)
        x = ops.take_along_axis(x, last[:, None, None], axis=1)[:, 0]
        if self.tie_weights:
            return float32_outputs(self.embedding.token_embedding(x, reverse=True))
        return float32_outputs(self.logits(x))  # (batch, vocabulary_size)

    def _build_for_embeddings(self):
        # keras-hub's blocks build on their first call: build by calling.
        with no_autograd():
            self(ops.zeros((1, self.sequence_length), "int32"))

    def _embedding_tables(self):
        # One static vector per word, whatever its context.
        table = self.embedding.token_embedding.embeddings
        if self.tie_weights:
            return table, table
        return table, ops.transpose(self.logits.kernel)

    def contextual_embeddings(self, inputs):
        """Per-token vectors from the last decoder block: one per occurrence.

        A token's vector depends on the token and on the tokens before it
        (causal mask), never on the tokens after it.

        Args:
            inputs: int ids `(length,)` or `(batch, length)` with
                `length <= sequence_length` (0 = padding, on the right), or,
                for a model with `vocabulary`, a text or a list of texts
                (unknown words become `oov_token`, or are dropped without
                one).

        Returns:
            NumPy float array `(length, embedding_dim)` for one text or one
            id row, else `(batch, length, embedding_dim)` with texts
            right-padded to the longest; padding positions are zeros.
        """
        if isinstance(inputs, str):
            single, rows = True, [self._text_ids(inputs)]
        elif (
            isinstance(inputs, (list, tuple))
            and inputs
            and all(isinstance(t, str) for t in inputs)
        ):
            single, rows = False, [self._text_ids(t) for t in inputs]
        else:
            try:
                ids = np.asarray(inputs)
            except ValueError:
                ids = np.asarray(inputs, dtype=object)
            if ids.ndim not in (1, 2) or not (
                np.issubdtype(ids.dtype, np.integer) or ids.size == 0
            ):
                raise InvalidInputError(
                    "`inputs` must be a text, a list of texts, or an int id "
                    f"array of shape (length,) or (batch, length). Received: "
                    f"inputs={inputs!r}"
                )
            where = "TransformerLM.contextual_embeddings"
            check_ids(ids, self.vocabulary_size, where, "`inputs` ids")
            single, rows = ids.ndim == 1, list(np.atleast_2d(ids))
        length = max(len(row) for row in rows)
        if length > self.sequence_length:
            raise InvalidInputError(
                f"`inputs` has {length} tokens, more than the model's "
                f"`sequence_length`={self.sequence_length}. Pass at most "
                f"{self.sequence_length} tokens per row."
            )
        # Right padding to the full width changes no real token's vector.
        batch = np.zeros((len(rows), self.sequence_length), "int32")
        for i, row in enumerate(rows):
            batch[i, : len(row)] = row
        with no_autograd():  # inference: no PyTorch autograd graph
            x, mask = self._hidden(ops.convert_to_tensor(batch))
            x = ops.convert_to_numpy(x * ops.cast(mask, x.dtype)[:, :, None])
        x = x[:, :length]
        return x[0] if single else x

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "sequence_length": self.sequence_length,
            "embedding_dim": self.embedding_dim,
            "num_heads": self.num_heads,
            "intermediate_dim": self.intermediate_dim,
            "num_layers": self.num_layers,
            "dropout": self.dropout_rate,
            "tie_weights": self.tie_weights,
            "vocabulary": self.vocabulary,
            "oov_token": self.oov_token,
            "embeddings_initializer": self._embeddings_initializer_config,
            "trainable_embeddings": self.trainable_embeddings,
        }
