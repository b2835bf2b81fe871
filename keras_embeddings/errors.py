"""The package's exceptions: one clear message naming the input and the fix.

Each error subclasses the built-in one a caller would catch (`ValueError`,
`FileNotFoundError`, `KeyError`) and the package's `KerasEmbeddingsError`, so
the CLI can turn any of them into a one-line message and exit code 2.
"""

import difflib


class KerasEmbeddingsError(Exception):
    """Base class of every error the package raises on bad input."""


class InvalidInputError(KerasEmbeddingsError, ValueError):
    """An argument, corpus or file whose content cannot be used."""


class GradientCheckError(InvalidInputError):
    """Autodiff gradients that disagree with finite differences.

    Raised by `gradcheck.check_gradients`; the message names the weight, the
    entry and both values. `report` holds the result for every weight.
    """

    def __init__(self, message, report=None):
        super().__init__(message)
        self.report = report


class MissingInputError(KerasEmbeddingsError, FileNotFoundError):
    """A path, glob or folder that names no usable file."""

    def __str__(self):
        # FileNotFoundError formats its args as a tuple; keep the message plain.
        return str(self.args[0]) if self.args else ""


class UnknownWordError(KerasEmbeddingsError, KeyError):
    """A word that is not in the vocabulary; suggests close matches.

    Args:
        word: str, the word that was looked up.
        vocabulary: iterable of str, the known words (used for suggestions).
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
