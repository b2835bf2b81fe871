"""Checks of text and token-list arguments, shared by the subword functions."""

import collections
import reprlib

from keras_embeddings.errors import InvalidInputError

_REPR = reprlib.Repr()  # echo big inputs briefly in error messages
_REPR.maxlist, _REPR.maxother, _REPR.maxstring = 8, 120, 60
short = _REPR.repr


def _listed(name, value, single_string_hint=""):
    """`value` as a list; raises if it is one str (or bytes) or not iterable."""
    if isinstance(value, (str, bytes)):
        raise InvalidInputError(
            f"`{name}` must be a list of str, not a single string"
            f"{single_string_hint}. Received: {name}={short(value)}"
        )
    try:
        return list(value)
    except TypeError:
        raise InvalidInputError(
            f"`{name}` must be a list of str. Received: {name}={short(value)}"
        ) from None


def texts(name, value):
    """`value` as a list of str; raises if it is one str, empty or not text."""
    value = _listed(
        name, value, " (it would be read one character at a time); wrap it: [text]"
    )
    for index, text in enumerate(value):
        if not isinstance(text, str):
            raise InvalidInputError(
                f"`{name}` must hold only str; item {index} is a "
                f"{type(text).__name__} ({short(text)}). Decode bytes first."
            )
    if not any(text.strip() for text in value):
        raise InvalidInputError(
            f"`{name}` holds no words. Pass at least one non-empty text. "
            f"Received: {name}={short(value)}"
        )
    return value


def tokens(name, value):
    """`value` as a non-empty list of distinct non-empty str."""
    value = _listed(name, value)
    if not value or not all(isinstance(t, str) and t for t in value):
        raise InvalidInputError(
            f"`{name}` must be a non-empty list of non-empty str. "
            f"Received: {name}={short(value)}"
        )
    duplicates = [t for t, n in collections.Counter(value).items() if n > 1]
    if duplicates:
        raise InvalidInputError(
            f"`{name}` must not repeat a token (each token has one id); "
            f"repeated: {short(duplicates)}. Received: {name}={short(value)}"
        )
    return value
