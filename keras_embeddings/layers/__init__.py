"""Layers: the lecture's neuron, a layer of neurons, the hard threshold activation."""

from keras_embeddings.layers.context_average import ContextAverage
from keras_embeddings.layers.neuron import (
    Neuron,
    NeuronLayer,
    get_activation,
    hard_threshold,
    serialize_activation,
)

__all__ = [
    "ContextAverage",
    "Neuron",
    "NeuronLayer",
    "get_activation",
    "hard_threshold",
    "serialize_activation",
]
