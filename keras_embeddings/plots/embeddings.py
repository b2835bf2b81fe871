"""Maps of word vectors: a 2-D projection with chosen points labelled.

`project_2d` projects the rows of a matrix with PCA or t-SNE (van der Maaten
& Hinton 2008); `plot_embedding_2d` draws word vectors on such a map, as the
CSC321 lab's `tsne_plot_representation` does, but labels only a chosen
subset (by default frequent words spread over the map), lays the labels out
so that none overlap, and colours word groups. The map takes a word ->
vector dict (as
`export.to_word_vectors` builds it, padding already left out) or a gensim
`KeyedVectors`, so it plots exactly the words it is given.

Taught in `tutorials/04_next_token_lstm.py` and `tutorials/07_glove.py`.

Example:

```python
>>> import numpy as np
>>> from keras_embeddings.plots import plot_embedding_2d
>>> rng = np.random.default_rng(0)
>>> word_vectors = {w: rng.normal(size=8) for w in ["king", "queen", "man", "woman"]}
>>> figure = plot_embedding_2d(word_vectors, "map.png")
>>> [text.get_text() for text in figure.axes[0].texts]
['king', 'queen', 'man', 'woman']
```
"""

from collections.abc import Iterable, Mapping

import numpy as np
import seaborn as sns
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

from keras_embeddings._deprecation import no_other_arguments, renamed
from keras_embeddings._validation import (
    float_array,
    one_of,
    optional_positive_int,
    positive_int,
)
from keras_embeddings._word_vectors import word_ids, words_and_matrix
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.plots._figure import new_figure, save
from keras_embeddings.plots._labels import place_labels, spread_subset

__all__ = ["plot_embedding_2d", "project_2d"]

_METHODS = {"pca": "PCA", "tsne": "t-SNE"}
_MARKER_AREA = 14  # points**2, a plotted word's dot


def project_2d(matrix, method="pca", seed=0, **kwargs):
    """Project the rows of a matrix to two dimensions.

    Args:
        matrix: array of shape `(n, dim)` with `n >= 2` and `dim >= 2`.
        method: `"pca"` (scikit-learn's `PCA`, exact SVD: the coordinates
            on the first two principal axes) or `"tsne"` (scikit-learn's
            `TSNE`, PCA-initialised, perplexity `min(30, n - 1)`).
        seed: int or None, the t-SNE seed (PCA is deterministic).
        **kwargs: only `random_state`, the former name of `seed`
            (deprecated).

    Returns:
        A float64 array of shape `(n, 2)`.

    Raises:
        InvalidInputError: `method` is unknown, or `matrix` is not a finite
            2-D array of at least 2 rows and 2 columns.

    Example:

    ```python
    >>> from keras_embeddings.plots import project_2d
    >>> project_2d([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]).shape
    (3, 2)
    ```
    """
    seed = renamed(kwargs, "random_state", "seed", seed, 0, "project_2d")
    no_other_arguments(kwargs, "project_2d")
    one_of("method", method, tuple(_METHODS))
    seed = optional_positive_int("seed", seed, minimum=0)
    matrix = float_array("matrix", matrix)
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        raise InvalidInputError(
            "Projecting to 2-D needs at least 2 vectors of at least 2 "
            f"dimensions. Received: an array of shape {matrix.shape}"
        )
    if method == "pca":
        return PCA(n_components=2, svd_solver="full").fit_transform(matrix)
    perplexity = min(30.0, matrix.shape[0] - 1.0)  # t-SNE needs perplexity < n.
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    return tsne.fit_transform(matrix).astype(np.float64)


def plot_embedding_2d(
    word_vectors,
    path=None,
    words=None,
    method="pca",
    max_words=200,
    *,
    labels=None,
    max_labels=30,
    groups=None,
):
    """Plot word vectors on a 2-D map, a chosen subset labelled without overlaps.

    The projection (`project_2d`) is fit on the plotted words only. Every
    plotted word is a point; only the labelled words get a text label, so
    that a map of hundreds of words stays readable. Labels are laid out so
    that no two overlap and none hides a labelled point: each, in the order
    of `labels`, takes the free spot nearest its point (a greedy candidate
    search, deterministic), with a thin grey leader line when that spot is
    not next to the point. Given `groups`, points are coloured by group
    (words in no group grey, as `"other"`) and a legend names the groups.

    The figure has one axes: the scatter of every plotted point first (in the
    order of the plotted words; `get_facecolors()` holds each point's
    colour), one `Annotation` per label (its `xy` is the labelled point),
    then the leader lines (a `LineCollection`), and with `groups` the legend.

    Args:
        word_vectors: dict word -> vector (as `export.to_word_vectors`
            returns, in id order, i.e. most frequent first for a Tokenizer),
            or a gensim `KeyedVectors`. Every entry is a word: nothing is
            taken for padding.
        path: str or path-like, optional: also save the figure there as a
            PNG (written atomically).
        words: list of str, optional, the words to plot. Default: the first
            `max_words` words of `word_vectors`. The grouped and labelled
            words are plotted too (added after these when missing).
        method: `"pca"` or `"tsne"`; see `project_2d`.
        max_words: int >= 2, how many words to plot when `words` is not
            given.
        labels: list of str, optional, the words to label (in this order of
            placement). Default: every plotted word when there are at most
            `max_labels`; else the grouped words, then the plotted words in
            order (the most frequent first) skipping any within 5% of the
            map's width and height of a word already chosen, up to
            `max_labels` labels in all: frequent words spread over the map.
        max_labels: int >= 0, the most labels chosen when `labels` is None.
        groups: optional, dict group name -> list of words, or dict word ->
            group name: colours each group's points (a word in one group
            only).

    Returns:
        The `matplotlib.figure.Figure` drawn.

    Raises:
        UnknownWordError: a word of `words`, `labels` or `groups` has no
            vector.
        InvalidInputError: `method`, `max_words`, `max_labels`, `labels` or
            `groups` is invalid, or fewer than 2 words would be plotted.

    Example:

    ```python
    >>> from keras_embeddings.plots import plot_embedding_2d
    >>> word_vectors = {"cat": [1.0, 0.0], "dog": [0.9, 0.2], "car": [0.0, 1.0]}
    >>> figure = plot_embedding_2d(word_vectors, words=["cat", "car"])
    >>> ax = figure.axes[0]
    >>> ax.get_title()
    'PCA map of 2 word vectors'
    >>> [text.get_text() for text in ax.texts], ax.collections[0].get_offsets().shape
    (['cat', 'car'], (2, 2))
    >>> groups = {"animals": ["cat", "dog"], "things": ["car"]}
    >>> figure = plot_embedding_2d(word_vectors, labels=["dog"], groups=groups)
    >>> ax = figure.axes[0]
    >>> [text.get_text() for text in ax.texts]
    ['dog']
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['animals', 'things']
    ```
    """
    one_of("method", method, tuple(_METHODS))
    max_labels = positive_int("max_labels", max_labels, minimum=0)
    all_words, matrix = words_and_matrix(word_vectors)
    if words is None:
        max_words = positive_int("max_words", max_words, minimum=2)
        words = all_words[:max_words]
    else:
        words = _word_list("words", words)
    group_of = _group_mapping(groups)
    if labels is not None:
        labels = list(dict.fromkeys(_word_list("labels", labels)))
    extra = [*group_of, *(labels or ())]
    words = list(words) + [w for w in dict.fromkeys(extra) if w not in set(words)]
    coords = project_2d(matrix[word_ids(words, all_words)], method)  # (n, 2)
    position = {word: i for i, word in reversed(list(enumerate(words)))}
    if labels is None:
        first = [position[word] for word in group_of]
        chosen = spread_subset(coords, max(max_labels, len(first)), first=first)
        if len(words) <= max_labels:
            chosen = range(len(words))
        labels = [words[i] for i in chosen]

    with sns.axes_style("whitegrid"):
        figure = new_figure((9, 7))
        ax = figure.subplots()
        names = list(dict.fromkeys(group_of.values()))
        palette = sns.color_palette("tab10" if len(names) <= 10 else "husl", len(names))
        colour = {name: to_rgba(c, 0.8) for name, c in zip(names, palette)}
        other = to_rgba("0.6", 0.6)
        colours = [colour.get(group_of.get(word), other) for word in words]
        # Grouped points are larger, so that the grey crowd does not hide them.
        sizes = [_MARKER_AREA * (2.5 if word in group_of else 1) for word in words]
        ax.scatter(coords[:, 0], coords[:, 1], s=sizes, c=colours, linewidths=0)
        if names:
            if any(word not in group_of for word in words):
                names.append("other")
                colour["other"] = other
            handles = [
                Line2D([], [], marker="o", linestyle="", color=colour[name])
                for name in names
            ]
            ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.margins(0.08)
        ax.set(
            title=f"{_METHODS[method]} map of {len(words)} word vectors",
            xlabel="dimension 1",
            ylabel="dimension 2",
        )
        # Labels are laid out in pixels: fix the axes' place and limits first.
        figure.draw_without_rendering()
        figure.set_layout_engine("none")
        ax.set(xlim=ax.get_xlim(), ylim=ax.get_ylim())
        texts = [
            ax.annotate(
                str(word),
                coords[position[word]],
                xytext=(0, 0),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize=8,
            )
            for word in labels
        ]
        pixels = ax.transData.transform(coords)  # (n, 2)
        labelled = [position[word] for word in labels]
        others = np.setdiff1d(np.arange(len(words)), labelled)
        radius = np.sqrt(max(sizes)) / 2 * figure.dpi / 72  # pixels
        place_labels(ax, texts, pixels[labelled], pixels[others], radius)
    return save(figure, path)


def _word_list(name, value):
    """`value` as a list of words; a lone str is refused."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"`{name}` must be a list of words. Received: {name}={value!r:.80}"
        )
    return list(value)


def _group_mapping(groups):
    """`groups` as an ordered dict word -> group name."""
    if groups is None:
        return {}
    message = (
        "`groups` must be a dict group name -> list of words, or a dict word -> "
        f"group name. Received: groups={groups!r:.80}"
    )
    if not isinstance(groups, Mapping):
        raise InvalidInputError(message)
    if all(isinstance(group, str) for group in groups.values()):
        return dict(groups)
    group_of = {}
    for name, members in groups.items():
        if isinstance(members, str) or not isinstance(members, Iterable):
            raise InvalidInputError(message)
        for word in members:
            if group_of.setdefault(word, str(name)) != str(name):
                raise InvalidInputError(
                    f"Word {word!r} is in two groups, {group_of[word]!r} and "
                    f"{name!r}; a word can be in one group only."
                )
    return group_of
