"""Layers: the lecture's neuron, a layer of neurons, the hard threshold activation,
the CBOW context average, and the transformer's sublayers (positional encoding,
attention, feed-forward).

Example:

```python
>>> import keras
>>> from keras_embeddings import layers
>>> x = keras.ops.zeros((2, 5, 8))  # embedded tokens (batch, T, d_model)
>>> x = x + layers.SinusoidalPositionEncoding()(x)
>>> x = layers.MultiHeadSelfAttention(num_heads=2)(x, use_causal_mask=True)
>>> tuple(layers.PositionwiseFeedForward(intermediate_dim=16)(x).shape)
(2, 5, 8)
```
"""

from keras_embeddings.layers.activations import (
    get_activation,
    hard_threshold,
    serialize_activation,
)
from keras_embeddings.layers.context_average import ContextAverage
from keras_embeddings.layers.dot_product_attention import (
    ScaledDotProductAttention,
    scaled_dot_product_attention,
)
from keras_embeddings.layers.feed_forward import PositionwiseFeedForward
from keras_embeddings.layers.multi_head_attention import MultiHeadSelfAttention
from keras_embeddings.layers.neuron import Neuron, NeuronLayer
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
