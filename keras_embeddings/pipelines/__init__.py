"""The main jobs as library functions: corpus in, trained model and files out.

`keras-embeddings train` runs these; a notebook or script gets the same
whole job in one call, with its outputs returned:

- `train_next_token(...)`: the main job, an Embedding + LSTM next-word
  model (`--model next-token`);
- `train_word2vec(...)`: word2vec, skip-gram or CBOW with negative
  sampling, gensim's recipe and defaults (`--model skipgram|cbow`).

Each checks its arguments and reads the corpus before training, writes
`model.keras`, `vectors.txt`, `history.json`, `plots/` and `tensorboard/`
into `out` (every file written whole or not at all) and returns a
`TrainingResult` holding the model, the history, the word vectors, the
paths written and the neighbours it printed:
`result = pipelines.train_next_token(corpus="books/*.txt", out="runs/books")`,
then `result.model`, `result.word_vectors["king"]`, `result.paths`.
"""

from keras_embeddings.pipelines._common import TrainingResult
from keras_embeddings.pipelines.next_token import train_next_token
from keras_embeddings.pipelines.word2vec import train_word2vec

__all__ = ["TrainingResult", "train_next_token", "train_word2vec"]
