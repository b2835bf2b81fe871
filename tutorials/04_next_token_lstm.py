"""
Title: Word embeddings from next-word prediction with an LSTM
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: The lecture's Embedding + LSTM lab made right, on five sentences and then on a real news corpus, with TensorBoard's projector and gensim.
Accelerator: GPU optional
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/04_next_token_lstm.ipynb
"""

"""
## Introduction

The lab "Embedding Creation using Word2Vec" learns word vectors as a side
effect of a next-word task: an `Embedding` layer turns each word id into a
vector, an `LSTM` reads the vectors of the words so far, and a `Dense` layer
scores every word of the vocabulary as the next one. After training, the
rows of the embedding table are the word embeddings.

The lecture's code does not run as printed: the `fit_on_texts`, `append` and
`model.fit` lines are lost, the LSTM layer is missing between `Embedding` and
`Dense`, `Embedding(input_length=...)` no longer exists in Keras 3, and its
one-hot targets do not scale past a toy corpus. This tutorial runs the lab
twice with `keras_embeddings`:

1. on the lecture's five sentences, to see every piece and the lecture's
   `word_embeddings` dict;
2. on a real corpus of 300 news articles (about 60,000 words) that ships with
   the install: training with early stopping, nearest neighbours, text
   generation with five samplers, TensorBoard's embedding projector, plots,
   and a word2vec file that gensim reads.

Tutorial 01 explains the text pipeline (tokenizer, n-grams, padding, integer
targets) step by step. Training takes a few minutes on a CPU; a GPU helps
but is not needed.
"""

"""
## Setup

All settings come first. `KERAS_EMBEDDINGS_SMOKE=1` shrinks the run (fewer
epochs, a slice of the corpus) so tests can run the whole file in well under
a minute; `KERAS_EMBEDDINGS_OUT` chooses where the files go.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from gensim.models import KeyedVectors

from keras_embeddings import analysis, callbacks, datasets, export, plots
from keras_embeddings.models import NextTokenModel
from keras_embeddings.text import Tokenizer, ngram_sequences, pad_sequences

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
OUT_DIR = os.environ.get("KERAS_EMBEDDINGS_OUT", os.path.join("runs", "tutorial_04"))
SEED = 0

# Part 1: the lecture's corpus and model sizes.
CORPUS = list(datasets.LECTURE_CORPUS)  # the lecture's five sentences
TOY_EMBEDDING_DIM = 10  # the lecture's Embedding(total_words, 10)
TOY_LSTM_UNITS = 32
TOY_LEARNING_RATE = 1e-2
TOY_EPOCHS = 20 if SMOKE else 200  # the lecture's epochs=200

# Part 2: the built-in news corpus.
NUM_DOCUMENTS = 40 if SMOKE else None  # None: all 300 articles
VOCABULARY_SIZE = 5000  # keep the most frequent words, the rest become <unk>
OOV_TOKEN = "<unk>"
SEQUENCE_LENGTH = 8  # the longest context the LSTM reads
EMBEDDING_DIM = 64
LSTM_UNITS = 128
DROPOUT = 0.2
LEARNING_RATE = 3e-3
BATCH_SIZE = 128
EPOCHS = 1 if SMOKE else 10
PATIENCE = 2
VALIDATION_SPLIT = 0.1
QUERY_WORDS = ["government", "police", "australia", "minister", "people", "said"]
PROMPT = "the government"
NUM_GENERATED_WORDS = 12
PLOT_WORDS = 150

LOG_DIR = os.path.join(OUT_DIR, "tensorboard")
keras.utils.set_random_seed(SEED)

"""
## Part 1, the lecture's five sentences: training data

The text pipeline of tutorial 01, in four lines: fit the tokenizer (the line
the lecture lost), turn sentences into ids, take every prefix as an example
(the lecture's loop with its `append` restored), then split each prefix into
a context and the next word **before** padding the contexts on the right.
"""

# %%
tokenizer = Tokenizer()
tokenizer.fit_on_texts(CORPUS)
total_words = len(tokenizer.word_index) + 1  # + 1: id 0 is padding
input_sequences = ngram_sequences(tokenizer.texts_to_sequences(CORPUS))
max_sequence_len = max(len(ids) for ids in input_sequences)

X = pad_sequences(
    [ids[:-1] for ids in input_sequences], maxlen=max_sequence_len - 1, padding="post"
)
y = np.array([ids[-1] for ids in input_sequences])  # integer ids, no to_categorical
print("word_index:", tokenizer.word_index)
print(f"X: {X.shape}, y: {y.shape}, total_words = {total_words}")

"""
Eighteen examples of up to seven context words, over 12 ids (11 words and
the padding id 0). Why right padding and integer targets: see tutorial 01.
"""

"""
## The model, and the lecture's `model.fit` restored

`NextTokenModel` is the lecture's `Sequential` model with its missing LSTM
put back: `Embedding(mask_zero=True)` -> `LSTM` -> `Dense`. The `Dense`
layer outputs logits, and `compile()` defaults to sparse cross-entropy from
logits with accuracy and perplexity as metrics. `sequence_length` replaces
Keras 2's `input_length`; `vocabulary` (the word of every id, padding first)
lets the model read and write text.

The lecture's training cell reads `# Training the model, y, epochs=200,
verbose=1)`: the line `model.fit(X, y, epochs=200, verbose=1)` ended up inside
the comment. Here it is again (with `verbose=0`, to skip 200 progress bars).
"""

# %%
toy_vocabulary = tokenizer.get_vocabulary()  # "" (padding) first, then by id
model = NextTokenModel(
    total_words,
    embedding_dim=TOY_EMBEDDING_DIM,
    hidden_dim=TOY_LSTM_UNITS,
    sequence_length=max_sequence_len - 1,
    vocabulary=toy_vocabulary,
)
model.compile(optimizer=keras.optimizers.Adam(TOY_LEARNING_RATE))
history = model.fit(X, y, epochs=TOY_EPOCHS, verbose=0)  # the lecture's lost line
model.summary()
print(
    f"After {TOY_EPOCHS} epochs: loss {history.history['loss'][-1]:.3f}, "
    f"accuracy {history.history['accuracy'][-1]:.2f}"
)
for prompt in ["i love", "deep learning", "ai"]:
    print(f"{prompt!r:17} -> {model.generate(prompt, num_words=2)!r}")

"""
The summary lists the layers (the dropout layer is inactive here); the
embedding table holds `total_words * 10 = 120` weights. With 200 epochs the
model learns the corpus by heart: accuracy reaches 0.94, which is the best
possible, because one context is ambiguous ("i love" is followed once by
"machine" and once by "deep"), so one of the 18 targets is always missed.
Greedy generation replays the sentences it memorised, e.g. "i love machine
learning" and "ai is fascinating".
"""

"""
## The `word_embeddings` dict

The lecture reads the weights of the first layer and pairs each row with its
word. `export.to_word_vectors` builds the same dict (the padding row 0 left
out), from any model of this package and a `word_index` or a vocabulary list.
"""

# %%
weights = model.layers[0].get_weights()[0]  # the lecture's embedding_layer weights
word_embeddings = export.to_word_vectors(model, tokenizer.word_index)
print("Table shape:", weights.shape, "| dict entries:", len(word_embeddings))
print("word_embeddings['learning'] =", np.round(word_embeddings["learning"], 3))
print(
    "Same as the lecture's loop:",
    all(
        np.array_equal(word_embeddings[w], weights[i])
        for w, i in tokenizer.word_index.items()
    ),
)
neighbours = analysis.most_similar(word_embeddings, "machine", topn=3)
print("Closest to 'machine':", [(w, round(s, 2)) for w, s in neighbours])

"""
The dict and the lecture's loop agree: each of the 11 words has a
10-number vector. The closest word to "machine" is typically "deep", the
other word that comes before "learning", which is how a next-word model
groups words; with 18 examples the rest of the ranking means little. A
real corpus is needed for vectors that capture more.
"""

"""
## Part 2, a real corpus: loading and tokenizing

`datasets.load_builtin_corpus()` returns the Lee corpus: 300 news articles
from the Australian Broadcasting Corporation (2001), one per string, which
is installed with gensim, so no download is needed. The tokenizer keeps the
`VOCABULARY_SIZE` most frequent words (`num_words`) and maps every other word
to `<unk>` (`oov_token`) instead of dropping it, so contexts keep their
shape.
"""

# %%
documents = datasets.load_builtin_corpus()[:NUM_DOCUMENTS]
tokenizer = Tokenizer(num_words=VOCABULARY_SIZE, oov_token=OOV_TOKEN)
tokenizer.fit_on_texts(documents)
sequences = tokenizer.texts_to_sequences(documents)
vocabulary = tokenizer.get_vocabulary()  # ids below num_words, padding first
vocabulary_size = len(vocabulary)

print(f"{len(documents)} documents, {sum(map(len, sequences)):,} tokens")
print(f"{len(tokenizer.word_index):,} distinct words, {vocabulary_size:,} ids kept")
print("Most frequent:", vocabulary[1:16])
print("First document starts:", documents[0][:80], "...")
print("As ids:", sequences[0][:12])

"""
Id 1 is `<unk>`, then the words by decreasing count; function words ("the",
"to", "of") lead, as in any English text.
"""

"""
## Training windows

`next_token_dataset` makes the lecture's n-gram examples on the fly: every
token is a target, its context the (at most) `SEQUENCE_LENGTH` tokens before
it in the same article, right-padded. Only the ids are kept in memory; the
windows are gathered per batch. The last 10% of the tokens (held-out text)
form the validation set.
"""

# %%
train_ds, val_ds = datasets.next_token_dataset(
    sequences,
    SEQUENCE_LENGTH,
    batch_size=BATCH_SIZE,
    validation_split=VALIDATION_SPLIT,
    seed=SEED,
)
contexts, targets = next(iter(train_ds))
print("One batch:", tuple(contexts.shape), contexts.dtype.name, tuple(targets.shape))
for context, target in zip(contexts.numpy()[:3], targets.numpy()[:3]):
    words = " ".join(vocabulary[i] for i in context if i)
    print(f"  {words!r:70} -> {vocabulary[target]!r}")

"""
Each row is a context of up to eight words and the word that followed it.
"""

"""
## Training

The callbacks come from `callbacks.training_callbacks`: `EarlyStopping` on
the validation loss (restoring the best weights), `TensorBoard` for the
curves, and `EmbeddingProjector`, which writes the vectors and their words
in the format TensorBoard's projector reads (Keras 3's own
`TensorBoard(embeddings_freq=...)` writes a file the projector cannot open).
"""

# %%
model = NextTokenModel(
    vocabulary_size,
    embedding_dim=EMBEDDING_DIM,
    hidden_dim=LSTM_UNITS,
    dropout=DROPOUT,
    sequence_length=SEQUENCE_LENGTH,
    vocabulary=vocabulary,
    oov_token=OOV_TOKEN,
)
model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
history = model.fit(
    train_ds,
    validation_data=val_ds,
    epochs=EPOCHS,
    callbacks=callbacks.training_callbacks(
        log_dir=LOG_DIR, patience=PATIENCE, vocabulary=vocabulary
    ),
    shuffle=False,  # the dataset reshuffles itself every epoch
    verbose=2,
)
best = int(np.argmin(history.history["val_loss"]))
print(
    f"Best epoch {best + 1}: val_loss {history.history['val_loss'][best]:.3f}, "
    f"val_accuracy {history.history['val_accuracy'][best]:.3f}, "
    f"val_perplexity {history.history['val_perplexity'][best]:.0f}"
)

"""
The training loss falls every epoch; the validation loss falls for three
or four epochs and then rises as the model starts to memorise its 54,000
training words, so early stopping ends the run a couple of epochs later and
restores the best epoch. Perplexity is `exp(loss)`: a validation perplexity
of about 400 means the model hesitates between a few hundred words on
average, against 5,000 for blind guessing. About one next word in seven is
guessed exactly, mostly function words. (In smoke mode, one epoch on 40
articles, the numbers are much worse.)
"""

"""
## Nearest neighbours

The embedding table is now the word embedding. `export.to_word_vectors`
turns it into a dict word -> vector (without `<unk>`, which is not a word),
and `analysis.most_similar` ranks words by cosine similarity, as gensim's
`most_similar` does.
"""

# %%
word_vectors = export.to_word_vectors(model, vocabulary)
word_vectors.pop(OOV_TOKEN)
for word in [w for w in QUERY_WORDS if w in word_vectors]:
    neighbours = analysis.most_similar(word_vectors, word, topn=5)
    print(f"{word:>10}: " + ", ".join(f"{w} {s:.2f}" for w, s in neighbours))

"""
Neighbours share a role in the sentence more than a topic: a next-word
model puts words close together when they are followed by the same words.
Some groups make sense ("australia" next to other countries and
organisations, "said" next to "says", "believes", "think") and many
neighbours are noise: 60,000 words is a small corpus for embeddings.
"""

"""
## Generating text

`generate` continues a prompt one word at a time with a keras-hub sampler;
padding and `<unk>` are never produced.

- `greedy` takes the most likely word: deterministic, often repetitive;
- `beam` keeps the `num_beams` best partial sentences: the most likely
  sequence, also repetitive;
- `random` samples from the whole distribution: varied, often incoherent;
- `top_k` samples among the `k` most likely words;
- `top_p` samples among the fewest words whose probabilities sum to `p`.
"""

# %%
sampler_settings = {
    "greedy": {},
    "beam": {"num_beams": 3},
    "random": {},
    "top_k": {"k": 10},
    "top_p": {"p": 0.9},
}
for sampler, kwargs in sampler_settings.items():
    text = model.generate(
        PROMPT, num_words=NUM_GENERATED_WORDS, sampler=sampler, seed=SEED, **kwargs
    )
    print(f"{sampler:>6}: {text}")

"""
Greedy and beam search settle on the most frequent phrases of the corpus
and loop ("the united states and the united states"); `random` wanders;
`top_k` and `top_p` sit in between. A model trained for two minutes on
60,000 words produces locally plausible word sequences, not sentences that
make sense.
"""

"""
## The embedding projector in TensorBoard

The projector files were written when training ended, into the TensorBoard
log folder next to the loss curves.
"""

# %%
for root, _, files in sorted(os.walk(LOG_DIR)):
    for name in sorted(files):
        if not name.startswith("events."):
            print(os.path.join(root, name))
with open(os.path.join(LOG_DIR, callbacks.PROJECTOR_CONFIG)) as f:
    print(f.read())
print(f"To explore the vectors: tensorboard --logdir {LOG_DIR}")

"""
`projector_config.pbtxt` points to `embedding/tensor.tsv` (one vector per
row) and `embedding/metadata.tsv` (the word of each row). Run the printed
`tensorboard --logdir` command, open http://localhost:6006, choose
"Projector" in the menu, and search for a word to see its neighbours in 3-D
(PCA, t-SNE or UMAP). The "Scalars" tab shows the training curves.

In a notebook (Jupyter or Colab), TensorBoard opens inside the page
instead: the next cell loads its notebook extension and starts it on the
same folder. Here the two lines are comments holding IPython magics
(`# %magic`, jupytext's escaped form), so the script skips them; the
notebook made by `tools/notebooks.py` has them as magics.
"""

# %%
# %load_ext tensorboard
# %tensorboard --logdir {LOG_DIR}

"""
## Plots

`plots.plot_history` draws every metric with its validation twin;
`plots.plot_embedding_2d` projects the most frequent words to two
dimensions with PCA, labels a few of them spread over the map (labels never
overlap) and colours the word groups we give it;
`plots.plot_similarity_heatmap` shows the cosine similarity of every pair of
those grouped words.
"""

# %%
groups = {
    "articles": ["the", "a", "an"],
    "modal verbs": ["will", "would", "could", "can"],
    "prepositions": ["in", "at", "from", "into"],
    "saying": ["said", "says", "think"],
    "pronouns": ["he", "she", "they"],
}
groups = {
    name: [w for w in words if w in word_vectors] for name, words in groups.items()
}
history_png = os.path.join(OUT_DIR, "history.png")
embedding_png = os.path.join(OUT_DIR, "embedding_pca.png")
similarity_png = os.path.join(OUT_DIR, "similarity.png")
plots.plot_history(history, history_png)
plots.plot_embedding_2d(
    word_vectors, embedding_png, max_words=PLOT_WORDS, groups=groups
)
grouped_words = [word for words in groups.values() for word in words]
plots.plot_similarity_heatmap(word_vectors, grouped_words, similarity_png)
print("Wrote", history_png, embedding_png, "and", similarity_png)

"""
`history.png` has one panel per metric (accuracy, loss, perplexity),
training and validation: the curves cross where the model starts to
overfit. In `embedding_pca.png`, words of the same grammatical kind sit
together: articles ("the", "a", "an"), modal verbs ("will", "would",
"could", "can"), prepositions ("in", "at", "from", "into"), verbs of saying
("says", "said", "think"), pronouns ("he", "she"). The content words crowd
in the middle; their finer structure needs more than two dimensions (use the
projector for that). `similarity.png` shows the same groups as bright
blocks along its diagonal where the model has learnt them.
"""

"""
## Exporting for gensim

`export.save_word2vec` writes the word2vec text format that gensim, the
original C tool and most NLP libraries read. gensim's `KeyedVectors` then
gives the familiar query API, with the same answers as `analysis`.
"""

# %%
vectors_path = export.save_word2vec(os.path.join(OUT_DIR, "vectors.txt"), word_vectors)
keyed_vectors = KeyedVectors.load_word2vec_format(vectors_path)
print(f"gensim read {len(keyed_vectors):,} vectors of size {keyed_vectors.vector_size}")
word = next(w for w in QUERY_WORDS + list(word_vectors) if w in word_vectors)
print(f"gensim most_similar({word!r}):", keyed_vectors.most_similar(word, topn=3))
print(
    f"package most_similar({word!r}):",
    analysis.most_similar(word_vectors, word, topn=3),
)

"""
gensim reads back every vector exactly and ranks the neighbours the same way
as `analysis.most_similar`.
"""

"""
## Conclusion

The lecture's lab, made to run on Keras 3:

- `Tokenizer.fit_on_texts`, `ngram_sequences` and the `model.fit` line
  restore what the lecture's code lost;
- contexts are padded on the right and targets stay integer ids, so the
  LSTM can use cuDNN on a GPU and memory does not grow with the vocabulary;
- `NextTokenModel` is Embedding -> LSTM -> logits with sensible compile
  defaults and text generation with five samplers;
- `training_callbacks` adds early stopping, TensorBoard curves and a
  projector that works;
- `export.to_word_vectors` is the lecture's `word_embeddings` dict, and
  `save_word2vec` hands it to gensim.

The same run is one command: `keras-embeddings train --out runs/next-token`.
To go further, train on a larger corpus (`--corpus "books/*.txt"`), raise
`EMBEDDING_DIM` and `VOCABULARY_SIZE`, or compare these vectors with those
of word2vec's CBOW model, which is built to learn embeddings rather than to
predict text.
"""
