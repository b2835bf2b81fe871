import numpy as np
import pytest
from matplotlib.image import imread

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError


def test_dimension_sweep_writes_a_png(tmp_path):
    losses = {
        "asymmetric": {"loss": [9e4, 4.5e4, 1.5e3], "val_loss": [78e3, 72e3, 85e3]},
        "symmetric": {"loss": [1.1e5, 1e5, 9.4e4], "val_loss": [77e3, 77e3, 80e3]},
    }
    path = plots.plot_dimension_sweep([1, 10, 256], losses, tmp_path / "sweep.png")
    assert path == str(tmp_path / "sweep.png")
    image = imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 2 * image.shape[0] * 0.8
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically


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
