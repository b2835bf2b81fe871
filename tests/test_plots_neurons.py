"""`plots.plot_neuron_outputs`: the curves and heatmaps drawn are the
layer's outputs, computed here by hand from its weights."""

import io
import os

import keras
import matplotlib
import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

from keras_embeddings import plots
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.layers import Neuron, NeuronLayer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def assert_png_of(figure, path_or_bytes):
    image = matplotlib.image.imread(path_or_bytes, format="png")
    width, height = figure.get_size_inches() * 100
    assert image.shape[:2] == (round(height), round(width))


W1 = np.array([[1.0], [-2.0], [0.5]])  # three neurons, one input
B1 = np.array([0.0, 1.0, -1.0])
W2 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])  # three neurons, two inputs
B2 = np.array([0.0, 0.5, -0.5])


def test_one_input_lines_are_the_layer_outputs():
    layer = NeuronLayer(3, activation="tanh", weights=W1, bias=B1, name="three")
    x = np.linspace(-2, 3, 41)
    result = plots.plot_neuron_outputs(layer, x)
    assert isinstance(result, plots.NeuronOutputs)
    assert isinstance(result.figure, Figure)
    np.testing.assert_allclose(result.inputs, x[:, None])
    expected = np.tanh(x[:, None] @ W1.T + B1)  # (41, 3)
    np.testing.assert_allclose(result.outputs, expected, atol=1e-6)
    assert len(result.figure.axes) == 3
    for j, ax in enumerate(result.figure.axes):
        (line,) = ax.get_lines()
        np.testing.assert_allclose(line.get_xdata(), x)
        np.testing.assert_allclose(line.get_ydata(), expected[:, j], atol=1e-6)
        assert ax.get_title() == f"neuron {j + 1}"
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "output")
    assert result.figure.get_suptitle() == "Outputs of the 3 neurons of 'three'"


def test_path_writes_the_figure(tmp_path):
    layer = NeuronLayer(3, weights=W1, bias=B1)
    path = tmp_path / "plots" / "neurons_1d.png"  # The folder is created.
    result = plots.plot_neuron_outputs(layer, np.linspace(-5, 5, 101), path)
    with open(path, "rb") as f:
        assert f.read(8) == PNG_MAGIC
    assert_png_of(result.figure, path)
    assert os.listdir(tmp_path / "plots") == ["neurons_1d.png"]  # atomic
    # A notebook displays the result as its figure.
    assert_png_of(result.figure, io.BytesIO(result._repr_png_()))


def test_two_inputs_heatmaps_are_the_layer_outputs():
    layer = NeuronLayer(3, activation="relu", weights=W2, bias=B2)
    x1, x2 = np.linspace(-3, 3, 13), np.linspace(-1, 2, 7)
    result = plots.plot_neuron_outputs(layer, (x1, x2))
    # Grid order: x1 varies fastest.
    assert result.inputs.shape == (13 * 7, 2)
    np.testing.assert_array_equal(result.inputs[13 * 4 + 5], [x1[5], x2[4]])
    np.testing.assert_allclose(
        result.outputs, np.maximum(result.inputs @ W2.T + B2, 0), atol=1e-6
    )
    heatmaps = [ax for ax in result.figure.axes if ax.get_title().startswith("neuron")]
    assert len(heatmaps) == 3
    for j, ax in enumerate(heatmaps):
        mesh = ax.collections[0].get_array().reshape(7, 13)  # row i: x2[i]
        z = x1[None, :] * W2[j, 0] + x2[:, None] * W2[j, 1] + B2[j]  # (7, 13)
        np.testing.assert_allclose(mesh, np.maximum(z, 0), atol=1e-6)
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
        bottom, top = ax.get_ylim()  # seaborn puts row 0 on top; flipped back
        assert bottom < top and ax.get_yticklabels()[0].get_text() == "-1"
    # One colour scale for every neuron.
    limits = {ax.collections[0].get_clim() for ax in heatmaps}
    assert limits == {(result.outputs.min(), result.outputs.max())}


def test_input_range_makes_the_grid():
    one = NeuronLayer(2, weights=[[1.0], [2.0]])
    one.build((None, 1))
    result = plots.plot_neuron_outputs(one, input_range=(-4, 4))
    np.testing.assert_allclose(result.inputs[:, 0], np.linspace(-4, 4, 201))
    np.testing.assert_allclose(
        result.outputs, sigmoid(result.inputs @ [[1.0, 2.0]]), atol=1e-6
    )
    two = NeuronLayer(3, weights=W2)
    two.build((None, 2))
    result = plots.plot_neuron_outputs(two, None, None, [(-1, 1), (0, 10)])
    assert result.inputs.shape == (51 * 51, 2)
    np.testing.assert_allclose(np.unique(result.inputs[:, 0]), np.linspace(-1, 1, 51))
    np.testing.assert_allclose(np.unique(result.inputs[:, 1]), np.linspace(0, 10, 51))


def test_other_layers_and_models():
    # A single Neuron, a Dense layer, a Sequential model; grids sorted.
    result = plots.plot_neuron_outputs(
        Neuron(weights=[2.0], bias=-1.0), [3.0, -1.0, 3.0, 0.0]
    )
    np.testing.assert_array_equal(result.inputs[:, 0], [-1.0, 0.0, 3.0])
    np.testing.assert_allclose(
        result.outputs[:, 0], sigmoid(2 * result.inputs[:, 0] - 1), atol=1e-6
    )
    (line,) = result.figure.axes[0].get_lines()
    np.testing.assert_allclose(line.get_ydata(), result.outputs[:, 0])
    assert result.figure.get_suptitle().startswith("Outputs of the 1 neuron of")
    dense = keras.layers.Dense(4)
    dense.build((None, 2))
    result = plots.plot_neuron_outputs(dense, input_range=(-1, 1))
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in dense.weights)
    np.testing.assert_allclose(result.outputs, result.inputs @ kernel + bias, atol=1e-5)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(3, "relu")])
    result = plots.plot_neuron_outputs(model, input_range=(-2, 2))
    assert result.outputs.shape == (201, 3)
    # A constant output (hard threshold, all ties) still draws.
    step = NeuronLayer(1, activation="hard_threshold", weights=[[0.0, 0.0]])
    result = plots.plot_neuron_outputs(step, ([0, 1], [0, 1]))
    np.testing.assert_array_equal(result.outputs, np.ones((4, 1)))
    assert result.figure.axes[0].collections[0].get_clim() == (0.5, 1.5)


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
    with pytest.raises(InvalidInputError, match=r"`input_range` must hold finite"):
        plots.plot_neuron_outputs(two, None, path, input_range=(0, "x"))
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
    import matplotlib.pyplot as plt

    backend, rc = matplotlib.get_backend(), dict(matplotlib.rcParams)
    figures = plt.get_fignums()
    layer = NeuronLayer(2, weights=W2[:2])
    plots.plot_neuron_outputs(layer, ([0, 1, 2], [0, 1]), tmp_path / "a.png")
    plots.plot_neuron_outputs(Neuron(), [0, 1, 2], tmp_path / "b.png")
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == rc
    assert plt.get_fignums() == figures  # nothing registered with pyplot
