"""Corpora and `tf.data` input pipelines.

`load_builtin_corpus()` gives real English prose that ships with the install
(no download); `next_token_dataset(...)` turns id sequences into shuffled,
batched (context, next id) windows with integer targets;
`word2vec_dataset(...)` makes skip-gram or CBOW batches on the fly;
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
from keras_embeddings.datasets.csc321 import CSC321_URL, CSC321Data, load_csc321
from keras_embeddings.datasets.csc321_params import load_classic_params
from keras_embeddings.datasets.masking import (
    mask_inputs,
    masked_dataset,
    sample_input_mask,
)
from keras_embeddings.datasets.next_token import next_token_dataset, next_token_windows
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
    "LECTURE_CORPUS",
    "WORD2VEC_DEFAULTS",
    "builtin_corpus_path",
    "cooccurrence",
    "cooccurrence_pairs",
    "keep_probabilities",
    "load_builtin_corpus",
    "load_classic_params",
    "load_csc321",
    "mask_inputs",
    "masked_dataset",
    "negative_sampling_distribution",
    "next_token_dataset",
    "next_token_windows",
    "safe_load_pickle",
    "sample_input_mask",
    "word2vec_dataset",
]
