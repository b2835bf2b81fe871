"""Subword (WordPiece) vocabularies, and how few words they lose.

A word-level `Tokenizer(num_words=N, oov_token="<unk>")` keeps the `N - 2`
most frequent training words; every other word of new text becomes the one
`<unk>` id and its meaning is lost. WordPiece (Schuster & Nakajima 2012; Wu
et al. 2016, the tokenizer of BERT) spends the same `N` ids on frequent
words *and* on word pieces down to single characters, so an unseen word is
split into known pieces instead: `"unbelievably"` becomes
`["un", "##believ", "##ably"]`, where `##` marks a piece that continues a
word.

`train_word_piece_vocabulary(texts, vocabulary_size)` learns the pieces
(keras-hub's `compute_word_piece_vocabulary`), `word_piece_tokenizer(
vocabulary)` builds the keras-hub `WordPieceTokenizer` that uses them,
`oov_rate(tokenizer, texts)` measures the share of words either kind of
tokenizer cannot represent, and `compare_oov_rates(...)` puts both side by
side at the same vocabulary size.

TensorFlow, keras-hub and tensorflow-text (a keras-hub dependency) are
imported on first use, so `keras_embeddings.text` still imports without
them.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

from keras_embeddings.text._oov import OOVComparison, compare_oov_rates, oov_rate
from keras_embeddings.text._word_piece import (
    RESERVED_TOKENS,
    SUFFIX_INDICATOR,
    train_word_piece_vocabulary,
    word_piece_tokenizer,
)

__all__ = [
    "OOVComparison",
    "RESERVED_TOKENS",
    "SUFFIX_INDICATOR",
    "compare_oov_rates",
    "oov_rate",
    "train_word_piece_vocabulary",
    "word_piece_tokenizer",
]
