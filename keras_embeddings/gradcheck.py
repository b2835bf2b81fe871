"""Gradient checking and second derivatives: finite differences vs autodiff.

`check_gradients` is the CSC321 lab's `checking.check_gradients` for any
Keras model: it compares the gradient that automatic differentiation gives
for each trainable weight with central finite differences
`(L(w + eps) - L(w - eps)) / (2 eps)` on up to `num_checks` sampled entries,
using the lab's relative error `|a - b| / (|a| + |b|)`. The check runs on a
float64 copy of the model, so rounding does not hide or fake an error, and
the model itself is left untouched. It catches wrong hand-written gradients
(`keras.ops.custom_gradient`, `tf.custom_gradient`) and layers whose maths
does not match their code.

`hessian` and `hessian_vector_product` are the homework's second
derivatives (hw1 §1.3): the full matrix of second derivatives of a scalar
function, and the product `H v` computed without ever forming `H`, in
`O(n)` memory instead of `O(n^2)`.

The gradients come from TensorFlow's `GradientTape`, so these tools need the
TensorFlow backend (Keras' default); the functions being differentiated are
written with `keras.ops`.

Taught in `tutorials/10_gradients_by_hand.py`.

Example:

```python
import keras
import numpy as np
from keras_embeddings import gradcheck

model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, "tanh"),
                          keras.layers.Dense(2)])
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
x, y = np.random.rand(5, 3), np.array([0, 1, 1, 0, 1])
for result in gradcheck.check_gradients(model, x, y):
    print(result)

f = lambda x: keras.ops.sum(keras.ops.sin(x) * x**3)
gradcheck.hessian_vector_product(f, np.ones(3), np.array([1.0, 0.0, 0.0]))
```
"""

import dataclasses
from numbers import Integral, Real

import keras
import numpy as np
from keras import ops

from keras_embeddings.errors import GradientCheckError, InvalidInputError

_FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


@dataclasses.dataclass(frozen=True)
class WeightCheck:
    """The result of `check_gradients` for one trainable weight.

    Attributes:
        name: str, the weight's path in the model, e.g. `"dense/kernel"`.
        shape: tuple of int, the weight's shape.
        num_checked: int, entries compared, `min(num_checks, size)`.
        max_relative_error: float, the largest relative error
            `|a - b| / (|a| + |b|)` over the entries (0 where `|a - b| <= atol`).
        max_abs_error: float, the largest `|a - b|` over the entries.
        worst_index: tuple of int, the entry with that error.
        autodiff: float, the autodiff gradient at `worst_index`.
        finite_difference: float, the finite-difference gradient there.
        passed: bool, `max_relative_error <= rtol`.
    """

    name: str
    shape: tuple
    num_checked: int
    max_relative_error: float
    max_abs_error: float
    worst_index: tuple
    autodiff: float
    finite_difference: float
    passed: bool

    def __str__(self):
        status = "OK" if self.passed else "FAILED"
        return (
            f"{self.name:<28} shape {str(self.shape):<10} "
            f"{self.num_checked:>5} entries  max relative error "
            f"{self.max_relative_error:.1e}  max |difference| "
            f"{self.max_abs_error:.1e}  {status}"
        )


def check_gradients(
    model,
    x,
    y,
    loss=None,
    eps=1e-4,
    rtol=1e-5,
    atol=1e-8,
    num_checks=1000,
    seed=0,
):
    """Compare a model's autodiff gradients with central finite differences.

    For every trainable weight `w`, up to `num_checks` entries are drawn at
    random (without replacement; all of them when the weight has fewer) and
    the derivative of the loss with respect to each is estimated as
    `(L(w_i + eps) - L(w_i - eps)) / (2 eps)`, then compared with the
    gradient that `tf.GradientTape` computes, by the relative error
    `|a - b| / (|a| + |b|)` of the CSC321 lab's checker. Entries whose two
    values differ by at most `atol` count as error 0 (both gradients are
    about zero, or agree to rounding). A weight fails when its largest
    relative error exceeds `rtol`.

    The check runs on a float64 copy of the model, re-created from its
    config (`get_config`/`from_config`) with every float dtype set to
    float64 and the model's weight values copied in: finite differences in
    float32 are too noisy to tell a right gradient from a slightly wrong one.
    The model, its weights and `keras.config.floatx()` are left unchanged.
    The model is called with `training=False`, so dropout, noise layers and
    batch statistics are off: the function checked is the inference-mode
    loss (the mean loss over `x`, plus regularization losses, as in `fit`).
    Loss functions with kinks (ReLU, max-pooling, hinge) can fail at points
    within `eps` of a kink, where the derivative is not defined.

    Args:
        model: a built `keras.Model` (Sequential, functional, or subclassed
            with a working `get_config`), with a single loss.
        x: the model's input: an array, or a list/dict of arrays.
        y: the targets, as the loss expects them.
        loss: a Keras loss (name, `keras.losses.Loss` or a callable
            `loss(y_true, y_pred)`); defaults to the model's compiled loss.
        eps: float > 0, the finite-difference step.
        rtol: float >= 0, the largest relative error that passes.
        atol: float >= 0, absolute differences at most this count as 0 error.
        num_checks: int, the most entries checked per weight.
        seed: int, seed of the entry sampling.

    Returns:
        A list of `WeightCheck`, one per trainable weight, in the order of
        `model.trainable_weights`.

    Raises:
        GradientCheckError: if a weight fails; the message names the first
            failing weight, its worst entry and both gradient values, and
            `error.report` holds the whole list.
        InvalidInputError: on bad arguments, a model without a loss or
            weights, a model that cannot be copied in float64, or a backend
            other than TensorFlow.

    Example:

    ```python
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(loss="mse")
    report = gradcheck.check_gradients(model, np.ones((4, 3)), np.zeros((4, 2)))
    [(r.name, r.num_checked, r.passed) for r in report]
    # [('sequential/dense/kernel', 6, True), ('sequential/dense/bias', 2, True)]
    ```
    """
    tf = _tensorflow("check_gradients")
    if not isinstance(model, keras.Model):
        raise InvalidInputError(
            f"`model` must be a `keras.Model`. Received: model={model!r}"
        )
    eps = _real("eps", eps, positive=True)
    rtol = _real("rtol", rtol)
    atol = _real("atol", atol)
    if isinstance(num_checks, bool) or not isinstance(num_checks, Integral):
        num_checks = None
    if num_checks is None or num_checks < 1:
        raise InvalidInputError(
            f"`num_checks` must be a positive integer. Received: num_checks={num_checks!r}"
        )
    if not model.built or not model.trainable_weights:
        raise InvalidInputError(
            f"`model` {model.name!r} has no trainable weights to check. Build it "
            "first (call it on a batch, e.g. `model(x)`) and make sure some "
            "weights are trainable."
        )
    loss = _model_loss(model) if loss is None else loss

    x = keras.tree.map_structure(_as_float64, x)
    y = keras.tree.map_structure(_as_float64, y)
    clone, loss_fn = _float64_copy(model, loss, x)
    x = keras.tree.map_structure(tf.convert_to_tensor, x)
    y = keras.tree.map_structure(tf.convert_to_tensor, y)

    @tf.function
    def objective(x, y):
        value = ops.mean(loss_fn(y, clone(x, training=False)))
        for extra in clone.losses:  # regularizers and add_loss, as in fit()
            value = value + ops.cast(extra, value.dtype)
        return value

    with tf.GradientTape() as tape:
        value = objective(x, y)
    if value.dtype != tf.float64:
        raise InvalidInputError(
            f"The loss is computed in {value.dtype.name}, not float64, so finite "
            "differences would be too noisy. A layer or the loss casts to a "
            "lower precision; pass a `loss` that keeps the input dtype."
        )
    gradients = tape.gradient(
        value,
        clone.trainable_weights,
        unconnected_gradients=tf.UnconnectedGradients.ZERO,
    )

    rng = np.random.default_rng(seed)
    report = []
    for weight, variable, gradient in zip(
        model.trainable_weights, clone.trainable_weights, gradients
    ):
        gradient = np.asarray(tf.convert_to_tensor(gradient)).reshape(-1)
        values = ops.convert_to_numpy(variable).astype("float64")
        flat = values.reshape(-1)  # a view: perturbing `flat` perturbs `values`
        entries = np.sort(rng.choice(flat.size, min(num_checks, flat.size), False))
        numeric = np.empty(len(entries))
        for n, i in enumerate(entries):
            original = flat[i]
            flat[i] = original + eps
            variable.assign(values)
            plus = float(objective(x, y))
            flat[i] = original - eps
            variable.assign(values)
            minus = float(objective(x, y))
            # The step actually taken, after rounding of original +- eps.
            numeric[n] = (plus - minus) / ((original + eps) - (original - eps))
            flat[i] = original
        variable.assign(values)
        report.append(_compare(weight, entries, gradient[entries], numeric, rtol, atol))

    failures = [result for result in report if not result.passed]
    if failures:
        first = failures[0]
        message = (
            f"Gradient check failed for weight `{first.name}` at entry "
            f"{first.worst_index}: autodiff gives {first.autodiff:.10g}, "
            f"central finite differences give {first.finite_difference:.10g} "
            f"(relative error {first.max_relative_error:.3g} > rtol={rtol:g})."
        )
        if len(failures) > 1:
            others = ", ".join(f"`{result.name}`" for result in failures[1:])
            message += f" Also failing: {others}."
        message += (
            " A gradient on the path from the loss to this weight is wrong (e.g. "
            "a custom_gradient), or the loss has a kink within `eps` of this point."
        )
        raise GradientCheckError(message, report=report)
    return report


def hessian(f, x):
    """The full Hessian matrix of a scalar function, by nested gradient tapes.

    `H[i, j] = d^2 f / dx_i dx_j`: the inner tape gives the gradient `g(x)`,
    the outer tape its Jacobian. Forming `H` costs `n^2` memory and about
    `n` gradient evaluations (vectorized); for large `n` use
    `hessian_vector_product`.

    Args:
        f: a function of a 1-D tensor returning a scalar, written with
            `keras.ops`.
        x: 1-D array-like, the point (integers are converted to float64).

    Returns:
        A NumPy array of shape `(n, n)`.

    Example:

    ```python
    v = np.array([3.0, 1.0, 4.0])
    f = lambda x: 0.5 * keras.ops.sum(x * v) ** 2  # 1/2 x^T v v^T x
    gradcheck.hessian(f, np.ones(3))
    # [[ 9.,  3., 12.], [ 3.,  1.,  4.], [12.,  4., 16.]]
    ```
    """
    tf = _tensorflow("hessian")
    x = _vector("x", x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            value = _scalar(f(x))
        gradient = inner.gradient(
            value, x, unconnected_gradients=tf.UnconnectedGradients.ZERO
        )
    matrix = outer.jacobian(
        gradient, x, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )
    return matrix.numpy()


def hessian_vector_product(f, x, v):
    """The product `H v` of the Hessian of `f` at `x` with `v`, without `H`.

    Computed forward-over-reverse: a `tf.GradientTape` gives the gradient
    `g(x)` (reverse mode) while a `tf.autodiff.ForwardAccumulator` pushes the
    tangent `v` through that computation (forward mode), giving the
    directional derivative of `g` along `v`, which is `H v`. This costs a
    small constant times one gradient evaluation and `O(n)` memory, where
    forming `H` costs `O(n^2)` memory and time. Reverse-over-reverse (the
    gradient of `g(x) . v`) has the same order of cost but must also record
    the whole backward pass on a second tape, which costs more memory and
    time; forward-over-reverse avoids that (JAX's autodiff cookbook calls it
    the most efficient way to compute Hessian-vector products).

    Args:
        f: a function of a 1-D tensor returning a scalar, written with
            `keras.ops`.
        x: 1-D array-like, the point (integers are converted to float64).
        v: 1-D array-like of the same length, the direction.

    Returns:
        A NumPy array of shape `(n,)`.

    Example:

    ```python
    v = np.array([4.0, 1.0, 2.0])
    f = lambda x: 0.5 * keras.ops.sum(x * v) ** 2  # H = v v^T
    gradcheck.hessian_vector_product(f, np.zeros(3), np.array([2.0, 2.0, 1.0]))
    # [48., 12., 24.]
    ```
    """
    tf = _tensorflow("hessian_vector_product")
    x = _vector("x", x)
    v = _vector("v", v)
    if v.shape != x.shape:
        raise InvalidInputError(
            f"`v` must have the shape of `x`, {tuple(x.shape)}. "
            f"Received: v of shape {tuple(v.shape)}"
        )
    v = tf.cast(v, x.dtype)
    with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as accumulator:
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = _scalar(f(x))
        gradient = tape.gradient(
            value, x, unconnected_gradients=tf.UnconnectedGradients.ZERO
        )
    product = accumulator.jvp(
        gradient, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )
    return product.numpy()


def _tensorflow(function_name):
    if keras.backend.backend() != "tensorflow":
        raise InvalidInputError(
            f"`{function_name}` supports only the TensorFlow backend for now "
            f"(it uses tf.GradientTape). The Keras backend is "
            f"{keras.backend.backend()!r}: set KERAS_BACKEND=tensorflow."
        )
    import tensorflow as tf

    return tf


def _real(name, value, positive=False):
    valid = isinstance(value, Real) and not isinstance(value, bool)
    if not valid or not np.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "a positive" if positive else "a non-negative"
        raise InvalidInputError(
            f"`{name}` must be {kind} number. Received: {name}={value!r}"
        )
    return float(value)


def _as_float64(value):
    # Integer inputs (word ids, class labels) keep their dtype.
    if value is None:
        return None
    array = np.asarray(value)
    return array.astype("float64") if array.dtype.kind == "f" else array


def _vector(name, value):
    import tensorflow as tf

    tensor = tf.convert_to_tensor(value)
    if not tensor.dtype.is_floating:
        tensor = tf.cast(tensor, "float64")
    if tensor.shape.rank != 1 or tensor.shape[0] == 0:
        raise InvalidInputError(
            f"`{name}` must be a non-empty 1-D vector. "
            f"Received: {name} of shape {tuple(tensor.shape)}"
        )
    return tensor


def _scalar(value):
    value = ops.convert_to_tensor(value)
    if int(np.prod(value.shape)) != 1:
        raise InvalidInputError(
            "`f` must return a scalar (one number). "
            f"Received a value of shape {tuple(value.shape)}; sum or average it."
        )
    return ops.reshape(value, ())


def _model_loss(model):
    loss = getattr(model, "loss", None)  # what was passed to compile()
    if loss is None:
        raise InvalidInputError(
            f"`model` {model.name!r} has no loss to differentiate: it is not "
            "compiled with one. Pass `loss=` (e.g. "
            "loss='sparse_categorical_crossentropy') or call "
            "`model.compile(loss=...)` first."
        )
    return loss


def _float64_copy(model, loss, x):
    """The model and loss re-created with float64 weights and computations."""
    if isinstance(loss, (list, tuple, dict)):
        raise InvalidInputError(
            "`check_gradients` needs a single loss. Received: loss="
            f"{loss!r}. For a multi-output model pass one callable "
            "`loss(y_true, y_pred)` that combines the outputs."
        )
    try:
        config = keras.saving.serialize_keras_object(model)
    except NotImplementedError as error:
        raise InvalidInputError(
            f"`check_gradients` works on a float64 copy of the model, made "
            f"from its config, but {type(model).__name__} cannot be copied: "
            "implement `get_config()` so that `from_config(get_config())` "
            f"re-creates it. ({error})"
        ) from error
    config.pop("build_config", None)  # built below by calling it on `x`
    config.pop("compile_config", None)  # the optimizer is not needed
    config = _float64_config(config)
    # Custom classes of the model (even ones not registered or defined in a
    # function) are found by name; `_flatten_layers` lists every sublayer.
    custom_objects = {}
    for layer in model._flatten_layers(include_self=True):
        cls = type(layer)
        custom_objects[cls.__name__] = cls
        custom_objects[keras.saving.get_registered_name(cls)] = cls

    previous_floatx = keras.config.floatx()
    previous_policy = keras.config.dtype_policy()
    try:
        # Layers made inside a subclassed model's __init__ or build() take the
        # global dtype policy, and losses take floatx: both float64 for now.
        keras.config.set_floatx("float64")
        keras.config.set_dtype_policy("float64")
        try:
            # safe_mode=False: the config comes from a live object, not a file,
            # so Lambda layers may be re-created.
            clone = keras.saving.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=False
            )
            clone(x, training=False)  # builds subclassed models
        except Exception as error:
            raise InvalidInputError(
                f"`check_gradients` could not re-create {type(model).__name__} "
                f"{model.name!r} from its config in float64 and call it on `x`: "
                f"{error}. Check that `get_config()` returns every argument of "
                "`__init__` and that the model accepts `x`."
            ) from error
        loss_fn = _float64_loss(loss)
    finally:
        keras.config.set_floatx(previous_floatx)
        keras.config.set_dtype_policy(previous_policy)

    if len(clone.weights) != len(model.weights) or any(
        tuple(a.shape) != tuple(b.shape) for a, b in zip(model.weights, clone.weights)
    ):
        raise InvalidInputError(
            f"The float64 copy of {model.name!r} has different weights "
            f"({[tuple(w.shape) for w in clone.weights]}) than the model "
            f"({[tuple(w.shape) for w in model.weights]}): its `get_config()` "
            "does not re-create the same architecture."
        )
    for source, target in zip(model.weights, clone.weights):
        target.assign(ops.convert_to_numpy(source).astype(target.dtype))
    for source, target in zip(model.trainable_weights, clone.trainable_weights):
        if target.dtype != "float64":
            raise InvalidInputError(
                f"Weight `{source.path}` stays {target.dtype} in the float64 copy "
                "(its layer fixes its dtype), so its gradient cannot be checked "
                "precisely."
            )
    return clone, loss_fn


def _float64_config(config):
    """A copy of a serialized config with every float dtype set to float64."""
    if isinstance(config, dict):
        return {
            key: _float64_dtype(value) if key == "dtype" else _float64_config(value)
            for key, value in config.items()
        }
    if isinstance(config, (list, tuple)):
        return type(config)(_float64_config(value) for value in config)
    return config


def _float64_dtype(dtype):
    name = dtype
    if isinstance(dtype, dict) and str(dtype.get("class_name", "")).endswith(
        "DTypePolicy"
    ):
        name = dtype.get("config", {}).get("name")
    if isinstance(name, str) and (name in _FLOAT_DTYPES or name.startswith("mixed_")):
        return "float64"
    return _float64_config(dtype)  # integer inputs, quantized policies: unchanged


def _float64_loss(loss):
    """A loss callable that computes in float64 (called with floatx float64)."""
    if isinstance(loss, str):
        try:
            return keras.losses.get(loss)
        except ValueError as error:
            raise InvalidInputError(
                f"`loss` {loss!r} is not a Keras loss name. ({error})"
            ) from error
    if isinstance(loss, keras.losses.Loss):
        # A Loss casts its inputs to the floatx of its creation; re-create it.
        try:
            return type(loss).from_config(loss.get_config())
        except Exception as error:
            raise InvalidInputError(
                f"The loss {loss!r} could not be re-created from its config to "
                "compute in float64. Pass a plain function `loss(y_true, "
                f"y_pred)` as `loss=`. ({error})"
            ) from error
    if callable(loss):
        return loss
    raise InvalidInputError(
        "`loss` must be a Keras loss name, a `keras.losses.Loss` or a callable "
        f"`loss(y_true, y_pred)`. Received: loss={loss!r}"
    )


def _compare(weight, entries, autodiff, numeric, rtol, atol):
    shape = tuple(int(d) for d in weight.shape)
    if not len(entries):  # an empty weight: nothing to compare
        return WeightCheck(weight.path, shape, 0, 0.0, 0.0, (), 0.0, 0.0, True)
    difference = np.abs(autodiff - numeric)
    scale = np.abs(autodiff) + np.abs(numeric)
    # Where the values differ by more than atol, scale > 0.
    relative = np.where(difference <= atol, 0.0, difference / np.maximum(scale, 1e-300))
    worst = (
        int(np.argmax(relative)) if relative.max() > 0 else int(np.argmax(difference))
    )
    return WeightCheck(
        name=weight.path,
        shape=shape,
        num_checked=len(entries),
        max_relative_error=float(relative[worst]),
        max_abs_error=float(difference.max()),
        worst_index=tuple(int(i) for i in np.unravel_index(entries[worst], shape)),
        autodiff=float(autodiff[worst]),
        finite_difference=float(numeric[worst]),
        passed=bool(relative[worst] <= rtol),
    )
