"""Models, one module per model; each has `get_embeddings()`.

`superincreasing_detector` is the exception: a hard-coded network of
neurons (no embedding), from the neuron-to-layer lab.
"""

from keras_embeddings.models.cbow import CBOW, MeanSparseCrossentropy
from keras_embeddings.models.glove import GloVe, SumSquaredError
from keras_embeddings.models.next_token import NextTokenModel, load_model
from keras_embeddings.models.ngram_lm import (
    MaskedSparseCategoricalAccuracy,
    NGramLanguageModel,
    mask_inputs,
    masked_dataset,
    sample_input_mask,
)
from keras_embeddings.models.pretrained import contextual_embeddings, from_preset
from keras_embeddings.models.skipgram import (
    CBOWNegativeSampling,
    NegativeSamplingLoss,
    SkipGram,
    negative_sampling_loss,
)
from keras_embeddings.models.superincreasing import superincreasing_detector
from keras_embeddings.models.transformer_lm import TransformerLM

__all__ = [
    "CBOW",
    "CBOWNegativeSampling",
    "GloVe",
    "MaskedSparseCategoricalAccuracy",
    "MeanSparseCrossentropy",
    "NGramLanguageModel",
    "NegativeSamplingLoss",
    "NextTokenModel",
    "SkipGram",
    "SumSquaredError",
    "TransformerLM",
    "contextual_embeddings",
    "from_preset",
    "load_model",
    "mask_inputs",
    "masked_dataset",
    "negative_sampling_loss",
    "sample_input_mask",
    "superincreasing_detector",
]
