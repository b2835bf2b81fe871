"""`mixed_precision=True` in the recipes (`keras-embeddings train --mixed-precision`).

The recipe builds its model with `dtype="mixed_float16"`: float32 weights,
float16 compute, float32 logits and loss, and Keras' loss scaling
(`LossScaleOptimizer`, added by `compile`). Only that model's policy is set;
the global one (`keras.config.dtype_policy()`) is never changed, so nothing
else in the process switches to float16. The policy is saved in
`model.keras` and comes back with `keras.saving.load_model`.
"""

from keras_embeddings._validation import boolean

MIXED_POLICY = "mixed_float16"


def model_dtype(mixed_precision):
    """The `dtype` a recipe gives its model: `"mixed_float16"`, or None (the
    global policy, float32 unless the user set another).

    >>> from keras_embeddings.pipelines._mixed_precision import model_dtype
    >>> model_dtype(True), model_dtype(False)
    ('mixed_float16', None)
    """
    return MIXED_POLICY if boolean("mixed_precision", mixed_precision) else None


def describe_precision(model):
    """The line a recipe prints: a model's (or layer's) dtype policy, in words.

    >>> import keras
    >>> from keras_embeddings.pipelines._mixed_precision import describe_precision
    >>> describe_precision(keras.layers.Dense(2, dtype="mixed_float16"))
    'Precision: mixed_float16 (float16 compute, float32 weights, logits and loss; loss scaling)'
    """
    policy = model.dtype_policy
    if policy.compute_dtype == policy.variable_dtype:
        return f"Precision: {policy.name}"
    scaling = "; loss scaling" if policy.name == MIXED_POLICY else ""
    return (
        f"Precision: {policy.name} ({policy.compute_dtype} compute, "
        f"{policy.variable_dtype} weights, logits and loss{scaling})"
    )
