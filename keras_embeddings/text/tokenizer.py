"""Keras 2's `Tokenizer`, rebuilt in pure Python and NumPy for Keras 3.

The lectures index words with `keras.preprocessing.text.Tokenizer`, which
Keras 3 keeps only as a deprecated legacy class. `Tokenizer` here has the same
arguments, methods and attributes and, with `keras2_split=True`, gives
identical results (the same `word_index` order, ties included, the same
out-of-vocabulary handling, the same matrices and JSON, so each class reads
the other's `to_json`), but needs no TensorFlow, works under any Keras
backend and is several times faster: a batch of texts is lowercased,
filtered and split as one string (`_splitting`), words are numbered and
looked up with `dict` methods in C loops (`_lookup`), and counting is done by
NumPy on those numbers (`_counting`); `texts_to_sequences` on the texts just
fitted reuses those numbers (`_cache`). `benchmarks/tokenizer.py` measures it.

By default, unlike Keras 2, texts are split on any Unicode whitespace and
control character, not only on `split`, so that every word can be saved by
`export.save_word2vec` and shown as it is in TensorBoard's projector (the
rule is in `_splitting`); `keras2_split=True` gives Keras 2's words. A JSON
without `keras2_split` (Keras 2's, or ours from before it) reads back as
`keras2_split=True`, the splitting its words were made with.

Taught in `tutorials/01_text_pipeline.py`.
"""

import collections
import itertools
import json
import warnings

from keras_embeddings._validation import (
    boolean,
    optional_positive_int,
    positive_int,
)
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.text import _cache, _counting, _lookup, _splitting
from keras_embeddings.text._splitting import DEFAULT_FILTERS, text_to_word_sequence

__all__ = [
    "DEFAULT_FILTERS",
    "MODES",
    "Tokenizer",
    "text_to_word_sequence",
    "tokenizer_from_json",
]

MODES = ("binary", "count", "tfidf", "freq")
# What `get_config` holds: the arguments, then the fitted state as JSON.
_ARGUMENTS = ("num_words", "filters", "lower", "split", "char_level", "oov_token")
_ARGUMENTS += ("document_count",)
# Not in Keras 2's config: written only when not Keras 2's splitting, so that
# Keras 2 reads a `keras2_split=True` tokenizer's JSON, and a JSON without it
# (Keras 2's, or older) reads back as the Keras 2 splitting it was made with.
_SPLITTING = "keras2_split"
_STATE = ("word_counts", "word_docs", "index_docs", "index_word", "word_index")


class Tokenizer:
    """Index words by frequency and turn texts into sequences or matrices.

    A drop-in replacement for Keras 2's `keras.preprocessing.text.Tokenizer`
    (`tf_keras.preprocessing.text.Tokenizer` in the `tf-keras` package): same
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
        split: str, the word separator. Unlike Keras 2, texts are by
            default also split on any Unicode whitespace (all `str.split()`
            splits on: U+00A0, U+3000, U+2028, `\\x0b`, `\\x85`, ...) and
            control character (category Cc: `\\x00`, `\\x1b`, ...), and the
            invisible U+00AD, U+200B, U+2060 and U+FEFF are removed, so that
            every word can be saved by `export.save_word2vec`.
        char_level: bool, whether every character is a token.
        oov_token: str or None, if given it gets index 1 and replaces
            out-of-vocabulary words in `texts_to_sequences`.
        analyzer: callable or None, a function from a text to its list of
            words, used instead of `filters`, `lower` and `split`.
        document_count: int, the number of texts already seen (set by
            `tokenizer_from_json`).
        keras2_split: bool, split on `split` only, as Keras 2 does: other
            whitespace and control characters stay inside words. `char_level`
            tokens, `analyzer` output and token lists are used as given either
            way.
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
    >>> from keras_embeddings.text import Tokenizer
    >>> tokenizer = Tokenizer(num_words=3, oov_token="<OOV>")
    >>> tokenizer.fit_on_texts(["the cat sat", "the cat ran", "the end"])
    >>> tokenizer.word_index
    {'<OOV>': 1, 'the': 2, 'cat': 3, 'sat': 4, 'ran': 5, 'end': 6}
    >>> tokenizer.texts_to_sequences(["the cat sat on the mat"])
    [[2, 1, 1, 1, 2, 1]]
    >>> tokenizer.texts_to_matrix(["the cat the"], mode="count").tolist()
    [[0.0, 1.0, 2.0]]
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(["caf\\u00e9\\u00a0au lait"])  # a no-break space
    >>> list(tokenizer.word_index)
    ['café', 'au', 'lait']
    >>> tokenizer = Tokenizer(keras2_split=True)  # Keras 2's words
    >>> tokenizer.fit_on_texts(["caf\\u00e9\\u00a0au lait"])
    >>> list(tokenizer.word_index)
    ['café\\xa0au', 'lait']
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
        keras2_split=False,
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
        num_words = optional_positive_int("num_words", num_words)
        lower = boolean("lower", lower)
        char_level = boolean("char_level", char_level)
        keras2_split = boolean("keras2_split", keras2_split)
        _splitting.check_settings(filters, split, char_level, analyzer)
        if oov_token is not None and not isinstance(oov_token, str):
            raise InvalidInputError(
                f"`oov_token` must be a string or None. Received: oov_token={oov_token!r}"
            )
        document_count = positive_int("document_count", document_count, minimum=0)

        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer
        self.keras2_split = keras2_split

    # The `_cache.FittedTexts` of the last `fit_on_texts` call, or None. A
    # class attribute too, for instances pickled before it existed.
    _fitted = None
    # Instances pickled before `keras2_split` existed split as Keras 2.
    keras2_split = True

    def __getstate__(self):
        # A cache, that holds the fitted texts: neither pickled nor copied.
        state = self.__dict__.copy()
        state.pop("_fitted", None)
        return state

    def _settings(self):
        """The settings that decide how a text is split into tokens."""
        return _splitting.Settings(
            self.filters,
            self.lower,
            self.split,
            self.char_level,
            self.analyzer,
            bool(self.keras2_split),
        )

    def _tokenize(self, texts):
        """`_splitting.split_texts(texts, ...)` with this tokenizer's settings."""
        return _splitting.split_texts(texts, self._settings())

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
        counted = _counting.WordCounts()
        fitted = None
        if self.analyzer is None:
            fitted = _cache.FittedTexts(self._settings())
        for batch in _splitting.batches(texts):
            with _splitting.gc_paused():
                self.document_count += len(batch)
                ids, lengths, one_shot = counted.numbered(self._tokenize(batch))
            counted.add(ids, lengths, one_shot)
            if fitted is not None and not fitted.add(batch, ids, lengths):
                fitted = None

        words = counted.words()
        self.word_index, self.index_word = counted.merge_into(
            self.word_counts, self.word_docs, self.index_docs, self.oov_token
        )
        if fitted is not None:
            self._fitted = fitted.done(words)

    def fit_on_sequences(self, sequences):
        """Count in how many sequences each index occurs (for `"tfidf"`).

        Args:
            sequences: list of sequences of int indices.
        """
        self.document_count += len(sequences)
        counts = collections.Counter(itertools.chain.from_iterable(map(set, sequences)))
        _counting.add_counts(self.index_docs, counts.keys(), counts.values())

    def texts_to_sequences(self, texts):
        """Turn each text into a list of word indices.

        Words outside the index, or whose index is `num_words` or more, become
        `oov_token`'s index if there is one, and are dropped otherwise.

        `texts_to_sequences` on the texts just fitted reuses their words: texts
        that are the very str objects the last `fit_on_texts` call read, in
        the same order, with `filters`, `lower`, `split`, `char_level`,
        `analyzer` and `keras2_split` unchanged, are not split again (the
        result is the same).

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
        if fitted is not None and fitted.settings != self._settings():
            fitted = None  # a setting changed since: the tokens may differ
        encode = _lookup.WordEncoder(
            self.word_index, self.num_words, self.oov_token, fitted
        )
        return encode.encode_texts(texts, self._tokenize)

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
        return _lookup.texts_of(
            sequences, self.word_index, self.index_word, self.num_words, self.oov_token
        )

    def texts_to_matrix(self, texts, mode="binary"):
        """Turn texts into a `(len(texts), num_words)` matrix.

        Args:
            texts: iterable of texts (str, or list of str already tokenized).
            mode: str, one of `"binary"` (1 where a word occurs), `"count"`,
                `"tfidf"` or `"freq"` (count over the text's length).

        Returns:
            A float64 NumPy array; column `j` is the word of index `j`.
        """
        self._matrix_width(mode)
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
        num_words = self._matrix_width(mode)
        if mode == "tfidf" and not self.document_count:
            raise InvalidInputError(
                "Fit the Tokenizer on some data before using `mode='tfidf'`: "
                "`document_count` is 0."
            )
        return _counting.matrix(
            sequences, num_words, mode, self.index_docs, self.document_count
        )

    def _matrix_width(self, mode):
        """The number of matrix columns, once `mode` is checked."""
        _counting.check_mode(mode, MODES)
        return _counting.matrix_width(self.num_words, self.word_index)

    def get_vocabulary(self):
        """The words by id, padding first, as `TextVectorization.get_vocabulary()`.

        Entry `i` is the word of id `i`; entry 0 is `""` (the padding id).
        With `num_words`, only ids below `num_words` are listed, the ones
        `texts_to_sequences` emits. This is the `vocabulary` that
        `NextTokenModel`, `export.to_word_vectors` and the projector take.

        Example:

        ```python
        >>> from keras_embeddings.text import Tokenizer
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
        `keras2_split` is included only when False: a `keras2_split=True`
        tokenizer's config is Keras 2's, key for key.

        Returns:
            A dict, the same as Keras 2's `Tokenizer.get_config()` (plus
            `keras2_split: False` by default).
        """
        config = {name: getattr(self, name) for name in _ARGUMENTS}
        if not self.keras2_split:
            config[_SPLITTING] = False
        config.update((name, json.dumps(getattr(self, name))) for name in _STATE)
        return config

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


def tokenizer_from_json(json_string):
    """Rebuild a `Tokenizer` from `Tokenizer.to_json()` (ours or Keras 2's).

    A JSON without `keras2_split` (Keras 2's, or ours from before that
    setting) gives a `keras2_split=True` tokenizer: it splits new texts as
    its words were made.

    Args:
        json_string: str, the JSON.

    Returns:
        A fitted `Tokenizer`.

    Example:

    ```python
    >>> from keras_embeddings.text import Tokenizer, tokenizer_from_json
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
    config.setdefault(_SPLITTING, True)

    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = collections.OrderedDict(word_counts)
    tokenizer.word_docs = collections.defaultdict(int, word_docs)
    tokenizer.index_docs = collections.defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
