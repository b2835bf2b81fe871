"""The checks a recipe makes before it trains: folders, memory, disk, settings.

Everything that can fail after training is checked before it: the output
folder (not inside the corpus, not someone else's, not an earlier run
unless `overwrite`), the memory the model and a training step need, the
disk space its files need, the words export will write and the prompt.
Each error names the argument (the CLI shows it as its flag) and what to do.

Private: the recipes call these.
"""

import fnmatch
import glob
import hashlib
import json
import os
import shutil

from keras_embeddings.errors import InvalidInputError

GIB = 1 << 30
# Bytes per float32 weight while training: the weight, its gradient and the
# optimizer's slots (Adam: 2; plain SGD: 0).
_SLOTS = {"adam": 2, "sgd": 0}


def corpus_roots(corpus):
    """The folders (and globs) a corpus argument reads; a single file reads
    nothing else in its folder."""
    if not isinstance(corpus, (str, os.PathLike)):
        return []
    corpus = os.fspath(corpus)
    if os.path.isdir(corpus) or glob.has_magic(corpus):
        return [corpus]
    return []


def _glob_matches(parts, path_parts):
    """Whether a path (components) matches a glob (components), as `glob`
    with `recursive=True` would: `**` spans folders, no `*` matches a
    hidden name."""
    if not parts:
        return not path_parts
    head, rest = parts[0], parts[1:]
    if head == "**":
        return any(
            _glob_matches(rest, path_parts[i:])
            for i in range(len(path_parts) + 1)
            if not any(p.startswith(".") for p in path_parts[:i])
        )
    if not path_parts or (path_parts[0].startswith(".") and not head.startswith(".")):
        return False
    return fnmatch.fnmatchcase(path_parts[0], head) and _glob_matches(
        rest, path_parts[1:]
    )


# Files a run writes, as a glob would meet them.
_WRITTEN = (
    "model.keras", "vectors.txt", "history.json", "run.json", "plots/history.png",
    "tensorboard/projector_config.pbtxt", "tensorboard/embedding/tensor.tsv",
    "tensorboard/embedding/metadata.tsv", "tensorboard/train/events.out",
)  # fmt: skip


def check_outside(out, corpus_roots, argument="out"):
    """Refuse an `out` inside a corpus folder, or whose files a corpus glob
    matches: the next run on that corpus would read this run's outputs."""
    real = os.path.realpath(out)
    for root in corpus_roots:
        if glob.has_magic(root):
            pattern = os.path.realpath(root).split(os.sep)
            inside = any(
                _glob_matches(pattern, os.path.join(real, name).split(os.sep))
                for name in _WRITTEN
            )
        else:
            root = os.path.realpath(root)
            inside = real == root or real.startswith(root.rstrip(os.sep) + os.sep)
        if inside:
            raise InvalidInputError(
                f"`{argument}` {out!r} is inside the corpus {root!r}: the next "
                "run on that corpus would read this run's outputs as text. Pass "
                "an output folder outside it."
            )


def available_memory():
    """Bytes of memory available to a new allocation, or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gib(size):
    return f"{size / GIB:,.1f} GiB"


def check_memory(parts, available=None):
    """Refuse a run whose weights or training step cannot fit in memory.

    Args:
        parts: list of `(bytes, what, arguments)`: an estimate, what it is,
            and the arguments that set it (named in the error).
        available: bytes available; None reads it from the system.
    """
    available = available_memory() if available is None else available
    if available is None:
        return
    total = sum(size for size, _, _ in parts)
    if total <= available:
        return
    # Every part that is a real share of the need, the largest first.
    large = sorted(
        (part for part in parts if part[0] >= total / 10), key=lambda p: -p[0]
    )
    causes = "; ".join(
        f"{_gib(size)} for {what} (lower "
        + " or ".join(f"`{name}`" for name in arguments)
        + ")"
        for size, what, arguments in large
    )
    raise InvalidInputError(
        f"This run needs about {_gib(total)} of memory, more than the "
        f"{_gib(available)} available: {causes}."
    )


def weight_bytes(parameters, optimizer):
    """Training bytes of `parameters` float32 weights with `optimizer`."""
    return parameters * 4 * (2 + _SLOTS[optimizer])


def check_free_space(out, needed):
    """Refuse an output folder whose disk has less than `needed` bytes free."""
    folder = os.path.dirname(os.path.abspath(out))
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise InvalidInputError(
            f"The outputs of this run need about {_gib(needed)} of disk space, "
            f"more than the {_gib(free)} free for `out` {out!r}. Free some space "
            "or pass an `out` on another disk."
        )


def output_bytes(parameters, optimizer, vocabulary_size, embedding_dim):
    """Disk bytes of a run's files: the model (with the optimizer's state),
    its backup while training, and the vectors as text twice (vectors.txt
    and the projector's tensor.tsv, about 13 bytes a number)."""
    model = parameters * 4 * (1 + _SLOTS[optimizer])
    return 2 * model + 2 * vocabulary_size * embedding_dim * 13 + (1 << 20)


def check_words(vocabulary, reserved, argument="vocabulary_size"):
    """Refuse a vocabulary that leaves fewer than 2 words to export and plot."""
    words = len(vocabulary) - reserved
    if words < 2:
        raise InvalidInputError(
            f"The vocabulary keeps {max(words, 0)} word(s) besides padding"
            f"{' and <unk>' if reserved > 1 else ''}: nothing to compare "
            f"or plot. Raise `{argument}` (or lower `min_count`) so that it "
            "keeps at least 2 words."
        )


def fingerprint(corpus):
    """A short SHA-256 of a tokenized corpus: its vocabulary and size."""
    digest = hashlib.sha256()
    digest.update(json.dumps(corpus.vocabulary).encode())
    digest.update(str(corpus.words).encode())
    return digest.hexdigest()[:16]


def settings(recipe, arguments, corpus):
    """The JSON settings that decide a run's result: a resume must match."""
    import keras

    spec = arguments.get("corpus")
    if isinstance(spec, (list, tuple)):
        spec = f"{len(spec)} documents"
    elif isinstance(spec, os.PathLike):
        spec = os.fspath(spec)
    kept = {
        name: value
        for name, value in arguments.items()
        if name not in ("corpus", "out", "overwrite", "verbose", "print_fn")
    }
    return {
        "recipe": recipe,
        "corpus": spec,
        "corpus_sha256": fingerprint(corpus),
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        **kept,
    }
