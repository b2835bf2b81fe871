"""The autodiff adapter of the current Keras backend.

Each backend module (`_tensorflow`, `_jax`, `_torch`) implements the same
small interface, on float64 NumPy arrays in and NumPy arrays out:

- `loss_and_gradients(objective, variables)`: the value of the zero-argument
  `objective()` (a backend scalar) and its gradients with respect to Keras
  `variables`, as NumPy arrays (zeros where the loss does not depend on one).
- `evaluator(objective, variables)`: a fast zero-argument callable returning
  `float(objective())` for the variables' current values, for the finite
  differences that assign new values between calls.
- `gradients(f, values)`: the gradients of a scalar `f(*values)`.
- `hessian(f, x)` and `hessian_vector_product(f, x, v)` for 1-D `x`.
"""

import importlib

import keras

from keras_embeddings.errors import InvalidInputError

_MODULES = {"tensorflow": "_tensorflow", "jax": "_jax", "torch": "_torch"}


def adapter():
    """The adapter module of `keras.backend.backend()`."""
    backend = keras.backend.backend()
    if backend not in _MODULES:
        raise InvalidInputError(
            "`gradcheck` needs automatic differentiation, which the Keras "
            f"backend {backend!r} lacks: set KERAS_BACKEND to one of "
            f"{sorted(_MODULES)}."
        )
    return importlib.import_module(f"{__package__}.{_MODULES[backend]}")
