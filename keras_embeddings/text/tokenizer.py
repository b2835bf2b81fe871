"""Keras 2's `Tokenizer`, rebuilt in pure Python and NumPy for Keras 3.

The lectures index words with `keras.preprocessing.text.Tokenizer`, which
Keras 3 keeps only as a deprecated legacy class. `Tokenizer` here has the same
arguments, methods and attributes and gives identical results (the same
`word_index` order, ties included, the same out-of-vocabulary handling, the
same matrices and JSON, so each class reads the other's `to_json`), but needs
no TensorFlow, works under any Keras backend and is several times faster: a
batch of texts is lowercased, filtered and split as one string, words are
numbered and looked up with `dict` methods in C loops, and counting is done
by NumPy on those numbers; `texts_to_sequences` on the texts just fitted
reuses those numbers (`benchmarks/tokenizer.py` measures it).

Taught in `tutorials/01_text_pipeline.py`.
"""

import collections
import contextlib
import gc
import itertools
import json
import numbers
import operator
import warnings
from functools import lru_cache

import numpy as np

from keras_embeddings.errors import InvalidInputError

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MODES = ("binary", "count", "tfidf", "freq")

# Texts are processed in batches of this many: large enough to amortise the
# per-call cost of `str.translate`, small enough to bound memory on streams.
_BATCH_SIZE = 10_000
# A batch of str texts is split into words this many characters at a time.
# The words of a part are freed before the next part's are made, so their
# memory is reused while still in the CPU caches, and temporary arrays stay
# small enough for `malloc` to recycle rather than hand back to the system
# and fault in afresh.
_PART_CHARS = 65_536
# Characters that join a batch of texts into one string. They are whitespace
# to `str.split()` and neither cased nor case-ignorable, so splitting and
# lowercasing the joined string treat each one like the end of a text.
_SEPARATORS = "\x1c\x1d\x1e\x1f"
# Every character `str.split()` splits on (`str.isspace`), ASCII ones first.
_WHITESPACE = (
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_WHITESPACE = _WHITESPACE[:10]


@lru_cache(maxsize=64)
def _translation_table(filters, split):
    """The `str.translate` table that turns every filter character into `split`."""
    return str.maketrans(dict.fromkeys(filters, split))


def text_to_word_sequence(
    input_text,
    filters=DEFAULT_FILTERS,
    lower=True,
    split=" ",
):
    """Split a text into a list of words, exactly as Keras 2 does.

    The text is lowercased (if `lower`), every character of `filters` is
    replaced by `split`, the text is split on `split` and empty strings are
    dropped. Taught in `tutorials/01_text_pipeline.py`.

    Args:
        input_text: str, the text.
        filters: str, characters to remove (each becomes a separator).
        lower: bool, whether to lowercase the text first.
        split: str, the word separator.

    Returns:
        A list of str, the words.

    Example:

    ```python
    >>> text_to_word_sequence("The cat, the HAT!")
    ['the', 'cat', 'the', 'hat']

    ```
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(_translation_table(filters, split))
    return [word for word in input_text.split(split) if word]


def _batches(iterable):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, _BATCH_SIZE)):
        yield batch


def _join(texts, reserved):
    """The str `texts` joined into one string by one of `_SEPARATORS`.

    Returns:
        `(joined, separator)`, `separator` being neither in `reserved` nor in
        any text; None if there is no such separator.
    """
    for separator in _SEPARATORS:
        if separator not in reserved:
            joined = separator.join(texts)
            # More separators than joins: a text holds this one.
            if joined.count(separator) == len(texts) - 1:
                return joined, separator
    return None


def _parts(joined, separator):
    """Cut `joined` at a `separator` every `_PART_CHARS` characters or so.

    Yields:
        Consecutive parts of `joined`, less the separators cut at: each is
        whole texts joined by `separator`.
    """
    start = 0
    while (end := joined.find(separator, start + _PART_CHARS)) >= 0:
        yield joined[start:end]
        start = end + 1
    yield joined[start:]


@contextlib.contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector for the block.

    A batch creates thousands of lists; every 700 new containers start a
    collection, and the rarer full ones scan every live object (all of
    TensorFlow's, once it is imported), to free nothing: the lists hold no
    reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _add_counts(total, keys, counts):
    """Add `counts` (aligned with `keys`) to the dict `total`; new keys go last."""
    pairs = zip(keys, counts)
    if not total:
        total.update(pairs)
        return
    get = total.get
    for key, count in pairs:
        total[key] = get(key, 0) + count


def _unique_counts(values):
    """The sorted distinct values of the int array `values`, and their counts.

    `np.unique` does the same, several times slower.
    """
    values = np.sort(values)
    first = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return values[starts], np.diff(starts, append=len(values))


def _token_counts(text, separator):
    """How many space-separated tokens each `separator`-separated part of `text` has.

    `text` holds no whitespace but spaces and separators; a token starts at
    every other character that follows one of those or the start.
    """
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        codes = np.frombuffer(
            text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        )
    is_separator = codes == ord(separator)
    is_gap = is_separator | (codes == ord(" "))
    starts = ~is_gap
    starts[1:] &= is_gap[:-1]
    starts = np.flatnonzero(starts)
    cuts = np.searchsorted(starts, np.flatnonzero(is_separator))
    return np.diff(cuts, prepend=0, append=len(starts))


def _grown(values, size):
    """The 1-D array `values` padded with zeros to `size` entries."""
    return np.pad(values, (0, size - len(values)))


def _document_counts(ids, lengths, one_shot, size):
    """In how many texts each of the `size` word ids occurs.

    `ids` holds the id of every token, `lengths` how many tokens each text
    has; texts at the positions `one_shot` are left out.
    """
    # Number the (text, word) pairs text * size + word, sort them and count
    # each distinct pair once. int32 sorts twice as fast as int64.
    dtype = np.int32 if len(lengths) * size < 2**31 else np.int64
    text_ids = np.repeat(np.arange(len(lengths), dtype=dtype), lengths)  # (tokens,)
    if one_shot:
        counted = ~np.isin(text_ids, one_shot)
        ids, text_ids = ids[counted], text_ids[counted]
    pairs = text_ids * size + ids
    pairs.sort()
    first = np.ones(len(pairs), dtype=bool)
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
    return np.bincount(pairs[first] % max(size, 1), minlength=size)


def _first_seen():
    """A dict that numbers its keys 0, 1, 2, ... in the order first looked up.

    A `defaultdict` whose factory is a C function: no Python call per key.
    """
    return collections.defaultdict(itertools.count().__next__)


class Tokenizer:
    """Index words by frequency and turn texts into sequences or matrices.

    A drop-in replacement for Keras 2's `keras.preprocessing.text.Tokenizer`
    (Keras 3's `keras.src.legacy.preprocessing.text.Tokenizer`): same
    arguments, methods, attributes and outputs. `fit_on_texts` counts words
    and numbers them from 1 by decreasing count (ties keep the order in which
    words were first seen; index 0 is never used, it is left for padding);
    `texts_to_sequences` maps words to those indices, keeping only the
    `num_words - 1` most frequent ones; `texts_to_matrix` gives one row per
    text in `"binary"`, `"count"`, `"tfidf"` or `"freq"` mode. Pure Python and
    NumPy, so it works under every Keras backend. Taught in
    `tutorials/01_text_pipeline.py`.

    Each text is a str, split into words after lowercasing and filtering (or
    into characters with `char_level=True`), or an already-tokenized list of
    str, used as is (lowercased if `lower`). A str passed where a list of
    texts is expected is iterated like Keras 2 does, one character per text.

    Args:
        num_words: int or None, keep only the `num_words - 1` most frequent
            words when converting texts (fitting always indexes every word).
            None keeps all.
        filters: str, characters removed from texts (each becomes a
            separator). Defaults to punctuation, tabs and line breaks.
        lower: bool, whether to lowercase texts.
        split: str, the word separator.
        char_level: bool, whether every character is a token.
        oov_token: str or None, if given it gets index 1 and replaces
            out-of-vocabulary words in `texts_to_sequences`.
        analyzer: callable or None, a function from a text to its list of
            words, used instead of `filters`, `lower` and `split`.
        document_count: int, the number of texts already seen (set by
            `tokenizer_from_json`).
        **kwargs: only the Keras 1 alias `nb_words` of `num_words`.

    Attributes:
        word_counts: `OrderedDict` of word -> count, in order first seen.
        word_docs: `defaultdict` of word -> number of texts containing it.
        word_index: dict of word -> index, by decreasing count.
        index_word: dict of index -> word.
        index_docs: `defaultdict` of index -> number of texts containing it.
        document_count: int, the number of texts fitted on.

    Example:

    ```python
    >>> tokenizer = Tokenizer(num_words=3, oov_token="<OOV>")
    >>> tokenizer.fit_on_texts(["the cat sat", "the cat ran", "the end"])
    >>> tokenizer.word_index
    {'<OOV>': 1, 'the': 2, 'cat': 3, 'sat': 4, 'ran': 5, 'end': 6}
    >>> tokenizer.texts_to_sequences(["the cat sat on the mat"])
    [[2, 1, 1, 1, 2, 1]]
    >>> tokenizer.texts_to_matrix(["the cat the"], mode="count").tolist()
    [[0.0, 1.0, 2.0]]

    ```
    """

    def __init__(
        self,
        num_words=None,
        filters=DEFAULT_FILTERS,
        lower=True,
        split=" ",
        char_level=False,
        oov_token=None,
        analyzer=None,
        document_count=0,
        **kwargs,
    ):
        if "nb_words" in kwargs:
            warnings.warn(
                "The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                stacklevel=2,
            )
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        if num_words is not None and (
            isinstance(num_words, bool)
            or not isinstance(num_words, numbers.Integral)
            or num_words < 1
        ):
            raise InvalidInputError(
                "`num_words` must be a positive integer or None. "
                f"Received: num_words={num_words!r}"
            )
        if not isinstance(filters, str):
            raise InvalidInputError(
                "`filters` must be a string of characters to remove. "
                f"Received: filters={filters!r}"
            )
        for name, value in (("lower", lower), ("char_level", char_level)):
            if not isinstance(value, (bool, np.bool_)):
                raise InvalidInputError(
                    f"`{name}` must be True or False. Received: {name}={value!r}"
                )
        if not isinstance(split, str) or (
            not split and not char_level and analyzer is None
        ):
            raise InvalidInputError(
                "`split` must be a non-empty string (the word separator). "
                f"Received: split={split!r}"
            )
        if oov_token is not None and not isinstance(oov_token, str):
            raise InvalidInputError(
                f"`oov_token` must be a string or None. Received: oov_token={oov_token!r}"
            )
        if analyzer is not None and not callable(analyzer):
            raise InvalidInputError(
                "`analyzer` must be a function from a text to a list of words, "
                f"or None. Received: analyzer={analyzer!r}"
            )
        if (
            isinstance(document_count, bool)
            or not isinstance(document_count, numbers.Integral)
            or document_count < 0
        ):
            raise InvalidInputError(
                "`document_count` must be a non-negative integer. "
                f"Received: document_count={document_count!r}"
            )

        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = bool(lower)
        self.num_words = None if num_words is None else int(num_words)
        self.document_count = int(document_count)
        self.char_level = bool(char_level)
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    # The `_FittedTexts` of the last `fit_on_texts` call, or None. A class
    # attribute too, for instances pickled before it existed.
    _fitted = None

    def __getstate__(self):
        # A cache, that holds the fitted texts: neither pickled nor copied.
        state = self.__dict__.copy()
        state.pop("_fitted", None)
        return state

    def _tokenize(self, texts):
        """Every token of the list `texts`, in order, and how many each text has.

        Tokens are those Keras 2 makes. Plain str texts split into words are
        joined into one string, so that lowercasing, filtering and splitting
        run on many texts at a time, `_PART_CHARS` characters at a time.

        Yields:
            `(tokens, lengths, one_shot)` for each part of consecutive texts:
            a list, an int array with one entry per text of the part, and the
            positions in the part of texts for which `analyzer` returned a
            one-shot iterator (Keras 2 counts their words, but consumes the
            iterator before counting the texts a word occurs in).
        """
        table = _translation_table(self.filters, self.split)
        if (
            texts
            and not self.char_level
            and self.analyzer is None
            and set(map(type, texts)) == {str}
        ):
            joined = _join(texts, self.filters + self.split)
            if joined is not None:
                joined, separator = joined
                for part in _parts(joined, separator):
                    yield self._tokenize_joined(part, separator, table)
                return
        sequences = [self._split_text(text, table) for text in texts]
        one_shot = []
        for position, sequence in enumerate(sequences):
            if not isinstance(sequence, (list, str)):
                if iter(sequence) is sequence:
                    one_shot.append(position)
                sequences[position] = list(sequence)
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(texts))
        yield list(itertools.chain.from_iterable(sequences)), lengths, one_shot

    def _tokenize_joined(self, joined, separator, table):
        """`_tokenize`'s output for a part: str texts joined by `separator`."""
        split = self.split
        if self.lower:
            joined = joined.lower()
        joined = joined.translate(table)
        whitespace = _ASCII_WHITESPACE if joined.isascii() else _WHITESPACE
        if split == " " and not any(
            c in joined for c in whitespace if c not in (" ", separator)
        ):
            # `str.split()` splits on spaces and separators and drops empty
            # words itself, as Keras 2 does after `split(" ")`.
            return joined.split(), _token_counts(joined, separator), []
        sequences = [
            [word for word in text.split(split) if word]
            for text in joined.split(separator)
        ]
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        return list(itertools.chain.from_iterable(sequences)), lengths, []

    def _split_text(self, text, table):
        """The tokens of one text, exactly as Keras 2's loop makes them."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                if isinstance(text, list):
                    return [element.lower() for element in text]
                return text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        if self.lower:
            text = text.lower()
        return [word for word in text.translate(table).split(self.split) if word]

    def fit_on_texts(self, texts):
        """Count the words of `texts` and index them by decreasing count.

        Can be called several times; counts add up and the index is rebuilt.
        `texts_to_sequences` on the texts just fitted reuses their words: the
        last call keeps, for up to 2,000,000 str texts and words, a reference
        to each text and the number of each of its words.

        Args:
            texts: iterable of texts (str, or list of str already tokenized).
        """
        self._fitted = None  # stale from now on, even if this call fails
        vocabulary = _first_seen()  # word -> number, in order first seen
        counts = np.zeros(0, dtype=np.int64)  # (len(vocabulary),)
        documents = np.zeros(0, dtype=np.int64)  # (len(vocabulary),)
        fitted = _FittedTexts(self._tokenization()) if self.analyzer is None else None
        for batch in _batches(texts):
            with _gc_paused():
                self.document_count += len(batch)
                ids, lengths, one_shot = self._numbered(batch, vocabulary)
            size = len(vocabulary)
            counts = _grown(counts, size) + np.bincount(ids, minlength=size)
            documents = _grown(documents, size) + _document_counts(
                ids, lengths, one_shot, size
            )
            if fitted is not None and not fitted.add(batch, ids, lengths):
                fitted = None

        words = list(vocabulary)
        first_fit = not self.word_counts and not self.word_docs
        _add_counts(self.word_counts, words, counts.tolist())
        seen = documents > 0  # False only for words of one-shot iterators
        _add_counts(
            self.word_docs,
            itertools.compress(words, seen.tolist()),
            documents[seen].tolist(),
        )
        if first_fit:
            # The totals are this call's counts: no need to read the dicts.
            indices = self._index_words(words, counts)
            index_docs = zip(indices[seen].tolist(), documents[seen].tolist())
        else:
            self._index_words(
                list(self.word_counts),
                np.fromiter(
                    self.word_counts.values(),
                    dtype=np.int64,
                    count=len(self.word_counts),
                ),
            )
            index_docs = zip(
                map(self.word_index.__getitem__, self.word_docs),
                self.word_docs.values(),
            )
        self.index_docs.update(index_docs)
        if fitted is not None:
            self._fitted = fitted.done(words)

    def _numbered(self, texts, vocabulary):
        """`_tokenize(texts)`, each token replaced by its number in `vocabulary`.

        Returns:
            `(ids, lengths, one_shot)`, `ids` an int32 array of one number
            per token.
        """
        ids, lengths, one_shot, start = [], [], [], 0
        for tokens, part_lengths, part_one_shot in self._tokenize(texts):
            ids.append(
                np.fromiter(
                    map(vocabulary.__getitem__, tokens),
                    dtype=np.int32,
                    count=len(tokens),
                )
            )
            del tokens  # free the strings before the next part makes more
            lengths.append(part_lengths)
            one_shot.extend(start + position for position in part_one_shot)
            start += len(part_lengths)
        return np.concatenate(ids), np.concatenate(lengths), one_shot

    def _index_words(self, words, counts):
        """Rebuild `word_index` and `index_word` from every word and its count.

        Returns:
            An int array, the index each of `words` got.
        """
        # A stable sort: words with equal counts keep their first-seen order,
        # as Keras 2's `list.sort(reverse=True)` does.
        order = np.argsort(-counts, kind="stable")
        sorted_words = [] if self.oov_token is None else [self.oov_token]
        sorted_words.extend(map(words.__getitem__, order.tolist()))
        # Index 0 is reserved for padding, never given to a word.
        self.word_index = dict(zip(sorted_words, range(1, len(sorted_words) + 1)))
        self.index_word = dict(zip(self.word_index.values(), self.word_index))
        first = len(sorted_words) - len(words) + 1  # 2 after `oov_token`'s 1
        indices = np.empty(len(words), dtype=np.int64)
        indices[order] = np.arange(first, first + len(words))
        return indices

    def _tokenization(self):
        """The settings that decide how a text is split into tokens."""
        return (self.filters, self.lower, self.split, self.char_level, self.analyzer)

    def fit_on_sequences(self, sequences):
        """Count in how many sequences each index occurs (for `"tfidf"`).

        Args:
            sequences: list of sequences of int indices.
        """
        self.document_count += len(sequences)
        counts = collections.Counter(itertools.chain.from_iterable(map(set, sequences)))
        _add_counts(self.index_docs, counts.keys(), counts.values())

    def texts_to_sequences(self, texts):
        """Turn each text into a list of word indices.

        Words outside the index, or whose index is `num_words` or more, become
        `oov_token`'s index if there is one, and are dropped otherwise.

        `texts_to_sequences` on the texts just fitted reuses their words: texts
        that are the very str objects the last `fit_on_texts` call read, in
        the same order, with `filters`, `lower`, `split`, `char_level` and
        `analyzer` unchanged, are not split again (the result is the same).

        Args:
            texts: iterable of texts (str, or list of str already tokenized).

        Returns:
            A list of lists of int, one per text.
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yield the list of word indices of each text, as `texts_to_sequences`.

        Texts are read ahead in batches of up to 10,000.

        Args:
            texts: iterable of texts (str, or list of str already tokenized).

        Yields:
            A list of int per text.
        """
        fitted = self._fitted
        if fitted is not None and fitted.tokenization != self._tokenization():
            fitted = None  # a setting changed since: the tokens may differ
        encode = _WordEncoder(self.word_index, self.num_words, self.oov_token, fitted)
        start = 0  # the position of `batch` in `texts`
        for batch in _batches(texts):
            with _gc_paused():
                sequences = encode.from_fitted(batch, start)
                if sequences is None:  # not the texts just fitted
                    sequences = []
                    for tokens, lengths, _ in self._tokenize(batch):
                        sequences += encode(tokens, lengths)
                        del tokens  # free the strings before the next part's
            start += len(batch)
            yield from sequences

    def sequences_to_texts(self, sequences):
        """Turn each sequence of word indices back into a text.

        Args:
            sequences: iterable of sequences of int indices.

        Returns:
            A list of str, the words of each sequence joined by spaces.
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yield the text of each sequence of indices, as `sequences_to_texts`.

        Args:
            sequences: iterable of sequences of int indices.

        Yields:
            A str per sequence.
        """
        num_words = self.num_words
        index_word = self.index_word
        get = index_word.get
        oov_index = self.word_index.get(self.oov_token)
        if self.oov_token is not None and oov_index not in index_word:
            # An index edited by hand: keep Keras 2's word-by-word rules.
            yield from self._sequences_to_texts_slow(sequences, oov_index)
            return
        oov_word = index_word.get(oov_index)
        for sequence in sequences:
            if oov_word is None:
                if num_words:
                    words = [
                        word
                        for index, word in zip(sequence, map(get, sequence))
                        if word is not None and index < num_words
                    ]
                else:
                    words = [word for word in map(get, sequence) if word is not None]
            elif num_words:
                words = [
                    oov_word if word is None or index >= num_words else word
                    for index, word in zip(sequence, map(get, sequence))
                ]
            else:
                words = [
                    oov_word if word is None else word for word in map(get, sequence)
                ]
            yield " ".join(words)

    def _sequences_to_texts_slow(self, sequences, oov_index):
        num_words = self.num_words
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is not None:
                    if num_words and index >= num_words:
                        if oov_index is not None:
                            words.append(self.index_word[oov_index])
                    else:
                        words.append(word)
                elif self.oov_token is not None:
                    words.append(self.index_word[oov_index])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """Turn texts into a `(len(texts), num_words)` matrix.

        Args:
            texts: iterable of texts (str, or list of str already tokenized).
            mode: str, one of `"binary"` (1 where a word occurs), `"count"`,
                `"tfidf"` or `"freq"` (count over the text's length).

        Returns:
            A float64 NumPy array; column `j` is the word of index `j`.
        """
        self._check_mode(mode)
        self._matrix_width()
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """Turn sequences of indices into a `(len(sequences), num_words)` matrix.

        Without `num_words` the width is `len(word_index) + 1`; indices at or
        past the width are ignored (but still count in a sequence's length
        for `"freq"`). `"tfidf"` is `(1 + log(count)) * log(1 + documents /
        (1 + documents_with_word))`.

        Args:
            sequences: list of sequences of non-negative int indices.
            mode: str, one of `"binary"`, `"count"`, `"tfidf"` or `"freq"`.

        Returns:
            A float64 NumPy array.
        """
        self._check_mode(mode)
        num_words = self._matrix_width()
        if mode == "tfidf" and not self.document_count:
            raise InvalidInputError(
                "Fit the Tokenizer on some data before using `mode='tfidf'`: "
                "`document_count` is 0."
            )
        sequences = list(sequences)
        x = np.zeros((len(sequences), num_words))
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        flat = list(itertools.chain.from_iterable(sequences))
        if not flat:
            return x
        indices = np.array(flat)
        if indices.dtype.kind not in "iu" or indices.min() < 0:
            bad = next(
                value
                for value in flat
                if isinstance(value, bool)
                or not isinstance(value, numbers.Integral)
                or value < 0
            )
            raise InvalidInputError(
                "`sequences` must hold non-negative integer word indices. "
                f"Received: a sequence holding {bad!r}"
            )
        indices = indices.astype(np.int64)
        rows = np.repeat(np.arange(len(sequences)), lengths)
        kept = indices < num_words
        cells, counts = _unique_counts(rows[kept] * num_words + indices[kept])
        if mode == "binary":
            values = 1.0
        elif mode == "count":
            values = counts
        elif mode == "freq":
            values = counts / lengths[cells // num_words]
        else:
            # Weighting scheme 2 of https://en.wikipedia.org/wiki/Tf-idf.
            documents = np.fromiter(
                map(self.index_docs.get, range(num_words), itertools.repeat(0)),
                dtype=np.float64,
                count=num_words,
            )
            idf = np.log(1 + self.document_count / (1 + documents))
            values = (1 + np.log(counts)) * idf[cells % num_words]
        x.reshape(-1)[cells] = values
        return x

    def _check_mode(self, mode):
        if mode not in MODES:
            raise InvalidInputError(
                f"`mode` must be one of {', '.join(map(repr, MODES))}. "
                f"Received: mode={mode!r}"
            )

    def _matrix_width(self):
        if self.num_words:
            return self.num_words
        if self.word_index:
            return len(self.word_index) + 1
        raise InvalidInputError(
            "Specify a dimension (`num_words` argument), or fit on some text "
            f"data first. Received: num_words={self.num_words!r} and an empty "
            "`word_index`."
        )

    def get_vocabulary(self):
        """The words by id, padding first, as `TextVectorization.get_vocabulary()`.

        Entry `i` is the word of id `i`; entry 0 is `""` (the padding id).
        With `num_words`, only ids below `num_words` are listed, the ones
        `texts_to_sequences` emits. This is the `vocabulary` that
        `NextTokenModel`, `export.to_word_vectors` and the projector take.

        Example:

        ```python
        >>> tokenizer = Tokenizer(num_words=3)
        >>> tokenizer.fit_on_texts(["b a b", "c b"])
        >>> tokenizer.get_vocabulary()
        ['', 'b', 'a']

        ```
        """
        size = len(self.word_index) + 1
        if self.num_words is not None:
            size = min(size, self.num_words)
        return [""] + [self.index_word[i] for i in range(1, size)]

    def get_config(self):
        """The tokenizer's arguments and fitted state, with dicts as JSON strings.

        `analyzer` is not included (a function cannot be serialized).

        Returns:
            A dict, the same as Keras 2's `Tokenizer.get_config()`.
        """
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """The tokenizer as a JSON string that `tokenizer_from_json` reads back.

        Keras 2's `tokenizer_from_json` reads it too, and vice versa.

        Args:
            **kwargs: passed on to `json.dumps`.

        Returns:
            A JSON str.
        """
        return json.dumps(
            {"class_name": self.__class__.__name__, "config": self.get_config()},
            **kwargs,
        )


# The most tokens and texts `fit_on_texts` keeps for `texts_to_sequences`:
# at most 16 MB of ids, offsets and references.
_FITTED_LIMIT = 2_000_000


class _FittedTexts:
    """The tokens of the texts of one `fit_on_texts` call.

    `texts_to_sequences` is most often called on the very texts just fitted.
    A str is immutable, so a text that *is* one of those objects splits into
    the same tokens again while the tokenization settings stay the same: its
    word indices can be read off the ids kept here with NumPy, instead of
    splitting the text and looking its words up one by one. Only plain str
    texts are kept, and only without `analyzer` (a function may not give the
    same words twice).

    Attributes:
        tokenization: the settings the texts were split with.
        texts: list of the text objects, in order.
        words: list of the call's distinct words, in first-seen order.
        ids: int32 array, the position in `words` of every token.
        offsets: int array, where each text's tokens start in `ids`, and
            the number of tokens last.
    """

    def __init__(self, tokenization):
        self.tokenization = tokenization
        self.texts = []
        self.batch_ids = []
        self.batch_lengths = []
        self.size = 0

    def add(self, batch, ids, lengths):
        """Keep a batch's tokens; False if they cannot all be kept."""
        self.size += len(ids) + len(batch)
        if self.size > _FITTED_LIMIT or set(map(type, batch)) - {str}:
            return False
        self.texts.extend(batch)
        self.batch_ids.append(ids)
        self.batch_lengths.append(lengths)
        return True

    def done(self, words):
        """Self, once every batch is added; None if there were no texts."""
        if not self.texts:
            return None
        self.words = words
        self.ids = np.concatenate(self.batch_ids)
        self.offsets = np.concatenate(
            ([0], np.cumsum(np.concatenate(self.batch_lengths)))
        )
        del self.batch_ids, self.batch_lengths
        return self

    def find(self, texts, start):
        """The token ids of `texts` if they are the kept ones from `start` on.

        Returns:
            `(ids, offsets)`, offsets from the first of `texts`; None unless
            `texts` are the very objects `self.texts[start:][:len(texts)]`.
        """
        end = start + len(texts)
        if end > len(self.texts) or not all(
            map(operator.is_, texts, self.texts[start:end])
        ):
            return None
        offsets = self.offsets[start : end + 1]
        return self.ids[offsets[0] : offsets[-1]], offsets - offsets[0]


def _cut(indices, offsets, kept=None):
    """The flat `indices` (list or array) cut into one list per text.

    Text `i` has the indices from `offsets[i]` to `offsets[i + 1]`; only
    those where the bool array `kept` is True stay, if it is given.
    """
    if kept is not None and not kept.all():
        offsets = np.concatenate(([0], np.cumsum(kept)))[offsets]
        indices = indices[kept]
    if isinstance(indices, np.ndarray):
        indices = indices.tolist()
    offsets = offsets.tolist()
    return [indices[start:end] for start, end in zip(offsets, offsets[1:])]


class _WordEncoder:
    """Maps tokens to indices with Keras 2's out-of-vocabulary rules.

    A word of index `i` gives `i` if `i < num_words` (or there is no
    `num_words`), else `oov_token`'s index, or nothing without `oov_token`;
    an unknown word gives `oov_token`'s index, or nothing. With `num_words`
    the rules are folded into a copy of `word_index` once enough tokens were
    encoded to pay for the copy. Texts found in `fitted` (a `_FittedTexts`
    or None) are encoded from their token ids.
    """

    _DROP = -1  # Stands for "no index" in the flat list of indices.

    def __init__(self, word_index, num_words, oov_token, fitted=None):
        self.word_index = word_index
        self.num_words = num_words
        self.oov_token = oov_token
        self.oov_index = None if oov_token is None else word_index.get(oov_token)
        # What a word gets when it is unknown, or when it is too rare.
        self.default = self._DROP if self.oov_index is None else self.oov_index
        self.lookup = None if num_words else word_index
        self.tokens_seen = 0
        self.fitted = fitted
        # The index of each of `fitted.words`, and whether it has one; made
        # on first use.
        self.fitted_indices = self.fitted_kept = None

    def __call__(self, tokens, lengths):
        """The list of indices of each text, given all its tokens and counts."""
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        if self.oov_token is not None and self.oov_index is None:
            # `oov_token` missing from a hand-edited index.
            offsets = offsets.tolist()
            return [
                self._encode_slow(tokens[start:end])
                for start, end in zip(offsets, offsets[1:])
            ]
        indices = self._indices(tokens)  # (tokens,)
        kept = None
        if self.oov_index is None and self._DROP in indices:
            indices = np.fromiter(indices, dtype=np.int64, count=len(indices))
            kept = indices != self._DROP
        return _cut(indices, offsets, kept)

    def from_fitted(self, texts, start):
        """`self(tokens, lengths)` of `texts`, or None unless they were fitted.

        `texts` are the ones from position `start` of all the texts encoded.
        """
        found = None if self.fitted is None else self.fitted.find(texts, start)
        if found is None or (self.oov_token is not None and self.oov_index is None):
            return None
        if self.fitted_indices is None:
            words = self.fitted.words
            # Objects, not int64: the lists then hold `word_index`'s own ints,
            # as the lists of `__call__` do, rather than thousands of new ones.
            self.fitted_indices = np.fromiter(
                self._indices(words), dtype=object, count=len(words)
            )
            if self.oov_index is None:
                kept = self.fitted_indices != self._DROP
                self.fitted_kept = None if kept.all() else kept
        ids, offsets = found
        kept = None if self.fitted_kept is None else self.fitted_kept[ids]
        return _cut(self.fitted_indices[ids], offsets, kept)

    def _indices(self, tokens):
        default, num_words = self.default, self.num_words
        if self.lookup is None:
            self.tokens_seen += len(tokens)
            if self.tokens_seen > len(self.word_index):
                self.lookup = {
                    word: index if index < num_words else default
                    for word, index in self.word_index.items()
                }
        if self.lookup is not None:
            return list(map(self.lookup.get, tokens, itertools.repeat(default)))
        return [
            index if index < num_words else default
            for index in map(self.word_index.get, tokens, itertools.repeat(default))
        ]

    def _encode_slow(self, tokens):
        indices = []
        for token in tokens:
            index = self.word_index.get(token)
            if index is None:
                indices.append(self.oov_index)
            elif not (self.num_words and index >= self.num_words):
                indices.append(index)
        return indices


def tokenizer_from_json(json_string):
    """Rebuild a `Tokenizer` from `Tokenizer.to_json()` (ours or Keras 2's).

    Args:
        json_string: str, the JSON.

    Returns:
        A fitted `Tokenizer`.

    Example:

    ```python
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(["a b b"])
    >>> tokenizer_from_json(tokenizer.to_json()).word_index
    {'b': 1, 'a': 2}

    ```
    """
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    # JSON object keys are strings; indices go back to int.
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))

    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(word_counts)
    tokenizer.word_docs = collections.defaultdict(int, word_docs)
    tokenizer.index_docs = collections.defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
