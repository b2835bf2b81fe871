"""Plots of training and of embeddings: history curves and 2-D word maps.

`plot_history` draws a Keras `History` (loss and every metric, each with its
`val_` twin); `plot_embedding_2d` projects word vectors to two dimensions
with PCA or t-SNE (van der Maaten & Hinton 2008) and labels each point with
its word, as the CSC321 lab's `tsne_plot_representation` does.

Figures are `matplotlib.figure.Figure` objects drawn on a `FigureCanvasAgg`,
never through pyplot, so these functions work on a headless server and leave
a notebook's or a user's interactive backend alone. Seaborn's `whitegrid`
style applies only inside the functions. Each PNG is written atomically.

Taught in `tutorials/04_next_token_lstm.py`.

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

import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

from keras_embeddings.errors import InvalidInputError, UnknownWordError
from keras_embeddings.export import _words_and_matrix
from keras_embeddings.io_utils import atomic_open

_METHODS = {"pca": "PCA", "tsne": "t-SNE"}


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
    all_words, matrix = _words_and_matrix(word_vectors)
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
