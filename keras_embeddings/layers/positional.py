"""The lecture's positional encoding: fixed sines and cosines of the position.

Self-attention sees a set of vectors, not a sequence: permuting the tokens
permutes its outputs and nothing else. The transformer adds to each token's
embedding a vector that depends on its position only (Vaswani et al. 2017,
"Attention Is All You Need", section 3.5):

    PE(pos, 2i)   = sin(pos / 10000^(2i / d_model))
    PE(pos, 2i+1) = cos(pos / 10000^(2i / d_model))

Column pair `(2i, 2i+1)` is a sine and a cosine of the same angle, whose
wavelength grows geometrically from `2π` (`i = 0`) towards
`10000 · 2π`. The lecture writes the sine line "for even i"; what is even
is the column index `2i`, and every `i` gives one sine column and the cosine
column after it. With an odd `d_model` the last column is a sine without its
cosine.

The columns are interleaved (sin, cos, sin, cos, ...), as in the paper and
in `keras_hub.layers.SinePositionEncoding`, which gives the same matrix.
Some implementations (e.g. the TensorFlow "Neural machine translation with
a Transformer" tutorial) concatenate all sines, then all cosines: for an
even `d_model` the same numbers with the columns permuted (column `2i` goes
to `i`, column `2i + 1` to `d_model / 2 + i`). A model trains equally well
on either, but weights learned on one layout do not fit the other.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import math

import keras
import numpy as np
from keras import ops

from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError


def _check_max_wavelength(max_wavelength):
    if (
        isinstance(max_wavelength, bool)
        or not isinstance(max_wavelength, (int, float, np.integer, np.floating))
        or not 1 < max_wavelength < math.inf
    ):
        raise InvalidInputError(
            "`max_wavelength` must be a finite number greater than 1 (the paper "
            f"uses 10000). Received: max_wavelength={max_wavelength!r}"
        )
    if isinstance(max_wavelength, (int, np.integer)):
        return int(max_wavelength)
    return float(max_wavelength)  # a plain number, for `get_config`


def _encoding(sequence_length, d_model, max_wavelength, dtype):
    """`PE` of shape `(sequence_length, d_model)`; lengths may be tensors."""
    positions = ops.cast(ops.arange(sequence_length), "float32")  # (seq,)
    columns = ops.arange(d_model)  # (d_model,): the column index j
    # Column j = 2i and column j = 2i + 1 share the exponent 2i / d_model.
    two_i = ops.cast(2 * (columns // 2), "float32")  # (d_model,)
    exponents = two_i / ops.cast(d_model, "float32")
    angles = ops.expand_dims(positions, -1) / ops.power(
        float(max_wavelength), exponents
    )  # (seq, d_model): pos / 10000^(2i / d_model)
    is_even = ops.equal(columns % 2, 0)  # (d_model,)
    encoding = ops.where(is_even, ops.sin(angles), ops.cos(angles))
    return ops.cast(encoding, dtype)


def sinusoidal_encoding(sequence_length, d_model, max_wavelength=10000):
    """The sinusoidal positional encoding matrix of "Attention Is All You Need".

    Row `pos`, column `2i` holds `sin(pos / max_wavelength^(2i / d_model))`
    and column `2i + 1` holds the cosine of the same angle (Vaswani et al.
    2017, section 3.5). Columns are interleaved sin, cos, sin, cos, ... like
    `keras_hub.layers.SinePositionEncoding`. Computed in float32.

    Args:
        sequence_length: int, the number of positions (rows), `pos = 0, 1,
            ..., sequence_length - 1`.
        d_model: int, the embedding size (columns).
        max_wavelength: number greater than 1, the `10000` of the formula.

    Returns:
        A float32 tensor of shape `(sequence_length, d_model)`.

    Example:

    ```python
    pe = sinusoidal_encoding(sequence_length=3, d_model=4)
    pe[1]  # [sin(1), cos(1), sin(0.01), cos(0.01)] = [0.841, 0.540, 0.010, 1.0]
    ```
    """
    sequence_length = positive_int("sequence_length", sequence_length)
    d_model = positive_int("d_model", d_model)
    max_wavelength = _check_max_wavelength(max_wavelength)
    return _encoding(sequence_length, d_model, max_wavelength, "float32")


@keras.saving.register_keras_serializable(package="keras_embeddings")
class SinusoidalPositionEncoding(keras.layers.Layer):
    """The fixed sinusoidal position encoding for a batch of embedded tokens.

    Takes the token embeddings `(batch, sequence_length, d_model)` and
    returns the encoding `PE` of `sinusoidal_encoding(sequence_length,
    d_model)` broadcast to that shape, ready to be added:
    `x = embeddings + SinusoidalPositionEncoding()(embeddings)`. The input's
    values are not used, only its shape; the layer has no weights (Vaswani et
    al. 2017). Same output as `keras_hub.layers.SinePositionEncoding` (which
    also offers `start_index` and `positions` for cached decoding).

    Args:
        max_wavelength: number greater than 1, the `10000` of the formula.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Input shape:
        `(batch, sequence_length, d_model)` float tensor (`sequence_length`
        may be unknown).

    Output shape:
        `(batch, sequence_length, d_model)`, the same as the input.

    Example:

    ```python
    embeddings = np.zeros((2, 3, 4), "float32")
    pe = SinusoidalPositionEncoding()(embeddings)  # (2, 3, 4)
    pe[0, 1]  # [0.841, 0.540, 0.010, 1.0]: sin(1), cos(1), sin(0.01), cos(0.01)
    ```
    """

    def __init__(self, max_wavelength=10000, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = _check_max_wavelength(max_wavelength)
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise InvalidInputError(
                "The last input dimension (`d_model`) must be known. Received: "
                f"input_shape={input_shape}"
            )
        self.input_spec = keras.layers.InputSpec(ndim=3, axes={-1: input_shape[-1]})

    def call(self, inputs):
        shape = ops.shape(inputs)  # (batch, sequence_length, d_model)
        encoding = _encoding(
            shape[1], shape[2], self.max_wavelength, self.compute_dtype
        )  # (sequence_length, d_model)
        return ops.broadcast_to(encoding, shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = {"max_wavelength": self.max_wavelength}
        return {**super().get_config(), **config}
