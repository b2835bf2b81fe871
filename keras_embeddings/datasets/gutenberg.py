"""Project Gutenberg books: downloaded once, stripped, cached, read offline.

The lecture demonstrates the project on "the standard teaching corpus of the
Gutenberg Corpus". `load_gutenberg(1342)` downloads a book's plain text
(`https://www.gutenberg.org/cache/epub/{id}/pg{id}.txt`), cuts Project
Gutenberg's header and license (`strip_gutenberg`) and caches the text with
its sha256 beside it, so later calls read the cache offline and a corrupt
cache is noticed.

Named books and sets: `GUTENBERG_BOOKS` holds the classic teaching
selection of NLTK's `gutenberg` corpus (austen-emma, blake-poems,
carroll-alice, melville-moby_dick, shakespeare-hamlet, ...) with their
Project Gutenberg ids; four of NLTK's eighteen (bryant-stories,
burgess-busterbrown, chesterton-brown, edgeworth-parents) are left out
because their ids could not be checked. `GUTENBERG_SETS` groups them:
`"classic"` (all), `"austen"`, `"shakespeare"`. NLTK ships older editions
of the same books, so the texts differ slightly from NLTK's files.

The books are public domain in the USA; check the laws of your country
before redistributing them. Nothing of Project Gutenberg's is kept but the
book's own text.

Example:

```python
>>> from keras_embeddings.datasets import GUTENBERG_BOOKS, GUTENBERG_SETS
>>> GUTENBERG_BOOKS["carroll-alice"], GUTENBERG_SETS["austen"]
(11, ('austen-emma', 'austen-persuasion', 'austen-sense'))
```
"""

import hashlib
import os
import re
import urllib.error
import urllib.request
import warnings

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.io_utils import atomic_open, ensure_writable_dir

__all__ = [
    "GUTENBERG_BOOKS",
    "GUTENBERG_SETS",
    "GUTENBERG_URL",
    "gutenberg_ids",
    "load_gutenberg",
    "strip_gutenberg",
]

GUTENBERG_URL = "https://www.gutenberg.org/cache/epub/{id}/pg{id}.txt"

# NLTK's gutenberg file names (without .txt) -> Project Gutenberg ebook id.
GUTENBERG_BOOKS = {
    "austen-emma": 158,
    "austen-persuasion": 105,
    "austen-sense": 161,
    "bible-kjv": 10,
    "blake-poems": 574,
    "carroll-alice": 11,
    "chesterton-ball": 5265,
    "chesterton-thursday": 1695,
    "melville-moby_dick": 2701,
    "milton-paradise": 26,
    "shakespeare-caesar": 1522,
    "shakespeare-hamlet": 1524,
    "shakespeare-macbeth": 1533,
    "whitman-leaves": 1322,
}
GUTENBERG_SETS = {
    "classic": tuple(GUTENBERG_BOOKS),
    "austen": ("austen-emma", "austen-persuasion", "austen-sense"),
    "shakespeare": ("shakespeare-caesar", "shakespeare-hamlet", "shakespeare-macbeth"),
}

# The lines around the book's text, current and older variants:
# "*** START OF THE PROJECT GUTENBERG EBOOK X ***", "*** START OF THIS ...",
# "***START OF THE PROJECT GUTENBERG EBOOK", and the 1990s
# "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*".
_START = re.compile(
    r"^\W*(\*+\s*START OF (THE |THIS )?PROJECT GUTENBERG|\*END\*?\s*THE SMALL PRINT)",
    re.IGNORECASE | re.MULTILINE,
)
# "*** END OF THE PROJECT GUTENBERG EBOOK X ***", "End of the Project
# Gutenberg EBook of X", "End of Project Gutenberg's X", "End of this
# Project Gutenberg Etext".
_END = re.compile(
    r"^\W*END OF (THE |THIS )?PROJECT GUTENBERG", re.IGNORECASE | re.MULTILINE
)
# Credit paragraphs right after the start marker.
_CREDITS = re.compile(
    r"^(produced by|e-?text prepared by|this e-?text was|transcribed from)",
    re.IGNORECASE,
)


def strip_gutenberg(text):
    """A Project Gutenberg file's text without its header and license.

    Keeps what lies between the `*** START OF THE PROJECT GUTENBERG EBOOK
    ... ***` line and the `*** END OF ...` line (also the older variants
    "START OF THIS PROJECT GUTENBERG EBOOK", "*END*THE SMALL PRINT!", "End
    of the Project Gutenberg EBook of ..."), without the "Produced by ..."
    credit paragraph. Text without a start marker is returned whole, with a
    `UserWarning`.

    Args:
        text: str, the file's text.

    Returns:
        str, the book's text, stripped of surrounding blank lines.

    Raises:
        InvalidInputError: the text is an HTML page, not a plain-text book.

    Example:

    ```python
    >>> from keras_embeddings.datasets import strip_gutenberg
    >>> text = '''The Project Gutenberg eBook of A Tale
    ... *** START OF THE PROJECT GUTENBERG EBOOK A TALE ***
    ... Produced by volunteers.
    ...
    ... Once upon a time.
    ... *** END OF THE PROJECT GUTENBERG EBOOK A TALE ***
    ... The license.'''
    >>> strip_gutenberg(text)
    'Once upon a time.'
    ```
    """
    if not isinstance(text, str):
        raise InvalidInputError(
            f"`text` must be a str. Received: text of type {type(text).__name__}"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.match(r"\s*<(!doctype\s+html|html)", text[:1000], re.IGNORECASE):
        raise InvalidInputError(
            "The text is an HTML page, not a Project Gutenberg plain-text book. "
            "Check the URL (the plain text is at cache/epub/ID/pgID.txt)."
        )
    start = _START.search(text)
    if start is None:
        warnings.warn(
            "No Project Gutenberg start marker ('*** START OF THE PROJECT "
            "GUTENBERG EBOOK ...'): the whole text is kept.",
            UserWarning,
            stacklevel=2,
        )
        return text.strip()
    _, _, body = text[start.end() :].partition("\n")  # after the marker's line
    end = _END.search(body)
    if end is not None:
        body = body[: end.start()]
    paragraphs = re.split(r"\n\s*\n", body.strip())
    while paragraphs and _CREDITS.match(paragraphs[0].strip()):
        paragraphs.pop(0)
    return "\n\n".join(paragraphs).strip()


def gutenberg_ids(book):
    """The Project Gutenberg ids a book argument names, in order.

    Args:
        book: an int id (`1342`), a str of digits, a name of
            `GUTENBERG_BOOKS` (`"austen-emma"`) or `GUTENBERG_SETS`
            (`"classic"`), or a list of those.

    Returns:
        A list of int.

    Raises:
        InvalidInputError: an id that is not a positive integer or an
            unknown name (the message lists the names).

    Example:

    ```python
    >>> from keras_embeddings.datasets import gutenberg_ids
    >>> gutenberg_ids("austen"), gutenberg_ids([1342, "carroll-alice"])
    ([158, 105, 161], [1342, 11])
    ```
    """
    if isinstance(book, (list, tuple)) and book:
        return [i for item in book for i in gutenberg_ids(item)]
    if isinstance(book, int) and not isinstance(book, bool) and book > 0:
        return [book]
    if isinstance(book, str):
        name = book.strip()
        if name.isdigit() and int(name) > 0:
            return [int(name)]
        if name in GUTENBERG_BOOKS:
            return [GUTENBERG_BOOKS[name]]
        if name in GUTENBERG_SETS:
            return [GUTENBERG_BOOKS[n] for n in GUTENBERG_SETS[name]]
    raise InvalidInputError(
        "`book` must be a Project Gutenberg id (a positive integer such as 1342), "
        f"a book name ({', '.join(GUTENBERG_BOOKS)}) or a set name "
        f"({', '.join(GUTENBERG_SETS)}). Received: book={book!r}"
    )


def load_gutenberg(book, cache_dir=None, origin=GUTENBERG_URL, *, timeout=60):
    """Project Gutenberg books as a list of paragraphs (str), cached offline.

    Each book is downloaded once from `origin` (`{id}` is replaced by the
    book's id), stripped of Project Gutenberg's header and license
    (`strip_gutenberg`) and written atomically to
    `CACHE/datasets/gutenberg/pgID.txt` with its sha256 in `pgID.txt.sha256`
    (`sha256sum -c` reads it). Later calls read the cache without the
    network; a cache whose checksum does not match is downloaded again (with
    a warning), or, when that fails, raises.

    The documents are the books' paragraphs (text between blank lines),
    each on one line, in book order.

    Args:
        book: a Project Gutenberg id (`1342`), a name of `GUTENBERG_BOOKS`
            (`"austen-emma"`) or `GUTENBERG_SETS` (`"classic"`,
            `"austen"`, `"shakespeare"`), or a list of those.
        cache_dir: str, optional, the Keras cache folder (default
            `$KERAS_HOME` or `~/.keras`, like `keras.utils.get_file`).
        origin: str, the URL template of a book's plain text; `{id}` is the
            id. Any `urllib` URL works (`http://`, `https://`, `file://`).
        timeout: float, seconds to wait for the server.

    Returns:
        A list of str, one paragraph each.

    Raises:
        InvalidInputError: a bad `book` (see `gutenberg_ids`), or a cached
            book whose checksum is wrong and that cannot be downloaded again.
        MissingInputError: the server has no such book (HTTP 404) or
            cannot be reached, and the book is not cached.

    Example:

    A book served from a local file (`origin` without `{id}` serves one
    file); the second call reads the cache:

    ```python
    >>> import pathlib
    >>> from keras_embeddings.datasets import data_path, load_gutenberg
    >>> origin = pathlib.Path(data_path("fixtures", "gutenberg_book.txt")).as_uri()
    >>> paragraphs = load_gutenberg(99999, cache_dir="cache", origin=origin)
    >>> paragraphs[0]
    'THE LANTERN ON THE HILL'
    >>> load_gutenberg(99999, cache_dir="cache", origin="http://0.0.0.0/none") == paragraphs
    True
    ```
    """
    ids = gutenberg_ids(book)
    if not isinstance(origin, str) or not origin:
        raise InvalidInputError(
            f"`origin` must be a URL template such as {GUTENBERG_URL!r}. "
            f"Received: origin={origin!r}"
        )
    folder = _cache_folder(cache_dir)
    documents = []
    for book_id in ids:
        text = _cached_or_downloaded(book_id, folder, origin, timeout)
        for paragraph in re.split(r"\n\s*\n", text):
            line = " ".join(paragraph.split())
            if line:
                documents.append(line)
    return documents


def _cache_folder(cache_dir):
    if cache_dir is None:
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise InvalidInputError(
            f"`cache_dir` must be a folder path (str). Received: cache_dir={cache_dir!r}"
        )
    cache_dir = os.path.expanduser(os.fspath(cache_dir))
    return ensure_writable_dir(
        os.path.join(cache_dir, "datasets", "gutenberg"), "cache_dir"
    )


def _sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_cache(path):
    """The cached text, or None if absent; raises ValueError if corrupt."""
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        with open(path + ".sha256", encoding="utf-8") as f:
            expected = f.read().split()[0]
    except (OSError, UnicodeDecodeError, IndexError) as e:
        raise ValueError(f"unreadable ({type(e).__name__})") from None
    actual = _sha256(text)
    if actual != expected:
        raise ValueError(f"sha256 {actual[:12]}... instead of {expected[:12]}...")
    return text


def _cached_or_downloaded(book_id, folder, origin, timeout):
    path = os.path.join(folder, f"pg{book_id}.txt")
    try:
        text = _read_cache(path)
    except ValueError as e:
        corrupt = str(e)
        warnings.warn(
            f"The cached Project Gutenberg book {path!r} is corrupt ({corrupt}); "
            "downloading it again.",
            UserWarning,
            stacklevel=3,
        )
    else:
        if text is not None:
            return text
        corrupt = None
    url = origin.replace("{id}", str(book_id))
    try:
        text = strip_gutenberg(_download(url, book_id, timeout))
    except MissingInputError as e:
        if corrupt is None:
            raise
        raise InvalidInputError(
            f"The cached Project Gutenberg book {path!r} is corrupt ({corrupt}) "
            f"and downloading it again failed: {e} Delete {path!r} and retry "
            "when online."
        ) from None
    with atomic_open(path, newline="\n") as f:  # the checksum is of these bytes
        f.write(text)
    with atomic_open(path + ".sha256", newline="\n") as f:
        f.write(f"{_sha256(text)}  pg{book_id}.txt\n")
    return text


def _download(url, book_id, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            raise MissingInputError(
                f"Project Gutenberg has no plain-text book {book_id} at {url!r} "
                "(HTTP 404). Check the id on https://www.gutenberg.org/ebooks/."
            ) from None
        raise MissingInputError(
            f"Could not download Project Gutenberg book {book_id} from {url!r}: "
            f"HTTP {e.code} {e.reason}. Try again later."
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise MissingInputError(
            f"Could not download Project Gutenberg book {book_id} from {url!r} "
            f"({reason}), and it is not cached. Connect to the internet once "
            "(the book is then cached), or save the plain text yourself and "
            "pass it as a corpus file."
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # Older books are Latin-1.
        return data.decode("latin-1")
