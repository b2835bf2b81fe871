"""
Title: From a neuron to a layer, and a network wired by hand
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: One neuron computed by hand and by Keras, a layer of neurons equal to Dense, plots of every neuron's output, a neuron that learns, and the hard-coded superincreasing-sequence network.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/02_neuron_to_layer.ipynb
"""

"""
## Introduction

The lecture "From Neuron to Layer" starts from the basic unit of a neural
network, the neuron:

    y = f(w · x + b)

it weighs each input `x_i` by `w_i`, adds a bias `b` and passes the sum
through an activation function `f`. Put several neurons side by side on the
same input, each with its own weights and bias, and you have a layer. The
lab builds one neuron, scales it to a layer, and plots what each neuron of
the layer outputs for different inputs.

This tutorial follows the lab with `keras_embeddings.layers`:

1. a `Neuron` computed by hand with NumPy and by the layer;
2. a `NeuronLayer` of several neurons, and why it is exactly Keras' `Dense`;
3. plots of each neuron's output over a line and over a plane;
4. a neuron that learns the logical AND with `model.fit`, and a
   hard-threshold neuron that cannot;
5. a network whose weights are set by hand: the CSC321 exercise that
   detects superincreasing sequences, including the cases where it is wrong.

Everything runs in a few seconds on a CPU.
"""

"""
## Setup

Settings first. `KERAS_EMBEDDINGS_OUT` chooses where the plots go;
`KERAS_EMBEDDINGS_SMOKE=1` (used by the tests) changes nothing here, the
tutorial is already small.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from keras_embeddings import plots
from keras_embeddings.layers import Neuron, NeuronLayer, hard_threshold
from keras_embeddings.models import superincreasing_detector
from keras_embeddings.models.superincreasing import HIDDEN_WEIGHTS

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
OUT_DIR = os.environ.get("KERAS_EMBEDDINGS_OUT", os.path.join("runs", "tutorial_02"))
SEED = 0

# One neuron with three inputs.
X = [1.0, 2.0, 3.0]
W = [0.5, -1.0, 2.0]
B = 0.1

# A layer of three neurons on the same three inputs: one weight row per neuron.
LAYER_WEIGHTS = [[0.5, -1.0, 2.0], [1.0, 1.0, 1.0], [-2.0, 0.0, 0.5]]
LAYER_BIAS = [0.1, -6.0, 0.0]

# A neuron learning the logical AND.
LEARNING_RATE = 0.1
REPEATS = 50  # copies of the 4-row truth table per epoch (batches of 4)
EPOCHS = 6  # 6 * 50 = 300 gradient steps

keras.utils.set_random_seed(SEED)
np.set_printoptions(precision=4, suppress=True)

"""
## One neuron, by hand and as a Keras layer

By hand: `z = w · x + b = 0.5 * 1 - 1 * 2 + 2 * 3 + 0.1 = 4.6`, then the
sigmoid `f(z) = 1 / (1 + e^-z)`. `Neuron(weights=..., bias=...)` sets the
same numbers; the weights are checked against the size of the input when
the neuron first sees it.
"""

# %%
x = np.array(X)
z = np.dot(W, x) + B
by_hand = 1 / (1 + np.exp(-z))
print(f"By hand:   z = w·x + b = {z:.4f}, y = sigmoid(z) = {by_hand:.6f}")

neuron = Neuron(activation="sigmoid", weights=W, bias=B)
by_layer = keras.ops.convert_to_numpy(neuron(x[None, :]))  # a batch of one
print(f"By Neuron: y = {by_layer[0, 0]:.6f}, output shape {by_layer.shape}")
kernel, bias = neuron.get_weights()
print("kernel (input_dim, 1):", kernel.ravel(), "| bias:", bias)

"""
Both give `y = 0.990048` (the layer computes in float32, so the digits
agree to about 7 significant figures). The neuron stores `w` as a kernel
of shape `(3, 1)`, one column, which is the shape a layer of one neuron
needs.

The activation decides what the neuron does with `z`. The same weighted
sums through four activations, including the hard threshold
`I(z >= 0)` of the first artificial neurons (McCulloch and Pitts):
"""

# %%
inputs = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 0.0], [4.0, 2.0, 0.0]])
print("z =", inputs @ np.array(W) + B)
for activation in ["sigmoid", "tanh", "relu", "hard_threshold"]:
    same = Neuron(activation=activation, weights=W, bias=B)
    y = keras.ops.convert_to_numpy(same(inputs))[:, 0]
    print(f"{activation:>15}: {y}")

"""
With `z = [4.6, -0.4, 0.1]`: the sigmoid squashes to (0, 1), tanh to
(-1, 1), ReLU keeps positive sums and zeroes negative ones, and the hard
threshold answers only 0 or 1. `hard_threshold(0)` is 1: a tie fires.
"""

"""
## From a neuron to a layer

A layer is several neurons reading the same input, each with its own
weights and bias. `NeuronLayer(units, weights=W, bias=b)` takes one weight
row per neuron, the matrix `W` of the lecture's `h = f(W x + b)`. Neuron
`j` computes `f(W[j] · x + b[j])`; the layer stacks the rows as the columns
of a kernel (`kernel = W.T`, shape `(input_dim, units)`) so that one matrix
product gives all the weighted sums at once.
"""

# %%
layer = NeuronLayer(3, activation="sigmoid", weights=LAYER_WEIGHTS, bias=LAYER_BIAS)
layer_out = keras.ops.convert_to_numpy(layer(x[None, :]))[0]
print("Layer outputs for x = [1, 2, 3]:", layer_out)
for j, (w_j, b_j) in enumerate(zip(LAYER_WEIGHTS, LAYER_BIAS)):
    alone = Neuron(weights=w_j, bias=b_j)
    print(
        f"  neuron {j + 1} alone: {keras.ops.convert_to_numpy(alone(x[None, :]))[0, 0]:.6f}"
    )

"""
The first neuron is the one from before (0.990048). The second one sums
its inputs and subtracts 6: `z = 0`, output exactly 0.5. The third one
answers `sigmoid(-0.5) = 0.377541`. Same input, three different answers:
each neuron looks for a different pattern. Each neuron alone gives the same
number as its column of the layer.

Every input connected to every neuron is what Keras calls a dense, or
fully connected, layer. A `keras.layers.Dense` with the kernel `W.T` and
the same bias computes the same outputs, for any activation, including
the registered `hard_threshold` function:
"""

# %%
rng = np.random.default_rng(SEED)
batch = rng.integers(-3, 4, size=(1000, 3)).astype("float32")  # many ties z = 0
for activation in ["sigmoid", "relu", None, "hard_threshold"]:
    ours = NeuronLayer(3, activation=activation, weights=LAYER_WEIGHTS, bias=LAYER_BIAS)
    dense = keras.layers.Dense(
        3, activation=hard_threshold if activation == "hard_threshold" else activation
    )
    dense.build((None, 3))
    dense.set_weights([np.array(LAYER_WEIGHTS).T, np.array(LAYER_BIAS)])
    gap = np.abs(
        keras.ops.convert_to_numpy(ours(batch))
        - keras.ops.convert_to_numpy(dense(batch))
    ).max()
    print(f"NeuronLayer vs Dense, activation={activation!s:>14}: max difference {gap}")

"""
The differences are 0 on 1,000 inputs: `NeuronLayer` is `Dense` written
out, neuron by neuron. From here on, `Dense` is the layer to use; the
weight matrix in Keras is stored transposed, `(input_dim, units)`.
"""

"""
## What each neuron of a layer outputs

The lab's visualisation: feed a whole range of inputs and plot each
neuron's output. With one input feature, each neuron draws a curve; the
weight sets how steep and which way it goes, the bias where it crosses 0.5
(at `x = -b / w`).
"""

# %%
line_layer = NeuronLayer(
    4,
    activation="sigmoid",
    weights=[[1.0], [-1.0], [4.0], [0.5]],
    bias=[0.0, 2.0, -4.0, 1.0],
    name="four_neurons",
)
line_layer.build((None, 1))
line_png = os.path.join(OUT_DIR, "neurons_1d.png")
line = plots.plot_neuron_outputs(line_layer, path=line_png, input_range=(-6, 6))
middle = len(line.inputs) // 2
print(f"Wrote {line_png}: {line.outputs.shape[1]} neurons, {len(line.inputs)} points")
print("Outputs at x = 0:", line.outputs[middle], "(sigmoid of the biases)")

"""
`neurons_1d.png` has one panel per neuron: neuron 1 rises through 0.5 at
`x = 0`, neuron 2 falls (negative weight) and crosses at `x = 2`, neuron 3
is a steep step at `x = 1` (weight 4), neuron 4 a slow rise crossing at
`x = -2`. At `x = 0` each outputs the sigmoid of its bias.

With two input features, each neuron's output is a surface over the plane;
`plot_neuron_outputs` draws one seaborn heatmap per neuron, on one colour
scale. Below, a sigmoid layer and the same weights with the hard threshold:
"""

# %%
plane_weights = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 1.0]]
plane_bias = [0.0, 0.0, -1.0, 0.0]
smooth = NeuronLayer(
    4, "sigmoid", weights=plane_weights, bias=plane_bias, name="sigmoid"
)
step = NeuronLayer(
    4, "hard_threshold", weights=plane_weights, bias=plane_bias, name="threshold"
)
grid_axes = (np.linspace(-3, 3, 61), np.linspace(-3, 3, 61))
smooth_png = os.path.join(OUT_DIR, "neurons_2d_sigmoid.png")
step_png = os.path.join(OUT_DIR, "neurons_2d_threshold.png")
plots.plot_neuron_outputs(smooth, grid_axes, smooth_png)
step_plot = plots.plot_neuron_outputs(step, grid_axes, step_png)
print("Wrote", smooth_png, "and", step_png)
print(
    "Share of the plane where each threshold neuron fires:", step_plot.outputs.mean(0)
)

"""
Each neuron splits the plane along the line `w · x + b = 0`: neuron 1 along
`x1 = 0`, neuron 2 along `x2 = 0`, neuron 3 along `x1 + x2 = 1`, neuron 4
along the diagonal `x2 = x1`. The sigmoid neurons fade across that line;
the threshold neurons switch from 0 to 1 on it. Neurons 1, 2 and 4 fire on
a little more than half of the grid because the grid has points exactly on
their lines, where `z = 0` fires. Different weights, different features of
the same input: the lecture's point about layers.
"""

"""
## A neuron that learns

The weights so far were set by hand. Training finds them from examples.
A single sigmoid neuron (logistic regression) learns the logical AND of
two inputs with `model.fit` and the binary cross-entropy loss. The four
rows of the truth table are repeated `REPEATS` times per epoch, so each
epoch is 50 gradient steps on batches of four.
"""

# %%
and_inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
and_targets = np.array([0, 0, 0, 1], dtype="float32")

learner = keras.Sequential([keras.Input((2,)), Neuron("sigmoid", name="and_neuron")])
learner.compile(
    optimizer=keras.optimizers.Adam(LEARNING_RATE),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
history = learner.fit(
    np.tile(and_inputs, (REPEATS, 1)),
    np.tile(and_targets, REPEATS),
    batch_size=4,
    epochs=EPOCHS,
    verbose=0,
)
kernel, bias = learner.layers[0].get_weights()
print(
    f"After {EPOCHS} epochs: loss {history.history['loss'][-1]:.4f}, "
    f"accuracy {history.history['accuracy'][-1]:.2f}"
)
print("Learned w =", kernel.ravel(), "b =", bias)
print("Outputs:", learner.predict(and_inputs, verbose=0).ravel())
learned_plot = plots.plot_neuron_outputs(
    learner.layers[0], None, os.path.join(OUT_DIR, "and_neuron.png"), (-0.5, 1.5)
)

"""
The neuron separates `(1, 1)` from the three other corners: its output is
well above 0.5 there and near 0 elsewhere, and all four answers are right
(accuracy 1.00). The learned `w` has two positive, nearly equal weights and
a negative bias larger in size than either weight but smaller than their
sum, so `z < 0` with at most one input on and `z > 0` with both: the line
`w · x + b = 0` passes between `(1, 1)` and the other corners
(`and_neuron.png`).

A hard-threshold neuron cannot learn this way: `I(z >= 0)` is flat
everywhere except at 0, so its gradient is zero and gradient descent has
nothing to follow. `fit` runs, and the weights do not move:
"""

# %%
stuck = keras.Sequential([keras.Input((2,)), Neuron("hard_threshold")])
stuck.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse")
before = [w.copy() for w in stuck.get_weights()]
stuck.fit(and_inputs, and_targets, epochs=20, verbose=0)
unchanged = all(np.array_equal(b, a) for b, a in zip(before, stuck.get_weights()))
print("Hard-threshold weights unchanged after 20 epochs:", unchanged)

"""
That is why threshold networks, like the one below, are wired by hand,
and why trained networks use smooth activations (sigmoid, tanh, ReLU).
"""

"""
## A network wired by hand: superincreasing sequences

CSC321's homework 1 asks for a network that outputs 1 if a sequence
`(x1, x2, x3, x4)` is superincreasing (every element greater than the sum
of the elements before it) and 0 otherwise. The worked solution uses two
hard-threshold layers:

- three hidden neurons, one per condition, with weight rows
  `[-1, 1, 0, 0]`, `[-1, -1, 1, 0]`, `[-1, -1, -1, 1]` and bias 0:
  `h1 = I(x2 - x1 >= 0)`, `h2 = I(x3 - x1 - x2 >= 0)`,
  `h3 = I(x4 - x1 - x2 - x3 >= 0)`;
- one output neuron with weights `[1, 1, 1]` and bias -3: it fires only if
  `h1 + h2 + h3 = 3`, a logical AND.

`models.superincreasing_detector()` builds exactly this network from two
`NeuronLayer`s.
"""

# %%
detector = superincreasing_detector()
detector.summary()
hidden = keras.Model(detector.inputs, detector.get_layer("conditions").output)


def is_superincreasing(sequence):
    """The definition, strict: each element > the sum of those before it."""
    return all(value > sum(sequence[:i]) for i, value in enumerate(sequence) if i)


examples = [
    [1, 2, 4, 8],
    [1, 3, 5, 10],
    [2, 1, 4, 8],
    [1, 2, 4, 6],
    [-5, -3, -7, -8],
    [1, 1, 2, 4],
    [1, 2, 4, 7],
    [0, 0, 0, 0],
]
batch = np.array(examples, dtype="float32")
h = hidden.predict(batch, verbose=0)
y = detector.predict(batch, verbose=0)[:, 0]
print(f"{'sequence':>18}  h1 h2 h3  network  superincreasing")
for sequence, h_row, y_value in zip(examples, h, y):
    print(
        f"{sequence!s:>18}   {int(h_row[0])}  {int(h_row[1])}  {int(h_row[2])}"
        f"  {int(y_value):>7}  {is_superincreasing(sequence)!s:>15}"
    )

"""
The first five rows are right: `[1, 2, 4, 8]` and `[1, 3, 5, 10]` pass all
three checks; `[2, 1, 4, 8]` fails the first (`h1 = 0`), `[1, 2, 4, 6]` the
third (6 < 1 + 2 + 4); negative numbers follow the same formulas.

The last three rows are wrong. The exercise asks for `x2 > x1`, but the
threshold is `z >= 0`, so a hidden neuron also fires when its condition is
an equality: in `[1, 1, 2, 4]`, `x2 - x1 = 0` gives `h1 = 1`, and every
condition is a tie, so the network says 1 for a sequence that is not
superincreasing. `[1, 2, 4, 7]` ties on the last condition (7 = 1 + 2 + 4),
and `[0, 0, 0, 0]` on all three. The network computes the non-strict test
`x2 >= x1`, `x3 >= x1 + x2`, `x4 >= x1 + x2 + x3`; it agrees with the
definition on every sequence without a tie (the tests check thousands).

For integer sequences the fix is one number per hidden neuron: `x2 > x1`
is `x2 - x1 >= 1`, so a hidden bias of -1 instead of 0 gives the strict
test. The output neuron needs no fix: its bias -3 already separates a sum
of 3 from a sum of 2.
"""

# %%
strict_detector = keras.Sequential(
    [
        keras.Input((4,)),
        NeuronLayer(3, "hard_threshold", weights=HIDDEN_WEIGHTS, bias=-1),
        NeuronLayer(1, "hard_threshold", weights=[[1, 1, 1]], bias=-3),
    ]
)
strict_y = strict_detector.predict(batch, verbose=0)[:, 0]
for sequence, before_fix, after_fix in zip(examples, y, strict_y):
    print(
        f"{sequence!s:>18}: seed's network {int(before_fix)}, bias -1 {int(after_fix)}"
    )
print(
    "Bias -1 matches the definition on every example:",
    all(bool(v) == is_superincreasing(s) for s, v in zip(examples, strict_y)),
)

"""
With hidden biases of -1 the ties no longer fire, and every answer matches
the definition (for integers; real-valued inputs would need a margin
smaller than any gap between the values).
"""

"""
## Conclusion

- A neuron is `y = f(w · x + b)`: `Neuron(weights=..., bias=...)` computes
  the same number as NumPy by hand.
- A layer is neurons side by side on one input: `NeuronLayer` takes one
  weight row per neuron, and is exactly `keras.layers.Dense` with the
  kernel `W.T`.
- `plots.plot_neuron_outputs` shows that each neuron of a layer answers
  differently to the same input: curves for one input feature, heatmaps
  for two.
- Smooth activations let `fit` learn the weights (a sigmoid neuron learns
  AND); the hard threshold has a zero gradient, so networks built from it,
  like the superincreasing detector, are wired by hand, and the seed's
  `>= 0` threshold makes that network accept ties.

Next, the lecture turns the layer into an embedding: a `Dense` layer fed a
one-hot vector selects one row of its weights, which is what
`keras.layers.Embedding` does without the one-hot vector.
"""
