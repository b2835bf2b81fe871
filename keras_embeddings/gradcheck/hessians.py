"""Derivatives of a scalar function of arrays: gradients, Hessians, H v.

The homework's second derivatives (hw1 §1.3) and the gradients they start
from, by the backend's automatic differentiation: `hessian` forms the full
matrix, `hessian_vector_product` computes `H v` without it, in `O(n)` memory
instead of `O(n^2)`.
"""

import numpy as np
from keras import ops

from keras_embeddings._precision import float64_scope
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.gradcheck._adapter import adapter

__all__ = ["gradients", "hessian", "hessian_vector_product"]


def gradients(f, values):
    """The gradients of a scalar function with respect to each of its arguments.

    `f(*values)` is evaluated on backend tensors made from `values` and
    differentiated by the backend's automatic differentiation
    (`tf.GradientTape`, `jax.grad` or `torch.autograd.grad`). To
    differentiate a model's loss with respect to its weights, pass the
    weights' values and call `model.stateless_call(values, ...)` inside `f`.

    Args:
        f: a function of `len(values)` tensors returning a scalar, written
            with `keras.ops` (use `keras.ops.multiply(x, array)` rather than
            `x * array` with a NumPy `array`: PyTorch cannot differentiate
            the latter).
        values: a list of array-likes, the point (integer arrays are
            converted to float64; float arrays keep their dtype).

    Returns:
        A list of NumPy arrays, `df / dvalues[i]` with the shape of
        `values[i]`; zeros where `f` does not depend on the argument.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings import gradcheck
    >>> def f(w, x):  # (x w)^2: d/dw = 2 (x w) x, d/dx = 2 (x w) w
    ...     return keras.ops.sum(keras.ops.matmul(x, w) ** 2)
    >>> dw, dx = gradcheck.gradients(f, [np.ones((2, 1)), np.array([[1.0, 2.0]])])
    >>> dw.tolist(), dx.tolist()
    ([[6.0], [12.0]], [[6.0, 6.0]])
    ```
    """
    if not isinstance(values, (list, tuple)) or not values:
        raise InvalidInputError(
            "`values` must be a non-empty list of arrays, one per argument of "
            f"`f`. Received: values={values!r}"
        )
    values = [_float_array(value) for value in values]
    with float64_scope():
        return adapter().gradients(lambda *args: _scalar(f(*args)), values)


def hessian(f, x):
    """The full Hessian matrix of a scalar function, by autodiff twice.

    `H[i, j] = d^2 f / dx_i dx_j`: the Jacobian of the gradient `g(x)`
    (nested `tf.GradientTape`s, `jax.hessian` or `torch.func.hessian`).
    Forming `H` costs `n^2` memory and about `n` gradient evaluations
    (vectorized); for large `n` use `hessian_vector_product`.

    Args:
        f: a function of a 1-D tensor returning a scalar, written with
            `keras.ops` (see `gradients` about NumPy arrays).
        x: 1-D array-like, the point (integers are converted to float64).

    Returns:
        A NumPy array of shape `(n, n)`.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings import gradcheck
    >>> v = np.array([3.0, 1.0, 4.0])
    >>> def f(x):  # 1/2 (v . x)^2 has H = v v^T
    ...     return 0.5 * keras.ops.sum(keras.ops.multiply(x, v)) ** 2
    >>> gradcheck.hessian(f, np.ones(3)).tolist()
    [[9.0, 3.0, 12.0], [3.0, 1.0, 4.0], [12.0, 4.0, 16.0]]
    ```
    """
    x = _vector("x", x)
    with float64_scope():
        return adapter().hessian(lambda x: _scalar(f(x)), x)


def hessian_vector_product(f, x, v):
    """The product `H v` of the Hessian of `f` at `x` with `v`, without `H`.

    Computed forward-over-reverse: reverse mode gives the gradient `g(x)`
    while forward mode pushes the tangent `v` through that computation,
    giving the directional derivative of `g` along `v`, which is `H v`
    (`tf.autodiff.ForwardAccumulator` over `tf.GradientTape`, `jax.jvp` of
    `jax.grad`, `torch.func.jvp` of `torch.func.grad`). This costs a small
    constant times one gradient evaluation and `O(n)` memory, where forming
    `H` costs `O(n^2)` memory and time. Reverse-over-reverse (the gradient
    of `g(x) . v`) has the same order of cost but must also record the whole
    backward pass for a second one, which costs more memory and time;
    forward-over-reverse avoids that (JAX's autodiff cookbook calls it the
    most efficient way to compute Hessian-vector products).

    Args:
        f: a function of a 1-D tensor returning a scalar, written with
            `keras.ops` (see `gradients` about NumPy arrays).
        x: 1-D array-like, the point (integers are converted to float64).
        v: 1-D array-like of the same length, the direction.

    Returns:
        A NumPy array of shape `(n,)`.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings import gradcheck
    >>> v = np.array([4.0, 1.0, 2.0])
    >>> def f(x):  # 1/2 (v . x)^2 has H = v v^T, so H u = v (v . u)
    ...     return 0.5 * keras.ops.sum(keras.ops.multiply(x, v)) ** 2
    >>> u = np.array([2.0, 2.0, 1.0])  # v . u = 12
    >>> gradcheck.hessian_vector_product(f, np.zeros(3), u).tolist()
    [48.0, 12.0, 24.0]
    ```
    """
    x = _vector("x", x)
    v = _vector("v", v)
    if v.shape != x.shape:
        raise InvalidInputError(
            f"`v` must have the shape of `x`, {x.shape}. Received: v of shape {v.shape}"
        )
    v = v.astype(x.dtype)
    with float64_scope():
        return adapter().hessian_vector_product(lambda x: _scalar(f(x)), x, v)


def _float_array(value):
    array = np.asarray(ops.convert_to_numpy(value))
    return array if array.dtype.kind == "f" else array.astype("float64")


def _vector(name, value):
    array = _float_array(value)
    if array.ndim != 1 or array.shape[0] == 0:
        raise InvalidInputError(
            f"`{name}` must be a non-empty 1-D vector. "
            f"Received: {name} of shape {array.shape}"
        )
    return array


def _scalar(value):
    value = ops.convert_to_tensor(value)
    if int(np.prod(value.shape)) != 1:
        raise InvalidInputError(
            "`f` must return a scalar (one number). "
            f"Received a value of shape {tuple(value.shape)}; sum or average it."
        )
    return ops.reshape(value, ())
