"""Reading a corpus from a file, a folder or a glob, line by line.

The lecture asks students to "walk over a text file and glob all the text
contents": `read_corpus` does that, streaming one document per line so a
large corpus never has to sit in memory as one string.
"""

import glob
import os

from keras_embeddings.errors import InvalidInputError, MissingInputError

__all__ = ["corpus_files", "read_corpus"]

_SNIFF_BYTES = 8192


def _looks_binary(path):
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    return b"\x00" in head


def _walk(folder):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def corpus_files(path_or_glob_or_dir):
    """The text files a corpus argument names, checked and sorted.

    A file is taken as it is (it must be text); a folder is walked
    recursively, skipping hidden entries and binary files; a glob (`*`, `?`,
    `[`, `**`) takes every text file it matches.

    Args:
        path_or_glob_or_dir: str or path-like: a text file, a folder or a
            glob such as `"books/*.txt"`.

    Returns:
        A list of str, the paths of the files, in sorted order.

    Raises:
        MissingInputError: the path does not exist, the glob matches nothing,
            or the folder holds no text file.
        InvalidInputError: a named file is binary.

    Example:

    ```python
    >>> import os
    >>> from keras_embeddings.text.corpus import corpus_files
    >>> os.makedirs("books/.cache")
    >>> for name in ("b.txt", "a.txt", ".cache/c.txt"):
    ...     with open(os.path.join("books", name), "w") as f:
    ...         _ = f.write("A line of text.\\n")
    >>> [os.path.basename(path) for path in corpus_files("books")]
    ['a.txt', 'b.txt']
    ```
    """
    spec = os.fspath(path_or_glob_or_dir)
    if os.path.isfile(spec):
        if _looks_binary(spec):
            raise InvalidInputError(
                f"Corpus file {spec!r} looks binary (it contains NUL bytes). "
                "Pass a plain-text file, one document per line."
            )
        return [spec]
    if os.path.isdir(spec):
        files = [f for f in _walk(spec) if not _looks_binary(f)]
        if not files:
            raise MissingInputError(
                f"Corpus folder {spec!r} contains no text files. "
                "Put .txt files in it or pass a file or a glob."
            )
        return files
    if glob.has_magic(spec):
        matches = sorted(
            p for p in glob.glob(spec, recursive=True) if os.path.isfile(p)
        )
        if not matches:
            raise MissingInputError(
                f"Corpus glob {spec!r} matches no files. "
                "Check the pattern (quote it so the shell does not expand it)."
            )
        binary = [p for p in matches if _looks_binary(p)]
        if binary:
            raise InvalidInputError(
                f"Corpus glob {spec!r} matches binary file {binary[0]!r}. "
                "Narrow the pattern to text files, e.g. '*.txt'."
            )
        return matches
    raise MissingInputError(
        f"Corpus {spec!r} does not exist. Pass a text file, a folder or a glob."
    )


def read_corpus(path_or_glob_or_dir, encoding="utf-8"):
    """Stream the documents of a corpus: one non-blank line is one document.

    The path is checked at once (missing files, empty globs and binary files
    raise here); the lines are then read lazily, file after file.

    Args:
        path_or_glob_or_dir: str or path-like: a text file, a folder (read
            recursively) or a glob such as `"books/*.txt"`.
        encoding: str, the files' encoding.

    Returns:
        an iterator of str, one per non-blank line, without the newline.

    Raises:
        MissingInputError: nothing to read (see `corpus_files`).
        InvalidInputError: a binary file, or (while iterating) a file that
            is not valid in `encoding`.

    Example:

    ```python
    >>> from keras_embeddings.text import read_corpus
    >>> with open("corpus.txt", "w", encoding="utf-8") as f:
    ...     _ = f.write("I love machine learning\\n\\nAI is fascinating\\n")
    >>> list(read_corpus("corpus.txt"))  # the blank line is skipped
    ['I love machine learning', 'AI is fascinating']
    ```
    """
    try:
        "".encode(encoding)
    except LookupError:
        raise InvalidInputError(
            f"`encoding` {encoding!r} is not a known text encoding. "
            "Use e.g. 'utf-8' or 'latin-1'."
        ) from None
    files = corpus_files(path_or_glob_or_dir)
    return _stream(files, encoding)


def _stream(files, encoding):
    for path in files:
        try:
            with open(path, encoding=encoding) as f:
                for line in f:
                    line = line.rstrip("\r\n")
                    if line.strip():
                        yield line
        except UnicodeDecodeError as e:
            raise InvalidInputError(
                f"Corpus file {path!r} is not valid {encoding} "
                f"(byte {e.start}: {e.reason}). "
                "Pass the right encoding (e.g. --encoding latin-1) or re-save the "
                "file as UTF-8."
            ) from None
