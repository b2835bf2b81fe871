"""Corpora and `tf.data` input pipelines.

`load_builtin_corpus()` gives real English prose that ships with the install
(no download); `next_token_dataset(...)` turns id sequences into shuffled,
batched (context, next id) windows with integer targets.
"""

from keras_embeddings.datasets.builtin import (
    LECTURE_CORPUS,
    builtin_corpus_path,
    load_builtin_corpus,
)
from keras_embeddings.datasets.cooccurrence import cooccurrence, cooccurrence_pairs
from keras_embeddings.datasets.csc321 import (
    CSC321_URL,
    CSC321Data,
    load_classic_params,
    load_csc321,
    safe_load_pickle,
)
from keras_embeddings.datasets.next_token import next_token_dataset, next_token_windows
from keras_embeddings.datasets.word2vec import (
    keep_probabilities,
    negative_sampling_distribution,
    word2vec_dataset,
)

__all__ = [
    "CSC321_URL",
    "CSC321Data",
    "LECTURE_CORPUS",
    "builtin_corpus_path",
    "cooccurrence",
    "cooccurrence_pairs",
    "keep_probabilities",
    "load_builtin_corpus",
    "load_classic_params",
    "load_csc321",
    "negative_sampling_distribution",
    "next_token_dataset",
    "next_token_windows",
    "safe_load_pickle",
    "word2vec_dataset",
]
