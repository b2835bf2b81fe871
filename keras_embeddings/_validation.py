"""Argument checks shared by the whole package (clear errors, never asserts).

Each check names the argument in backticks and echoes the value, as Keras
does: ``"`window_size` must be a positive integer. Received: window_size=0"``.
"""

import numpy as np

from keras_embeddings.errors import InvalidInputError


def positive_int(name, value, minimum=1):
    """`value` as an int; `InvalidInputError` naming `name` unless >= `minimum`.

    Booleans are refused (`True` is an `int` in Python, never a size).

    >>> positive_int("window_size", 2)
    2
    >>> positive_int("negatives", 0, minimum=0)
    0
    """
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, np.integer))
        or value < minimum
    ):
        wanted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise InvalidInputError(
            f"`{name}` must be {wanted}. Received: {name}={value!r}"
        )
    return int(value)


def optional_positive_int(name, value, minimum=1):
    """None, or `positive_int(name, value, minimum)`."""
    return None if value is None else positive_int(name, value, minimum)


def boolean(name, value):
    """`value` as a bool; `InvalidInputError` unless it is True or False.

    >>> boolean("symmetric", True)
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(
            f"`{name}` must be True or False. Received: {name}={value!r}"
        )
    return bool(value)


def number(name, value, low=None, high=None, low_open=False, high_open=False):
    """`value` as a finite float in the given range, or `InvalidInputError`.

    `low`/`high` are the bounds (None: unbounded); `low_open`/`high_open`
    exclude them. A dropout rate is `number("dropout", x, 0, 1, high_open=True)`.

    >>> number("dropout", 0.5, 0, 1, high_open=True)
    0.5
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )
    ok = ok and np.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        if low is None and high is None:
            wanted = "a finite number"
        else:
            lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low}"
            hi = "inf)" if high is None else f"{high}" + (")" if high_open else "]")
            wanted = f"a number in {lo}, {hi}"
        raise InvalidInputError(
            f"`{name}` must be {wanted}. Received: {name}={value!r}"
        )
    return float(value)


def one_of(name, value, choices):
    """`value` if it is one of `choices`, else `InvalidInputError` listing them.

    >>> one_of("source", "input", ("input", "output", "average"))
    'input'
    """
    if isinstance(value, str) and value in choices:
        return value
    raise InvalidInputError(
        f"`{name}` must be one of {list(choices)}. Received: {name}={value!r}"
    )


def float_array(name, value):
    """`value` as a finite float64 NumPy array, or a clear error naming `name`.

    >>> float_array("weights", [1, 2])
    array([1., 2.])
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or not np.all(np.isfinite(array)):
        raise InvalidInputError(
            f"`{name}` must hold finite numbers. Received: {name}={value!r:.200}"
        )
    return array


def last_dimension(input_shape, layer, what="the number of input features"):
    """The known last entry of `input_shape`, or an error naming the layer.

    >>> last_dimension((None, 5, 8), "MultiHeadSelfAttention", "`d_model`")
    8
    """
    dim = input_shape[-1] if input_shape else None
    if dim is None:
        raise InvalidInputError(
            f"{layer}: the last input dimension ({what}) must be known. "
            f"Received: input_shape={tuple(input_shape)!r}"
        )
    return int(dim)
