"""Activations by name: Keras' own, plus the lecture's hard threshold.

`hard_threshold` is the step activation `I(z >= 0)` of McCulloch-Pitts
neurons and perceptrons (McCulloch & Pitts 1943; Rosenblatt 1958),
registered so that models using it save and load. `get_activation` and
`serialize_activation` turn the `activation` argument of the package's
layers into a function and back into a config entry.

Taught in `tutorials/02_neuron_to_layer.py`.
"""

import keras
from keras import ops

from keras_embeddings.errors import InvalidInputError

__all__ = ["get_activation", "hard_threshold", "serialize_activation"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
def hard_threshold(x):
    """Hard threshold (Heaviside step) activation: `1.0` where `x >= 0`, else `0.0`.

    `hard_threshold(0) == 1`: the threshold is `z >= 0`, as in the CSC321
    hard-coded networks, so a neuron fires on a tie.

    Its derivative is zero almost everywhere (and undefined at 0), so
    gradient descent cannot train weights that feed it: `fit` runs but the
    weights do not move. Such neurons get their weights by hand (see
    `models.superincreasing_detector`). The function returns that zero
    derivative explicitly (`+ 0 * tanh(x)`, which adds nothing to the value,
    even at `+-inf`) so that every backend gives a gradient of exactly 0
    instead of no gradient at all, which Keras' optimizers reject. NaN stays
    NaN.

    Registered as `"keras_embeddings>hard_threshold"`; `Neuron` and
    `NeuronLayer` also accept the name `"hard_threshold"`, and a
    `keras.layers.Dense(activation=hard_threshold)` saves and loads once
    `keras_embeddings.layers` is imported.

    Args:
        x: tensor or array.

    Returns:
        A float tensor of `x`'s shape (floatx for integer input).

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import hard_threshold
    >>> y = hard_threshold(np.array([-2.0, 0.0, 3.0]))
    >>> keras.ops.convert_to_numpy(y).tolist()
    [0.0, 1.0, 1.0]
    ```
    """
    x = ops.convert_to_tensor(x)
    if not keras.backend.is_float_dtype(x.dtype):
        x = ops.cast(x, keras.backend.floatx())
    step = ops.cast(ops.greater_equal(x, 0), x.dtype)  # I(x >= 0)
    return step + 0 * ops.tanh(x)  # same value; its gradient is an exact 0


def get_activation(identifier):
    """An activation function from a name, a config or a callable.

    `"hard_threshold"` gives `hard_threshold`; anything else goes to
    `keras.activations.get` (e.g. `"sigmoid"`, `"relu"`, `None` for linear).

    Args:
        identifier: a Keras activation name, a serialized activation, a
            callable, `None` (linear), or `"hard_threshold"`.

    Returns:
        The activation function.

    Raises:
        InvalidInputError: `identifier` names no activation.

    Example:

    ```python
    >>> from keras_embeddings.layers import get_activation
    >>> get_activation("relu").__name__, get_activation("hard_threshold").__name__
    ('relu', 'hard_threshold')
    ```
    """
    if identifier == "hard_threshold":
        return hard_threshold
    try:
        return keras.activations.get(identifier)
    except (ValueError, TypeError):
        raise InvalidInputError(
            "`activation` must be a Keras activation name (e.g. 'sigmoid', "
            "'relu'), 'hard_threshold', or a callable. "
            f"Received: activation={identifier!r}"
        ) from None


def serialize_activation(activation):
    """The config entry of an activation, which `get_activation` reads back.

    Its name for Keras' built-in activations and for `hard_threshold`,
    Keras' serialization otherwise.

    Args:
        activation: an activation function.

    Returns:
        A str or a serialized config (dict).

    Example:

    ```python
    >>> from keras_embeddings.layers import hard_threshold, serialize_activation
    >>> serialize_activation(hard_threshold)
    'hard_threshold'
    ```
    """
    if activation is hard_threshold:
        return "hard_threshold"
    return keras.activations.serialize(activation)
