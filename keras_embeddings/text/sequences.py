"""Sequences for training: the lecture's n-gram prefixes and CBOW windows.

Taught in `tutorials/01_text_pipeline.py` (n-grams) and
`tutorials/05_cbow_step_by_step.py` (windows).
"""

from keras_embeddings._validation import positive_int

__all__ = ["context_windows", "ngram_sequences"]


def ngram_sequences(sequences, min_length=2):
    """The lecture's n-gram prefixes of each sequence of word ids.

    For every sequence `[w1, w2, ..., wn]` this gives `[w1, w2]`,
    `[w1, w2, w3]`, ..., `[w1, ..., wn]`: the last id of each prefix is the
    next-token target, the ids before it its context. This is the loop of the
    lecture's "Text Preprocessing" cell with its missing `append` restored.

    Args:
        sequences: iterable of lists of int, e.g. from
            `Tokenizer.texts_to_sequences`.
        min_length: int, the shortest prefix kept (2: one context word and
            the target).

    Returns:
        list of lists of int.

    Example:

    ```python
    >>> from keras_embeddings.text import ngram_sequences
    >>> ngram_sequences([[1, 2, 3, 4], [5, 6]])
    [[1, 2], [1, 2, 3], [1, 2, 3, 4], [5, 6]]
    ```
    """
    min_length = positive_int("min_length", min_length)
    prefixes = []
    for token_list in sequences:
        token_list = list(token_list)
        for i in range(min_length, len(token_list) + 1):
            prefixes.append(token_list[:i])
    return prefixes


def context_windows(tokens, window_size):
    """Yield `(context_words, center_word)` pairs, as the notebook's `get_windows`.

    The context is the `window_size` tokens on each side of the center word;
    centers too close to either end to have a full context are skipped.

    Args:
        tokens: sequence of tokens (words or ids).
        window_size: int, the context half-size `C`.

    Yields:
        `(list, token)`: the `2 * window_size` context tokens and the center.

    Example:

    ```python
    >>> from keras_embeddings.text import context_windows
    >>> words = ["i", "am", "happy", "because", "i", "am", "learning"]
    >>> for context, center in context_windows(words, 2):
    ...     print(context, center)
    ['i', 'am', 'because', 'i'] happy
    ['am', 'happy', 'i', 'am'] because
    ['happy', 'because', 'am', 'learning'] i
    ```
    """
    window_size = positive_int("window_size", window_size)
    tokens = list(tokens)
    for i in range(window_size, len(tokens) - window_size):
        context = tokens[i - window_size : i] + tokens[i + 1 : i + window_size + 1]
        yield context, tokens[i]
