"""
Title: The lecture's text pipeline: Tokenizer, n-grams, padding and targets
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: Turn the lecture's five sentences into padded next-token training data, one printed step at a time.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/01_text_pipeline.ipynb
"""

"""
## Introduction

The lab "Embedding Creation using Word2Vec" trains its word embeddings on a
five-sentence corpus. Before any model sees it, the text goes through five
steps:

1. a `Tokenizer` gives every word an integer id (`word_index`);
2. `texts_to_sequences` turns each sentence into a list of ids;
3. every prefix of every sentence becomes one training example: the last id
   is the word to predict, the ids before it are its context (n-grams);
4. `pad_sequences` makes all examples the same length;
5. the padded rows are split into contexts `X` and next-word targets `y`.

The lecture's code for these steps lost two lines (`fit_on_texts` and an
`append`) and uses one-hot targets that do not scale. This tutorial runs each
step with `keras_embeddings`, prints what it produces, and explains the two
choices this package makes differently: padding on the **right** and
**integer** targets. It ends with the other tokenizer of the course (the CBOW
notebook's `tokenize`) and its context windows.

Everything here runs in a few seconds on a CPU.
"""

"""
## Setup

Settings first: the lecture's corpus and the sizes used in the
memory estimate at the end of the targets section.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from keras_embeddings import datasets
from keras_embeddings.models import NextTokenModel
from keras_embeddings.text import (
    Tokenizer,
    context_windows,
    ngram_sequences,
    pad_sequences,
    text_to_word_sequence,
    tokenize,
)

CORPUS = list(datasets.LECTURE_CORPUS)  # the lecture's five sentences
BIG_VOCABULARY_SIZE = 50_000  # a typical word-level vocabulary
BIG_CORPUS_TOKENS = 2_000_000  # a small book collection
CBOW_SENTENCE = 'Who ❤️ "word embeddings" in 2020? I do!!!'
CBOW_WINDOW_SIZE = 2
SEED = 0

keras.utils.set_random_seed(SEED)
np.set_printoptions(linewidth=100)

"""
## Step 1: index the words

The lecture creates a `Tokenizer` and reads `tokenizer.word_index` right
away. But a new tokenizer has seen no text, so its index is empty and the
lecture's `total_words` comes out as 1. The missing line is
`tokenizer.fit_on_texts(corpus)`, which counts the words and numbers them.
"""

# %%
tokenizer = Tokenizer()
print("Before fit_on_texts: total_words =", len(tokenizer.word_index) + 1)

tokenizer.fit_on_texts(CORPUS)  # the line the lecture lost
total_words = len(tokenizer.word_index) + 1
print("After fit_on_texts:  total_words =", total_words)
print("word_index:", tokenizer.word_index)
print("word_counts:", dict(tokenizer.word_counts))

"""
`fit_on_texts` lowercases the text, strips punctuation and numbers the words
by decreasing count: `learning` occurs five times and gets id 1; `machine`
and `is` (three times each) get 2 and 3, in the order they were first seen;
the words seen once come last. Id 0 is never given to a word: it is kept
for padding, which is why `total_words` is `len(word_index) + 1` (12 ids for
11 words).
"""

"""
## Step 2: sentences to id sequences
"""

# %%
sequences = tokenizer.texts_to_sequences(CORPUS)
for sentence, ids in zip(CORPUS, sequences):
    print(f"{sentence!r:52} -> {ids}")

"""
Each sentence is now a list of ids, one per word. The same tokenizer would
map a word it never saw to nothing (it is dropped), unless it was built with
`oov_token="<unk>"`, which tutorial 04 does for the real corpus.
"""

"""
## Step 3: n-gram prefixes

The lecture's loop builds every prefix of at least two words of each
sentence, but forgets to keep them:

```python
input_sequences = []
for line in corpus:
    token_list = tokenizer.texts_to_sequences([line])[0]
    for i in range(1, len(token_list)):
        n_gram_sequence = token_list[: i + 1]
        input_sequences.append(n_gram_sequence)  # the missing line
```

`ngram_sequences` is that loop with the `append` restored.
"""

# %%
input_sequences = ngram_sequences(sequences)
print(f"{len(input_sequences)} n-gram prefixes:")
for ids in input_sequences[:6]:
    print(f"  {ids!s:18} {' '.join(tokenizer.index_word[i] for i in ids)}")
print("  ...")

"""
A sentence of `n` words gives `n - 1` prefixes: 3 + 3 + 7 + 2 + 3 = 18
examples. In each prefix the last id is the word to predict and the ids
before it are what the model reads: `[4, 5]` asks "after *i*, which word?"
(answer: *love*), `[4, 5, 2]` asks "after *i love*?" (answer: *machine*).
"""

"""
## Step 4: padding, on the left or on the right

A batch must be a rectangle, so the prefixes are padded with the id 0 to the
longest length. `pad_sequences` pads on the left by default
(`padding="pre"`, what the lecture asks for); `padding="post"` pads on the
right.
"""

# %%
max_sequence_len = max(len(ids) for ids in input_sequences)
padded_pre = pad_sequences(input_sequences, maxlen=max_sequence_len, padding="pre")
padded_post = pad_sequences(input_sequences, maxlen=max_sequence_len, padding="post")
print("max_sequence_len =", max_sequence_len)
print("padding='pre' (the lecture):")
print(padded_pre[:4])
print("padding='post':")
print(padded_post[:4])

"""
Both hold the same ids; only where the zeros go differs. With pre-padding
the target is always the last column, which is why the lecture can split
with `input_sequences[:, :-1]` and `input_sequences[:, -1]`.

This package pads on the **right**. The model's `Embedding(mask_zero=True)`
marks every 0 as padding, and the LSTM skips masked steps, carrying its state
through them unchanged. On a GPU, Keras runs the LSTM with NVIDIA's fast
cuDNN kernel only when the mask is right-padded (each row's real tokens
first); a left-padded mask makes it fall back to a generic kernel that is
several times slower. On a CPU the two give the same numbers, as the cell
below checks with an untrained model.

With right padding the last column is no longer the target, so the lecture's
slice does not work any more: the split has to happen **before** padding.
"""

# %%
print("Lecture's slice on right-padded rows, targets:", padded_post[:, -1])

contexts = [ids[:-1] for ids in input_sequences]
X = pad_sequences(contexts, maxlen=max_sequence_len - 1, padding="post")
y = np.array([ids[-1] for ids in input_sequences])
print("X (right-padded contexts), shape", X.shape)
print(X[:4])
print("y (next-word ids):", y)

X_pre, y_pre = padded_pre[:, :-1], padded_pre[:, -1]  # the lecture's split
print("The lecture's split of left-padded rows gives the same y:", (y_pre == y).all())

model = NextTokenModel(total_words, embedding_dim=8, hidden_dim=16)
difference = np.abs(model.predict(X_pre, verbose=0) - model.predict(X, verbose=0)).max()
print(f"Largest difference between left- and right-padded logits: {difference:.1e}")

"""
The lecture's slice on right-padded rows picks mostly zeros: 17 of the 18
"targets" would be the padding id. Splitting first, then padding the
contexts, gives the right `y`, the same as the lecture's split of the
left-padded rows. The untrained model's outputs for left- and right-padded
contexts agree to float precision: the padding side changes the speed on a
GPU, not the result.

`datasets.next_token_windows` does the whole of steps 3 to 5 in one call.
`sequence_length` caps the context (here it is long enough for every prefix);
tutorial 04 uses its streaming twin, `datasets.next_token_dataset`, on a real
corpus.
"""

# %%
X_windows, y_windows = datasets.next_token_windows(
    sequences, sequence_length=max_sequence_len - 1
)
print("next_token_windows gives the same X:", np.array_equal(X_windows, X))
print("next_token_windows gives the same y:", np.array_equal(y_windows, y))

"""
## Step 5: integer targets, not one-hot

The lecture turns `y` into one-hot rows with `to_categorical` and trains with
`categorical_crossentropy`. One-hot rows hold one float per vocabulary word
for every example; sparse cross-entropy reads the integer id directly and
computes the same loss.
"""

# %%
one_hot = keras.utils.to_categorical(y, num_classes=total_words)
print(f"Integer targets: {y.shape} -> {y.size} numbers")
print(f"One-hot targets: {one_hot.shape} -> {one_hot.size} floats")

logits = np.random.default_rng(SEED).normal(size=(len(y), total_words))
sparse = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
dense = keras.losses.categorical_crossentropy(one_hot, logits, from_logits=True)
sparse, dense = float(keras.ops.mean(sparse)), float(keras.ops.mean(dense))
print(f"Same loss: sparse {sparse:.6f}, one-hot {dense:.6f}")

floats = BIG_CORPUS_TOKENS * BIG_VOCABULARY_SIZE
print(
    f"\nFor {BIG_CORPUS_TOKENS:,} tokens and a {BIG_VOCABULARY_SIZE:,}-word vocabulary:\n"
    f"  one-hot targets: {floats:,} floats = {floats * 4 / 1e9:,.0f} GB as float32\n"
    f"  integer targets: {BIG_CORPUS_TOKENS:,} ints = "
    f"{BIG_CORPUS_TOKENS * 4 / 1e6:,.0f} MB as int32"
)

"""
Here one-hot costs 216 floats instead of 18 ids, which does not matter. On a
real corpus it does: two million tokens with a 50,000-word vocabulary need
10^11 floats, 400 GB, for the targets alone, while the integer ids take
8 MB. The two losses are equal, so nothing is lost by keeping `y` as
integers; `NextTokenModel.compile()` uses sparse cross-entropy by default.
"""

"""
## Another tokenizer: the CBOW notebook's `tokenize`

The CBOW notebook cleans text differently from the Keras `Tokenizer`: runs
of `, ! ? ; -` become one period (a sentence boundary the model can see),
tokens are split as `nltk.word_tokenize` does, and only words, periods and
emoji are kept. `tokenize` reproduces it without NLTK's downloads.
"""

# %%
print("tokenize:             ", tokenize(CBOW_SENTENCE))
print("text_to_word_sequence:", text_to_word_sequence(CBOW_SENTENCE))

"""
`tokenize` keeps the emoji, drops the number `2020` and the quotes, and turns
`?` and `!!!` into periods. The Keras rules (`Tokenizer` and
`text_to_word_sequence`) keep `2020`, keep the emoji too, and drop all
punctuation, so sentence boundaries disappear.

The CBOW model does not read prefixes; it predicts a center word from the
`C` words on each side. `context_windows` slides that window over the
tokens.
"""

# %%
tokens = tokenize("I am happy because I am learning")
for context, center in context_windows(tokens, CBOW_WINDOW_SIZE):
    print(f"{context} -> {center!r}")

"""
With `C = 2` each center word comes with four context words; the first and
last two tokens have no full context and are skipped, so seven tokens give
three windows. `context_windows` works on ids as well as on words.
"""

"""
## Conclusion

The lecture's pipeline, with its two missing lines restored, is:

```python
tokenizer = Tokenizer()
tokenizer.fit_on_texts(corpus)
sequences = tokenizer.texts_to_sequences(corpus)
x, y = datasets.next_token_windows(sequences, sequence_length=max_len - 1)
```

We saw why `word_index` starts at 1 (0 is padding), why this package pads on
the right (the LSTM's cuDNN kernel on a GPU, with identical results) and must
therefore split before padding, and why targets stay integers (one-hot
targets grow with the vocabulary: 400 GB for a modest real corpus).
Tutorial 04 trains the lecture's Embedding + LSTM model on these windows,
first on the five sentences and then on a real news corpus.
"""
