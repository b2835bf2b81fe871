"""Gradient checking and second derivatives: finite differences vs autodiff.

`check_gradients` is the CSC321 lab's `checking.check_gradients` for any
Keras model: it compares the gradient that automatic differentiation gives
for each trainable weight with central finite differences
`(L(w + eps) - L(w - eps)) / (2 eps)` on up to `num_checks` sampled entries,
using the lab's relative error `|a - b| / (|a| + |b|)`. The check runs on a
float64 copy of the model, so rounding does not hide or fake an error, and
the model itself is left untouched. It catches wrong hand-written gradients
(`keras.ops.custom_gradient`) and layers whose maths does not match their
code.

`hessian` and `hessian_vector_product` are the homework's second
derivatives (hw1 §1.3): the full matrix of second derivatives of a scalar
function, and the product `H v` computed without ever forming `H`, in
`O(n)` memory instead of `O(n^2)`. `gradients` gives the first derivatives
of a scalar function of arrays.

Everything works on the TensorFlow, JAX and PyTorch backends: the functions
being differentiated are written with `keras.ops`, and a small adapter per
backend supplies the derivatives (`tf.GradientTape` and
`tf.autodiff.ForwardAccumulator`; `jax.grad`, `jax.jvp` and `jax.hessian`;
`torch.autograd.grad` and `torch.func`). All of them compute in
`float64_scope`, where float64 stays float64 on JAX and PyTorch too (by
default JAX makes it float32, and Keras' ops compute it in float32 there).

Taught in `tutorials/10_gradients_by_hand.py`.

Example:

```python
>>> import keras
>>> import numpy as np
>>> from keras_embeddings import gradcheck
>>> inputs = keras.Input((3,))
>>> logits = keras.layers.Dense(2)(keras.layers.Dense(4, "tanh")(inputs))
>>> model = keras.Model(inputs, logits)
>>> model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
>>> x, y = np.random.rand(5, 3), np.array([0, 1, 1, 0, 1])
>>> [check.passed for check in gradcheck.check_gradients(model, x, y)]
[True, True, True, True]
>>> def f(x):  # sum of sin(x) x^3: its Hessian's first column at x = 1
...     return keras.ops.sum(keras.ops.sin(x) * x**3)
>>> u = np.array([1.0, 0.0, 0.0])
>>> gradcheck.hessian_vector_product(f, np.ones(3), u).round(4).tolist()
[7.4492, 0.0, 0.0]
```
"""

from keras_embeddings._precision import float64_scope
from keras_embeddings.gradcheck.checker import WeightCheck, check_gradients
from keras_embeddings.gradcheck.hessians import (
    gradients,
    hessian,
    hessian_vector_product,
)

__all__ = [
    "WeightCheck",
    "check_gradients",
    "float64_scope",
    "gradients",
    "hessian",
    "hessian_vector_product",
]
