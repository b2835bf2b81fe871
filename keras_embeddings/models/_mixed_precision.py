"""Mixed precision: every model's outputs (logits, scores) in float32.

Under a mixed policy (`dtype="mixed_float16"` on a model, or
`keras.config.set_dtype_policy("mixed_float16")` before building it) the
weights stay float32 and the layers compute in float16, which a GPU's
tensor cores run several times faster. Keras' mixed precision guide keeps
the model's last step in float32: float16 holds about 3 significant digits
and nothing above 65,504, too little for logits going into a softmax over
thousands of words. So each model computes its output layer in float16 (the
expensive matmul, where the speed is) and casts the result to float32,
the guide's `Dense` followed by a float32 `Activation("softmax")`; the
loss then computes in float32 (`keras.config.floatx()`). A `mixed_float16`
model's `compile()` wraps the optimizer in a `keras.optimizers.LossScaleOptimizer`
(Keras does it), whose inner optimizer `optimizers.sum_duplicate_slices` fixes.
float32 and float64 outputs pass through unchanged.
"""

import keras
from keras import ops

_HALF = ("float16", "bfloat16")


def float32_outputs(x):
    """`x` cast to float32 when it is float16 or bfloat16, else `x` itself.

    >>> import keras
    >>> import numpy as np
    >>> from keras import ops
    >>> from keras_embeddings.models._mixed_precision import float32_outputs
    >>> x = float32_outputs(ops.convert_to_tensor(np.ones(2, "float16")))
    >>> keras.backend.standardize_dtype(x.dtype)
    'float32'
    """
    if keras.backend.standardize_dtype(x.dtype) in _HALF:
        return ops.cast(x, "float32")
    return x
