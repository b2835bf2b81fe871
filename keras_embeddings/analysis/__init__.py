"""Query word vectors and language models: neighbours, analogies, benchmarks.

- `word_similarity`: `most_similar`, `similarity`, `word_distance`, `analogy`,
  `doesnt_match`, with gensim's contract (cosine similarity on
  unit-normalised vectors, the query words left out), on the dict word ->
  vector that `export.to_word_vectors` returns or a gensim `KeyedVectors`.
- `evaluation`: `evaluate` on WordSim-353, SimLex-999 and Google's analogies
  (the files in gensim's wheel, scored by gensim), `word_pair_scores` and
  `word_analogy_scores` on any file in those formats.
- `language_model`: the CSC321 lab's `predict_next_word` and
  `find_occurrences`.

They replace the CSC321 lab's `display_nearest_words` and `word_distance`
(whose Euclidean distance is `metric="euclidean"` here). Everything is
computed with NumPy on each call; nothing is cached, so a dict changed in
place gives fresh answers.

Example:

```python
>>> from keras_embeddings import analysis
>>> word_vectors = {
...     "king": [0.9, 0.8],
...     "queen": [0.9, -0.8],
...     "man": [0.1, 0.9],
...     "woman": [0.1, -0.9],
... }
>>> analysis.most_similar(word_vectors, ["king", "woman"], ["man"], topn=1)
[('queen', 0.946...)]
```
"""

from keras_embeddings.analysis.evaluation import (
    EVALUATION_DATASETS,
    evaluate,
    word_analogy_scores,
    word_pair_scores,
)
from keras_embeddings.analysis.language_model import find_occurrences, predict_next_word
from keras_embeddings.analysis.word_similarity import (
    analogy,
    doesnt_match,
    most_similar,
    similarity,
    word_distance,
)

# Reachable here before the split; it belongs to `export` (not in `__all__`).
from keras_embeddings.export import to_keyed_vectors  # noqa: F401

__all__ = [
    "EVALUATION_DATASETS",
    "analogy",
    "doesnt_match",
    "evaluate",
    "find_occurrences",
    "most_similar",
    "predict_next_word",
    "similarity",
    "word_analogy_scores",
    "word_distance",
    "word_pair_scores",
]
