"""The transformer's sublayers from the lecture's formulas, in one place.

- `scaled_dot_product_attention` / `ScaledDotProductAttention`:
  `softmax(Q Kᵀ / √d_k) V` (Vaswani et al. 2017, section 3.2.1), in
  `layers.dot_product_attention`;
- `MultiHeadSelfAttention`: `Concat(head_1, ..., head_h) W^O` (section
  3.2.2, = `keras.layers.MultiHeadAttention` with the same weights), in
  `layers.multi_head_attention`;
- `PositionwiseFeedForward`: `FFN(x) = max(0, x W_1 + b_1) W_2 + b_2`
  (section 3.3, = keras-hub's feed-forward sublayer), in
  `layers.feed_forward`.

All four are importable from here, where they were defined before.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.

Example:

```python
>>> from keras_embeddings.layers.attention import MultiHeadSelfAttention
>>> MultiHeadSelfAttention(num_heads=2).num_heads
2
```
"""

from keras_embeddings.layers.dot_product_attention import (
    ScaledDotProductAttention,
    scaled_dot_product_attention,
)
from keras_embeddings.layers.feed_forward import PositionwiseFeedForward
from keras_embeddings.layers.multi_head_attention import MultiHeadSelfAttention

__all__ = [
    "MultiHeadSelfAttention",
    "PositionwiseFeedForward",
    "ScaledDotProductAttention",
    "scaled_dot_product_attention",
]
