"""
Title: Transformers and contextual embeddings
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: The lecture's transformer formulas computed and checked against Keras and keras-hub, a small GPT trained beside the LSTM, contextual vs static vectors, samplers, WordPiece subwords and a BERT preset.
Accelerator: GPU optional
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/09_transformers_and_contextual_embeddings.ipynb
"""

"""
## Introduction

The lecture "Using transformers with embeddings" gives three formulas and
one lab:

- the attention function `Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V`;
- the positional encoding `PE(pos, 2i) = sin(pos / 10000^(2i/d_model))`
  (and its twin `PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))`, which the
  lecture leaves out);
- the feed-forward network `FFN(x) = max(0, x W_1 + b_1) W_2 + b_2`;
- a lab that loads `bert-base-uncased` with Hugging Face's `transformers`
  and prints `last_hidden_states`, the per-token vectors of the last layer.

This tutorial makes each of them concrete with `keras_embeddings`:

1. every formula computed by the package's layers and checked against a
   NumPy version of the formula and against Keras' and keras-hub's own
   layers, with heatmaps of the positional encoding and of attention;
2. a small decoder-only transformer (`TransformerLM`, a tiny GPT) trained on
   the built-in news corpus beside the LSTM of tutorial 04, on the same data;
3. its **contextual** embeddings: one vector per occurrence of a word,
   against the single **static** row of the embedding table;
4. text generation with five samplers;
5. WordPiece subwords, which leave (almost) no word unknown;
6. the lecture's lab in Keras: a BERT backbone loaded from a preset with
   `models.from_preset` and its `last_hidden_states`.

The full run takes about eight minutes on two CPU cores; a GPU helps but
is not needed.
"""

"""
## Setup

All settings come first. `KERAS_EMBEDDINGS_SMOKE=1` shrinks the run (one
epoch, a slice of the corpus, a small subword vocabulary) so tests can run
the whole file in about a minute; `KERAS_EMBEDDINGS_OUT` chooses where
the files go.
"""

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time

import keras
import keras_hub
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_embeddings import callbacks, datasets
from keras_embeddings.io_utils import atomic_open
from keras_embeddings.layers import (
    MultiHeadSelfAttention,
    PositionwiseFeedForward,
    ScaledDotProductAttention,
    SinusoidalPositionEncoding,
    scaled_dot_product_attention,
    sinusoidal_encoding,
)
from keras_embeddings.models import (
    NextTokenModel,
    TransformerLM,
    contextual_embeddings,
    from_preset,
)
from keras_embeddings.text import (
    Tokenizer,
    compare_oov_rates,
    text_to_word_sequence,
    train_word_piece_vocabulary,
    word_piece_tokenizer,
)

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
OUT_DIR = os.environ.get("KERAS_EMBEDDINGS_OUT", os.path.join("runs", "tutorial_09"))
SEED = 0

# Part 1: the formulas on small random tensors.
TOY_LENGTH = 5  # tokens in the toy sequence
D_MODEL = 8  # the toy model width, d_model
TOY_NUM_HEADS = 2  # d_k = D_MODEL // TOY_NUM_HEADS = 4
TOY_INTERMEDIATE_DIM = 32  # the FFN's hidden width (the paper's d_ff = 4 d_model)
PE_LENGTH = 100  # positions in the positional-encoding heatmap
PE_D_MODEL = 128  # columns in the positional-encoding heatmap

# Part 2: the built-in news corpus, two language models on the same windows.
NUM_DOCUMENTS = 20 if SMOKE else None  # None: all 300 articles
VOCABULARY_SIZE = 5000  # keep the most frequent words, the rest become <unk>
OOV_TOKEN = "<unk>"
SEQUENCE_LENGTH = 16  # the longest context both models read
EMBEDDING_DIM = 64  # d_model of the transformer, word vector size of both
NUM_HEADS = 4  # attention heads per transformer block
INTERMEDIATE_DIM = 128  # FFN width inside each transformer block
NUM_LAYERS = 2  # transformer blocks
TRANSFORMER_DROPOUT = 0.1
LSTM_UNITS = 128
LSTM_DROPOUT = 0.2
LSTM_LEARNING_RATE = 3e-3  # tutorial 04's
TRANSFORMER_LEARNING_RATE = 1e-3
BATCH_SIZE = 128
EPOCHS = 1 if SMOKE else 20  # early stopping ends sooner
PATIENCE = 2
VALIDATION_SPLIT = 0.1

# Part 3: one word, two meanings (the phrases occur in the corpus).
BANK_SENTENCES = ["the west bank", "the reserve bank", "the central bank"]
CAUSAL_SENTENCES = [
    "the government said the fire was",
    "the government said the police were",
]
ATTENTION_SENTENCE = "the reserve bank cut interest rates again"

# Part 4: generation.
PROMPT = "the government"
NUM_GENERATED_WORDS = 12

# Part 5: subwords, trained on most articles and tested on the others.
HELD_OUT_DOCUMENTS = 10 if SMOKE else 50  # the last articles
SUBWORD_TRAIN_DOCUMENTS = 10 if SMOKE else 250  # the first articles
SUBWORD_VOCABULARY_SIZE = 150 if SMOKE else 2000
UNSEEN_WORD = "unbelievably"  # in no training article

# Part 6: a tiny random BERT, saved as a preset and loaded back.
BERT_NUM_LAYERS = 2
BERT_NUM_HEADS = 2
BERT_HIDDEN_DIM = 32
BERT_INTERMEDIATE_DIM = 64
BERT_MAX_SEQUENCE_LENGTH = 32
BERT_SENTENCES = ["the bank of the river", "the bank lent money to farmers"]
PRESET_DIR = os.path.join(OUT_DIR, "tiny_bert_preset")

os.makedirs(OUT_DIR, exist_ok=True)
keras.utils.set_random_seed(SEED)


def max_difference(a, b):
    """max |a - b| over all entries, as a float."""
    a, b = keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)
    return float(np.max(np.abs(a.astype("float64") - b.astype("float64"))))


differences = []  # every equality check of the tutorial


def compare(label, a, b):
    """Print and record max |a - b|: two ways of computing the same thing."""
    differences.append(max_difference(a, b))
    print(f"{label}: max |difference| {differences[-1]:.1e}")


def save_heatmaps(rows, path, xlabel, ylabel, labels=None):
    """A grid of heatmaps, one per `(title, matrix)` in `rows`, as a PNG.

    A matplotlib `Figure` on an Agg canvas (no pyplot state), written
    atomically, as `keras_embeddings.plots` does.
    """
    nrows, ncols = len(rows), max(map(len, rows))
    figure = Figure(figsize=(4.5 * ncols, 4 * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False)
    for row, row_axes in zip(rows, axes):
        for (title, matrix), ax in zip(row, row_axes):
            image = ax.imshow(matrix, cmap="viridis", aspect="auto")
            figure.colorbar(image, ax=ax)
            ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
            if labels is not None:
                ticks = np.arange(len(labels))
                ax.set_xticks(ticks, labels, rotation=90)
                ax.set_yticks(ticks, labels)
    FigureCanvasAgg(figure)
    with atomic_open(path, "wb") as f:
        figure.savefig(f, format="png", dpi=100)
    return path


"""
## Part 1, the formulas: positional encoding

Self-attention sees a set of vectors: permuting the tokens only permutes
its outputs. The transformer therefore adds to each token's embedding a
vector that depends on the position alone:

```
PE(pos, 2i)   = sin(pos / 10000^(2i/d_model))
PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))
```

The lecture writes the sine line "for even i"; what is even is the column
index `2i`: each `i` gives a sine column and the cosine column after it.
`sinusoidal_encoding(sequence_length, embedding_dim=d_model)` returns the matrix and
`SinusoidalPositionEncoding` is the same as a layer (its input's values are
not used, only its shape). Both are checked against the formula written in
NumPy and against keras-hub's `SinePositionEncoding`.
"""

# %%
pe = keras.ops.convert_to_numpy(sinusoidal_encoding(TOY_LENGTH, D_MODEL))
pos = np.arange(TOY_LENGTH)[:, None]  # (TOY_LENGTH, 1)
two_i = np.arange(0, D_MODEL, 2)[None, :]  # (1, D_MODEL / 2): the 2i of the formula
angles = pos / 10000 ** (two_i / D_MODEL)  # pos / 10000^(2i/d_model)
pe_numpy = np.zeros((TOY_LENGTH, D_MODEL))
pe_numpy[:, 0::2] = np.sin(angles)  # PE(pos, 2i)
pe_numpy[:, 1::2] = np.cos(angles)  # PE(pos, 2i+1)

token_embeddings = np.zeros((1, TOY_LENGTH, D_MODEL), "float32")  # values unused
layer_pe = SinusoidalPositionEncoding()(token_embeddings)
keras_hub_pe = keras_hub.layers.SinePositionEncoding()(token_embeddings)
print("PE(pos=1) =", np.round(pe[1], 3))
compare("sinusoidal_encoding vs NumPy formula", pe, pe_numpy)
compare("SinusoidalPositionEncoding vs keras_hub", layer_pe, keras_hub_pe)

pe_matrix = keras.ops.convert_to_numpy(sinusoidal_encoding(PE_LENGTH, PE_D_MODEL))
pe_png = save_heatmaps(
    [[(f"sinusoidal positional encoding, d_model = {PE_D_MODEL}", pe_matrix)]],
    os.path.join(OUT_DIR, "positional_encoding.png"),
    xlabel="column (2i: sine, 2i + 1: cosine)",
    ylabel="position pos",
)
print("Wrote", pe_png)

"""
Row 1 is `[sin(1), cos(1), sin(0.1), cos(0.1), ...]`: the angle shrinks by a
factor `10000^(2/d_model)` every column pair, so the first columns turn fast
with the position and the last ones barely move. The package, NumPy and
keras-hub agree to float32 rounding (about 1e-7). In
`positional_encoding.png` the left columns stripe quickly from row to row
and the right half is nearly constant (sine near 0, cosine near 1): each
position gets a distinct pattern, like the bits of a binary counter
written with smooth waves.
"""

"""
## Attention: `softmax(Q Kᵀ / √d_k) V`

`scaled_dot_product_attention(query, key, value)` computes the lecture's
attention function and also returns the weights `softmax(Q Kᵀ / √d_k)`:
row `t` says how much query `t` takes from each value row. Dividing by
`√d_k` keeps the scores of long vectors from pushing the softmax into its
flat tails. `use_causal_mask=True` gives zero weight to the keys after the
query's position, which is what a language model (a decoder) needs: a word
must not read the words it is asked to predict.
"""

# %%
rng = np.random.default_rng(SEED)
d_k = D_MODEL // TOY_NUM_HEADS
Q, K, V = (rng.normal(size=(1, TOY_LENGTH, d_k)).astype("float32") for _ in range(3))

outputs, weights = scaled_dot_product_attention(Q, K, V)
scores = Q @ K.transpose(0, 2, 1) / np.sqrt(d_k)  # Q Kᵀ / √d_k, (1, T, T)
softmax = np.exp(scores - scores.max(-1, keepdims=True))
softmax /= softmax.sum(-1, keepdims=True)
compare("attention weights vs NumPy softmax(QKᵀ/√d_k)", weights, softmax)
compare("attention outputs vs NumPy softmax(QKᵀ/√d_k)V", outputs, softmax @ V)

_, causal_weights = ScaledDotProductAttention()(
    Q, V, key=K, use_causal_mask=True, return_attention_scores=True
)
print("Causal attention weights (row t = query t, column s = key s):")
causal_weights = keras.ops.convert_to_numpy(causal_weights)[0]  # (T, T)
print(np.round(causal_weights, 2))
print("Rows sum to 1:", np.allclose(causal_weights.sum(-1), 1))

"""
The function matches the formula written in NumPy. The causal weights are a
lower triangle: the first token can only attend to itself (weight 1.00),
the second splits its attention between the first two tokens, and so on;
everything above the diagonal is exactly 0, and every row still sums to 1.
"""

"""
## Multi-head attention and the feed-forward network

A transformer block does not attend with the raw token vectors: each of
`h` heads projects them to its own queries, keys and values
(`Q_j = X W_j^Q`, ...), attends, and the heads' outputs are concatenated and
projected back to `d_model`. `MultiHeadSelfAttention` stores its weights in
the shapes and order of `keras.layers.MultiHeadAttention`, so copying a
Keras layer's weights into it must give the same outputs and weights.
`PositionwiseFeedForward` is the lecture's `FFN(x) = max(0, x W_1 + b_1) W_2
+ b_2`, applied to each position separately with the same weights.
"""

# %%
X = rng.normal(size=(2, TOY_LENGTH, D_MODEL)).astype("float32")  # (batch, T, d_model)
keras_mha = keras.layers.MultiHeadAttention(num_heads=TOY_NUM_HEADS, key_dim=d_k)
keras_out, keras_weights = keras_mha(
    X, X, use_causal_mask=True, return_attention_scores=True
)
attention = MultiHeadSelfAttention(num_heads=TOY_NUM_HEADS)  # key_dim = d_model / h
attention.build(X.shape)
attention.set_weights(keras_mha.get_weights())  # the same W^Q, W^K, W^V, W^O
our_out, our_weights = attention(X, use_causal_mask=True, return_attention_scores=True)
print("Weights:", [tuple(w.shape) for w in attention.weights[::2]], "+ biases")
compare("MultiHeadSelfAttention vs Keras, outputs", our_out, keras_out)
compare("MultiHeadSelfAttention vs Keras, weights", our_weights, keras_weights)

ffn = PositionwiseFeedForward(intermediate_dim=TOY_INTERMEDIATE_DIM)
ffn_out = ffn(X)
W_1, b_1, W_2, b_2 = (keras.ops.convert_to_numpy(w) for w in ffn.weights)
ffn_numpy = np.maximum(0, X @ W_1 + b_1) @ W_2 + b_2  # max(0, xW_1 + b_1)W_2 + b_2
compare("PositionwiseFeedForward vs NumPy FFN(x)", ffn_out, ffn_numpy)
compare("FFN of token 0 alone vs in the sequence", ffn(X[:, :1]), ffn_out[:, :1])
print(f"All {len(differences)} checks agree to 1e-5:", max(differences) < 1e-5)

"""
With the same weights, the package's multi-head attention and Keras' agree
to float32 rounding, outputs and attention weights alike: the kernels are
`(d_model, h, d_k)` for the three projections and `(h, d_k, d_model)` for
`W^O`. The FFN matches its formula, and a token's output does not depend on
the other tokens (attention is the only place where tokens meet).
"""

"""
## Part 2, a small GPT beside the LSTM: the data

The corpus and the windows are those of tutorial 04: the 300 news articles
of `datasets.load_builtin_corpus()`, a word-level `Tokenizer` that keeps the
`VOCABULARY_SIZE` most frequent words and maps the others to `<unk>`, and
`next_token_dataset`, which pairs each token with the (at most)
`SEQUENCE_LENGTH` tokens before it, right-padded. The last 10% of the
tokens are the validation set. Both models train on exactly these batches.
"""

# %%
documents = datasets.load_builtin_corpus()[:NUM_DOCUMENTS]
tokenizer = Tokenizer(num_words=VOCABULARY_SIZE, oov_token=OOV_TOKEN)
tokenizer.fit_on_texts(documents)
sequences = tokenizer.texts_to_sequences(documents)
vocabulary = tokenizer.get_vocabulary()  # padding first, then <unk>, then by count
vocabulary_size = len(vocabulary)
train_ds, val_ds = datasets.next_token_dataset(
    sequences,
    SEQUENCE_LENGTH,
    batch_size=BATCH_SIZE,
    validation_split=VALIDATION_SPLIT,
    seed=SEED,
)
num_tokens = sum(map(len, sequences))
print(f"{len(documents)} documents, {num_tokens:,} tokens, {vocabulary_size:,} ids")

"""
## Training both models

`TransformerLM` is a decoder-only transformer from keras-hub pieces: token
and position embeddings (learned, as in GPT, rather than the fixed sinusoids
of Part 1), `NUM_LAYERS` blocks of causal multi-head
self-attention and a feed-forward network (each with a residual connection
and layer normalization), and logits read at the last real token. It takes
the same inputs, has the same `compile()` defaults (sparse cross-entropy
from logits, accuracy, perplexity) and the same `generate()` as the LSTM
`NextTokenModel`, so the comparison changes only the model. Both train with
Adam and early stopping on the validation loss, restoring the best epoch.
"""

# %%


def train(model, learning_rate):
    """Fit with early stopping; return the epochs run, seconds and validation scores."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    start = time.perf_counter()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=EPOCHS,
        callbacks=callbacks.training_callbacks(patience=PATIENCE),
        shuffle=False,  # the dataset reshuffles itself every epoch
        verbose=0,
    )
    seconds = time.perf_counter() - start
    scores = model.evaluate(val_ds, return_dict=True, verbose=0)
    return len(history.history["loss"]), seconds, scores


keras.utils.set_random_seed(SEED)
lstm = NextTokenModel(
    vocabulary_size,
    embedding_dim=EMBEDDING_DIM,
    hidden_dim=LSTM_UNITS,
    dropout=LSTM_DROPOUT,
    sequence_length=SEQUENCE_LENGTH,
    vocabulary=vocabulary,
    oov_token=OOV_TOKEN,
)
keras.utils.set_random_seed(SEED)
transformer = TransformerLM(
    vocabulary_size,
    sequence_length=SEQUENCE_LENGTH,
    embedding_dim=EMBEDDING_DIM,
    num_heads=NUM_HEADS,
    intermediate_dim=INTERMEDIATE_DIM,
    num_layers=NUM_LAYERS,
    dropout=TRANSFORMER_DROPOUT,
    vocabulary=vocabulary,
    oov_token=OOV_TOKEN,
)
results = {
    "LSTM": train(lstm, LSTM_LEARNING_RATE),
    "transformer": train(transformer, TRANSFORMER_LEARNING_RATE),
}
print("model        parameters epochs seconds val_loss val_perplexity val_accuracy")
for (name, (epochs, seconds, scores)), model in zip(
    results.items(), (lstm, transformer)
):
    print(
        f"{name:12} {model.count_params():>10,} {epochs:>6} {seconds:>7.0f} "
        f"{scores['loss']:>8.3f} {scores['perplexity']:>14.1f} "
        f"{scores['accuracy']:>12.3f}"
    )

"""
Perplexity is `exp(loss)`: roughly, the number of words the model
hesitates between. In a full run (two busy CPU cores) the transformer does
better with fewer parameters: a validation loss of about 5.8 (perplexity
about 340) after its best epoch, against about 6.0 (perplexity about 400)
for the LSTM, with 0.7 million parameters against 1.1 million (most of
them, in both, in the `5,000 x 64` embedding table and the output layer).
Each training epoch takes longer for the transformer, but it needs fewer:
it reaches its best validation loss after two or three epochs and then
overfits (its training perplexity keeps falling, towards 50, while the
validation loss rises), so early stopping ends it after five. The numbers
vary by a few hundredths from run to run. The gap would grow on a larger
corpus: attention reads every earlier word directly, while the LSTM must
squeeze them all through one state vector. In smoke mode (one epoch on 20
articles) the numbers mean nothing.
"""

"""
## Attention inside the trained model

Each decoder block starts with causal multi-head self-attention on its
input: the token + position embeddings for the first block, the first
block's outputs for the second (keras-hub's blocks normalize after the
residual connection, so the attention reads its input as is). Each
block's attention weights load into `MultiHeadSelfAttention`, which returns
the weights of every head: how much each word takes from each earlier word.
keras-hub's own layer, asked for its scores, must give the same numbers.
"""

# %%
ids = tokenizer.texts_to_sequences([ATTENTION_SENTENCE])[0]
words = [vocabulary[i] for i in ids]
x = transformer.embedding(np.array([ids]))  # (1, T, EMBEDDING_DIM), token + position
padding_mask = np.ones((1, len(ids)), bool)  # no padding in this sentence
causal = np.tril(np.ones((1, len(ids), len(ids)), bool))  # (1, T, T)
rows = []
for b, block in enumerate(transformer.decoder_blocks):
    keras_hub_attention = block._self_attention_layer  # keras-hub's, inside the block
    attention = MultiHeadSelfAttention(num_heads=NUM_HEADS)
    attention.build(x.shape)
    attention.set_weights(keras_hub_attention.get_weights())
    _, block_weights = attention(x, use_causal_mask=True, return_attention_scores=True)
    _, keras_hub_weights = keras_hub_attention(
        x, x, attention_mask=causal, return_attention_scores=True
    )
    compare(f"block {b + 1}: ours vs keras-hub", block_weights, keras_hub_weights)
    block_weights = keras.ops.convert_to_numpy(block_weights)[0]  # (heads, T, T)
    rows.append(
        [(f"block {b + 1}, head {h + 1}", w) for h, w in enumerate(block_weights)]
    )
    x = block(x, decoder_padding_mask=padding_mask)  # the next block's input
compare(
    "last block by hand vs contextual_embeddings",
    x[0],
    transformer.contextual_embeddings(ids),
)
attention_png = save_heatmaps(
    rows,
    os.path.join(OUT_DIR, "attention_weights.png"),
    xlabel="key (attended word)",
    ylabel="query (attending word)",
    labels=words,
)
print("Wrote", attention_png)

"""
`attention_weights.png` has one lower-triangular matrix per head (columns)
and block (rows) for "the reserve bank cut interest rates again"; the upper
triangle is the causal mask, the only part fixed by hand. In a full run
the first block's heads spread each word's attention almost evenly over the
words so far (an average of the prefix), while the second block's heads
differ from each other and pick words: some lean on the first word, others
on the word itself or on the word just before it ("interest" looking back
at "cut", in one run). The exact patterns change from run to run.
"""

"""
## Part 3, contextual vs static embeddings

The embedding table (`get_embeddings()`) gives a word one vector, the same
in every sentence: a **static** embedding, like word2vec's or GloVe's, and
like the LSTM's. The last decoder block's outputs
(`contextual_embeddings()`) give every occurrence its own vector, built by
attention from the word and the words before it: a **contextual** embedding.
"bank" in "the west bank" (a territory) and in "the reserve bank" (a
lender) gets one row of the table but different contextual vectors. The
three phrases below put "bank" at the same position after the same "the",
so only the middle word differs.
"""

# %%


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


bank_id = tokenizer.texts_to_sequences(["bank"])[0][0]  # <unk> if "bank" is rare
static = transformer.get_embeddings()[bank_id]  # (EMBEDDING_DIM,): one row for all
bank_vectors = []
for sentence in BANK_SENTENCES:
    words = text_to_word_sequence(sentence)
    vectors = transformer.contextual_embeddings(sentence)  # (len(words), EMBEDDING_DIM)
    bank_vectors.append(vectors[words.index("bank")])
    print(f"{sentence!r:20} 'bank': {np.round(bank_vectors[-1][:4], 2)} ...")
print("Static row of 'bank' in every sentence:", np.round(static[:4], 2), "...")
print("Cosine similarity of the contextual vectors of 'bank':")
for i, j in ((0, 1), (0, 2), (1, 2)):
    similarity = cosine(bank_vectors[i], bank_vectors[j])
    print(f"  {BANK_SENTENCES[i]!r:20} vs {BANK_SENTENCES[j]!r:20} {similarity:.3f}")
print("Static embedding, any two sentences: 1.000 (the same row)")

"""
The static row is one vector whatever the sentence: its cosine similarity
with itself is 1, and "bank" means the same thing in all three phrases as
far as the table is concerned. The contextual vectors of "bank" differ,
because attention mixed in "west", "reserve" or "central". The differences
are small here (cosines above 0.9 in a full run), and the model does not
reliably put the two lenders closer to each other than to the territory:
60,000 words of news are too few to learn word senses. Pretrained models
(Part 6) learn them from billions of words.
"""

"""
## The causal property

A decoder's token vectors are built only from the token and the words
before it. Changing a later word ("fire" -> "police") must leave every
earlier vector unchanged and may change the vectors from that word on.
"""

# %%
before, after = (transformer.contextual_embeddings(s) for s in CAUSAL_SENTENCES)
changed = text_to_word_sequence(CAUSAL_SENTENCES[0]).index("fire")
prefix = " ".join(text_to_word_sequence(CAUSAL_SENTENCES[0])[:changed])
earlier = max_difference(before[:changed], after[:changed])
later = max_difference(before[changed:], after[changed:])
print(f"Words 0-{changed - 1} ({prefix!r}): max |difference| {earlier:.1e}")
print(f"Words {changed}-{len(before) - 1}: max |difference| {later:.2f}")
print("Earlier vectors unchanged:", earlier < 1e-5)

"""
The vectors of "the government said the" are identical in both sentences
(differences of 0 or float32 rounding), and from "fire"/"police" on they
differ. That is what lets a decoder be trained on every position of a
sentence at once, and what makes its vectors one-sided: a masked model such
as BERT (Part 6) attends both ways, so there every vector depends on the
whole sentence.
"""

"""
## Part 4, generating text with each sampler

`generate` is the same for both models: it continues a prompt one word at a
time with a keras-hub sampler, never producing padding or `<unk>`.

- `greedy` takes the most likely word: deterministic, often repetitive;
- `beam` keeps the `num_beams` best partial sentences;
- `random` samples from the whole distribution: varied, often incoherent;
- `top_k` samples among the `k` most likely words;
- `top_p` samples among the fewest words whose probabilities sum to `p`.
"""

# %%
sampler_settings = {
    "greedy": {},
    "top_k": {"k": 10},
    "top_p": {"p": 0.9},
    "random": {},
    "beam": {"num_beams": 3},
}
for sampler, kwargs in sampler_settings.items():
    text = transformer.generate(
        PROMPT, num_words=NUM_GENERATED_WORDS, sampler=sampler, seed=SEED, **kwargs
    )
    print(f"{sampler:>6}: {text}")

"""
As with the LSTM of tutorial 04, greedy and beam search settle on the most
frequent phrases of the corpus ("the government is to", "new south wales")
and loop, `random` wanders, and `top_k` and `top_p` sit in between. A few
minutes of training on 60,000 words gives locally plausible phrases, not
sentences that make sense.
"""

"""
## Part 5, subwords: WordPiece vs a word-level vocabulary

A word-level tokenizer with 5,000 ids maps every word outside its 5,000
most frequent ones to `<unk>`: names, numbers, rare words all become the
same id and their meaning is lost. BERT's tokenizer (WordPiece) spends its
ids on frequent words **and** on word pieces down to single characters, so
an unseen word is spelled in known pieces instead (`##` marks a piece that
continues a word).

`train_word_piece_vocabulary(texts, vocabulary_size)` learns the pieces
(keras-hub's learner, tensorflow-text's port of BERT's) and
`word_piece_tokenizer(vocabulary)` builds the keras-hub tokenizer that
uses them.
"""

# %%
all_documents = datasets.load_builtin_corpus()
train_texts = all_documents[:SUBWORD_TRAIN_DOCUMENTS]  # the first articles
held_out = all_documents[-HELD_OUT_DOCUMENTS:]  # the last ones, never seen
word_pieces = train_word_piece_vocabulary(train_texts, SUBWORD_VOCABULARY_SIZE)
pieces = word_piece_tokenizer(word_pieces)
print(f"{len(word_pieces):,} tokens, the first ones: {word_pieces[:12]}")
print("Longest pieces:", sorted(word_pieces[5:], key=len)[-6:])  # [5:]: not reserved
ids = keras.ops.convert_to_numpy(pieces(UNSEEN_WORD))
print(
    f"{UNSEEN_WORD!r} -> ids {ids.tolist()} -> "
    f"{[pieces.id_to_token(int(i)) for i in ids]} -> {pieces.detokenize(ids)!r}"
)

"""
The vocabulary starts with BERT's five reserved tokens, then every
character twice (as a word start and as a `##` continuation), then the
frequent pieces and whole words. A word the articles never contained is
still spelled, and `detokenize` joins the pieces back into the word.

`compare_oov_rates(train_texts, test_texts, vocabulary_size)` trains the
same WordPiece vocabulary and, beside it, a word-level `Tokenizer` with
exactly as many ids on the same articles, and measures the share of the
held-out articles' words that each cannot represent.
"""

# %%
comparison = compare_oov_rates(train_texts, held_out, SUBWORD_VOCABULARY_SIZE)
print(comparison)
word_level = comparison.word_tokenizer  # Tokenizer(num_words=len(word_pieces))
oov_id = word_level.word_index[word_level.oov_token]
held_out_words = list(
    dict.fromkeys(w for text in held_out for w in text_to_word_sequence(text))
)
unknown = [  # held-out words the word-level tokenizer maps to <unk>
    w
    for w, ids in zip(held_out_words, word_level.texts_to_sequences(held_out_words))
    if ids == [oov_id]
]
for word in unknown[:6]:
    ids = keras.ops.convert_to_numpy(pieces(word))
    tokens = [pieces.id_to_token(int(i)) for i in ids]
    print(f"{word!r:16} word-level: {word_level.oov_token!r:8} WordPiece: {tokens}")

"""
Asked for 2,000 tokens, the learner keeps about 1,400 from 250 articles
(a piece must occur at least 10 times). With exactly that many ids, the
word-level vocabulary loses about a quarter of the held-out words to
`<unk>` (23% in a full run), while WordPiece loses none (only a word with
a character it never saw would become `[UNK]`). The price is longer
sequences: about 1.8 tokens per word, since rare words take several pieces,
from whole stems ("office" + "##s") down to single letters. Each piece has
an embedding row, so a model still gets vectors for every part of an unseen
word. This is why BERT and GPT use subword vocabularies.
"""

"""
## Part 6, pretrained contextual embeddings: the lecture's lab in Keras

The lecture's lab, with Hugging Face's `transformers`:

```python
from transformers import BertTokenizer, BertModel
tokenizer = BertTokenizer.from_pretrained('bert-base-uncased')
model = BertModel.from_pretrained('bert-base-uncased')
inputs = tokenizer("Hello, my dog is cute", return_tensors="pt")
outputs = model(**inputs)
last_hidden_states = outputs.last_hidden_state
```

In Keras, on Colab or any machine with internet, the same lab is (the
preset is downloaded from Kaggle once and cached):

```python
from keras_embeddings.models import contextual_embeddings, from_preset

backbone, tokenizer = from_preset("bert_tiny_en_uncased")  # or "bert_base_en_uncased"
tokens, last_hidden_states = contextual_embeddings(
    backbone, tokenizer, "Hello, my dog is cute"
)
tokens  # ['[CLS]', 'hello', ',', 'my', 'dog', 'is', 'cute', '[SEP]']
last_hidden_states.shape  # (8, 128) for bert_tiny; (8, 768) for bert_base
```

The lecture's second exercise reads `outputs.embedding_output`, which a
`BertModel` output does not have: the input embeddings are
`model(**inputs, output_hidden_states=True).hidden_states[0]`.

This tutorial runs offline, so it builds a tiny BERT with random weights
from the WordPiece vocabulary of Part 5 (it holds BERT's special tokens
`[PAD]`, `[CLS]`, `[SEP]`, `[UNK]`, `[MASK]`), saves it as a preset folder
with `save_to_preset`, and loads it back with `from_preset(path)`, exactly
as one would load a downloaded preset without network.
"""

# %%
keras.utils.set_random_seed(SEED)
bert_vocabulary = list(word_pieces)
# Make each word of the demo sentences one token, as in a real BERT vocabulary.
bert_vocabulary += sorted(
    {w for s in BERT_SENTENCES for w in s.split()} - set(bert_vocabulary)
)
tiny_backbone = keras_hub.models.BertBackbone(
    vocabulary_size=len(bert_vocabulary),
    num_layers=BERT_NUM_LAYERS,
    num_heads=BERT_NUM_HEADS,
    hidden_dim=BERT_HIDDEN_DIM,
    intermediate_dim=BERT_INTERMEDIATE_DIM,
    max_sequence_length=BERT_MAX_SEQUENCE_LENGTH,
)
tiny_tokenizer = keras_hub.models.BertTokenizer(
    vocabulary=bert_vocabulary, lowercase=True
)
tiny_backbone.save_to_preset(PRESET_DIR)
tiny_tokenizer.save_to_preset(PRESET_DIR)
print("Preset files:", sorted(os.listdir(PRESET_DIR)))

backbone, bert_tokenizer = from_preset(PRESET_DIR)
print(
    f"from_preset loaded a {type(backbone).__name__} with "
    f"{backbone.count_params():,} parameters"
)
tokens, last_hidden_states = contextual_embeddings(
    backbone, bert_tokenizer, "Hello, my dog is cute"
)
print("tokens:", tokens)
print("last_hidden_states:", last_hidden_states.shape)

(tokens_a, vectors_a), (tokens_b, vectors_b) = contextual_embeddings(
    backbone, bert_tokenizer, BERT_SENTENCES
)
print("tokens:", tokens_a, tokens_b, sep="\n  ")
for position in range(3):  # "[CLS] the bank" starts both sentences
    token, a, b = tokens_a[position], vectors_a[position], vectors_b[position]
    print(
        f"{token!r:8} in both sentences: cosine {cosine(a, b):.4f}, "
        f"max |difference| {max_difference(a, b):.1e}"
    )

"""
The preset folder holds `config.json`, `model.weights.h5`, `tokenizer.json`
and the vocabulary under `assets/`; `from_preset` reads it back without any
download. Words the vocabulary lacks as a whole (such as "hello") are
spelled in pieces; `contextual_embeddings` returns one vector per token,
`[CLS]` and `[SEP]` included, like `last_hidden_state`.

Both sentences start with "[CLS] the bank": the same tokens at the same
positions, so the same input vectors. Yet "bank" gets a different vector in
each sentence, and so do "the" and `[CLS]` before it: unlike the causal
model of Part 3, where the vectors before the changed word did not move at
all, BERT attends in both directions, so every vector depends on the whole
sentence, including the words after it. With random weights the tokens mix
only weakly (differences of about 1e-2, far above float32 rounding, with
cosines near 1) and the differences carry no meaning. With
`bert_tiny_en_uncased` or `bert_base_en_uncased` they encode the sense of
"bank" (a river bank, a lender), which is what makes contextual vectors
useful for search, classification or question answering.
"""

"""
## Conclusion

The lecture's transformer, formula by formula, in Keras:

- `sinusoidal_encoding` / `SinusoidalPositionEncoding` compute
  `PE(pos, 2i) = sin(pos / 10000^(2i/d_model))` and its cosine twin, equal to
  keras-hub's `SinePositionEncoding`;
- `scaled_dot_product_attention` / `ScaledDotProductAttention` compute
  `softmax(Q Kᵀ / √d_k) V` with causal and padding masks, and
  `MultiHeadSelfAttention` equals `keras.layers.MultiHeadAttention` with the
  same weights;
- `PositionwiseFeedForward` is `FFN(x) = max(0, x W_1 + b_1) W_2 + b_2`;
- `TransformerLM`, a small GPT built from keras-hub blocks, trains on the
  same windows as the LSTM of tutorial 04, generates with the same samplers,
  and gives contextual embeddings beside its static table;
- `compare_oov_rates` shows why transformers use WordPiece subwords;
- `from_preset` and `contextual_embeddings` are the lecture's BERT lab.

To go further: on Colab, replace the tiny random BERT with
`from_preset("bert_tiny_en_uncased")` and compare the "bank" vectors; train
`TransformerLM` on a larger corpus with more layers (`NUM_LAYERS`) and a
longer context (`SEQUENCE_LENGTH`); or tie its input and output embeddings
(`tie_weights=True`), which saves the 320,000 weights of its output layer.
"""
