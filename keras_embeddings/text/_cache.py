"""The `Tokenizer`'s cache of the texts it last fitted on.

`texts_to_sequences` is most often called on the very texts just fitted. A
str is immutable, so a text that *is* one of those objects splits into the
same tokens again while the tokenization settings stay the same: its word
indices can be read off the word numbers `fit_on_texts` already computed,
with NumPy, instead of splitting the text and looking its words up again.
"""

import operator

import numpy as np

# The most tokens and texts `fit_on_texts` keeps for `texts_to_sequences`:
# at most 16 MB of ids, offsets and references.
FITTED_LIMIT = 2_000_000


class FittedTexts:
    """The tokens of the texts of one `fit_on_texts` call.

    Only plain str texts are kept, and only without `analyzer` (a function
    may not give the same words twice).

    Attributes:
        settings: the `_splitting.Settings` the texts were split with.
        texts: list of the text objects, in order.
        words: list of the call's distinct words, in first-seen order.
        ids: int32 array, the position in `words` of every token.
        offsets: int array, where each text's tokens start in `ids`, and
            the number of tokens last.
    """

    def __init__(self, settings):
        self.settings = settings
        self.texts = []
        self.batch_ids = []
        self.batch_lengths = []
        self.size = 0

    def add(self, batch, ids, lengths):
        """Keep a batch's tokens; False if they cannot all be kept."""
        self.size += len(ids) + len(batch)
        if self.size > FITTED_LIMIT or set(map(type, batch)) - {str}:
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
