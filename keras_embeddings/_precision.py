"""float64 on every backend: one check, and one exact loss tracker.

JAX computes in float32 unless its 64-bit mode is on: a float64 weight or
input silently becomes float32 there, and results that should agree with
NumPy to 1e-15 agree to 1e-7 only. TensorFlow and PyTorch keep float64 as
is. `check_float64_supported` turns that silent loss of precision into one
clear error when a model or layer is created (or built) with float64.

Keras' type promotion maps float64 to float32 off TensorFlow, so a few of
its ops (`ops.matmul` on PyTorch, `ops.mean` on JAX and PyTorch,
`ops.divide_no_nan` on PyTorch) compute float64 inputs in float32. The
models avoid them; `ExactMean` is Keras' `Mean` without `divide_no_nan`,
for the loss that `fit` and `evaluate` log.
"""

import contextlib

import keras
from keras import ops

from keras_embeddings.errors import InvalidInputError

FLOAT64_ON_JAX_FIX = (
    "call jax.config.update('jax_enable_x64', True) before creating the "
    "model (or run it inside `with jax.enable_x64(True):`), or set the "
    "environment variable JAX_ENABLE_X64=1 before starting Python"
)


def _names_float64(dtype):
    """Whether `dtype` (a dtype name, NumPy dtype or `DTypePolicy`) is float64."""
    if dtype is None:
        return False
    if isinstance(dtype, keras.DTypePolicy):
        return "float64" in (dtype.compute_dtype, dtype.variable_dtype)
    try:
        return keras.backend.standardize_dtype(dtype) == "float64"
    except ValueError:
        return False


def float64_supported():
    """Whether float64 stays float64 on the current backend.

    Always True on TensorFlow and PyTorch; on JAX, True only while JAX's
    64-bit mode is on (`jax.config.update("jax_enable_x64", True)`,
    `JAX_ENABLE_X64=1`, or inside `with jax.enable_x64(True):`).
    """
    if keras.backend.backend() != "jax":
        return True
    import jax

    return bool(jax.config.jax_enable_x64)


def check_float64_supported(dtype, what):
    """Raise `InvalidInputError` if `dtype` is float64 and the backend would
    silently compute in float32 (JAX with 64-bit mode off).

    Args:
        dtype: a dtype name, NumPy dtype or `keras.DTypePolicy`; anything
            other than float64 passes.
        what: str, what uses the dtype, for the message (e.g. `"CBOW"`).
    """
    if _names_float64(dtype) and not float64_supported():
        raise InvalidInputError(
            f"{what} uses float64, but the JAX backend computes in float32 "
            "unless JAX's 64-bit mode is on (float64 values would silently "
            f"become float32). To compute in float64, {FLOAT64_ON_JAX_FIX}. "
            "Or use float32: keras.config.set_floatx('float32') and "
            "keras.config.set_dtype_policy('float32'). "
            f"Received: dtype={getattr(dtype, 'name', dtype)!r}"
        )


try:  # Keras' table of the 64-bit dtypes it demotes (a private module)
    from keras.src.backend.common import dtypes as _keras_dtypes
except ImportError:  # another Keras layout: nothing to undo
    _keras_dtypes = None


@contextlib.contextmanager
def float64_scope():
    """A context in which float64 tensors and Keras ops stay float64.

    Two defaults get in the way of float64 off TensorFlow: JAX creates
    float32 arrays from float64 data unless its 64-bit mode is on, and Keras'
    type promotion (`keras.backend.result_type`) demotes float64 to float32
    on every backend but TensorFlow, "to be aligned with JAX's default
    behavior", so `keras.ops.matmul` (hence `Dense`) and `keras.ops.mean` of
    float64 tensors compute in float32 there. Inside the scope neither
    happens (JAX's 64-bit mode on, Keras' demotion table edited); both are
    restored on exit. Process-wide while it lasts: not thread-safe. It does
    not change `keras.config.floatx()`.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings import gradcheck
    >>> with gradcheck.float64_scope():
    ...     x = keras.ops.convert_to_tensor(np.array([[1 + 1e-10]]))
    ...     y = keras.ops.matmul(x, x)  # 1 + 2e-10: float32 would round it to 1
    ...     keras.backend.standardize_dtype(y.dtype), float(y[0, 0]) - 1 > 1e-10
    ('float64', True)
    ```
    """
    demotions = getattr(_keras_dtypes, "BIT64_TO_BIT32_DTYPE", None)
    previous = demotions.get("float64") if demotions is not None else None
    with contextlib.ExitStack() as stack:
        if keras.backend.backend() == "jax":
            import jax

            stack.enter_context(jax.enable_x64(True))
        if demotions is not None:
            demotions["float64"] = "float64"
        try:
            yield
        finally:
            if demotions is not None:
                demotions["float64"] = previous


def matmul(x, kernel):
    """`x @ kernel` over the last axis of `x`, in `x`'s dtype on every backend.

    Not `ops.matmul` nor `ops.tensordot`, which on PyTorch multiply float64
    in float32 (Keras' type promotion maps float64 to float32 off
    TensorFlow); `einsum` keeps the dtype. The leading axes are spelled out:
    TensorFlow's `einsum("...i,io->...o")` gives wrong float16 results on
    CPU (TF 2.21). `x` is `(..., n)`, `kernel` `(n, m)`; the result `(..., m)`.
    """
    leading = "abcdefgh"[: len(x.shape) - 1]
    return ops.einsum(f"{leading}i,io->{leading}o", x, kernel)


def affine(x, dense):
    """`x @ kernel + bias` with a `Dense` layer's weights, in `x`'s dtype.

    Not `dense(x)`, which calls `ops.matmul` (see `matmul`).
    """
    return matmul(x, dense.kernel) + dense.bias


class ExactMean(keras.metrics.Mean):
    """`keras.metrics.Mean` whose result keeps the metric's dtype.

    Keras' `Mean.result()` divides with `ops.divide_no_nan`, which on
    PyTorch rounds a float64 total to float32; this divides in the metric's
    dtype (and gives 0 before any update, as `Mean` does).
    """

    def result(self):
        count = ops.cast(self.count, self.dtype)
        # Before any update total = count = 0: divide by 1 instead of 0. (Not
        # ops.maximum(count, 1), which on PyTorch rounds count to float32.)
        return self.total / (count + ops.cast(ops.equal(count, 0), self.dtype))


def use_exact_loss_tracker(model):
    """Make a compiled model log its loss with `ExactMean`.

    Call right after `keras.Model.compile`, which creates the loss tracker
    (`model._loss_tracker`, a `Mean` named "loss") that `fit` and
    `evaluate` update.
    """
    # Set as compile() sets it, without Keras' attribute tracking (which
    # would list the tracker a second time among the model's metrics).
    object.__setattr__(model, "_loss_tracker", ExactMean(name="loss"))
