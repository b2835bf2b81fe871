"""
Title: Using your embedding downstream: a pretrained table for the next-token LSTM
Author: keras_embeddings team
Date created: 2026/12/07
Last modified: 2026/12/07
Description: Train word2vec, then the next-token LSTM from a random, a frozen pretrained and a fine-tuned pretrained table; compare perplexity and neighbours; load a GloVe-format file into a Keras Embedding layer.
Accelerator: GPU optional
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/11_using_your_embedding.ipynb
"""

"""
## Introduction

The project's last step: "use this embedding in your AI model to do Next
Token Generation". Tutorials 04 and 06 trained two kinds of word vectors on
the same news corpus: the table of a next-word LSTM, learned as a side effect
of its task, and word2vec's skip-gram vectors, learned for their own sake.
Here the second feeds the first. The LSTM's `Embedding` layer can start from
word2vec's vectors instead of random numbers, and then either stay fixed
(**frozen**) or keep learning with the rest of the model (**fine-tuned**).

We train word2vec on the corpus, then the same LSTM three ways, for the same
number of epochs from the same initial LSTM and output weights:

1. **random**: the table starts random and learns (tutorial 04);
2. **frozen**: the table is word2vec's and never changes;
3. **fine-tuned**: the table starts as word2vec's and learns.

and compare their validation perplexity and the neighbours of a few words.
Finally we do what a downloaded embedding needs: write the vectors in the
GloVe format (Stanford's `glove.6B.100d.txt` is word2vec's text format
without its header line; nothing can be downloaded here, so the tutorial
writes its own), read it back with `export.load_word2vec(..., no_header=True)`
and turn it into a `keras.layers.Embedding` with `export.to_keras_embedding`,
the replacement of gensim 3's removed `KeyedVectors.get_keras_embedding()`,
for a model written by hand.
"""

"""
## Setup

All settings come first. `KERAS_EMBEDDINGS_SMOKE=1` shrinks the run (a slice
of the corpus, one epoch) so tests can run the whole file in well under a
minute; `KERAS_EMBEDDINGS_OUT` chooses where the files go.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time

import keras
import keras_hub
import numpy as np
from gensim.models import KeyedVectors

from keras_embeddings import analysis, datasets, export, pipelines
from keras_embeddings.models import NextTokenModel
from keras_embeddings.text import Tokenizer

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
OUT_DIR = os.environ.get("KERAS_EMBEDDINGS_OUT", os.path.join("runs", "tutorial_11"))
SEED = 0

NUM_DOCUMENTS = 40 if SMOKE else None  # None: all 300 news articles
MIN_COUNT = 3  # both models keep the words seen at least this often
OOV_TOKEN = "<unk>"  # the LSTM's id for every other word
EMBEDDING_DIM = 100  # one size for word2vec and the LSTM's table
WORD2VEC_EPOCHS = 1 if SMOKE else 20
SEQUENCE_LENGTH = 8  # the longest context the LSTM reads
LSTM_UNITS = 128
DROPOUT = 0.2
LEARNING_RATE = 3e-3
BATCH_SIZE = 128
EPOCHS = 1 if SMOKE else 8  # the same for every variant, no early stopping
VALIDATION_SPLIT = 0.1
QUERY_WORDS = ["police", "fire", "minister", "australia", "said", "would"]

keras.utils.set_random_seed(SEED)

"""
## The corpus and the LSTM's vocabulary

The built-in Lee corpus (300 ABC news articles from 2001, about 60,000
words, installed with gensim). The LSTM's tokenizer keeps the words seen at
least `MIN_COUNT` times and maps every other word to `<unk>`, as in tutorial
04; word2vec will keep exactly the same words (it drops the rare ones
instead of mapping them).
"""

# %%
documents = datasets.load_builtin_corpus()[:NUM_DOCUMENTS]
tokenizer = Tokenizer(oov_token=OOV_TOKEN)
tokenizer.fit_on_texts(documents)
kept = sum(count >= MIN_COUNT for count in tokenizer.word_counts.values())
tokenizer.num_words = kept + 2  # + padding (0) and <unk> (1)
sequences = tokenizer.texts_to_sequences(documents)
vocabulary = tokenizer.get_vocabulary()  # "", "<unk>", then words by count
vocabulary_size = len(vocabulary)
print(f"{len(documents)} documents, {sum(map(len, sequences)):,} tokens")
print(
    f"{kept:,} words seen at least {MIN_COUNT} times: vocabulary_size = "
    f"{vocabulary_size:,} (with padding and {OOV_TOKEN})"
)

train_ds, val_ds = datasets.next_token_dataset(
    sequences,
    SEQUENCE_LENGTH,
    batch_size=BATCH_SIZE,
    validation_split=VALIDATION_SPLIT,
    seed=SEED,
)

"""
## Word2vec on the same corpus

`pipelines.train_word2vec` is `keras-embeddings train --model skipgram` as a
function (tutorial 06 takes it apart): skip-gram with negative sampling and
gensim's defaults, `EMBEDDING_DIM` dimensions. It writes its model, vectors,
plots and projector files into a folder and returns the word vectors.
"""

# %%
start = time.perf_counter()
word2vec = pipelines.train_word2vec(
    documents,
    out=os.path.join(OUT_DIR, "word2vec"),
    model="skipgram",
    epochs=WORD2VEC_EPOCHS,
    min_count=MIN_COUNT,
    embedding_dim=EMBEDDING_DIM,
    seed=SEED,
    verbose=0,
    print_fn=None,
)
word_vectors = word2vec.word_vectors
print(
    f"word2vec: {len(word_vectors):,} vectors of size {EMBEDDING_DIM} in "
    f"{time.perf_counter() - start:.0f} s"
)

"""
## From word vectors to an `Embedding` layer

`export.to_keras_embedding(word_vectors, vocabulary)` lays the vectors out
in the LSTM's ids: row `i` is the vector of `vocabulary[i]`, row 0
(padding) is zeros and is masked (`mask_zero`). A word of the vocabulary
that the vectors lack gets the mean of all vectors (`missing="mean"`;
`"zeros"` and `"random"` are the other choices), and `layer.missing_words`
lists those words. Here both tokenizers kept the same words, so only
`<unk>` is missing. The layer is frozen (`trainable=False`) unless asked
otherwise, as gensim's `get_keras_embedding()` was.
"""

# %%
pretrained = export.to_keras_embedding(word_vectors, vocabulary)
table = pretrained.get_weights()[0]
words_in_vocabulary = vocabulary_size - 1  # every id but padding
print(
    f"Embedding: input_dim={pretrained.input_dim}, output_dim="
    f"{pretrained.output_dim}, trainable={pretrained.trainable}, "
    f"mask_zero={pretrained.mask_zero}"
)
print(
    f"Missing words: {pretrained.missing_words} "
    f"({len(pretrained.missing_words) / words_in_vocabulary:.2%} of the vocabulary)"
)
print("Padding row is zeros:", not table[0].any())
print(
    "Rows follow the tokenizer's ids:",
    all(
        np.array_equal(table[tokenizer.word_index[word]], vector)
        for word, vector in word_vectors.items()
    ),
)

"""
Every word2vec vector sits at its word's id in the LSTM's vocabulary, and
the one word without a vector, `<unk>`, starts from the mean vector.
"""

"""
## One LSTM, three starting tables

`NextTokenModel` accepts the initial table as `embeddings_initializer`
(Keras' name, as in `keras.layers.Embedding`): a Keras initializer, a
matrix, or an `Embedding` layer such as `pretrained`.
`trainable_embeddings=False` freezes it. Before each model the seed is
reset, so the three LSTMs start from the same LSTM and output weights and
differ only in their table. Each trains for `EPOCHS` epochs; we keep the
validation perplexity of every epoch.
"""


# %%
def train_variant(name, **table_arguments):
    """One NextTokenModel trained EPOCHS epochs; its history and seconds."""
    keras.utils.set_random_seed(SEED)
    model = NextTokenModel(
        vocabulary_size,
        embedding_dim=EMBEDDING_DIM,
        hidden_dim=LSTM_UNITS,
        dropout=DROPOUT,
        sequence_length=SEQUENCE_LENGTH,
        vocabulary=vocabulary,
        oov_token=OOV_TOKEN,
        name=name,
        **table_arguments,
    )
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
    start = time.perf_counter()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=EPOCHS,
        shuffle=False,  # the dataset reshuffles itself every epoch
        verbose=0,
    )
    return model, history.history, time.perf_counter() - start


variants = {
    "random": {},
    "frozen": {"embeddings_initializer": pretrained, "trainable_embeddings": False},
    "fine-tuned": {"embeddings_initializer": pretrained, "trainable_embeddings": True},
}
results = {}
for name, arguments in variants.items():
    results[name] = train_variant(name.replace("-", "_"), **arguments)
    print(f"{name:>10}: trained in {results[name][2]:.0f} s")

frozen_table = results["frozen"][0].get_embeddings()
print("Frozen table unchanged after training:", np.array_equal(frozen_table, table))

"""
## Validation perplexity

Perplexity is `exp(cross-entropy)`: how many words the model hesitates
between, on average, on text it has not trained on. The table lists it
after the first and the last epoch, and the best epoch.
"""


# %%
def perplexity_row(name, history, seconds):
    curve = history["val_perplexity"]
    best = int(np.argmin(curve))
    return (
        f"| {name} | {curve[0]:.0f} | {curve[-1]:.0f} | {curve[best]:.0f} "
        f"(epoch {best + 1}) | {seconds:.0f} s |"
    )


print(f"| table | epoch 1 | epoch {EPOCHS} | best | time |")
print("| --- | --- | --- | --- | --- |")
for name, (_, history, seconds) in results.items():
    print(perplexity_row(name, history, seconds))

"""
In our full run (8 epochs on a CPU) the two word2vec tables end 17 to 19%
below the random one: best validation perplexity 185 fine-tuned and 190
frozen, against 228 for the random table. The fine-tuned table is ahead from
the first epoch (330 against 407): the LSTM starts from vectors in which
words that share contexts are already close. The frozen table starts as
slowly as the random one, since the LSTM first has to learn to read
vectors it cannot adjust, but then it improves for longer and overfits the
least: with 288,000 fewer trainable weights, its validation perplexity
after epoch 8 (198) is the best of the three, while the random and the
fine-tuned tables have started to memorise the training text. Freezing also
makes each step cheaper (no gradient for the table). With 60,000 words of
text none of the three is good; pretrained vectors help most when the
downstream corpus is small and the vectors were trained on far more text
than it, e.g. GloVe's 6 billion words.
"""

"""
## Neighbours

Each model's table is a set of word vectors. The frozen table is word2vec's;
the random table is what tutorial 04 learned; the fine-tuned table is
word2vec's, moved by the next-word task. How far it moved: the mean cosine
similarity between each word's vector before and after fine-tuning.
"""


# %%
def neighbours(model, word, topn=4):
    vectors = export.to_word_vectors(model)
    vectors.pop(OOV_TOKEN)
    return ", ".join(w for w, _ in analysis.most_similar(vectors, word, topn=topn))


tuned = results["fine-tuned"][0].get_embeddings()
cosines = np.sum(table[2:] * tuned[2:], axis=1) / (
    np.linalg.norm(table[2:], axis=1) * np.linalg.norm(tuned[2:], axis=1)
)
print(f"Mean cosine(word2vec, fine-tuned) over the words: {cosines.mean():.2f}")
print("| word | frozen (word2vec) | fine-tuned | random |")
print("| --- | --- | --- | --- |")
for word in [w for w in QUERY_WORDS if w in word_vectors]:
    row = [neighbours(results[name][0], word) for name in variants]
    print(f"| {word} | {row[1]} | {row[2]} | {row[0]} |")

"""
word2vec's (frozen) neighbours are topical: "police" with "attended" and
"scene", "fire" with "service", "crews" and "rural", "minister" with
"prime" and the first names of ministers ("alexander" Downer, "philip"
Ruddock). Fine-tuning moves the vectors a long way (a mean cosine of about
0.6 in our run): eight epochs of Adam on the next-word loss keep the
neighbours that matter for predicting the next word, such as the modal
verbs around "would", and scramble most topical ones. The random table,
learned by next-word prediction alone from 60,000 words, has clean
neighbours only for frequent function words ("would": "could", "will",
"should"). To keep the pretrained geometry while fine-tuning, train the
table with a smaller learning rate, or freeze it for the first epochs.
"""

"""
## A downloaded-format file: GloVe

Pretrained vectors usually come as files. GloVe's (Pennington et al., 2014)
are the word2vec text format without the `"count dim"` header line: one
`word v1 v2 ...` line per word. `export.save_word2vec(...,
write_header=False)` writes that format; `export.load_word2vec(path,
no_header=True)` reads it (gensim's argument name), and gensim's reader
agrees.
"""

# %%
glove_path = export.save_word2vec(
    os.path.join(OUT_DIR, "vectors.glove.txt"), word_vectors, write_header=False
)
with open(glove_path, encoding="utf-8") as f:
    print("First line:", f.readline()[:60], "...")
glove = export.load_word2vec(glove_path, no_header=True)
gensim_glove = KeyedVectors.load_word2vec_format(glove_path, no_header=True)
print(
    "Identical to the vectors written:",
    list(glove) == list(word_vectors)
    and all(np.array_equal(glove[w], word_vectors[w]) for w in word_vectors),
)
print(
    "Identical to gensim's reading:",
    gensim_glove.index_to_key == list(glove)
    and np.array_equal(gensim_glove.vectors, np.stack(list(glove.values()))),
)

"""
`to_keras_embedding` also takes the path itself (a file without a header is
read as GloVe), so a downloaded `glove.6B.100d.txt` goes straight into a
layer. Here the file gives the same layer as the vectors in memory. The
layer then fits any Keras model: here a plain `Sequential` next-word model
written by hand, with the table frozen. Trained like the others, it should
land next to the "frozen" row above.
"""

# %%
glove_layer = export.to_keras_embedding(glove_path, vocabulary)
print("Identical:", np.array_equal(glove_layer.get_weights()[0], table))
keras.utils.set_random_seed(SEED)
hand_made = keras.Sequential(
    [
        keras.Input((SEQUENCE_LENGTH,), dtype="int32"),
        glove_layer,  # frozen GloVe-format vectors, id 0 masked
        keras.layers.LSTM(LSTM_UNITS),
        keras.layers.Dropout(DROPOUT),
        keras.layers.Dense(vocabulary_size),  # logits
    ],
    name="hand_made",
)
hand_made.compile(
    optimizer=keras.optimizers.Adam(LEARNING_RATE),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras_hub.metrics.Perplexity(from_logits=True, name="perplexity")],
)
start = time.perf_counter()
hand_history = hand_made.fit(
    train_ds, validation_data=val_ds, epochs=EPOCHS, shuffle=False, verbose=0
)
seconds = time.perf_counter() - start
print(perplexity_row("GloVe file, Sequential, frozen", hand_history.history, seconds))
print("Table still the file's:", np.array_equal(glove_layer.get_weights()[0], table))

"""
The hand-made model is the "frozen" variant written with Keras layers only;
its perplexity is close to that row's (189 against 190 in our run; not
equal, because its layers draw their initial weights in a different order).
"""

"""
## Conclusion

- `export.to_keras_embedding(word_vectors, vocabulary)` turns a dict, a
  gensim `KeyedVectors` or a word2vec/GloVe file into a
  `keras.layers.Embedding` whose rows follow your tokenizer's ids, with a
  zero, masked padding row, a documented fill for missing words
  (`layer.missing_words`), and `trainable` to fine-tune;
  `export.to_embedding_matrix` gives the matrix alone.
- `NextTokenModel`, `TransformerLM` and `NGramLanguageModel` take it (or
  the matrix) as `embeddings_initializer`, frozen with
  `trainable_embeddings=False`; a saved `.keras` model keeps the table in
  its weights, not in its config.
- `export.load_word2vec(path, no_header=True)` reads GloVe files, and
  `save_word2vec(..., write_header=False)` writes them.
- On this corpus, word2vec's vectors lower the LSTM's best validation
  perplexity by 17 to 19%, frozen or fine-tuned; fine-tuning gets
  there sooner, freezing overfits less and trains faster.

To go further: train word2vec on a larger corpus than the LSTM's (e.g. a
Gutenberg book, or a Wikipedia dump), or download GloVe on Colab
(`glove.6B.zip` from Stanford NLP) and pass `glove.6B.100d.txt` to
`to_keras_embedding`; compare `missing="mean"` with `"random"` when many
words are missing; try the same with `TransformerLM`.
"""
