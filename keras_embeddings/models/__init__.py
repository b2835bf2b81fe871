"""Models, one module per model, on one embedding-model contract.

Every model with word vectors (`CBOW`, `GloVe`, `NGramLanguageModel`,
`NextTokenModel`, `SkipGram`, `CBOWNegativeSampling`, `FastText`,
`TransformerLM`) has
`get_embeddings(source="input")` (`"output"` and `"average"` where it has a
second table), `get_vocabulary()` and a `padding_id` (0 or None), which
export, the projector and the plots read; each accepts `vocabulary=` and
`dtype=` (`"float64"`, `"mixed_float16"`, ...). Their losses are in
`models.losses`, the masked model's accuracy in `models.metrics`.

Mixed precision (for GPUs with tensor cores): `dtype="mixed_float16"` on a
model, or `keras.config.set_dtype_policy("mixed_float16")` before building
it, keeps the weights in float32 and computes in float16; every model
returns its logits (scores) in float32 and its loss computes in float32, as
Keras' mixed precision guide asks, and `compile()` wraps the optimizer in a
`keras.optimizers.LossScaleOptimizer` (Keras does it), with the exact sparse
steps of `optimizers.sum_duplicate_slices` kept. The policy is saved in
`.keras` files. `keras-embeddings train --mixed-precision` does the same for
the CLI's model.

```python
>>> import keras
>>> import numpy as np
>>> from keras_embeddings.models import NextTokenModel
>>> model = NextTokenModel(vocabulary_size=6, embedding_dim=8, hidden_dim=8,
...                        dtype="mixed_float16")
>>> model.compile()
>>> logits = model(np.array([[1, 2, 3, 0]]))
>>> model.embedding.compute_dtype, keras.backend.standardize_dtype(logits.dtype)
('float16', 'float32')
>>> type(model.optimizer).__name__
'LossScaleOptimizer'
```

`superincreasing_detector` is the exception: a hard-coded network of
neurons (no embedding), from the neuron-to-layer lab.

Example:

```python
>>> from keras_embeddings.models import GloVe
>>> model = GloVe(vocabulary_size=3, embedding_dim=2, vocabulary=["a", "b", "c"])
>>> model.get_embeddings().shape, model.get_vocabulary(), model.padding_id
((3, 2), ['a', 'b', 'c'], None)
```
"""

from keras_embeddings.datasets.masking import (
    mask_inputs,
    masked_dataset,
    sample_input_mask,
)
from keras_embeddings.models.cbow import CBOW
from keras_embeddings.models.fasttext import FastText
from keras_embeddings.models.glove import GloVe
from keras_embeddings.models.losses import (
    MeanSparseCrossentropy,
    NegativeSamplingLoss,
    SumSquaredError,
    negative_sampling_loss,
)
from keras_embeddings.models.metrics import MaskedSparseCategoricalAccuracy
from keras_embeddings.models.next_token import NextTokenModel, load_model
from keras_embeddings.models.ngram_lm import NGramLanguageModel
from keras_embeddings.models.pretrained import contextual_embeddings, from_preset
from keras_embeddings.models.skipgram import CBOWNegativeSampling, SkipGram
from keras_embeddings.models.superincreasing import superincreasing_detector
from keras_embeddings.models.transformer_lm import TransformerLM

__all__ = [
    "CBOW",
    "CBOWNegativeSampling",
    "FastText",
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
