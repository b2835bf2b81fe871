"""Word2vec speed and quality: gensim's `Word2Vec` against ours, side by side.

Trains gensim's `Word2Vec` (C code, `workers=2`) and ours
(`datasets.word2vec_dataset` feeding `models.SkipGram` or
`models.CBOWNegativeSampling`, compiled with its defaults: SGD with linear
decay, XLA) with the same settings (vector size 100, window 5, 5
negatives, `min_count` 5, `sample` 1e-3, 5 epochs, learning rate 0.025;
gensim's floor is `min_alpha` 1e-4, ours 0.025 * 1e-4) on two corpora:

- `csc321`: the lecture's `raw_sentences.txt` (97k short sentences, 757k
  words, 250 distinct words once lowercased), split on spaces, read from
  `--data` (`../shared/data/csc321` beside the repository; skipped if
  absent);
- `lee`: the built-in corpus (`datasets.load_builtin_corpus`, 300 news
  articles, 60k words), tokenized by `text.text_to_word_sequence`.

Both libraries get the same token lists, with the words under `min_count`
already removed. Ours trains skip-gram on batches of 4096 pairs with
`shared_negatives=32` and CBOW on batches of 1024 centers with
`shared_negatives=8`: CBOW gives each context word its center's whole
error, and on the 250-word `csc321` vocabulary 4096 diverges and 2048 or a
sharing of 32 agree visibly less with gensim.

**Speed.** Words per second count the same thing for both: the words left
after `min_count`, before subsampling (gensim's "raw words", the id
sequences we feed), times the epochs, over the wall time of everything
from the token lists to trained vectors: for gensim `Word2Vec(...)`,
`build_vocab` and `train`; for ours the vocabulary and id sequences, the
dataset, the model, `compile` and `fit`, XLA compilation included. The
`ep 2+` columns time epochs 2 to 5 alone (from the end of epoch 1, with a
callback in each library), which leaves out our one-time tracing and
compilation. Each run trains gensim and then ours with the same seed, and
the ratio is taken within the run; `--repeats` (2) runs give the spread.
CPU s is the process's CPU time (all threads): on a shared machine, wall
time well above CPU s / 2 means other programs had the cores, and the
summary's `CPU ratio` (gensim's CPU s over ours) is then the steadier
figure. Imports (gensim, Keras, and TensorFlow, whose `tf.data` feeds ours
on every backend) happen before the clocks start, for both.

**Quality.** The evaluation sets of `analysis.evaluate` (WordSim-353,
SimLex-999, Google analogies), scored for both, with the share of pairs
and questions they skip as out of vocabulary: on these corpora most are
(all but a handful on `csc321`, whose 250 words hold few of the sets'
words), so those scores rest on few items and move by several hundredths
between two gensim seeds. The comparison that can be judged to a few
hundredths is corpus-internal, over the whole vocabulary (the 2,000 most
frequent words at most):

- `cosine rho`: the Spearman correlation between two models' cosine
  similarities over all pairs of words (a model's whole similarity
  structure, not only its nearest neighbours);
- `overlap@10`: the mean share of each word's 10 nearest neighbours that
  two models have in common.

Each is reported for gensim against gensim with another seed (the
agreement gensim's own randomness allows), ours against gensim (every
pair of runs) and ours against ours. "Ours is as good as gensim to 0.03"
then reads: ours-vs-gensim >= gensim-vs-gensim - 0.03. A model no worse
than gensim agrees with it as much as gensim agrees with itself.
Nearest neighbours of a few words are printed side by side.

Run (the targets, issue 16: ours at least gensim's words per second on
`csc321` for both models on one backend, and at least half on every row,
on 2 CPU cores):

    python benchmarks/word2vec_vs_gensim.py [--data ../shared/data/csc321]
        [--corpora csc321,lee] [--models skipgram,cbow] [--epochs 5]
        [--repeats 2] [--batch-size 4096] [--shared-negatives 32]
        [--cbow-batch-size 1024] [--cbow-shared-negatives 8]
        [--compilation-cache DIR]

**Where our time goes** (2026-12-07, 2 cores shared with other jobs, load
average about 5, so CPU seconds rather than wall time; `csc321` skip-gram,
238 steps per epoch, unless stated):

- one-time: tracing and XLA compilation of the step, about 0.8 CPU s on
  TensorFlow and on JAX (JAX: 0.55 s of it XLA compilation, measured with
  the persistent cache); under JAX, importing TensorFlow for `tf.data`,
  1.3 to 2.3 s, paid by a script's first run (now imported before the
  clocks, as gensim and Keras are);
- per epoch, about 0.55 CPU s against gensim's 0.45: Keras' compiled
  train step alone 1.8 to 2.0 ms per batch of 4096 pairs on JAX (0.43 to
  0.47 s per epoch; the bare gather-score-scatter is 1.4 ms; CBOW 1.75 ms
  per 1024 centers, 0.6 s for 341 steps), making the pairs in NumPy 0.12 s
  (CBOW 0.15 s; in tf.data's thread, beside the step), and on JAX Keras'
  per-batch path (tf.data -> NumPy -> device, one call per step) about 0.3
  ms per step; TensorFlow runs 16 steps and their input in one graph call;
- the benchmark's own id mapping (vocabulary -> ids): 0.21 s, now 0.05 s.

**Ideas measured** (CPU s of ours, or of the step; kept where it paid and
kept quality):

| idea | TensorFlow | JAX | kept |
|------|------------|-----|------|
| the JAX backend | ratio (wall / CPU) sg 0.59 / 0.63, cbow 0.31 / 0.40 on csc321 | sg 0.74 / 0.66, cbow 0.31 / 0.28: skip-gram a little faster, CBOW slower (5.3 CPU s vs 3.9: 341 per-step round trips) | both backends stay |
| `steps_per_execution` 16 -> 64 (TF) / 1 -> 16 (JAX) | 4 epochs 2.10, 2.35 -> 2.17, 2.10 CPU s: no change | 2.48 -> 2.29 CPU s, noise: Keras 3.15's JAX trainer runs them as a Python loop of one compiled step each | 16 stays |
| several steps per compiled call on JAX (the 16 steps of a call in one `lax.scan`, same results bit for bit) | - | cbow 5 epochs 5.32 -> 5.63 CPU s: epochs 2+ 0.91 -> 0.80 s each, but a second compiled function (an epoch's last steps) adds 0.7 s | no |
| plain sparse SGD step (hand-written gradient of the gathered rows, scatter-add, no optimizer) | - | pure-JAX step 1.47 -> 1.42 ms (sg), 1.20 -> 1.13 ms (cbow) against autodiff: under 6%; Keras' whole step (loss with weights, `pair_loss` metric, optimizer, schedule) is 1.8-2.2 ms (sg), 1.75 (cbow), so at most about 0.1 s per epoch to gain | no: the optimizer (its state, exact resume, other optimizers) stays |
| no `pair_loss` metric / constant learning rate | - | Keras step 2.0-2.2 -> 1.9 / 2.1 ms, both 1.8 ms (noise about 0.2 ms) | no: both are features |
| ... with a one-hot matmul instead of scatter-add | - | 1.47 -> 6.1 ms (sg), 1.20 -> 1.9 ms (cbow) | no |
| negatives by broadcasting instead of a batched matmul | - | 1.28 -> 5.1 ms (sg), 1.16 -> 2.3 ms (cbow) | no |
| CBOW batch 1024 -> 4096 (lr 0.025 or 0.0125) | - | 4 epochs 3.2 -> 6.4 CPU s (slower per example: 40k context rows per step leave the cache) | no |
| other batch sizes | - | cbow 512 / 1024 / 2048: 4.0 / 3.4 / 3.4 CPU s; sg 2048 / 4096: 3.0 / 2.6 | the defaults (4096, 1024) stay |
| compilation cache (JAX's persistent cache, `--compilation-cache`) | no such cache | first epoch 1.37 -> 0.82 CPU s once the step is cached (same shapes and `decay_steps`); lee runs 2: sg 1.53 -> 0.84, cbow 1.14 -> 0.64 CPU s | benchmark option; not turned on by the package (a global JAX setting that writes to disk) |
| XLA CPU thunk runtime off (`XLA_FLAGS`) | - | flag no longer supported by jax 0.10.2: no change | no |
| faster pairs | 0.12 CPU s per epoch in tf.data's thread, beside the step: at most 20% of an epoch | same | unchanged |
| benchmark: TensorFlow imported untimed, ids by `map` | - | first JAX row 1.3-2.3 s less; ids 0.21 -> 0.05 s on both | yes |

After, median of 2 runs, ratio wall / CPU: TensorFlow csc321 sg 0.69 /
0.63, cbow 0.52 / 0.38; lee sg 0.38 / 0.37, cbow 0.07 / 0.09. JAX csc321
sg 0.72 / 0.63, cbow 0.30 / 0.30; lee sg 0.51 / 0.45, cbow 0.13 / 0.17;
with the compilation cache sg 0.80 / 0.68, cbow 0.35 / 0.34; lee sg 0.57 /
0.49, cbow 0.25 / 0.22. Gensim's own wall time moved 2x between runs on
that machine. Quality gaps stayed within -0.025. What limits the ratio:
the one-time 0.8 CPU s of tracing and compilation is more than gensim's
whole run on `lee` (0.17 s CBOW, 0.5 s skip-gram); per `csc321` epoch,
ours costs 1.2 times gensim's CPU for skip-gram, and 1.5 (TensorFlow) to
2.7 (JAX) times for CBOW, whose compiled step alone (0.6 s per epoch on
JAX, every context row gathered and scatter-added) costs twice gensim's
whole epoch (0.3 s); on JAX each step is also a separate Python call with
its own batch conversion (about 0.3 ms).
"""

import argparse
import itertools
import os
import time
from collections import Counter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before Keras loads TensorFlow

import keras
import numpy as np
import tensorflow  # noqa: F401 (tf.data feeds ours: imported here, untimed, as gensim is)
from gensim.models import Word2Vec
from gensim.models.callbacks import CallbackAny2Vec
from scipy import stats

from keras_embeddings import analysis, datasets, models
from keras_embeddings.text import text_to_word_sequence

DEFAULT_DATA = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "csc321"
)
SETTINGS = {
    "vector_size": 100,
    "window": 5,
    "negative": 5,
    "min_count": 5,
    "sample": 1e-3,
    "alpha": 0.025,
}
QUERIES = {
    "csc321": ["day", "money", "police", "she", "could", "john"],
    "lee": ["government", "police", "president", "australia", "fire", "says"],
}
MAX_COMPARED = 2000  # words in the corpus-internal comparison
TOPN = 10


def read_corpus(name, data_dir):
    """Token lists, one per line (csc321) or article (lee)."""
    if name == "csc321":
        path = os.path.join(data_dir, "raw_sentences.txt")
        with open(path, encoding="utf-8") as f:
            return [line.lower().split() for line in f]
    return [text_to_word_sequence(doc) for doc in datasets.load_builtin_corpus()]


def keep_frequent(sentences, min_count):
    """Drop the words under `min_count` (both libraries then see the same)."""
    counts = Counter(itertools.chain.from_iterable(sentences))
    kept = [[w for w in s if counts[w] >= min_count] for s in sentences]
    return [s for s in kept if s]


class EpochClock(CallbackAny2Vec):
    """Gensim: the time at the end of each epoch."""

    def __init__(self):
        self.ends = []

    def on_epoch_end(self, model):
        self.ends.append(time.perf_counter())


class KerasEpochClock(keras.callbacks.Callback):
    """Ours: the time at the end of each epoch."""

    def __init__(self):
        super().__init__()
        self.ends = []

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter())


def train_gensim(sentences, sg, epochs, seed):
    clock = EpochClock()
    start, cpu = time.perf_counter(), time.process_time()
    model = Word2Vec(sg=sg, workers=2, seed=seed, **SETTINGS)
    model.build_vocab(sentences)
    effective, raw = model.train(
        sentences,
        total_examples=model.corpus_count,
        epochs=epochs,
        callbacks=[clock],
    )
    end = time.perf_counter()
    return {
        "wall": end - start,
        "cpu": time.process_time() - cpu,
        "steady": end - clock.ends[0],
        "raw_words": raw,
        "effective_words": effective,
        "vectors": model.wv,
    }


def train_ours(sentences, sg, epochs, seed, batch_size, shared_negatives):
    keras.utils.set_random_seed(seed)
    clock = KerasEpochClock()
    start, cpu = time.perf_counter(), time.process_time()
    # The vocabulary by decreasing count (first seen first among equals), as
    # gensim sorts it; id 0 is padding.
    counts = Counter(itertools.chain.from_iterable(sentences))
    vocabulary = [""] + [
        w for w, c in counts.most_common() if c >= SETTINGS["min_count"]
    ]
    index = {w: i for i, w in enumerate(vocabulary)}
    sequences = [list(map(index.__getitem__, s)) for s in sentences]
    dataset = datasets.word2vec_dataset(
        sequences,
        len(vocabulary),
        model="skipgram" if sg else "cbow",
        window_size=SETTINGS["window"],
        negatives=SETTINGS["negative"],
        sample=SETTINGS["sample"],
        batch_size=batch_size,
        shared_negatives=shared_negatives,
        seed=seed,
    )
    model_class = models.SkipGram if sg else models.CBOWNegativeSampling
    model = model_class(
        len(vocabulary), SETTINGS["vector_size"], negatives=SETTINGS["negative"]
    )
    model.compile(
        learning_rate=SETTINGS["alpha"],
        decay_steps=epochs * int(dataset.cardinality()),
    )
    history = model.fit(
        dataset, epochs=epochs, verbose=0, callbacks=[clock], shuffle=False
    )
    end = time.perf_counter()
    matrix = model.get_embeddings()
    return {
        "wall": end - start,
        "cpu": time.process_time() - cpu,
        "steady": end - clock.ends[0],
        "raw_words": sum(map(len, sequences)) * epochs,
        "vectors": dict(zip(vocabulary[1:], matrix[1:])),
        "pair_loss": history.history["pair_loss"][-1],
    }


def unit_matrix(vectors, words):
    if isinstance(vectors, dict):
        matrix = np.stack([vectors[w] for w in words])
    else:
        matrix = vectors[words]
    matrix = matrix.astype(np.float64)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def agreement(vectors_a, vectors_b, words):
    """(Spearman rho of all pairwise cosines, mean neighbour overlap@10)."""
    a = unit_matrix(vectors_a, words)
    b = unit_matrix(vectors_b, words)
    cos_a, cos_b = a @ a.T, b @ b.T  # (n, n)
    upper = np.triu_indices(len(words), k=1)
    rho = stats.spearmanr(cos_a[upper], cos_b[upper])[0]
    np.fill_diagonal(cos_a, -np.inf)
    np.fill_diagonal(cos_b, -np.inf)
    top_a = np.argpartition(-cos_a, TOPN, axis=1)[:, :TOPN]
    top_b = np.argpartition(-cos_b, TOPN, axis=1)[:, :TOPN]
    overlap = np.mean(
        [len(set(x) & set(y)) / TOPN for x, y in zip(top_a.tolist(), top_b.tolist())]
    )
    return float(rho), float(overlap)


def mean_agreement(pairs, words):
    values = np.array([agreement(a, b, words) for a, b in pairs])
    return values.mean(axis=0) if len(values) else (np.nan, np.nan)


def compare_quality(gensim_runs, our_runs, words):
    """Agreement within gensim, between ours and gensim, within ours."""
    g = [r["vectors"] for r in gensim_runs]
    o = [r["vectors"] for r in our_runs]
    return {
        "gensim vs gensim": mean_agreement(list(itertools.combinations(g, 2)), words),
        "ours vs gensim": mean_agreement(list(itertools.product(o, g)), words),
        "ours vs ours": mean_agreement(list(itertools.combinations(o, 2)), words),
    }


def mean_scores(runs):
    scores = [analysis.evaluate(r["vectors"]) for r in runs]
    return {key: float(np.mean([s[key] for s in scores])) for key in scores[0]}


def fmt(value, digits=3):
    return "   n/a" if value != value else f"{value:6.{digits}f}"


def print_table(header, rows):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = "| " + " | ".join(f"{h:<{w}}" for h, w in zip(header, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(f"{str(x):>{w}}" for x, w in zip(row, widths)) + " |")
    print(flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="the csc321 folder")
    parser.add_argument("--corpora", default="csc321,lee", help="comma-separated")
    parser.add_argument("--models", default="skipgram,cbow", help="comma-separated")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2, help="runs (seeds) each")
    # The package's defaults (datasets.WORD2VEC_DEFAULTS), measured here.
    defaults = datasets.WORD2VEC_DEFAULTS
    batch, shared = defaults["batch_size"], defaults["shared_negatives"]
    parser.add_argument("--batch-size", type=int, default=batch["skipgram"],
                        help="skip-gram")  # fmt: skip
    parser.add_argument("--shared-negatives", type=int, default=shared["skipgram"],
                        help="skip-gram")  # fmt: skip
    parser.add_argument("--cbow-batch-size", type=int, default=batch["cbow"])
    parser.add_argument("--cbow-shared-negatives", type=int, default=shared["cbow"])
    parser.add_argument(
        "--compilation-cache",
        metavar="DIR",
        help="JAX only: keep compiled steps in DIR (JAX's persistent "
        "compilation cache), so that runs after the first skip XLA compilation",
    )
    args = parser.parse_args()
    if args.compilation_cache:
        if keras.backend.backend() != "jax":
            parser.error("--compilation-cache: the JAX backend only")
        import jax

        jax.config.update("jax_compilation_cache_dir", args.compilation_cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    corpora = [c for c in args.corpora.split(",") if c]
    model_names = [m for m in args.models.split(",") if m]
    if set(corpora) - set(QUERIES) or set(model_names) - {"skipgram", "cbow"}:
        parser.error("--corpora: csc321, lee; --models: skipgram, cbow")

    batching = {
        "skipgram": (args.batch_size, args.shared_negatives),
        "cbow": (args.cbow_batch_size, args.cbow_shared_negatives),
    }
    speed_rows, quality_rows, neighbour_rows, summary_rows = [], [], [], []
    for corpus in corpora:
        if corpus == "csc321" and not os.path.exists(
            os.path.join(args.data, "raw_sentences.txt")
        ):
            print(f"Skipping csc321: no raw_sentences.txt in {args.data}\n")
            continue
        sentences = keep_frequent(read_corpus(corpus, args.data), SETTINGS["min_count"])
        words = sum(map(len, sentences))
        for name in model_names:
            sg = int(name == "skipgram")
            gensim_runs, our_runs = [], []
            for seed in range(args.repeats):
                g = train_gensim(sentences, sg, args.epochs, seed)
                o = train_ours(sentences, sg, args.epochs, seed, *batching[name])
                assert g["raw_words"] == o["raw_words"] == words * args.epochs
                gensim_runs.append(g)
                our_runs.append(o)
                steady_words = words * (args.epochs - 1)
                speed_rows.append(
                    [
                        corpus,
                        name,
                        seed + 1,
                        f"{words:,}",
                        f"{g['wall']:.2f}",
                        f"{o['wall']:.2f}",
                        f"{g['raw_words'] / g['wall']:,.0f}",
                        f"{o['raw_words'] / o['wall']:,.0f}",
                        f"{g['wall'] / o['wall']:.2f}",
                        f"{steady_words / g['steady']:,.0f}",
                        f"{steady_words / o['steady']:,.0f}",
                        f"{g['steady'] / o['steady']:.2f}",
                        f"{g['cpu']:.2f}",
                        f"{o['cpu']:.2f}",
                    ]
                )
            vocabulary = gensim_runs[0]["vectors"].index_to_key[:MAX_COMPARED]
            agree = compare_quality(gensim_runs, our_runs, vocabulary)
            ratios = [g["wall"] / o["wall"] for g, o in zip(gensim_runs, our_runs)]
            steady = [g["steady"] / o["steady"] for g, o in zip(gensim_runs, our_runs)]
            cpu = [g["cpu"] / o["cpu"] for g, o in zip(gensim_runs, our_runs)]
            gap = agree["ours vs gensim"] - agree["gensim vs gensim"]
            summary_rows.append(
                [
                    corpus,
                    name,
                    f"{np.median(ratios):.2f}",
                    f"{np.median(steady):.2f}",
                    f"{np.median(cpu):.2f}",
                    f"{gap[0]:+.3f}",
                    f"{gap[1]:+.3f}",
                ]
            )
            for label, (rho, overlap) in agree.items():
                quality_rows.append(
                    [corpus, name, label, fmt(rho), fmt(overlap), "", "", ""]
                )
            g_scores, o_scores = mean_scores(gensim_runs), mean_scores(our_runs)
            for key, label, count in [
                ("wordsim353_spearman", "WordSim-353 rho", "wordsim353"),
                ("simlex999_spearman", "SimLex-999 rho", "simlex999"),
                ("google_analogy_accuracy", "Google analogy acc", "google_analogy"),
            ]:
                items = "pairs" if "analogy" not in key else "questions"
                quality_rows.append(
                    [
                        corpus,
                        name,
                        label,
                        "",
                        "",
                        fmt(g_scores[key]),
                        fmt(o_scores[key]),
                        f"{g_scores[f'{count}_{items}']:.0f} "
                        f"({100 * g_scores[f'{count}_oov']:.0f}% OOV)",
                    ]
                )
            quality_rows.append(
                [corpus, name, "final pair_loss (ours)", "", "", "",
                 fmt(our_runs[-1]["pair_loss"]), ""]
            )  # fmt: skip
            g_vectors, o_vectors = gensim_runs[0]["vectors"], our_runs[0]["vectors"]
            for word in QUERIES[corpus]:
                if word not in o_vectors:
                    continue
                ours = analysis.most_similar(o_vectors, word, topn=5)
                theirs = g_vectors.most_similar(word, topn=5)
                neighbour_rows.append(
                    [
                        corpus,
                        name,
                        word,
                        ", ".join(w for w, _ in theirs),
                        ", ".join(w for w, _ in ours),
                    ]
                )
    print("Speed (words/s: words after min_count, before subsampling, x epochs)\n")
    print_table(
        ["corpus", "model", "run", "words", "gensim s", "ours s", "gensim w/s",
         "ours w/s", "ratio", "gensim w/s ep 2+", "ours w/s ep 2+", "ratio ep 2+",
         "gensim CPU s", "ours CPU s"],
        speed_rows,
    )  # fmt: skip
    print(
        "Quality (mean over runs; agreement: cosine rho / overlap@10 over the "
        f"{MAX_COMPARED} most frequent words at most)\n"
    )
    print_table(
        ["corpus", "model", "measure", "cosine rho", "overlap@10", "gensim",
         "ours", "scored items (OOV share)"],
        quality_rows,
    )  # fmt: skip
    print(
        "Summary (targets: speed ratio >= 0.5; quality gap = ours-vs-gensim minus "
        "gensim-vs-gensim agreement >= -0.03)\n"
    )
    print_table(
        ["corpus", "model", "median ratio", "median ratio ep 2+",
         "median CPU ratio", "gap cosine rho", "gap overlap@10"],
        summary_rows,
    )  # fmt: skip
    print("Nearest neighbours (run 1, top 5)\n")
    print_table(["corpus", "model", "word", "gensim", "ours"], neighbour_rows)
    print(
        f"keras {keras.__version__}, backend {keras.backend.backend()}, "
        f"{os.cpu_count()} CPUs visible, epochs {args.epochs}; ours: batch / "
        "shared_negatives "
        + ", ".join(f"{m} {b} / {n}" for m, (b, n) in batching.items())
        + f"; load average {os.getloadavg()[0]:.1f} at the end"
        + (f"; compilation cache {args.compilation_cache}."
           if args.compilation_cache else ".")
    )  # fmt: skip


if __name__ == "__main__":
    main()
