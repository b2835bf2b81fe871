"""`float64_scope`: Keras computations in true float64 on every backend.

Finite differences and comparisons with the lab's NumPy values need float64
all the way through, but two defaults get in the way on JAX and PyTorch:
JAX creates float32 arrays from float64 data unless its 64-bit mode is on,
and Keras' type promotion (`keras.backend.result_type`) demotes float64 to
float32 on every backend but TensorFlow, "to be aligned with JAX's default
behavior", so `keras.ops.matmul` (hence `Dense`) and `keras.ops.mean` of
float64 tensors compute in float32 there. Inside `float64_scope` neither
happens; on leaving it both defaults are restored.
"""

import contextlib

from keras_embeddings.gradcheck._adapter import adapter

try:  # Keras' table of the 64-bit dtypes it demotes (a private module)
    from keras.src.backend.common import dtypes as _keras_dtypes
except ImportError:  # another Keras layout: nothing to undo
    _keras_dtypes = None


@contextlib.contextmanager
def float64_scope():
    """A context in which float64 tensors and Keras ops stay float64.

    Turns on JAX's 64-bit mode (JAX backend) and stops Keras' type promotion
    from demoting float64 results to float32 (JAX and PyTorch backends);
    both are restored on exit. Make float64 models and run them inside the
    scope. `check_gradients`, `gradients`, `hessian` and
    `hessian_vector_product` enter it themselves. It does not change
    `keras.config.floatx()`.

    Example:

    ```python
    with gradcheck.float64_scope():
        x = keras.ops.convert_to_tensor(np.array([[1 + 1e-10]]))
        keras.ops.matmul(x, x)  # float64, 1 + 2e-10, on every backend
    ```
    """
    demotions = getattr(_keras_dtypes, "BIT64_TO_BIT32_DTYPE", None)
    previous = demotions.get("float64") if demotions is not None else None
    with adapter().float64():
        if demotions is not None:
            demotions["float64"] = "float64"
        try:
            yield
        finally:
            if demotions is not None:
                demotions["float64"] = previous
