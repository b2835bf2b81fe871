"""
Title: GloVe word vectors on the CSC321 4-grams
Author: keras_embeddings team
Date created: 2026/11/21
Last modified: 2026/11/21
Description: The CSC321 lab's simplified GloVe in Keras: co-occurrence counts, the loss and gradient checked against the lab's formulas, model.fit, and the embedding-dimension sweep.
Accelerator: None
Colab: https://colab.research.google.com/github/keras-embeddings/keras_embeddings/blob/main/tutorials/ipynb/07_glove.ipynb
"""

"""
## Introduction

Part 1 of the CSC321 assignment "Learning Distributed Word Representations"
fits word vectors to word co-occurrence counts, a simplified GloVe
(Pennington et al. 2014). From the 4-grams of the course data it counts
`X_ij`, how often word `j` comes right after word `i`, and fits

    L = sum_ij (w_i . w~_j + b_i + b~_j - log X_ij)^2

with a vector and a bias for each word as the first word of a pair (`w_i`,
`b_i`) and as the second (`w~_j`, `b~_j`); the symmetric model uses one
vector and one bias per word (`W~ = W`, `b~ = b`). The lab writes the
counting loop, the loss, its gradient and full-batch gradient descent in
NumPy, then trains both models for embedding dimensions 1, 2, 10, 128 and
256 and plots the final training and validation losses.

This tutorial runs the lab with `keras_embeddings`:

1. `datasets.cooccurrence`, the lab's counting loop vectorized (about 100
   times faster);
2. `models.GloVe`, a Keras model whose compiled loss is the lab's `L`;
   its loss and its autodiff gradient are checked against the lab's
   `loss_GLoVE` and `grad_GLoVE`;
3. training with `model.fit`, step for step the lab's gradient descent;
4. the embedding-dimension sweep, the lab's figure, and what its
   validation loss does and does not measure;
5. nearest words and 2-D maps of the learned vectors.

It needs the course data (`data.mat` or `data.pk`); it reads it from
`../shared/data/csc321/` beside the repository, the folder in
`KERAS_EMBEDDINGS_CSC321`, or downloads the course archive. Everything
runs on a CPU in about a minute.
"""

"""
## Setup

All settings come first. `KERAS_EMBEDDINGS_SMOKE=1` shrinks the run (two
dimensions, a few steps) so tests can run the whole file quickly;
`KERAS_EMBEDDINGS_OUT` chooses where the figures go.
The lab computes in float64, and so do the models here; on the JAX backend
we first turn on JAX's 64-bit mode, since without it JAX computes float64
arrays in float32.
"""

# %%
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import tensorflow as tf

from keras_embeddings import analysis, datasets, export, gradcheck, plots
from keras_embeddings.models import GloVe

SMOKE = os.environ.get("KERAS_EMBEDDINGS_SMOKE") == "1"
OUT_DIR = os.environ.get("KERAS_EMBEDDINGS_OUT", os.path.join("runs", "tutorial_07"))
_HERE = os.path.dirname(os.path.abspath(globals().get("__file__", "07_glove.py")))
DATA_DIR = os.environ.get(
    "KERAS_EMBEDDINGS_CSC321",
    os.path.join(_HERE, "..", "..", "shared", "data", "csc321"),
)
if not os.path.isdir(DATA_DIR):
    DATA_DIR = None  # download the course archive into the Keras cache

# The lab's settings (Part 1 of the assignment).
DELTA_SMOOTHING = 0.5  # added to every count before the log
INIT_SCALE = 0.1  # initial weights: 0.1 * standard normal
LEARNING_RATE = 0.05  # divided by the vocabulary size, as the lab does
NUM_STEPS = 20 if SMOKE else 500  # the lab's n_epochs: full-batch steps
STEPS_PER_EPOCH = 5 if SMOKE else 50  # Keras epochs of 50 steps: 10 curve points
EMBEDDING_DIMS = [2, 10] if SMOKE else [1, 2, 10, 128, 256]
NUMPY_SEED = 1  # the lab's np.random.seed(1) before the sweep

QUERY_WORDS = ["he", "could", "is", "day", "government", "new"]
SEED = 0

# The lab computes in float64; so do the models below (weights and loss).
# Without JAX's 64-bit mode, `GloVe` would refuse float64 with a clear error.
if keras.backend.backend() == "jax":
    import jax

    jax.config.update("jax_enable_x64", True)
keras.config.set_floatx("float64")
keras.utils.set_random_seed(SEED)
os.makedirs(OUT_DIR, exist_ok=True)

"""
## The 4-grams

`load_csc321` reads the course file. The next-word layout gives the first
three words of each 4-gram as `inputs` and the fourth as `targets`, with
0-based ids into a vocabulary of 250 words; the lab's co-occurrences use
all four words of each row, so we stack them back together.
"""

# %%
data = datasets.load_csc321(DATA_DIR)
vocabulary = data.vocabulary
vocabulary_size = len(vocabulary)
train_ngrams = np.column_stack(data.train)  # (372500, 4)
valid_ngrams = np.column_stack(data.valid)  # (46500, 4)
print(
    f"train {train_ngrams.shape}, valid {valid_ngrams.shape}, {vocabulary_size} words"
)
for row in train_ngrams[:3]:
    print("   ", " ".join(vocabulary[i] for i in row))

"""
## The co-occurrence matrix

The lab's `calculate_log_co_occurrence` loops over the rows in Python and
adds 1 for each pair of neighbours `(row[0], row[1])`, `(row[1], row[2])`,
`(row[2], row[3])`, and with `symmetric=True` for the reversed pairs too;
then it adds `delta_smoothing = 0.5` so that the log of a pair never seen
is finite, and takes the log. `datasets.cooccurrence` gives the same matrix,
entry for entry, with one `np.bincount` (`benchmarks/cooccurrence.py`:
about 100 times faster asymmetric, 200 times symmetric). The lab trains
both models on the asymmetric matrix.
"""

# %%
start = time.perf_counter()
counts = datasets.cooccurrence(train_ngrams, vocabulary_size, symmetric=False)
print(f"Counted {counts.sum():,.0f} pairs in {time.perf_counter() - start:.4f} s")
log_x_train = datasets.cooccurrence(
    train_ngrams,
    vocabulary_size,
    symmetric=False,
    delta_smoothing=DELTA_SMOOTHING,
    log=True,
)
log_x_valid = datasets.cooccurrence(
    valid_ngrams,
    vocabulary_size,
    symmetric=False,
    delta_smoothing=DELTA_SMOOTHING,
    log=True,
)
print(
    f"log X: {log_x_train.shape}, from {log_x_train.min():.3f} to {log_x_train.max():.3f}"
)
print(f"Pairs never seen: {np.mean(counts == 0):.1%} of the matrix")

word_id = {word: i for i, word in enumerate(vocabulary)}
print("Most frequent pairs:")
for flat in np.argsort(-counts, axis=None)[:8]:
    i, j = divmod(int(flat), vocabulary_size)
    print(f"    {vocabulary[i]:>6} {vocabulary[j]:<6} {counts[i, j]:>7,.0f}")
new, york = word_id["new"], word_id["york"]
print(
    f'X["new", "york"] = {counts[new, york]:.0f}, X["york", "new"] = {counts[york, new]:.0f}'
)
symmetric_counts = datasets.cooccurrence(train_ngrams, vocabulary_size, symmetric=True)
print(
    "symmetric == asymmetric + transpose:",
    np.array_equal(symmetric_counts, counts + counts.T),
)

"""
Almost three quarters of the 62,500 entries are zero: those all become
`log 0.5 = -0.693`, and the model has to fit them as well as the frequent
pairs. The counts are far from symmetric ("new york" is common, "york new"
absent), which the symmetric model cannot express.
"""

"""
## The model and the lab's loss and gradient

`GloVe(vocabulary_size, embedding_dim, symmetric=...)` holds `W`, `b` and,
for the asymmetric model, `W~`, `b~`. It reads either pairs `(i, j)` and
predicts `log X_ij`, or word ids `i` and predicts their whole rows of the
matrix with one matrix product; both give the same loss. `compile()` sets
the loss to `SumSquaredError`, the *sum* of squared errors over the batch,
so on the whole matrix in one batch it is the lab's `L`.

The lab's parameter count (§1.1): two vectors and two biases per word,
`2V(d + 1)`; the symmetric model has `V(d + 1)`.
"""

# %%
check_dim = 4
model = GloVe(vocabulary_size, check_dim)
symmetric_model = GloVe(vocabulary_size, check_dim, symmetric=True)
model.compile()
symmetric_model.compile()
V, d = vocabulary_size, check_dim
print(
    f"asymmetric: {model.count_params():,} parameters, 2V(d + 1) = {2 * V * (d + 1):,}"
)
print(
    f"symmetric:  {symmetric_model.count_params():,} parameters, "
    f"V(d + 1) = {V * (d + 1):,}"
)

"""
The lab's NumPy functions, as its notebook writes them (`W` is `V x d`, `b`
is `V x 1`; `W_tilde = b_tilde = None` is the symmetric model):
"""


# %%
def loss_GLoVE(W, W_tilde, b, b_tilde, log_co_occurrence):
    "Compute the GLoVE loss."
    n, _ = log_co_occurrence.shape
    if W_tilde is None and b_tilde is None:
        W_tilde, b_tilde = W, b
    scores = W @ W_tilde.T + b @ np.ones([1, n]) + np.ones([n, 1]) @ b_tilde.T
    return np.sum((scores - log_co_occurrence) ** 2)


def grad_GLoVE(W, W_tilde, b, b_tilde, log_co_occurrence):
    "Return the gradient of GLoVE objective w.r.t W, W_tilde, b and b_tilde."
    n, _ = log_co_occurrence.shape
    ones = np.ones([n, 1])
    if W_tilde is not None and b_tilde is not None:
        loss = W @ W_tilde.T + b @ ones.T + ones @ b_tilde.T - log_co_occurrence
        return 2 * loss @ W_tilde, 2 * loss.T @ W, 2 * loss @ ones, 2 * loss.T @ ones
    loss = (
        W @ W.T
        + b @ ones.T
        + ones @ b.T
        - 0.5 * (log_co_occurrence + log_co_occurrence.T)
    )
    return 4 * (W.T @ loss).T, None, 4 * (ones.T @ loss).T, None


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def seed_params(glove):
    """A model's weights as the lab's arrays: W, W_tilde, b, b_tilde."""
    w, b = to_numpy(glove.w), to_numpy(glove.b)[:, None]
    if glove.symmetric:
        return w, None, b, None
    return w, to_numpy(glove.w_tilde), b, to_numpy(glove.b_tilde)[:, None]


def loss_gradients(glove, x, y):
    """The gradient of the compiled loss for each of `glove.trainable_variables`.

    `gradcheck.gradients` differentiates a function of the weights' values
    with the backend's autodiff (TensorFlow, JAX or PyTorch); the function
    runs the model on those values with `stateless_call`.
    """
    weights = glove.trainable_variables
    non_trainable = [v.value for v in glove.non_trainable_variables]

    def loss(*values):
        y_pred, _ = glove.stateless_call(list(values), non_trainable, x)
        return glove.compute_loss(x=x, y=y, y_pred=y_pred)

    return gradcheck.gradients(loss, [to_numpy(w) for w in weights])


"""
Keras' loss and the autodiff gradient against them, on the whole matrix
(`x` = every word id, `y` = every row):
"""

# %%
all_ids = np.arange(vocabulary_size)
for glove in (model, symmetric_model):
    keras_loss = glove.compute_loss(y=log_x_train, y_pred=glove(all_ids))
    by_weight = dict(
        zip(
            [id(w) for w in glove.trainable_variables],
            loss_gradients(glove, all_ids, log_x_train),
        )
    )
    variables = [glove.w, glove.w_tilde, glove.b, glove.b_tilde]
    if glove.symmetric:
        variables = variables[::2]  # W~ is W and b~ is b
    gradients = [by_weight[id(v)] for v in variables]
    lab_loss = loss_GLoVE(*seed_params(glove), log_x_train)
    lab_gradients = [  # W, W~, b, b~ (None for the symmetric model's W~, b~)
        g for g in grad_GLoVE(*seed_params(glove), log_x_train) if g is not None
    ]
    lab_gradients = [g.reshape(v.shape) for g, v in zip(lab_gradients, variables)]
    name = "symmetric" if glove.symmetric else "asymmetric"
    print(
        f"{name}: Keras loss {float(to_numpy(keras_loss)):.10f}, "
        f"lab's loss_GLoVE {lab_loss:.10f}"
    )
    for variable, got, expected in zip(variables, gradients, lab_gradients):
        error = np.max(np.abs(got - expected)) / np.max(np.abs(expected))
        print(f"    d L / d {variable.name:<8} max relative difference {error:.1e}")

"""
The loss agrees to the last printed digit and every gradient to about
`1e-16`, float64 rounding. The symmetric gradient is the interesting one: the
lab's formula uses `(X + X.T) / 2` where the loss has `X`, which is right
because `W W.T + b 1.T + 1 b.T` is symmetric: the antisymmetric part of `X`
adds a constant to `L` that no parameter can reduce. (The older handout's
formula, `4 (W W.T + ... - log X) W`, is right only for a symmetric `X`.)
`tests/test_glove.py` repeats these checks on random parameters, for pairs
and rows, and compares against finite differences.
"""

"""
## Training with `model.fit`: the lab's gradient descent

The lab runs 500 steps of full-batch gradient descent with learning rate
`0.05 / V` from weights `0.1 * normal`. With Keras that is plain SGD on
the whole matrix as one batch: the dataset below yields the 250 rows as one
batch, forever, and each Keras "epoch" is 50 of those steps (so the
history has one point per 50 steps and Keras' per-epoch bookkeeping runs
10 times instead of 500). The logged `loss` is the average of `L` over the
epoch's steps, `val_loss` the lab's validation loss after them.
"""

# %%
train_steps = tf.data.Dataset.from_tensors((all_ids, log_x_train)).repeat()
valid_batch = tf.data.Dataset.from_tensors((all_ids, log_x_valid))


STEPS_PER_EXECUTION = 1 if keras.backend.backend() == "torch" else STEPS_PER_EPOCH


def train(glove, num_steps=NUM_STEPS, **fit_kwargs):
    glove.compile(
        optimizer=keras.optimizers.SGD(LEARNING_RATE / vocabulary_size),
        # The same steps, fewer Python calls (PyTorch runs one step per call).
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    return glove.fit(
        train_steps,
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=num_steps // STEPS_PER_EPOCH,
        validation_data=valid_batch,
        verbose=0,
        **fit_kwargs,
    )


start = time.perf_counter()
glove_10 = GloVe(vocabulary_size, 10)
history = train(glove_10)
print(f"{NUM_STEPS} full-batch steps in {time.perf_counter() - start:.1f} s")
for epoch, (loss, val_loss) in enumerate(
    zip(history.history["loss"], history.history["val_loss"]), 1
):
    print(
        f"    step {epoch * STEPS_PER_EPOCH:>3}: loss {loss:>9.1f}  val_loss {val_loss:>8.1f}"
    )
history_png = os.path.join(OUT_DIR, "history.png")
plots.plot_history(history, history_png)
print("Saved", history_png)

"""
The training loss falls steadily, from about 116,000 to 45,000 for
`d = 10`, while the validation loss bottoms out early (about 69,000 after 100
steps) and then rises: the model starts fitting pairs that are frequent in
the training 4-grams and not in the validation ones. `tests/test_glove.py`
checks that `fit` with `SGD(0.05 / V)` gives the lab's `train_GLoVE`
weights to 1e-10 after several steps.
"""

"""
## The embedding-dimension sweep (§1.4)

As the lab: `np.random.seed(1)`, then for each dimension draw `W`, `W~`,
`b`, `b~` (in that order, `0.1 * normal`), train the asymmetric model from
all four and the symmetric model from `W` and `b`, both on the asymmetric
matrix, and keep the final training and validation losses (the lab's
`loss_GLoVE` after the last step).
"""

# %%
rng = np.random.RandomState(NUMPY_SEED)  # the stream of np.random.seed(1)
sweep = {
    "asymmetric": {"loss": [], "val_loss": []},
    "symmetric": {"loss": [], "val_loss": []},
}
trained = {}
start = time.perf_counter()
for dim in EMBEDDING_DIMS:
    W = INIT_SCALE * rng.normal(size=(vocabulary_size, dim))
    W_tilde = INIT_SCALE * rng.normal(size=(vocabulary_size, dim))
    b = INIT_SCALE * rng.normal(size=(vocabulary_size, 1))
    b_tilde = INIT_SCALE * rng.normal(size=(vocabulary_size, 1))
    for name in sweep:
        glove = GloVe(vocabulary_size, dim, symmetric=name == "symmetric")
        glove.w.assign(W)
        glove.b.assign(b[:, 0])
        if not glove.symmetric:
            glove.w_tilde.assign(W_tilde)
            glove.b_tilde.assign(b_tilde[:, 0])
        train(glove)
        sweep[name]["loss"].append(loss_GLoVE(*seed_params(glove), log_x_train))
        sweep[name]["val_loss"].append(loss_GLoVE(*seed_params(glove), log_x_valid))
        trained[name, dim] = glove
print(
    f"Trained {2 * len(EMBEDDING_DIMS)} models in {time.perf_counter() - start:.1f} s\n"
)
print(
    f"{'d':>4} | {'asymmetric train':>16} {'valid':>10} | {'symmetric train':>15} {'valid':>10}"
)
for k, dim in enumerate(EMBEDDING_DIMS):
    a, s = sweep["asymmetric"], sweep["symmetric"]
    print(
        f"{dim:>4} | {a['loss'][k]:>16,.1f} {a['val_loss'][k]:>10,.1f} | "
        f"{s['loss'][k]:>15,.1f} {s['val_loss'][k]:>10,.1f}"
    )
for name, losses in sweep.items():
    best = EMBEDDING_DIMS[int(np.argmin(losses["val_loss"]))]
    print(f"Best validation loss, {name}: d = {best}")
sweep_path = os.path.join(OUT_DIR, "dimension_sweep.png")
plots.plot_dimension_sweep(EMBEDDING_DIMS, sweep, sweep_path)
print("Saved", sweep_path)

"""
The full run prints (float64, the lab's seed and settings, vocabulary 250):

```
   d | asymmetric train      valid |  symmetric train      valid
   1 |         94,092.5   78,067.4 |       111,728.5   77,347.2
   2 |         79,442.2   76,591.4 |       108,583.6   76,832.8
  10 |         45,380.6   72,700.1 |       101,683.5   76,860.5
 128 |          5,666.9   81,821.3 |        93,806.1   79,722.8
 256 |          1,477.8   84,637.6 |        93,717.2   79,955.6
```

which is what the lab's answer (seed 002 §1.4) reads off its plots:

- the asymmetric model's validation loss is lowest at `d = 10`;
- the symmetric model's is about flat from `d = 2` to `d = 10` (76,833 and
  76,860) and rises for larger `d`;
- the asymmetric model is the better one (72,700 against 76,833 at the
  best `d`): only it can give `X_ij` and `X_ji` different values;
- the training loss always falls with `d`: at `d = 256` the asymmetric
  model nearly reproduces the training matrix (1,478 against 94,092 at
  `d = 1`), which is overfitting, not learning.

(The lab's notebook counted over a 251-word vocabulary, `[MASK]` included,
which adds one row and one column of never-seen pairs; this tutorial uses
the 250 real words, so its numbers are not the notebook's to the digit.)

What the validation loss measures: the validation matrix is counted from
46,500 4-grams, one eighth of the training set, so its log counts are
smaller and its zeros more frequent (87% against 72%). A model that
predicted the training matrix exactly would score
`sum (log X_train - log X_valid)^2`, and predicting the validation
matrix's own mean everywhere sets a reference:
"""

# %%
memorised = np.sum((log_x_train - log_x_valid) ** 2)
constant = np.sum((log_x_valid - log_x_valid.mean()) ** 2)
print(f"Validation loss of log X_train itself:     {memorised:,.1f}")
print(f"Validation loss of a constant (valid mean): {constant:,.1f}")

"""
The training matrix itself scores 87,940 and a constant 59,306, better than
every model in the sweep. The U-shape is real (more dimensions fit more of
the training matrix's noise), but much of the validation loss is the gap
in scale between two matrices counted from corpora of different sizes,
not the quality of the word vectors. Comparing counts per 4-gram
(multiplying the validation counts by 8 before the log) would be the
fairer test; we keep the lab's definition to reproduce its figure.

Early stopping on the validation loss does better than the lab's fixed 500
steps: the `d = 10` model, checked every 50 steps and restored to its best
check, scores about 69,000 instead of 72,700.
"""

# %%
glove_early = GloVe(vocabulary_size, 10)
early = train(
    glove_early,
    callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)],
)
print(
    f"Early stopping: {len(early.history['loss']) * STEPS_PER_EPOCH} steps, "
    f"validation loss {loss_GLoVE(*seed_params(glove_early), log_x_valid):,.1f}"
)

"""
## Nearest words

The lab reads the word vectors from `W` (`get_embeddings()`;
`source="average"` gives `(W + W~) / 2`, closer to the original GloVe's
`W + W~`). The CSC321 vocabulary has no padding id (GloVe's `padding_id` is
None), so `export.to_word_vectors` pairs every row with its word. `analysis.most_similar` ranks the other words by
cosine similarity, as gensim does.
"""

# %%
best_model = trained["asymmetric", 10]
word_vectors = export.to_word_vectors(best_model, vocabulary)
for word in QUERY_WORDS:
    neighbours = analysis.most_similar(word_vectors, word, topn=6)
    print(f"{word:>10}: {', '.join(w for w, _ in neighbours)}")

"""
Fitted only to which word follows which, the 10-dimensional vectors group
words by how they are used: pronouns (`he`: she, i, we, they), modal
verbs (`could`: would, should, can, will, might, may), forms of "be"
(`is`: was, 's, been, be, are, were) and nouns (`day`: year, game, time,
case, place).
"""

"""
## Maps of the embeddings

The lab plots the symmetric model's 2-D vectors as they are
(`plot_2d_GLoVE_representation`) and a t-SNE map of larger ones.
`plots.plot_embedding_2d` draws both: for 2-D vectors its PCA is only a
rotation, so the first map is the raw embedding; the second is t-SNE of the
best (asymmetric, `d = 10`) model.
"""

# %%
vectors_2d = export.to_word_vectors(trained["symmetric", 2], vocabulary)
map_path = os.path.join(OUT_DIR, "glove_2d.png")
plots.plot_embedding_2d(vectors_2d, map_path, max_words=250)
print("Saved", map_path)
tsne_path = os.path.join(OUT_DIR, "glove_tsne.png")
plots.plot_embedding_2d(word_vectors, tsne_path, method="tsne", max_words=250)
print("Saved", tsne_path)

"""
In two dimensions the nouns and adjectives crowd together on one side and
the pronouns and verbs (i, we, they; could, would, should, can) spread out
on the other; t-SNE of the 10-dimensional vectors separates finer groups:
the modal verbs, the forms of "be", the numbers (two, three, four, five),
the determiners (a, the, his, my, their, your).
"""

"""
## Conclusion

The lab's GloVe part, in a few calls:

- `datasets.cooccurrence(ngrams, V, symmetric=False, delta_smoothing=0.5,
  log=True)` is the lab's `calculate_log_co_occurrence`, identical entry
  for entry and about 100 times faster;
- `models.GloVe(V, d, symmetric=...)` compiles to the lab's loss `L`; its
  autodiff gradient equals the lab's `grad_GLoVE`, and `model.fit` with
  `SGD(0.05 / V)` on the whole matrix is the lab's gradient descent;
- the dimension sweep reproduces the lab's findings (asymmetric best at
  `d = 10`, symmetric flat from 2 to 10), and shows that the lab's
  validation loss mostly measures the difference in size between the two
  corpora.

To go further, train on pairs with the original GloVe weighting
(`model.fit(pairs, values, sample_weight=f(X))` with
`datasets.cooccurrence_pairs`), count co-occurrences over whole sentences
(`datasets.cooccurrence(sequences, V)` takes lists of ids of any length),
or compare these vectors with the neural language model's of tutorial 08.
"""
