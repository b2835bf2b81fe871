"""`plots.plot_dimension_sweep`: the points drawn are the losses given."""

import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError

DIMENSIONS = [1, 10, 256]
LOSSES = {
    "asymmetric": {"loss": [9e4, 4.5e4, 1.5e3], "val_loss": [78e3, 72e3, 85e3]},
    "symmetric": {"loss": [1.1e5, 1e5, 9.4e4], "val_loss": [77e3, 77e3, 80e3]},
}


def test_points_drawn_are_the_losses():
    figure = plots.plot_dimension_sweep(DIMENSIONS, LOSSES)
    assert isinstance(figure, Figure)
    training, validation = figure.axes
    for ax, key, name in (
        (training, "loss", "training loss"),
        (validation, "val_loss", "validation loss"),
    ):
        assert ax.get_title() == f"{name} vs embedding dimension"
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("d", name)
        assert ax.get_xscale() == "log"
        curves = {line.get_label(): line for line in ax.get_lines()}
        for label, losses in LOSSES.items():
            np.testing.assert_array_equal(curves[label].get_xdata(), DIMENSIONS)
            np.testing.assert_array_equal(curves[label].get_ydata(), losses[key])
        legend = [text.get_text() for text in ax.get_legend().get_texts()]
        assert legend == list(LOSSES)
    # Training losses span 1.5e3 .. 1.1e5 (log axis); validation ones do not.
    assert (training.get_yscale(), validation.get_yscale()) == ("log", "linear")
    assert [t.get_text() for t in training.get_xticklabels()] == ["1", "10", "256"]


def test_best_validation_dimension_is_circled():
    figure = plots.plot_dimension_sweep(DIMENSIONS, LOSSES)
    training, validation = figure.axes
    assert len(training.get_lines()) == 2  # circles only on validation
    circles = [line for line in validation.get_lines() if line.get_markersize() > 10]
    points = [(c.get_xdata()[0], c.get_ydata()[0]) for c in circles]
    # asymmetric: lowest at d = 10; symmetric: a tie at 1 and 10 -> the first.
    assert points == [(10, 72e3), (1, 77e3)]
    lines = {line.get_label(): line for line in validation.get_lines()}
    assert [c.get_color() for c in circles] == [
        lines["asymmetric"].get_color(),
        lines["symmetric"].get_color(),
    ]


def test_path_writes_the_figure(tmp_path):
    path = tmp_path / "sweep.png"
    figure = plots.plot_dimension_sweep(DIMENSIONS, LOSSES, path)
    image = matplotlib.image.imread(path)
    width, height = figure.get_size_inches() * 100
    assert image.shape[:2] == (round(height), round(width))
    assert [p.name for p in tmp_path.iterdir()] == ["sweep.png"]  # atomic


@pytest.mark.parametrize(
    "dimensions, losses, message",
    [
        ([0, 2], {"a": {"loss": [1, 2], "val_loss": [1, 2]}}, "`dimensions` must"),
        ([1, 2], {}, "`losses` must be a non-empty dict"),
        ([1, 2], {"a": {"loss": [1, 2]}}, r"`losses\['a'\]\['val_loss'\]`"),
        ([1, 2], {"a": {"loss": [1], "val_loss": [1, 2]}}, "one loss per dimension"),
        ([1, 2], {"a": {"loss": [1, np.nan], "val_loss": [1, 2]}}, "finite"),
    ],
)
def test_dimension_sweep_bad_input(tmp_path, dimensions, losses, message):
    with pytest.raises(InvalidInputError, match=message):
        plots.plot_dimension_sweep(dimensions, losses, tmp_path / "x.png")
    assert not list(tmp_path.iterdir())
