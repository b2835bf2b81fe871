"""A vocabulary counted in one streaming pass, memory bounded by the vocabulary.

`build_vocabulary` reads a corpus once, a batch of documents (about 1 MB of
text) at a time, splits it exactly as `Tokenizer()` / `text_to_word_sequence`
do by default, and adds the words to one count per distinct word; nothing of
the corpus is kept. The result equals the in-memory path
(`Tokenizer().fit_on_texts(read_corpus(...))` then `min_count` /
`num_words`): the same words, counts and order (decreasing count, ties in the
order first seen), as long as the distinct words never exceed `max_types`.

**Bounded counts.** Past `max_types` distinct words, the words counted
fewer than `m` times are dropped, `m = 1, 2, 3, ...` growing by one at each
prune, until at most `max_types` remain: gensim's `max_vocab_size` with
`utils.prune_vocab`. It is an approximation: a dropped word seen again starts
from 0 again (its count, and the order of the ties it belongs to, can come
out lower), and a word spread thinly over the corpus can be lost. Frequent
words, the ones `min_count` keeps, are exact in practice. Memory is about
200 bytes per distinct word (a Python `str` and its count): 10,000,000 types
take about 2 GB.

**Wikipedia dumps.** A file whose name ends in `.bz2` (`*.xml.bz2` as
dumps.wikimedia.org names them, or gensim's test dumps) is read through
gensim's `WikiCorpus(path, dictionary={}).get_texts()`, which streams the
articles (markup stripped, each article one document); the words it gives are
then split as any text is. `bytes_read` counts the article text it gave
(UTF-8), not the compressed file.

Batches of training examples are made from the same documents by
`datasets.word2vec_file_dataset`, with the counts this pass returns.
"""

import os
import time
from typing import NamedTuple

import numpy as np

from keras_embeddings._validation import optional_positive_int, positive_int
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text._splitting import DEFAULT_FILTERS, split_words
from keras_embeddings.text.corpus import _documents, _open_regular, _sources

__all__ = ["Vocabulary", "build_vocabulary", "document_batches", "is_wikipedia_dump"]

BATCH_CHARS = 1 << 20  # characters of text split and counted at a time
PROGRESS_BYTES = 1 << 25  # `progress` is called every 32 MiB read


class Vocabulary(NamedTuple):
    """What `build_vocabulary` counted.

    Attributes:
        words: list of str, `""` (padding, id 0) first, then the words kept
            by decreasing count (ties: first seen), as
            `Tokenizer.get_vocabulary()` lists them.
        counts: int64 array like `words`, each word's count (0 for `""`).
        total_words: int, every word read (before `min_count`).
        documents: int, the documents (non-blank lines, or articles) read.
        bytes_read: int, the bytes of text read.
        seconds: float, how long the pass took.
    """

    words: list
    counts: np.ndarray
    total_words: int
    documents: int
    bytes_read: int
    seconds: float


def is_wikipedia_dump(corpus):
    """Whether `corpus` names a Wikipedia dump: a path ending in `.bz2`.

    Example:

    ```python
    >>> from keras_embeddings.text.vocabulary_pass import is_wikipedia_dump
    >>> is_wikipedia_dump("enwiki-latest-pages-articles.xml.bz2")
    True
    >>> is_wikipedia_dump("books/*.txt")
    False
    ```
    """
    return isinstance(corpus, (str, os.PathLike)) and os.fspath(corpus).endswith(".bz2")


def document_batches(corpus, encoding="utf-8", batch_chars=None):
    """Stream a corpus as lists of documents of about `batch_chars` characters.

    Args:
        corpus: a text file, a folder or a glob, one document per non-blank
            line (as `text.read_corpus` reads them), or a Wikipedia dump
            (`*.bz2`, one document per article).
        encoding: str, the text files' encoding.
        batch_chars: int or None, the characters of a batch (a longer
            document is a batch of its own); None: `BATCH_CHARS`, 1 MiB.

    Yields:
        `(documents, bytes_read)`: a list of str, and the bytes read so far
        (files are read 64 KiB at a time: a batch's count can run ahead).

    Raises:
        MissingInputError, InvalidInputError: as `text.read_corpus` (at the
            first `next`, for a file that does not exist).

    Example:

    ```python
    >>> from keras_embeddings.text.vocabulary_pass import document_batches
    >>> with open("corpus.txt", "w") as f:
    ...     _ = f.write("the cat sat\\n\\nthe dog ran\\n")
    >>> list(document_batches("corpus.txt"))
    [(['the cat sat', 'the dog ran'], 25)]
    ```
    """
    if batch_chars is None:
        batch_chars = BATCH_CHARS
    batch_chars = positive_int("batch_chars", batch_chars)
    if is_wikipedia_dump(corpus):
        yield from _wikipedia_batches(os.fspath(corpus), batch_chars)
        return
    done = 0
    for path, skip, codec in _sources(corpus, encoding):
        with _open_regular(path) as f:
            f.seek(skip)
            batch, chars = [], 0
            for document in _documents(f, path, skip, codec):
                batch.append(document)
                chars += len(document)
                if chars >= batch_chars:
                    yield batch, done + f.tell()
                    batch, chars = [], 0
            done += f.tell()
        if batch:
            yield batch, done


def _wikipedia_batches(path, batch_chars):
    if not os.path.isfile(path):
        raise MissingInputError(
            f"Wikipedia dump {path!r} does not exist. Pass the path of a "
            "*.xml.bz2 dump (https://dumps.wikimedia.org/)."
        )
    try:
        from gensim.corpora.wikicorpus import WikiCorpus
    except ImportError:
        raise InvalidInputError(
            f"Reading the Wikipedia dump {path!r} needs gensim: pip install gensim."
        ) from None
    # dictionary={}: no pass of its own to build a gensim Dictionary.
    wiki = WikiCorpus(path, dictionary={}, processes=1)
    batch, chars, done = [], 0, 0
    for tokens in wiki.get_texts():
        document = " ".join(tokens)
        if not document:
            continue
        batch.append(document)
        chars += len(document)
        done += len(document.encode("utf-8")) + 1
        if chars >= batch_chars:
            yield batch, done
            batch, chars = [], 0
    if batch:
        yield batch, done


def split_batch(documents):
    """Every word of a list of documents, split as `Tokenizer()` does by default."""
    # A space is a gap, neither cased nor case-ignorable: joining by it splits
    # and lowercases each document as if alone.
    return split_words(" ".join(documents), DEFAULT_FILTERS, True, " ", False)


def build_vocabulary(
    corpus,
    min_count=5,
    max_vocabulary=None,
    encoding="utf-8",
    max_types=10_000_000,
    progress=None,
    oov_token=None,
):
    """Count a corpus's words in one streaming pass and keep the frequent ones.

    Memory is bounded by the vocabulary, never the corpus: documents are
    split and counted a batch at a time, and past `max_types` distinct
    words the rarest are pruned as gensim does (see the module docstring).
    The words are split as `Tokenizer()` splits them (lowercased, Keras'
    filters, any whitespace), so the result equals
    `Tokenizer(num_words=max_vocabulary)` fitted on `read_corpus(corpus)`
    and cut at `min_count`.

    Args:
        corpus: a text file, a folder or a glob (str or path-like), one
            document per non-blank line; or a Wikipedia dump (`*.xml.bz2`).
        min_count: int, words counted fewer times are dropped (at the end).
        max_vocabulary: int or None, the most entries of `words`, padding
            included (the pipelines' `vocabulary_size`, Keras'
            `max_tokens`): the most frequent words are kept.
        encoding: str, the text files' encoding.
        max_types: int, the most distinct words counted at once.
        progress: None or a callable `progress(bytes_read, words_seen,
            seconds)`, called every 32 MiB read and once at the end (e.g.
            to print MB/s and words seen).
        oov_token: str or None: if given, id 1, counted once for each word
            read that is not kept (`Tokenizer(oov_token=...)`'s vocabulary,
            the next-token model's).

    Returns:
        A `Vocabulary(words, counts, total_words, documents, bytes_read,
        seconds)`.

    Raises:
        MissingInputError: the corpus names no file.
        InvalidInputError: a bad argument or file (see `text.read_corpus`),
            or no word counted `min_count` times.

    Example:

    ```python
    >>> from keras_embeddings.text import build_vocabulary
    >>> with open("corpus.txt", "w") as f:
    ...     _ = f.write("The cat sat.\\nThe dog sat, the end\\n")
    >>> vocabulary = build_vocabulary("corpus.txt", min_count=2)
    >>> vocabulary.words, vocabulary.counts.tolist(), vocabulary.total_words
    (['', 'the', 'sat'], [0, 3, 2], 8)
    ```
    """
    min_count = positive_int("min_count", min_count)
    max_vocabulary = optional_positive_int("max_vocabulary", max_vocabulary, 2)
    max_types = positive_int("max_types", max_types)
    if oov_token is not None and not isinstance(oov_token, str):
        raise InvalidInputError(
            f"`oov_token` must be a string or None. Received: oov_token={oov_token!r}"
        )
    if progress is not None and not callable(progress):
        raise InvalidInputError(
            "`progress` must be a function (bytes_read, words_seen, seconds) or "
            f"None. Received: progress={progress!r}"
        )
    started = time.perf_counter()
    counts = {}  # word -> count, in the order first seen
    count_elements = _counter_update()
    total = documents = bytes_read = 0
    min_reduce, next_report = 1, PROGRESS_BYTES
    for batch, bytes_read in document_batches(corpus, encoding):
        documents += len(batch)
        words = split_batch(batch)
        total += len(words)
        count_elements(counts, words)
        del words
        while len(counts) > max_types:  # gensim's prune_vocab
            counts = {w: c for w, c in counts.items() if c > min_reduce - 1}
            min_reduce += 1
        if progress is not None and bytes_read >= next_report:
            progress(bytes_read, total, time.perf_counter() - started)
            next_report = bytes_read + PROGRESS_BYTES
    words = list(counts)
    values = np.fromiter(counts.values(), dtype=np.int64, count=len(words))
    if oov_token is not None and oov_token in counts:  # never a word too
        values[words.index(oov_token)] = 0
    kept = np.flatnonzero(values >= min_count)
    if not kept.size:
        raise InvalidInputError(
            f"Corpus {os.fspath(corpus)!r} has no word seen at least "
            f"`min_count`={min_count} times ({total} words read). Lower "
            "`min_count` or pass a larger corpus."
        )
    del counts
    # A stable sort: ties keep their first-seen order, as `Tokenizer`.
    order = kept[np.argsort(-values[kept], kind="stable")]
    reserved = [""] if oov_token is None else ["", oov_token]
    if max_vocabulary is not None:
        order = order[: max(max_vocabulary - len(reserved), 0)]
    kept_words = [words[i] for i in order.tolist()]
    kept_counts = values[order]
    if oov_token is not None:
        kept_counts = np.r_[total - kept_counts.sum(), kept_counts]
    seconds = time.perf_counter() - started
    if progress is not None:
        progress(bytes_read, total, seconds)
    return Vocabulary(
        words=reserved + kept_words,
        counts=np.r_[0, kept_counts].astype(np.int64),
        total_words=total,
        documents=documents,
        bytes_read=bytes_read,
        seconds=seconds,
    )


def _counter_update():
    """`collections.Counter`'s C loop that adds an iterable's items to a dict."""
    try:
        from _collections import _count_elements
    except ImportError:  # not CPython: the same loop in Python

        def _count_elements(mapping, iterable):
            get = mapping.get
            for element in iterable:
                mapping[element] = get(element, 0) + 1

    return _count_elements
