"""
Title: One-hot encoding vs. an Embedding layer
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: One-hot encode the lecture's words, measure what one-hot costs on a real corpus, and show that an Embedding layer is the same matrix product done as a table lookup.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/03_one_hot_vs_embedding.ipynb
"""

"""
## Introduction

The lab's section "One-hot Encoding vs. Embeddings" asks us to one-hot
encode a categorical feature and observe its sparsity and dimensionality;
"Building an Embedding Layer" asks us to build a Keras `Embedding`, then
initialise and inspect its weights. The lecture adds that the embedding layer
"can be thought of as a lookup table where each word in our vocabulary is
associated with a dense vector".

This tutorial makes that sentence exact. A dense layer without bias applied
to one-hot vectors, `one_hot(ids) @ W`, picks rows of its weight matrix `W`;
`keras.layers.Embedding` picks the same rows by indexing, without building
the one-hot vectors. We will:

1. one-hot encode the lecture's words and measure the sparsity;
2. compute what one-hot inputs would cost on a real corpus;
3. build an `Embedding` layer and inspect its initial weights;
4. check numerically that `Embedding(ids) == one_hot(ids) @ W`;
5. train a tiny model and watch which rows of the table move;
6. rebuild the CBOW notebook's context vectors from one-hot vectors.

Everything runs in a few seconds on a CPU.
"""

"""
## Setup

Settings first: the lecture's corpus and embedding width, and the sizes of
a real corpus for the cost estimate.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from keras_embeddings import datasets
from keras_embeddings.text import (
    Tokenizer,
    context_windows,
    one_hot,
    one_hot_vs_embedding,
    pad_sequences,
    tokenize,
)

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
SEED = 0

CORPUS = list(datasets.LECTURE_CORPUS)  # the lecture's five sentences
EMBEDDING_DIM = 10  # the lecture's Embedding(total_words, 10)
EPOCHS = 30 if SMOKE else 100  # training the tiny next-word model
LEARNING_RATE = 1.0  # plain SGD, full batch

BIG_VOCABULARY_SIZE = 50_000  # a typical word-level vocabulary
BIG_CORPUS_TOKENS = 2_000_000  # a small book collection
BIG_EMBEDDING_DIM = 100  # word2vec's default vector size

CBOW_SENTENCE = "I am happy because I am learning"  # the CBOW notebook's corpus
CBOW_WINDOW_SIZE = 2

keras.utils.set_random_seed(SEED)
np.set_printoptions(precision=3, suppress=True, linewidth=100)

"""
## One-hot encoding a categorical feature

A word is a categorical feature: it takes one of a fixed set of values. The
`Tokenizer` numbers the lecture's 11 words from 1 (id 0 is kept for
padding), and `one_hot(ids, vocabulary_size)` turns each id into a vector of
`vocabulary_size` numbers: a 1 at the id, 0 everywhere else.
"""

# %%
tokenizer = Tokenizer()
tokenizer.fit_on_texts(CORPUS)
vocabulary = tokenizer.get_vocabulary()  # "" (padding) first, then by id
total_words = len(vocabulary)  # 12: 11 words + the padding id 0
sequences = tokenizer.texts_to_sequences(CORPUS)

first = sequences[0]
print(f"{CORPUS[0]!r} -> ids {first}")
encoded = one_hot(first, total_words)  # (4 words, 12 ids)
print(" " * 10, " ".join(f"{i:>2}" for i in range(total_words)))
for word_id, row in zip(first, encoded):
    print(f"{vocabulary[word_id]:>10}", " ".join(f"{int(v):>2}" for v in row))

"""
Each row is one word of the sentence and has a single 1, in the column of
the word's id ("learning" is id 1, "i" is 4). Column 0 stays empty: no word
has the padding id. `one_hot` gives the same arrays as Keras'
`keras.ops.one_hot` and `keras.utils.to_categorical`; where
`keras.ops.one_hot` silently returns a row of zeros for an id outside the
vocabulary, `one_hot` raises an error that names the id. (Keras 2 also
had `keras.preprocessing.text.one_hot(text, n)`, which despite its name
*hashed* words to integers; the `Tokenizer` is what replaces it.)

Now the whole corpus, every token at once:
"""

# %%
all_ids = np.concatenate(sequences)  # the 23 tokens of the five sentences
corpus_one_hot = one_hot(all_ids, total_words)
print("One-hot corpus shape:", corpus_one_hot.shape)
print(f"Values: {corpus_one_hot.size}, non-zeros: {np.count_nonzero(corpus_one_hot)}")
print(f"Sparsity: {np.mean(corpus_one_hot == 0):.2%} zeros (1 - 1/{total_words})")
print(f"Memory: {corpus_one_hot.nbytes:,} bytes as float32")
print(f"The same tokens as int32 ids: {all_ids.astype('int32').nbytes} bytes")

"""
23 tokens become a 23 x 12 matrix: 276 numbers, of which only 23 are ones.
The fraction of zeros is `1 - 1/12 = 91.67%` whatever the corpus, and each
token costs 12 floats instead of one integer: the one-hot matrix takes
1,104 bytes where the ids take 92. Both problems grow with the vocabulary:
the dimensionality is the vocabulary size, and the sparsity tends to 100%.
"""

"""
## What one-hot costs on a real corpus

`one_hot_vs_embedding` does the arithmetic without building anything: the
input memory, the sparsity, the size of the weight table, and the work of
`one_hot @ W` against an embedding lookup, for a corpus of a given size.
First for the lecture's corpus, to check it against the arrays above, then
for a real one.
"""

# %%
print(one_hot_vs_embedding(total_words, len(all_ids), embedding_dim=EMBEDDING_DIM))
print()
report = one_hot_vs_embedding(
    BIG_VOCABULARY_SIZE, BIG_CORPUS_TOKENS, embedding_dim=BIG_EMBEDDING_DIM
)
print(report)

"""
The first table agrees with what we measured (276 floats, 1.1 kB against
92 B, 91.67% zeros). For two million tokens over a 50,000-word vocabulary,
the one-hot input is 10^11 floats, 400 GB, of which 99.998% are zeros; the
ids take 8 MB. Both routes use the same table of 50,000 x 100 = 5 million
weights (20 MB): a `Dense(100, use_bias=False)` layer reading one-hot
vectors has exactly the weights of an `Embedding(50000, 100)`. What differs
is the work: the matrix product spends 50,000 x 100 multiply-adds per token
(10^13 in all), almost all of them multiplications by zero, while the lookup
copies 100 numbers per token. The one-hot input takes 50,000 times the
memory of the ids, and the product 50,000 times the work of the lookup, for
the same result.
"""

"""
## Building an Embedding layer

The lecture's layer is `Embedding(total_words, 10)`: one row of 10 weights
per id. (Keras 3 drops the lecture's `input_length` argument: the layer
works on any sequence length.) A layer creates its weights when it is
built, here by calling it on a batch of ids.
"""

# %%
embedding = keras.layers.Embedding(total_words, EMBEDDING_DIM)
padded = pad_sequences(sequences, padding="post")  # (5 sentences, 8 ids)
embedded = embedding(padded)  # builds the layer
W = keras.ops.convert_to_numpy(embedding.embeddings)  # (total_words, EMBEDDING_DIM)

initializer = embedding.embeddings_initializer
print("Initializer:", type(initializer).__name__, initializer.get_config())
print("Table shape:", W.shape, "=", embedding.count_params(), "weights")
print(f"min {W.min():.4f}, max {W.max():.4f}, mean {W.mean():.4f}, std {W.std():.4f}")
print("Row of 'learning' (id 1):", W[tokenizer.word_index["learning"]])
print("Input", padded.shape, "-> output", tuple(embedded.shape))

"""
The table has `12 x 10 = 120` weights, drawn uniformly between -0.05 and
0.05 (Keras' default `"uniform"` initializer), so their mean is close to 0
and their standard deviation close to `0.1 / sqrt(12) = 0.029`. Before
training these vectors mean nothing: "learning" is a row of small random
numbers. Every id of the `(5, 8)` input became a vector of 10 numbers, so
the output has shape `(5, 8, 10)`.
"""

"""
## The Embedding layer is `one_hot(ids) @ W`

Multiplying a one-hot row by `W` sums the rows of `W` weighted by the
one-hot entries: all entries are 0 except one, so the product *is* the row
of the word's id. The embedding layer's output must then equal the product
of the one-hot inputs with its table.
"""

# %%
as_matmul = one_hot(padded, total_words) @ W  # (5, 8, 12) @ (12, 10) -> (5, 8, 10)
embedded = keras.ops.convert_to_numpy(embedded)
print("Shapes:", embedded.shape, as_matmul.shape)
print("Largest difference:", np.abs(embedded - as_matmul).max())
print("Identical:", np.array_equal(embedded, as_matmul))
print(
    "Indexing W directly, W[ids], is identical too:",
    np.array_equal(embedded, W[padded]),
)

"""
The difference is exactly 0, not just small: each output number is one
weight plus zeros, which floating-point arithmetic computes exactly. So an
`Embedding` layer is a bias-free dense layer on one-hot inputs, implemented
as `W[ids]`: a lookup table.
"""

"""
## Training a network with an Embedding layer

The lab's next step trains a model with an embedding layer and watches the
weights adjust. The smallest such model predicts the next word from one
word: `Embedding(12, 10)` then `Dense(12)` scoring every word. Its examples
are the pairs of neighbouring words in the five sentences.

The gradient of `one_hot(ids) @ W` with respect to `W` is
`one_hot(ids).T @ upstream_gradient`: non-zero only in the rows of the ids
in the batch. So training can only move the rows of words the model reads.
We train with plain stochastic gradient descent on the whole batch, where
that is easiest to see.
"""

# %%
pairs = [(ids[i], ids[i + 1]) for ids in sequences for i in range(len(ids) - 1)]
x = np.array([[current] for current, _ in pairs])  # (18, 1): one word
y = np.array([following for _, following in pairs])  # (18,): the next word
print(
    f"{len(pairs)} (word, next word) pairs, e.g.",
    [(vocabulary[a], vocabulary[b]) for a, b in pairs[:3]],
)

model = keras.Sequential(
    [
        keras.Input((1,), dtype="int32"),
        keras.layers.Embedding(total_words, EMBEDDING_DIM),
        keras.layers.Flatten(),  # (batch, 1, 10) -> (batch, 10)
        keras.layers.Dense(total_words),  # logits over the vocabulary
    ]
)
initial_weights = model.get_weights()  # [table W, dense kernel, dense bias]
model.compile(
    optimizer=keras.optimizers.SGD(LEARNING_RATE),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(x, y, epochs=EPOCHS, batch_size=len(x), verbose=0)
before = initial_weights[0]
after = keras.ops.convert_to_numpy(model.layers[0].embeddings)

loss = history.history["loss"]
print(
    f"Loss {loss[0]:.3f} -> {loss[-1]:.3f}, accuracy "
    f"{history.history['accuracy'][-1]:.2f} after {EPOCHS} epochs"
)
inputs = set(x.ravel().tolist())
print(f"{'word':>12}  read as input  how far its row moved")
for word_id, word in enumerate(vocabulary):
    moved = np.linalg.norm(after[word_id] - before[word_id])
    seen = "yes" if word_id in inputs else "no"
    print(f"{word or '(padding)':>12}  {seen:>13}  {moved:.3f}")
moved_rows = set(np.flatnonzero(np.any(after != before, axis=1)).tolist())
print("The rows that moved are exactly the input words:", moved_rows == inputs)
for word in ["i", "machine", "deep", "ai"]:
    logits = model.predict(np.array([[tokenizer.word_index[word]]]), verbose=0)
    print(f"after {word!r:10} the model predicts {vocabulary[int(logits.argmax())]!r}")

"""
The loss falls from about 2.5 (`ln 12`, a uniform guess over 12 ids) as the
rows of the table and the dense layer adjust. Every word that occurs before
another word moved. Two rows did not move at all, to the last bit: the
padding id 0, which no example contains, and "fascinating", which only ever
ends a sentence, so the model never reads it. Their vectors are still the
random initial ones: a word's embedding learns only from the examples in
which it is an input.

The predictions follow the corpus: "i" is always followed by "love",
"machine" and "deep" by "learning", "ai" by "is". The accuracy of 0.89
(16 of 18) is the best possible: "love" is followed once by "machine" and
once by "deep", and "is" once by "a" and twice by "fascinating", so two
targets are always missed.

The same model with one-hot inputs and a `Dense(10, use_bias=False)` first
layer has weights of exactly the same shapes, so it can start from the same
initial weights. Trained the same way, it ends with the same table.
"""

# %%
twin = keras.Sequential(
    [
        keras.Input((1, total_words)),  # one-hot vectors instead of ids
        keras.layers.Dense(EMBEDDING_DIM, use_bias=False),  # the table W
        keras.layers.Flatten(),
        keras.layers.Dense(total_words),
    ]
)
twin.set_weights(initial_weights)
twin.compile(
    optimizer=keras.optimizers.SGD(LEARNING_RATE),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
twin.fit(one_hot(x, total_words), y, epochs=EPOCHS, batch_size=len(x), verbose=0)
twin_after = keras.ops.convert_to_numpy(twin.layers[0].kernel)
print(
    "Largest difference between the two trained tables:",
    f"{np.abs(after - twin_after).max():.1e}",
)

"""
The two tables agree to float32 rounding (about 1e-6: the matrix product
sums the gradients in another order than the lookup's scatter-add). An
`Embedding` layer is the dense layer on one-hot inputs, trained the same way,
without the one-hot input and its multiplications by zero: 12 times less
work here, 50,000 times less for a 50,000-word vocabulary.

One caveat if you repeat this with `Adam` on the TensorFlow backend: the two
tables then drift apart when an id occurs more than once in a batch. The
`Embedding` gradient arrives as `tf.IndexedSlices`, one slice per
occurrence, and Keras' Adam squares each slice before the repeated ids are
added up, while the one-hot model squares their sum. SGD's update is linear
in the gradient, so it is not affected.
"""

"""
## The CBOW notebook's context vectors

The CBOW notebook represents a center word by its one-hot vector and its
context by the **average** of the one-hot vectors of the context words
(`context_words_to_vector`). Its vocabulary is the sorted words of "I am
happy because I am learning" (`get_dict`), and its windows take two words
on each side of the center.
"""

# %%
tokens = tokenize(CBOW_SENTENCE)
word2Ind = {word: i for i, word in enumerate(sorted(set(tokens)))}
V = len(word2Ind)
print("word2Ind:", word2Ind)
print("word_to_one_hot_vector('happy'):", one_hot(word2Ind["happy"], V))
cbow_table = np.random.default_rng(SEED).uniform(-0.05, 0.05, size=(V, 3))
for context, center in context_windows(tokens, CBOW_WINDOW_SIZE):
    context_ids = [word2Ind[word] for word in context]
    context_vector = one_hot(context_ids, V).mean(axis=0)  # (V,)
    print(f"Context words: {context} -> {context_vector}")
    print(f"Center word: {center} -> {one_hot(word2Ind[center], V)}")
    same = np.allclose(context_vector @ cbow_table, cbow_table[context_ids].mean(0))
    print("  context_vector @ W == mean of the context rows of W:", same)

"""
These are the notebook's printed vectors: `[0.25 0.25 0. 0.5 0.]` for "i am
_ because i" ("i" appears twice, so it weighs 0.5), `[0.5 0. 0.25 0.25 0.]`
for "am happy _ i am". Multiplying such an average by a weight matrix gives
the average of the context words' rows (the loop checks it for a random
5 x 3 table): the CBOW model's first layer is an embedding lookup followed
by a mean, so a CBOW model never needs the one-hot context vectors either.
"""

"""
## Conclusion

One-hot vectors are the honest starting point for categorical data, and
their cost is easy to see: their length is the vocabulary size and all but
one of their numbers are zeros (91.67% for the lecture's 12 ids, 99.998% for
50,000 words; 400 GB for two million tokens). An `Embedding` layer keeps the
part that matters, the weight table `W`, and replaces `one_hot(ids) @ W` by
`W[ids]`:

```python
embedding = keras.layers.Embedding(vocabulary_size, embedding_dim)
np.array_equal(embedding(ids), one_hot(ids, vocabulary_size) @ embedding.embeddings)
```

The two are equal to the last bit, train to the same weights, and only the
rows of the ids a model reads ever receive a gradient. `Embedding(ids)` is a
lookup table, as the lecture says, and also a dense layer on one-hot inputs.
The next tutorials train that table: on next-word prediction (tutorial 04)
and on CBOW windows.
"""
