"""Safe file input and output: atomic writes and a restricted unpickler.

Every file the package writes goes to a temporary name in the destination's
folder and is renamed into place only when complete, so an error or an
interrupt leaves either the old file or no file, never a truncated one.

Pickles from outside are untrusted: `safe_load_pickle` resolves only the
globals NumPy data needs and refuses any other (such as `os.system`) before
it is called.

`atomic_open` and `atomic_path` write, `ensure_writable_dir` makes a folder,
`safe_load_pickle` reads.
"""

import codecs
import contextlib
import os
import pickle
import shutil
import tempfile

import numpy as np

from keras_embeddings.errors import InvalidInputError, MissingInputError

__all__ = [
    "atomic_open",
    "atomic_path",
    "check_regular_file",
    "ensure_writable_dir",
    "safe_load_pickle",
]


def check_regular_file(path, what="File"):
    """Refuse a path that exists but is not a regular file, before any open.

    Opening a FIFO waits for a writer for ever; a folder, socket or device
    is not a file to read either. A missing path is left to the caller.

    Args:
        path: str or path-like.
        what: str, how the error names the file (e.g. `"Word-vector file"`).

    Raises:
        InvalidInputError: `path` is a folder, FIFO, socket or device.

    Example:

    ```python
    >>> import os
    >>> from keras_embeddings.io_utils import check_regular_file
    >>> os.mkfifo("pipe")
    >>> check_regular_file("pipe", "Word-vector file")
    Traceback (most recent call last):
    ...
    keras_embeddings.errors.InvalidInputError: Word-vector file 'pipe' is not a regular file (a FIFO (named pipe))...
    ```
    """
    import stat

    path = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode):
        return
    kind = (
        "a folder" if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "a device"
    )  # fmt: skip
    raise InvalidInputError(
        f"{what} {path!r} is not a regular file ({kind}). Pass the path of a file."
    )


def ensure_writable_dir(path, argument=None):
    """Create folder `path` (and parents) or raise a clear error.

    Args:
        path: str or path-like, the folder.
        argument: optional str, the caller's argument that named the folder
            (e.g. `"out"`), named in the error.

    Returns:
        `path` as a str.

    Raises:
        InvalidInputError: the folder cannot be created or is not writable.

    Example:

    ```python
    >>> from keras_embeddings.io_utils import ensure_writable_dir
    >>> ensure_writable_dir("runs/first")
    'runs/first'
    >>> import os
    >>> os.path.isdir("runs/first")
    True
    ```
    """
    path = os.fspath(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise InvalidInputError(
            f"Cannot create output folder {path!r}: {e.strerror}. "
            f"Choose a folder you can write to{_as(argument)}."
        ) from None
    if not os.access(path, os.W_OK):
        raise InvalidInputError(
            f"Output folder {path!r} is not writable. "
            f"Choose a folder you can write to{_as(argument)}."
        )
    return path


def _as(argument):
    return "" if argument is None else f" as `{argument}`"


def _umask():
    mask = os.umask(0)  # reading the umask means setting it: put it back
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`; rename it to `path` on success.

    Use it for writers that want a file name (e.g. `model.save(tmp)`).
    The temporary name keeps `path`'s suffix so format sniffing still works.
    On an exception the temporary file (or folder) is removed and `path` is
    left as it was.

    Args:
        path: str or path-like, the final file name.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.io_utils import atomic_path
    >>> with atomic_path("weights.npy") as tmp:
    ...     np.save(tmp, np.arange(3))
    >>> np.load("weights.npy").tolist()
    [0, 1, 2]
    ```
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    ensure_writable_dir(folder)
    base, suffix = os.path.splitext(os.path.basename(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=f".tmp{suffix}", dir=folder)
    os.close(fd)
    try:
        yield tmp
        if os.path.isfile(tmp):
            # mkstemp makes the file owner-only (0600); give it the mode a
            # plain open() would (0666 minus the umask).
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            if os.path.isdir(tmp):
                shutil.rmtree(tmp)
            else:
                os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_open(path, mode="w", encoding="utf-8", newline=None):
    """Open a temporary file beside `path` for writing; rename on success.

    Args:
        path: str or path-like, the final file name.
        mode: str, `open`'s mode (`"w"` or `"wb"`).
        encoding: str, the text encoding (ignored in binary mode).
        newline: str or None, `open`'s `newline` (ignored in binary mode).

    Example:

    ```python
    >>> from keras_embeddings.io_utils import atomic_open
    >>> with atomic_open("vocabulary.txt") as f:
    ...     _ = f.write("king queen")
    >>> open("vocabulary.txt").read()
    'king queen'
    ```
    """
    binary = "b" in mode
    with atomic_path(path) as tmp:
        with open(
            tmp,
            mode,
            encoding=None if binary else encoding,
            newline=None if binary else newline,
        ) as f:
            yield f


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
    >>> import os, pickle
    >>> import numpy as np
    >>> from keras_embeddings.io_utils import safe_load_pickle
    >>> with open("params.pk", "wb") as f:
    ...     pickle.dump({"w": np.eye(2)}, f)
    >>> safe_load_pickle("params.pk")["w"]
    array([[1., 0.],
           [0., 1.]])
    >>> with open("evil.pk", "wb") as f:
    ...     pickle.dump(os.system, f)
    >>> safe_load_pickle("evil.pk")
    Traceback (most recent call last):
    ...
    keras_embeddings.errors.InvalidInputError: Refusing to load 'evil.pk': ...
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
