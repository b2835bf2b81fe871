"""`plots.plot_history`, `plots.project_2d` and `plots.plot_embedding_2d`:
what is drawn equals the data (independent PCA / t-SNE oracles), and `path`
writes a PNG of the figure's size."""

import os

import keras
import matplotlib
import matplotlib.image
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError, UnknownWordError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WORDS = ["king", "queen", "man", "woman", "café", "apple", "pear", "plum"]


@pytest.fixture
def word_vectors():
    rng = np.random.default_rng(0)
    return dict(zip(WORDS, rng.normal(size=(len(WORDS), 6)).astype("float32")))


def assert_png_of(figure, path, folder):
    """`path` is a PNG of `figure` at 100 dpi, written without a temporary left."""
    with open(path, "rb") as f:
        assert f.read(8) == PNG_MAGIC
    image = matplotlib.image.imread(path)
    width, height = figure.get_size_inches() * 100
    assert image.shape[:2] == (round(height), round(width))
    assert image.shape[2] in (3, 4)
    assert not [name for name in os.listdir(folder) if name.startswith(".")]


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def pca_oracle(matrix):
    """The first two principal coordinates by NumPy's SVD (axes up to sign)."""
    centred = np.asarray(matrix, dtype="float64") - np.mean(matrix, axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def assert_same_up_to_axis_sign(actual, expected, atol=1e-6):
    signs = np.sign(np.sum(actual * expected, axis=0))
    np.testing.assert_allclose(actual * signs, expected, atol=atol)


def test_plot_history_draws_each_metric_and_its_validation_twin():
    history = keras.callbacks.History()
    history.history = {
        "loss": [2.0, 1.4, 1.1],
        "accuracy": [0.2, 0.4, 0.5],
        "val_loss": [2.1, 1.6, 1.5],
        "val_accuracy": [0.2, 0.3, 0.4],
    }
    figure = plots.plot_history(history)
    assert isinstance(figure, Figure)
    assert isinstance(figure.canvas, FigureCanvasAgg)
    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    for ax in figure.axes:
        name = ax.get_title()
        training, validation = ax.get_lines()
        for line, key in ((training, name), (validation, f"val_{name}")):
            np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
            np.testing.assert_array_equal(line.get_ydata(), history.history[key])
        assert [training.get_label(), validation.get_label()] == [
            "training",
            "validation",
        ]
        assert legend_texts(ax) == ["training", "validation"]
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", name)


def test_plot_history_path_writes_the_figure(tmp_path):
    path = tmp_path / "plots" / "history.png"  # The folder is created.
    figure = plots.plot_history({"loss": [1.0, 0.5], "val_loss": [1.2, 0.9]}, path)
    assert isinstance(figure, Figure)
    assert_png_of(figure, path, tmp_path / "plots")


def test_plot_history_validation_metric_alone_and_nan():
    figure = plots.plot_history(
        {"loss": [1.0, np.nan], "val_perplexity": [9.0, 7.0, 6.0]}
    )
    assert [ax.get_title() for ax in figure.axes] == ["loss", "val_perplexity"]
    (loss,) = figure.axes[0].get_lines()
    np.testing.assert_array_equal(loss.get_ydata(), [1.0, np.nan])  # diverged
    (perplexity,) = figure.axes[1].get_lines()
    assert perplexity.get_label() == "validation"
    np.testing.assert_array_equal(perplexity.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(perplexity.get_ydata(), [9.0, 7.0, 6.0])


def test_plot_history_rejects_bad_input(tmp_path):
    with pytest.raises(InvalidInputError, match=r"`history`"):
        plots.plot_history({}, tmp_path / "h.png")
    with pytest.raises(InvalidInputError, match=r"'loss'"):
        plots.plot_history({"loss": "low"}, tmp_path / "h.png")
    assert os.listdir(tmp_path) == []


def test_project_2d_pca_matches_sklearn_and_svd(word_vectors):
    matrix = np.stack(list(word_vectors.values()))
    coords = plots.project_2d(matrix, "pca")
    assert coords.shape == (len(WORDS), 2) and coords.dtype == np.float64
    np.testing.assert_allclose(
        coords, PCA(n_components=2).fit_transform(matrix), atol=1e-5
    )
    assert_same_up_to_axis_sign(coords, pca_oracle(matrix), atol=1e-9)


def test_project_2d_seed_and_its_old_name(monkeypatch, word_vectors):
    seen = []

    class RecordingTSNE(TSNE):
        def __init__(self, **kwargs):
            seen.append(kwargs["random_state"])
            super().__init__(**kwargs)

    monkeypatch.setattr(plots.embeddings, "TSNE", RecordingTSNE)
    matrix = np.stack(list(word_vectors.values()))
    plots.project_2d(matrix, "tsne")
    plots.project_2d(matrix, "tsne", seed=7)
    with pytest.warns(DeprecationWarning, match=r"project_2d\(random_state="):
        plots.project_2d(matrix, "tsne", random_state=3)
    assert seen == [0, 7, 3]
    with pytest.raises(InvalidInputError, match=r"both `random_state`"):
        plots.project_2d(matrix, "tsne", seed=1, random_state=3)
    with pytest.raises(TypeError, match=r"'perplexity'"):
        plots.project_2d(matrix, "tsne", perplexity=5)
    with pytest.raises(InvalidInputError, match=r"`seed` must be an integer >= 0"):
        plots.project_2d(matrix, "tsne", seed=-1)


def test_project_2d_rejects_bad_input():
    with pytest.raises(InvalidInputError, match=r"method='umap'"):
        plots.project_2d(np.eye(3), "umap")
    with pytest.raises(InvalidInputError, match=r"at least 2 vectors"):
        plots.project_2d(np.ones((1, 4)))
    with pytest.raises(InvalidInputError, match=r"`matrix` must hold finite"):
        plots.project_2d([[0.0, np.inf], [1.0, 2.0]])


def test_embedding_map_draws_the_projected_words(word_vectors):
    words = ["queen", "king", "apple", "plum", "café"]
    figure = plots.plot_embedding_2d(word_vectors, words=words)
    (ax,) = figure.axes
    offsets = np.asarray(ax.collections[0].get_offsets())
    matrix = np.stack([word_vectors[word] for word in words])
    np.testing.assert_allclose(
        offsets, PCA(n_components=2).fit_transform(matrix), atol=1e-5
    )
    assert_same_up_to_axis_sign(offsets, pca_oracle(matrix), atol=1e-5)
    assert [text.get_text() for text in ax.texts] == words
    np.testing.assert_allclose([text.xy for text in ax.texts], offsets)
    assert ax.get_title() == "PCA map of 5 word vectors"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("dimension 1", "dimension 2")


def test_tsne_map_and_its_png(tmp_path, word_vectors):
    path = tmp_path / "tsne.png"
    figure = plots.plot_embedding_2d(word_vectors, path, method="tsne")
    (ax,) = figure.axes
    matrix = np.stack(list(word_vectors.values())).astype("float64")
    expected = TSNE(
        n_components=2, perplexity=len(WORDS) - 1.0, init="pca", random_state=0
    ).fit_transform(matrix)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), expected, atol=1e-4)
    assert [text.get_text() for text in ax.texts] == WORDS
    assert ax.get_title() == "t-SNE map of 8 word vectors"
    assert_png_of(figure, path, tmp_path)


def test_max_words_keeps_the_first_words(word_vectors):
    # The first word is a word like any other: nothing is taken for padding.
    figure = plots.plot_embedding_2d(word_vectors, max_words=3)
    assert [text.get_text() for text in figure.axes[0].texts] == WORDS[:3]
    assert figure.axes[0].collections[0].get_offsets().shape == (3, 2)


def test_keyed_vectors_plot_every_word(word_vectors):
    from gensim.models import KeyedVectors

    keyed = KeyedVectors(vector_size=6)
    keyed.add_vectors(WORDS, np.stack(list(word_vectors.values())))
    figure = plots.plot_embedding_2d(keyed)
    assert [text.get_text() for text in figure.axes[0].texts] == WORDS


def test_plot_embedding_2d_rejects_bad_input(tmp_path, word_vectors):
    path = tmp_path / "m.png"
    with pytest.raises(UnknownWordError, match=r"queen"):
        plots.plot_embedding_2d(word_vectors, path, words=["quen"])
    with pytest.raises(InvalidInputError, match=r"method='umap'"):
        plots.plot_embedding_2d(word_vectors, path, method="umap")
    with pytest.raises(InvalidInputError, match=r"at least 2 vectors"):
        plots.plot_embedding_2d(word_vectors, path, words=["king"])
    with pytest.raises(InvalidInputError, match=r"words='king'"):
        plots.plot_embedding_2d(word_vectors, path, words="king")
    with pytest.raises(InvalidInputError, match=r"`max_words` must be an integer"):
        plots.plot_embedding_2d(word_vectors, path, max_words=1)
    assert os.listdir(tmp_path) == []


def test_global_matplotlib_state_is_untouched(tmp_path, word_vectors):
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    rc = dict(matplotlib.rcParams)
    figures = plt.get_fignums()
    plots.plot_embedding_2d(word_vectors, tmp_path / "m.png")
    plots.plot_history({"loss": [1.0, 0.5]}, tmp_path / "h.png")
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == rc
    assert plt.get_fignums() == figures  # nothing registered with pyplot


def test_public_names_and_old_import_paths():
    from keras_embeddings.plots import (  # noqa: F401  (paths of the old module)
        NeuronOutputs,
        plot_dimension_sweep,
        plot_embedding_2d,
        plot_history,
        plot_neuron_outputs,
        plot_similarity_heatmap,
        project_2d,
    )

    modules = {"embeddings", "neurons", "similarity", "training"}
    public = {name for name in vars(plots) if not name.startswith("_")} - modules
    assert sorted(plots.__all__) == sorted(public)  # no helper re-exported
    assert "project_2d" in public and "InvalidInputError" not in public
