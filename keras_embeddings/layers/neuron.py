"""The lecture's neuron, `y = f(w·x + b)`, and a layer of neurons side by side.

`Neuron` is one unit: it weighs its inputs, adds a bias and applies an
activation. `NeuronLayer` puts `units` neurons side by side on the same
input, each with its own weights and bias: that is a dense (fully
connected) layer, and `NeuronLayer` computes exactly what
`keras.layers.Dense` computes (Rosenblatt 1958; McCulloch & Pitts 1943 for
the threshold unit). Both take hand-set weights, as in the lecture's lab and
in hard-coded networks such as `models.superincreasing_detector`.

The activations, `hard_threshold` (the step `I(z >= 0)` of McCulloch-Pitts
neurons and perceptrons) among them, are in `layers.activations`.

Taught in `tutorials/02_neuron_to_layer.py`.
"""

import keras
import numpy as np
from keras import ops

from keras_embeddings._precision import check_float64_supported, matmul
from keras_embeddings._validation import (
    boolean,
    float_array,
    last_dimension,
    positive_int,
)
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers.activations import (  # noqa: F401 (their old home)
    get_activation,
    hard_threshold,
    serialize_activation,
)

__all__ = ["Neuron", "NeuronLayer"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NeuronLayer(keras.layers.Layer):
    """`units` neurons side by side: `y_j = f(w_j·x + b_j)` for `j = 1..units`.

    Every neuron of the layer reads the same input `x` and has its own
    weight vector `w_j` and bias `b_j`. Stacking the weight vectors as the
    columns of a kernel of shape `(input_dim, units)` turns the `units`
    weighted sums into one product: `x @ kernel + bias` holds every
    neuron's `w_j·x + b_j`. This is `keras.layers.Dense`, written out.

    Weights can be set by hand, as the lecture's lab does: `weights` is the
    list of the neurons' weight vectors, one row per neuron (the matrix `W`
    of `h = f(W x + b)` in the lecture and in CSC321). The kernel is its
    transpose: `kernel = W.T`, so `Dense(units).set_weights([W.T, b])`
    builds the same layer. Like `keras.layers.Embedding(weights=...)`, the
    hand-set values are initial values, checked against the input size when
    the layer is built; they are not part of `get_config()` (a saved model
    keeps the current weights). `set_weights([kernel, bias])` also works.

    Args:
        units: int, the number of neurons.
        activation: the activation `f`, applied to each neuron: a Keras
            activation name or callable (`"sigmoid"`, `"relu"`, `"tanh"`,
            `None` for linear, ...) or `"hard_threshold"`. Default
            `"sigmoid"`, the lecture's neuron.
        weights: optional, array-like of shape `(units, input_dim)`: row `j`
            is neuron `j`'s weight vector `w_j`.
        bias: optional, a number (every neuron's bias) or array-like of
            shape `(units,)`. Needs `use_bias=True`.
        use_bias: bool, whether the neurons add a bias.
        kernel_initializer: initializer of the kernel when `weights` is not
            given.
        bias_initializer: initializer of the bias when `bias` is not given.
        **kwargs: base `Layer` arguments (`name`, `dtype`, `trainable`).
            `dtype="mixed_float16"` keeps float32 weights and computes in
            float16; a float64 `dtype` on JAX needs JAX's 64-bit mode
            (otherwise `InvalidInputError`).

    Input shape:
        `(batch, input_dim)` (or `(..., input_dim)`).

    Output shape:
        `(batch, units)` (or `(..., units)`).

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import NeuronLayer
    >>> layer = NeuronLayer(
    ...     2, weights=[[1.0, 2.0], [-1.0, 0.5]], bias=[0.0, 1.0], activation="relu"
    ... )
    >>> y = layer(np.array([[3.0, 1.0]]))  # relu(1*3 + 2*1), relu(-3 + 0.5 + 1)
    >>> keras.ops.convert_to_numpy(y).tolist()
    [[5.0, 0.0]]
    ```
    """

    def __init__(
        self,
        units,
        activation="sigmoid",
        weights=None,
        bias=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_float64_supported(self.dtype_policy, type(self).__name__)
        self.units = positive_int("units", units)
        self.activation = get_activation(activation)
        self.use_bias = boolean("use_bias", use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self._initial_weights = self._check_weights(weights)
        self._initial_bias = self._check_bias(bias)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)

    def _check_weights(self, weights):
        if weights is None:
            return None
        array = float_array("weights", weights)
        if array.ndim != 2 or array.shape[0] != self.units or array.shape[1] < 1:
            raise InvalidInputError(
                f"`weights` must have shape (units, input_dim) = ({self.units}, "
                "input_dim): one weight vector per neuron. Received: an array of "
                f"shape {array.shape}, weights={weights!r:.200}"
            )
        return array

    def _check_bias(self, bias):
        if bias is None:
            return None
        if not self.use_bias:
            raise InvalidInputError(
                f"`bias` is given but `use_bias=False`. Received: bias={bias!r}"
            )
        array = float_array("bias", bias)
        if array.ndim == 0:
            return np.full((self.units,), array)
        if array.shape != (self.units,):
            raise InvalidInputError(
                f"`bias` must be a number or hold one value per neuron ({self.units}). "
                f"Received: bias={bias!r}"
            )
        return array

    def build(self, input_shape):
        input_dim = last_dimension(input_shape, type(self).__name__)
        if (
            self._initial_weights is not None
            and self._initial_weights.shape[1] != input_dim
        ):
            given = self._initial_weights
            given = given[0] if isinstance(self, Neuron) else given  # as passed
            raise InvalidInputError(
                f"`weights` has {self._initial_weights.shape[1]} weight(s) per neuron "
                f"but the input has {input_dim} feature(s) (input_shape="
                f"{input_shape}). Give one weight per input feature. Received: "
                f"weights={given.tolist()!r:.200}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.units,), initializer=self.bias_initializer
            )
        if self._initial_weights is not None:
            self.kernel.assign(self._initial_weights.T)  # kernel = W.T
        if self._initial_bias is not None:
            self.bias.assign(self._initial_bias)
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        # One neuron: z = w·x + b. Column j of the kernel is neuron j's w, so
        # one product gives every neuron's weighted sum at once.
        z = matmul(inputs, self.kernel)  # (batch, units)
        if self.use_bias:
            z = z + self.bias  # (batch, units)
        return self.activation(z)  # (batch, units): y_j = f(w_j·x + b_j)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = {
            "units": self.units,
            "activation": serialize_activation(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="keras_embeddings")
class Neuron(NeuronLayer):
    """One neuron: `y = f(w·x + b)`, the lecture's basic unit.

    The neuron weighs each input feature `x_i` by `w_i`, adds a bias `b`,
    and passes the sum through the activation `f` (Rosenblatt 1958). It is
    a `NeuronLayer` of one unit: its kernel has shape `(input_dim, 1)` and
    its bias shape `(1,)`, the same as `keras.layers.Dense(1)`.

    Weights can be set by hand (`Neuron(weights=[...], bias=...)`, checked
    against the input size when the neuron is built) or with
    `set_weights([kernel, bias])`. Hand-set values are initial values and
    are not part of `get_config()`.

    Args:
        activation: the activation `f`: a Keras activation name or callable
            (`"sigmoid"`, `"relu"`, `"tanh"`, `None` for linear, ...) or
            `"hard_threshold"`. Default `"sigmoid"`.
        weights: optional, array-like of shape `(input_dim,)`, the weight
            vector `w`.
        bias: optional number, the bias `b`. Needs `use_bias=True`.
        use_bias: bool, whether the neuron adds a bias.
        kernel_initializer: initializer of `w` when `weights` is not given.
        bias_initializer: initializer of `b` when `bias` is not given.
        **kwargs: base `Layer` arguments (`name`, `dtype`, `trainable`), with
            the dtypes that `NeuronLayer` takes.

    Input shape:
        `(batch, input_dim)` (or `(..., input_dim)`).

    Output shape:
        `(batch, 1)` (or `(..., 1)`).

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import Neuron
    >>> neuron = Neuron(weights=[0.5, -1.0, 2.0], bias=0.1)
    >>> y = neuron(np.array([[1.0, 2.0, 3.0]]))  # sigmoid(0.5 - 2 + 6 + 0.1)
    >>> keras.ops.convert_to_numpy(y).tolist()
    [[0.990]]
    ```
    """

    def __init__(
        self,
        activation="sigmoid",
        weights=None,
        bias=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        if weights is not None:
            array = float_array("weights", weights)
            if array.ndim != 1 or array.size == 0:
                raise InvalidInputError(
                    "`weights` must be a non-empty vector, one weight per input "
                    f"feature. Received: weights={weights!r:.200}"
                )
            weights = array[None, :]  # the one row of W
        if bias is not None and np.ndim(bias) != 0:
            raise InvalidInputError(
                f"`bias` must be a single number. Received: bias={bias!r}"
            )
        super().__init__(
            1,
            activation=activation,
            weights=weights,
            bias=bias,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        del config["units"]
        return config
