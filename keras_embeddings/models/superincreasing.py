"""A hard-coded network: is `(x1, x2, x3, x4)` a superincreasing sequence?

CSC321 homework 1, §1.1 ("Hard-Coding Neural Networks"), as worked out in
the seed solution: a sequence is superincreasing when every element is
greater than the sum of the elements before it. Three hard-threshold hidden
neurons each check one condition and one output neuron ANDs them, with
weights chosen by hand instead of learned (the step activation has a zero
gradient, so they could not be learned by gradient descent anyway).

Taught in `tutorials/02_neuron_to_layer.py`.
"""

import keras

from keras_embeddings.layers import NeuronLayer

__all__ = ["superincreasing_detector"]

# The seed's parameters: row k of W1 is hidden neuron k's weight vector.
HIDDEN_WEIGHTS = [[-1, 1, 0, 0], [-1, -1, 1, 0], [-1, -1, -1, 1]]  # W^(1)
HIDDEN_BIAS = [0, 0, 0]  # b^(1)
OUTPUT_WEIGHTS = [1, 1, 1]  # w^(2)
OUTPUT_BIAS = -3  # b^(2)


def superincreasing_detector():
    """The seed's two-layer hard-threshold network, with its exact weights.

    Hidden layer, `h = I(W1 x + b1 >= 0)` with
    `W1 = [[-1, 1, 0, 0], [-1, -1, 1, 0], [-1, -1, -1, 1]]`, `b1 = 0`:
    `h1 = I(x2 - x1 >= 0)`, `h2 = I(x3 - x1 - x2 >= 0)`,
    `h3 = I(x4 - x1 - x2 - x3 >= 0)`. Output, `y = I(h1 + h2 + h3 - 3 >= 0)`
    (`w2 = [1, 1, 1]`, `b2 = -3`): 1 exactly when all three hidden neurons
    fire, a logical AND.

    Ties: the network is not quite the strict test it is meant to be. The
    seed asks for `x2 > x1`, `x3 > x1 + x2`, `x4 > x1 + x2 + x3`, but its
    threshold is `z >= 0`, so a hidden neuron also fires when its condition
    is an equality (`x2 == x1` gives `z1 = 0` and `h1 = 1`). The network
    computes the non-strict predicate

        x2 >= x1  and  x3 >= x1 + x2  and  x4 >= x1 + x2 + x3,

    and outputs 1 for sequences that are not superincreasing, such as
    `[1, 1, 2, 4]`, `[1, 2, 3, 6]` or `[0, 0, 0, 0]`. It agrees with the
    strict definition on every sequence without such a tie. (For integer
    inputs, hidden biases of -1 would give the strict test: `x2 - x1 >= 1`
    is `x2 > x1`. The seed's output layer has no such issue: its bias -3
    separates the sums 3 and 2 cleanly.) Negative and zero elements are
    allowed and follow the same formulas.

    The weights are hand-set initial values of two `NeuronLayer`s with the
    `hard_threshold` activation, trainable like any Keras weights, but a
    gradient step leaves them unchanged (the step's gradient is 0).
    Computations are in float32, exact for integers up to 2**24 in size.

    Returns:
        A `keras.Sequential` model, input `(batch, 4)`, output `(batch, 1)`
        of 0.0 / 1.0; its layers are named `"conditions"` (the three hidden
        neurons) and `"and"` (the output neuron).

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import superincreasing_detector
    >>> model = superincreasing_detector()
    >>> model.predict(np.array([[1, 2, 4, 8], [1, 2, 4, 6], [1, 1, 2, 4]]),
    ...               verbose=0).ravel().tolist()
    [1.0, 0.0, 1.0]
    ```

    The last one is a tie (`x2 == x1`), not superincreasing.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(4,), name="sequence"),
            NeuronLayer(
                3,
                activation="hard_threshold",
                weights=HIDDEN_WEIGHTS,
                bias=HIDDEN_BIAS,
                name="conditions",
            ),
            NeuronLayer(
                1,
                activation="hard_threshold",
                weights=[OUTPUT_WEIGHTS],
                bias=OUTPUT_BIAS,
                name="and",
            ),
        ],
        name="superincreasing_detector",
    )
