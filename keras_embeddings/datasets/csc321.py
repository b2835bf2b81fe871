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

Pickles from outside are untrusted. `safe_load_pickle` unpickles with an
allow-list that admits NumPy arrays, dtypes and scalars (plus the lists,
dicts, strings and numbers the pickle protocol builds by itself); any other
global, such as `os.system`, raises `InvalidInputError` before it is called.
Python 2 pickles (the course's files) load with `encoding="latin1"`.

Tutorial: `tutorials/08_neural_language_model.py`.

Example:

```python
from keras_embeddings.datasets import load_csc321

data = load_csc321("../shared/data/csc321")  # or load_csc321() to download
inputs, targets = data.train
inputs.shape, targets.shape  # ((372500, 3), (372500,))
data.vocabulary[:3]  # ['all', 'set', 'just']
```
"""

import codecs
import os
import pickle
from typing import NamedTuple

import numpy as np

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.io_utils import ensure_writable_dir

# The course archive (seed 002 §2): data.pk, partially_trained.pk,
# raw_sentences.txt. Its sha256 is not published; pass `file_hash=` to pin it.
CSC321_URL = "http://www.cs.columbia.edu/~zemel/Class/Nndl/files/a1_data.tar.gz"

VARIANTS = ("next_word", "masked")
MASK_TOKEN = "[MASK]"
CLASSIC_PARAM_NAMES = (
    "word_embedding_weights",
    "embed_to_hid_weights",
    "hid_to_output_weights",
    "hid_bias",
    "output_bias",
)
_SPLITS = ("train", "valid", "test")
_MAT_FIELDS = {"train": "trainData", "valid": "validData", "test": "testData"}


class CSC321Data(NamedTuple):
    """The three splits and the vocabulary returned by `load_csc321`.

    For `variant="next_word"` each split is a pair `(inputs, targets)` of
    int32 arrays of shapes `(N, 3)` and `(N,)` with 0-based ids; for
    `variant="masked"` each split is one int32 array of shape `(N, 4)` with
    1-based ids (0 is `[MASK]`). `vocabulary` is a list of str whose index is
    the id.
    """

    train: object
    valid: object
    test: object
    vocabulary: list


# --------------------------------------------------------------- pickles --


def _numpy_globals():
    """(module, name) -> object for every global a NumPy pickle may name."""
    try:  # NumPy >= 2 keeps the implementation in numpy._core.
        from numpy._core import multiarray, numeric
    except ImportError:  # pragma: no cover - NumPy 1.x
        from numpy.core import multiarray, numeric

    allowed = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype}
    for package in ("numpy.core", "numpy._core"):
        allowed[(f"{package}.multiarray", "_reconstruct")] = multiarray._reconstruct
        allowed[(f"{package}.multiarray", "scalar")] = multiarray.scalar
        # Protocol 5 (Python 3.14's default) stores arrays through _frombuffer.
        allowed[(f"{package}.numeric", "_frombuffer")] = numeric._frombuffer
    return allowed


def _latin1_encode(text, encoding="latin1", errors="strict"):
    """`_codecs.encode` as protocol 2 uses it for bytes, and nothing more.

    Python 3 writes `bytes` into a protocol-2 pickle as
    `_codecs.encode(text, "latin1")`; any other codec is refused.
    """
    if not isinstance(text, str) or codecs.lookup(encoding).name != "iso8859-1":
        raise pickle.UnpicklingError(
            "`_codecs.encode` is only allowed with a str and the latin1 codec. "
            f"Received: encoding={encoding!r}"
        )
    return codecs.encode(text, "latin1", errors)


class _SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals NumPy data needs."""

    _allowed = None

    def __init__(self, file, path):
        super().__init__(file, encoding="latin1")
        self._path = path
        if _SafeUnpickler._allowed is None:
            _SafeUnpickler._allowed = {
                **_numpy_globals(),
                ("_codecs", "encode"): _latin1_encode,
            }

    def find_class(self, module, name):
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise InvalidInputError(
                f"Refusing to load {self._path!r}: the pickle names the global "
                f"`{module}.{name}`, which could run code. Only NumPy arrays, "
                "lists, dicts, strings and numbers are allowed; nothing in the "
                "file was executed. Load it only if you trust its source."
            ) from None


def safe_load_pickle(path):
    """Unpickle an untrusted file that holds only data.

    Lists, dicts, tuples, strings, bytes, numbers, booleans and `None` come
    from the pickle opcodes themselves; the only globals resolved are those
    of NumPy arrays, dtypes and scalars (`numpy.ndarray`, `numpy.dtype`,
    `numpy.core.multiarray._reconstruct` / `.scalar` and their `numpy._core`
    spellings, `numpy._core.numeric._frombuffer` for protocol 5) and
    `_codecs.encode` restricted to latin1 (how Python 3 writes bytes at
    protocol 2). Every other global, such as `os.system` or
    `builtins.open`, raises before anything is called. Python 2 pickles load
    with `encoding="latin1"`, so byte strings inside NumPy arrays come back
    intact.

    Args:
        path: str or path-like, the pickle file.

    Returns:
        The unpickled object.

    Raises:
        MissingInputError: `path` is not a file.
        InvalidInputError: the file names a forbidden global, or is not a
            pickle, or is truncated.

    Example:

    ```python
    import pickle, tempfile, numpy as np
    path = tempfile.mktemp(suffix=".pk")
    with open(path, "wb") as f:
        pickle.dump({"w": np.eye(2)}, f)
    safe_load_pickle(path)["w"]  # array([[1., 0.], [0., 1.]])
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise MissingInputError(
            f"Pickle file {path!r} not found. Check the path (a folder is not "
            "accepted here)."
        )
    with open(path, "rb") as f:
        try:
            return _SafeUnpickler(f, path).load()
        except InvalidInputError:
            raise
        except Exception as e:  # Truncated or garbage bytes fail in many ways.
            raise InvalidInputError(
                f"{path!r} is not a readable pickle (it may be truncated or "
                f"another kind of file): {type(e).__name__}: {e}"
            ) from None


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
    params, vocabulary = load_classic_params(
        "../shared/data/csc321/partially_trained_3ctx.pk"
    )
    params["word_embedding_weights"].shape  # (250, 8)
    ```
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

    ```python
    data = load_csc321("../shared/data/csc321", variant="masked")
    data.train.shape  # (372500, 4)
    data.vocabulary[:2]  # ['[MASK]', 'all']
    ```
    """
    if variant not in VARIANTS:
        raise InvalidInputError(
            f'`variant` must be "next_word" or "masked". Received: variant={variant!r}'
        )
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
        cache_dir = ensure_writable_dir(os.path.expanduser(os.fspath(cache_dir)))
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
