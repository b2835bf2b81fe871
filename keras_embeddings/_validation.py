"""Argument checks shared by the layers and models (clear errors, never asserts)."""

import numpy as np

from keras_embeddings.errors import InvalidInputError


def positive_int(name, value, minimum=1):
    """`value` as an int; `InvalidInputError` naming `name` unless >= `minimum`.

    Booleans are refused (`True` is an `int` in Python, never a size).
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
