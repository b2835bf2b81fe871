"""Old argument names that keep working, with a `DeprecationWarning`.

README's changelog lists every rename.
"""

import warnings

from keras_embeddings.errors import InvalidInputError


def renamed(kwargs, old, new, value, default, owner):
    """`value` of the argument `new`, or `kwargs.pop(old)` with a warning.

    Args:
        kwargs: the caller's `**kwargs` dict; `old` is popped from it.
        old: str, the former argument name.
        new: str, the current name.
        value: what the caller received as `new`.
        default: the default of `new`; giving both names is an error.
        owner: str, the function or class, named in the messages.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed({"k": 3}, "k", "topn", 10, 10, "predict_next_word")
    3
    >>> str(caught[0].message)
    '`predict_next_word(k=...)` is deprecated; use `topn=...` instead.'
    """
    if old not in kwargs:
        return value
    old_value = kwargs.pop(old)
    if value is not default and not _equal(value, default):
        raise InvalidInputError(
            f"`{owner}` received both `{old}` (its old name) and `{new}`; "
            f"pass only `{new}`. Received: {old}={old_value!r}, {new}={value!r}"
        )
    warnings.warn(
        f"`{owner}({old}=...)` is deprecated; use `{new}=...` instead.",
        DeprecationWarning,
        stacklevel=3,
    )
    return old_value


def no_other_arguments(kwargs, owner):
    """Raise the `TypeError` Python raises for an unexpected keyword argument."""
    if kwargs:
        name = next(iter(kwargs))
        raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")


def _equal(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
