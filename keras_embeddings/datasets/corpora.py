"""Named corpora: the project's `data/` folder and the text inside gensim.

`list_corpora()` names every corpus `load_corpus(name)` reads, with a line
on what it is and its size. Each is a list of str, one document each, read
offline:

- from the project's `data/` folder (the lecture's five sentences, the CBOW
  notebook's sentence), which ships inside the wheel as
  `keras_embeddings/_data` (`data_path` finds it in a checkout or an
  install);
- from gensim's own test data (`gensim/test/test_data/`, installed with
  gensim): the Lee news corpus, a shortened English Wikipedia dump and 200
  labelled movie-review sentences;
- from Project Gutenberg: `"gutenberg:ID"` or `"gutenberg:NAME"` (see
  `load_gutenberg`), downloaded once and cached.

`data/README.md` gives the provenance, license and size of each. The CLI's
`--corpus` takes the same names (a path that exists wins over a name).

Example:

```python
>>> from keras_embeddings.datasets import list_corpora, load_corpus
>>> "five-sentences" in list_corpora()
True
>>> load_corpus("five-sentences")[:2]
['I love machine learning', 'I love deep learning']
```
"""

import bz2
import os
import re

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text.corpus import read_corpus

__all__ = [
    "GUTENBERG_PREFIX",
    "corpus_names",
    "data_path",
    "list_corpora",
    "load_corpus",
]

GUTENBERG_PREFIX = "gutenberg:"

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> (where, file, description with the size). `where` is "data" (the
# project's data/ folder) or "gensim" (gensim/test/test_data). The sizes are
# checked against the files by tests/test_corpora.py.
_CORPORA = {
    "five-sentences": (
        "data",
        "corpora/five_sentences.txt",
        "the lecture's five sentences, 'I love machine learning', ... "
        "(5 documents, 23 words)",
    ),
    "cbow-notebook": (
        "data",
        "corpora/cbow_notebook.txt",
        "the CBOW notebook's corpus, 'I am happy because I am learning' "
        "(1 document, 7 words)",
    ),
    "lee": (
        "gensim",
        "lee_background.cor",
        "Lee news corpus: ABC news articles from 2001, one per document "
        "(300 documents, 59,890 words; gensim)",
    ),
    "wikipedia": (
        "gensim",
        "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
        "English Wikipedia, a shortened 2017 dump: article text without "
        "markup, one article per document (106 documents, 481,398 words; gensim)",
    ),
    "movie-reviews": (
        "gensim",
        "pang_lee_polarity.cor",
        "movie-review sentences labelled neg/pos (Pang & Lee 2005), "
        "load_corpus(..., with_labels=True) for the labels "
        "(200 documents, 4,267 words; gensim)",
    ),
}


def corpus_names():
    """The names `load_corpus` accepts, in `list_corpora`'s order.

    Besides these, `load_corpus` takes `"gutenberg:ID"` and
    `"gutenberg:NAME"` (a book or set of `GUTENBERG_BOOKS` /
    `GUTENBERG_SETS`).

    Example:

    ```python
    >>> from keras_embeddings.datasets import corpus_names
    >>> corpus_names()
    ['five-sentences', 'cbow-notebook', 'lee', 'wikipedia', 'movie-reviews']
    ```
    """
    return list(_CORPORA)


def list_corpora():
    """The named corpora: a dict name -> one line saying what it is and its size.

    Example:

    ```python
    >>> from keras_embeddings.datasets import list_corpora
    >>> for name, description in list_corpora().items():
    ...     print(f"{name:15} {description[:40]}")
    five-sentences  the lecture's five sentences, 'I love ma
    cbow-notebook   the CBOW notebook's corpus, 'I am happy
    lee             Lee news corpus: ABC news articles from
    wikipedia       English Wikipedia, a shortened 2017 dump
    movie-reviews   movie-review sentences labelled neg/pos
    gutenberg:ID    a Project Gutenberg book by id (e.g. gut
    ```
    """
    listing = {name: entry[2] for name, entry in _CORPORA.items()}
    listing[GUTENBERG_PREFIX + "ID"] = (
        "a Project Gutenberg book by id (e.g. gutenberg:1342), or "
        "gutenberg:NAME for a book or set of the classic teaching selection "
        "(e.g. gutenberg:austen-emma, gutenberg:classic); downloaded once, cached"
    )
    return listing


def _data_root():
    """The data folder: the wheel's copy, or the checkout's `data/`."""
    installed = os.path.join(_PACKAGE_DIR, "_data")
    if os.path.isdir(installed):
        return installed
    checkout = os.path.dirname(_PACKAGE_DIR)
    if os.path.isfile(os.path.join(checkout, "setup.cfg")) and os.path.isdir(
        os.path.join(checkout, "data")
    ):
        return os.path.join(checkout, "data")
    raise MissingInputError(
        f"The keras_embeddings data folder is missing: neither {installed!r} "
        f"(an install) nor {os.path.join(checkout, 'data')!r} (a checkout) "
        "exists. Reinstall the package (`pip install --force-reinstall "
        "keras-embeddings`)."
    )


def data_path(*parts):
    """The path of a file in the project's `data/` folder.

    In a checkout this is `data/...`; in an installed wheel, the copy
    shipped as `keras_embeddings/_data/...`.

    Args:
        *parts: str, the path inside `data/`, e.g. `"corpora",
            "five_sentences.txt"`.

    Returns:
        str, the path (the file exists).

    Raises:
        MissingInputError: no such file.

    Example:

    ```python
    >>> from keras_embeddings.datasets import data_path
    >>> data_path("corpora", "five_sentences.txt")
    '.../corpora/five_sentences.txt'
    ```
    """
    root = _data_root()
    path = os.path.join(root, *parts)
    if not os.path.exists(path):
        raise MissingInputError(
            f"{os.path.join(*parts)!r} is not in the data folder {root!r}. "
            "See data/README.md for its files."
        )
    return path


def _gensim_path(file):
    from gensim.test.utils import datapath

    path = datapath(file)
    if not os.path.isfile(path):
        raise MissingInputError(
            f"{file!r} is missing from the gensim install ({path!r}). "
            "Reinstall gensim (`pip install --force-reinstall gensim`)."
        )
    return path


# Wikipedia markup that `filter_wiki` leaves: bold/italic quotes, headings.
_WIKI_LEFTOVERS = re.compile(r"'{2,}|={2,}")


def _read_wikipedia(path):
    from gensim.corpora.wikicorpus import extract_pages, filter_wiki

    documents = []
    with bz2.open(path) as f:
        for _, markup, _ in extract_pages(f, filter_namespaces=("0",)):
            if markup.lstrip().lower().startswith("#redirect"):
                continue
            text = " ".join(_WIKI_LEFTOVERS.sub(" ", filter_wiki(markup)).split())
            # gensim's WikiCorpus also skips stubs under 50 words.
            if len(text.split()) >= 50:
                documents.append(text)
    return documents


def _read_labelled(path):
    documents, labels = [], []
    # The file is Windows-1252 (its dashes are byte 0x97).
    for line in read_corpus(path, encoding="cp1252"):
        label, _, sentence = line.partition(" ")
        documents.append(sentence.strip())
        labels.append(label.removeprefix("__label__"))
    return documents, labels


def load_corpus(name, *, with_labels=False):
    """A named corpus as a list of str, one document each.

    Args:
        name: str, one of `corpus_names()` (see `list_corpora()`), or
            `"gutenberg:ID"` / `"gutenberg:NAME"` for Project Gutenberg
            books (`load_gutenberg(ID_OR_NAME)`, cached after the first
            download).
        with_labels: bool, for `"movie-reviews"` only: also return the
            labels, `"neg"` or `"pos"`, one per document.

    Returns:
        A list of str; with `with_labels=True`, a pair `(documents, labels)`.

    Raises:
        InvalidInputError: an unknown name (the message lists the valid
            ones), or `with_labels=True` for a corpus without labels.
        MissingInputError: the corpus's file is missing from the install,
            or a Gutenberg book cannot be downloaded.

    Example:

    ```python
    >>> from keras_embeddings.datasets import load_corpus
    >>> load_corpus("cbow-notebook")
    ['I am happy because I am learning']
    >>> reviews, labels = load_corpus("movie-reviews", with_labels=True)
    >>> len(reviews), sorted(set(labels)), reviews[0]
    (200, ['neg', 'pos'], 'simplistic , silly and tedious .')
    ```
    """
    from keras_embeddings._validation import boolean

    boolean("with_labels", with_labels)
    if isinstance(name, str) and name.startswith(GUTENBERG_PREFIX):
        _no_labels(name, with_labels)
        from keras_embeddings.datasets import gutenberg

        book = name[len(GUTENBERG_PREFIX) :].strip()
        try:
            gutenberg.gutenberg_ids(book)
        except InvalidInputError:
            raise InvalidInputError(
                f"Corpus {name!r} names no Project Gutenberg book. After "
                f"{GUTENBERG_PREFIX!r} give an id (e.g. gutenberg:1342), a book "
                f"name ({', '.join(gutenberg.GUTENBERG_BOOKS)}) or a set name "
                f"({', '.join(gutenberg.GUTENBERG_SETS)})."
            ) from None
        return gutenberg.load_gutenberg(book)
    if not isinstance(name, str) or name not in _CORPORA:
        raise InvalidInputError(
            f"Unknown corpus name {name!r}. Valid names: "
            f"{', '.join(_CORPORA)}, and {GUTENBERG_PREFIX}ID or "
            f"{GUTENBERG_PREFIX}NAME for a Project Gutenberg book."
        )
    where, file, _ = _CORPORA[name]
    if name != "movie-reviews":
        _no_labels(name, with_labels)
    if where == "data":
        return list(read_corpus(data_path(file)))
    path = _gensim_path(file)
    if name == "wikipedia":
        return _read_wikipedia(path)
    if name == "movie-reviews":
        documents, labels = _read_labelled(path)
        return (documents, labels) if with_labels else documents
    return list(read_corpus(path))


def _no_labels(name, with_labels):
    if with_labels:
        raise InvalidInputError(
            f"Corpus {name!r} has no labels; `with_labels=True` is for "
            "'movie-reviews' only. Leave it out."
        )
