"""`optimizers.sum_duplicate_slices` and exact steps for every model.

Oracle: the first step of each Keras optimizer written out in NumPy (float64,
from the formulas in Keras' `update_step`s at their default settings) and
applied to the dense gradient. The dense gradient comes from one plain SGD
step with learning rate 1 (`w - w'`), which is exact on every backend
because SGD is linear in the gradient. Then the cross-backend check: the
same steps under JAX and PyTorch in subprocesses.
"""

import doctest
import functools
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from optimizer_cases import LEARNING_RATE, MODELS, OPTIMIZERS, optimizer, step

from keras_embeddings import optimizers as optimizers_module
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.optimizers import sum_duplicate_slices

EPSILON = 1e-7  # every optimizer's default


def numpy_first_step(name, w, g, lr=LEARNING_RATE):
    """The weights after the first step of Keras' optimizer `name` (defaults)."""
    w, g = w.astype("float64"), g.astype("float64")
    if name in ("adam", "adamw"):
        if name == "adamw":
            w = w - w * 0.004 * lr  # decoupled weight decay, applied first
        m, v = 0.1 * g, 0.001 * g**2
        alpha = lr * np.sqrt(1 - 0.999) / (1 - 0.9)
        return w - m * alpha / (np.sqrt(v) + EPSILON)
    if name == "nadam":
        u_t, u_next = 0.9 * (1 - 0.5 * 0.96), 0.9 * (1 - 0.5 * 0.96**2)
        m, v = 0.1 * g, 0.001 * g**2
        m_hat = u_next * m / (1 - u_t * u_next) + (1 - u_t) * g / (1 - u_t)
        return w - m_hat * lr / (np.sqrt(v / (1 - 0.999)) + EPSILON)
    if name == "rmsprop":
        return w - lr * g / np.sqrt(0.1 * g**2 + EPSILON)
    if name == "adagrad":
        return w - lr * g / np.sqrt(0.1 + g**2 + EPSILON)
    if name == "adadelta":
        delta = -np.sqrt(EPSILON) * g / np.sqrt(0.05 * g**2 + EPSILON)
        return w + lr * delta
    if name == "adamax":
        return w - lr * (0.1 * g) / ((1 - 0.9) * (np.abs(g) + EPSILON))
    if name == "ftrl":
        accumulator = 0.1 + g**2
        linear = g - (np.sqrt(accumulator) - np.sqrt(0.1)) / lr * w
        return -linear / (np.sqrt(accumulator) / lr)
    raise ValueError(name)


@functools.cache
def _dense_gradients(model_name):
    before, after_sgd = step(model_name, keras.optimizers.SGD(learning_rate=1.0))
    return before, [w0 - w1 for w0, w1 in zip(before, after_sgd)]


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("model_name", list(MODELS))
def test_one_step_equals_the_dense_numpy_update(model_name, name):
    before, gradients = _dense_gradients(model_name)
    assert any(np.any(g != 0) for g in gradients)
    _, after = step(model_name, optimizer(name))
    for w0, g, w1 in zip(before, gradients, after):
        expected = numpy_first_step(name, w0, g)
        # Where g is within round-off of 0, Adam-like steps are lr * g/|g|:
        # compare only entries with a clear gradient there.
        clear = np.abs(g) > 1e-4
        if name in ("adam", "adamw", "nadam", "rmsprop", "adamax", "adadelta"):
            np.testing.assert_allclose(w1[clear], expected[clear], rtol=1e-4, atol=1e-6)
        else:
            np.testing.assert_allclose(w1, expected, rtol=1e-4, atol=1e-6)


def test_without_the_fix_tensorflow_steps_too_far():
    """The bug this module fixes, shown on the plain Keras optimizer."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("only TensorFlow gives sparse (IndexedSlices) gradients")
    ids = np.full((1, 8), 1, "int32")  # one id, 8 times
    steps = []
    for fix in (False, True):
        model = keras.Sequential(
            [keras.Input((8,), dtype="int32"), keras.layers.Embedding(3, 2)]
        )
        adam = keras.optimizers.Adam(learning_rate=0.001)
        model.compile(optimizer=sum_duplicate_slices(adam) if fix else adam, loss="mse")
        w0 = keras.ops.convert_to_numpy(model.weights[0])
        model.train_on_batch(ids, np.ones((1, 8, 2), "float32"))
        steps.append(np.abs(keras.ops.convert_to_numpy(model.weights[0]) - w0)[1])
    np.testing.assert_allclose(steps[1], 0.001, rtol=1e-3)  # lr * sign(g)
    np.testing.assert_allclose(steps[0], 0.001 * np.sqrt(8), rtol=1e-3)


def test_clipnorm_sees_the_summed_gradient():
    """Clipping comes before the update: on TensorFlow without the sum, the
    norm of 8 repeated slices is √8 |g|, not 8 |g|, and even SGD over-steps."""
    model = keras.Sequential(
        [keras.Input((8,), dtype="int32"), keras.layers.Embedding(3, 2)]
    )
    sgd = sum_duplicate_slices(keras.optimizers.SGD(learning_rate=1.0, clipnorm=1e-3))
    model.compile(optimizer=sgd, loss="mse")
    w0 = keras.ops.convert_to_numpy(model.weights[0])
    model.train_on_batch(np.full((1, 8), 1, "int32"), np.ones((1, 8, 2), "float32"))
    step = keras.ops.convert_to_numpy(model.weights[0]) - w0
    np.testing.assert_allclose(np.linalg.norm(step), 1e-3, rtol=1e-4)  # clipped


def test_sum_duplicate_slices_keeps_the_optimizer():
    adam = keras.optimizers.Adam(learning_rate=0.02)
    cls, config = type(adam), adam.get_config()  # each backend has its own class
    assert sum_duplicate_slices(adam) is adam
    assert sum_duplicate_slices(adam) is adam  # twice: harmless
    assert type(adam) is cls and adam.get_config() == config
    named = sum_duplicate_slices("rmsprop")
    assert isinstance(named, keras.optimizers.RMSprop)
    scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam())
    assert sum_duplicate_slices(scaled) is scaled


def test_docstring_example_runs():
    assert doctest.testmod(optimizers_module).failed == 0


def test_sum_duplicate_slices_errors_name_the_argument():
    with pytest.raises(InvalidInputError, match="`optimizer`"):
        sum_duplicate_slices("no_such_optimizer")
    with pytest.raises(InvalidInputError, match="`optimizer`"):
        sum_duplicate_slices(keras.layers.Dense(2))


def test_models_fix_their_optimizer_in_compile_and_after_loading(tmp_path):
    from keras_embeddings import models

    model = models.GloVe(5, 2)
    model.compile(optimizer="adam")
    model(np.array([[1, 2]], "int32"))
    if keras.backend.backend() == "tensorflow":
        assert model.optimizer.apply.__name__ == "summed_apply"
    path = str(tmp_path / "glove.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    if keras.backend.backend() == "tensorflow":
        assert loaded.optimizer.apply.__name__ == "summed_apply"


@pytest.mark.slow
def test_one_step_is_the_same_on_every_backend(tmp_path):
    """TensorFlow (this process) against JAX and PyTorch (subprocesses).

    Adam-like steps are `lr * g / (|g| + eps)`: where a gradient entry is
    within float32 round-off of 0, each backend's own round-off moves its step
    by up to a few per cent of the learning rate, hence `atol = lr / 100`.
    The bug this guards against moves a repeated id's step by `(√k - 1) lr`.
    """
    if keras.backend.backend() != "tensorflow":
        pytest.skip(
            "compares TensorFlow with JAX and PyTorch; runs in the TensorFlow suite"
        )
    script = Path(__file__).with_name("optimizer_cases.py")
    results = {}
    for backend in ("jax", "torch"):
        out = tmp_path / f"{backend}.npz"
        env = {**os.environ, "KERAS_BACKEND": backend}
        subprocess.run([sys.executable, str(script), str(out)], env=env, check=True)
        results[backend] = np.load(out)
    for model_name in MODELS:
        for name in OPTIMIZERS:
            _, after = step(model_name, optimizer(name))
            for i, weight in enumerate(after):
                for backend, other in results.items():
                    np.testing.assert_allclose(
                        weight, other[f"{model_name}/{name}/{i}"], rtol=1e-4, atol=LEARNING_RATE / 100,
                        err_msg=f"{model_name} {name} weight {i}: tensorflow vs {backend}",
                    )  # fmt: skip
