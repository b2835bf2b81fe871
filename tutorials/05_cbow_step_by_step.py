"""
Title: CBOW step by step: the notebook's network as a Keras model
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: The CBOW practice notebook cell by cell through keras_embeddings, every printed number reproduced by a Keras model, then CBOW trained with model.fit on a news corpus.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/05_cbow_step_by_step.ipynb
"""

"""
## Introduction

The ungraded notebook "Word Embeddings: Ungraded Practice Notebook" builds
the continuous bag-of-words (CBOW) model by hand in NumPy: it cleans and
tokenizes a corpus, slides a window over it, turns the context words into
the average of their one-hot vectors, runs one forward pass
(`h = ReLU(W1 x + b1)`, `ŷ = softmax(W2 h + b2)`), computes the
cross-entropy loss, backpropagates with its formulas (7)–(10), takes one
step of gradient descent (11)–(14), and reads word embeddings out of `W1`
and `W2`.

This tutorial runs the same cells through `keras_embeddings`:
`text.tokenize`, `text.context_windows`, `text.one_hot`, and the model
`models.CBOW`, an `Embedding` table, a `layers.ContextAverage`, a bias, a
ReLU and a `Dense` layer whose one `fit` step is the notebook's gradient
descent. We load the notebook's weights into the model and print its
numbers again. One surprise on the way: the notebook's formulas (7) and (9)
are not the derivative of the loss, and we will see which update
`model.fit` takes and why.

At the end we train the model for a few epochs on 300 news articles and
look at the nearest neighbours of a few words. Part 1 takes seconds; part 2
about a minute on a CPU.
"""

"""
## Setup

Part 1 computes in float64, as NumPy does, so that the model prints the
notebook's numbers to the last digit; part 2 goes back to float32. On the
JAX backend we first turn on JAX's 64-bit mode, since without it JAX
computes float64 arrays in float32 (and `CBOW` refuses float64 with a clear
error).
"""

# %%
import collections
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from keras_embeddings import analysis, datasets, gradcheck
from keras_embeddings.errors import GradientCheckError
from keras_embeddings.models import CBOW
from keras_embeddings.text import context_windows, one_hot, tokenize

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
SEED = 0

# Part 1: the notebook's corpus, sizes, weights (cell [55]) and learning rate.
CORPUS = "I am happy because I am learning"
YOUR_SENTENCE = "Now it's your turn: try with your own sentence!"
C = 2  # context half-size
N = 3  # embedding size = hidden layer size
ALPHA = 0.03  # the notebook's α, as its printed update shows
W1 = np.array(
    [
        [0.41687358, 0.08854191, -0.23495225, 0.28320538, 0.41800106],
        [0.32735501, 0.22795148, -0.23951958, 0.4117634, -0.23924344],
        [0.26637602, -0.23846886, -0.37770863, -0.11399446, 0.34008124],
    ]
)
W2 = np.array(
    [
        [-0.22182064, -0.43008631, 0.13310965],
        [0.08476603, 0.08123194, 0.1772054],
        [0.1871551, -0.06107263, -0.1790735],
        [0.07055222, -0.02015138, 0.36107434],
        [0.33480474, -0.39423389, -0.43959196],
    ]
)
b1 = np.array([[0.09688219], [0.29239497], [-0.27364426]])
b2 = np.array([[0.0352008], [-0.36393384], [-0.12775555], [-0.34802326], [-0.07017815]])

# Part 2: CBOW on the built-in news corpus.
NUM_DOCUMENTS = 20 if SMOKE else None  # None: all 300 articles
EMBEDDING_DIM = 50
WINDOW_SIZE = 2
LEARNING_RATE = 3e-3
BATCH_SIZE = 128
EPOCHS = 1 if SMOKE else 5
MIN_COUNT = 5  # neighbours are searched among words seen this often
QUERY_WORDS = ["government", "police", "two", "man"]

if keras.backend.backend() == "jax":
    import jax

    jax.config.update("jax_enable_x64", True)  # float64 stays float64
keras.utils.set_random_seed(SEED)
keras.config.set_floatx("float64")
keras.config.set_dtype_policy("float64")

"""
## 2.1 Cleaning and tokenization

`tokenize` is the notebook's cleaning: the interrupting punctuation
`, ! ? ; -` becomes a period, the text is split into words, numbers and
other punctuation are dropped, words are lowercased, emoji stay.
"""

# %%
print(tokenize('Who ❤️ "word embeddings" in 2020? I do!!!'))
words = tokenize(CORPUS)
print(f"Corpus: {CORPUS}")
print(f"Words (tokens): {words}")
print(tokenize(YOUR_SENTENCE))

"""
## 2.2 Sliding window of words

`context_windows(tokens, C)` is the notebook's `get_windows`: the `C`
words on each side of every center word that has a full context.
"""

# %%
for context_words, center_word in context_windows(words, C):
    print(context_words, center_word)
print()
for x, y in context_windows(tokenize(YOUR_SENTENCE), 1):
    print(f"{x}\t{y}")

"""
## 2.3 Mapping words to indices, one-hot and context vectors

The notebook's `get_dict` numbers the words in alphabetical order from 0;
every id is a word, there is no padding id. `one_hot` is its
`word_to_one_hot_vector`, and the context vector is the mean of the context
words' one-hot vectors.
"""

# %%
word2Ind = {word: i for i, word in enumerate(sorted(set(words)))}
Ind2word = {i: word for word, i in word2Ind.items()}
V = len(word2Ind)
print("word2Ind:", word2Ind)
print("Ind2word:", Ind2word)
print("Size of vocabulary:", V)
print("happy:", one_hot(word2Ind["happy"], V))
print("learning:", one_hot(word2Ind["learning"], V))
print()
context_ids, center_ids = [], []
for context_words, center_word in context_windows(words, C):
    ids = [word2Ind[word] for word in context_words]
    context_ids.append(ids)
    center_ids.append(word2Ind[center_word])
    print(f"Context words: {context_words} -> {one_hot(ids, V).mean(axis=0)}")
    print(f"Center word: {center_word} -> {one_hot(word2Ind[center_word], V)}")
context_ids, center_ids = np.array(context_ids), np.array(center_ids)
print("Model inputs (context ids):", context_ids.tolist())
print("Targets (center ids):", center_ids.tolist())

"""
These are the notebook's training examples, `[0.25 0.25 0. 0.5 0.]` for
"i am _ because i" ("i" counts twice). The model does not need the one-hot
vectors: it reads the context ids, looks up their vectors, and averages
them. The average of `W1`'s columns of the context words is exactly `W1 x̄`.
"""

"""
## 3.1 Activation functions

The notebook's ReLU example (cell [43]; its `z` is `10 * rand(5, 1) - 5`
drawn with seed 42) and its softmax example, with the two functions that
`CBOW` uses: `keras.ops.relu` in the hidden layer and, inside the loss,
`softmax`.
"""

# %%
z = 10 * np.random.RandomState(42).rand(5, 1) - 5
print("z:", z.ravel())
print("relu(z):", keras.ops.convert_to_numpy(keras.ops.relu(z)).ravel())
z = np.array([9, 8, 11, 10, 8.5])
e_z = np.exp(z)
print("e_z:", e_z)
print("sum_e_z:", np.sum(e_z))
softmax = keras.ops.convert_to_numpy(keras.ops.softmax(z))
print("softmax(z)[0]:", softmax[0])
print("softmax(z):", softmax)

"""
`0.08276947985173956` and `[0.08276948 0.03044919 0.61158833 0.22499077
0.05020223]`, the notebook's values.
"""

"""
## 3.3 Forward propagation with the notebook's weights

`CBOW(V, N, C)` holds the notebook's four arrays in Keras' layout: the
`Embedding` table is `W1ᵀ` (row `i` is column `i` of `W1`), the hidden bias
is `b1`, the `Dense` kernel is `W2ᵀ` and its bias `b2`.
`set_notebook_weights` and `get_notebook_weights` translate.
`forward_pass` returns the formulas' (1)–(4) values, one row per example
(the notebook's column vectors, transposed).
"""

# %%
model = CBOW(V, N, C)
model.set_notebook_weights(W1, W2, b1, b2)
model.compile()  # SGD(0.03): the notebook's plain gradient descent
for name, w in zip(("W1", "W2", "b1", "b2"), model.get_notebook_weights()):
    print(f"size of {name}: {w.shape}")
print("embedding table (W1ᵀ):", model.embedding.embeddings.shape)
print("Dense kernel (W2ᵀ):", model.logits.kernel.shape)

first = context_ids[:1]  # "i am because i" -> "happy"
forward = model.forward_pass(first)
for name in ("z1", "h", "z2", "y_hat"):
    print(f"{name} =\n{forward[name].T}")
print("Predicted word:", Ind2word[int(np.argmax(forward["y_hat"]))])

"""
The third entry of `z1` is negative, so ReLU zeroes it in `h`; `ŷ` ends
with `0.20891502` as in the notebook, and its largest entry is the third,
"happy", the right answer by luck with random weights.
"""

"""
## 3.4 Cross-entropy loss

`J = -Σ y_k log ŷ_k` (6). The model's loss is
`SparseCategoricalCrossentropy(from_logits=True)`: the same value from the
logits and the center id, without a one-hot target.
"""

# %%
y = one_hot(center_ids[:1], V, dtype="float64").T  # (V, 1)
y_hat = forward["y_hat"].T  # (V, 1)
print("-sum(y * log(y_hat)):", np.sum(-np.log(y_hat) * y))
loss = model.evaluate(first, center_ids[:1], verbose=0, return_dict=True)["loss"]
print("model.evaluate:     ", loss)

"""
Both print `1.4650152923611108`; the notebook prints `1.4650152923611106`.
They differ by one unit in the last place (2.2e-16), a rounding
difference: the notebook computes `np.exp(z) / np.sum(np.exp(z))` and its
log, Keras works with the logits minus their log-sum-exp. The tests check
the loss to 1e-14.
"""

"""
## 3.5 Backpropagation: the notebook's formulas and the chain rule

The notebook's formulas, computed in NumPy from the model's forward pass:
"""

# %%
x = one_hot(first, V, dtype="float64").mean(axis=1).T  # (V, 1): x̄
h = forward["h"].T
z1 = forward["z1"].T
grad_b2 = y_hat - y  # (10)
grad_W2 = (y_hat - y) @ h.T  # (8)
grad_b1 = np.maximum(W2.T @ (y_hat - y), 0)  # (9): ReLU(W2ᵀ(ŷ - y))
grad_W1 = grad_b1 @ x.T  # (7)
print("grad_b2 =\n", grad_b2)
print("grad_W2 =\n", grad_W2)
print("grad_b1 =\n", grad_b1)
print("grad_W1 =\n", grad_W1)

"""
These are the notebook's printed gradients. Now the chain rule. The error
reaching the hidden units is `W2ᵀ(ŷ - y)`; to go back through
`h = ReLU(z1)` it is multiplied by ReLU's derivative `1[z1 > 0]`, not
passed through ReLU:
"""

# %%
error = W2.T @ (y_hat - y)
print("W2ᵀ(ŷ - y) =", error.ravel())
print("z1 > 0     =", (z1 > 0).ravel())
print("notebook (9), ReLU(W2ᵀ(ŷ - y))  =", grad_b1.ravel())
print("chain rule, W2ᵀ(ŷ - y) * 1[z1 > 0] =", (error * (z1 > 0)).ravel())

"""
They disagree on every entry: the first two hidden units are active, so
their error (negative) passes unchanged, and the third is switched off
(`z1 < 0`), so nothing reaches `b1[2]` or `W1`'s third row; the notebook's
formula does the opposite. `gradcheck.check_gradients` compares each way
with finite differences of the loss. `CBOW(backprop="notebook")` trains with
the notebook's (7) and (9) (a ReLU whose backward pass is `ReLU(upstream)`)
so that its printed update can be reproduced.
"""

# %%
notebook_model = CBOW(V, N, C, backprop="notebook")
notebook_model.set_notebook_weights(W1, W2, b1, b2)
notebook_model.compile()
for result in gradcheck.check_gradients(model, first, center_ids[:1]):
    print(result)
try:
    gradcheck.check_gradients(notebook_model, first, center_ids[:1])
except GradientCheckError as failure:
    print("backprop='notebook':")
    for result in failure.report:
        print(result)

"""
The default model (`backprop="chain_rule"`, plain autodiff) passes on
every weight; the notebook's rule fails on `W1` (the embedding table) and
`b1` (the hidden bias). Its `W2` and `b2` gradients, (8) and (10), are
right.
"""

"""
## 3.6 Gradient descent: one step of `model.fit`

One `train_on_batch` with `SGD(0.03)` is formulas (11)–(14). With the
notebook's rule it gives the notebook's printed `W1_new`, `W2_new`,
`b1_new` and `b2_new` exactly:
"""

# %%
notebook_model.train_on_batch(first, center_ids[:1])
W1_new, W2_new, b1_new, b2_new = notebook_model.get_notebook_weights()
print("old value of W1:\n", W1)
print("new value of W1:\n", W1_new)
print("W2_new\n", W2_new)
print("b1_new\n", b1_new)
print("b2_new\n", b2_new)
expected = [W1 - ALPHA * grad_W1, W2 - ALPHA * grad_W2, b1 - ALPHA * grad_b1]
expected.append(b2 - ALPHA * grad_b2)
got = [W1_new, W2_new, b1_new, b2_new]
print(
    "max |model - formulas (11)-(14)|:",
    max(np.abs(g - e).max() for g, e in zip(got, expected)),
)

"""
Only the last row of `W1` moves, as the notebook remarks. The model that
follows the chain rule takes the same step on `W2` and `b2`, and a
different one on `W1` and `b1`: the rows of the active hidden units move,
and the row of the switched-off unit does not.
"""

# %%
model.train_on_batch(first, center_ids[:1])
W1_chain, W2_chain, b1_chain, b2_chain = model.get_notebook_weights()
print("W1 after the chain-rule step:\n", W1_chain)
print("b1 after the chain-rule step:\n", b1_chain)
print(
    "same W2, b2 as the notebook:",
    np.allclose(W2_chain, W2_new),
    np.allclose(b2_chain, b2_new),
)

"""
On a batch of `m` examples Keras averages the loss, so each gradient is the
mean over the batch: the `1/m` of the lecture's batch formulas. The tests
(`tests/test_cbow.py`) check one step on the notebook's three examples and
on a random batch of 16 against (7)–(14) in NumPy, both rules, to 1e-12.
"""

"""
## 3.7 Extracting word embedding vectors

Three choices, each a `(V, N)` matrix with one row per word, in `word2Ind`
order: `W1`'s columns (`"input"`, the embedding table), `W2`'s rows
(`"output"`), or their average (`"average"`, the rows of the notebook's
`W3 = (W1 + W2ᵀ) / 2`). The notebook prints them for the initial weights.
"""

# %%
initial = CBOW(V, N, C)
initial.set_notebook_weights(W1, W2, b1, b2)
for source in ("input", "output", "average"):
    embeddings = initial.get_embeddings(source)
    print(f"source={source!r}, shape {embeddings.shape}")
    for i in range(V):
        print(f"  {Ind2word[i]}: {embeddings[i]}")

"""
Options 1 and 3 are the notebook's printed vectors (`am: [0.41687358
0.32735501 0.26637602]` and `am: [0.09752647 -0.05136565 0.19974284]`).
"""

"""
## Part 2: CBOW on a real text

The same model, trained with `model.fit` on the news corpus that ships with
the install: each article tokenized as in the notebook, the vocabulary
numbered alphabetically, a window of `C = 2` slid over each article. With
thousands of words plain gradient descent at `α = 0.03` would need many
epochs, so we compile with Adam; everything else is the notebook's model.
"""

# %%
keras.config.set_floatx("float32")
keras.config.set_dtype_policy("float32")
documents = datasets.load_builtin_corpus()[:NUM_DOCUMENTS]
tokens = [tokenize(document) for document in documents]
counts = collections.Counter(word for document in tokens for word in document)
vocabulary = sorted(counts)
word_index = {word: i for i, word in enumerate(vocabulary)}
pairs = [pair for document in tokens for pair in context_windows(document, WINDOW_SIZE)]
X = np.array([[word_index[word] for word in context] for context, _ in pairs], "int32")
Y = np.array([word_index[center] for _, center in pairs], "int32")
print(
    f"{len(documents)} articles, {sum(counts.values()):,} tokens, {len(vocabulary):,} words"
)
print(f"X: {X.shape}, Y: {Y.shape}")

cbow = CBOW(len(vocabulary), EMBEDDING_DIM, WINDOW_SIZE)
cbow.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
history = cbow.fit(X, Y, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=2)

"""
A uniform guess over the 6,885 words of the full corpus scores
`log V ≈ 8.8`. The first epoch's mean loss is already about 6.8 (frequent
words such as "the" and "." are easy to guess) and it keeps falling, to
about 5.5 after five epochs. Now the nearest neighbours by cosine
similarity, with the averaged embeddings (option 3) of the words seen at
least `MIN_COUNT` times.
"""

# %%
embeddings = cbow.get_embeddings("average")
word_vectors = {
    w: embeddings[i] for w, i in word_index.items() if counts[w] >= MIN_COUNT
}
for word in QUERY_WORDS:
    if word in word_vectors:
        neighbours = analysis.most_similar(word_vectors, word, topn=6)
        print(f"{word}: " + ", ".join(f"{w} ({s:.2f})" for w, s in neighbours))

"""
After five epochs on 60,000 words (the full run) some neighbours make
sense: "two" sits next to "three", "seven", "days", "years" and "months",
"government" next to "federal", "administration" and "interim", "man" next
to "boy" and "arrested". Others are topical rather than similar ("police"
next to "gunmen" and "wounded") or noise: a full softmax over every word is
slow to train, and the corpus is small. The smoke run (20 articles, one
epoch) prints noise. Tutorial 06 trains skip-gram with negative sampling,
the word2vec recipe built for large corpora.
"""

"""
## Conclusion

`models.CBOW` is the notebook's network: `Embedding(V, N)` holds `W1ᵀ`,
`layers.ContextAverage` turns the context ids into `W1 x̄`, a bias and ReLU
give `h`, `Dense(V)` holds `W2ᵀ` and `b2`, and the loss applies softmax and
cross-entropy to the logits. Loaded with the notebook's weights it prints
the notebook's forward pass and loss, and one `fit` step is the notebook's
gradient descent (11)–(14) with the mean gradient over the batch.

The notebook's backpropagation formulas (7) and (9) apply ReLU to the
backpropagated error instead of multiplying it by ReLU's derivative
`1[z1 > 0]`. `CBOW` trains with the chain rule, which finite differences
confirm; `CBOW(backprop="notebook")` reproduces the notebook's printed
update for comparison only. `get_embeddings("input" | "output" |
"average")` gives the three choices of §3.7.
"""
