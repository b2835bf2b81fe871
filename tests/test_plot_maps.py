"""What the learner's pictures draw: `plots.plot_embedding_2d`'s labels (the
chosen subset, no two overlapping, each near its point), its group colours and
legend, and `plots.plot_similarity_heatmap`'s cells against a NumPy cosine
oracle. Text extents come from the figure's own Agg renderer."""

import os

import matplotlib.image
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from sklearn.decomposition import PCA

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError, UnknownWordError
from keras_embeddings.pipelines._common import plot_words


def crowded_vectors(n=160, dim=8, seed=0):
    """`n` words, most in one tight cluster (the map's crowded middle)."""
    rng = np.random.default_rng(seed)
    scale = np.where(rng.random((n, 1)) < 0.8, 0.2, 2.0)
    words = [f"word{i:03d}" + "x" * (i % 6) for i in range(n)]
    return dict(zip(words, rng.normal(size=(n, dim)) * scale))


def label_boxes(figure):
    """Each label's text bounding box in pixels, after a full draw."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return [text.get_window_extent(renderer) for text in figure.axes[0].texts]


def gap_to_box(point, box):
    """Pixels from `point` to the nearest point of `box` (0 inside)."""
    dx = max(box.x0 - point[0], point[0] - box.x1, 0.0)
    dy = max(box.y0 - point[1], point[1] - box.y1, 0.0)
    return float(np.hypot(dx, dy))


def spread_oracle(coords, max_labels, min_distance=0.05):
    """The documented default: in order, skip words within 5% of a chosen one."""
    scaled = (coords - coords.min(axis=0)) / (coords.max(axis=0) - coords.min(axis=0))
    chosen = []
    for i, point in enumerate(scaled):
        if len(chosen) == max_labels:
            break
        if all(np.linalg.norm(point - scaled[j]) >= min_distance for j in chosen):
            chosen.append(i)
    return chosen


def assert_readable(figure, max_gap):
    """No two labels overlap, none leaves the axes, none hides a labelled
    point, and each is within `max_gap` pixels of its point, with a leader
    line from its point when it is not next to it."""
    ax = figure.axes[0]
    boxes = label_boxes(figure)
    frame = ax.get_window_extent(figure.canvas.get_renderer())
    points = ax.transData.transform([text.xy for text in ax.texts])
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
        assert not any(box.contains(*point) for point in points)
        assert gap_to_box(points[i], box) <= max_gap
    leaders = {}
    for collection in ax.collections[1:]:
        for segment in collection.get_segments():
            start, end = ax.transData.transform(segment)
            leaders[tuple(np.round(start, 3))] = end
    for point, box in zip(points, boxes):
        if gap_to_box(point, box) > 6:
            end = leaders[tuple(np.round(point, 3))]
            assert gap_to_box(end, box) < 1.0  # the line reaches the label
    return boxes


def test_default_labels_are_frequent_words_spread_over_the_map():
    vectors = crowded_vectors()
    figure = plots.plot_embedding_2d(vectors, max_words=120, max_labels=25)
    ax = figure.axes[0]
    words = list(vectors)[:120]
    offsets = np.asarray(ax.collections[0].get_offsets())
    assert offsets.shape == (120, 2)  # every word is a point
    matrix = np.stack([vectors[word] for word in words])
    np.testing.assert_allclose(
        offsets, PCA(n_components=2).fit_transform(matrix), atol=1e-5
    )
    chosen = spread_oracle(offsets, 25)
    labelled = [text.get_text() for text in ax.texts]
    assert labelled == [words[i] for i in chosen]
    assert labelled[0] == words[0] and 10 < len(labelled) <= 25
    np.testing.assert_allclose([text.xy for text in ax.texts], offsets[chosen])
    assert_readable(figure, max_gap=30)  # few labels: each next to its point


def test_chosen_labels_are_exactly_the_labelled_words_and_readable():
    vectors = crowded_vectors()
    words = list(vectors)[:100]
    labels = words[:40]  # 40 labels in the crowded middle
    figure = plots.plot_embedding_2d(vectors, words=words, labels=labels)
    ax = figure.axes[0]
    assert [text.get_text() for text in ax.texts] == labels
    offsets = np.asarray(ax.collections[0].get_offsets())
    np.testing.assert_allclose([text.xy for text in ax.texts], offsets[:40])
    boxes = assert_readable(figure, max_gap=150)
    points = ax.transData.transform(offsets[:40])
    near = sum(gap_to_box(p, b) <= 30 for p, b in zip(points, boxes))
    assert near >= 15  # many stay next to their point
    # A notebook may draw at another dpi: the layout scales with it.
    figure.set_dpi(200)
    for i, box in enumerate(label_boxes(figure)):
        assert not any(box.overlaps(other) for other in label_boxes(figure)[i + 1 :])


def test_labels_outside_the_plotted_words_are_added_and_layout_is_deterministic():
    vectors = crowded_vectors(n=60)
    words = list(vectors)
    first = plots.plot_embedding_2d(vectors, words=words[:10], labels=[words[50]])
    ax = first.axes[0]
    assert ax.collections[0].get_offsets().shape == (11, 2)
    assert [text.get_text() for text in ax.texts] == [words[50]]
    again = plots.plot_embedding_2d(vectors, words=words[:10], labels=[words[50]])
    assert again.axes[0].texts[0].xyann == ax.texts[0].xyann
    empty = plots.plot_embedding_2d(vectors, labels=[])
    assert len(empty.axes[0].texts) == 0 and len(empty.axes[0].collections) == 1
    none = plots.plot_embedding_2d(vectors, max_labels=0)
    assert len(none.axes[0].texts) == 0


@pytest.mark.parametrize("as_mapping", [False, True])
def test_groups_colour_points_and_fill_the_legend(as_mapping):
    vectors = crowded_vectors(n=80)
    words = list(vectors)
    groups = {"animals": [words[70], words[3]], "countries": [words[5], words[75]]}
    if as_mapping:  # word -> group name
        groups = {word: name for name, members in groups.items() for word in members}
    figure = plots.plot_embedding_2d(vectors, max_words=50, groups=groups)
    ax = figure.axes[0]
    plotted = words[:50] + [words[70], words[75]]  # grouped words are added
    colours = ax.collections[0].get_facecolors()
    assert colours.shape == (52, 4)
    by_word = dict(zip(plotted, map(tuple, colours)))
    animals, countries = by_word[words[70]], by_word[words[5]]
    assert by_word[words[3]] == animals and by_word[words[75]] == countries
    assert animals != countries
    other = to_rgba("0.6", 0.6)
    grouped = {words[70], words[3], words[5], words[75]}
    assert all(by_word[word] == other for word in plotted if word not in grouped)
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == [
        "animals",
        "countries",
        "other",
    ]
    handles = [to_rgba(handle.get_color()) for handle in legend.legend_handles]
    assert handles == [animals, countries, other]
    labelled = [text.get_text() for text in ax.texts]  # grouped words first
    assert labelled[:4] == [words[70], words[3], words[5], words[75]]
    assert_readable(figure, max_gap=150)


def test_every_word_in_a_group_has_no_other_entry():
    vectors = {"cat": [1.0, 0.0], "dog": [0.9, 0.2], "car": [0.0, 1.0]}
    groups = {"animals": ["cat", "dog"], "things": ["car"]}
    figure = plots.plot_embedding_2d(vectors, groups=groups)
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["animals", "things"]
    assert plots.plot_embedding_2d(vectors).axes[0].get_legend() is None


def test_map_rejects_bad_labels_and_groups(tmp_path):
    vectors = {"cat": [1.0, 0.0], "dog": [0.9, 0.2], "car": [0.0, 1.0]}
    path = tmp_path / "map.png"
    with pytest.raises(InvalidInputError, match=r"labels='cat'"):
        plots.plot_embedding_2d(vectors, path, labels="cat")
    with pytest.raises(UnknownWordError, match=r"'cta'"):
        plots.plot_embedding_2d(vectors, path, labels=["cta"])
    with pytest.raises(UnknownWordError, match=r"'bird'"):
        plots.plot_embedding_2d(vectors, path, groups={"animals": ["cat", "bird"]})
    with pytest.raises(InvalidInputError, match=r"two groups, 'a' and 'b'"):
        plots.plot_embedding_2d(vectors, path, groups={"a": ["cat"], "b": ["cat"]})
    with pytest.raises(InvalidInputError, match=r"`groups` must be a dict"):
        plots.plot_embedding_2d(vectors, path, groups=["cat", "dog"])
    with pytest.raises(InvalidInputError, match=r"`groups` must be a dict"):
        plots.plot_embedding_2d(vectors, path, groups={"a": ["cat"], "b": 3})
    with pytest.raises(InvalidInputError, match=r"`max_labels` must be an integer"):
        plots.plot_embedding_2d(vectors, path, max_labels=-1)
    assert os.listdir(tmp_path) == []


def cosine_oracle(rows):
    rows = np.asarray(rows, dtype=np.float64)
    dots = rows @ rows.T
    norms = np.sqrt(np.diag(dots))
    return dots / np.outer(norms, norms)


def test_similarity_heatmap_draws_the_cosine_matrix(tmp_path):
    vectors = crowded_vectors(n=20)
    words = list(vectors)[3:10][::-1]
    path = tmp_path / "plots" / "similarity.png"
    figure = plots.plot_similarity_heatmap(vectors, words, path)
    ax, colour_bar = figure.axes
    expected = cosine_oracle([vectors[word] for word in words])
    drawn = np.asarray(ax.collections[0].get_array()).reshape(len(words), len(words))
    np.testing.assert_allclose(drawn, expected, atol=1e-6)
    assert [label.get_text() for label in ax.get_xticklabels()] == words
    assert [label.get_text() for label in ax.get_yticklabels()] == words
    assert [text.get_text() for text in ax.texts] == [
        f"{value:.2f}" for value in expected.ravel()
    ]
    assert ax.collections[0].get_clim() == (-1.0, 1.0)
    assert ax.get_title() == "Cosine similarity of 7 words"
    assert colour_bar.get_ylabel() == "cosine similarity"
    image = matplotlib.image.imread(path)
    width, height = figure.get_size_inches() * 100
    assert image.shape[:2] == (round(height), round(width))


def test_similarity_heatmap_of_keyed_vectors_and_bad_input(tmp_path):
    from gensim.models import KeyedVectors

    keyed = KeyedVectors(vector_size=3)
    keyed.add_vectors(["a", "b", "zero"], np.array([[1, 2, 0], [2, 1, 1], [0, 0, 0]]))
    figure = plots.plot_similarity_heatmap(keyed, ["b", "a"])
    drawn = np.asarray(figure.axes[0].collections[0].get_array()).reshape(2, 2)
    np.testing.assert_allclose(drawn[0, 1], keyed.similarity("a", "b"), rtol=1e-6)
    path = tmp_path / "h.png"
    with pytest.raises(InvalidInputError, match=r"'zero' has an all-zero vector"):
        plots.plot_similarity_heatmap(keyed, ["a", "zero"], path)
    with pytest.raises(UnknownWordError, match=r"'c'"):
        plots.plot_similarity_heatmap(keyed, ["a", "c"], path)
    for words in ("a", [], None):
        with pytest.raises(InvalidInputError, match=r"`words` must be a non-empty"):
            plots.plot_similarity_heatmap(keyed, words, path)
    assert os.listdir(tmp_path) == []


def test_main_job_plot_words_follow_the_printed_neighbours():
    vectors = {w: [1.0, float(i)] for i, w in enumerate("abcdefghijkl")}
    found = {
        "a": [("b", 0.9), ("c", 0.8), ("d", 0.7), ("e", 0.6)],
        "c": [("a", 0.8), ("f", 0.5)],  # already in a's group: no group
        "g": [("a", 0.7), ("h", 0.6), ("i", 0.5)],
    }
    groups, compared = plot_words(vectors, found)
    assert groups == {"a": ["a", "b", "c", "d"], "g": ["g", "h", "i"]}
    assert compared == ["a", "b", "c", "f", "g", "h"]
    assert plot_words(vectors, {}) == ({}, list("abcdefghij"))
