"""The CSC321 "Learning Distributed Word Representations" 4-gram data.

The assignment (Toronto CSC321 / Columbia "Neural Networks and Deep
Learning", A1) ships 4-grams of word ids cut from simple English sentences:
372,500 training, 46,500 validation and 46,500 test rows over a vocabulary
of 250 words, as `data.mat` (MATLAB) or `data.pk` (pickle), together with
partially trained parameters (`partially_trained*.pk`).

`load_csc321` reads the splits in the two layouts the labs use:

- `variant="next_word"` (the Bengio-style lab): `train = (inputs, targets)`,
  inputs the first three words (0-based ids, shape `(N, 3)`), targets the
  fourth (shape `(N,)`), vocabulary the 250 words.
- `variant="masked"` (the masked-word lab): `train` the rows as they are,
  shape `(N, 4)`, 1-based ids that index the 251-word vocabulary
  `["[MASK]"] + words`, so id 0 is free for the mask.

Pickles from outside are untrusted: `data.pk` is read with
`io_utils.safe_load_pickle`, which admits NumPy arrays and plain data only.
The partially trained parameters are read by `csc321_params`.

Tutorial: `tutorials/08_neural_language_model.py`. With the course's data
(`../shared/data/csc321`, or `load_csc321()` to download it),
`load_csc321(path).train` holds inputs of shape (372500, 3) and targets of
shape (372500,), and the vocabulary starts `['all', 'set', 'just']`.
"""

import os
from typing import NamedTuple

import numpy as np

from keras_embeddings._validation import one_of
from keras_embeddings.datasets.csc321_params import (
    CLASSIC_PARAM_NAMES,
    _word_list,
    load_classic_params,
)
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.io_utils import ensure_writable_dir, safe_load_pickle

# Kept importable from here: the unpickler (now in io_utils) and the
# parameter files (now in csc321_params) lived in this module.
__all__ = [
    "CLASSIC_PARAM_NAMES",
    "CSC321Data",
    "CSC321_URL",
    "MASK_TOKEN",
    "VARIANTS",
    "load_classic_params",
    "load_csc321",
    "safe_load_pickle",
]

# The course archive (seed 002 §2): data.pk, partially_trained.pk,
# raw_sentences.txt. Its sha256 is not published; pass `file_hash=` to pin it.
CSC321_URL = "http://www.cs.columbia.edu/~zemel/Class/Nndl/files/a1_data.tar.gz"

VARIANTS = ("next_word", "masked")
MASK_TOKEN = "[MASK]"
_SPLITS = ("train", "valid", "test")
_MAT_FIELDS = {"train": "trainData", "valid": "validData", "test": "testData"}


class CSC321Data(NamedTuple):
    """The three splits and the vocabulary returned by `load_csc321`.

    For `variant="next_word"` each split is a pair `(inputs, targets)` of
    int32 arrays of shapes `(N, 3)` and `(N,)` with 0-based ids; for
    `variant="masked"` each split is one int32 array of shape `(N, 4)` with
    1-based ids (0 is `[MASK]`). `vocabulary` is a list of str whose index is
    the id.

    Example:

    ```python
    >>> from keras_embeddings.datasets import CSC321Data
    >>> CSC321Data._fields
    ('train', 'valid', 'test', 'vocabulary')
    ```
    """

    train: object
    valid: object
    test: object
    vocabulary: list


# ------------------------------------------------------------ the 4-grams --


def load_csc321(
    path=None,
    variant="next_word",
    *,
    origin=CSC321_URL,
    file_hash=None,
    cache_dir=None,
):
    """Load the CSC321 4-gram splits and vocabulary.

    Reads `data.mat` (with SciPy; struct `data` with `trainData`,
    `validData`, `testData` of shape (4, N), 1-based ids, and `vocab`) or
    the course's `data.pk` (read with `safe_load_pickle`) in either of its
    layouts: the next-word one (`train_inputs` (N, 3), `train_targets`
    (N,), 0-based, 250 words) or the masked one (`train_inputs` (N, 4),
    1-based, 251 words with `[MASK]` first). Either file gives either
    variant.

    With `path=None` the course archive is downloaded from `origin` with
    `keras.utils.get_file(..., extract=True)` into the Keras cache
    (`~/.keras/datasets/a1_data`, or `cache_dir`) and the extracted
    `data.pk`/`data.mat` is read. The archive's sha256 is not published, so
    `file_hash` defaults to `None` (no check; the loaded arrays are still
    checked for the expected fields and id ranges). To pin the download,
    compute the hash once (`sha256sum a1_data_archive` in the cache folder)
    and pass it: `load_csc321(file_hash="3f1c...")`.

    Args:
        path: str or path-like, optional. A folder holding `data.mat` or
            `data.pk`, or one of those files. `None` downloads the archive.
        variant: `"next_word"` or `"masked"` (see the module docstring).
        origin: str, the archive's URL when `path` is `None`.
        file_hash: str, optional, the archive's sha256 (or md5) hash.
        cache_dir: str, optional, the Keras cache folder (default
            `$KERAS_HOME` or `~/.keras`).

    Returns:
        A `CSC321Data(train, valid, test, vocabulary)`. For `"next_word"`
        each split is `(inputs, targets)`: int32 arrays of shapes (N, 3) and
        (N,) with ids in [0, 250); the vocabulary has 250 words. For
        `"masked"` each split is an int32 array (N, 4) with ids in [1, 251)
        and the vocabulary has 251 words, `"[MASK]"` first.

    Example:

    A tiny `data.pk` in the course's next-word layout (0-based ids):

    ```python
    >>> import pickle
    >>> import numpy as np
    >>> from keras_embeddings.datasets import load_csc321
    >>> data = {"vocab": ["all", "set", "just"]}
    >>> for split in ("train", "valid", "test"):
    ...     data[f"{split}_inputs"] = np.array([[0, 1, 2], [2, 1, 0]])
    ...     data[f"{split}_targets"] = np.array([2, 0])
    >>> with open("data.pk", "wb") as f:
    ...     pickle.dump(data, f)
    >>> inputs, targets = load_csc321(".").train
    >>> inputs.tolist(), targets.tolist()
    ([[0, 1, 2], [2, 1, 0]], [2, 0])
    >>> masked = load_csc321(".", variant="masked")
    >>> masked.train.tolist(), masked.vocabulary
    ([[1, 2, 3, 3], [3, 2, 1, 1]], ['[MASK]', 'all', 'set', 'just'])
    ```

    The course's own data gives `load_csc321("../shared/data/csc321",
    variant="masked").train.shape == (372500, 4)`.
    """
    one_of("variant", variant, VARIANTS)
    if path is None:
        path = _download(origin, file_hash, cache_dir)
    file = _data_file(path)
    if file.endswith(".mat"):
        rows, words = _read_mat(file)
    else:
        rows, words = _read_pickle(file)
    for split, array in rows.items():
        _check_ids(array, len(words), split, file)

    if variant == "masked":
        splits = [rows[s] for s in _SPLITS]
        return CSC321Data(*splits, [MASK_TOKEN] + words)
    splits = [(rows[s][:, :3] - 1, rows[s][:, 3] - 1) for s in _SPLITS]
    return CSC321Data(*splits, words)


def _download(origin, file_hash, cache_dir):
    """Fetch and extract the course archive; return the extracted folder."""
    import keras

    if cache_dir is not None:
        # get_file silently falls back to /tmp/.keras when the folder is missing.
        cache_dir = os.path.expanduser(os.fspath(cache_dir))
        cache_dir = ensure_writable_dir(cache_dir, "cache_dir")
    try:
        folder = keras.utils.get_file(
            fname="a1_data",
            origin=origin,
            file_hash=file_hash,
            extract=True,
            cache_dir=cache_dir,
        )
    except ValueError as e:  # get_file's hash mismatch.
        raise InvalidInputError(
            f"The archive downloaded from {origin!r} does not match "
            f"`file_hash`={file_hash!r} ({e}). Check the hash, or delete the "
            "cached archive and download again."
        ) from None
    except Exception as e:  # Network failures arrive as a bare Exception.
        raise MissingInputError(
            f"Could not download the CSC321 data from {origin!r}: {e}. Download "
            "a1_data.tar.gz by hand, extract it and pass its folder as `path`."
        ) from None
    return folder


def _data_file(path):
    """The data.mat or data.pk that `path` names or holds."""
    path = os.fspath(path)
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise MissingInputError(
            f"CSC321 data not found at {path!r}. Pass a folder holding data.mat "
            "or data.pk (or one of those files), or path=None to download it."
        )
    for root, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        for name in ("data.mat", "data.pk"):
            if name in files:
                return os.path.join(root, name)
    raise MissingInputError(
        f"Neither data.mat nor data.pk is in the folder {path!r}. Pass the "
        "folder the course archive a1_data.tar.gz extracts to."
    )


def _read_mat(file):
    """Rows (N, 4) of 1-based ids per split and the 250 words from data.mat."""
    import scipy.io

    try:
        mat = scipy.io.loadmat(file)
    except Exception as e:
        raise InvalidInputError(
            f"{file!r} is not a readable MATLAB file: {type(e).__name__}: {e}"
        ) from None
    data = mat.get("data")
    names = getattr(getattr(data, "dtype", None), "names", None) or ()
    expected = list(_MAT_FIELDS.values()) + ["vocab"]
    missing = [field for field in expected if field not in names]
    if missing:
        raise InvalidInputError(
            f"{file!r} must hold a struct `data` with the fields {expected}. "
            f"Missing: {missing}"
        )
    struct = data.ravel()[0]
    rows = {}
    for split, field in _MAT_FIELDS.items():
        array = np.asarray(struct[field])
        if array.ndim != 2 or array.shape[0] != 4:
            raise InvalidInputError(
                f"`data.{field}` in {file!r} must have shape (4, N). "
                f"Received shape {array.shape}"
            )
        rows[split] = _as_int32(array.T, split, file)
    words = _word_list(
        [np.asarray(w).ravel()[0] for w in struct["vocab"].ravel()], file
    )
    return rows, words


def _read_pickle(file):
    """Rows (N, 4) of 1-based ids per split and the 250 words from data.pk."""
    obj = safe_load_pickle(file)
    if not isinstance(obj, dict) or "vocab" not in obj:
        raise InvalidInputError(
            f"{file!r} must hold the course's data dict with 'vocab' and "
            "'train_inputs', 'valid_inputs', 'test_inputs' (and '*_targets' in "
            "the next-word layout)."
        )
    words = _word_list(obj["vocab"], file)
    next_word_layout = "train_targets" in obj
    expected = [f"{s}_inputs" for s in _SPLITS]
    if next_word_layout:
        expected += [f"{s}_targets" for s in _SPLITS]
    missing = [key for key in expected if key not in obj]
    if missing:
        raise InvalidInputError(f"{file!r} lacks the field(s) {missing}.")

    rows = {}
    for split in _SPLITS:
        inputs = _as_int32(obj[f"{split}_inputs"], split, file)
        if next_word_layout:
            targets = _as_int32(obj[f"{split}_targets"], split, file).reshape(-1, 1)
            if inputs.ndim != 2 or inputs.shape[1] != 3 or len(targets) != len(inputs):
                raise InvalidInputError(
                    f"`{split}_inputs` in {file!r} must have shape (N, 3) and "
                    f"`{split}_targets` shape (N,). Received shapes "
                    f"{inputs.shape} and {targets.shape[:1]}"
                )
            rows[split] = np.concatenate([inputs, targets], axis=1) + 1
        else:
            if inputs.ndim != 2 or inputs.shape[1] != 4:
                raise InvalidInputError(
                    f"`{split}_inputs` in {file!r} must have shape (N, 4). "
                    f"Received shape {inputs.shape}"
                )
            rows[split] = inputs
    if not next_word_layout:
        if words[0] != MASK_TOKEN:
            raise InvalidInputError(
                f"The vocabulary in {file!r} must start with {MASK_TOKEN!r} when "
                f"there are no '*_targets'. Received first word {words[0]!r}"
            )
        words = words[1:]
    return rows, words


def _as_int32(array, split, file):
    try:
        array = np.asarray(array)
    except ValueError:  # Ragged nested lists.
        array = np.asarray([], dtype=object)
    if not np.issubdtype(array.dtype, np.integer):
        raise InvalidInputError(
            f"The {split} split in {file!r} must hold integer word ids. "
            f"Received dtype {array.dtype}"
        )
    return array.astype(np.int32)


def _check_ids(rows, vocabulary_size, split, file):
    if rows.size and (rows.min() < 1 or rows.max() > vocabulary_size):
        raise InvalidInputError(
            f"The {split} split in {file!r} has word ids outside 1..{vocabulary_size} "
            f"(1-based; found {rows.min()}..{rows.max()})."
        )
