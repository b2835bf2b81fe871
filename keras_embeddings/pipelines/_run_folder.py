"""A run's output folder, written as one unit: staging, lock, publish.

A recipe never writes into its output folder `OUT` directly. It writes into
a hidden sibling, `.OUT.partial`, and publishes it with one `os.rename`
when every file is complete, so a reader sees the previous run's folder or
the new one, never a mix:

- **Lock**: `.OUT.lock` (an `fcntl.flock` on it, released by the kernel when
  the process ends, even when killed) refuses a second run into the same
  folder with one clear line, naming the run that holds it.
- **Overwrite**: an `OUT` that holds an earlier run is replaced only with
  `overwrite=True` (`--overwrite`), and only as a whole. A folder that is
  not a run's (other files in it) is never replaced: the user's files are
  never deleted.
- **Manifest**: `run.json`, written last, names the settings and every
  file with its size and SHA-256; `read_manifest` checks them.
- **Resume**: an interrupted run leaves `.OUT.partial` with its settings
  and the training backup; the same command (same settings, same corpus)
  continues from it, any other discards it.

Private: the recipes (`pipelines.train_next_token`,
`pipelines.train_word2vec`) use it.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.io_utils import atomic_open
from keras_embeddings.pipelines._common import OUTPUT_FILES

MANIFEST = OUTPUT_FILES["manifest"]
BACKUP = "backup"
# The entries of a finished run folder: the top level of every output.
RUN_ENTRIES = {path.split(os.sep)[0] for path in OUTPUT_FILES.values()}

try:
    import fcntl
except ImportError:  # Windows: an O_EXCL lock file instead.
    fcntl = None


def siblings(out):
    """`(staging, lock, old)` paths beside the output folder `out`."""
    parent, name = os.path.split(os.path.abspath(out))
    return tuple(
        os.path.join(parent, f".{name}.{suffix}")
        for suffix in ("partial", "lock", "old")
    )


def is_run_folder(path):
    """True when folder `path` holds only a run's outputs (or nothing)."""
    entries = set(os.listdir(path))
    return entries <= RUN_ENTRIES


def check_out(out, overwrite, argument="out"):
    """Refuse an `out` that is a file, someone else's folder, or an earlier
    run without `overwrite`. Called before the corpus is read, and again
    under the lock."""
    if not os.path.lexists(out):
        _check_creatable(out, argument)
        return
    if not os.path.isdir(out):
        raise InvalidInputError(
            f"`{argument}` {out!r} is a file, not a folder. Pass a folder path."
        )
    if not os.listdir(out):
        return
    if not is_run_folder(out):
        others = sorted(set(os.listdir(out)) - RUN_ENTRIES)
        raise InvalidInputError(
            f"`{argument}` {out!r} holds files that no run wrote ({', '.join(others[:3])}"
            f"{', ...' if len(others) > 3 else ''}); a run replaces its folder as a "
            "whole, so it never writes into one with other files. Pass a new or "
            "empty folder."
        )
    if not overwrite:
        raise InvalidInputError(
            f"`{argument}` {out!r} holds an earlier run. Pass `overwrite`=True to "
            "replace it as a whole (when this run finishes), or pass another "
            "folder."
        )


def _check_creatable(out, argument):
    """Refuse an `out` whose nearest existing folder is a file or read-only."""
    existing = os.path.dirname(os.path.abspath(out))
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        problem = f"{existing!r} is a file"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{existing!r} is not writable"
    else:
        return
    raise InvalidInputError(
        f"Cannot create output folder {out!r}: {problem}. Choose a folder you "
        f"can write to as `{argument}`."
    )


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder):
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            yield os.path.relpath(path, folder).replace(os.sep, "/"), path


def read_manifest(folder):
    """The manifest of a finished run folder, its files checked.

    Raises:
        InvalidInputError: no manifest, or a file missing, changed or extra.
    """
    path = os.path.join(folder, MANIFEST)
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise InvalidInputError(
            f"{path!r} is not a finished run's manifest: {e}"
        ) from None
    listed = manifest.get("files", {})
    found = {rel: p for rel, p in _files(folder) if rel != MANIFEST}
    if set(found) != set(listed):
        raise InvalidInputError(
            f"Run folder {folder!r} does not match its manifest: "
            f"{sorted(set(found) ^ set(listed))[:5]}"
        )
    for rel, path in found.items():
        if sha256(path) != listed[rel]["sha256"]:
            raise InvalidInputError(f"{path!r} changed since the run wrote it.")
    return manifest


class RunFolder:
    """Stage, lock and publish one run's output folder (see the module).

    Use as a context manager around the training and the writing; inside,
    write into `self.path` (the staging folder); call `publish()` last.
    """

    def __init__(self, out, settings, overwrite=False, print_fn=print):
        self.out = os.fspath(out)
        self.settings = settings
        self.overwrite = overwrite
        self.print_fn = print_fn
        self.path, self.lock_path, self.old = siblings(self.out)
        self.resuming = False
        self._lock = None

    @property
    def backup_dir(self):
        return os.path.join(self.path, BACKUP)

    def __enter__(self):
        self._acquire()
        try:
            self._recover()
            check_out(self.out, self.overwrite)
            self._stage()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None and os.path.isdir(self.path):
                if os.path.isdir(self.backup_dir):  # kept for a resume
                    self.print_fn(
                        f"Stopped: the finished epochs are backed up in "
                        f"{self.path}; run the same command again to continue."
                    )
                else:  # nothing to resume: leave no trace
                    shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._release()
        return False

    # ------------------------------------------------------------------ lock

    def _acquire(self):
        parent = os.path.dirname(self.lock_path)
        try:
            os.makedirs(parent, exist_ok=True)
            if fcntl is None:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_RDWR)
            else:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        except FileExistsError:
            raise self._busy() from None
        except OSError as e:
            raise InvalidInputError(
                f"Cannot create output folder {self.out!r}: {e.strerror}. "
                "Choose a folder you can write to as `out`."
            ) from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise self._busy() from None
            # Another run may have removed the file between open and flock.
            if os.fstat(fd).st_ino != _inode(self.lock_path):
                os.close(fd)
                return self._acquire()
        started = datetime.datetime.now().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {started}\n".encode())
        self._lock = fd

    def _busy(self):
        try:
            with open(self.lock_path, encoding="utf-8") as f:
                pid, started = (f.read().split() + ["?", "?"])[:2]
        except OSError:
            pid, started = "?", "?"
        return InvalidInputError(
            f"Another run (process {pid}, started {started}) is writing "
            f"{self.out!r}. Wait for it to finish, or pass another `out`."
        )

    def _release(self):
        if self._lock is None:
            return
        with contextlib.suppress(OSError):
            os.remove(self.lock_path)
        os.close(self._lock)  # closing releases the flock
        self._lock = None

    # --------------------------------------------------------------- staging

    def _recover(self):
        """Finish a publish that an interrupt cut between its two renames."""
        if not os.path.isdir(self.old):
            return
        if os.path.isdir(self.out):
            shutil.rmtree(self.old)
        else:
            os.rename(self.old, self.out)

    def _stage(self):
        """Resume the staging folder of the same settings, else start afresh."""
        manifest = os.path.join(self.path, MANIFEST)
        if os.path.isdir(self.path):
            try:
                with open(manifest, encoding="utf-8") as f:
                    same = json.load(f).get("settings") == self.settings
            except (OSError, ValueError):
                same = False
            if same and os.path.isdir(self.backup_dir):
                self.resuming = True
                return
            shutil.rmtree(self.path)
            what = "other settings" if not same else "no backup"
            self.print_fn(
                f"Discarded the unfinished run in {self.path} ({what}); starting "
                "afresh."
            )
        os.makedirs(self.path)
        self._write_manifest({"settings": self.settings, "state": "running"})

    def _write_manifest(self, manifest):
        with atomic_open(os.path.join(self.path, MANIFEST)) as f:
            json.dump(manifest, f, indent=1, sort_keys=True)

    def publish(self):
        """Write the manifest, then rename the staging folder into place."""
        if os.path.isdir(self.backup_dir):  # Keras deletes it after fit
            shutil.rmtree(self.backup_dir)
        files = {
            rel: {"bytes": os.path.getsize(p), "sha256": sha256(p)}
            for rel, p in _files(self.path)
            if rel != MANIFEST
        }
        finished = datetime.datetime.now().isoformat(timespec="seconds")
        self._write_manifest(
            {"settings": self.settings, "finished": finished, "files": files}
        )
        check_out(self.out, self.overwrite)
        if os.path.isdir(self.out):
            os.rename(self.out, self.old)
            os.rename(self.path, self.out)
            shutil.rmtree(self.old)
        else:
            if os.path.lexists(self.out):  # an empty folder from the user
                os.rmdir(self.out)
            os.rename(self.path, self.out)


def _inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None
