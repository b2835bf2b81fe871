"""How many words of new text a tokenizer cannot represent.

`oov_rate(tokenizer, texts)` measures the share of words a word-level
`Tokenizer` or a WordPiece tokenizer turns into an unknown token, and
`compare_oov_rates(...)` puts both side by side at the same vocabulary size.
Public through `keras_embeddings.text` and `keras_embeddings.text.subwords`.
"""

import dataclasses
import warnings

import numpy as np

from keras_embeddings._validation import boolean
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.text import _checks
from keras_embeddings.text._splitting import text_to_word_sequence
from keras_embeddings.text._word_piece import (
    train_word_piece_vocabulary,
    word_piece_tokenizer,
)
from keras_embeddings.text.tokenizer import Tokenizer

__all__ = ["OOVComparison", "compare_oov_rates", "oov_rate"]


def _word_level_counts(tokenizer, texts):
    """(unknown words, words) of `texts` under a fitted word-level Tokenizer."""
    if tokenizer.oov_token is None:
        raise InvalidInputError(
            "`tokenizer` must have an `oov_token` (e.g. "
            '`Tokenizer(num_words=N, oov_token="<unk>")`); without one, unknown '
            "words are dropped silently and cannot be counted. "
            f"Received: tokenizer.oov_token={tokenizer.oov_token!r}"
        )
    if tokenizer.oov_token not in tokenizer.word_index:
        raise InvalidInputError(
            "`tokenizer` has not been fitted: call "
            "`tokenizer.fit_on_texts(train_texts)` first."
        )
    oov_id = tokenizer.word_index[tokenizer.oov_token]
    sequences = tokenizer.texts_to_sequences(texts)
    return sum(s.count(oov_id) for s in sequences), sum(map(len, sequences))


def _word_piece_counts(tokenizer, texts):
    """(unknown words, words, pieces) of `texts` under a WordPiece tokenizer.

    Words are `text_to_word_sequence(text, lower=False)`, the units of a
    default word-level `Tokenizer` (the WordPiece tokenizer lowercases by
    itself if it was built to); a word is unknown if any of its pieces is the
    out-of-vocabulary token.
    """
    words = [w for text in texts for w in text_to_word_sequence(text, lower=False)]
    if not words:
        return 0, 0, 0
    oov_id = tokenizer.token_to_id(tokenizer.oov_token)
    pad_id = 0 if tokenizer.sequence_length is not None else None
    unknown = pieces = 0
    for ids in tokenizer(words):  # one list (or padded row) of ids per word
        ids = np.asarray(ids).tolist()
        if pad_id is not None:
            while ids and ids[-1] == pad_id:
                ids.pop()
        unknown += oov_id in ids
        pieces += len(ids)
    return unknown, len(words), pieces


def oov_rate(tokenizer, texts):
    """Share of the words of `texts` that `tokenizer` turns into unknown tokens.

    For a word-level `keras_embeddings.text.Tokenizer` (fitted, with an
    `oov_token`) a word is unknown if it maps to the `oov_token` id: it was
    not among the `num_words - 2` most frequent training words (ids 0 and 1
    are padding and `oov_token`). For a keras-hub `WordPieceTokenizer` (or
    `BertTokenizer`) a word is unknown if one of its pieces is the
    out-of-vocabulary token `[UNK]`, which happens only for words holding a
    character never seen in training. Words are the same units for both:
    `text_to_word_sequence(text)`, punctuation removed.

    Args:
        tokenizer: a fitted `keras_embeddings.text.Tokenizer` with an
            `oov_token`, or a `keras_hub.tokenizers.WordPieceTokenizer`.
        texts: list of str, held-out texts.

    Returns:
        A float in [0, 1], unknown words / words.

    Example:

    ```python
    >>> from keras_embeddings.text import Tokenizer, oov_rate
    >>> tokenizer = Tokenizer(num_words=4, oov_token="<unk>")
    >>> tokenizer.fit_on_texts(["the cat sat", "the cat ran"])  # keeps the, cat
    >>> round(oov_rate(tokenizer, ["the dog sat"]), 3)  # "dog", "sat": 2 of 3
    0.667
    ```
    """
    texts = _checks.texts("texts", texts)
    if isinstance(tokenizer, Tokenizer):
        unknown, words = _word_level_counts(tokenizer, texts)
    else:
        import keras_hub

        if not isinstance(tokenizer, keras_hub.tokenizers.WordPieceTokenizer):
            raise InvalidInputError(
                "`tokenizer` must be a fitted `keras_embeddings.text.Tokenizer` "
                "or a `keras_hub.tokenizers.WordPieceTokenizer` (see "
                f"`word_piece_tokenizer`). Received: tokenizer={tokenizer!r}"
            )
        unknown, words, _ = _word_piece_counts(tokenizer, texts)
    if not words:
        raise InvalidInputError(
            "`texts` hold no words once punctuation is removed. "
            f"Received: texts={_checks.short(texts)}"
        )
    return unknown / words


@dataclasses.dataclass(frozen=True)
class OOVComparison:
    """Unknown-word rates of a word-level and a WordPiece tokenizer.

    Built by `compare_oov_rates`; `str(comparison)` is a table.

    Attributes:
        vocabulary_size: int, the number of ids of each tokenizer (the
            WordPiece vocabulary's length, and the word-level `num_words`).
        num_test_words: int, the number of words of the held-out texts
            (formerly `num_words`, which still reads it, with a
            `DeprecationWarning`).
        word_level_oov_rate: float, share of held-out words that the
            word-level tokenizer maps to `<unk>`.
        word_piece_oov_rate: float, share that WordPiece maps to `[UNK]`.
        word_piece_tokens_per_word: float, WordPiece tokens per held-out word
            (the price of spelling rare words in pieces: longer sequences).
        word_tokenizer: the fitted `keras_embeddings.text.Tokenizer`.
        word_piece_tokenizer: the keras-hub `WordPieceTokenizer`.

    Example:

    ```python
    >>> from keras_embeddings.text import OOVComparison
    >>> comparison = OOVComparison(
    ...     vocabulary_size=1000,
    ...     num_test_words=500,
    ...     word_level_oov_rate=0.12,
    ...     word_piece_oov_rate=0.0,
    ...     word_piece_tokens_per_word=1.3,
    ...     word_tokenizer=None,
    ...     word_piece_tokenizer=None,
    ... )
    >>> print(comparison)
                    ids  unknown words  tokens/word
    word-level    1,000         12.00%         1.00
    WordPiece     1,000          0.00%         1.30
    (500 held-out words)
    ```
    """

    vocabulary_size: int
    num_test_words: int
    word_level_oov_rate: float
    word_piece_oov_rate: float
    word_piece_tokens_per_word: float
    word_tokenizer: object = dataclasses.field(repr=False, compare=False)
    word_piece_tokenizer: object = dataclasses.field(repr=False, compare=False)

    @property
    def num_words(self):
        """Deprecated: `num_test_words` (a `Tokenizer`'s `num_words` is its ids)."""
        warnings.warn(
            "`OOVComparison.num_words` is deprecated; use `num_test_words` instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.num_test_words

    def __str__(self):
        return (
            f"{'':<12} {'ids':>6} {'unknown words':>14} {'tokens/word':>12}\n"
            f"{'word-level':<12} {self.vocabulary_size:>6,} "
            f"{self.word_level_oov_rate:>14.2%} {1.0:>12.2f}\n"
            f"{'WordPiece':<12} {self.vocabulary_size:>6,} "
            f"{self.word_piece_oov_rate:>14.2%} "
            f"{self.word_piece_tokens_per_word:>12.2f}\n"
            f"({self.num_test_words:,} held-out words)"
        )


def compare_oov_rates(train_texts, test_texts, vocabulary_size, lowercase=True):
    """Unknown-word rates on held-out text: word-level vs WordPiece, same size.

    Trains a WordPiece vocabulary of at most `vocabulary_size` tokens on
    `train_texts`, fits `Tokenizer(num_words=len(vocabulary),
    oov_token="<unk>")` on the same texts so that both have exactly the same
    number of ids (embedding rows), and measures `oov_rate` of each on
    `test_texts`.

    Args:
        train_texts: list of str, the texts both tokenizers learn from.
        test_texts: list of str, held-out texts.
        vocabulary_size: int, the most ids (see
            `train_word_piece_vocabulary`).
        lowercase: bool, lowercase the texts (both tokenizers).

    Returns:
        An `OOVComparison`.

    Example:

    ```python
    >>> from keras_embeddings.text import compare_oov_rates
    >>> train_texts = ["the cat sat on the mat"] * 10
    >>> comparison = compare_oov_rates(
    ...     train_texts, ["the cats sat on a hat"], vocabulary_size=40
    ... )
    >>> print(comparison)  # "cats", "a", "hat" unknown to the word level
                    ids  unknown words  tokens/word
    word-level       28         50.00%         1.00
    WordPiece        28          0.00%         1.50
    (6 held-out words)
    ```
    """
    train_texts = _checks.texts("train_texts", train_texts)
    test_texts = _checks.texts("test_texts", test_texts)
    lowercase = boolean("lowercase", lowercase)
    vocabulary = train_word_piece_vocabulary(
        train_texts, vocabulary_size, lowercase=lowercase
    )
    pieces_tokenizer = word_piece_tokenizer(vocabulary, lowercase=lowercase)
    word_tokenizer = Tokenizer(
        num_words=len(vocabulary), lower=lowercase, oov_token="<unk>"
    )
    word_tokenizer.fit_on_texts(train_texts)
    word_unknown, num_test_words = _word_level_counts(word_tokenizer, test_texts)
    piece_unknown, _, pieces = _word_piece_counts(pieces_tokenizer, test_texts)
    if not num_test_words:
        raise InvalidInputError(
            "`test_texts` hold no words once punctuation is removed. "
            f"Received: test_texts={_checks.short(test_texts)}"
        )
    return OOVComparison(
        vocabulary_size=len(vocabulary),
        num_test_words=num_test_words,
        word_level_oov_rate=word_unknown / num_test_words,
        word_piece_oov_rate=piece_unknown / num_test_words,
        word_piece_tokens_per_word=pieces / num_test_words,
        word_tokenizer=word_tokenizer,
        word_piece_tokenizer=pieces_tokenizer,
    )
