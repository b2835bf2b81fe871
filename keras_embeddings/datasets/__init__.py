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
from keras_embeddings.datasets.next_token import next_token_dataset, next_token_windows

__all__ = [
    "LECTURE_CORPUS",
    "builtin_corpus_path",
    "load_builtin_corpus",
    "next_token_dataset",
    "next_token_windows",
]
