"""Maps of word vectors: a 2-D projection with each point labelled.

`project_2d` projects the rows of a matrix with PCA or t-SNE (van der Maaten
& Hinton 2008); `plot_embedding_2d` draws word vectors on such a map with
each point labelled by its word, as the CSC321 lab's
`tsne_plot_representation` does. The map takes a word -> vector dict (as
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

import numpy as np
import seaborn as sns
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

from keras_embeddings._deprecation import no_other_arguments, renamed
from keras_embeddings._validation import (
    float_array,
    one_of,
    optional_positive_int,
    positive_int,
)
from keras_embeddings._word_vectors import words_and_matrix
from keras_embeddings.errors import InvalidInputError, UnknownWordError
from keras_embeddings.plots._figure import new_figure, save

__all__ = ["plot_embedding_2d", "project_2d"]

_METHODS = {"pca": "PCA", "tsne": "t-SNE"}


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


def plot_embedding_2d(word_vectors, path=None, words=None, method="pca", max_words=200):
    """Plot word vectors on a 2-D map, each point labelled with its word.

    The projection (`project_2d`) is fit on the plotted words only. The
    figure has one axes: a scatter of the projected points (in the order of
    the plotted words) and one text label per point.

    Args:
        word_vectors: dict word -> vector (as `export.to_word_vectors`
            returns, in id order, i.e. most frequent first for a Tokenizer),
            or a gensim `KeyedVectors`. Every entry is a word: nothing is
            taken for padding.
        path: str or path-like, optional: also save the figure there as a
            PNG (written atomically).
        words: list of str, optional, the words to plot. Default: the first
            `max_words` words of `word_vectors`.
        method: `"pca"` or `"tsne"`; see `project_2d`.
        max_words: int >= 2, how many words to plot when `words` is not
            given.

    Returns:
        The `matplotlib.figure.Figure` drawn.

    Raises:
        UnknownWordError: a word of `words` has no vector.
        InvalidInputError: `method` or `max_words` is invalid, or fewer than
            2 words would be plotted.

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
    ```
    """
    one_of("method", method, tuple(_METHODS))
    all_words, matrix = words_and_matrix(word_vectors)
    if words is None:
        max_words = positive_int("max_words", max_words, minimum=2)
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
        figure = new_figure((9, 7))
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
    return save(figure, path)
