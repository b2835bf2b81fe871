"""`check_gradients`: a model's autodiff gradients vs central finite differences."""

import dataclasses

import keras
import numpy as np
from keras import ops

from keras_embeddings._precision import float64_scope
from keras_embeddings._validation import number, positive_int
from keras_embeddings.errors import GradientCheckError, InvalidInputError
from keras_embeddings.gradcheck._adapter import adapter
from keras_embeddings.gradcheck._float64 import float64_copy

__all__ = ["WeightCheck", "check_gradients"]


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

    Example:

    ```python
    >>> from keras_embeddings.gradcheck import WeightCheck
    >>> check = WeightCheck(
    ...     "dense/bias", (2,), 2, 1e-9, 1e-12, (0,), 0.5, 0.5, passed=True
    ... )
    >>> print(check)
    dense/bias shape (2,) 2 entries max relative error 1.0e-09
    max |difference| 1.0e-12 OK
    ```
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
    gradient that the backend's automatic differentiation computes
    (`tf.GradientTape`, `jax.grad` or `torch.autograd.grad`), by the
    relative error `|a - b| / (|a| + |b|)` of the CSC321 lab's checker.
    Entries whose two values differ by at most `atol` count as error 0 (both
    gradients are about zero, or agree to rounding). A weight fails when its
    largest relative error exceeds `rtol`.

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
            weights, or a model that cannot be copied in float64.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings import gradcheck
    >>> model = keras.Sequential(
    ...     [keras.Input((3,)), keras.layers.Dense(2, name="dense")], name="model"
    ... )
    >>> model.compile(loss="mse")
    >>> report = gradcheck.check_gradients(model, np.ones((4, 3)), np.zeros((4, 2)))
    >>> [(r.name, r.num_checked, r.passed) for r in report]
    [('model/dense/kernel', 6, True), ('model/dense/bias', 2, True)]
    ```
    """
    backend = adapter()
    if not isinstance(model, keras.Model):
        raise InvalidInputError(
            f"`model` must be a `keras.Model`. Received: model={model!r}"
        )
    eps = number("eps", eps, low=0, low_open=True)
    rtol = number("rtol", rtol, low=0)
    atol = number("atol", atol, low=0)
    num_checks = positive_int("num_checks", num_checks)
    if not model.built or not model.trainable_weights:
        raise InvalidInputError(
            f"`model` {model.name!r} has no trainable weights to check. Build it "
            "first (call it on a batch, e.g. `model(x)`) and make sure some "
            "weights are trainable."
        )
    loss = _model_loss(model) if loss is None else loss

    x = keras.tree.map_structure(_as_float64, x)
    y = keras.tree.map_structure(_as_float64, y)
    with float64_scope():  # JAX's 64-bit mode; Keras ops keep float64
        clone, loss_fn = float64_copy(model, loss, x)
        report = _check(
            backend, model, clone, loss_fn, x, y, eps, rtol, atol, num_checks, seed
        )

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


def _check(backend, model, clone, loss_fn, x, y, eps, rtol, atol, num_checks, seed):
    """The per-weight comparison on the float64 `clone` of `model`."""
    x = keras.tree.map_structure(_as_tensor, x)
    y = keras.tree.map_structure(_as_tensor, y)
    variables = clone.trainable_weights

    def objective():
        value = ops.mean(loss_fn(y, clone(x, training=False)))
        for extra in clone.losses:  # regularizers and add_loss, as in fit()
            value = value + ops.cast(extra, value.dtype)
        return value

    value, gradients = backend.loss_and_gradients(objective, variables)
    dtype = keras.backend.standardize_dtype(value.dtype)
    if dtype != "float64":
        raise InvalidInputError(
            f"The loss is computed in {dtype}, not float64, so finite "
            "differences would be too noisy. A layer or the loss casts to a "
            "lower precision; pass a `loss` that keeps the input dtype."
        )
    evaluate = backend.evaluator(objective, variables)

    rng = np.random.default_rng(seed)
    report = []
    for weight, variable, gradient in zip(
        model.trainable_weights, variables, gradients
    ):
        gradient = gradient.reshape(-1)
        values = ops.convert_to_numpy(variable.value).astype("float64")
        flat = values.reshape(-1)  # a view: perturbing `flat` perturbs `values`
        entries = np.sort(rng.choice(flat.size, min(num_checks, flat.size), False))
        numeric = np.empty(len(entries))
        for n, i in enumerate(entries):
            original = flat[i]
            flat[i] = original + eps
            variable.assign(values)
            plus = evaluate()
            flat[i] = original - eps
            variable.assign(values)
            minus = evaluate()
            # The step actually taken, after rounding of original +- eps.
            numeric[n] = (plus - minus) / ((original + eps) - (original - eps))
            flat[i] = original
        variable.assign(values)
        report.append(_compare(weight, entries, gradient[entries], numeric, rtol, atol))
    return report


def _as_float64(value):
    # Integer inputs (word ids, class labels) keep their dtype.
    if value is None:
        return None
    array = np.asarray(value)
    return array.astype("float64") if array.dtype.kind == "f" else array


def _as_tensor(value):
    return None if value is None else ops.convert_to_tensor(value)


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
