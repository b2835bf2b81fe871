import keras
import numpy as np
import pytest
from keras import layers, ops

from keras_embeddings import gradcheck
from keras_embeddings.errors import GradientCheckError, InvalidInputError


class Scale(keras.layers.Layer):
    """`y = x * w` per feature, with a hand-written gradient.

    `gradient_factor=1` registers the true gradient for `w`; any other value
    multiplies it, which is the bug the checker must catch.
    """

    def __init__(self, gradient_factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.gradient_factor = gradient_factor

    def build(self, input_shape):
        self.w = self.add_weight(
            name="w",
            shape=(input_shape[-1],),
            initializer=keras.initializers.RandomNormal(1.0, 0.5, seed=3),
        )

    def call(self, inputs):
        factor = self.gradient_factor

        @ops.custom_gradient
        def scale(x, w):
            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                dw = ops.sum(upstream * x, axis=0)  # (features,)
                return upstream * w, factor * dw

            return x * w, grad

        # Pass the weight as a tensor input (ops.copy reads the variable), so the
        # gradient for it comes from `grad`.
        return scale(inputs, ops.copy(self.w))  # (batch, features)

    def get_config(self):
        return {**super().get_config(), "gradient_factor": self.gradient_factor}


class SmallClassifier(keras.Model):
    """A subclassed model: Dense -> Dropout -> Dense, with an L2 regularizer."""

    def __init__(self, hidden_units=5, num_classes=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.num_classes = num_classes
        self.hidden = layers.Dense(
            hidden_units, activation="tanh", kernel_regularizer="l2"
        )
        self.dropout = layers.Dropout(0.5)
        self.logits = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.hidden(inputs)  # (batch, hidden_units)
        return self.logits(self.dropout(x, training=training))

    def get_config(self):
        return {
            **super().get_config(),
            "hidden_units": self.hidden_units,
            "num_classes": self.num_classes,
        }


def _mlp():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(5, activation="tanh"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    y = np.array([0, 1, 2, 0, 1, 2])
    return model, x, y


def _scaled_model(gradient_factor):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    hidden = layers.Dense(4, activation="tanh", name="hidden")(inputs)
    scaled = Scale(gradient_factor, name="scale")(hidden)
    outputs = layers.Dense(2, name="logits")(scaled)
    model = keras.Model(inputs, outputs)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(1).normal(size=(5, 3))
    return model, x, np.array([0, 1, 1, 0, 1])


def test_softmax_mlp_with_sparse_cross_entropy_passes():
    model, x, y = _mlp()
    report = gradcheck.check_gradients(model, x, y)
    assert [r.name for r in report] == [w.path for w in model.trainable_weights]
    assert [r.shape for r in report] == [(4, 5), (5,), (5, 3), (3,)]
    assert [r.num_checked for r in report] == [20, 5, 15, 3]  # all entries
    for result in report:
        assert result.passed and result.max_relative_error <= 1e-5
        assert result.max_abs_error < 1e-8  # float64: far below float32 noise
        assert "OK" in str(result) and result.name in str(result)


def test_embedding_model_and_sampled_entries():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((3,), dtype="int32"),
            layers.Embedding(12, 4),
            layers.GlobalAveragePooling1D(),
            layers.Dense(12),
        ]
    )
    x = np.array([[1, 2, 3], [4, 5, 1], [6, 6, 2]])
    y = np.array([4, 5, 6])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    report = gradcheck.check_gradients(model, x, y, loss=loss, num_checks=10)
    # entries checked = min(num_checks, size): 48, 48, 12 -> 10 each.
    assert [r.num_checked for r in report] == [10, 10, 10]
    assert report[0].name.endswith("embeddings") and report[0].shape == (12, 4)
    assert all(r.passed for r in report)
    for result in report:
        assert all(0 <= i < d for i, d in zip(result.worst_index, result.shape))
    # The same seed draws the same entries; all entries when num_checks is big.
    again = gradcheck.check_gradients(model, x, y, loss=loss, num_checks=10)
    assert [r.worst_index for r in again] == [r.worst_index for r in report]
    full = gradcheck.check_gradients(model, x, y, loss=loss, num_checks=10_000)
    assert [r.num_checked for r in full] == [48, 48, 12]


def test_correct_custom_gradient_passes():
    model, x, y = _scaled_model(gradient_factor=1.0)
    report = gradcheck.check_gradients(model, x, y)
    assert [r.name for r in report] == [
        "hidden/kernel",
        "hidden/bias",
        "scale/w",
        "logits/kernel",
        "logits/bias",
    ]
    assert all(r.passed for r in report)


def test_wrong_custom_gradient_is_caught_and_named():
    model, x, y = _scaled_model(gradient_factor=2.0)
    with pytest.raises(GradientCheckError, match="`scale/w`") as info:
        gradcheck.check_gradients(model, x, y)
    error = info.value
    assert isinstance(error, InvalidInputError)
    message = str(error)
    assert "autodiff gives" in message and "finite differences give" in message
    failed = {r.name: r for r in error.report if not r.passed}
    assert list(failed) == ["scale/w"]  # the weights around it are still right
    result = failed["scale/w"]
    # The registered gradient is twice the true one: relative error 1/3.
    np.testing.assert_allclose(result.autodiff, 2 * result.finite_difference, rtol=1e-6)
    np.testing.assert_allclose(result.max_relative_error, 1 / 3, rtol=1e-5)
    assert f"entry {result.worst_index}" in message
    assert f"{result.autodiff:.10g}" in message
    assert f"{result.finite_difference:.10g}" in message


@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_autodiff_value_matches_the_linear_regression_formula(l2):
    # MSE of a linear model plus l2 * sum(W^2), as fit() minimises it:
    # dL/dW = 2/(N*K) X^T (X W + b - Y) + 2 l2 W, an independent oracle for the
    # gradient the report shows.
    keras.utils.set_random_seed(0)
    regularizer = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(2, kernel_regularizer=regularizer)]
    )
    model.compile(loss="mse")
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    kernel, bias = (ops.convert_to_numpy(w).astype("float64") for w in model.weights)
    residual = x @ kernel + bias - y
    expected = [
        2 * x.T @ residual / residual.size + 2 * l2 * kernel,
        2 * residual.sum(0) / residual.size,
    ]
    report = gradcheck.check_gradients(model, x, y, num_checks=4)
    assert [r.num_checked for r in report] == [4, 2]
    for result, gradient in zip(report, expected):
        np.testing.assert_allclose(
            result.autodiff, gradient[result.worst_index], rtol=1e-6
        )
        np.testing.assert_allclose(
            result.finite_difference, gradient[result.worst_index], rtol=1e-6
        )


def test_subclassed_model_with_dropout_and_regularizer():
    keras.utils.set_random_seed(0)
    model = SmallClassifier(hidden_units=4, num_classes=3)
    x = np.random.default_rng(3).normal(size=(6, 4)).astype("float32")
    model(x)
    # With dropout on, the finite differences would be noise: training=False.
    report = gradcheck.check_gradients(
        model, x, np.array([0, 1, 2, 2, 1, 0]), loss="sparse_categorical_crossentropy"
    )
    assert len(report) == 4 and all(r.passed for r in report)
    assert all(r.name.startswith(model.name + "/") for r in report)


def test_model_dtype_weights_and_floatx_unchanged():
    model, x, y = _mlp()
    before = [ops.convert_to_numpy(w).copy() for w in model.weights]
    predictions = ops.convert_to_numpy(model(x))
    policy = keras.config.dtype_policy().name
    gradcheck.check_gradients(model, x, y)
    assert keras.config.floatx() == "float32"
    assert keras.config.dtype_policy().name == policy == "float32"
    assert all(w.dtype == "float32" for w in model.weights)
    for weight, value in zip(model.weights, before):
        np.testing.assert_array_equal(ops.convert_to_numpy(weight), value)
    np.testing.assert_array_equal(ops.convert_to_numpy(model(x)), predictions)
    assert layers.Dense(2).dtype == "float32"  # new layers still default to float32


def test_callable_loss():
    model, x, y = _mlp()

    def loss(y_true, y_pred):  # per-example losses: averaged by the checker
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)

    assert all(r.passed for r in gradcheck.check_gradients(model, x, y, loss=loss))


def test_check_gradients_bad_inputs():
    model, x, y = _mlp()
    uncompiled = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    with pytest.raises(InvalidInputError, match=r"not compiled.*loss="):
        gradcheck.check_gradients(uncompiled, x, y)
    with pytest.raises(InvalidInputError, match="no trainable weights"):
        gradcheck.check_gradients(SmallClassifier(), x, y, loss="mse")
    with pytest.raises(InvalidInputError, match="`model` must be a `keras.Model`"):
        gradcheck.check_gradients(layers.Dense(2), x, y, loss="mse")
    with pytest.raises(InvalidInputError, match="num_checks=0"):
        gradcheck.check_gradients(model, x, y, num_checks=0)
    with pytest.raises(InvalidInputError, match="eps=-0.1"):
        gradcheck.check_gradients(model, x, y, eps=-0.1)
    with pytest.raises(InvalidInputError, match="not a Keras loss name"):
        gradcheck.check_gradients(model, x, y, loss="no_such_loss")
    with pytest.raises(InvalidInputError, match="single loss"):
        gradcheck.check_gradients(model, x, y, loss=["mse", "mse"])

    class Wrapper(keras.Model):  # takes a layer: no automatic get_config
        def __init__(self, layer, **kwargs):
            super().__init__(**kwargs)
            self.layer = layer

        def call(self, inputs):
            return self.layer(inputs)

    wrapper = Wrapper(layers.Dense(3))
    wrapper(x)
    with pytest.raises(InvalidInputError, match=r"cannot be copied.*get_config"):
        gradcheck.check_gradients(wrapper, x, y, loss="mse")


def _quadratic(v):
    v = np.asarray(v, dtype="float64")
    # ops.multiply, not `x * v`: PyTorch cannot differentiate a tensor times a
    # NumPy array (see test_numpy_constants_in_f).
    return lambda x: 0.5 * ops.sum(ops.multiply(x, v)) ** 2  # 1/2 x^T v v^T x


def test_hessian_of_the_homework_quadratic():
    # hw1 §1.3: H = v v^T, the same at every x.
    expected = np.array([[9, 3, 12], [3, 1, 4], [12, 4, 16]])
    rng = np.random.default_rng(4)
    for x in [np.zeros(3), *rng.normal(size=(3, 3))]:
        np.testing.assert_allclose(
            gradcheck.hessian(_quadratic([3, 1, 4]), x), expected
        )
    # Integer points work too.
    np.testing.assert_allclose(
        gradcheck.hessian(_quadratic([3, 1, 4]), [1, 2, 3]), expected
    )


def test_hessian_vector_product_of_the_homework():
    # hw1 §1.3.1: v = [4, 1, 2], y = [2, 2, 1] -> H y = v (v^T y) = [48, 12, 24].
    for x in [np.zeros(3), np.array([1.0, -2.0, 0.5])]:
        np.testing.assert_allclose(
            gradcheck.hessian_vector_product(_quadratic([4, 1, 2]), x, [2, 2, 1]),
            [48, 12, 24],
        )


def test_hessian_vector_product_of_a_non_quadratic_function():
    def f(x):
        return ops.sum(ops.sin(x) * x**3)

    def gradient(x):  # d/dx sin(x) x^3, by hand
        return np.cos(x) * x**3 + 3 * x**2 * np.sin(x)

    rng = np.random.default_rng(5)
    x, v = rng.normal(size=6), rng.normal(size=6)
    # The Hessian is diagonal: -sin(x) x^3 + 6 x^2 cos(x) + 6 x sin(x).
    diagonal = -np.sin(x) * x**3 + 6 * x**2 * np.cos(x) + 6 * x * np.sin(x)
    matrix = gradcheck.hessian(f, x)
    np.testing.assert_allclose(matrix, np.diag(diagonal), atol=1e-12)
    product = gradcheck.hessian_vector_product(f, x, v)
    np.testing.assert_allclose(product, matrix @ v, rtol=1e-10)
    h = 1e-5  # central differences of the gradient along v
    finite = (gradient(x + h * v) - gradient(x - h * v)) / (2 * h)
    np.testing.assert_allclose(product, finite, rtol=1e-6)


def test_hessian_vector_product_on_a_large_vector():
    # H = diag(a) + 1 1^T has 10^10 non-zero entries (80 GB in float64: forming
    # it would fail here); H v is a * v + sum(v), computed in O(n).
    n = 100_000
    rng = np.random.default_rng(6)
    a, x, v = rng.uniform(1, 2, n), rng.normal(size=n), rng.normal(size=n)

    def f(x):
        return 0.5 * ops.sum(ops.multiply(a, x**2)) + 0.5 * ops.sum(x) ** 2

    product = gradcheck.hessian_vector_product(f, x, v)
    np.testing.assert_allclose(product, a * v + v.sum(), rtol=1e-9, atol=1e-9)


def test_hessian_bad_inputs():
    with pytest.raises(InvalidInputError, match="must return a scalar"):
        gradcheck.hessian(lambda x: x**2, np.ones(3))
    with pytest.raises(InvalidInputError, match="must return a scalar"):
        gradcheck.hessian_vector_product(lambda x: x**2, np.ones(3), np.ones(3))
    with pytest.raises(InvalidInputError, match=r"`v` must have the shape.*\(2,\)"):
        gradcheck.hessian_vector_product(ops.sum, np.ones(3), np.ones(2))
    with pytest.raises(InvalidInputError, match=r"`x` must be a non-empty 1-D"):
        gradcheck.hessian(ops.sum, np.ones((2, 2)))
    # A function that does not depend on x has a zero Hessian.
    np.testing.assert_array_equal(
        gradcheck.hessian(lambda x: ops.convert_to_tensor(1.0, "float64"), np.ones(2)),
        np.zeros((2, 2)),
    )


def test_gradients_of_a_function_of_several_arrays():
    # f(w, x) = sum((x w)^2): df/dw = 2 x^T (x w), df/dx = 2 (x w) w^T.
    rng = np.random.default_rng(7)
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))

    def f(w, x):
        return ops.sum(ops.matmul(x, w) ** 2)

    grad_w, grad_x = gradcheck.gradients(f, [w, x])
    assert isinstance(grad_w, np.ndarray) and grad_w.dtype == "float64"
    np.testing.assert_allclose(grad_w, 2 * x.T @ (x @ w), rtol=1e-12)
    np.testing.assert_allclose(grad_x, 2 * (x @ w) @ w.T, rtol=1e-12)
    # An argument f ignores gets zeros; integer arrays become float64.
    unused, used = gradcheck.gradients(lambda a, b: ops.sum(b**2), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(unused, [0.0, 0.0])
    np.testing.assert_array_equal(used, [6.0, 8.0])
    with pytest.raises(InvalidInputError, match="non-empty list of arrays"):
        gradcheck.gradients(ops.sum, np.ones(3))
    with pytest.raises(InvalidInputError, match="must return a scalar"):
        gradcheck.gradients(lambda a: a * 2, [np.ones(3)])


def test_gradients_of_a_model_loss_through_stateless_call():
    # The weights' gradient via gradients(), against the linear-regression
    # formula dL/dW = 2/(N*K) X^T (X W + b - Y), dL/db = 2/(N*K) sum(residual).
    keras.utils.set_random_seed(0)
    with gradcheck.float64_scope():  # float64 weights on JAX too
        model = keras.Sequential(
            [keras.Input((3,), dtype="float64"), layers.Dense(2, dtype="float64")]
        )
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))

    def loss(kernel, bias):
        outputs, _ = model.stateless_call([kernel, bias], [], x)
        return ops.mean(
            ops.subtract(outputs, y) ** 2
        )  # `- y`: test_numpy_constants_in_f

    kernel, bias = (ops.convert_to_numpy(w.value) for w in model.trainable_weights)
    grad_kernel, grad_bias = gradcheck.gradients(loss, [kernel, bias])
    residual = x @ kernel + bias - y
    np.testing.assert_allclose(grad_kernel, 2 * x.T @ residual / 10, rtol=1e-10)
    np.testing.assert_allclose(grad_bias, 2 * residual.sum(0) / 10, rtol=1e-10)


def test_derivatives_are_computed_in_float64():
    # 1 + 1e-10 rounds to 1 in float32: only float64 keeps the difference.
    x = np.array([1 + 1e-10, 2.0])
    (gradient,) = gradcheck.gradients(lambda x: 0.5 * ops.sum(x**2), [x])
    assert gradient.dtype == "float64" and gradient[0] - 1 == pytest.approx(1e-10)

    def cube(x):
        return ops.sum(x**3) / 6  # H = diag(x)

    np.testing.assert_array_equal(np.diag(gradcheck.hessian(cube, x)), x)
    product = gradcheck.hessian_vector_product(cube, x, np.ones(2))
    assert product.dtype == "float64" and product[0] - 1 == pytest.approx(1e-10)
    np.testing.assert_array_equal(product, x)
    assert keras.config.floatx() == "float32"


def test_numpy_constants_in_f():
    # `x * array` works on TensorFlow and JAX; PyTorch turns x into a NumPy
    # array there, which cannot be differentiated: a clear error says so.
    def f(x):
        return ops.sum(x * np.array([1.0, 2.0]))

    if keras.backend.backend() == "torch":
        with pytest.raises(InvalidInputError, match=r"keras\.ops\.multiply"):
            gradcheck.gradients(f, [np.ones(2)])
        with pytest.raises(InvalidInputError, match=r"keras\.ops\.multiply"):
            gradcheck.hessian_vector_product(f, np.ones(2), np.ones(2))
    else:
        np.testing.assert_array_equal(gradcheck.gradients(f, [np.ones(2)])[0], [1, 2])
    np.testing.assert_array_equal(
        gradcheck.gradients(lambda x: ops.sum(ops.multiply(x, [1.0, 2.0])), [[[3, 4]]])[
            0
        ],
        [[1, 2]],
    )


def test_float64_scope_keeps_keras_ops_in_float64():
    # On JAX and PyTorch Keras computes ops.matmul and ops.mean of float64
    # tensors in float32 by default; in the scope they stay float64.
    x = np.array([[1 + 1e-10]])
    with gradcheck.float64_scope():
        tensor = ops.convert_to_tensor(x)
        product = ops.convert_to_numpy(ops.matmul(tensor, tensor))
        mean = ops.convert_to_numpy(ops.mean(ops.concatenate([tensor, tensor])))
        dense = layers.Dense(1, use_bias=False, dtype="float64")
        dense.build((None, 1))
        dense.kernel.assign(x)
        output = ops.convert_to_numpy(dense(tensor))
    assert product.dtype == mean.dtype == output.dtype == "float64"
    assert product[0, 0] - 1 == pytest.approx(2e-10)
    assert mean - 1 == pytest.approx(1e-10) and output[0, 0] - 1 == pytest.approx(2e-10)
    # Leaving the scope restores the defaults (still float64 on TensorFlow).
    after = ops.matmul(ops.convert_to_tensor(x), ops.convert_to_tensor(x))
    expected = "float64" if keras.backend.backend() == "tensorflow" else "float32"
    assert keras.backend.standardize_dtype(after.dtype) == expected
