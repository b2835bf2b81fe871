import os

import keras
import matplotlib
import matplotlib.image
import numpy as np
import pytest
from sklearn.decomposition import PCA

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError, UnknownWordError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WORDS = ["king", "queen", "man", "woman", "café", "apple", "pear", "plum"]


@pytest.fixture
def word_vectors():
    rng = np.random.default_rng(0)
    return dict(zip(WORDS, rng.normal(size=(len(WORDS), 6)).astype("float32")))


def assert_png(path, folder):
    assert os.path.isfile(path)
    with open(path, "rb") as f:
        assert f.read(8) == PNG_MAGIC
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert image.shape[2] in (3, 4)
    assert not [name for name in os.listdir(folder) if name.startswith(".")]


def test_plot_history_from_keras_history(tmp_path):
    history = keras.callbacks.History()
    history.history = {
        "loss": [2.0, 1.4, 1.1],
        "accuracy": [0.2, 0.4, 0.5],
        "val_loss": [2.1, 1.6, 1.5],
        "val_accuracy": [0.2, 0.3, 0.4],
    }
    path = tmp_path / "plots" / "history.png"  # The folder is created.
    assert plots.plot_history(history, path) == str(path)
    assert_png(path, tmp_path / "plots")


def test_plot_history_from_dict(tmp_path):
    path = plots.plot_history({"loss": [1.0], "val_perplexity": [9.0]}, tmp_path / "h")
    assert_png(path, tmp_path)


def test_plot_history_rejects_bad_input(tmp_path):
    with pytest.raises(InvalidInputError, match=r"`history`"):
        plots.plot_history({}, tmp_path / "h.png")
    with pytest.raises(InvalidInputError, match=r"'loss'"):
        plots.plot_history({"loss": "low"}, tmp_path / "h.png")
    assert os.listdir(tmp_path) == []


def test_project_2d_pca_matches_sklearn_and_svd(word_vectors):
    matrix = np.stack(list(word_vectors.values()))
    coords = plots.project_2d(matrix, "pca")
    assert coords.shape == (len(WORDS), 2)
    np.testing.assert_allclose(
        coords, PCA(n_components=2).fit_transform(matrix), atol=1e-5
    )
    centred = matrix.astype("float64") - matrix.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    signs = np.sign(np.sum(coords * expected, axis=0))  # Axes are up to sign.
    np.testing.assert_allclose(coords * signs, expected, atol=1e-9)


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_plot_embedding_2d(tmp_path, word_vectors, method):
    path = tmp_path / f"{method}.png"
    assert plots.plot_embedding_2d(word_vectors, path, method=method) == str(path)
    assert_png(path, tmp_path)


def test_plot_uses_the_projected_coordinates(word_vectors):
    words = ["queen", "king", "apple", "plum"]
    figure, plotted, coords = plots._embedding_figure(word_vectors, words, "pca", 200)
    matrix = np.stack([word_vectors[word] for word in words])
    np.testing.assert_allclose(coords, plots.project_2d(matrix, "pca"))
    labels = figure.axes[0].texts
    assert [label.get_text() for label in labels] == words == plotted
    np.testing.assert_allclose([label.xy for label in labels], coords)


def test_max_words_keeps_the_first_words(word_vectors):
    _, plotted, coords = plots._embedding_figure(word_vectors, None, "pca", 3)
    assert plotted == WORDS[:3]
    assert coords.shape == (3, 2)


def test_plot_embedding_2d_rejects_bad_input(tmp_path, word_vectors):
    with pytest.raises(UnknownWordError, match=r"queen"):
        plots.plot_embedding_2d(word_vectors, tmp_path / "m.png", words=["quen"])
    with pytest.raises(InvalidInputError, match=r"method='umap'"):
        plots.plot_embedding_2d(word_vectors, tmp_path / "m.png", method="umap")
    with pytest.raises(InvalidInputError, match=r"at least 2 vectors"):
        plots.plot_embedding_2d(word_vectors, tmp_path / "m.png", words=["king"])
    assert os.listdir(tmp_path) == []


def test_global_matplotlib_state_is_untouched(tmp_path, word_vectors):
    backend = matplotlib.get_backend()
    rc = dict(matplotlib.rcParams)
    plots.plot_embedding_2d(word_vectors, tmp_path / "m.png")
    plots.plot_history({"loss": [1.0, 0.5]}, tmp_path / "h.png")
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == rc
