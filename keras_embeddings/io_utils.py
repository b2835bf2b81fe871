"""Atomic file writing: nothing is ever half-written.

Every file the package writes goes to a temporary name in the destination's
folder and is renamed into place only when complete, so an error or an
interrupt leaves either the old file or no file, never a truncated one.
"""

import contextlib
import os
import shutil
import tempfile

from keras_embeddings.errors import InvalidInputError


def ensure_writable_dir(path):
    """Create folder `path` (and parents) or raise a clear error."""
    path = os.fspath(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise InvalidInputError(
            f"Cannot create output folder {path!r}: {e.strerror}. "
            "Choose a folder you can write to with --out."
        ) from None
    if not os.access(path, os.W_OK):
        raise InvalidInputError(
            f"Output folder {path!r} is not writable. "
            "Choose a folder you can write to with --out."
        )
    return path


def _umask():
    mask = os.umask(0)  # reading the umask means setting it: put it back
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`; rename it to `path` on success.

    Use it for writers that want a file name (e.g. `model.save(tmp)`).
    The temporary name keeps `path`'s suffix so format sniffing still works.
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
    """Open a temporary file beside `path` for writing; rename on success."""
    binary = "b" in mode
    with atomic_path(path) as tmp:
        with open(
            tmp,
            mode,
            encoding=None if binary else encoding,
            newline=None if binary else newline,
        ) as f:
            yield f
