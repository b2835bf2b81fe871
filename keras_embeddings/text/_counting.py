"""The `Tokenizer`'s counting, done by NumPy on word numbers.

`fit_on_texts` numbers each distinct word in the order first seen (a `dict`
lookup in a C loop per token) and counts those numbers with `np.bincount`;
the texts each word occurs in are counted by sorting (text, word) pairs.
`sequences_to_matrix` counts (row, index) cells the same way.
"""

import collections
import itertools
import numbers

import numpy as np

from keras_embeddings.errors import InvalidInputError


def first_seen():
    """A dict that numbers its keys 0, 1, 2, ... in the order first looked up.

    A `defaultdict` whose factory is a C function: no Python call per key.
    """
    return collections.defaultdict(itertools.count().__next__)


def numbered(split_parts, vocabulary):
    """The tokens of `split_parts`, each replaced by its number in `vocabulary`.

    Args:
        split_parts: iterable of `(tokens, lengths, one_shot)`, as
            `_splitting.split_texts` yields them.
        vocabulary: a `first_seen()` dict, extended with new words.

    Returns:
        `(ids, lengths, one_shot)`: an int32 array of one number per token,
        the number of tokens of each text, and the positions of the texts
        read from one-shot iterators.
    """
    ids, lengths, one_shot, start = [], [], [], 0
    for tokens, part_lengths, part_one_shot in split_parts:
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


class WordCounts:
    """The words of one `fit_on_texts` call and their counts, batch by batch.

    Attributes:
        vocabulary: a `first_seen()` dict, word -> number.
        counts: int array, how often each numbered word occurs.
        documents: int array, in how many texts each numbered word occurs.
    """

    def __init__(self):
        self.vocabulary = first_seen()
        self.counts = np.zeros(0, dtype=np.int64)  # (len(vocabulary),)
        self.documents = np.zeros(0, dtype=np.int64)  # (len(vocabulary),)

    def numbered(self, split_parts):
        """`numbered(split_parts, self.vocabulary)`."""
        return numbered(split_parts, self.vocabulary)

    def add(self, ids, lengths, one_shot):
        """Count the words of a batch, given `numbered`'s output for it."""
        size = len(self.vocabulary)
        self.counts = grown(self.counts, size) + np.bincount(ids, minlength=size)
        self.documents = grown(self.documents, size) + document_counts(
            ids, lengths, one_shot, size
        )

    def words(self):
        """Every word counted, in first-seen order (the order of the arrays)."""
        return list(self.vocabulary)

    def merge_into(self, word_counts, word_docs, index_docs, oov_token):
        """Add the counts to a `Tokenizer`'s dicts and index its words anew.

        Args:
            word_counts: `OrderedDict` word -> count, updated.
            word_docs: dict word -> number of texts, updated.
            index_docs: dict index -> number of texts, updated.
            oov_token: str or None, index 1 if given.

        Returns:
            The new `(word_index, index_word)`.
        """
        words, counts, documents = self.words(), self.counts, self.documents
        first_fit = not word_counts and not word_docs
        add_counts(word_counts, words, counts.tolist())
        seen = documents > 0  # False only for words of one-shot iterators
        add_counts(
            word_docs,
            itertools.compress(words, seen.tolist()),
            documents[seen].tolist(),
        )
        if first_fit:
            # The totals are this call's counts: no need to read the dicts.
            word_index, index_word, indices = index_words(words, counts, oov_token)
            index_docs.update(zip(indices[seen].tolist(), documents[seen].tolist()))
        else:
            totals = np.fromiter(
                word_counts.values(), dtype=np.int64, count=len(word_counts)
            )
            word_index, index_word, _ = index_words(
                list(word_counts), totals, oov_token
            )
            index_docs.update(
                zip(map(word_index.__getitem__, word_docs), word_docs.values())
            )
        return word_index, index_word


def grown(values, size):
    """The 1-D array `values` padded with zeros to `size` entries."""
    return np.pad(values, (0, size - len(values)))


def document_counts(ids, lengths, one_shot, size):
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


def add_counts(total, keys, counts):
    """Add `counts` (aligned with `keys`) to the dict `total`; new keys go last."""
    pairs = zip(keys, counts)
    if not total:
        total.update(pairs)
        return
    get = total.get
    for key, count in pairs:
        total[key] = get(key, 0) + count


def index_words(words, counts, oov_token):
    """Number `words` from 1 by decreasing `counts`, `oov_token` first.

    Args:
        words: list of every distinct word, in first-seen order.
        counts: int array, the count of each of `words`.
        oov_token: str or None, given index 1 if not None.

    Returns:
        `(word_index, index_word, indices)`: the two dicts, and an int array
        of the index each of `words` got.
    """
    # A stable sort: words with equal counts keep their first-seen order,
    # as Keras 2's `list.sort(reverse=True)` does.
    order = np.argsort(-counts, kind="stable")
    sorted_words = [] if oov_token is None else [oov_token]
    sorted_words.extend(map(words.__getitem__, order.tolist()))
    # Index 0 is reserved for padding, never given to a word.
    word_index = dict(zip(sorted_words, range(1, len(sorted_words) + 1)))
    index_word = dict(zip(word_index.values(), word_index))
    first = len(sorted_words) - len(words) + 1  # 2 after `oov_token`'s 1
    indices = np.empty(len(words), dtype=np.int64)
    indices[order] = np.arange(first, first + len(words))
    return word_index, index_word, indices


def unique_counts(values):
    """The sorted distinct values of the int array `values`, and their counts.

    `np.unique` does the same, several times slower.
    """
    values = np.sort(values)
    first = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return values[starts], np.diff(starts, append=len(values))


def check_mode(mode, modes):
    """Raise `InvalidInputError` unless `mode` is one of `modes`."""
    if mode not in modes:
        raise InvalidInputError(
            f"`mode` must be one of {', '.join(map(repr, modes))}. "
            f"Received: mode={mode!r}"
        )


def matrix_width(num_words, word_index):
    """The columns of a `Tokenizer`'s matrices: `num_words`, or one per index."""
    if num_words:
        return num_words
    if word_index:
        return len(word_index) + 1
    raise InvalidInputError(
        "Specify a dimension (`num_words` argument), or fit on some text "
        f"data first. Received: num_words={num_words!r} and an empty "
        "`word_index`."
    )


def matrix(sequences, num_words, mode, index_docs, document_count):
    """`Tokenizer.sequences_to_matrix`'s array, `num_words` columns wide.

    Indices at or past `num_words` are ignored (but still count in a
    sequence's length for `"freq"`). `"tfidf"` is `(1 + log(count)) *
    log(1 + document_count / (1 + index_docs[index]))`.
    """
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
    cells, counts = unique_counts(rows[kept] * num_words + indices[kept])
    if mode == "binary":
        values = 1.0
    elif mode == "count":
        values = counts
    elif mode == "freq":
        values = counts / lengths[cells // num_words]
    else:
        # Weighting scheme 2 of https://en.wikipedia.org/wiki/Tf-idf.
        documents = np.fromiter(
            map(index_docs.get, range(num_words), itertools.repeat(0)),
            dtype=np.float64,
            count=num_words,
        )
        idf = np.log(1 + document_count / (1 + documents))
        values = (1 + np.log(counts)) * idf[cells % num_words]
    x.reshape(-1)[cells] = values
    return x
