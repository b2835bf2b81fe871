"""Models, one module per model; each has `get_embeddings()`.

`superincreasing_detector` is the exception: a hard-coded network of
neurons (no embedding), from the neuron-to-layer lab.
"""

from keras_embeddings.models.cbow import CBOW
from keras_embeddings.models.glove import GloVe, SumSquaredError
from keras_embeddings.models.next_token import NextTokenModel, load_model
from keras_embeddings.models.superincreasing import superincreasing_detector

__all__ = [
    "CBOW",
    "GloVe",
    "NextTokenModel",
    "SumSquaredError",
    "load_model",
    "superincreasing_detector",
]
