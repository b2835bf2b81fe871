"""Ask a language model "she is a ...": the CSC321 lab's queries.

`predict_next_word` ranks the fourth word after three given words with a
model's softmax; `find_occurrences` lists the words that followed them in
the data. They replace the lab's functions of the same names and work with
`models.NGramLanguageModel`, next-word or masked, or any Keras model with the
same inputs and outputs.
"""

from collections import Counter

import numpy as np

from keras_embeddings import _validation
from keras_embeddings._deprecation import no_other_arguments, renamed
from keras_embeddings._word_vectors import word_ids
from keras_embeddings.errors import InvalidInputError

__all__ = ["find_occurrences", "predict_next_word"]

_MASK_ID = 0  # The `[MASK]` word id of the masked language model.


def predict_next_word(model, vocabulary, w1, w2, w3, topn=10, **kwargs):
    """The `topn` most probable words after `w1 w2 w3`, with their probabilities.

    The CSC321 lab's `predict_next_word` for any Keras model that maps a
    batch of word ids to logits:

    - a next-word model, `(batch, 3)` ids -> `(batch, V)` logits (such as
      `models.NGramLanguageModel(V)`), reads the three words and scores the
      fourth;
    - a masked model, `(batch, 4)` ids -> `(batch, 4, V)` logits (such as
      `NGramLanguageModel(V, sequence_length=4, masked=True)`), gets the
      three words followed by `[MASK]` (id 0) and its scores at position 3,
      the masked one, are read. The `[MASK]` id is never proposed as a word.

    The logits go through a softmax over the whole vocabulary, so each
    probability is the model's own and they sum to at most 1.

    Args:
        model: a Keras model (anything with `predict`) as above. Its number
            of input words comes from `model.sequence_length` (or the older
            `model.context_length`), or else `model.input_shape`, or else is
            taken to be 3.
        vocabulary: list of str, word id -> word (for a masked model, id 0
            is `[MASK]`), as `datasets.load_csc321(...).vocabulary`; None
            for the model's own `get_vocabulary()` (a model built with
            `vocabulary=`).
        w1: str, the first word.
        w2: str, the second word.
        w3: str, the third word.
        topn: int, how many words to return (all when larger than the
            vocabulary). Formerly `k`, which still works with a
            `DeprecationWarning`.

    Returns:
        A list of `(word, probability)` pairs, most probable first.

    Example:

    ```python
    >>> import keras
    >>> from keras_embeddings.analysis import predict_next_word
    >>> vocabulary = ["she", "is", "a", "doctor", "cat"]
    >>> model = keras.Sequential([  # only the bias speaks: "doctor", then "cat"
    ...     keras.Input(shape=(3,), dtype="int32"),
    ...     keras.layers.Embedding(5, 2),
    ...     keras.layers.Flatten(),
    ...     keras.layers.Dense(5, kernel_initializer="zeros"),
    ... ])
    >>> _ = model.layers[-1].bias.assign([0.0, 0.0, 0.0, 2.0, 1.0])
    >>> [(word, round(p, 3)) for word, p in predict_next_word(
    ...     model, vocabulary, "she", "is", "a", topn=2)]
    [('doctor', 0.564), ('cat', 0.207)]
    ```
    """
    topn = renamed(kwargs, "k", "topn", topn, 10, "predict_next_word")
    no_other_arguments(kwargs, "predict_next_word")
    topn = _validation.positive_int("topn", topn)
    vocabulary = _model_vocabulary(model) if vocabulary is None else list(vocabulary)
    ids = word_ids((w1, w2, w3), vocabulary)
    length = _input_length(model)
    if length not in (3, 4):
        raise InvalidInputError(
            "`predict_next_word` needs a model that reads 3 words (next-word) or "
            f"4 words (masked). Received a model that reads {length}."
        )
    if length == 4:
        ids.append(_MASK_ID)  # The masked model fills in the fourth word.
    logits = np.asarray(model.predict(np.array([ids], dtype="int32"), verbose=0))
    if logits.ndim == 3 and length == 4:
        logits = logits[0, 3]  # (V,) scores of the masked position
        excluded = _MASK_ID
    elif logits.ndim == 2 and length == 3:
        logits = logits[0]  # (V,)
        excluded = None
    else:
        raise InvalidInputError(
            "The model must return logits of shape (batch, V) for 3 input words, "
            "or (batch, 4, V) for 4 input words (masked). Received shape "
            f"{logits.shape} for {length} input words."
        )
    if logits.shape[-1] != len(vocabulary):
        raise InvalidInputError(
            f"The model scores {logits.shape[-1]} words but `vocabulary` has "
            f"{len(vocabulary)}; pass the vocabulary the model was trained with."
        )
    logits = logits.astype(np.float64)
    probabilities = np.exp(logits - logits.max())
    probabilities /= probabilities.sum()
    order = np.argsort(-probabilities, kind="stable")
    if excluded is not None:
        order = order[order != excluded]
    return [(vocabulary[i], float(probabilities[i])) for i in order[:topn]]


def find_occurrences(data, vocabulary, w1, w2, w3):
    """The words that follow `w1 w2 w3` in the data, with their counts.

    The CSC321 lab's `find_occurrences`: every 4-gram whose first three
    words are the query contributes its fourth word.

    Args:
        data: the 4-grams, as a pair `(inputs, targets)` of shapes (N, 3)
            and (N,) (the `"next_word"` split of `datasets.load_csc321`),
            or an (N, 4) array (the `"masked"` split); ids index
            `vocabulary` directly.
        vocabulary: list of str, word id -> word (the one `load_csc321`
            returned with `data`).
        w1: str, the first word.
        w2: str, the second word.
        w3: str, the third word.

    Returns:
        A list of `(word, count)` pairs, most common first (ties in the order
        the 4-grams appear); empty when the trigram never occurs.

    Example:

    ```python
    >>> from keras_embeddings.analysis import find_occurrences
    >>> vocabulary = ["she", "is", "a", "doctor", "cat"]
    >>> four_grams = [[0, 1, 2, 4], [0, 1, 2, 3], [1, 0, 2, 4], [0, 1, 2, 3]]
    >>> find_occurrences(four_grams, vocabulary, "she", "is", "a")
    [('doctor', 2), ('cat', 1)]
    ```
    """
    inputs, targets = _four_grams(data)
    vocabulary = list(vocabulary)
    ids = np.array(word_ids((w1, w2, w3), vocabulary))
    matches = np.all(inputs == ids, axis=1)  # (N,)
    found = targets[matches]
    if found.size and (found.min() < 0 or found.max() >= len(vocabulary)):
        raise InvalidInputError(
            f"`data` holds word ids up to {found.max()} but `vocabulary` has "
            f"{len(vocabulary)} words; pass the vocabulary that came with the data."
        )
    counts = Counter(vocabulary[i] for i in found.tolist())
    return counts.most_common()


def _model_vocabulary(model):
    """`model.get_vocabulary()`, or an error asking for `vocabulary`."""
    get_vocabulary = getattr(model, "get_vocabulary", None)
    vocabulary = get_vocabulary() if callable(get_vocabulary) else None
    if vocabulary is None:
        raise InvalidInputError(
            "`vocabulary` is None and the model stores no vocabulary (build it "
            "with `vocabulary=` or pass the word list). Received: vocabulary=None"
        )
    return list(vocabulary)


def _input_length(model):
    """How many word ids the model reads per example.

    `sequence_length` first (the current name), then `context_length` (the
    name `NGramLanguageModel` had before), then the functional input shape.
    """
    for name in ("sequence_length", "context_length"):
        length = getattr(model, name, None)
        if length is not None:
            return int(length)
    try:
        length = model.input_shape[-1]
    except (AttributeError, TypeError, ValueError, IndexError):
        length = None
    return 3 if length is None else int(length)


def _four_grams(data):
    """(inputs (N, 3), targets (N,)) from a pair or an (N, 4) array."""
    if hasattr(data, "train") and hasattr(data, "vocabulary"):
        raise InvalidInputError(
            "`data` must be one split, such as `data.train` of `load_csc321`, "
            "not the whole `CSC321Data`."
        )
    if isinstance(data, tuple) and len(data) == 2:
        inputs, targets = np.asarray(data[0]), np.asarray(data[1])
    else:
        try:
            rows = np.asarray(data)
        except ValueError:
            rows = np.empty((0,))
        if rows.ndim != 2 or rows.shape[1] != 4:
            raise InvalidInputError(
                "`data` must be a pair (inputs (N, 3), targets (N,)) or an "
                f"(N, 4) array of word ids. Received shape {rows.shape}"
            )
        inputs, targets = rows[:, :3], rows[:, 3]
    if inputs.ndim != 2 or inputs.shape[1] != 3 or targets.shape != inputs.shape[:1]:
        raise InvalidInputError(
            "`data` must be a pair (inputs (N, 3), targets (N,)) or an (N, 4) "
            f"array of word ids. Received shapes {inputs.shape} and {targets.shape}"
        )
    return inputs, targets
