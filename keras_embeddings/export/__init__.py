"""Export trained embeddings: word -> vector dicts, word2vec files, gensim,
`.npz` and TensorBoard's projector.

Every model with word vectors has `get_embeddings()`, a matrix of shape
`(vocabulary_size, embedding_dim)` whose row `i` is the vector of word id
`i`, `get_vocabulary()` (the word of each id) and `padding_id`: 0 when row 0
is a padding row that belongs to no word (`NextTokenModel`, the word2vec
models, `TransformerLM`), None when every row is a word (GloVe, CBOW by
default, `NGramLanguageModel`). `to_word_vectors` pairs the rows with their
words, leaving out the padding row and only it; for a bare NumPy matrix pass
`padding_id` (0 by default, None to keep every row). The other functions move
that dict to and from the formats other tools read:

- `save_word2vec` / `load_word2vec`: the word2vec text and binary formats,
  byte for byte as gensim writes them;
- `to_keyed_vectors`: a gensim `KeyedVectors`, for gensim's query and
  evaluation tools (of a `models.FastText`, a `FastTextKeyedVectors` that
  answers for unseen words too);
- `save_npz` / `load_npz`: a NumPy `.npz` archive (no pickles);
- `write_projector`: the files TensorBoard's embedding projector reads;
- `to_keras_embedding` / `to_embedding_matrix`: the vectors laid out in a
  vocabulary's ids, as a `keras.layers.Embedding` for a downstream model
  (gensim 3's removed `get_keras_embedding`), or as a matrix.

`load_word2vec(path, no_header=True)` reads GloVe files.

Every writer takes the destination first and returns what it wrote:
`save_word2vec(path, word_vectors)`, `save_npz(path, word_vectors)`,
`write_projector(log_dir, embeddings, vocabulary)`.

Example:

```python
>>> import numpy as np
>>> from keras_embeddings import export
>>> matrix = np.arange(8, dtype="float32").reshape(4, 2)
>>> word_vectors = export.to_word_vectors(matrix, ["<pad>", "king", "queen", "man"])
>>> list(word_vectors)
['king', 'queen', 'man']
>>> export.save_word2vec("vectors.txt", word_vectors)
'vectors.txt'
>>> export.load_word2vec("vectors.txt")["queen"]
array([4., 5.], dtype=float32)
```
"""

from keras_embeddings.export.formats import (
    load_npz,
    load_word2vec,
    save_npz,
    save_word2vec,
)
from keras_embeddings.export.keras_embedding import (
    to_embedding_matrix,
    to_keras_embedding,
)
from keras_embeddings.export.keyed_vectors import to_keyed_vectors
from keras_embeddings.export.projector import write_projector
from keras_embeddings.export.word_vectors import id_word_pairs, to_word_vectors

__all__ = [
    "to_word_vectors",
    "id_word_pairs",
    "save_word2vec",
    "load_word2vec",
    "to_keyed_vectors",
    "save_npz",
    "load_npz",
    "write_projector",
    "to_keras_embedding",
    "to_embedding_matrix",
]
