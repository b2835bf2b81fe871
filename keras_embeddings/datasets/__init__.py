"""Corpora and `tf.data` input pipelines.

`load_builtin_corpus()` gives real English prose that ships with the install
(no download); `list_corpora()` / `load_corpus(name)` name every corpus
that ships (the project's `data/` folder, gensim's test data) and Project
Gutenberg books (`"gutenberg:ID"`); `load_gutenberg(...)` downloads, strips
and caches Gutenberg books; `next_token_dataset(...)` turns id sequences into shuffled,
batched (context, next id) windows with integer targets;
`word2vec_dataset(...)` makes skip-gram or CBOW batches on the fly
(`word2vec_file_dataset(...)`, `next_token_file_dataset(...)`: straight
from corpus files, memory bounded);
`cooccurrence(...)` counts word pairs for GloVe; `load_csc321(...)` and
`load_classic_params(...)` read the CSC321 assignment's files.

Example:

```python
>>> from keras_embeddings import datasets
>>> x, y = datasets.next_token_windows([[4, 2, 7]], sequence_length=2)
>>> x.tolist(), y.tolist()
([[4, 0], [4, 2]], [2, 7])
```
"""

from keras_embeddings.datasets.builtin import (
    LECTURE_CORPUS,
    builtin_corpus_path,
    load_builtin_corpus,
)
from keras_embeddings.datasets.cooccurrence import cooccurrence, cooccurrence_pairs
from keras_embeddings.datasets.corpora import (
    GUTENBERG_PREFIX,
    corpus_names,
    data_path,
    list_corpora,
    load_corpus,
)
from keras_embeddings.datasets.csc321 import CSC321_URL, CSC321Data, load_csc321
from keras_embeddings.datasets.csc321_params import load_classic_params
from keras_embeddings.datasets.gutenberg import (
    GUTENBERG_BOOKS,
    GUTENBERG_SETS,
    GUTENBERG_URL,
    gutenberg_ids,
    load_gutenberg,
    strip_gutenberg,
)
from keras_embeddings.datasets.masking import (
    mask_inputs,
    masked_dataset,
    sample_input_mask,
)
from keras_embeddings.datasets.next_token import next_token_dataset, next_token_windows
from keras_embeddings.datasets.streaming import word2vec_file_dataset
from keras_embeddings.datasets.streaming_next_token import next_token_file_dataset
from keras_embeddings.datasets.word2vec import (
    WORD2VEC_DEFAULTS,
    keep_probabilities,
    negative_sampling_distribution,
    word2vec_dataset,
)
from keras_embeddings.io_utils import safe_load_pickle  # kept importable here

__all__ = [
    "CSC321_URL",
    "CSC321Data",
    "GUTENBERG_BOOKS",
    "GUTENBERG_PREFIX",
    "GUTENBERG_SETS",
    "GUTENBERG_URL",
    "LECTURE_CORPUS",
    "WORD2VEC_DEFAULTS",
    "builtin_corpus_path",
    "cooccurrence",
    "cooccurrence_pairs",
    "corpus_names",
    "data_path",
    "gutenberg_ids",
    "keep_probabilities",
    "list_corpora",
    "load_builtin_corpus",
    "load_classic_params",
    "load_corpus",
    "load_csc321",
    "load_gutenberg",
    "mask_inputs",
    "masked_dataset",
    "negative_sampling_distribution",
    "next_token_dataset",
    "next_token_file_dataset",
    "next_token_windows",
    "safe_load_pickle",
    "sample_input_mask",
    "strip_gutenberg",
    "word2vec_dataset",
    "word2vec_file_dataset",
]
