"""Layers: the lecture's neuron, a layer of neurons, the hard threshold activation,
and the transformer's sublayers (positional encoding, attention, feed-forward)."""

from keras_embeddings.layers.attention import (
    MultiHeadSelfAttention,
    PositionwiseFeedForward,
    ScaledDotProductAttention,
    scaled_dot_product_attention,
)
from keras_embeddings.layers.context_average import ContextAverage
from keras_embeddings.layers.neuron import (
    Neuron,
    NeuronLayer,
    get_activation,
    hard_threshold,
    serialize_activation,
)
from keras_embeddings.layers.positional import (
    SinusoidalPositionEncoding,
    sinusoidal_encoding,
)

__all__ = [
    "ContextAverage",
    "MultiHeadSelfAttention",
    "Neuron",
    "NeuronLayer",
    "PositionwiseFeedForward",
    "ScaledDotProductAttention",
    "SinusoidalPositionEncoding",
    "get_activation",
    "hard_threshold",
    "scaled_dot_product_attention",
    "serialize_activation",
    "sinusoidal_encoding",
]
