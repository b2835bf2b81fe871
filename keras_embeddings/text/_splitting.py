"""The `Tokenizer`'s splitting engine: texts to tokens, many texts at a time.

`text_to_word_sequence` splits one text (public, re-exported by
`keras_embeddings.text.tokenizer` and `keras_embeddings.text`).

How a text becomes words: it is lowercased (if `lower`), every character of
`filters` is replaced by `split`, and then

- by default, it is split on `split` and on every whitespace character
  (all that `str.split()` splits on: U+00A0 no-break space, U+3000
  ideographic space, U+2028/U+2029 line and paragraph separators, `\\x0b`,
  `\\x0c`, `\\x85`, `\\x1c`-`\\x1f`, ...) or control character (Unicode
  category Cc: `\\x00`, `\\x07`, `\\x1b`, ...), and the invisible U+00AD
  soft hyphen, U+200B zero width space, U+2060 word joiner and U+FEFF byte
  order mark are removed (they show no gap: a reader sees one word). Every
  word is then non-empty with no whitespace or control character in it, so
  `export.save_word2vec` accepts it and TensorBoard's projector
  (`metadata.tsv`) shows it unchanged;
- with `keras2_split=True`, it is split on `split` only, exactly as Keras 2
  does: other whitespace and control characters stay inside words.

```python
>>> from keras_embeddings.text import text_to_word_sequence
>>> text_to_word_sequence("caf\\u00e9\\u00a0au lait")
['café', 'au', 'lait']
>>> text_to_word_sequence("caf\\u00e9\\u00a0au lait", keras2_split=True)
['café\\xa0au', 'lait']
```

A batch of plain str texts is joined into one string by a separator
character, so lowercasing, filtering (`str.translate`) and splitting run as a
few C calls on many texts at once; the number of tokens of each text is then
counted with NumPy. Other texts (lists of tokens, `char_level`, an
`analyzer`) are split one by one; `char_level` tokens, `analyzer` output and
already-tokenized lists are used as given, in either mode.
"""

import collections
import contextlib
import gc
import itertools
from functools import lru_cache

import numpy as np

from keras_embeddings._validation import boolean
from keras_embeddings.errors import InvalidInputError

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
# Texts are processed in batches of this many: large enough to amortise the
# per-call cost of `str.translate`, small enough to bound memory on streams.
BATCH_SIZE = 10_000
# A batch of str texts is split into words this many characters at a time.
# The words of a part are freed before the next part's are made, so their
# memory is reused while still in the CPU caches, and temporary arrays stay
# small enough for `malloc` to recycle rather than hand back to the system
# and fault in afresh.
PART_CHARS = 65_536
# Characters that join a batch of texts into one string. They are whitespace
# to `str.split()` and neither cased nor case-ignorable, so splitting and
# lowercasing the joined string treat each one like the end of a text.
SEPARATORS = "\x1c\x1d\x1e\x1f"
# Every character `str.split()` splits on (`str.isspace`), ASCII ones first.
WHITESPACE = (
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
ASCII_WHITESPACE = WHITESPACE[:10]
# Every control character (Unicode category Cc); some are whitespace too.
CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))
# What separates words by default: whitespace and control characters.
GAPS = WHITESPACE + "".join(c for c in CONTROLS if c not in WHITESPACE)
# Invisible characters removed by default: U+00AD soft hyphen, U+200B zero
# width space, U+2060 word joiner, U+FEFF byte order mark (zero width
# no-break space). They show no gap, so the word a reader sees stays whole.
REMOVED = "\u00ad\u200b\u2060\ufeff"

# The settings that decide how a text is split into tokens; texts split with
# equal settings give equal tokens.
Settings = collections.namedtuple(
    "Settings", ["filters", "lower", "split", "char_level", "analyzer", "keras2_split"]
)


def check_settings(filters, split, char_level, analyzer):
    """Raise `InvalidInputError` unless the settings can split texts."""
    if not isinstance(filters, str):
        raise InvalidInputError(
            "`filters` must be a string of characters to remove. "
            f"Received: filters={filters!r}"
        )
    if not isinstance(split, str) or (
        not split and not char_level and analyzer is None
    ):
        raise InvalidInputError(
            "`split` must be a non-empty string (the word separator). "
            f"Received: split={split!r}"
        )
    if analyzer is not None and not callable(analyzer):
        raise InvalidInputError(
            "`analyzer` must be a function from a text to a list of words, "
            f"or None. Received: analyzer={analyzer!r}"
        )


@lru_cache(maxsize=64)
def translation_table(filters, split, keras2_split=True, separator=None):
    """The `str.translate` table applied to a lowercased text before splitting.

    With `keras2_split`, Keras 2's: every filter character becomes `split`.
    Otherwise every `REMOVED` character not in `split` is deleted, and with a
    one-character `split` every filter character, `split` and every gap
    (`GAPS`) but `separator` become a space, so that the text then splits
    on spaces; a longer `split` is left to `unify_gaps`.
    """
    if keras2_split:
        return str.maketrans(dict.fromkeys(filters, split))
    if len(split) > 1:
        table = {c: None for c in REMOVED if c not in split}
        table.update(dict.fromkeys(filters, split))
        return str.maketrans(table)
    table = gap_table(separator).copy()
    table.update(dict.fromkeys(map(ord, filters + split), ord(" ")))
    return table


@lru_cache(maxsize=8)
def gap_table(separator=None):
    """The table that makes every gap but `separator` a space, and deletes `REMOVED`."""
    table = dict.fromkeys(REMOVED)
    table.update((c, " ") for c in GAPS if c != separator)
    return str.maketrans(table)


def unify_gaps(text, filters, split, separator=None):
    """The lowercased `text` with every gap between its words made a space.

    What separates words, unless `keras2_split`: `split`, once every filter
    character became one and every `REMOVED` character not in `split` was
    deleted; then, between two `split`, any gap character (`GAPS`), the
    `REMOVED` ones being deleted. Afterwards the text splits into its words
    on whitespace, and holds no whitespace but spaces and `separator` (kept
    as is, if given).
    """
    text = text.translate(translation_table(filters, split, False, separator))
    if len(split) > 1:
        text = text.replace(split, " ").translate(gap_table(separator))
    return text


def text_to_word_sequence(
    input_text,
    filters=DEFAULT_FILTERS,
    lower=True,
    split=" ",
    keras2_split=False,
):
    """Split a text into a list of words.

    The text is lowercased (if `lower`), every character of `filters` is
    replaced by `split`, the text is split on `split` and empty strings are
    dropped. By default it is also split on any whitespace and control
    character, and invisible U+00AD, U+200B, U+2060 and U+FEFF are removed,
    so that no word holds whitespace or a control character (see
    `Tokenizer`); `keras2_split=True` splits on `split` only, exactly as
    Keras 2 does. Taught in `tutorials/01_text_pipeline.py`.

    Args:
        input_text: str, the text.
        filters: str, characters to remove (each becomes a separator).
        lower: bool, whether to lowercase the text first.
        split: str, the word separator.
        keras2_split: bool, split on `split` only, as Keras 2, keeping other
            whitespace and control characters inside words.

    Returns:
        A list of str, the words.

    Example:

    ```python
    >>> from keras_embeddings.text import text_to_word_sequence
    >>> text_to_word_sequence("The cat, the HAT!")
    ['the', 'cat', 'the', 'hat']
    >>> text_to_word_sequence("caf\\u00e9\\u00a0au lait")  # no-break space
    ['café', 'au', 'lait']
    ```
    """
    keras2_split = boolean("keras2_split", keras2_split)
    return split_words(input_text, filters, lower, split, keras2_split)


def split_words(text, filters, lower, split, keras2_split):
    """The words of the str `text` (`text_to_word_sequence`'s)."""
    if lower:
        text = text.lower()
    if keras2_split:
        text = text.translate(translation_table(filters, split))
        return [word for word in text.split(split) if word]
    return unify_gaps(text, filters, split).split()


def batches(iterable):
    """Lists of up to `BATCH_SIZE` consecutive items of `iterable`."""
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        yield batch


@contextlib.contextmanager
def gc_paused():
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


def join(texts, reserved):
    """The str `texts` joined into one string by one of `SEPARATORS`.

    Returns:
        `(joined, separator)`, `separator` being neither in `reserved` nor in
        any text; None if there is no such separator.
    """
    for separator in SEPARATORS:
        if separator not in reserved:
            joined = separator.join(texts)
            # More separators than joins: a text holds this one.
            if joined.count(separator) == len(texts) - 1:
                return joined, separator
    return None


def parts(joined, separator):
    """Cut `joined` at a `separator` every `PART_CHARS` characters or so.

    Yields:
        Consecutive parts of `joined`, less the separators cut at: each is
        whole texts joined by `separator`.
    """
    start = 0
    while (end := joined.find(separator, start + PART_CHARS)) >= 0:
        yield joined[start:end]
        start = end + 1
    yield joined[start:]


def token_counts(text, separator):
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


def split_texts(texts, settings):
    """Every token of the list `texts`, in order, and how many each text has.

    Plain str texts split into words are joined into one string, so that
    lowercasing, filtering and splitting run on many texts at a time,
    `PART_CHARS` characters at a time.

    Args:
        texts: list of texts (str, or list of str already tokenized).
        settings: `Settings`, the tokenizer's.

    Yields:
        `(tokens, lengths, one_shot)` for each part of consecutive texts:
        a list, an int array with one entry per text of the part, and the
        positions in the part of texts for which `analyzer` returned a
        one-shot iterator (Keras 2 counts their words, but consumes the
        iterator before counting the texts a word occurs in).
    """
    if (
        texts
        and not settings.char_level
        and settings.analyzer is None
        and set(map(type, texts)) == {str}
    ):
        joined = join(texts, settings.filters + settings.split)
        if joined is not None:
            joined, separator = joined
            for part in parts(joined, separator):
                yield split_joined(part, separator, settings)
            return
    sequences = [_split_text(text, settings) for text in texts]
    one_shot = []
    for position, sequence in enumerate(sequences):
        if not isinstance(sequence, (list, str)):
            if iter(sequence) is sequence:
                one_shot.append(position)
            sequences[position] = list(sequence)
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(texts))
    yield list(itertools.chain.from_iterable(sequences)), lengths, one_shot


def split_joined(joined, separator, settings):
    """`split_texts`'s output for a part: str texts joined by `separator`.

    Gives the tokens `_split_text` gives each text, in fewer C calls.
    """
    split, keras2_split = settings.split, settings.keras2_split
    if settings.lower:
        joined = joined.lower()
    if not keras2_split:
        # Every gap becomes a space, bar `separator`: `str.split()` then
        # splits on exactly the gaps and `token_counts` counts them.
        joined = unify_gaps(joined, settings.filters, split, separator)
        return joined.split(), token_counts(joined, separator), []
    joined = joined.translate(translation_table(settings.filters, split))
    whitespace = ASCII_WHITESPACE if joined.isascii() else WHITESPACE
    if split == " " and not any(
        c in joined for c in whitespace if c not in (" ", separator)
    ):
        # `str.split()` splits on spaces and separators and drops empty
        # words itself, as Keras 2 does after `split(" ")`.
        return joined.split(), token_counts(joined, separator), []
    sequences = [
        [word for word in text.split(split) if word] for text in joined.split(separator)
    ]
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    return list(itertools.chain.from_iterable(sequences)), lengths, []


def _split_text(text, settings):
    """The tokens of one text, as `text_to_word_sequence` makes them."""
    if settings.char_level or isinstance(text, list):
        if settings.lower:
            if isinstance(text, list):
                return [element.lower() for element in text]
            return text.lower()
        return text
    if settings.analyzer is not None:
        return settings.analyzer(text)
    return split_words(
        text, settings.filters, settings.lower, settings.split, settings.keras2_split
    )
