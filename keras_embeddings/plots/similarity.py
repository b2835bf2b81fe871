"""A heatmap of the cosine similarities between chosen words.

`plot_similarity_heatmap` draws the matrix `cos(u, v)` of a handful of
words, each cell written out: the numbers behind `analysis.most_similar`
seen at once, where groups of related words show up as bright blocks.

Taught in `tutorials/04_next_token_lstm.py`; the main job writes one
(`plots/similarity.png`).

Example:

```python
>>> from keras_embeddings.plots import plot_similarity_heatmap
>>> word_vectors = {"cat": [1.0, 0.0], "dog": [0.8, 0.6], "car": [0.0, 1.0]}
>>> figure = plot_similarity_heatmap(word_vectors, ["cat", "dog", "car"])
>>> figure.axes[0].collections[0].get_array().reshape(3, 3)[0].round(2).tolist()
[1.0, 0.8, 0.0]
```
"""

import numpy as np
import seaborn as sns

from keras_embeddings._word_vectors import word_ids, words_and_matrix
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.plots._figure import new_figure, save

__all__ = ["plot_similarity_heatmap"]

_CELL_INCHES = 0.5


def plot_similarity_heatmap(word_vectors, words, path=None):
    """Plot the cosine similarity of every pair of `words`, annotated.

    The figure has the heatmap's axes (a seaborn heatmap: its
    `collections[0].get_array()` is the `(n, n)` matrix, row `i` column `j`
    the cosine similarity of `words[i]` and `words[j]`, on a fixed -1 to 1
    diverging colour scale) and its colour bar's axes. The words label both
    axes, in the given order, and each cell shows its value to 2 decimals
    (`axes[0].texts`, row by row). The figure grows with the number of
    words; about 5 to 25 stay readable.

    Args:
        word_vectors: dict word -> vector (as `export.to_word_vectors`
            returns) or a gensim `KeyedVectors`.
        words: list of str, the words to compare (at least 1).
        path: str or path-like, optional: also save the figure there as a
            PNG (written atomically).

    Returns:
        The `matplotlib.figure.Figure` drawn.

    Raises:
        UnknownWordError: a word has no vector.
        InvalidInputError: `words` is not a non-empty list of words, or a
            word's vector is all zeros (its cosine is undefined).

    Example:

    ```python
    >>> from keras_embeddings.plots import plot_similarity_heatmap
    >>> word_vectors = {"king": [1.0, 0.2], "queen": [0.9, 0.4], "apple": [-0.1, 1.0]}
    >>> figure = plot_similarity_heatmap(word_vectors, ["king", "queen", "apple"])
    >>> ax = figure.axes[0]
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['king', 'queen', 'apple']
    >>> [text.get_text() for text in ax.texts][:3]
    ['1.00', '0.98', '0.10']
    ```
    """
    if isinstance(words, str) or not isinstance(words, (list, tuple)) or not words:
        raise InvalidInputError(
            f"`words` must be a non-empty list of words. Received: words={words!r:.80}"
        )
    all_words, matrix = words_and_matrix(word_vectors)
    rows = matrix[word_ids(words, all_words)].astype(np.float64)  # (n, dim)
    norms = np.linalg.norm(rows, axis=1)
    if np.any(norms == 0):
        zero = words[int(np.argmin(norms))]
        raise InvalidInputError(
            f"Word {zero!r} has an all-zero vector: its cosine similarity is "
            "undefined. Leave it out of `words`."
        )
    unit = rows / norms[:, None]
    similarity = np.clip(unit @ unit.T, -1.0, 1.0)  # (n, n)

    n = len(words)
    size = _CELL_INCHES * n
    labels = [str(word) for word in words]
    with sns.axes_style("white"):
        figure = new_figure((size + 2.5, size + 1.5))
        ax = figure.subplots()
        sns.heatmap(
            similarity,
            ax=ax,
            vmin=-1.0,
            vmax=1.0,
            cmap="vlag",
            annot=True,
            fmt=".2f",
            annot_kws={"fontsize": 8},
            square=True,
            xticklabels=labels,
            yticklabels=labels,
            cbar_kws={"label": "cosine similarity", "shrink": 0.8},
        )
        ax.tick_params(axis="x", labelrotation=90)
        ax.tick_params(axis="y", labelrotation=0)
        ax.set_title(f"Cosine similarity of {n} words")
    return save(figure, path)
