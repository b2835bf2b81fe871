"""The PyTorch adapter: `torch.autograd.grad` and `torch.func`.

A Keras variable's `value` is a `torch.nn.Parameter`, so gradients with
respect to the variables come from `torch.autograd.grad`; the Hessian and
Hessian-vector products use `torch.func` transforms. See `_adapter` for the
interface.
"""

import contextlib

import torch
from keras import ops

from keras_embeddings.errors import InvalidInputError


def loss_and_gradients(objective, variables):
    value = objective()
    return value, _gradients(value, [variable.value for variable in variables])


def evaluator(objective, variables):
    def evaluate():
        with torch.no_grad():
            return float(objective())

    return evaluate


def gradients(f, values):
    tensors = [ops.convert_to_tensor(value).requires_grad_(True) for value in values]
    with _numpy_hint():
        value = f(*tensors)
    return _gradients(value, tensors)


def hessian(f, x):
    with _numpy_hint():
        return ops.convert_to_numpy(torch.func.hessian(f)(ops.convert_to_tensor(x)))


def hessian_vector_product(f, x, v):
    # Forward-over-reverse: the JVP of the gradient function along v.
    x, v = ops.convert_to_tensor(x), ops.convert_to_tensor(v)
    with _numpy_hint():
        _, product = torch.func.jvp(torch.func.grad(f), (x,), (v,))
    return ops.convert_to_numpy(product)


def _gradients(value, tensors):
    if not value.requires_grad:  # the value depends on none of the tensors
        return [ops.convert_to_numpy(torch.zeros_like(t)) for t in tensors]
    result = torch.autograd.grad(value, tensors, allow_unused=True)
    return [
        ops.convert_to_numpy(torch.zeros_like(t) if g is None else g)
        for t, g in zip(tensors, result)
    ]


@contextlib.contextmanager
def _numpy_hint():
    try:
        yield
    except RuntimeError as error:
        if "numpy()" not in str(error):
            raise
        raise InvalidInputError(
            "`f` turned its argument into a NumPy array, which PyTorch cannot "
            "differentiate: `tensor * array` with a NumPy `array` does that. "
            "Use `keras.ops` with the array instead (`keras.ops.multiply(x, "
            f"array)`). ({error})"
        ) from error
