"""fastText's character n-grams and their hash (Bojanowski et al., 2017).

"Enriching Word Vectors with Subword Information": a word is also the bag
of the character n-grams of `"<word>"` (`<` and `>` mark its start and
end), of `min_n` to `max_n` characters (3 to 6 by default), and each n-gram
has a vector of its own. To keep the table small the n-grams are not
stored: each is hashed into one of `bucket` rows (fastText's 32-bit FNV-1a
over the n-gram's UTF-8 bytes, every byte sign-extended as a C `char`), so
two n-grams may share a row. A word never seen in training still has
n-grams, hence a vector.

- `char_ngrams(word)`: the n-grams, counted in characters (not bytes), in
  the order of gensim's `compute_ngrams` (by length, then position);
- `ft_hash(ngram)`: the 32-bit hash, gensim's `ft_hash_bytes` of the UTF-8
  bytes (and Facebook's `Dictionary::hash`);
- `ngram_ids(words, min_n, max_n, bucket)`: the bucket rows of many words
  at once, as a padded array and counts; row for row the list gensim's
  `ft_ngram_hashes` gives (fastText's order: by position, then length).
  Vectorised over every character of every word (FNV-1a is a left fold, so
  each start's longer n-grams continue its shorter ones' hash): about
  0.25 s for 70,000 words, where gensim's loop takes 1 s.

The two orders hold the same n-grams, except with `min_n=1`, where
fastText (and `ngram_ids`) leaves out the one-character n-grams `"<"` and
`">"` that `char_ngrams` keeps, as gensim's `compute_ngrams` does.

Used by `models.FastText`. Taught in `tutorials/12_subword_embeddings.py`.
"""

import numpy as np

from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError

__all__ = ["char_ngrams", "ft_hash", "ngram_ids"]

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619
_MAX_BUCKET = 2**31 - 1  # rows are int32 ids


def _check_word(word, name="word"):
    if not isinstance(word, str):
        raise InvalidInputError(
            f"`{name}` must be a str. Received: {name}={word!r:.100} "
            f"of type {type(word).__name__}"
        )
    return word


def _check_range(min_n, max_n):
    min_n = positive_int("min_n", min_n)
    max_n = positive_int("max_n", max_n)
    if max_n < min_n:
        raise InvalidInputError(
            f"`max_n` must be at least `min_n`. Received: min_n={min_n}, max_n={max_n}"
        )
    return min_n, max_n


def char_ngrams(word, min_n=3, max_n=6):
    """The character n-grams of `"<word>"`, as gensim's `compute_ngrams`.

    Args:
        word: str, one word (any Unicode; lengths count characters).
        min_n: int, the shortest n-gram, in characters.
        max_n: int, the longest n-gram (at least `min_n`).

    Returns:
        A list of str: every n-gram of `min_n` characters in order of
        position, then every one of `min_n + 1`, ... up to `max_n` (or the
        length of `"<word>"`), repeats kept. Empty when `"<word>"` is
        shorter than `min_n`.

    Raises:
        InvalidInputError: `word` is not a str, or a bad `min_n`/`max_n`.

    Example:

    ```python
    >>> from keras_embeddings.text import char_ngrams
    >>> char_ngrams("where", 3, 4)
    ['<wh', 'whe', 'her', 'ere', 're>', '<whe', 'wher', 'here', 'ere>']
    >>> char_ngrams("café", 5, 6)  # characters, not UTF-8 bytes
    ['<café', 'café>', '<café>']
    ```
    """
    word = _check_word(word)
    min_n, max_n = _check_range(min_n, max_n)
    extended = f"<{word}>"
    return [
        extended[i : i + n]
        for n in range(min_n, min(len(extended), max_n) + 1)
        for i in range(len(extended) - n + 1)
    ]


def _utf8_bytes(code_points):
    """The UTF-8 bytes of each code point: `(count, 4)` int8 (as a C `char`,
    signed) and the number of bytes of each, 1 to 4."""
    cp = code_points.astype(np.int64)
    size = 1 + (cp >= 0x80) + (cp >= 0x800) + (cp >= 0x10000)
    lead = np.select(
        [size == 1, size == 2, size == 3],
        [cp, 0xC0 | (cp >> 6), 0xE0 | (cp >> 12)],
        0xF0 | (cp >> 18),
    )
    # Continuation bytes, 6 bits each, most significant first.
    tail = [0x80 | ((cp >> shift) & 0x3F) for shift in (12, 6, 0)]
    rows = np.zeros((len(cp), 4), dtype=np.int64)
    rows[:, 0] = lead
    for k in range(1, 4):
        # Byte k of a `size`-byte character is tail[k - size + 3].
        for width in range(k + 1, 5):
            here = size == width
            rows[here, k] = tail[k - width + 3][here]
    return rows.astype(np.uint8).view(np.int8), size


def _hash_ngrams(words, min_n, max_n):
    """fastText's n-gram hashes of each word, vectorised over every start.

    Returns `(hashes, counts)`: the uint32 hashes of all words' n-grams, word
    by word in fastText's order (Dictionary::computeSubwords: by start
    character, then length; no one-character `<` or `>`), and the count of
    each word. FNV-1a is a left fold over the bytes, so the hash of the
    n-gram of `n + 1` characters from a start continues the one of `n`.
    """
    extended = [f"<{word}>" for word in words]
    sizes = np.fromiter(map(len, extended), dtype=np.int64, count=len(extended))
    code_points = np.frombuffer(
        "".join(extended).encode("utf-32-le"), dtype=np.uint32
    )  # one per character, so indices are character positions
    chars, lengths = _utf8_bytes(code_points)
    signed = chars.astype(np.int32).astype(np.uint32)  # C `char` -> uint32
    word_of = np.repeat(np.arange(len(words)), sizes)  # (characters,)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    position = np.arange(len(code_points)) - first[word_of]  # in its word
    room = sizes[word_of] - position  # characters from each start to the end
    last = max(len(code_points) - 1, 0)
    hashes = np.full((len(code_points), max_n), _FNV_OFFSET, dtype=np.uint32)
    keep = np.zeros((len(code_points), max_n), dtype=bool)
    current = hashes[:, 0].copy()
    prime = np.uint32(_FNV_PRIME)
    for n in range(1, max_n + 1):
        valid = n <= room  # an n-gram of n characters starts here
        char = np.minimum(np.arange(len(code_points)) + n - 1, last)
        for k in range(4):
            active = valid & (k < lengths[char])
            step = (current ^ signed[char, k]) * prime  # wraps modulo 2**32
            current = np.where(active, step, current)
        hashes[:, n - 1] = current
        keep[:, n - 1] = valid & (n >= min_n)
        if n == 1:  # fastText drops the markers alone
            keep[:, 0] &= (position != 0) & (room != 1)
    counts = np.bincount(word_of, weights=keep.sum(1), minlength=len(words))
    return hashes[keep], counts.astype(np.int32)  # row-major: start, then n


def ft_hash(ngram):
    """fastText's hash of a str: 32-bit FNV-1a over its UTF-8 bytes.

    Each byte is sign-extended as a C `char` before the xor, as in
    Facebook's `Dictionary::hash` and gensim's `ft_hash_bytes`, so bytes
    above 127 (every non-ASCII character) hash as they do there.

    Args:
        ngram: str.

    Returns:
        An int in `[0, 2**32)`.

    Example:

    ```python
    >>> from keras_embeddings.text import ft_hash
    >>> ft_hash("<wh"), ft_hash("é>")
    (1048167652, 4247996781)
    ```
    """
    value = _FNV_OFFSET
    for byte in _check_word(ngram, "ngram").encode("utf-8"):
        signed = byte - 256 if byte > 127 else byte  # a C `char`
        value = ((value ^ (signed & 0xFFFFFFFF)) * _FNV_PRIME) & 0xFFFFFFFF
    return value


def ngram_ids(words, min_n=3, max_n=6, bucket=2_000_000):
    """The n-gram rows of each word: `ft_hash(ngram) % bucket`, padded.

    Row `i` lists, in fastText's order, the rows gensim's
    `ft_ngram_hashes(words[i], min_n, max_n, bucket)` gives (repeats kept:
    an n-gram that occurs twice counts twice in the word's mean).

    Args:
        words: list of str.
        min_n: int, the shortest n-gram, in characters.
        max_n: int, the longest n-gram (at least `min_n`).
        bucket: int, the number of n-gram rows (gensim's `bucket`), below
            2**31.

    Returns:
        `(ids, counts)`: `ids` an int32 array `(len(words), width)`,
        `width` the largest count (at least 1), entry `[i, j]` the row of
        word `i`'s `j`-th n-gram for `j < counts[i]` and 0 after;
        `counts` an int32 array `(len(words),)`.

    Raises:
        InvalidInputError: a word that is not a str, or bad sizes.

    Example:

    ```python
    >>> from keras_embeddings.text import ngram_ids
    >>> ids, counts = ngram_ids(["hi", "a"], 3, 4, bucket=1000)
    >>> ids  # "<hi", "hi>", "<hi>"; "<a>"
    array([[152, 882, 756],
           [600,   0,   0]], dtype=int32)
    >>> counts
    array([3, 1], dtype=int32)
    ```
    """
    min_n, max_n = _check_range(min_n, max_n)
    bucket = positive_int("bucket", bucket)
    if bucket > _MAX_BUCKET:
        raise InvalidInputError(
            f"`bucket` must be at most {_MAX_BUCKET} (rows are int32 ids). "
            f"Received: bucket={bucket}"
        )
    if isinstance(words, str):
        raise InvalidInputError(
            "`words` must be a list of str, not one str. "
            f"Received: words={words!r:.100}"
        )
    words = [_check_word(word, f"words[{i}]") for i, word in enumerate(words)]
    try:
        hashes, counts = _hash_ngrams(words, min_n, max_n)
    except UnicodeEncodeError as error:  # a lone surrogate has no UTF-8
        raise InvalidInputError(
            f"`words` must be valid Unicode text: {error}. Decode the text "
            "without `errors='surrogateescape'`."
        ) from None
    width = max(1, int(counts.max(initial=0)))
    ids = np.zeros((len(words), width), dtype=np.int32)
    rows = (hashes % np.uint32(bucket)).astype(np.int32)
    ids[np.arange(width) < counts[:, None]] = rows  # row-major: word by word
    return ids, counts
