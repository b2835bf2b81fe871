"""The package's exceptions: one clear message naming the input and the fix.

Each error subclasses the built-in one a caller would catch (`ValueError`,
`FileNotFoundError`, `KeyError`) and the package's `KerasEmbeddingsError`, so
the CLI can turn any of them into a one-line message and exit code 2.

Example:

```python
>>> from keras_embeddings import errors
>>> [cls.__name__ for cls in errors.InvalidInputError.__mro__[:3]]
['InvalidInputError', 'KerasEmbeddingsError', 'ValueError']
```
"""

import difflib

__all__ = [
    "GradientCheckError",
    "InvalidInputError",
    "KerasEmbeddingsError",
    "MissingInputError",
    "UnknownWordError",
]


class KerasEmbeddingsError(Exception):
    """Base class of every error the package raises on bad input.

    Example:

    ```python
    >>> from keras_embeddings.errors import KerasEmbeddingsError, UnknownWordError
    >>> issubclass(UnknownWordError, KerasEmbeddingsError)
    True
    ```
    """


class InvalidInputError(KerasEmbeddingsError, ValueError):
    """An argument, corpus or file whose content cannot be used (a `ValueError`).

    Example:

    ```python
    >>> from keras_embeddings.datasets import next_token_windows
    >>> from keras_embeddings.errors import InvalidInputError
    >>> try:
    ...     next_token_windows([[1, 2]], sequence_length=0)
    ... except InvalidInputError as e:
    ...     print(e)
    `sequence_length` must be a positive integer. Received: sequence_length=0
    ```
    """


class GradientCheckError(InvalidInputError):
    """Autodiff gradients that disagree with finite differences.

    Raised by `gradcheck.check_gradients`; the message names the weight, the
    entry and both values. `report` holds the result for every weight.

    Example:

    ```python
    >>> from keras_embeddings.errors import GradientCheckError
    >>> error = GradientCheckError("kernel[0, 1]: 0.5 vs 0.7", report={"ok": False})
    >>> isinstance(error, ValueError), error.report
    (True, {'ok': False})
    ```
    """

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report


class MissingInputError(KerasEmbeddingsError, FileNotFoundError):
    """A path, glob or folder that names no usable file (a `FileNotFoundError`).

    Example:

    ```python
    >>> from keras_embeddings.errors import MissingInputError
    >>> error = MissingInputError("Corpus 'books/*.txt' matches no files.")
    >>> isinstance(error, FileNotFoundError), str(error)  # the message as written
    (True, "Corpus 'books/*.txt' matches no files.")
    ```
    """

    def __str__(self):
        # FileNotFoundError formats its args as a tuple; keep the message plain.
        return str(self.args[0]) if self.args else ""


class UnknownWordError(KerasEmbeddingsError, KeyError):
    """A word that is not in the vocabulary; suggests close matches.

    Args:
        word: str, the word that was looked up.
        vocabulary: iterable of str, the known words (used for suggestions).

    Example:

    ```python
    >>> from keras_embeddings.errors import UnknownWordError
    >>> error = UnknownWordError("kng", ["king", "queen"])
    >>> print(error)
    Word 'kng' is not in the vocabulary. Did you mean: king?
    >>> isinstance(error, KeyError), error.suggestions
    (True, ['king'])
    ```
    """

    def __init__(self, word, vocabulary=()):
        self.word = word
        self.suggestions = difflib.get_close_matches(
            str(word), list(vocabulary), n=5, cutoff=0.6
        )
        message = f"Word {word!r} is not in the vocabulary."
        if self.suggestions:
            message += f" Did you mean: {', '.join(self.suggestions)}?"
        else:
            message += " Check its spelling or train on a corpus that contains it."
        super().__init__(message)

    def __str__(self):
        # KeyError's default repr-quotes the message; show it as written.
        return self.args[0]
