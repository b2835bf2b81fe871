import os

import keras
import matplotlib
import matplotlib.image
import numpy as np
import pytest

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers import Neuron, NeuronLayer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def assert_png(path, folder):
    assert os.path.isfile(path)
    with open(path, "rb") as f:
        assert f.read(8) == PNG_MAGIC
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert not [name for name in os.listdir(folder) if name.startswith(".")]


W1 = np.array([[1.0], [-2.0], [0.5]])  # three neurons, one input
B1 = np.array([0.0, 1.0, -1.0])
W2 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])  # three neurons, two inputs
B2 = np.array([0.0, 0.5, -0.5])


def test_one_input_line_plots(tmp_path):
    layer = NeuronLayer(3, weights=W1, bias=B1)
    x = np.linspace(-5, 5, 101)
    path = tmp_path / "plots" / "neurons_1d.png"
    result = plots.plot_neuron_outputs(layer, x, path)
    assert result.path == str(path)
    assert_png(path, tmp_path / "plots")
    np.testing.assert_allclose(result.inputs, x[:, None])
    np.testing.assert_allclose(
        result.outputs, sigmoid(x[:, None] @ W1.T + B1), atol=1e-6
    )


def test_lines_drawn_are_the_layer_outputs():
    layer = NeuronLayer(3, activation="tanh", weights=W1, bias=B1)
    x = np.linspace(-2, 3, 41)
    figure, grid, outputs = plots._neuron_outputs_figure(layer, x, None)
    np.testing.assert_allclose(outputs, keras.ops.convert_to_numpy(layer(grid)))
    np.testing.assert_allclose(outputs, np.tanh(x[:, None] @ W1.T + B1), atol=1e-6)
    assert len(figure.axes) == 3
    for j, ax in enumerate(figure.axes):
        (line,) = ax.get_lines()
        np.testing.assert_allclose(line.get_xdata(), x)
        np.testing.assert_allclose(line.get_ydata(), outputs[:, j])
        assert ax.get_title() == f"neuron {j + 1}"


def test_two_inputs_heatmaps(tmp_path):
    layer = NeuronLayer(3, weights=W2, bias=B2)
    x1, x2 = np.linspace(-3, 3, 13), np.linspace(-1, 2, 7)
    result = plots.plot_neuron_outputs(layer, (x1, x2), tmp_path / "n2.png")
    assert_png(result.path, tmp_path)
    # Grid order: x1 varies fastest.
    assert result.inputs.shape == (13 * 7, 2)
    k = 13 * 4 + 5
    np.testing.assert_array_equal(result.inputs[k], [x1[5], x2[4]])
    np.testing.assert_allclose(
        result.outputs, sigmoid(result.inputs @ W2.T + B2), atol=1e-6
    )


def test_heatmaps_drawn_are_the_layer_outputs():
    layer = NeuronLayer(3, activation="relu", weights=W2, bias=B2)
    x1, x2 = np.linspace(-3, 3, 13), np.linspace(-1, 2, 7)
    figure, grid, outputs = plots._neuron_outputs_figure(layer, (x1, x2), None)
    heatmaps = [ax for ax in figure.axes if ax.get_title().startswith("neuron")]
    assert len(heatmaps) == 3
    for j, ax in enumerate(heatmaps):
        mesh = ax.collections[0].get_array().reshape(7, 13)  # row i: x2[i]
        z = x1[None, :] * W2[j, 0] + x2[:, None] * W2[j, 1] + B2[j]  # (7, 13)
        np.testing.assert_allclose(mesh, np.maximum(z, 0), atol=1e-6)
        np.testing.assert_allclose(mesh.ravel(), outputs[:, j])
        bottom, top = ax.get_ylim()  # seaborn puts row 0 on top; flipped back
        assert bottom < top and ax.get_yticklabels()[0].get_text() == "-1"
    # One colour scale for every neuron.
    limits = {ax.collections[0].get_clim() for ax in heatmaps}
    assert limits == {(outputs.min(), outputs.max())}


def test_input_range_makes_the_grid():
    one = NeuronLayer(2, weights=[[1.0], [2.0]])
    one.build((None, 1))
    _, grid, outputs = plots._neuron_outputs_figure(one, None, (-4, 4))
    np.testing.assert_allclose(grid[:, 0], np.linspace(-4, 4, 201))
    assert outputs.shape == (201, 2)
    two = NeuronLayer(3, weights=W2)
    two.build((None, 2))
    _, grid, _ = plots._neuron_outputs_figure(two, None, [(-1, 1), (0, 10)])
    assert grid.shape == (51 * 51, 2)
    np.testing.assert_allclose(np.unique(grid[:, 0]), np.linspace(-1, 1, 51))
    np.testing.assert_allclose(np.unique(grid[:, 1]), np.linspace(0, 10, 51))


def test_other_layers_and_models(tmp_path):
    # A single Neuron, a Dense layer, a Sequential model; grids sorted.
    _, grid, outputs = plots._neuron_outputs_figure(
        Neuron(weights=[2.0], bias=-1.0), [3.0, -1.0, 3.0, 0.0], None
    )
    np.testing.assert_array_equal(grid[:, 0], [-1.0, 0.0, 3.0])
    np.testing.assert_allclose(outputs[:, 0], sigmoid(2 * grid[:, 0] - 1), atol=1e-6)
    dense = keras.layers.Dense(4)
    dense.build((None, 2))
    _, _, outputs = plots._neuron_outputs_figure(dense, None, (-1, 1))
    assert outputs.shape == (51 * 51, 4)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(3, "relu")])
    result = plots.plot_neuron_outputs(model, None, tmp_path / "m.png", (-2, 2))
    assert result.outputs.shape == (201, 3)
    # A constant output (hard threshold, all ties) still draws.
    step = NeuronLayer(1, activation="hard_threshold", weights=[[0.0, 0.0]])
    result = plots.plot_neuron_outputs(step, ([0, 1], [0, 1]), tmp_path / "s.png")
    np.testing.assert_array_equal(result.outputs, np.ones((4, 1)))


def test_bad_input(tmp_path):
    path = tmp_path / "bad.png"
    three = NeuronLayer(2)
    three.build((None, 3))
    with pytest.raises(InvalidInputError, match=r"1 or 2 input features.*with 3"):
        plots.plot_neuron_outputs(three, None, path, input_range=(0, 1))
    two = NeuronLayer(2, weights=W2[:2])
    with pytest.raises(InvalidInputError, match=r"exactly one of `inputs`"):
        plots.plot_neuron_outputs(two, None, path)
    with pytest.raises(InvalidInputError, match=r"exactly one of `inputs`"):
        plots.plot_neuron_outputs(two, [0, 1], path, input_range=(0, 1))
    with pytest.raises(InvalidInputError, match=r"not built"):
        plots.plot_neuron_outputs(two, None, path, input_range=(0, 1))
    two.build((None, 2))
    with pytest.raises(InvalidInputError, match=r"low < high.*input_range=\(1, 1\)"):
        plots.plot_neuron_outputs(two, None, path, input_range=(1, 1))
    with pytest.raises(InvalidInputError, match=r"per input feature \(2\)"):
        plots.plot_neuron_outputs(two, None, path, input_range=[(0, 1)] * 3)
    with pytest.raises(InvalidInputError, match=r"grid of 1 input feature.*has 2"):
        plots.plot_neuron_outputs(two, np.linspace(0, 1, 5), path)
    with pytest.raises(InvalidInputError, match=r"shape \(4, 2\)"):
        plots.plot_neuron_outputs(two, np.zeros((4, 2)), path)
    with pytest.raises(InvalidInputError, match=r"at least 2 distinct values"):
        plots.plot_neuron_outputs(two, ([0.0, 1.0], [5.0, 5.0]), path)
    with pytest.raises(InvalidInputError, match=r"`inputs` must hold finite"):
        plots.plot_neuron_outputs(two, ([0.0, np.nan], [0.0, 1.0]), path)
    with pytest.raises(InvalidInputError, match=r"`layer` must be a Keras layer"):
        plots.plot_neuron_outputs("dense", [0, 1], path)
    assert os.listdir(tmp_path) == []


def test_global_matplotlib_state_is_untouched(tmp_path):
    backend, rc = matplotlib.get_backend(), dict(matplotlib.rcParams)
    layer = NeuronLayer(2, weights=W2[:2])
    plots.plot_neuron_outputs(layer, ([0, 1, 2], [0, 1]), tmp_path / "a.png")
    plots.plot_neuron_outputs(Neuron(), [0, 1, 2], tmp_path / "b.png")
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == rc
