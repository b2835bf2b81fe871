"""The lecture's text pipeline on Keras 3.

Clean and tokenize (`tokenize`), index words (`Tokenizer`), build the
lecture's n-gram prefixes (`ngram_sequences`), pad them (`pad_sequences`),
slide CBOW windows (`context_windows`) and stream corpora (`read_corpus`;
`build_vocabulary` counts one in a streaming pass, memory bounded).
Taught in `tutorials/01_text_pipeline.py`.

Subwords: `train_word_piece_vocabulary`, `word_piece_tokenizer`, `oov_rate`
and `compare_oov_rates` (keras-hub's WordPiece, imported on first call);
fastText's character n-grams `char_ngrams`, their hash `ft_hash` and the
bucket rows of many words, `ngram_ids`.
"""

from keras_embeddings.text.char_ngrams import char_ngrams, ft_hash, ngram_ids
from keras_embeddings.text.cleaning import tokenize
from keras_embeddings.text.corpus import read_corpus
from keras_embeddings.text.encoding import (
    OneHotVsEmbedding,
    one_hot,
    one_hot_vs_embedding,
)
from keras_embeddings.text.sequences import context_windows, ngram_sequences
from keras_embeddings.text.skipgrams import make_sampling_table, skipgrams
from keras_embeddings.text.subwords import (
    OOVComparison,
    compare_oov_rates,
    oov_rate,
    train_word_piece_vocabulary,
    word_piece_tokenizer,
)
from keras_embeddings.text.tokenizer import (
    Tokenizer,
    text_to_word_sequence,
    tokenizer_from_json,
)
from keras_embeddings.text.vocabulary_pass import Vocabulary, build_vocabulary

__all__ = [
    "OOVComparison",
    "OneHotVsEmbedding",
    "Tokenizer",
    "Vocabulary",
    "build_vocabulary",
    "char_ngrams",
    "compare_oov_rates",
    "context_windows",
    "ft_hash",
    "make_sampling_table",
    "ngram_ids",
    "ngram_sequences",
    "one_hot",
    "one_hot_vs_embedding",
    "oov_rate",
    "pad_sequences",
    "read_corpus",
    "skipgrams",
    "text_to_word_sequence",
    "tokenize",
    "tokenizer_from_json",
    "train_word_piece_vocabulary",
    "word_piece_tokenizer",
]


def __getattr__(name):
    # `pad_sequences` is Keras' own, re-exported; imported on first use so the
    # pure-Python Tokenizer does not load TensorFlow.
    if name == "pad_sequences":
        from keras.utils import pad_sequences

        return pad_sequences
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
