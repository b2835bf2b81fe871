"""Layers: the lecture's neuron, a layer of neurons, the hard threshold activation."""

from keras_embeddings.layers.neuron import (
    Neuron,
    NeuronLayer,
    get_activation,
    hard_threshold,
    serialize_activation,
)

__all__ = [
    "Neuron",
    "NeuronLayer",
    "get_activation",
    "hard_threshold",
    "serialize_activation",
]
