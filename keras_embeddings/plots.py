"""Plots of training, of embeddings and of neurons.

`plot_history` draws a Keras `History` (loss and every metric, each with its
`val_` twin); `plot_embedding_2d` projects word vectors to two dimensions
with PCA or t-SNE (van der Maaten & Hinton 2008) and labels each point with
its word, as the CSC321 lab's `tsne_plot_representation` does;
`plot_neuron_outputs` draws what each neuron of a layer outputs over a grid
of inputs (the neuron-to-layer lab's visualisation).

Figures are `matplotlib.figure.Figure` objects drawn on a `FigureCanvasAgg`,
never through pyplot, so these functions work on a headless server and leave
a notebook's or a user's interactive backend alone. Seaborn's `whitegrid`
style applies only inside the functions. Each PNG is written atomically.

Taught in `tutorials/04_next_token_lstm.py` (history, maps) and
`tutorials/02_neuron_to_layer.py` (neuron outputs).

Example:

```python
import numpy as np
from keras_embeddings import plots

plots.plot_history({"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.7, 1.6]},
                   "history.png")
rng = np.random.default_rng(0)
word_vectors = {w: rng.normal(size=8) for w in ["king", "queen", "man", "woman"]}
plots.plot_embedding_2d(word_vectors, "map.png")
```
"""

import math
import os
from collections.abc import Mapping
from numbers import Integral
from typing import NamedTuple

import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

from keras_embeddings._word_vectors import words_and_matrix
from keras_embeddings.errors import InvalidInputError, UnknownWordError
from keras_embeddings.io_utils import atomic_open

_METHODS = {"pca": "PCA", "tsne": "t-SNE"}
_GRID_POINTS = {1: 201, 2: 51}  # grid size per axis from `input_range`


def plot_history(history, path):
    """Plot training curves, one subplot per metric with its validation twin.

    Args:
        history: the `keras.callbacks.History` that `model.fit` returns, or
            its `.history` dict metric name -> list of per-epoch values
            (e.g. the CLI's `history.json`).
        path: str or path-like, the PNG file to write.

    Returns:
        The path written, as a str.
    """
    curves = _history_dict(history)
    names = [name for name in curves if not name.startswith("val_")]
    # A validation metric without its training twin still gets a subplot.
    names += [
        name
        for name in curves
        if name.startswith("val_") and name.removeprefix("val_") not in curves
    ]
    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)

    with sns.axes_style("whitegrid"):
        figure = Figure(figsize=(4.5 * ncols, 3.5 * nrows), layout="constrained")
        axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, name in zip(axes, names):
            for key, label in ((name, "training"), (f"val_{name}", "validation")):
                if key in curves:
                    values = curves[key]
                    epochs = np.arange(1, len(values) + 1)
                    marker = "o" if len(values) <= 30 else None
                    ax.plot(epochs, values, marker=marker, label=label)
            ax.set(title=name, xlabel="epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.legend()
        for ax in axes[len(names) :]:
            figure.delaxes(ax)
    return _save_png(figure, path)


def _history_dict(history):
    """`{name: float array}` from a Keras `History` or its `.history` dict."""
    curves = getattr(history, "history", history)
    if not isinstance(curves, Mapping) or not curves:
        raise InvalidInputError(
            "`history` must be the `History` returned by `model.fit` or a "
            "non-empty dict metric name -> list of per-epoch values. "
            f"Received: {history!r:.80}"
        )
    result = {}
    for name, values in curves.items():
        try:
            values = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            values = None
        if values is None or values.ndim != 1 or values.size == 0:
            raise InvalidInputError(
                f"History entry {name!r} must be a non-empty list of numbers, "
                "one per epoch."
            )
        result[str(name)] = values
    return result


def project_2d(matrix, method="pca", random_state=0):
    """Project the rows of a matrix to two dimensions.

    Args:
        matrix: array of shape `(n, dim)` with `n >= 2` and `dim >= 2`.
        method: `"pca"` (scikit-learn's `PCA`, exact SVD: the coordinates
            on the first two principal axes) or `"tsne"` (scikit-learn's
            `TSNE`, PCA-initialised, perplexity `min(30, n - 1)`).
        random_state: int, the t-SNE seed (PCA is deterministic).

    Returns:
        A float64 array of shape `(n, 2)`.
    """
    if method not in _METHODS:
        raise InvalidInputError(
            f'`method` must be "pca" or "tsne". Received: method={method!r}'
        )
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        raise InvalidInputError(
            "Projecting to 2-D needs at least 2 vectors of at least 2 "
            f"dimensions. Received: an array of shape {matrix.shape}"
        )
    if method == "pca":
        return PCA(n_components=2, svd_solver="full").fit_transform(matrix)
    perplexity = min(30.0, matrix.shape[0] - 1.0)  # t-SNE needs perplexity < n.
    tsne = TSNE(
        n_components=2, perplexity=perplexity, init="pca", random_state=random_state
    )
    return tsne.fit_transform(matrix).astype(np.float64)


def plot_embedding_2d(word_vectors, path, words=None, method="pca", max_words=200):
    """Plot word vectors on a 2-D map, each point labelled with its word.

    Args:
        word_vectors: dict word -> vector (as `export.to_word_vectors`
            returns, in id order, i.e. most frequent first for a Tokenizer),
            or a gensim `KeyedVectors`.
        path: str or path-like, the PNG file to write.
        words: list of str, optional, the words to plot. Default: the first
            `max_words` words of `word_vectors`.
        method: `"pca"` or `"tsne"`; see `project_2d`. The projection is fit
            on the plotted words only.
        max_words: int, how many words to plot when `words` is not given.

    Returns:
        The path written, as a str.
    """
    figure, _, _ = _embedding_figure(word_vectors, words, method, max_words)
    return _save_png(figure, path)


def _embedding_figure(word_vectors, words, method, max_words):
    """The map's figure, with the plotted words and their `(n, 2)` coordinates."""
    if method not in _METHODS:
        raise InvalidInputError(
            f'`method` must be "pca" or "tsne". Received: method={method!r}'
        )
    all_words, matrix = words_and_matrix(word_vectors)
    if words is None:
        if not isinstance(max_words, Integral) or max_words < 2:
            raise InvalidInputError(
                "`max_words` must be an integer of at least 2. "
                f"Received: max_words={max_words!r}"
            )
        words = all_words[:max_words]
        rows = matrix[:max_words]
    else:
        if isinstance(words, str):
            raise InvalidInputError(
                f"`words` must be a list of words. Received: words={words!r}"
            )
        index = {}
        for i, word in enumerate(all_words):
            index.setdefault(word, i)
        words = list(words)
        for word in words:
            if word not in index:
                raise UnknownWordError(word, all_words)
        rows = matrix[[index[word] for word in words]]
    coords = project_2d(rows, method)  # (len(words), 2)

    with sns.axes_style("whitegrid"):
        figure = Figure(figsize=(9, 7), layout="constrained")
        ax = figure.subplots()
        ax.scatter(coords[:, 0], coords[:, 1], s=14, alpha=0.6)
        for word, (x, y) in zip(words, coords):
            ax.annotate(
                str(word), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=8
            )
        ax.set(
            title=f"{_METHODS[method]} map of {len(words)} word vectors",
            xlabel="dimension 1",
            ylabel="dimension 2",
        )
    return figure, words, coords


def _save_png(figure, path):
    """Render `figure` with Agg and write it to `path` atomically."""
    FigureCanvasAgg(figure)  # Attaches itself as `figure.canvas`.
    path = os.fspath(path)
    with atomic_open(path, "wb") as f:
        figure.savefig(f, format="png", dpi=100)
    return path


class NeuronOutputs(NamedTuple):
    """What `plot_neuron_outputs` drew.

    Attributes:
        path: str, the PNG file written.
        inputs: float64 array `(num_points, input_dim)`, the grid points; for
            two inputs, `x1` varies fastest (row `i * len(x1_values) + k` is
            `(x1_values[k], x2_values[i])`).
        outputs: float64 array `(num_points, units)`, the layer's output on
            each grid point: column `j` is neuron `j`'s curve or heatmap.
    """

    path: str
    inputs: np.ndarray
    outputs: np.ndarray


def plot_neuron_outputs(layer, inputs, path, input_range=None):
    """Plot each neuron's output over a grid of inputs, one panel per neuron.

    The lab's visualisation of a layer: every neuron of the layer reads the
    same inputs and answers differently. For a layer with one input feature,
    each panel is a line plot of the neuron's output against `x`; for two
    input features, each panel is a seaborn heatmap of the output over the
    `(x1, x2)` plane (`x2` upwards), all heatmaps on one colour scale.

    Args:
        layer: a built or unbuilt Keras layer or model with 1 or 2 input
            features and outputs `(num_points, units)`, e.g. a
            `layers.NeuronLayer`, a `layers.Neuron` or a `Dense` layer.
        inputs: the grid, or None to make it from `input_range`. One input
            feature: a 1-D array of `x` values (or shape `(n, 1)`). Two: a
            pair `(x1_values, x2_values)` of 1-D arrays, the grid's axes.
            Values are sorted and duplicates dropped; each axis needs at
            least 2 values.
        path: str or path-like, the PNG file to write.
        input_range: `(low, high)` for every input feature, or one
            `(low, high)` per feature, when `inputs` is None: 201 evenly
            spaced points for one feature, a 51 x 51 grid for two. Needs a
            built layer (its input size must be known).

    Returns:
        A `NeuronOutputs(path, inputs, outputs)`: the path written, the
        grid points and the layer's outputs on them (the values drawn).

    Raises:
        InvalidInputError: the layer does not have 1 or 2 input features,
            both or neither of `inputs` and `input_range` are given, or
            either is malformed.

    Example:

    ```python
    from keras_embeddings import layers, plots

    layer = layers.NeuronLayer(3, weights=[[1.0], [-2.0], [0.5]], bias=[0, 1, -1])
    result = plots.plot_neuron_outputs(layer, np.linspace(-5, 5, 101), "n.png")
    result.outputs.shape  # (101, 3)
    ```
    """
    figure, grid, outputs = _neuron_outputs_figure(layer, inputs, input_range)
    return NeuronOutputs(_save_png(figure, path), grid, outputs)


def _neuron_outputs_figure(layer, inputs, input_range):
    """The figure, the `(n, input_dim)` grid and the `(n, units)` outputs."""
    import keras  # imported here: the other plots need no TensorFlow

    if not callable(layer):
        raise InvalidInputError(
            f"`layer` must be a Keras layer or model. Received: layer={layer!r:.80}"
        )
    axes_values = _neuron_grid_axes(_layer_input_dim(layer), inputs, input_range)
    if len(axes_values) == 1:
        grid = axes_values[0][:, None]  # (n, 1)
    else:
        x1, x2 = np.meshgrid(*axes_values)  # (n2, n1) each: x1 varies fastest
        grid = np.stack([x1.ravel(), x2.ravel()], axis=1)  # (n1 * n2, 2)
    outputs = keras.ops.convert_to_numpy(layer(grid.astype("float32")))
    outputs = np.asarray(outputs, dtype=np.float64).reshape(len(grid), -1)
    units = outputs.shape[1]
    ncols = min(4, units)
    nrows = math.ceil(units / ncols)
    name = getattr(layer, "name", type(layer).__name__)

    if len(axes_values) == 1:
        with sns.axes_style("whitegrid"):
            figure = Figure(figsize=(3.6 * ncols, 2.8 * nrows), layout="constrained")
            axes = figure.subplots(nrows, ncols, squeeze=False, sharex=True)
            axes = axes.ravel()
            for j in range(units):
                axes[j].plot(grid[:, 0], outputs[:, j])
                axes[j].set(title=f"neuron {j + 1}", xlabel="x", ylabel="output")
    else:
        n1, n2 = len(axes_values[0]), len(axes_values[1])
        low, high = float(outputs.min()), float(outputs.max())
        if low == high:  # a constant output still gets a colour scale
            low, high = low - 0.5, high + 0.5
        with sns.axes_style("white"):
            figure = Figure(figsize=(4.2 * ncols, 3.5 * nrows), layout="constrained")
            axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
            for j in range(units):
                sns.heatmap(
                    outputs[:, j].reshape(n2, n1),  # row i: x2 = x2_values[i]
                    ax=axes[j],
                    vmin=low,
                    vmax=high,
                    cmap="viridis",
                    xticklabels=False,
                    yticklabels=False,
                    cbar_kws={"label": "output"},
                )
                axes[j].set_xticks(*_ticks(axes_values[0]))
                axes[j].set_yticks(*_ticks(axes_values[1]), rotation=0)
                axes[j].invert_yaxis()  # x2 grows upwards
                axes[j].set(title=f"neuron {j + 1}", xlabel="x1", ylabel="x2")
    for ax in axes[units:]:
        figure.delaxes(ax)
    neurons = "1 neuron" if units == 1 else f"{units} neurons"
    figure.suptitle(f"Outputs of the {neurons} of {name!r}")
    return figure, grid, outputs


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


def _neuron_grid_axes(input_dim, inputs, input_range):
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
        pair = (
            isinstance(inputs, (list, tuple))
            and len(inputs) == 2
            and all(np.ndim(values) == 1 for values in inputs)
        )
        if pair:
            axes_values = [_grid_axis(values) for values in inputs]
        else:
            values = _float_values("inputs", inputs)
            if values.ndim == 2 and values.shape[1] == 1:
                values = values[:, 0]
            if values.ndim != 1:
                raise InvalidInputError(
                    "`inputs` must be a 1-D array of x values (one input feature) "
                    "or a pair (x1_values, x2_values) of 1-D arrays (two input "
                    f"features). Received: an array of shape {values.shape}"
                )
            axes_values = [_grid_axis(values)]
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
    bounds = _float_values("input_range", input_range)
    if bounds.shape == (2,):
        bounds = np.tile(bounds, (input_dim, 1))
    if bounds.shape != (input_dim, 2) or not np.all(bounds[:, 0] < bounds[:, 1]):
        raise InvalidInputError(
            "`input_range` must be (low, high) with low < high, or one such pair "
            f"per input feature ({input_dim}). Received: input_range={input_range!r}"
        )
    return [np.linspace(low, high, _GRID_POINTS[input_dim]) for low, high in bounds]


def _float_values(name, value):
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or not np.all(np.isfinite(array)):
        raise InvalidInputError(
            f"`{name}` must hold finite numbers. Received: {name}={value!r:.80}"
        )
    return array


def _grid_axis(values):
    values = np.unique(_float_values("inputs", values))  # sorted, no duplicates
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


def plot_dimension_sweep(dimensions, losses, path):
    """Plot final training and validation losses against the embedding dimension.

    The CSC321 lab's GloVe figures ("Effect of embedding dimension"): two
    panels, training loss and validation loss, one line per model, the best
    dimension on validation circled. The dimension axis is logarithmic, and
    so is a loss axis whose values span more than a factor of 10 (the lab's
    log-log plots; a narrower range would show no tick labels). Taught in
    `tutorials/07_glove.py`.

    Args:
        dimensions: list of positive numbers, the embedding dimensions.
        losses: dict model label -> dict with `"loss"` and `"val_loss"`,
            each a list with one final loss per dimension, e.g.
            `{"asymmetric": {"loss": [...], "val_loss": [...]}, ...}`.
        path: str or path-like, the PNG file to write.

    Returns:
        The path written, as a str.
    """
    dims = _float_values("dimensions", dimensions)
    if dims.ndim != 1 or dims.size == 0 or np.any(dims <= 0):
        raise InvalidInputError(
            "`dimensions` must be a non-empty list of positive numbers. "
            f"Received: dimensions={dimensions!r:.80}"
        )
    if not isinstance(losses, Mapping) or not losses:
        raise InvalidInputError(
            "`losses` must be a non-empty dict model label -> "
            '{"loss": [...], "val_loss": [...]}. '
            f"Received: losses={losses!r:.80}"
        )
    curves = {}
    for label, series in losses.items():
        for key in ("loss", "val_loss"):
            values = series.get(key) if isinstance(series, Mapping) else None
            values = None if values is None else _float_values("losses", values)
            if values is None or values.shape != dims.shape:
                raise InvalidInputError(
                    f"`losses[{label!r}][{key!r}]` must list one loss per "
                    f"dimension ({dims.size}). Received: {values!r:.80}"
                )
            curves[label, key] = values

    with sns.axes_style("whitegrid"):
        figure = Figure(figsize=(10, 4), layout="constrained")
        axes = figure.subplots(1, 2)
        for ax, (key, name) in zip(
            axes, (("loss", "training loss"), ("val_loss", "validation loss"))
        ):
            for label in losses:
                values = curves[label, key]
                (line,) = ax.plot(dims, values, marker="o", label=str(label))
                if key == "val_loss":
                    best = int(np.argmin(values))
                    ax.plot(
                        dims[best],
                        values[best],
                        "o",
                        markersize=14,
                        markerfacecolor="none",
                        color=line.get_color(),
                    )
            ax.set_xscale("log")
            values = np.concatenate([curves[label, key] for label in losses])
            if np.all(values > 0) and values.max() > 10 * values.min():
                ax.set_yscale("log")  # as the lab's loglog plots; else no ticks
            ax.set_xticks(dims, [f"{d:g}" for d in dims])
            ax.minorticks_off()
            ax.set(title=f"{name} vs embedding dimension", xlabel="d", ylabel=name)
            ax.legend()
    return _save_png(figure, path)
