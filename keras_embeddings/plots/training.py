"""Plots of training: loss curves, and final losses against a hyperparameter.

`plot_history` draws a Keras `History` (loss and every metric, each with its
`val_` twin); `plot_dimension_sweep` draws the CSC321 GloVe lab's "effect of
embedding dimension" figure. Both return the `matplotlib.figure.Figure` they
drew (a notebook shows it) and also save it as a PNG when given a `path`.

Taught in `tutorials/04_next_token_lstm.py` (history) and
`tutorials/07_glove.py` (the dimension sweep).

Example:

```python
>>> from keras_embeddings.plots import plot_history
>>> figure = plot_history({"loss": [2.0, 1.5], "val_loss": [2.1, 1.7]}, "loss.png")
>>> [ax.get_title() for ax in figure.axes]
['loss']
```
"""

import math
from collections.abc import Mapping

import numpy as np
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from keras_embeddings._validation import float_array
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.plots._figure import new_figure, save

__all__ = ["plot_dimension_sweep", "plot_history"]


def plot_history(history, path=None):
    """Plot training curves, one panel per metric with its validation twin.

    Each panel is titled with the metric's name and shows its per-epoch
    values against the epoch (1, 2, ...): the line labelled `"training"`,
    and the `val_` twin labelled `"validation"` when the history has it. A
    validation metric without a training twin gets a panel of its own (its
    line labelled `"validation"`).

    Args:
        history: the `keras.callbacks.History` that `model.fit` returns, or
            its `.history` dict metric name -> list of per-epoch values
            (e.g. the CLI's `history.json`).
        path: str or path-like, optional: also save the figure there as a
            PNG (written atomically; missing folders are created).

    Returns:
        The `matplotlib.figure.Figure` drawn, one axes per panel.

    Raises:
        InvalidInputError: `history` is empty or an entry is not a list of
            numbers.

    Example:

    ```python
    >>> from keras_embeddings.plots import plot_history
    >>> history = {"loss": [1.0, 0.5], "accuracy": [0.4, 0.8]}
    >>> figure = plot_history(history)
    >>> ax = figure.axes[0]
    >>> ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
    ('loss', 'epoch', 'loss')
    >>> ax.get_lines()[0].get_ydata().tolist()
    [1.0, 0.5]
    ```
    """
    curves = _history_dict(history)
    names = [name for name in curves if not name.startswith("val_")]
    # A validation metric without its training twin still gets a panel.
    names += [
        name
        for name in curves
        if name.startswith("val_") and name.removeprefix("val_") not in curves
    ]
    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)

    with sns.axes_style("whitegrid"):
        figure = new_figure((4.5 * ncols, 3.5 * nrows))
        axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, name in zip(axes, names):
            own = "validation" if name.startswith("val_") else "training"
            for key, label in ((name, own), (f"val_{name}", "validation")):
                if key in curves:
                    values = curves[key]
                    epochs = np.arange(1, len(values) + 1)
                    marker = "o" if len(values) <= 30 else None
                    ax.plot(epochs, values, marker=marker, label=label)
            ax.set(title=name, xlabel="epoch", ylabel=name)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.legend()
        for ax in axes[len(names) :]:
            figure.delaxes(ax)
    return save(figure, path)


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
        # Not `float_array`: a diverged run's NaN losses are still worth a plot.
        if values is None or values.ndim != 1 or values.size == 0:
            raise InvalidInputError(
                f"History entry {name!r} must be a non-empty list of numbers, "
                "one per epoch."
            )
        result[str(name)] = values
    return result


def plot_dimension_sweep(dimensions, losses, path=None):
    """Plot final training and validation losses against the embedding dimension.

    The CSC321 lab's GloVe figures ("Effect of embedding dimension"): two
    panels, training loss and validation loss, one line per model (its
    points are `(dimensions[k], loss[k])`), the best dimension on validation
    circled. The dimension axis is logarithmic, and so is a loss axis whose
    values span more than a factor of 10 (the lab's log-log plots; a
    narrower range would show no tick labels). Taught in
    `tutorials/07_glove.py`.

    Args:
        dimensions: list of positive numbers, the embedding dimensions.
        losses: dict model label -> dict with `"loss"` and `"val_loss"`,
            each a list with one final loss per dimension, e.g.
            `{"asymmetric": {"loss": [...], "val_loss": [...]}, ...}`.
        path: str or path-like, optional: also save the figure there as a
            PNG (written atomically).

    Returns:
        The `matplotlib.figure.Figure` drawn, with two axes (training loss,
        validation loss).

    Raises:
        InvalidInputError: a dimension is not positive, or a model lacks
            `"loss"` or `"val_loss"` with one finite loss per dimension.

    Example:

    ```python
    >>> from keras_embeddings.plots import plot_dimension_sweep
    >>> losses = {"glove": {"loss": [9.0, 4.0, 1.0], "val_loss": [8.0, 7.0, 9.0]}}
    >>> figure = plot_dimension_sweep([2, 10, 128], losses)
    >>> validation = figure.axes[1]
    >>> validation.get_title()
    'validation loss vs embedding dimension'
    >>> line = validation.get_lines()[0]
    >>> line.get_label(), line.get_xdata().tolist(), line.get_ydata().tolist()
    ('glove', [2.0, 10.0, 128.0], [8.0, 7.0, 9.0])
    ```
    """
    dims = float_array("dimensions", dimensions)
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
            values = None if values is None else float_array("losses", values)
            if values is None or values.shape != dims.shape:
                raise InvalidInputError(
                    f"`losses[{label!r}][{key!r}]` must list one loss per "
                    f"dimension ({dims.size}). Received: {values!r:.80}"
                )
            curves[label, key] = values

    with sns.axes_style("whitegrid"):
        figure = new_figure((10, 4))
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
    return save(figure, path)
