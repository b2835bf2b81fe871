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

import keras
import numpy as np
from keras import ops

from keras_embeddings._deprecation import no_other_arguments, renamed
from keras_embeddings._precision import check_float64_supported
from keras_embeddings._validation import last_dimension, number, positive_int

__all__ = ["SinusoidalPositionEncoding", "sinusoidal_encoding"]


def _check_max_wavelength(max_wavelength):
    value = number("max_wavelength", max_wavelength, low=1, low_open=True)
    if isinstance(max_wavelength, (int, np.integer)):
        return int(max_wavelength)  # a plain number, for `get_config`
    return value


def _encoding(sequence_length, embedding_dim, max_wavelength, dtype):
    """`PE` of shape `(sequence_length, embedding_dim)`; sizes may be tensors.

    Computed in float32 (float64 for a float64 `dtype`), then cast: float16
    cannot tell position 2049 from 2050.
    """
    work = (
        "float64" if keras.backend.standardize_dtype(dtype) == "float64" else "float32"
    )
    positions = ops.cast(ops.arange(sequence_length), work)  # (seq,)
    columns = ops.arange(embedding_dim)  # (d_model,): the column index j
    # Column j = 2i and column j = 2i + 1 share the exponent 2i / d_model.
    two_i = ops.cast(2 * (columns // 2), work)  # (d_model,)
    exponents = two_i / ops.cast(embedding_dim, work)
    wavelength = ops.cast(max_wavelength, work)
    angles = ops.expand_dims(positions, -1) / ops.power(
        wavelength, exponents
    )  # (seq, d_model): pos / 10000^(2i / d_model)
    is_even = ops.equal(columns % 2, 0)  # (d_model,)
    encoding = ops.where(is_even, ops.sin(angles), ops.cos(angles))
    return ops.cast(encoding, dtype)


def sinusoidal_encoding(
    sequence_length, embedding_dim=None, max_wavelength=10000, **kwargs
):
    """The sinusoidal positional encoding matrix of "Attention Is All You Need".

    Row `pos`, column `2i` holds `sin(pos / max_wavelength^(2i / d_model))`
    and column `2i + 1` holds the cosine of the same angle, where `d_model`
    is `embedding_dim` (Vaswani et al. 2017, section 3.5). Columns are
    interleaved sin, cos, sin, cos, ... like
    `keras_hub.layers.SinePositionEncoding`. Computed in float32.

    Args:
        sequence_length: int, the number of positions (rows), `pos = 0, 1,
            ..., sequence_length - 1`.
        embedding_dim: int, the embedding size `d_model` (columns), as in
            `keras_hub.layers.TokenAndPositionEmbedding`. Formerly `d_model`,
            which still works with a `DeprecationWarning`.
        max_wavelength: number greater than 1, the `10000` of the formula.

    Returns:
        A float32 tensor of shape `(sequence_length, embedding_dim)`.

    Example:

    ```python
    >>> import keras
    >>> from keras_embeddings.layers import sinusoidal_encoding
    >>> pe = sinusoidal_encoding(sequence_length=3, embedding_dim=4)
    >>> tuple(pe.shape)
    (3, 4)
    >>> keras.ops.convert_to_numpy(pe)[1].round(3).tolist()  # sin 1, cos 1, ...
    [0.841, 0.54, 0.01, 1.0]
    ```
    """
    embedding_dim = renamed(
        kwargs, "d_model", "embedding_dim", embedding_dim, None, "sinusoidal_encoding"
    )
    no_other_arguments(kwargs, "sinusoidal_encoding")
    sequence_length = positive_int("sequence_length", sequence_length)
    embedding_dim = positive_int("embedding_dim", embedding_dim)
    max_wavelength = _check_max_wavelength(max_wavelength)
    return _encoding(sequence_length, embedding_dim, max_wavelength, "float32")


@keras.saving.register_keras_serializable(package="keras_embeddings")
class SinusoidalPositionEncoding(keras.layers.Layer):
    """The fixed sinusoidal position encoding for a batch of embedded tokens.

    Takes the token embeddings `(batch, sequence_length, d_model)` and
    returns the encoding `PE` of `sinusoidal_encoding(sequence_length,
    embedding_dim=d_model)` broadcast to that shape, ready to be added:
    `x = embeddings + SinusoidalPositionEncoding()(embeddings)`. The input's
    values are not used, only its shape; the layer has no weights (Vaswani et
    al. 2017). Same output as `keras_hub.layers.SinePositionEncoding` (which
    also offers `start_index` and `positions` for cached decoding).

    Args:
        max_wavelength: number greater than 1, the `10000` of the formula.
        **kwargs: base `Layer` arguments (`name`, `dtype`). The encoding is
            computed in float32 (float64 under a float64 `dtype`, which on
            JAX needs its 64-bit mode; there Keras' `ops.sin` and `ops.cos`
            still round to float32) and cast to the compute dtype.

    Input shape:
        `(batch, sequence_length, d_model)` float tensor (`sequence_length`
        may be unknown).

    Output shape:
        `(batch, sequence_length, d_model)`, the same as the input.

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.layers import SinusoidalPositionEncoding
    >>> embeddings = np.zeros((2, 3, 4), "float32")
    >>> pe = SinusoidalPositionEncoding()(embeddings)
    >>> tuple(pe.shape)
    (2, 3, 4)
    >>> keras.ops.convert_to_numpy(pe)[0, 1].round(3).tolist()  # sin 1, cos 1, ...
    [0.841, 0.54, 0.01, 1.0]
    ```
    """

    def __init__(self, max_wavelength=10000, **kwargs):
        super().__init__(**kwargs)
        check_float64_supported(self.dtype_policy, "SinusoidalPositionEncoding")
        self.max_wavelength = _check_max_wavelength(max_wavelength)
        self.input_spec = keras.layers.InputSpec(ndim=3)

    def build(self, input_shape):
        d_model = last_dimension(input_shape, "SinusoidalPositionEncoding", "`d_model`")
        self.input_spec = keras.layers.InputSpec(ndim=3, axes={-1: d_model})

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
