"""The CSC321 assignment's partially trained parameters (`partially_trained*.pk`).

The course ships the weights of its 4-gram network, trained part of the way,
as pickles of a dict: the vocabulary and five float64 arrays.
`load_classic_params` reads them through `io_utils.safe_load_pickle` (no
code in the file is ever run) and checks that the shapes fit together;
`models.NGramLanguageModel.set_classic_params` loads the result.

Tutorial: `tutorials/08_neural_language_model.py`.
"""

import os

import numpy as np

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.io_utils import safe_load_pickle

__all__ = ["CLASSIC_PARAM_NAMES", "load_classic_params"]

CLASSIC_PARAM_NAMES = (
    "word_embedding_weights",
    "embed_to_hid_weights",
    "hid_to_output_weights",
    "hid_bias",
    "output_bias",
)


def load_classic_params(path):
    """Read the assignment's partially trained parameters (`*.pk`).

    The files hold a dict with the vocabulary and five float64 arrays:
    `word_embedding_weights` (V, D), `embed_to_hid_weights` (H, N·D),
    `hid_to_output_weights` (K·V, H), `hid_bias` (H,) and `output_bias`
    (K·V,), where N is the number of context words and K the number of
    output positions (1 for the next-word lab, 4 for the masked lab).
    `partially_trained_3ctx.pk` has V=250, D=8, H=64, N=3, K=1;
    `partially_trained_masked.pk` has V=251 (`[MASK]` first), D=16, H=128,
    N=4, K=4. The dict feeds `NGramLanguageModel.set_classic_params`.

    Args:
        path: str or path-like, the `.pk` file (loaded with
            `safe_load_pickle`).

    Returns:
        A pair `(params, vocabulary)`: dict name -> float64 array with the
        five keys above, and the vocabulary as a list of str.

    Example:

    ```python
    >>> import pickle
    >>> import numpy as np
    >>> from keras_embeddings.datasets import load_classic_params
    >>> V, D, H, N = 3, 2, 4, 3  # words, embedding, hidden units, context words
    >>> weights = {
    ...     "vocab": ["all", "set", "just"],
    ...     "word_embedding_weights": np.zeros((V, D)),
    ...     "embed_to_hid_weights": np.zeros((H, N * D)),
    ...     "hid_to_output_weights": np.zeros((V, H)),
    ...     "hid_bias": np.zeros(H),
    ...     "output_bias": np.zeros(V),
    ... }
    >>> with open("partially_trained.pk", "wb") as f:
    ...     pickle.dump(weights, f)
    >>> params, vocabulary = load_classic_params("partially_trained.pk")
    >>> params["embed_to_hid_weights"].shape, vocabulary
    ((4, 6), ['all', 'set', 'just'])
    ```

    With the course's file, `load_classic_params(
    "../shared/data/csc321/partially_trained_3ctx.pk")` gives embeddings of
    shape (250, 8).
    """
    obj = safe_load_pickle(path)
    path = os.fspath(path)
    if not isinstance(obj, dict):
        raise InvalidInputError(
            f"{path!r} must hold a dict of parameters. Received: {type(obj).__name__}"
        )
    missing = [key for key in ("vocab",) + CLASSIC_PARAM_NAMES if key not in obj]
    if missing:
        raise InvalidInputError(
            f"{path!r} lacks the field(s) {missing}; the assignment's parameter "
            f"files hold 'vocab' and {list(CLASSIC_PARAM_NAMES)}. "
            f"Found: {sorted(map(str, obj))}"
        )
    params = {}
    for name in CLASSIC_PARAM_NAMES:
        try:
            params[name] = np.array(obj[name], dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"`{name}` in {path!r} must be a numeric array. "
                f"Received: {type(obj[name]).__name__}"
            ) from None
    vocabulary = _word_list(obj["vocab"], path)
    _check_param_shapes(params, len(vocabulary), path)
    return params, vocabulary


def _check_param_shapes(params, vocabulary_size, path):
    embeddings = params["word_embedding_weights"]
    embed_to_hid = params["embed_to_hid_weights"]
    hid_to_output = params["hid_to_output_weights"]
    shapes = {name: value.shape for name, value in params.items()}
    ok = (
        embeddings.ndim == 2
        and embed_to_hid.ndim == 2
        and hid_to_output.ndim == 2
        and embeddings.shape[0] == vocabulary_size
        and embeddings.shape[1] > 0
        and embed_to_hid.shape[1] % embeddings.shape[1] == 0
        and hid_to_output.shape[1] == embed_to_hid.shape[0]
        and hid_to_output.shape[0] % vocabulary_size == 0
        and params["hid_bias"].shape == (embed_to_hid.shape[0],)
        and params["output_bias"].shape == (hid_to_output.shape[0],)
    )
    if not ok:
        raise InvalidInputError(
            f"The parameter shapes in {path!r} do not fit together for a "
            f"vocabulary of {vocabulary_size} words: {shapes}. Expected "
            "word_embedding_weights (V, D), embed_to_hid_weights (H, N*D), "
            "hid_to_output_weights (K*V, H), hid_bias (H,), output_bias (K*V,)."
        )


def _word_list(words, path):
    """A list of plain str from a list/array of str, np.str_ or bytes."""
    try:
        items = list(np.asarray(words, dtype=object).ravel())
    except TypeError:
        items = None
    if not items or not all(isinstance(w, (str, bytes)) for w in items):
        raise InvalidInputError(
            f"The vocabulary in {path!r} must be a non-empty list of words."
        )
    return [w.decode("latin1") if isinstance(w, bytes) else str(w) for w in items]
