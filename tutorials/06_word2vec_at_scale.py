"""
Title: Word2vec at scale: skip-gram with negative sampling, tf.data and gensim
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: Skip-gram and CBOW with negative sampling on real text: Keras 2 skipgrams versus a tf.data pipeline, model.fit, neighbours, standard benchmarks, the projector, and gensim side by side.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/06_word2vec_at_scale.ipynb
"""

"""
## Introduction

Tutorial 05 built the lecture's CBOW network: a softmax over the whole
vocabulary for every training example. That is fine for the notebook's five
words and hopeless for a real vocabulary. Word2vec (Mikolov et al., 2013,
"Distributed Representations of Words and Phrases and their
Compositionality") learns the same kind of vectors with two tricks:

- **negative sampling**: instead of scoring every word of the vocabulary,
  score the true neighbour and a handful of random "negative" words, with
  the logistic loss `-log σ(u·v_pos) - Σ_k log σ(-u·v_neg_k)`;
- **subsampling** of frequent words and **dynamic windows**, so "the" and
  "of" do not dominate training and near neighbours count more.

Skip-gram predicts the neighbours of a word from its vector; CBOW predicts
a word from the mean vector of its neighbours. This tutorial trains both,
the Keras way, on the built-in news corpus (and on the CSC321 course's
sentences when they are around):

1. Keras 2's `skipgrams()` (what the TensorFlow word2vec tutorial uses)
   versus `datasets.word2vec_dataset`, a `tf.data` pipeline that makes
   gensim's training examples on the fly, and why the pipeline;
2. `models.SkipGram` trained with `model.fit`, its words per second,
   nearest neighbours, and scores on WordSim353, SimLex-999 and Google's
   analogies (`analysis.evaluate`);
3. TensorBoard's embedding projector and a PCA map;
4. gensim's `Word2Vec` on the same tokens with the same settings, side by
   side: neighbours, scores and speed.

The same training is one command: `keras-embeddings train --model skipgram`
(or `--model cbow`). Everything runs on a CPU in a few minutes.
"""

"""
## Setup

All settings come first. The word2vec ones are gensim's defaults (100
dimensions, window 5, 5 negatives, `sample=1e-3`, `min_count=5`, learning
rate 0.025 decaying linearly), except the number of epochs: 60,000 words is
a small corpus, so it needs more than gensim's 5 passes.
`KERAS_EMBEDDINGS_SMOKE=1` shrinks the run for tests; `KERAS_EMBEDDINGS_OUT`
chooses where the files go; `KERAS_EMBEDDINGS_CSC321` names the folder with
the CSC321 course's `raw_sentences.txt` (by default the project's
`../shared/data/csc321`; the last part is skipped without it).
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import sys
import time

import keras
import numpy as np
from gensim.models import Word2Vec

from keras_embeddings import analysis, callbacks, datasets, export, plots
from keras_embeddings.models import CBOWNegativeSampling, SkipGram
from keras_embeddings.text import Tokenizer, make_sampling_table, skipgrams

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
OUT_DIR = os.environ.get("KERAS_EMBEDDINGS_OUT", os.path.join("runs", "tutorial_06"))
_CANDIDATES = [
    os.environ.get("KERAS_EMBEDDINGS_CSC321", ""),
    os.path.join("..", "shared", "data", "csc321"),
    os.path.join(
        os.path.dirname(os.path.abspath(globals().get("__file__", "."))),
        *("..", "..", "shared", "data", "csc321"),
    ),
]
CSC321_DIR = next(
    (
        d
        for d in _CANDIDATES
        if d and os.path.isfile(os.path.join(d, "raw_sentences.txt"))
    ),
    None,
)
SEED = 0

NUM_DOCUMENTS = 50 if SMOKE else None  # None: all 300 news articles
MIN_COUNT = 5  # words seen fewer times are dropped, as in gensim
EMBEDDING_DIM = 100  # gensim's vector_size
WINDOW_SIZE = 5  # the largest distance between a word and its context
NEGATIVES = 5  # negative words per example
SAMPLE = 1e-3  # subsampling threshold of frequent words
LEARNING_RATE = 0.025  # gensim's alpha, decaying linearly to alpha * 1e-4
EPOCHS = 2 if SMOKE else 20
BATCH_SIZE = 1024  # examples per step (pairs for skip-gram)
WORKERS = os.cpu_count() or 1  # gensim's threads
QUERY_WORDS = ["government", "police", "fire", "minister", "australia", "test"]
PLOT_WORDS = 150
# The CSC321 sentences: 97,162 short sentences, 634,000 words, 241 distinct.
CSC321_SENTENCES = 3000 if SMOKE else None  # None: all of them
CSC321_EPOCHS = 1 if SMOKE else 5
CSC321_QUERY_WORDS = ["he", "day", "money", "could", "city", "game"]
CSC321_ANALOGIES = [("he", "his", "she"), ("day", "days", "year"), ("did", "do", "was")]

LOG_DIR = os.path.join(OUT_DIR, "tensorboard")
keras.utils.set_random_seed(SEED)

"""
## The corpus

`datasets.load_builtin_corpus()` is the Lee corpus: 300 news articles from
the Australian Broadcasting Corporation (2001), installed with gensim. The
`Tokenizer` numbers words by decreasing count, so keeping the words seen at
least `MIN_COUNT` times is keeping the ids below `num_words`. Unlike the
next-word model of tutorial 04 there is no `oov_token`: word2vec drops rare
words instead of turning them into one very frequent `<unk>`.
"""

# %%
documents = datasets.load_builtin_corpus()[:NUM_DOCUMENTS]
tokenizer = Tokenizer()
tokenizer.fit_on_texts(documents)
kept = sum(count >= MIN_COUNT for count in tokenizer.word_counts.values())
tokenizer.num_words = kept + 1  # + 1: id 0 is padding
sequences = tokenizer.texts_to_sequences(documents)
vocabulary = tokenizer.get_vocabulary()  # "" (padding), then words by count
vocabulary_size = len(vocabulary)
num_words = sum(map(len, sequences))

print(f"{len(documents)} documents, {num_words:,} words kept")
print(
    f"{len(tokenizer.word_counts):,} distinct words, {kept:,} seen at least "
    f"{MIN_COUNT} times (vocabulary_size = {vocabulary_size:,} with padding)"
)
print("Most frequent:", vocabulary[1:13])

"""
Of the 60,533 running words, 51,187 (85%) survive the cut, while three
distinct words in four go: most words of a corpus are rare. The top of the
list is function words, which is what subsampling is for.
"""

"""
## Keras 2: `skipgrams()`

The TensorFlow word2vec tutorial, written for Keras 2, makes training pairs
with `tf.keras.preprocessing.sequence.skipgrams`: every (word, context word)
pair within the window gets label 1, and for each positive pair
`negative_samples` random (word, random word) pairs get label 0.
`text.skipgrams` is that function on Keras 3 (same arguments, same output).
Here it is on the first sentence of the corpus:
"""

# %%
sampling_table = make_sampling_table(vocabulary_size, sampling_factor=SAMPLE)
first_sentence = sequences[0][:12]
couples, labels = skipgrams(
    first_sentence,
    vocabulary_size,
    window_size=WINDOW_SIZE,
    negative_samples=NEGATIVES,
    sampling_table=sampling_table,
    seed=SEED,
)
print("Sentence:", " ".join(vocabulary[i] for i in first_sentence))
print(f"{len(couples)} pairs, {sum(labels)} positive. The first eight:")
for (word, context), label in list(zip(couples, labels))[:8]:
    print(f"  ({vocabulary[word]!r}, {vocabulary[context]!r}) -> {label}")

"""
Now the whole corpus, the way the TensorFlow tutorial does it: one call per
document, the pairs of the whole corpus collected in Python lists before
training starts.
"""

# %%
start = time.perf_counter()
all_couples, all_labels = [], []
for i, sequence in enumerate(sequences):
    c, lab = skipgrams(
        sequence,
        vocabulary_size,
        window_size=WINDOW_SIZE,
        negative_samples=NEGATIVES,
        sampling_table=sampling_table,
        seed=SEED + i,
    )
    all_couples += c
    all_labels += lab
seconds = time.perf_counter() - start
python_bytes = sys.getsizeof(all_couples) + sum(map(sys.getsizeof, all_couples))
print(
    f"skipgrams: {len(all_couples):,} pairs ({sum(all_labels):,} positive) in "
    f"{seconds:.1f} s, {python_bytes / 2**20:,.0f} MiB of Python lists"
)
del all_couples, all_labels

"""
It works, and `models.SkipGram(..., negatives=0)` trains on such
`(word, context)` pairs and 0/1 labels. But at scale it falls short:

- **Memory.** All pairs of an epoch exist at once, as Python lists (about
  80 bytes a pair, 134 MiB for this small corpus): a corpus of 100 million
  words would need hundreds of gigabytes.
- **Sampling.** `make_sampling_table` guesses each word's frequency from its
  rank with Zipf's law instead of counting, and it drops a word only as the
  center of pairs: the word stays in its neighbours' windows, which do not
  reach further as in word2vec. Negatives are drawn *uniformly* from the vocabulary, so they are
  mostly rare words, while word2vec draws them with probability
  `count ** 0.75`: the frequent words, which are the informative contrasts.
- **One draw.** Subsampling, negatives and the window are drawn once. Word2vec
  redraws them every epoch; doing that here means calling `skipgrams` again in
  Python before each epoch, with the model waiting.
- **Fixed windows.** Every context word within `window_size` counts the same;
  word2vec shrinks each window at random, which weights near words more.

## The `tf.data` pipeline: `datasets.word2vec_dataset`

`word2vec_dataset` follows word2vec and gensim instead. Each epoch it drops
frequent words with gensim's subsampling formula (from the real counts,
before windowing), draws every center word's window from `1..WINDOW_SIZE`,
shuffles, and draws `NEGATIVES` negatives per example from `count ** 0.75`.
It never holds more than one block of 2**17 tokens of examples: vectorized
NumPy builds them, `tf.data` hands them to the model ahead of time, and every
batch has the same shape (the last one padded with examples of weight 0), so
XLA compiles the training step once.
"""

# %%
dataset = datasets.word2vec_dataset(
    sequences,
    vocabulary_size,
    model="skipgram",
    window_size=WINDOW_SIZE,
    negatives=NEGATIVES,
    sample=SAMPLE,
    batch_size=BATCH_SIZE,
    seed=SEED,
)
steps = int(dataset.cardinality())
(targets, contexts, negative_ids), batch_labels, weights = next(iter(dataset))
print(f"{steps} batches per epoch of {BATCH_SIZE} pairs")
print(
    f"targets {tuple(targets.shape)}, contexts {tuple(contexts.shape)}, "
    f"negative_ids {tuple(negative_ids.shape)}, labels {tuple(batch_labels.shape)}, "
    f"sample weights {tuple(weights.shape)}"
)
for target, context in zip(targets.numpy()[:4], contexts.numpy()[:4]):
    print(f"  ({vocabulary[target]!r}, {vocabulary[context]!r})")
print("One row of negatives:", [vocabulary[i] for i in negative_ids.numpy()[0]])
start = time.perf_counter()
for _ in dataset:
    pass
print(f"One whole epoch of batches: {time.perf_counter() - start:.2f} s")

"""
An epoch is about 220,000 pairs (215 batches) on the whole corpus, against
the 289,000 positive pairs of `skipgrams`: subsampling drops most
occurrences of "the", "to" and "of", and the dynamic window reaches 3 words
to each side on average instead of 5. The negatives are not extra labelled
pairs: each batch carries rows of `NEGATIVES` ids, one row shared by 32
consecutive pairs (`shared_negatives`), so each pair's objective is the same
in expectation and a step gathers and updates 32 times fewer output rows.
The labels are always "1, then `NEGATIVES` zeros". A whole epoch of batches
takes a fraction of a second to make (0.15 s here), and `tf.data` makes the
next batches while the model trains.
"""

"""
## Training skip-gram with `model.fit`

`SkipGram` holds two tables: the input vectors (`target_embedding`, the word
vectors we keep) and the output vectors (`context_embedding`). `compile()`
defaults to word2vec's training: plain SGD on the sum of the example losses,
the learning rate decaying linearly from 0.025 to 0.025 * 1e-4 over
`decay_steps` (set to all the steps of the run), XLA, and 16 steps per
call. The logged `loss` is the sum over a batch; `pair_loss` is the loss of
one pair. A small callback times every epoch so we can count words per
second (the first epoch includes XLA's compilation of the step).
"""


# %%
class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def words_per_second(timer):
    """Corpus words (before subsampling) per second, after the first epoch."""
    seconds = timer.seconds[1:] or timer.seconds  # the first one compiles
    return num_words / float(np.median(seconds))


skipgram = SkipGram(vocabulary_size, embedding_dim=EMBEDDING_DIM, negatives=NEGATIVES)
skipgram.compile(learning_rate=LEARNING_RATE, decay_steps=EPOCHS * steps)
timer = EpochTimer()
history = skipgram.fit(
    dataset,
    epochs=EPOCHS,
    callbacks=[timer, keras.callbacks.TensorBoard(log_dir=LOG_DIR)],
    shuffle=False,  # the dataset reshuffles itself every epoch
    verbose=2,
)
keras_speed = words_per_second(timer)
print(
    f"pair_loss {history.history['pair_loss'][0]:.3f} -> "
    f"{history.history['pair_loss'][-1]:.3f}; {sum(timer.seconds):.1f} s in all, "
    f"{keras_speed:,.0f} words/s after the first epoch"
)

"""
An untrained pair costs `6 log 2 = 4.16` (six logits at 0); after 20 epochs
it is about 2.3: the model tells true neighbours from random words most of
the time. The loss stays far from 0 because a window holds many words that
are not especially related to the center word. Once XLA has compiled the
step (the first epoch), an epoch takes about half a second on two CPU
cores: roughly 100,000 corpus words per second.
"""

"""
## Nearest neighbours

The input vectors are the word vectors; `export.to_word_vectors` pairs them
with their words and `analysis.most_similar` ranks words by cosine
similarity, as gensim's `most_similar` does.
"""

# %%
word_vectors = export.to_word_vectors(skipgram, vocabulary)
query_words = [w for w in QUERY_WORDS if w in word_vectors]
for word in query_words:
    neighbours = analysis.most_similar(word_vectors, word, topn=5)
    print(f"{word:>10}: " + ", ".join(f"{w} {s:.2f}" for w, s in neighbours))

"""
Skip-gram groups words by topic: "fire" sits with "service", "crews",
"rural", "destroyed" and "damaged" (the bushfires of Christmas 2001),
"police" with "officers" and "scene", "minister" with "prime", "foreign" and
the first names and surnames of ministers ("alexander" Downer, "philip"
Ruddock), "test" with cricket ("runs", "match", South "africa"). Some
neighbours are noise ("1998" next to "australia"): each of these words
occurs only tens of times.
"""

"""
## Evaluation on standard benchmarks

`analysis.evaluate` scores word vectors the way the word2vec papers do, on
the test sets that ship with gensim: the Spearman correlation between cosine
similarities and human ratings on WordSim353 (relatedness: "cup", "coffee")
and SimLex-999 (similarity proper: "cup", "mug"), and the accuracy on
Google's 19,544 analogy questions ("man is to king as woman is to ?",
answered by the nearest word to `king - man + woman`). Items with a word
outside the vocabulary are skipped, and the `*_oov` entries say which share
that was. `analysis.doesnt_match` and `analysis.analogy` ask single
questions, as gensim's `doesnt_match` and `most_similar` do.
"""

# %%
ODD_ONE_OUT = [
    ["police", "fire", "cricket", "minister"],
    ["runs", "wickets", "test", "police"],
    ["monday", "tuesday", "friday", "government"],
]


def print_scores(scores):
    for name, title in [("wordsim353", "WordSim353"), ("simlex999", "SimLex-999")]:
        print(
            f"{title:>16}: Spearman {scores[name + '_spearman']:6.3f} on "
            f"{scores[name + '_pairs']:>3} pairs ({scores[name + '_oov']:.0%} "
            "out of vocabulary)"
        )
    print(
        f"{'Google analogy':>16}: accuracy {scores['google_analogy_accuracy']:.3f} "
        f"on {scores['google_analogy_questions']} questions "
        f"({scores['google_analogy_oov']:.1%} out of vocabulary)"
    )


print_scores(analysis.evaluate(word_vectors))
for group in ODD_ONE_OUT:
    words = [w for w in group if w in word_vectors]
    if len(words) >= 3:
        print(f"doesnt_match({words}) = {analysis.doesnt_match(word_vectors, words)!r}")
if {"man", "men", "woman"} <= word_vectors.keys():
    answers = analysis.analogy(word_vectors, "man", "men", "woman", topn=3)
    print("man : men :: woman : ?", [w for w, _ in answers])

"""
The odd word out comes out right for topics the corpus talks about
("cricket" among news of fires, police and ministers, "police" among
cricket words, "government" among weekdays), but
the benchmarks show how little 60,000 words teach: five words in six of
WordSim353 and 99% of the analogy questions are out of the vocabulary, the
correlations on what is left are close to 0 (about 0.1), and the analogy
`man : men :: woman : ?` fails. Google's published word2vec vectors score
about 0.7 on WordSim353 and about 70% on the analogies, after training on
some 100 billion words. The
benchmarks are still the standard way to compare two training runs on the
same corpus, which is how we use them next.
"""

"""
## The embedding projector and a PCA map

`callbacks.write_projector` writes the vectors and their words where
TensorBoard's projector finds them, next to the loss curves that the
`TensorBoard` callback logged. `plots.plot_embedding_2d` draws the most
frequent words in two dimensions with PCA, labels some of them without
overlaps and colours the groups of words we name.
"""

# %%
paths = callbacks.write_projector(LOG_DIR, skipgram, vocabulary)
print("Projector files:", paths["config"], paths["tensor"], paths["metadata"])
print(f"To explore the vectors: tensorboard --logdir {LOG_DIR}")
history_png = os.path.join(OUT_DIR, "history.png")
pca_png = os.path.join(OUT_DIR, "skipgram_pca.png")
plots.plot_history(history, history_png)
stories = {
    "Middle East": ["israel", "palestinian", "arafat", "hamas", "west", "bank"],
    "Afghanistan": ["taliban", "al", "qaeda", "bin", "laden", "forces"],
    "reported speech": ["she", "you", "we", "think"],
}
plotted = set(list(word_vectors)[:PLOT_WORDS])  # the map's words, no others
stories = {name: [w for w in words if w in plotted] for name, words in stories.items()}
plots.plot_embedding_2d(word_vectors, pca_png, max_words=PLOT_WORDS, groups=stories)
vectors_txt = export.save_word2vec(os.path.join(OUT_DIR, "vectors.txt"), word_vectors)
print("Wrote", history_png, pca_png, "and", vectors_txt)

"""
In the projector (run the printed `tensorboard --logdir` command and open
the "Projector" tab) search a word to highlight its neighbours in 3-D. The
PCA map of the 150 most frequent words shows the two big stories of late
2001 as arms reaching out of the crowd of function words: the Middle East
on the left ("israel", "palestinian", "arafat", "hamas", "west" "bank"),
Afghanistan at the bottom ("taliban", "al" "qaeda", "bin" "laden",
"forces"), and the words of reported speech on the right ("she", "you",
"we", "think"). PCA keeps only two of 100 directions, so many neighbours in
the table above are not close on the map.

In a notebook (Jupyter or Colab), the next cell opens TensorBoard inside
the page on the same folder. Its two lines are IPython magics written as
comments (`# %magic`, jupytext's escaped form) so that the script skips
them; the notebook made by `tools/notebooks.py` has them as magics.
"""

# %%
# %load_ext tensorboard
# %tensorboard --logdir {LOG_DIR}

"""
## gensim on the same tokens

gensim's `Word2Vec` is the reference implementation in Python (optimized
C, one thread per core). We give it the same tokens (the ids turned back
into words, so the vocabulary is the same) and the same settings, and
compare neighbours, scores and speed. Both count words per second the same
way: corpus words before subsampling, per second of training.
"""

# %%
sentences = [[vocabulary[i] for i in sequence] for sequence in sequences]


def gensim_word2vec(sentences, sg, epochs=EPOCHS):
    """gensim's Word2Vec with this tutorial's settings, and its words/s."""
    model = Word2Vec(
        vector_size=EMBEDDING_DIM,
        window=WINDOW_SIZE,
        negative=NEGATIVES,
        sample=SAMPLE,
        alpha=LEARNING_RATE,
        min_count=1,  # the tokens are already cut at MIN_COUNT
        sg=sg,
        workers=WORKERS,
        seed=SEED,
    )
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=epochs)
    seconds = time.perf_counter() - start
    return model.wv, model.corpus_total_words * epochs / seconds


gensim_sg, gensim_sg_speed = gensim_word2vec(sentences, sg=1)
print(f"gensim skip-gram: {gensim_sg_speed:,.0f} words/s on {WORKERS} threads")
for word in query_words:
    ours = [w for w, _ in analysis.most_similar(word_vectors, word, topn=5)]
    theirs = [w for w, _ in gensim_sg.most_similar(word, topn=5)]
    print(f"{word:>10}: keras {', '.join(ours)}")
    print(f"{'':>10}  gensim {', '.join(theirs)}")

"""
The two lists share three to five words of five for most queries ("fire"
gets the same five words, "minister" four) and name the same topics; they
differ as two gensim runs with different seeds differ, because a small
corpus leaves much of the ranking to chance. (gensim's threads make its
runs differ a little each time; the Keras run is the same for the same
seed.)
"""

"""
## CBOW, and all four side by side

`CBOWNegativeSampling` takes the mean vector of the context words instead
of one word's vector (gensim's `sg=0, cbow_mean=1`): one example per center
word, so an epoch is several times fewer, larger steps. The dataset makes
context rows padded with 0 (`model="cbow"`).
"""

# %%
cbow_dataset = datasets.word2vec_dataset(
    sequences,
    vocabulary_size,
    model="cbow",
    window_size=WINDOW_SIZE,
    negatives=NEGATIVES,
    sample=SAMPLE,
    batch_size=BATCH_SIZE,
    shared_negatives=8,  # CBOW loses quality when more examples share a draw
    seed=SEED,
)
cbow = CBOWNegativeSampling(
    vocabulary_size, embedding_dim=EMBEDDING_DIM, negatives=NEGATIVES
)
cbow.compile(
    learning_rate=LEARNING_RATE, decay_steps=EPOCHS * int(cbow_dataset.cardinality())
)
cbow_timer = EpochTimer()
cbow.fit(cbow_dataset, epochs=EPOCHS, callbacks=[cbow_timer], shuffle=False, verbose=0)
cbow_vectors = export.to_word_vectors(cbow, vocabulary)
gensim_cbow, gensim_cbow_speed = gensim_word2vec(sentences, sg=0)

runs = {
    "keras skip-gram": (word_vectors, keras_speed),
    "gensim skip-gram": (gensim_sg, gensim_sg_speed),
    "keras CBOW": (cbow_vectors, words_per_second(cbow_timer)),
    "gensim CBOW": (gensim_cbow, gensim_cbow_speed),
}
columns = {
    "wordsim353_spearman": "WordSim353",
    "simlex999_spearman": "SimLex-999",
    "google_analogy_accuracy": "analogies",
}
print(f"{'':>17} {'words/s':>9} " + " ".join(f"{c:>11}" for c in columns.values()))
for name, (vectors, speed) in runs.items():
    scores = analysis.evaluate(vectors)
    print(
        f"{name:>17} {speed:>9,.0f} "
        + " ".join(f"{scores[column]:>11.3f}" for column in columns)
    )
for word in query_words[:3]:
    neighbours = [w for w, _ in analysis.most_similar(cbow_vectors, word, topn=5)]
    print(f"CBOW {word:>10}: {', '.join(neighbours)}")

"""
Keras and gensim agree within the noise of this small corpus for both
models (a Spearman correlation on 60 pairs moves by ±0.1 from one seed to
the next; 0.014 and 0.021 are 2 and 3 of 141 analogy questions).

Words per second depend on the machine and on what else runs on it. In our
runs on a shared two-core machine, Keras' skip-gram made 70,000 to 120,000
words per second and gensim's 115,000 to 220,000; CBOW 300,000 to 360,000
for Keras and 330,000 to 1,000,000 for gensim. The same order of
magnitude, gensim usually ahead: its C loop updates each pair in place,
while a Keras step gathers rows, scores them and scatters the gradients
back (the same code that runs on a GPU). CBOW trains three times faster
than skip-gram or more in both, because it makes one example per word
instead of one per (word, context word) pair.
Its neighbours are noisier here ("police" next to "militants"): averaging
the context blurs topics that a 60,000-word corpus barely separates.
"""

"""
## A larger corpus: the CSC321 sentences

The Toronto CSC321 assignment (tutorial 08) comes with `raw_sentences.txt`:
97,162 short sentences, 634,000 words, but only 241 distinct words: twelve
times more text than the news corpus for eight times fewer words, so every
word has hundreds of contexts. (Skipped when the course data is not present.)
"""

# %%
if CSC321_DIR is None:
    print("raw_sentences.txt not found: skipping the CSC321 corpus.")
else:
    with open(os.path.join(CSC321_DIR, "raw_sentences.txt"), encoding="utf-8") as f:
        lines = f.read().splitlines()[:CSC321_SENTENCES]
    csc_tokenizer = Tokenizer()
    csc_tokenizer.fit_on_texts(lines)
    csc_sequences = csc_tokenizer.texts_to_sequences(lines)
    csc_vocabulary = csc_tokenizer.get_vocabulary()
    csc_words = sum(map(len, csc_sequences))
    csc_dataset = datasets.word2vec_dataset(
        csc_sequences,
        len(csc_vocabulary),
        window_size=WINDOW_SIZE,
        negatives=NEGATIVES,
        sample=SAMPLE,
        batch_size=BATCH_SIZE,
        seed=SEED,
    )
    csc_model = SkipGram(len(csc_vocabulary), EMBEDDING_DIM, negatives=NEGATIVES)
    csc_model.compile(
        learning_rate=LEARNING_RATE,
        decay_steps=CSC321_EPOCHS * int(csc_dataset.cardinality()),
    )
    csc_timer = EpochTimer()
    csc_model.fit(
        csc_dataset,
        epochs=CSC321_EPOCHS,
        callbacks=[csc_timer],
        shuffle=False,
        verbose=0,
    )
    csc_vectors = export.to_word_vectors(csc_model, csc_vocabulary)
    csc_sentences = [[csc_vocabulary[i] for i in s] for s in csc_sequences]
    csc_gensim, csc_gensim_speed = gensim_word2vec(
        csc_sentences, sg=1, epochs=CSC321_EPOCHS
    )
    seconds = np.median(csc_timer.seconds[1:] or csc_timer.seconds)
    print(
        f"{len(lines):,} sentences, {csc_words:,} words, "
        f"{len(csc_vocabulary) - 1} distinct words; keras "
        f"{csc_words / seconds:,.0f} words/s, gensim {csc_gensim_speed:,.0f} words/s"
    )
    for word in [w for w in CSC321_QUERY_WORDS if w in csc_vectors]:
        ours = [w for w, _ in analysis.most_similar(csc_vectors, word, topn=5)]
        theirs = [w for w, _ in csc_gensim.most_similar(word, topn=5)]
        print(f"{word:>6}: keras {', '.join(ours)} | gensim {', '.join(theirs)}")
    for a, b, c in CSC321_ANALOGIES:
        if {a, b, c} <= csc_vectors.keys():
            ours = analysis.analogy(csc_vectors, a, b, c)[0][0]
            theirs = analysis.analogy(csc_gensim, a, b, c)[0][0]
            print(f"{a} : {b} :: {c} : ?  keras {ours!r}, gensim {theirs!r}")

"""
With hundreds of contexts per word the neighbours become clean for both
implementations, and mostly the same: "he" next to "she" and titles ("ms",
"dr"), "day" next to "night", "week" and "year", "could" next to "would",
"should", "can" and "might", "game" next to "season", "team" and "play".
The three analogies, asked with `analysis.analogy` of both models, are
answered right ("he : his :: she : her", "day : days :: year : years",
"did : do :: was : is"), which the news corpus could not do. Speed: in our
runs the Keras model made 220,000 to 700,000 words per second here and
gensim 320,000 to 450,000; with ten times longer epochs, the fixed costs of
a Keras epoch weigh less.
"""

"""
## Conclusion

- Keras 2's `skipgrams()` is fine for a sentence, but builds every pair of
  an epoch in Python memory, with uniform negatives, a Zipf guess of the
  word frequencies and one draw for all epochs.
- `datasets.word2vec_dataset` makes word2vec's examples the way gensim
  does (subsampling from real counts, dynamic windows, `count ** 0.75`
  negatives, all redrawn every epoch) with vectorized NumPy in a `tf.data`
  pipeline, in fixed-shape batches that XLA compiles once.
- `models.SkipGram` and `models.CBOWNegativeSampling` train with plain
  `model.fit`, save as `.keras`, and export with `export.to_word_vectors`.
- `analysis.evaluate` gives the standard WordSim353, SimLex-999 and
  analogy scores; `callbacks.write_projector` and `plots.plot_embedding_2d`
  show the space.
- On the same tokens and settings, the Keras models match gensim's
  neighbours and scores, at a speed of the same order on a CPU.

The command `keras-embeddings train --model skipgram --epochs 20` runs this
on any corpus (`--corpus "books/*.txt"`) and writes the model, the vectors,
the plots and the projector files. For vectors worth evaluating, train on
tens of millions of words (e.g. text8 or a Wikipedia dump).
"""
