"""What each neuron of a layer outputs over a grid of inputs.

`plot_neuron_outputs` is the neuron-to-layer lab's visualisation: every
neuron of a layer reads the same inputs and answers differently. One input
feature gives a line plot per neuron; two give a heatmap per neuron over the
`(x1, x2)` plane. It returns a `NeuronOutputs`: the figure, the grid and the
layer's outputs on it (the values drawn).

Taught in `tutorials/02_neuron_to_layer.py`.
"""

import io
import math
import os
from typing import NamedTuple

import numpy as np
import seaborn as sns
from matplotlib.figure import Figure

from keras_embeddings._validation import float_array
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.plots._figure import DPI, new_figure, save

__all__ = ["NeuronOutputs", "plot_neuron_outputs"]

_GRID_POINTS = {1: 201, 2: 51}  # grid size per axis from `input_range`


class NeuronOutputs(NamedTuple):
    """What `plot_neuron_outputs` drew.

    A notebook shows it as its figure.

    Attributes:
        figure: the `matplotlib.figure.Figure` drawn, one axes per neuron
            (plus one colour bar per heatmap for two input features).
        inputs: float64 array `(num_points, input_dim)`, the grid points; for
            two inputs, `x1` varies fastest (row `i * len(x1_values) + k` is
            `(x1_values[k], x2_values[i])`).
        outputs: float64 array `(num_points, units)`, the layer's output on
            each grid point: column `j` is neuron `j`'s curve or heatmap.
        path: str, the PNG written when `path` was given, else None.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.layers import Neuron
    >>> from keras_embeddings.plots import plot_neuron_outputs
    >>> result = plot_neuron_outputs(Neuron(weights=[1.0]), np.array([-1.0, 0.0, 1.0]))
    >>> result.inputs.ravel().tolist(), np.round(result.outputs.ravel(), 3).tolist()
    ([-1.0, 0.0, 1.0], [0.269, 0.5, 0.731])
    >>> result.figure.axes[0].get_title()
    'neuron 1'
    ```
    """

    figure: Figure
    inputs: np.ndarray
    outputs: np.ndarray
    path: str | None = None

    def _repr_png_(self):
        """The figure as PNG bytes, so that IPython displays the result."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


def plot_neuron_outputs(layer, inputs=None, path=None, input_range=None):
    """Plot each neuron's output over a grid of inputs, one panel per neuron.

    For a layer with one input feature, each panel is a line plot of the
    neuron's output against `x`; for two input features, each panel is a
    seaborn heatmap of the output over the `(x1, x2)` plane (`x2` upwards),
    all heatmaps on one colour scale. Panels are titled `"neuron 1"`,
    `"neuron 2"`, ...

    Args:
        layer: a built or unbuilt Keras layer or model with 1 or 2 input
            features and outputs `(num_points, units)`, e.g. a
            `layers.NeuronLayer`, a `layers.Neuron` or a `Dense` layer.
        inputs: the grid, or None to make it from `input_range`. One input
            feature: a 1-D array of `x` values (or shape `(n, 1)`). Two: a
            pair `(x1_values, x2_values)` of 1-D arrays, the grid's axes.
            Values are sorted and duplicates dropped; each axis needs at
            least 2 values.
        path: str or path-like, optional: also save the figure there as a
            PNG (written atomically).
        input_range: `(low, high)` for every input feature, or one
            `(low, high)` per feature, when `inputs` is None: 201 evenly
            spaced points for one feature, a 51 x 51 grid for two. Needs a
            built layer (its input size must be known).

    Returns:
        A `NeuronOutputs(figure, inputs, outputs, path)`: the figure drawn, the
        grid points, the layer's outputs on them (the values drawn) and the
        PNG written (None without `path`).

    Raises:
        InvalidInputError: the layer does not have 1 or 2 input features,
            both or neither of `inputs` and `input_range` are given, or
            either is malformed.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.layers import NeuronLayer
    >>> from keras_embeddings.plots import plot_neuron_outputs
    >>> layer = NeuronLayer(3, weights=[[1.0], [-2.0], [0.5]], bias=[0, 1, -1])
    >>> result = plot_neuron_outputs(layer, np.linspace(-5, 5, 101), "neurons.png")
    >>> result.outputs.shape, len(result.figure.axes)
    ((101, 3), 3)
    >>> two = NeuronLayer(2, weights=[[1.0, 0.0], [0.0, 1.0]])
    >>> plot_neuron_outputs(two, ([0, 1, 2], [0, 1])).inputs.tolist()
    [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]
    ```
    """
    import keras  # imported here: the other plots need no TensorFlow

    if not callable(layer):
        raise InvalidInputError(
            f"`layer` must be a Keras layer or model. Received: layer={layer!r:.80}"
        )
    axes_values = _grid_axes(_layer_input_dim(layer), inputs, input_range)
    if len(axes_values) == 1:
        grid = axes_values[0][:, None]  # (n, 1)
    else:
        x1, x2 = np.meshgrid(*axes_values)  # (n2, n1) each: x1 varies fastest
        grid = np.stack([x1.ravel(), x2.ravel()], axis=1)  # (n1 * n2, 2)
    outputs = keras.ops.convert_to_numpy(layer(grid.astype("float32")))
    outputs = np.asarray(outputs, dtype=np.float64).reshape(len(grid), -1)
    name = getattr(layer, "name", type(layer).__name__)
    if len(axes_values) == 1:
        figure = _line_panels(grid[:, 0], outputs)
    else:
        figure = _heatmap_panels(axes_values, outputs)
    units = outputs.shape[1]
    neurons = "1 neuron" if units == 1 else f"{units} neurons"
    figure.suptitle(f"Outputs of the {neurons} of {name!r}")
    saved = None if path is None else os.fspath(path)
    return NeuronOutputs(save(figure, path), grid, outputs, saved)


def _panels(units, panel_size, **subplots):
    """A figure of `units` axes, up to 4 per row (spare axes removed)."""
    ncols = min(4, units)
    nrows = math.ceil(units / ncols)
    figure = new_figure((panel_size[0] * ncols, panel_size[1] * nrows))
    axes = figure.subplots(nrows, ncols, squeeze=False, **subplots).ravel()
    for ax in axes[units:]:
        figure.delaxes(ax)
    return figure, axes[:units]


def _line_panels(x, outputs):
    """One line plot per neuron: `outputs[:, j]` against `x`."""
    with sns.axes_style("whitegrid"):
        figure, axes = _panels(outputs.shape[1], (3.6, 2.8), sharex=True)
        for j, ax in enumerate(axes):
            ax.plot(x, outputs[:, j])
            ax.set(title=f"neuron {j + 1}", xlabel="x", ylabel="output")
    return figure


def _heatmap_panels(axes_values, outputs):
    """One heatmap per neuron over the `(x1, x2)` grid, one colour scale."""
    n1, n2 = len(axes_values[0]), len(axes_values[1])
    low, high = float(outputs.min()), float(outputs.max())
    if low == high:  # a constant output still gets a colour scale
        low, high = low - 0.5, high + 0.5
    with sns.axes_style("white"):
        figure, axes = _panels(outputs.shape[1], (4.2, 3.5))
        for j, ax in enumerate(axes):
            sns.heatmap(
                outputs[:, j].reshape(n2, n1),  # row i: x2 = x2_values[i]
                ax=ax,
                vmin=low,
                vmax=high,
                cmap="viridis",
                xticklabels=False,
                yticklabels=False,
                cbar_kws={"label": "output"},
            )
            ax.set_xticks(*_ticks(axes_values[0]))
            ax.set_yticks(*_ticks(axes_values[1]), rotation=0)
            ax.invert_yaxis()  # x2 grows upwards
            ax.set(title=f"neuron {j + 1}", xlabel="x1", ylabel="x2")
    return figure


def _layer_input_dim(layer):
    """The number of input features of a layer or model, or None if unknown."""
    kernel = getattr(layer, "kernel", None)
    if kernel is not None and getattr(layer, "built", False):
        return int(kernel.shape[0])
    try:
        shape = layer.input_shape  # functional and Sequential models
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, tuple) and len(shape) >= 2 and shape[-1] is not None:
        return int(shape[-1])
    return None


def _grid_axes(input_dim, inputs, input_range):
    """One sorted 1-D float64 array of values per input feature."""
    if input_dim is not None and input_dim not in (1, 2):
        raise InvalidInputError(
            "`plot_neuron_outputs` draws layers with 1 or 2 input features. "
            f"Received: a `layer` with {input_dim} input features."
        )
    if (inputs is None) == (input_range is None):
        raise InvalidInputError(
            "Pass exactly one of `inputs` (the grid) and `input_range` "
            f"((low, high)). Received: inputs={inputs!r:.80}, "
            f"input_range={input_range!r:.80}"
        )
    if inputs is not None:
        axes_values = _inputs_axes(inputs)
        if input_dim is not None and len(axes_values) != input_dim:
            raise InvalidInputError(
                f"`inputs` describes a grid of {len(axes_values)} input feature(s) "
                f"but `layer` has {input_dim}. For two features pass a pair "
                "(x1_values, x2_values); for one, a 1-D array."
            )
        return axes_values
    if input_dim is None:
        raise InvalidInputError(
            "`layer` is not built, so its number of input features is unknown: "
            "pass the grid as `inputs`, or build the layer first."
        )
    bounds = float_array("input_range", input_range)
    if bounds.shape == (2,):
        bounds = np.tile(bounds, (input_dim, 1))
    if bounds.shape != (input_dim, 2) or not np.all(bounds[:, 0] < bounds[:, 1]):
        raise InvalidInputError(
            "`input_range` must be (low, high) with low < high, or one such pair "
            f"per input feature ({input_dim}). Received: input_range={input_range!r}"
        )
    return [np.linspace(low, high, _GRID_POINTS[input_dim]) for low, high in bounds]


def _inputs_axes(inputs):
    """The grid's axes from `inputs`: a 1-D array, or a pair of 1-D arrays."""
    pair = (
        isinstance(inputs, (list, tuple))
        and len(inputs) == 2
        and all(np.ndim(values) == 1 for values in inputs)
    )
    if pair:
        return [_grid_axis(values) for values in inputs]
    values = float_array("inputs", inputs)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise InvalidInputError(
            "`inputs` must be a 1-D array of x values (one input feature) "
            "or a pair (x1_values, x2_values) of 1-D arrays (two input "
            f"features). Received: an array of shape {values.shape}"
        )
    return [_grid_axis(values)]


def _grid_axis(values):
    values = np.unique(float_array("inputs", values))  # sorted, no duplicates
    if values.size < 2:
        raise InvalidInputError(
            "Each axis of `inputs` needs at least 2 distinct values. "
            f"Received: {values.tolist()}"
        )
    return values


def _ticks(values, num_labels=6):
    """Heatmap tick positions (cell centres) and labels for a few of `values`."""
    step = max(1, round((len(values) - 1) / (num_labels - 1)))  # ends labelled
    index = np.arange(0, len(values), step)
    return index + 0.5, [f"{values[i]:.3g}" for i in index]
