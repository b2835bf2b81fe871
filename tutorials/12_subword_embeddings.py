"""
Title: Subword embeddings: fastText vectors for words never seen
Author: keras_embeddings team
Date created: 2026/12/07
Last modified: 2026/12/07
Description: A word's character n-grams and fastText's hash by hand, models.FastText trained on the news corpus, vectors for misspelled and new words, side by side with WordPiece and gensim's FastText.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/12_subword_embeddings.ipynb
"""

"""
## Introduction

A word2vec model (tutorial 06) has one row per word of its vocabulary. Ask
it for a word it never saw, a misspelling such as "governmnet" or a rare
form such as "firefighter" when only "firefighters" was in the text, and
there is no row to give: the word is simply unknown.

fastText (Bojanowski et al., 2017, "Enriching Word Vectors with Subword
Information") looks inside the words. A word is also the bag of its
**character n-grams**: `"<where>"` holds `"<wh"`, `"whe"`, `"her"`, ...,
`"<where>"`, with `<` and `>` marking its start and end. Every n-gram has a
vector, and a word's vector is the mean of its own row and of its n-gram
rows. Training is word2vec's (skip-gram with negative sampling), so the
n-gram vectors learn what the words they occur in mean. A word never seen
still has n-grams, hence a vector: the mean of its n-gram rows.

This tutorial:

1. takes a word's n-grams apart by hand and hashes them as fastText and
   gensim do (`text.char_ngrams`, `text.ft_hash`, `text.ngram_ids`);
2. trains `models.FastText` on the built-in news corpus;
3. asks it for misspelled and inflected words it never saw, where a
   word-level model (`models.SkipGram`) has nothing to say;
4. compares with the other answer to unseen words, WordPiece (tutorial 09),
   and with gensim's `FastText` trained on the same tokens.

Everything runs on a CPU in about a minute.
"""

"""
## Setup

All settings come first. The model is small (32 dimensions, 2**16 n-gram
rows, 10 epochs) so the tutorial stays quick; fastText's defaults are 100
dimensions and 2,000,000 rows. `KERAS_EMBEDDINGS_SMOKE=1` shrinks the run
for tests.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time

import keras
import numpy as np
from gensim.models import FastText as GensimFastText
from gensim.models.fasttext import compute_ngrams, ft_hash_bytes, ft_ngram_hashes

from keras_embeddings import analysis, datasets, export, text
from keras_embeddings.errors import UnknownWordError
from keras_embeddings.models import FastText, SkipGram

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
SEED = 0

NUM_DOCUMENTS = 100 if SMOKE else None  # None: all 300 news articles
MIN_COUNT = 5  # words seen fewer times are dropped, as in gensim
EMBEDDING_DIM = 32
MIN_N, MAX_N = 3, 6  # n-gram lengths in characters (fastText's defaults)
# n-gram rows (fastText's default: 2,000,000). Our model stores only the
# rows its vocabulary uses, but gensim and the export to gensim hold them all.
BUCKET = 2**16
EPOCHS = 2 if SMOKE else 10
BATCH_SIZE = 2048  # skip-gram pairs per step, the CLI's for fastText (see Part 4b)
LEARNING_RATE = 0.025
WORD_PIECE_DOCUMENTS = 30 if SMOKE else 100  # the learner is pure Python
WORD_PIECE_SIZE = 2000
# Words the corpus never contains: misspellings and inflections of its words.
UNSEEN_WORDS = ["governmnet", "palestinain", "terrorrists", "negotiated", "embassies"]

keras.utils.set_random_seed(SEED)

"""
## Part 1: a word's character n-grams

fastText wraps the word in `<` and `>` and takes every substring of
`MIN_N` to `MAX_N` characters. By hand:
"""

# %%
word = "where"
extended = f"<{word}>"
by_hand = [
    extended[start : start + n]
    for n in range(MIN_N, min(len(extended), MAX_N) + 1)
    for start in range(len(extended) - n + 1)
]
print(f"{extended!r}: {len(by_hand)} n-grams")
print(by_hand)
print(
    "text.char_ngrams gives the same:", text.char_ngrams(word, MIN_N, MAX_N) == by_hand
)
print("gensim's compute_ngrams too:", compute_ngrams(word, MIN_N, MAX_N) == by_hand)

"""
`"<where>"` has 7 characters, hence 5 n-grams of 3 characters, 4 of 4, 3 of
5 and 2 of 6. The markers matter: `"<her"` (a word starting with "her") is
not `"her"` (inside "where"), and the whole `"<where>"` is one of the
n-grams when it is at most `MAX_N` characters long. Lengths count
characters, not bytes: `"café"` has the same n-grams as `"cafe"`, with `é`
in place of `e`.

## The hash

A corpus has far more distinct n-grams than anyone wants rows, so fastText
does not keep a dictionary of them: each n-gram is hashed into one of
`BUCKET` rows, and n-grams that land on the same row share it. The hash is
32-bit FNV-1a over the n-gram's UTF-8 bytes: start from 2166136261, then
for every byte xor it in and multiply by 16777619, modulo 2**32. One
detail makes it fastText's hash and not the textbook one: each byte is read
as a C `char`, which is signed, so a byte above 127 (every byte of a
non-ASCII character) is sign-extended to 32 bits before the xor. Step by
step, for `"<wh"`:
"""

# %%
FNV_OFFSET, FNV_PRIME = 2166136261, 16777619


def fnv1a(ngram, verbose=False):
    """fastText's hash of a str, one byte at a time."""
    value = FNV_OFFSET
    for byte in ngram.encode("utf-8"):
        signed = byte - 256 if byte > 127 else byte  # a C `char`
        value = ((value ^ (signed & 0xFFFFFFFF)) * FNV_PRIME) % 2**32
        if verbose:
            print(f"  byte {byte:3d} ({chr(byte)!r:6}) -> {value:10d}")
    return value


print(f"fnv1a('<wh'), start {FNV_OFFSET}:")
ours = fnv1a("<wh", verbose=True)
print("text.ft_hash:          ", text.ft_hash("<wh"))
print("gensim's ft_hash_bytes:", ft_hash_bytes(b"<wh"))
print("All three agree:", ours == text.ft_hash("<wh") == ft_hash_bytes(b"<wh"))
for ngram in ["é>", "東京>"]:  # non-ASCII: the sign extension matters
    print(
        f"{ngram!r}: by hand {fnv1a(ngram)}, text.ft_hash {text.ft_hash(ngram)}, "
        f"gensim {ft_hash_bytes(ngram.encode('utf-8'))}"
    )

"""
The row of an n-gram is its hash modulo `BUCKET`. `text.ngram_ids(words,
min_n, max_n, bucket)` computes the rows of many words at once (vectorised
over every character of every word) as a padded array and a count per
word, in fastText's order (by start position, then length). They are the
rows gensim's `ft_ngram_hashes` gives, so a model trained here and one
trained by gensim or Facebook's fastText with the same `MIN_N`, `MAX_N` and
`BUCKET` address their n-gram tables the same way.
"""

# %%
ids, counts = text.ngram_ids([word, "wherever"], MIN_N, MAX_N, BUCKET)
print("ids", ids.shape, "counts", counts.tolist())
print(f"{word!r} -> rows {ids[0, : counts[0]].tolist()}")
print(
    "Same rows as gensim's ft_ngram_hashes:",
    ids[0, : counts[0]].tolist() == ft_ngram_hashes(word, MIN_N, MAX_N, BUCKET),
    ids[1, : counts[1]].tolist() == ft_ngram_hashes("wherever", MIN_N, MAX_N, BUCKET),
)

"""
`"wherever"` shares `"<wh"`, `"<whe"`, `"where"`, ... with `"where"`, so
the two words share those rows, and whatever training teaches one of them
reaches the other.

## Part 2: training fastText on the news corpus

The corpus and its ids are tutorial 06's: the Lee corpus (300 ABC news
articles), numbered by the `Tokenizer` by decreasing count, the words seen
fewer than `MIN_COUNT` times dropped. `datasets.word2vec_dataset` makes
skip-gram's batches (subsampling, dynamic windows, negatives) and
`models.FastText` trains on them exactly as `models.SkipGram` does; the one
difference is the input vector of a word, the mean of its word row and its
n-gram rows. The model needs the vocabulary (the word of each id) to find
each word's n-grams.
"""

# %%
documents = datasets.load_builtin_corpus()[:NUM_DOCUMENTS]
tokenizer = text.Tokenizer()
tokenizer.fit_on_texts(documents)
kept = sum(count >= MIN_COUNT for count in tokenizer.word_counts.values())
tokenizer.num_words = kept + 1  # + 1: id 0 is padding
sequences = tokenizer.texts_to_sequences(documents)
vocabulary = tokenizer.get_vocabulary()  # "" (padding), then words by count
num_words = sum(map(len, sequences))
print(f"{len(documents)} documents, {num_words:,} words kept, {kept:,} distinct")

dataset = datasets.word2vec_dataset(
    sequences,
    len(vocabulary),
    model="skipgram",
    batch_size=BATCH_SIZE,
    seed=SEED,
)
steps = int(dataset.cardinality())
fasttext = FastText(
    len(vocabulary),
    embedding_dim=EMBEDDING_DIM,
    vocabulary=vocabulary,
    min_n=MIN_N,
    max_n=MAX_N,
    bucket=BUCKET,
)
fasttext.compile(learning_rate=LEARNING_RATE, decay_steps=EPOCHS * steps)
start = time.perf_counter()
history = fasttext.fit(dataset, epochs=EPOCHS, shuffle=False, verbose=0)
seconds = time.perf_counter() - start
print(
    f"FastText: {EPOCHS} epochs in {seconds:.0f} s, pair_loss "
    f"{history.history['pair_loss'][0]:.2f} -> {history.history['pair_loss'][-1]:.2f}"
)
width = fasttext.subword_ids.values[0].shape[1]
print(
    f"Tables: {len(vocabulary):,} word rows, {len(fasttext.ngram_rows):,} of the "
    f"{BUCKET:,} n-gram rows (the ones the vocabulary uses), "
    f"{len(vocabulary):,} output rows; up to {width} n-grams per word"
)

"""
Only the n-gram rows that some word of the vocabulary hashes to can ever
be trained, so the model stores those alone (`fasttext.ngram_rows`); the
others stay zero, and `fasttext.get_ngram_embeddings()` gives the whole
`(bucket, dim)` table. As fastText and gensim do, the whole error of a
word's vector goes to its word row and to each of its n-gram rows, and a
step first composes the vector of every word of this small vocabulary
once, then looks the batch's words up.

## Part 3: vectors for words never seen

`model.get_vector(word)` takes any str. For a word of the vocabulary it is
the word's row of `get_embeddings()`; for any other word, the mean of its
n-gram rows. To rank the vocabulary by similarity to an unseen word, we
add its vector to the vocabulary's vectors, as `keras-embeddings similar`
does for a fastText model.
"""

# %%
word_vectors = export.to_word_vectors(fasttext, vocabulary)
known = set(tokenizer.word_counts)  # every word of the corpus, even rare ones
print(f"In the corpus: {[w for w in UNSEEN_WORDS if w in known]} (none)")


def neighbours(word_vectors, word, topn=5):
    pairs = analysis.most_similar(word_vectors, word, topn=topn)
    return ", ".join(f"{w} {score:.2f}" for w, score in pairs)


for unseen in UNSEEN_WORDS:
    vector = fasttext.get_vector(unseen)
    print(f"{unseen:>12}: {neighbours({unseen: vector, **word_vectors}, unseen)}")

"""
Every unseen word gets a vector, and its neighbours should be the words
whose n-grams it shares: "governmnet" keeps `"<gov"`, `"gove"`, `"govern"`,
... of "government", "terrorrists" keeps `"ists>"` and `"<terr"` of
"terrorists". How well that works depends on how much of the word
survives (a swap of two letters in the middle, as in "palestinain", breaks
every n-gram that crosses it) and on how well the n-gram rows trained:
60,000 words of text is little, so read the cosine similarities printed
beside the neighbours, and compare with gensim's lists in Part 4b.

A word-level model has no such answer. `models.SkipGram`, trained the same
way, has a row for each vocabulary word and nothing else:
"""

# %%
keras.utils.set_random_seed(SEED)
skipgram = SkipGram(len(vocabulary), embedding_dim=EMBEDDING_DIM)
skipgram.compile(learning_rate=LEARNING_RATE, decay_steps=EPOCHS * steps)
skipgram.fit(dataset, epochs=EPOCHS, shuffle=False, verbose=0)
skipgram_vectors = export.to_word_vectors(skipgram, vocabulary)
print(f"{'government':>12}: {neighbours(skipgram_vectors, 'government')}")
try:
    neighbours(skipgram_vectors, "governmnet")
except UnknownWordError as error:
    print(f"{'governmnet':>12}: UnknownWordError: {error}")

"""
## Part 4a: WordPiece, the other answer to unseen words

Tutorial 09 met the tokenizers of BERT and GPT: a vocabulary of word
pieces down to single characters, so any word is spelled in known pieces.
That is an answer for the **input** of a model (no `[UNK]`), not a vector:
a model still has to learn what the pieces mean together. fastText's
answer is a vector for the whole word, built from overlapping pieces of
every length. Here is how WordPiece splits the same unseen words (the
learner is slow in pure Python, so it reads only the first
`WORD_PIECE_DOCUMENTS` articles):
"""

# %%
pieces_vocabulary = text.train_word_piece_vocabulary(
    documents[:WORD_PIECE_DOCUMENTS], WORD_PIECE_SIZE
)
pieces = text.word_piece_tokenizer(pieces_vocabulary)
print(f"{len(pieces_vocabulary):,} word pieces")
for unseen in UNSEEN_WORDS:
    ids = keras.ops.convert_to_numpy(pieces(unseen))
    split = [pieces.id_to_token(int(i)) for i in ids]
    print(
        f"{unseen:>12}: WordPiece {split}; fastText {len(text.char_ngrams(unseen))} n-grams"
    )

"""
WordPiece splits a word once, greedily from its start, into a few pieces;
fastText keeps every n-gram of 3 to 6 characters, so a typo changes a few
of them and leaves the rest.

## Part 4b: gensim's `FastText` on the same tokens

gensim's `FastText` is the reference in Python. We give it the same token
lists (the ids turned back into words) and the same settings: skip-gram,
window 5, 5 negatives, `sample=1e-3`, the same dimension, n-gram range,
bucket count and epochs, one worker thread so that its run is repeatable.
"""

# %%
sentences = [[vocabulary[i] for i in sequence] for sequence in sequences]
start = time.perf_counter()
gensim_model = GensimFastText(
    sentences,
    vector_size=EMBEDDING_DIM,
    window=5,
    negative=5,
    sample=1e-3,
    alpha=LEARNING_RATE,
    min_count=1,  # the tokens are already cut at MIN_COUNT
    sg=1,
    min_n=MIN_N,
    max_n=MAX_N,
    bucket=BUCKET,
    epochs=EPOCHS,
    workers=1,
    seed=SEED,
)
print(f"gensim FastText: {EPOCHS} epochs in {time.perf_counter() - start:.0f} s")
for unseen in UNSEEN_WORDS:
    pairs = gensim_model.wv.most_similar(unseen, topn=5)
    print(f"{unseen:>12}: {', '.join(f'{w} {s:.2f}' for w, s in pairs)}")

"""
Both models answer every unseen word from its n-gram rows, and mostly
alike: in our run (2026-12-07, TensorFlow) both put "government's" and
"government" first for "governmnet", "palestinian" first for
"palestinain" and "terrorists" for "terrorrists"; neither has learned what
"negotiated" or "embassies" mean from 60,000 words. One difference is how
the rows are updated. gensim updates the rows after every pair; ours sums
the errors of a whole batch of `BATCH_SIZE` pairs first. An n-gram row
shared by many words (such as `"ing>"` or `"<th"`) then receives the
errors of many pairs in one step; on a small vocabulary (the lecture's
`raw_sentences`, 248 words) 4,096 pairs per step diverge, hence fastText's
2,048. `benchmarks/fasttext_vs_gensim.py` measures speed, agreement and
unseen words against gensim on both corpora.

Because the n-gram rows are addressed the same way, our model also goes
into gensim. `export.to_keyed_vectors(model)` gives a gensim
`FastTextKeyedVectors` holding our word rows and n-gram rows, and gensim
then computes the vector of any word itself, the same as ours:
"""

# %%
keyed_vectors = export.to_keyed_vectors(fasttext)
print(type(keyed_vectors).__name__, keyed_vectors.vectors_ngrams.shape)
for unseen in ["governmnet", "wherever"]:
    same = np.allclose(keyed_vectors[unseen], fasttext.get_vector(unseen), atol=1e-6)
    print(f"kv[{unseen!r}] equals model.get_vector({unseen!r}):", same)
print(
    "gensim's most_similar on our vectors:",
    [w for w, _ in keyed_vectors.most_similar("governmnet", topn=3)],
)

"""
## Conclusion

- fastText's vector of a word is the mean of its word row and the rows of
  its character n-grams (`text.char_ngrams`), found by fastText's FNV-1a
  hash modulo `bucket` (`text.ft_hash`, `text.ngram_ids`), the same rows as
  gensim's and Facebook's.
- `models.FastText` trains like `models.SkipGram` on
  `datasets.word2vec_dataset` batches (`sg=False` for CBOW), and
  `get_vector(word)` answers for **any** word: misspellings, inflections,
  new words; a word-level model raises `UnknownWordError`.
- WordPiece also leaves no word unknown, but as a sequence of pieces for a
  model to read, not a word vector.
- `export.to_keyed_vectors(model)` hands the model to gensim as a
  `FastTextKeyedVectors`, whose `kv["unseen"]` is our vector; `.keras`
  files save and load the model (the n-gram rows are recomputed from the
  vocabulary).

The same from the command line: train fastText on the built-in corpus (or
`--corpus your_file.txt`; the outputs go to `runs/fasttext`), then ask for the neighbours of a word the
corpus never contained:

```
keras-embeddings train --model fasttext
keras-embeddings similar governmnet --model runs/fasttext/model.keras
```

`train --model fasttext` takes `--bucket` (gensim's 2,000,000 by default), `--min-n` and
`--max-n`; `similar WORD --vectors runs/fasttext/vectors.txt` reads only the
vocabulary's vectors, so it knows only the vocabulary's words.
"""
