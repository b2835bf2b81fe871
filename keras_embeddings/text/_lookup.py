"""Words to indices and back, with Keras 2's out-of-vocabulary rules.

A word of index `i` gives `i` if `i < num_words` (or there is no
`num_words`), else `oov_token`'s index, or nothing without `oov_token`; an
unknown word gives `oov_token`'s index, or nothing. Indices go back to words
by the same rules. Lookups are `dict` methods mapped in C loops.
"""

import itertools

import numpy as np

from keras_embeddings.text import _splitting


def cut(indices, offsets, kept=None):
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


class WordEncoder:
    """Maps tokens to indices with Keras 2's out-of-vocabulary rules.

    With `num_words` the rules are folded into a copy of `word_index` once
    enough tokens were encoded to pay for the copy. Texts found in `fitted`
    (a `_cache.FittedTexts` or None) are encoded from their token ids.
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
        return cut(indices, offsets, kept)

    def encode_texts(self, texts, tokenize):
        """Yield the list of indices of each of `texts`, split by `tokenize`.

        Texts are read ahead in batches; a batch of the texts just fitted is
        not split again.
        """
        start = 0  # the position of `batch` in `texts`
        for batch in _splitting.batches(texts):
            with _splitting.gc_paused():
                sequences = self.from_fitted(batch, start)
                if sequences is None:  # not the texts just fitted
                    sequences = []
                    for tokens, lengths, _ in tokenize(batch):
                        sequences += self(tokens, lengths)
                        del tokens  # free the strings before the next part's
            start += len(batch)
            yield from sequences

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
        return cut(self.fitted_indices[ids], offsets, kept)

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


def texts_of(sequences, word_index, index_word, num_words, oov_token):
    """Yield the words of each sequence of indices, joined by spaces.

    Indices without a word, or at or past `num_words`, become `oov_token`
    if it has an index, and are dropped otherwise.
    """
    get = index_word.get
    oov_index = word_index.get(oov_token)
    if oov_token is not None and oov_index not in index_word:
        # An index edited by hand: keep Keras 2's word-by-word rules.
        yield from _texts_of_slow(
            sequences, index_word, num_words, oov_token, oov_index
        )
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
            words = [oov_word if word is None else word for word in map(get, sequence)]
        yield " ".join(words)


def _texts_of_slow(sequences, index_word, num_words, oov_token, oov_index):
    for sequence in sequences:
        words = []
        for index in sequence:
            word = index_word.get(index)
            if word is not None:
                if num_words and index >= num_words:
                    if oov_index is not None:
                        words.append(index_word[oov_index])
                else:
                    words.append(word)
            elif oov_token is not None:
                words.append(index_word[oov_index])
        yield " ".join(words)
