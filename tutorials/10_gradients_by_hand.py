"""
Title: Gradients by hand, gradient checking, Hessians and Hessian-vector products
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/12/07
Description: Backpropagate through homework 1's network by hand, check any Keras model's gradients with finite differences, and compute Hessian-vector products without the Hessian.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/10_gradients_by_hand.ipynb
"""

"""
## Introduction

Homework 1 asks for three things about derivatives:

1. **Backpropagation** (§1.2): the gradient of the loss of a small network
   with two hidden paths (a sigmoid and a ReLU) and a skip connection,
   derived with the chain rule, node by node, from the loss back to the
   input.
2. **Gradient checking** (programming part 2.3): the lab's
   `check_gradients` compares hand-written gradients with finite
   differences on 1000 random entries of each weight, by the relative error
   `|a - b| / (|a| + |b|)`.
3. **Second derivatives** (§1.3): the Hessian of
   `L(x) = 1/2 x^T v v^T x`, the product of a Hessian with a vector, and
   what each costs.

This tutorial does all three with `keras_embeddings.gradcheck`: the
backward pass of §1.2 in NumPy checked against automatic differentiation,
`check_gradients` on a Keras model of the same network (and on a layer with
a deliberately wrong gradient), then `hessian` and `hessian_vector_product`
with the homework's numbers and a timing that shows why Hessian-vector
products matter. It runs on any Keras backend with autodiff (TensorFlow,
JAX or PyTorch: set `KERAS_BACKEND`), in seconds on a CPU.
"""

"""
## Setup

Settings first. `KERAS_EMBEDDINGS_SMOKE=1` makes the timing section smaller.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time

import keras
import numpy as np
from keras import layers, ops

from keras_embeddings import gradcheck
from keras_embeddings.errors import GradientCheckError

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
SEED = 0
NUM_INPUTS = 4  # size of x
NUM_HIDDEN = 3  # size of a1, a2, c1, c2 (a1 + a2 needs them equal)
NUM_G = 5  # size of g
NUM_CLASSES = 3  # size of y
BATCH_SIZE = 16  # examples for check_gradients
HESSIAN_V = [3.0, 1.0, 4.0]  # hw1 §1.3
HVP_V = [4.0, 1.0, 2.0]  # hw1 §1.3.1
HVP_Y = [2.0, 2.0, 1.0]
TIMING_SIZES = [250, 500, 1000] if SMOKE else [1000, 2000, 4000, 8000]
LARGE_N = 100_000 if SMOKE else 1_000_000

keras.utils.set_random_seed(SEED)
np.set_printoptions(precision=4, suppress=True, linewidth=100)

"""
## Backpropagation by hand (hw1 §1.2)

The network of §1.2, for one example `x` with one-hot target `t`:

```
a1 = W1 x + b1        a2 = W2 x + b2
c1 = sigmoid(a1)      u = a1 + a2        c2 = ReLU(u)
g  = Wg [c1; c2] + bg
y  = W3 g + W4 x      y' = softmax(y)    J = -sum_k t_k log y'_k
```

The forward pass keeps every intermediate value; the backward pass visits
the nodes in reverse and applies the chain rule, exactly in the order of the
homework's solution (`d_v` is `dJ/dv`):
"""

# %%
rng = np.random.default_rng(SEED)
params = {
    "W1": rng.normal(size=(NUM_HIDDEN, NUM_INPUTS)),
    "b1": rng.normal(size=NUM_HIDDEN),
    "W2": rng.normal(size=(NUM_HIDDEN, NUM_INPUTS)),
    "b2": rng.normal(size=NUM_HIDDEN),
    "Wg": rng.normal(size=(NUM_G, 2 * NUM_HIDDEN)) / 2,
    "bg": rng.normal(size=NUM_G),
    "W3": rng.normal(size=(NUM_CLASSES, NUM_G)) / 2,
    "W4": rng.normal(size=(NUM_CLASSES, NUM_INPUTS)) / 2,
}
x = rng.normal(size=NUM_INPUTS)
t = np.eye(NUM_CLASSES)[1]  # one-hot target: class 1


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(p, x, t):
    a1 = p["W1"] @ x + p["b1"]
    a2 = p["W2"] @ x + p["b2"]
    c1 = sigmoid(a1)
    u = a1 + a2
    c2 = np.maximum(u, 0)
    c = np.concatenate([c1, c2])  # [c1; c2]
    g = p["Wg"] @ c + p["bg"]
    y = p["W3"] @ g + p["W4"] @ x
    y_prob = np.exp(y - y.max()) / np.exp(y - y.max()).sum()  # softmax
    J = -np.sum(t * np.log(y_prob))
    return J, {"a1": a1, "u": u, "c1": c1, "c": c, "g": g, "y_prob": y_prob}


def backward(p, x, t, cache):
    grads = {}
    d_y = cache["y_prob"] - t  # steps 1-2: softmax + cross-entropy
    d_g = p["W3"].T @ d_y  # step 3
    grads["W3"] = np.outer(d_y, cache["g"])
    grads["W4"] = np.outer(d_y, x)
    d_x = p["W4"].T @ d_y
    d_c = p["Wg"].T @ d_g  # step 4
    grads["Wg"] = np.outer(d_g, cache["c"])
    grads["bg"] = d_g
    d_c1, d_c2 = d_c[:NUM_HIDDEN], d_c[NUM_HIDDEN:]
    d_u = d_c2 * (cache["u"] > 0)  # step 5: ReLU
    c1 = cache["c1"]
    d_a1 = d_c1 * c1 * (1 - c1) + d_u  # steps 6-8: both paths into a1
    d_a2 = d_u
    grads["W1"], grads["b1"] = np.outer(d_a1, x), d_a1  # step 9
    grads["W2"], grads["b2"] = np.outer(d_a2, x), d_a2
    d_x = d_x + p["W1"].T @ d_a1 + p["W2"].T @ d_a2  # step 10: three paths
    return grads, d_x


J, cache = forward(params, x, t)
hand_grads, hand_dx = backward(params, x, t, cache)
print(f"J = {J:.6f}")
print("dJ/dx by hand:", hand_dx)
print("dJ/dW4 by hand:\n", hand_grads["W4"])

"""
`x` reaches `J` along three paths (the skip connection `W4`, and `a1`, `a2`),
so its gradient is the sum of three terms, and `a1` gets gradient from both
`c1` and `u`. Forgetting one of those sums is the classic backprop bug.
"""

"""
## The same gradients by automatic differentiation

The same forward pass written with `keras.ops` is differentiated by the
backend's autodiff (TensorFlow's `GradientTape`, `jax.grad` or
`torch.autograd`), which runs the same chain rule mechanically:
`gradcheck.gradients(f, values)` returns the derivative of `f(*values)` with
respect to each argument, as NumPy arrays. It computes in float64 on every
backend (`gradcheck.float64_scope`: JAX and Keras' ops on JAX and PyTorch
would otherwise compute float64 in float32), so the two agree to rounding
error.
"""

# %%


def keras_loss(x, W1, b1, W2, b2, Wg, bg, W3, W4):
    a1 = ops.matmul(W1, x) + b1
    a2 = ops.matmul(W2, x) + b2
    c = ops.concatenate([ops.sigmoid(a1), ops.relu(a1 + a2)], axis=0)
    g = ops.matmul(Wg, c) + bg
    y = ops.matmul(W3, g) + ops.matmul(W4, x)
    # ops.multiply: PyTorch cannot differentiate `numpy_array * tensor`.
    return -ops.sum(ops.multiply(t, ops.log_softmax(y)))


auto_dx, *auto_grads = gradcheck.gradients(keras_loss, [x, *params.values()])
with gradcheck.float64_scope():  # the value itself, from tensors as above
    tensors = [ops.convert_to_tensor(value) for value in [x, *params.values()]]
    J_auto = float(ops.convert_to_numpy(keras_loss(*tensors)))
print(f"J: hand {J:.12f}, autodiff {J_auto:.12f}")
print(f"{'':>6} max |hand - autodiff|")
print(f"{'x':>6} {np.abs(hand_dx - auto_dx).max():.1e}")
for name, auto in zip(params, auto_grads):
    print(f"{name:>6} {np.abs(hand_grads[name] - auto).max():.1e}")

"""
Every difference is around `1e-16`, the precision of float64: the hand
derivation is right. Autodiff is what Keras uses in `fit`, so for a Keras
model the question is the other way round: is the gradient autodiff
computes the derivative of the loss? It is, unless a layer registers its own
gradient (`custom_gradient`) or has a bug. Finite differences settle it
without trusting either.
"""

"""
## Checking a Keras model with `check_gradients`

The same network as a Keras functional model: each weight matrix is a
`Dense` layer (Keras stores `W^T` as the kernel), the output is the logits
`y`, and the loss is sparse cross-entropy from logits (integer targets
instead of one-hot `t`). The hand weights are copied in.

`check_gradients` then does what the lab's `check_gradients` did: for every
trainable weight it draws up to `num_checks=1000` random entries (here the
weights are small, so all entries), computes
`(L(w + eps) - L(w - eps)) / (2 eps)` with `eps = 1e-4`, and compares it with
the autodiff gradient by `|a - b| / (|a| + |b|)`. It works on a float64 copy
of the model with dropout off (`training=False`), and leaves the model
itself alone.
"""

# %%
inputs = keras.Input((NUM_INPUTS,), name="x")
a1 = layers.Dense(NUM_HIDDEN, name="W1")(inputs)
a2 = layers.Dense(NUM_HIDDEN, name="W2")(inputs)
c1 = layers.Activation("sigmoid", name="c1")(a1)
c2 = layers.Activation("relu", name="c2")(layers.Add(name="u")([a1, a2]))
g = layers.Dense(NUM_G, name="Wg")(layers.Concatenate(name="c")([c1, c2]))
logits = layers.Add(name="y")(
    [
        layers.Dense(NUM_CLASSES, use_bias=False, name="W3")(g),
        layers.Dense(NUM_CLASSES, use_bias=False, name="W4")(inputs),
    ]
)
model = keras.Model(inputs, logits, name="hw1_network")
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
for name in ["W1", "W2", "Wg"]:
    model.get_layer(name).set_weights([params[name].T, params["b" + name[1:]]])
for name in ["W3", "W4"]:
    model.get_layer(name).set_weights([params[name].T])

keras_J = model.compute_loss(
    x=None, y=np.array([1]), y_pred=model(x[None].astype("float32"))
)
keras_J = float(ops.convert_to_numpy(keras_J))
print(f"Keras loss on the example: {keras_J:.6f} (hand: {J:.6f})")

x_batch = rng.normal(size=(BATCH_SIZE, NUM_INPUTS))
y_batch = rng.integers(0, NUM_CLASSES, size=BATCH_SIZE)
report = gradcheck.check_gradients(model, x_batch, y_batch)
for result in report:
    print(result)

"""
The Keras model computes the same loss as the hand forward pass (to float32
precision). Every weight passes: the finite differences and autodiff agree
to about `1e-10` in absolute terms (the `max |difference|` column), so the
relative error counted is 0 (differences below `atol=1e-8` count as
agreement), far below `rtol=1e-5`. Each line is a `WeightCheck`, with the
weight's path, shape, the number of entries checked and the worst entry.
"""

"""
## A wrong gradient, caught

A layer can declare its own gradient with `keras.ops.custom_gradient`, to
be faster or more stable than autodiff. Here is `y = x * w` (one weight per
feature) whose hand-written gradient for `w` has a factor-of-2 bug, the kind
of slip `check_gradients` exists for. It is inserted after `g` in the same
network.
"""

# %%


class ScaleWithWrongGradient(keras.layers.Layer):
    """`y = x * w` per feature; the registered `dy/dw` is twice the truth."""

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        @ops.custom_gradient
        def scale(x, w):
            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                d_w = ops.sum(upstream * x, axis=0)  # the true dL/dw
                return upstream * w, 2.0 * d_w  # the bug: 2x

            return x * w, grad

        # ops.copy reads the variable into a tensor, so `grad` gives its gradient.
        return scale(inputs, ops.copy(self.w))  # (batch, features)


scaled_g = ScaleWithWrongGradient(name="scale_g")(g)
y_scaled = layers.Add(name="y")(
    [
        layers.Dense(NUM_CLASSES, use_bias=False, name="W3")(scaled_g),
        layers.Dense(NUM_CLASSES, use_bias=False, name="W4")(inputs),
    ]
)
buggy_model = keras.Model(inputs, y_scaled, name="buggy_network")
try:
    gradcheck.check_gradients(
        buggy_model,
        x_batch,
        y_batch,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
except GradientCheckError as error:
    print("GradientCheckError:", error)
    print()
    for result in error.report:
        print(result)

"""
The error names the weight (`scale_g/w`), the entry, and both numbers: the
autodiff value is exactly twice the finite difference, a relative error of
`|2b - b| / (|2b| + |b|) = 1/3`. Every other weight passes, because the
gradient passed back to `g` (`upstream * w`) is right. The report (in
`error.report`) shows where to look.
"""

"""
## The Hessian (hw1 §1.3)

For `L(x) = 1/2 x^T v v^T x` the gradient is `v v^T x` and the Hessian is
`H = v v^T`, the same at every `x`. `gradcheck.hessian` differentiates the
function twice (the Jacobian of the gradient: nested `GradientTape`s,
`jax.hessian` or `torch.func.hessian`).
"""

# %%


def homework_loss(v):
    v = np.asarray(v)
    # 1/2 (v^T x)^2 = 1/2 x^T v v^T x
    return lambda x: 0.5 * ops.sum(ops.multiply(x, v)) ** 2


for point in [np.zeros(3), rng.normal(size=3)]:
    print(f"H at x = {point}:\n{gradcheck.hessian(homework_loss(HESSIAN_V), point)}")

"""
Both times `H = [[9, 3, 12], [3, 1, 4], [12, 4, 16]]`, the homework's
`v v^T` for `v = [3, 1, 4]`: `n^2` entries, each one multiplication.
"""

"""
## Hessian-vector products (hw1 §1.3.1)

Many algorithms (Newton-CG, curvature estimates, influence functions) need
only `H y`, not `H`. The homework computes `z = H y` for `v = [4, 1, 2]`,
`y = [2, 2, 1]` in two orders: `(v v^T) y` builds `H` first, `v (v^T y)`
never does. `gradcheck.hessian_vector_product` is the autodiff version of
the second order: forward-mode differentiation of the reverse-mode gradient,
in the direction `y` (TensorFlow's `ForwardAccumulator` over a
`GradientTape`, `jax.jvp` of `jax.grad`, `torch.func.jvp` of
`torch.func.grad`).
"""

# %%
v, y_dir = np.array(HVP_V), np.array(HVP_Y)
print("(v v^T) y =", np.outer(v, v) @ y_dir)
print("v (v^T y) =", v * (v @ y_dir))
print(
    "H y       =",
    gradcheck.hessian_vector_product(homework_loss(v), np.zeros(3), y_dir),
)

"""
All three give `z = [48, 12, 24]`.
"""

"""
## What it costs

The homework counts multiplications for `Z = H y1 y2^T` (`n x m`): building
`H = v v^T` first costs `n^2 + nm + n^2 m`, grouping as `v (v^T (y1 y2^T))`
costs `3nm`, so avoiding `H` wins whenever `n >= 2`. Memory tells the same
story: `H` has `n^2` entries, `H y` has `n`.

Autodiff follows the same arithmetic. `hessian` computes `n` Hessian-vector
products (one per column, vectorized) and stores `n^2` numbers;
`hessian_vector_product` costs a small constant times one gradient and
stores `O(n)`. The timing below is for the homework's function with a
random `v` of length `n` (first call per size is tracing, so each is timed
on a second call).
"""

# %%


def best_time(function, repeats=2):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


print(f"{'n':>6} {'Hessian (s)':>12} {'H memory':>10} {'HVP (s)':>10}")
for n in TIMING_SIZES:
    f = homework_loss(rng.normal(size=n))
    point, direction = rng.normal(size=n), rng.normal(size=n)
    hessian_s = best_time(lambda: gradcheck.hessian(f, point))  # noqa: B023
    hvp_s = best_time(lambda: gradcheck.hessian_vector_product(f, point, direction))  # noqa: B023
    print(f"{n:>6} {hessian_s:>12.4f} {n * n * 8 / 1e6:>8.1f}MB {hvp_s:>10.4f}")

a = rng.uniform(1, 2, size=LARGE_N)
point, direction = rng.normal(size=LARGE_N), rng.normal(size=LARGE_N)


def large_loss(x):  # H = diag(a) + 1 1^T: every entry non-zero
    return 0.5 * ops.sum(ops.multiply(a, x**2)) + 0.5 * ops.sum(x) ** 2


start = time.perf_counter()
product = gradcheck.hessian_vector_product(large_loss, point, direction)
elapsed = time.perf_counter() - start
expected = a * direction + direction.sum()
print(
    f"n = {LARGE_N:,}: H v in {elapsed:.2f} s, max error vs a*v + sum(v): "
    f"{np.abs(product - expected).max():.1e}; H itself would need "
    f"{LARGE_N**2 * 8 / 1e9:,.0f} GB"
)

"""
For small `n` the Hessian's time is mostly a fixed overhead (setting up
the vectorized Jacobian); from a few thousand on, its `n^2` entries take
over and each doubling of `n` multiplies its memory by 4 and its time by 4
or more, while the Hessian-vector product stays at the cost of a gradient,
a few hundredths of a second. At `n = 1,000,000` (small for a neural
network) `H` would need 8,000 GB, yet `H v` takes a fraction of a second
and matches the exact `a * v + sum(v)`. (Smoke mode uses smaller sizes,
where the overhead hides the `n^2` growth.)
"""

"""
## Conclusion

- Backpropagation is the chain rule applied node by node from the loss
  back; where paths merge (the skip connection, `a1` feeding two nodes) the
  gradients add. The hand derivation of hw1 §1.2 matches autodiff to
  `1e-16`.
- `gradcheck.check_gradients(model, x, y)` is the lab's finite-difference
  checker for any Keras model: float64, inference mode, up to 1000 entries
  per weight, a per-weight report, and a `GradientCheckError` that names
  the weight, entry and both values when a gradient is wrong.
- `gradcheck.hessian(f, x)` gives `H` (hw1: `v v^T`);
  `gradcheck.hessian_vector_product(f, x, v)` gives `H v` without forming
  `H`, in `O(n)` memory (hw1: `[48, 12, 24]`).

Try breaking the hand backward pass (drop the `+ d_u` in `d_a1`) and watch
the comparison with autodiff fail, or change the factor in
`ScaleWithWrongGradient` to `1.0` and watch `check_gradients` pass.
"""
