"""What the next-token language models share: argument checks, `compile`
defaults, reading prompts and generating text with keras-hub's samplers.

`NextTokenModel` (Embedding -> LSTM) and `TransformerLM` (keras-hub
decoder blocks) both map right-padded contexts `(batch, sequence_length)`
to next-id logits `(batch, vocabulary_size)`; `NextTokenLanguageModelMixin`
adds everything built on that contract. A model using it sets
`vocabulary_size`, `sequence_length` (int or None), `vocabulary` (list of
str or None) and `oov_token` (str or None) in its `__init__`.
"""

import contextlib

import keras
import numpy as np
from keras import ops

from keras_embeddings._validation import number, optional_positive_int, positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._compile import CompileDefaultsMixin
from keras_embeddings.models._contract import check_vocabulary as contract_vocabulary
from keras_embeddings.models._contract import large_negative
from keras_embeddings.models._ids import check_ids, checked_calls

# The most words one `generate` call adds. Each word is one forward pass
# (about 40 ms for the CLI's models on a 2-core CPU, so 1,000 words take
# under a minute); a model without `sequence_length` reads the whole text at
# every step, so its time grows with the square of the length (100 words:
# 20 s; 400 words: 400 s there).
MAX_NUM_WORDS = 1000

_SAMPLERS = {
    "greedy": "GreedySampler",
    "top_k": "TopKSampler",
    "top_p": "TopPSampler",
    "random": "RandomSampler",
    "beam": "BeamSampler",
}


def check_dropout(dropout):
    """`dropout` as a float in [0, 1), or `InvalidInputError`."""
    return number("dropout", dropout, 0, 1, high_open=True)


def check_vocabulary(vocabulary, oov_token, vocabulary_size):
    """`vocabulary` as a list of str (one per id) and a checked `oov_token`."""
    vocabulary = contract_vocabulary(vocabulary, vocabulary_size)
    if oov_token is not None and (vocabulary is None or oov_token not in vocabulary):
        raise InvalidInputError(
            f"`oov_token` {oov_token!r} must be a word of `vocabulary`."
        )
    return vocabulary, oov_token


def no_autograd():
    """A context in which eager calls record no gradients.

    PyTorch records an autograd graph on every call of a model with trainable
    weights unless told not to (Keras' `predict` and keras-hub's `generate`
    both run under `torch.no_grad()`); TensorFlow and JAX record nothing
    outside a `GradientTape` or `jax.grad`, so there it does nothing.
    """
    if keras.backend.backend() == "torch":
        import torch

        return torch.no_grad()
    return contextlib.nullcontext()


class NextTokenLanguageModelMixin(CompileDefaultsMixin):
    """`compile` defaults, text/id prompts and `generate()` for a next-token model.

    Put it before `keras.Model` in the bases:
    `class MyLM(NextTokenLanguageModelMixin, keras.Model)`.
    """

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

    # ----------------------------------------------------------------- text

    def _oov_id(self):
        if self.oov_token is None:
            return None
        return self.vocabulary.index(self.oov_token)

    def _text_ids(self, text):
        """The ids of `text`'s words; unknown words become the OOV id, or are
        dropped when the model has no `oov_token`."""
        if self.vocabulary is None:
            raise InvalidInputError(
                "This model has no `vocabulary`, so it cannot read text. Pass "
                "a list of ids, or build the model with `vocabulary=`."
            )
        from keras_embeddings.text import text_to_word_sequence

        index = {word: i for i, word in enumerate(self.vocabulary) if i > 0}
        oov = self._oov_id()
        ids = [index.get(word, oov) for word in text_to_word_sequence(text)]
        return [i for i in ids if i is not None]

    def _prompt_ids(self, prompt):
        if isinstance(prompt, str):
            ids = self._text_ids(prompt)
            if all(i == self._oov_id() for i in ids):
                ids = []  # only unknown words: nothing to condition on
        else:
            ids = np.asarray(prompt).reshape(-1)
            # Integers, not padding (0): a float id would be truncated.
            where = f"{type(self).__name__}.generate"
            check_ids(ids, self.vocabulary_size, where, "`prompt` ids", low=1)
            ids = [int(i) for i in ids]
        if not ids:
            raise InvalidInputError(
                f"`prompt` {prompt!r} has no word the model knows. "
                "Use words from the training corpus."
            )
        return ids

    # ----------------------------------------------------------- generation

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
            num_words: int, how many words to add, at most `MAX_NUM_WORDS`
                (1,000: each word is one forward pass of the model).
            sampler: `"greedy"`, `"top_k"`, `"top_p"`, `"random"`, `"beam"`,
                or a `keras_hub.samplers.Sampler`.
            temperature: float > 0, divides the logits before the softmax.
            seed: int or None, for the random samplers.
            **sampler_kwargs: e.g. `k=5` (top_k), `p=0.9` (top_p),
                `num_beams=3` (beam).

        Returns:
            str (prompt words and continuation) for a text prompt and a
            model with `vocabulary`, else a list of ids.
        """
        num_words = positive_int("num_words", num_words)
        if num_words > MAX_NUM_WORDS:
            raise InvalidInputError(
                f"`num_words` must be at most {MAX_NUM_WORDS}: each word is one "
                "forward pass of the model. Generate in several calls, feeding "
                f"the end of one as the next prompt. Received: num_words={num_words}"
            )
        # 0, a negative, inf or nan temperature would divide the logits into
        # nan or flip them, cancelling the ban on padding and OOV below.
        temperature = number("temperature", temperature, 0, None, low_open=True)
        seed = optional_positive_int("seed", seed, minimum=0)
        ids = self._prompt_ids(prompt)
        sampler = self._sampler(sampler, temperature, seed, sampler_kwargs)
        length = self.sequence_length or len(ids) + num_words
        banned = [0] if self.oov_token is None else [0, self._oov_id()]
        ban = np.zeros(self.vocabulary_size, bool)
        ban[banned] = True  # padding and OOV are never generated
        ban = ops.convert_to_tensor(ban)

        def next_logits(tokens, cache, index):
            # The `length` ids before `index`, right-padded like training data.
            n = ops.minimum(index, length)
            offsets = ops.arange(length)
            positions = ops.minimum(index - n + offsets, index - 1)
            context = ops.take(tokens, positions, axis=1)
            context = ops.where(offsets[None, :] < n, context, 0)
            logits = self(context, training=False)
            # A value that fits the logits' dtype: -1e9 is -inf in float16.
            banned_logit = ops.cast(large_negative(logits.dtype), logits.dtype)
            return ops.where(ban[None, :], banned_logit, logits), None, cache

        buffer = np.zeros((1, len(ids) + num_words), "int32")
        buffer[0, : len(ids)] = ids
        # The model's own ids: its calls need no check at every step.
        with no_autograd(), checked_calls():
            out = sampler(next_logits, ops.convert_to_tensor(buffer), index=len(ids))
        out = [int(i) for i in ops.convert_to_numpy(out)[0]]
        if isinstance(prompt, str) and self.vocabulary is not None:
            return " ".join(self.vocabulary[i] for i in out)
        return out
