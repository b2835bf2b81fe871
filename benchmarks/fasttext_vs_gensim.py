"""FastText speed, quality and unseen words: gensim's `FastText` against ours.

Trains gensim's `FastText` (C code, `workers=2`) and ours
(`datasets.word2vec_dataset(..., model="skipgram")` feeding
`models.FastText`, compiled with its defaults: SGD with linear decay, XLA,
as `pipelines.word2vec` trains `SkipGram`) with the same settings:
skip-gram, vector size 100, window 5, 5 negatives, `min_count` 5, `sample`
1e-3, learning rate 0.025, 5 epochs, n-grams of `min_n` 3 to `max_n` 6
characters hashed into the same `bucket` rows for both (2**18 here, not
gensim's 2,000,000: gensim allocates and initializes all of them, 800 MB
at 2,000,000; ours stores only the rows its vocabulary uses). Both get the same token lists, the words under
`min_count` already removed, from the corpora of
`benchmarks/word2vec_vs_gensim.py` (whose helpers this script imports):

- `raw_sentences`: the CSC321 lecture's `raw_sentences.txt` (97k short
  sentences, 250 distinct words once lowercased), from `--data`
  (`../shared/data/csc321` beside the repository; skipped if absent);
- `builtin`: the built-in corpus (`datasets.load_builtin_corpus`, 300
  news articles, 60k words), tokenized by `text.text_to_word_sequence`.

It prints, for each corpus:

1. **Speed**: words per second, counted as in the word2vec benchmark (the
   words left after `min_count`, before subsampling, times the epochs,
   over the wall time from the token lists to trained vectors: for gensim
   `FastText(...)`, `build_vocab` and `train`; for ours the vocabulary,
   ids, dataset, model, `compile` and `fit`, tracing and XLA included),
   and the ratio ours / gensim; `ep 2+` times epochs 2 to the last alone
   (no compilation); CPU s is the process's CPU time, the steadier figure
   on a shared machine.
2. **Agreement**: the word2vec benchmark's measure over the 2,000 most
   frequent words at most: the Spearman rho of all pairwise cosines and
   the mean overlap of the 10 nearest neighbours, ours against gensim
   (seed 0) and gensim (seed 0) against gensim (seed 1).
3. **Unseen words**: from the frequent words (at least 6 letters, seen at
   least 20 times; the 100 most frequent at most) it makes held-out
   variants: misspellings (one letter deleted, two neighbouring letters
   swapped, one letter doubled, at random positions after the first) and
   inflections (+s, +ed, +ing; `e` dropped before -ing and -ed). A
   variant that is a vocabulary word is dropped, and every other variant
   is removed from the training text, so none was seen. A variant scores
   1 when its nearest vocabulary word (cosine over the vocabulary, only
   the padding row excluded) is the word it came from: ours by
   `model.get_vector(variant)` against `model.get_embeddings()`, gensim's
   by `wv.most_similar(wv[variant], topn=1)`. Word2vec, the floor, has no
   vector for a word it never saw and scores 0 by construction.

Targets (issue 16): unseen-word score >= gensim's - 0.03; words/s >= 0.5x
gensim's.

Run (`--quick`: 2 epochs, 32 dimensions, 2**14 rows, a tenth of
`raw_sentences` and a third of `builtin`, 20 source words; about 10 s):

    python benchmarks/fasttext_vs_gensim.py [--corpus raw_sentences|builtin|both]
        [--epochs 5] [--bucket 262144] [--batch-size 2048]
        [--max-sources 100] [--data ../shared/data/csc321] [--quick]

A full run takes about 40 s per backend on 2 cores (gensim: 4 s of it).

**Measured** 2026-12-07, 2 cores (load average about 1), full settings
above, ours at its default of 2,048 pairs per step:

| backend, corpus | words/s gensim / ours (ratio; epochs 2+) | CPU s gensim / ours | unseen score ours / gensim / gensim seed 1 | agreement rho / overlap@10: ours-gensim, gensim-gensim |
|---|---|---|---|---|
| TF, raw_sentences | 1,463,021 / 955,841 (0.65; 0.78) | 4.9 / 5.8 | 0.953 / 0.953 / 0.956 | 0.929 / 0.795, 0.944 / 0.801 |
| TF, builtin | 329,620 / 75,772 (0.23; 0.22) | 1.3 / 3.9 | 0.200 / 0.196 / 0.212 | 0.949 / 0.338, 0.958 / 0.363 |
| JAX, raw_sentences | 1,522,135 / 832,459 (0.55; 0.79) | 4.7 / 6.0 | 0.953 / 0.953 / 0.956 | 0.928 / 0.790, 0.943 / 0.804 |
| JAX, builtin | 324,864 / 71,636 (0.22; 0.23) | 1.3 / 4.9 | 0.203 / 0.198 / 0.211 | 0.949 / 0.345, 0.958 / 0.365 |
| PyTorch, raw_sentences | 1,267,647 / 183,140 (0.14; 0.14) | 5.6 / 31.9 | 0.953 / 0.953 / 0.956 | 0.928 / 0.789, 0.943 / 0.802 |
| PyTorch, builtin | 334,085 / 10,990 (0.03; 0.03) | 1.3 / 41.6 | 0.203 / 0.200 / 0.205 | 0.950 / 0.346, 0.958 / 0.364 |

Word2vec scores 0 on unseen words by construction. Targets: unseen score
met everywhere (+0.000 to +0.005); words/s met on `raw_sentences` on
TensorFlow and JAX (0.65, 0.55), missed on `builtin` (0.23, 0.22) and on
PyTorch, which runs Keras' step eagerly, one call per step, no XLA (0.14,
0.03); agreement within 0.016 (rho) and 0.025 (overlap) of gensim-gensim
on every backend. The morning's run of the same day (the
first `models.FastText`) gave 0.01-0.02x, NaN on `raw_sentences` and an
agreement gap of 0.06 / 0.09 on `builtin`. What changed, each measured on
JAX:

| change | raw_sentences | builtin |
|---|---|---|
| only the vocabulary's n-gram rows stored and trained (others zero), so a step's dense update covers those rows, not `bucket` | 0.02 -> 0.57x (still NaN at 4,096) | 0.02 -> 0.08x |
| every word's vector composed once per step by `segment_sum` over the flat (word, n-gram) list, looked up by the batch | - | 0.08 -> 0.32x |
| train as gensim: skip-gram's mean over `n` n-grams (not `n + 1`), rows initialized in `[-1/dim, 1/dim]` | - | agreement gap -0.062 / -0.104 -> -0.013 / -0.023; unseen -0.027 -> -0.005 |
| 2,048 pairs per step instead of 4,096 | NaN -> 0.953 unseen, 0.63x | 0.32 -> 0.21x (quality unchanged: 256 to 4,096 pairs all gave rho 0.89-0.90 before the change above) |

What limits `builtin` (51,187 words, 1,829 distinct): gensim's whole
run takes 0.8 s, about our one-time tracing and XLA compilation alone;
and each of our steps composes all 1,829 words from their ~45,000
(word, n-gram) rows and updates the ~49,000 trained n-gram rows densely
(an optimizer step on the whole variable), whatever the batch holds, a
fixed cost that 2,048 pairs amortize less than 4,096 (0.32x, which
`raw_sentences`' 248 words cannot take: a shared n-gram row gets the
summed error of too many pairs at once and the run diverges).
"""

import argparse
import itertools
import os
import sys
import time
from collections import Counter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before Keras loads TensorFlow

import keras
import numpy as np
import tensorflow  # noqa: F401 (tf.data feeds ours: imported untimed, as gensim is)
from gensim.models import FastText as GensimFastText

from keras_embeddings import datasets, models
from keras_embeddings.pipelines.word2vec import FASTTEXT_BATCH_SIZE

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from word2vec_vs_gensim import (  # noqa: E402 (the benchmark beside this one)
    DEFAULT_DATA,
    EpochClock,
    KerasEpochClock,
    agreement,
    keep_frequent,
    print_table,
    read_corpus,
)

SETTINGS = {
    "vector_size": 100,
    "window": 5,
    "negative": 5,
    "min_count": 5,
    "sample": 1e-3,
    "alpha": 0.025,
    "min_n": 3,
    "max_n": 6,
}
CORPORA = {"raw_sentences": "csc321", "builtin": "lee"}  # -> read_corpus's names
MAX_COMPARED = 2000
SOURCE_MIN_LENGTH, SOURCE_MIN_COUNT = 6, 20
KINDS = ("deleted", "swapped", "doubled", "+s", "+ed", "+ing")


def variants_of(word, rng):
    """{kind: variant} for one source word (a kind may be missing)."""
    out = {}
    i = int(rng.integers(1, len(word)))
    out["deleted"] = word[:i] + word[i + 1 :]
    swaps = [j for j in range(1, len(word) - 1) if word[j] != word[j + 1]]
    if swaps:
        j = int(rng.choice(swaps))
        out["swapped"] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    i = int(rng.integers(1, len(word)))
    out["doubled"] = word[: i + 1] + word[i:]
    stem = word[:-1] if word.endswith("e") else word
    if not word.endswith("s"):
        out["+s"] = word + "s"
    if not word.endswith("ed"):
        out["+ed"] = stem + "ed"
    if not word.endswith("ing"):
        out["+ing"] = stem + "ing"
    return out


def held_out_variants(raw_counts, max_sources, seed, source_min_count):
    """[(variant, source, kind)]: none a vocabulary word, none repeated."""
    min_count = SETTINGS["min_count"]
    sources = [
        w
        for w, c in raw_counts.most_common()
        if c >= source_min_count and len(w) >= SOURCE_MIN_LENGTH and w.isalpha()
    ][:max_sources]
    rng = np.random.default_rng(seed)
    probes, seen = [], set()
    for source in sources:
        for kind, variant in variants_of(source, rng).items():
            if variant in seen or raw_counts[variant] >= min_count:
                continue  # a real vocabulary word, or already probed
            seen.add(variant)
            probes.append((variant, source, kind))
    return probes


def train_gensim(sentences, epochs, bucket, seed):
    clock = EpochClock()
    start, cpu = time.perf_counter(), time.process_time()
    model = GensimFastText(sg=1, workers=2, seed=seed, bucket=bucket, **SETTINGS)
    model.build_vocab(sentences)
    _, raw = model.train(
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
        "wv": model.wv,
    }


def train_ours(sentences, epochs, bucket, seed, batch_size=FASTTEXT_BATCH_SIZE):
    keras.utils.set_random_seed(seed)
    clock = KerasEpochClock()
    start, cpu = time.perf_counter(), time.process_time()
    counts = Counter(itertools.chain.from_iterable(sentences))
    vocabulary = [""] + [
        w for w, c in counts.most_common() if c >= SETTINGS["min_count"]
    ]  # by decreasing count, as gensim; id 0 is padding
    index = {w: i for i, w in enumerate(vocabulary)}
    sequences = [list(map(index.__getitem__, s)) for s in sentences]
    dataset = datasets.word2vec_dataset(
        sequences,
        len(vocabulary),
        model="skipgram",
        window_size=SETTINGS["window"],
        negatives=SETTINGS["negative"],
        sample=SETTINGS["sample"],
        batch_size=batch_size,
        seed=seed,
    )
    model = models.FastText(
        len(vocabulary),
        SETTINGS["vector_size"],
        negatives=SETTINGS["negative"],
        vocabulary=vocabulary,
        min_n=SETTINGS["min_n"],
        max_n=SETTINGS["max_n"],
        bucket=bucket,
    )
    # Built before `compile`, as `pipelines.word2vec` does: left to `fit`,
    # FastText (2026-12-07) keeps its n-gram table of each word at zero on
    # the device and trains the word rows alone.
    model.build(None)
    model.compile(
        learning_rate=SETTINGS["alpha"],
        decay_steps=epochs * int(dataset.cardinality()),
    )
    model.fit(dataset, epochs=epochs, verbose=0, callbacks=[clock], shuffle=False)
    matrix = model.get_embeddings()
    end = time.perf_counter()
    return {
        "wall": end - start,
        "cpu": time.process_time() - cpu,
        "steady": end - clock.ends[0],
        "raw_words": sum(map(len, sequences)) * epochs,
        "model": model,
        "vocabulary": vocabulary,
        "vectors": dict(zip(vocabulary[1:], matrix[1:])),
        "matrix": matrix,
    }


def unit(matrix):
    matrix = np.asarray(matrix, dtype=np.float64)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)


def ours_nearest(run, probes):
    """Our nearest vocabulary word of each variant (padding row excluded)."""
    vocabulary = unit(run["matrix"][1:])  # (V - 1, dim)
    queries = unit(np.stack([run["model"].get_vector(v) for v, _, _ in probes]))
    return [run["vocabulary"][1 + i] for i in np.argmax(queries @ vocabulary.T, 1)]


def gensim_nearest(wv, probes):
    return [wv.most_similar(positive=[wv[v]], topn=1)[0][0] for v, _, _ in probes]


def scores(nearest, probes):
    """{kind (and "all"): share of variants whose nearest word is the source}."""
    hits = {}
    for word, (_, source, kind) in zip(nearest, probes):
        hits.setdefault(kind, []).append(word == source)
        hits.setdefault("all", []).append(word == source)
    return {kind: float(np.mean(h)) for kind, h in hits.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", choices=["raw_sentences", "builtin", "both"], default="both"
    )
    parser.add_argument("--epochs", type=int, help="5 (--quick: 2)")
    parser.add_argument("--bucket", type=int, help="n-gram rows, both: 2**18 "
                        "(--quick: 2**14)")  # fmt: skip
    parser.add_argument(
        "--batch-size",
        type=int,
        default=FASTTEXT_BATCH_SIZE,
        help=f"ours: pairs per batch (default: {FASTTEXT_BATCH_SIZE}, the CLI's)",
    )
    parser.add_argument("--data", default=DEFAULT_DATA, help="the csc321 folder")
    parser.add_argument("--max-sources", type=int, default=100,
                        help="frequent words the unseen variants come from")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2 epochs, 32 dimensions, 2**14 rows, a "
                        "tenth of the text, 20 source words")  # fmt: skip
    args = parser.parse_args()
    epochs = args.epochs or (2 if args.quick else 5)
    bucket = args.bucket or (2**14 if args.quick else 2**18)
    max_sources = 20 if args.quick else args.max_sources
    if args.quick:
        SETTINGS["vector_size"] = 32
    corpora = list(CORPORA) if args.corpus == "both" else [args.corpus]

    speed_rows, agree_rows, oov_rows, example_rows, summary_rows = [], [], [], [], []
    for corpus in corpora:
        if corpus == "raw_sentences" and not os.path.exists(
            os.path.join(args.data, "raw_sentences.txt")
        ):
            print(f"Skipping raw_sentences: no raw_sentences.txt in {args.data}\n")
            continue
        tokens = read_corpus(CORPORA[corpus], args.data)
        if args.quick:  # a tenth of raw_sentences, a third of builtin
            tokens = tokens[: len(tokens) // (10 if corpus == "raw_sentences" else 3)]
        raw_counts = Counter(itertools.chain.from_iterable(tokens))
        probes = held_out_variants(
            raw_counts, max_sources, 0, 10 if args.quick else SOURCE_MIN_COUNT
        )
        if not probes:
            parser.error(f"{corpus}: no frequent word to make unseen variants of")
        unseen = {v for v, _, _ in probes}
        removed = sum(raw_counts[v] for v in unseen)
        sentences = keep_frequent(
            [[w for w in s if w not in unseen] for s in tokens], SETTINGS["min_count"]
        )
        words = sum(map(len, sentences))
        print(
            f"{corpus}: {words:,} words kept ({len(set().union(*sentences)):,} "
            f"distinct), {len(probes)} unseen variants of "
            f"{len({s for _, s, _ in probes})} words ({removed} occurrences "
            "removed from the text); training...",
            flush=True,
        )
        g0 = train_gensim(sentences, epochs, bucket, seed=0)
        o = train_ours(sentences, epochs, bucket, 0, args.batch_size)
        g1 = train_gensim(sentences, epochs, bucket, seed=1)
        assert g0["raw_words"] == o["raw_words"] == words * epochs
        assert not unseen & set(o["vocabulary"]) and not unseen & set(
            g0["wv"].key_to_index
        )
        steady_words = words * (epochs - 1)
        ratio = g0["wall"] / o["wall"]
        steady_ratio = g0["steady"] / o["steady"] if epochs > 1 else float("nan")
        speed_rows.append(
            [
                corpus,
                f"{words:,}",
                f"{g0['wall']:.2f}",
                f"{o['wall']:.2f}",
                f"{g0['raw_words'] / g0['wall']:,.0f}",
                f"{o['raw_words'] / o['wall']:,.0f}",
                f"{ratio:.2f}",
                f"{steady_words / g0['steady']:,.0f}" if epochs > 1 else "-",
                f"{steady_words / o['steady']:,.0f}" if epochs > 1 else "-",
                f"{steady_ratio:.2f}",
                f"{g0['cpu']:.2f}",
                f"{o['cpu']:.2f}",
                f"{g0['cpu'] / o['cpu']:.2f}",
            ]
        )
        diverged = not np.isfinite(o["matrix"]).all()
        if diverged:
            print(f"{corpus}: ours diverged (NaN or inf in its vectors).", flush=True)
        compared = g0["wv"].index_to_key[:MAX_COMPARED]
        ours_vs_g = agreement(o["vectors"], g0["wv"], compared)
        g_vs_g = agreement(g0["wv"], g1["wv"], compared)
        norm = {  # mean vector length over the compared words
            "ours": np.linalg.norm([o["vectors"][w] for w in compared], axis=1),
            "gensim": np.linalg.norm(g0["wv"][compared], axis=1),
            "gensim 1": np.linalg.norm(g1["wv"][compared], axis=1),
        }
        for label, (rho, overlap), a, b in [
            ("gensim vs gensim (seeds 0, 1)", g_vs_g, "gensim", "gensim 1"),
            ("ours vs gensim (seed 0)", ours_vs_g, "ours", "gensim"),
        ]:
            agree_rows.append(
                [corpus, label, f"{rho:.3f}", f"{overlap:.3f}",
                 f"{norm[a].mean():.2f} / {norm[b].mean():.2f}"]
            )  # fmt: skip

        nearest = {
            "ours": ours_nearest(o, probes),
            "gensim": gensim_nearest(g0["wv"], probes),
            "gensim seed 1": gensim_nearest(g1["wv"], probes),
        }
        score = {name: scores(n, probes) for name, n in nearest.items()}
        for kind in ("all", *KINDS):
            if kind not in score["ours"]:
                continue
            count = (
                sum(k == kind for _, _, k in probes) if kind != "all" else len(probes)
            )
            oov_rows.append(
                [corpus, kind, count]
                + [f"{score[name][kind]:.3f}" for name in nearest]
                + ["0.000"]
            )
        for i in range(0, len(probes), max(1, len(probes) // 6))[:6]:
            variant, source, kind = probes[i]
            example_rows.append(
                [corpus, f"{variant} ({kind} {source})", nearest["ours"][i],
                 nearest["gensim"][i]]
            )  # fmt: skip
        oov_gap = score["ours"]["all"] - score["gensim"]["all"]
        summary_rows.append(
            [
                corpus,
                f"{score['ours']['all']:.3f}",
                f"{score['gensim']['all']:.3f}",
                f"{oov_gap:+.3f} ({'met' if oov_gap >= -0.03 else 'MISSED'})",
                f"{ratio:.2f} ({'met' if ratio >= 0.5 else 'MISSED'})"
                + (" DIVERGED" if diverged else ""),
                f"{g0['cpu'] / o['cpu']:.2f}",
                f"{ours_vs_g[0] - g_vs_g[0]:+.3f} / {ours_vs_g[1] - g_vs_g[1]:+.3f}",
            ]
        )

    print("\nSpeed (words/s: words after min_count, before subsampling, x epochs;"
          " ratio = ours / gensim words/s)\n")  # fmt: skip
    print_table(
        ["corpus", "words", "gensim s", "ours s", "gensim w/s", "ours w/s",
         "ratio", "gensim w/s ep 2+", "ours w/s ep 2+", "ratio ep 2+",
         "gensim CPU s", "ours CPU s", "CPU ratio"],
        speed_rows,
    )  # fmt: skip
    print(f"Agreement (cosine rho / overlap@10, {MAX_COMPARED} most frequent words"
          " at most)\n")  # fmt: skip
    print_table(
        ["corpus", "models", "cosine rho", "overlap@10", "mean norm A / B"],
        agree_rows,
    )
    print("Unseen words: share whose nearest vocabulary word is their source "
          "(word2vec: no vector for an unseen word, 0 by construction)\n")  # fmt: skip
    print_table(
        ["corpus", "variant", "count", "ours", "gensim", "gensim seed 1",
         "word2vec"],
        oov_rows,
    )  # fmt: skip
    print("Examples (nearest vocabulary word)\n")
    print_table(["corpus", "unseen word", "ours", "gensim"], example_rows)
    print("Summary (targets: unseen score >= gensim's - 0.03; words/s ratio >= 0.5)\n")
    print_table(
        ["corpus", "unseen ours", "unseen gensim", "unseen gap (target)",
         "words/s ratio (target)", "CPU ratio", "agreement gap rho / overlap"],
        summary_rows,
    )  # fmt: skip
    defaults = datasets.WORD2VEC_DEFAULTS
    print(
        f"keras {keras.__version__}, backend {keras.backend.backend()}, "
        f"{os.cpu_count()} CPUs visible; both: skip-gram, epochs {epochs}, "
        f"bucket {bucket}, "
        + ", ".join(f"{k} {v}" for k, v in SETTINGS.items())
        + f"; ours: batch {args.batch_size}, "
        f"shared negatives {defaults['shared_negatives']['skipgram']}"
        f"; load average {os.getloadavg()[0]:.1f} at the end."
    )


if __name__ == "__main__":
    main()
