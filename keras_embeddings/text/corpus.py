"""Reading a corpus from a file, a folder or a glob, line by line.

The lecture asks students to "walk over a text file and glob all the text
contents": `read_corpus` does that, streaming one document per line so a
large corpus never has to sit in memory as one string. The rules:

- **Which files.** A file is read as it is. A folder is walked
  recursively, in name order (each folder's files, then its sub-folders),
  skipping hidden entries; symlinked sub-folders are not followed. A glob
  (`*`, `?`, `[`, `**`) takes the files it matches, in sorted order, with
  the rules of `glob.glob(..., recursive=True)`, except that `**` enters
  each real folder once, so a symlink loop ends. Each real file (device
  and inode) is read once, at its first path, however many symlinks or
  matches name it.
- **Regular files only.** FIFOs, sockets and devices are never opened
  (opening a FIFO waits for a writer for ever): in a folder or a glob they
  are skipped with a `UserWarning` naming them, as are broken symlinks;
  named as the corpus they raise `InvalidInputError`.
- **Encoding.** A byte-order mark decides: a file that starts with the
  UTF-8, UTF-16 LE/BE or UTF-32 LE/BE mark is decoded as such and the mark
  is dropped, whatever Unicode encoding `encoding` names (`utf-8`, the
  default, `utf-16`, `utf-32-be`, ...). With another encoding (`latin-1`,
  `cp1252`, ...) such a file is refused: the mark says the name is wrong.
  Without a mark the file is decoded with `encoding`; `utf-16` and
  `utf-32` then mean little-endian (what Windows writes; name `utf-16-be`
  or `utf-32-be` for the other order).
- **Binary files.** Text holds no NUL character (looked for in the decoded
  text, so the zero bytes of UTF-16 and UTF-32 are fine). The first 8 KiB
  of each file are checked when the corpus is named: a binary file named
  directly or matched by a glob raises `InvalidInputError`, one in a folder
  is skipped. A NUL further on raises `InvalidInputError` when the stream
  reaches it, with the file, the line and the byte offset.
- **Decode errors** raise `InvalidInputError` with the file, the line, the
  byte offset from the start of the file and the reason.
- **Lines.** `\\n`, `\\r\\n` and `\\r` end a line; blank lines are skipped.
"""

import codecs
import fnmatch
import glob
import io
import os
import stat
import warnings

from keras_embeddings.errors import InvalidInputError, MissingInputError

__all__ = ["corpus_files", "read_corpus"]

_SNIFF_BYTES = 8192
# Under malloc's mmap threshold (1 MiB reads ran 20% slower); a multiple of 4,
# so an aligned UTF-16/32 code unit never straddles two chunks.
_CHUNK_BYTES = 1 << 16
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UNICODE = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"}
_UNICODE |= {"utf-32", "utf-32-le", "utf-32-be"}
# Never block on a FIFO that appeared after the check (no effect on files).
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _kind(mode):
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _not_regular(path, mode):
    return InvalidInputError(
        f"Corpus {path!r} is not a regular file (it is {_kind(mode)}). "
        "Pass a text file, a folder or a glob."
    )


def _open_regular(path):
    """`path` opened in binary; never blocks, refuses anything but a file."""
    try:
        f = open(path, "rb", opener=lambda p, flags: os.open(p, flags | _NONBLOCK))
    except OSError as e:
        raise InvalidInputError(
            f"Cannot read corpus file {path!r}: {e.strerror}."
        ) from None
    mode = os.fstat(f.fileno()).st_mode
    if not stat.S_ISREG(mode):
        f.close()
        raise _not_regular(path, mode)
    return f


def _sniff(path, encoding):
    """`(bom_length, codec, looks_binary)` of a file, from its first 8 KiB."""
    with _open_regular(path) as f:
        head = f.read(_SNIFF_BYTES)
    skip, codec = 0, encoding
    for bom, name in _BOMS:
        if head.startswith(bom):
            if codecs.lookup(encoding).name not in _UNICODE:
                raise InvalidInputError(
                    f"Corpus file {path!r} starts with a {name} byte-order "
                    f"mark, but `encoding` is {encoding!r}. Pass "
                    f"encoding={name!r} or leave the default (utf-8: files "
                    "with a byte-order mark are decoded as the mark says)."
                )
            skip, codec = len(bom), name
            break
    else:
        if codecs.lookup(encoding).name in ("utf-16", "utf-32"):
            # Python's incremental decoders refuse these without a mark.
            codec = codecs.lookup(encoding).name + "-le"
    text = codecs.getincrementaldecoder(codec)("replace").decode(head[skip:])
    return skip, codec, "\x00" in text


def _binary_error(what, path):
    return InvalidInputError(
        f"{what} {path!r} looks binary (it contains NUL bytes). Pass "
        "plain-text files, one document per line; for UTF-16 or UTF-32 text "
        "without a byte-order mark pass `encoding` (e.g. encoding='utf-16')."
    )


def _unique_regular(paths):
    """The regular files among `paths`, each real file once (first path wins)."""
    seen = set()
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as e:
            warnings.warn(
                f"Skipping corpus entry {path!r}: {e.strerror} (a broken symlink?).",
                stacklevel=4,
            )
            continue
        if stat.S_ISDIR(st.st_mode):
            continue
        if not stat.S_ISREG(st.st_mode):
            warnings.warn(
                f"Skipping corpus entry {path!r}: it is {_kind(st.st_mode)}, "
                "not a regular file.",
                stacklevel=4,
            )
            continue
        if (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            yield path


def _walk(top, follow_links=False, hidden=False):
    """Paths of the files under `top`: each folder's files in name order,
    then its sub-folders; each real folder entered once."""
    st = os.stat(top)
    visited = {(st.st_dev, st.st_ino)}
    for root, dirs, files in os.walk(top, followlinks=follow_links):
        kept = []
        for name in sorted(dirs):
            path = os.path.join(root, name)
            if (hidden or not name.startswith(".")) and (
                follow_links or not os.path.islink(path)
            ):
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) not in visited:
                    visited.add((st.st_dev, st.st_ino))
                    kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if hidden or not name.startswith("."):
                yield os.path.join(root, name)


def _matches(parts, names):
    """Whether path components `names` match pattern components `parts`,
    with glob's rules: `**` is zero or more folders, and neither it nor a
    wildcard matches a hidden name."""
    if not parts:
        return not names
    head, rest = parts[0], parts[1:]
    if head == "**":
        for i in range(len(names) + 1):
            if _matches(rest, names[i:]):
                return True
            if i < len(names) and names[i].startswith("."):
                return False
        return False
    if not names or (names[0].startswith(".") and not head.startswith(".")):
        return False
    return fnmatch.fnmatch(names[0], head) and _matches(rest, names[1:])


def _glob(pattern):
    """`sorted(glob.glob(pattern, recursive=True))`, but a `**` walks each
    real folder once, so it ends on a symlink loop (`glob` goes round it
    until the path is too long, in time exponential in the loops)."""
    parts = pattern.replace(os.altsep or os.sep, os.sep).split(os.sep)
    if "**" not in parts:
        return sorted(glob.glob(pattern, recursive=True))
    literal = 0
    while not glob.has_magic(parts[literal]):
        literal += 1
    root = os.sep.join(parts[:literal]) or (os.sep if parts[0] == "" else "")
    if not os.path.isdir(root or os.curdir):
        return []
    rest = parts[literal:]
    hidden = any(part.startswith(".") for part in rest)
    found = []
    for path in _walk(root or os.curdir, follow_links=True, hidden=hidden):
        relative = os.path.relpath(path, root or os.curdir)
        if _matches(rest, relative.split(os.sep)):
            found.append(path if root else relative)
    return sorted(found)


def _sources(spec, encoding):
    """`[(path, bom_length, codec)]` of a corpus argument, checked."""
    try:
        "".encode(encoding)
    except (LookupError, TypeError):
        raise InvalidInputError(
            f"`encoding` {encoding!r} is not a known text encoding. "
            "Use e.g. 'utf-8' or 'latin-1'."
        ) from None
    spec = os.fspath(spec)
    try:
        mode = os.stat(spec).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as e:
        raise InvalidInputError(f"Cannot read corpus {spec!r}: {e.strerror}.") from None
    if mode is not None and stat.S_ISDIR(mode):
        sources = []
        for path in _unique_regular(_walk(spec)):
            skip, codec, binary = _sniff(path, encoding)
            if not binary:
                sources.append((path, skip, codec))
        if not sources:
            raise MissingInputError(
                f"Corpus folder {spec!r} contains no text files. "
                "Put .txt files in it or pass a file or a glob."
            )
        return sources
    if mode is not None:
        if not stat.S_ISREG(mode):  # checked before open: a FIFO blocks it
            raise _not_regular(spec, mode)
        skip, codec, binary = _sniff(spec, encoding)
        if binary:
            raise _binary_error("Corpus file", spec)
        return [(spec, skip, codec)]
    if glob.has_magic(spec):
        sources = []
        for path in _unique_regular(_glob(spec)):
            skip, codec, binary = _sniff(path, encoding)
            if binary:
                raise _binary_error(f"Corpus glob {spec!r} matches file", path)
            sources.append((path, skip, codec))
        if not sources:
            raise MissingInputError(
                f"Corpus glob {spec!r} matches no files. "
                "Check the pattern (quote it so the shell does not expand it)."
            )
        return sources
    raise MissingInputError(
        f"Corpus {spec!r} does not exist. Pass a text file, a folder or a glob."
    )


def corpus_files(path_or_glob_or_dir, encoding="utf-8"):
    """The text files a corpus argument names, checked and sorted.

    A file is taken as it is (it must be a regular text file); a folder is
    walked recursively, skipping hidden entries, binary files and (with a
    warning) FIFOs, sockets and devices; a glob (`*`, `?`, `[`, `**`) takes
    every regular file it matches. Each real file is listed once. The module
    docstring gives the full rules.

    Args:
        path_or_glob_or_dir: str or path-like: a text file, a folder or a
            glob such as `"books/*.txt"`.
        encoding: str, the files' encoding, used to tell text from binary
            (UTF-16 text is full of zero bytes).

    Returns:
        A list of str, the paths of the files, in sorted order.

    Raises:
        MissingInputError: the path does not exist, the glob matches nothing,
            or the folder holds no text file.
        InvalidInputError: a named file is binary or not a regular file, a
            byte-order mark contradicts `encoding`, or `encoding` is unknown.

    Example:

    ```python
    >>> import os
    >>> from keras_embeddings.text.corpus import corpus_files
    >>> os.makedirs("books/.cache")
    >>> for name in ("b.txt", "a.txt", ".cache/c.txt"):
    ...     with open(os.path.join("books", name), "w") as f:
    ...         _ = f.write("A line of text.\\n")
    >>> os.symlink("a.txt", os.path.join("books", "c.txt"))  # a.txt again
    >>> [os.path.basename(path) for path in corpus_files("books")]
    ['a.txt', 'b.txt']
    ```
    """
    return [path for path, _, _ in _sources(path_or_glob_or_dir, encoding)]


def read_corpus(path_or_glob_or_dir, encoding="utf-8"):
    """Stream the documents of a corpus: one non-blank line is one document.

    The path is checked at once: missing files, empty globs, binary files
    (by their first 8 KiB), FIFOs and other non-regular files named as the
    corpus, and byte-order marks that contradict `encoding` raise here. The
    lines are then read lazily, file after file, each real file once; a NUL
    character or an undecodable byte further on raises while iterating,
    naming the file, the line and the byte offset. A byte-order mark (UTF-8,
    UTF-16, UTF-32) decides the encoding and is dropped. The module
    docstring gives the full rules.

    Args:
        path_or_glob_or_dir: str or path-like: a text file, a folder (read
            recursively) or a glob such as `"books/*.txt"`.
        encoding: str, the files' encoding when they have no byte-order
            mark, e.g. `"utf-8"`, `"latin-1"` or `"utf-16"`.

    Returns:
        an iterator of str, one per non-blank line, without the newline.

    Raises:
        MissingInputError: nothing to read (see `corpus_files`).
        InvalidInputError: a binary or non-regular file, a byte-order mark
            that contradicts `encoding`, or (while iterating) a NUL character
            or a byte that is not valid in the file's encoding.

    Example:

    ```python
    >>> from keras_embeddings.text import read_corpus
    >>> with open("corpus.txt", "w", encoding="utf-8") as f:
    ...     _ = f.write("I love machine learning\\n\\nAI is fascinating\\n")
    >>> list(read_corpus("corpus.txt"))  # the blank line is skipped
    ['I love machine learning', 'AI is fascinating']
    >>> with open("windows.txt", "w", encoding="utf-16") as f:  # with a BOM
    ...     _ = f.write("café au lait\\n")
    >>> list(read_corpus("windows.txt"))
    ['café au lait']
    ```
    """
    return _stream(_sources(path_or_glob_or_dir, encoding))


def _stream(sources):
    for path, skip, codec in sources:
        with _open_regular(path) as f:
            f.seek(skip)
            yield from _documents(f, path, skip, codec)


def _documents(f, path, skip, codec):
    """The non-blank lines of binary file `f`, decoded in 64 KiB chunks with
    universal newlines, as `open(path, encoding=codec)` would give them, but
    with the byte offsets that the errors report (and faster)."""
    decoder = io.IncrementalNewlineDecoder(
        codecs.getincrementaldecoder(codec)(), translate=True
    )
    parts, line, offset = [], 1, skip  # `line` is the number of the line in `parts`
    while True:
        data = f.read(_CHUNK_BYTES)
        state = decoder.getstate()
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:
            # e.start counts from the bytes held back from the last chunk.
            pending = len(state[0])
            decoder.setstate(state)  # count the lines before the bad byte
            before = decoder.decode(data[: max(e.start - pending, 0)])
            line += before.count("\n") + (decoder.getstate()[1] & 1)  # & 1: a "\r"
            raise InvalidInputError(
                f"Corpus file {path!r} is not valid {codec} (line {line}, byte "
                f"{offset - pending + e.start}: {e.reason}). Pass the right "
                "`encoding` (e.g. latin-1 or cp1252) or re-save the file as "
                "UTF-8."
            ) from None
        nul = text.find("\x00")
        if nul >= 0:
            raise _nul_error(path, line + text.count("\n", 0, nul), skip, codec)
        end = text.rfind("\n")
        if end < 0:  # no line ends here: keep the parts, join once
            parts.append(text)
        else:
            parts.append(text[:end])
            lines = "".join(parts).split("\n")
            parts = [text[end + 1 :]]
            line += len(lines)
            yield from filter(str.strip, lines)
        if not data:
            break
        offset += len(data)
    last = "".join(parts)
    if last.strip():
        yield last


def _nul_error(path, line, skip, codec):
    # A NUL character is one zero code unit, aligned: 1, 2 or 4 zero bytes.
    name = codecs.lookup(codec).name
    unit = 4 if name.startswith("utf-32") else 2 if name.startswith("utf-16") else 1
    where = f"line {line}"
    with _open_regular(path) as f:
        f.seek(skip)
        offset = skip
        while chunk := f.read(_CHUNK_BYTES):
            i = chunk.find(b"\x00" * unit)
            while i > 0 and i % unit:
                i = chunk.find(b"\x00" * unit, i + 1)
            if i >= 0:
                where += f", byte {offset + i}"
                break
            offset += len(chunk)
    return InvalidInputError(
        f"Corpus file {path!r} contains a NUL character ({where}): it looks "
        "binary, not text. Take it out of the corpus or remove its NUL bytes."
    )
