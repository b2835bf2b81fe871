"""What the models' id checks cost (`models._ids`), on the current backend.

Trains `models.SkipGram` (word2vec) on `datasets.word2vec_dataset` batches
of the built-in corpus (`datasets.load_builtin_corpus()`, 300 news articles,
tokenized with `text.Tokenizer`), as a user's dataset would be (the builder's
own output is marked valid and skips the check), for the same epochs twice
per repeat:
through `model.fit`, whose input pipeline checks every batch's ids (a
`tf.data` `map` of `reduce_min`/`reduce_max` and an `Assert`, then a
`prefetch`), and through `keras.Model.fit` directly, which skips the check.
Both train the same compiled step (XLA on TensorFlow, 16 steps per call on
TensorFlow and JAX); the order alternates between repeats and the median
and the best are reported (on a busy machine the best is the steadier
figure). Words per second count the corpus' tokens times the epochs
over the wall time of `fit`.

It also iterates the input pipeline alone, with and without the check, for
the check's cost per batch without training's noise, and times the check of
a whole NumPy array, as `fit(x=array)` runs once
before training (`--array-size` ids).

Run (one backend per process):

    KERAS_BACKEND=tensorflow python benchmarks/id_checks.py [--epochs 3]
        [--repeats 3] [--batch-size 4096] [--array-size 10000000]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before Keras loads TensorFlow

import keras
import numpy as np

from keras_embeddings import datasets, models, text
from keras_embeddings.models._ids import check_ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--array-size", type=int, default=10_000_000)
    args = parser.parse_args()

    tokenizer = text.Tokenizer()
    corpus = datasets.load_builtin_corpus()
    tokenizer.fit_on_texts(corpus)
    sequences = tokenizer.texts_to_sequences(corpus)
    vocabulary_size = len(tokenizer.word_index) + 1
    words = sum(len(s) for s in sequences) * args.epochs
    dataset = datasets.word2vec_dataset(
        sequences, vocabulary_size, batch_size=args.batch_size, seed=0
    )
    # A dataset the user derived from it (`take(-1)` keeps every batch):
    # `word2vec_dataset`'s own output is marked valid and not checked.
    dataset = dataset.take(-1)
    steps = int(dataset.cardinality())
    keras.utils.set_random_seed(0)
    model = models.SkipGram(vocabulary_size, embedding_dim=100)
    model.compile(decay_steps=steps * args.epochs * (2 * args.repeats + 1))

    def checked():
        return model.fit(dataset, epochs=args.epochs, verbose=0, shuffle=False)

    def unchecked():
        return keras.Model.fit(
            model, dataset, epochs=args.epochs, verbose=0, shuffle=False
        )

    checked()  # tracing and compilation, out of the timings
    unchecked()
    times = {"checked": [], "unchecked": []}
    for repeat in range(args.repeats):
        order = (checked, unchecked) if repeat % 2 else (unchecked, checked)
        for fit in order:
            start = time.perf_counter()
            fit()
            times[fit.__name__].append(time.perf_counter() - start)

    print(
        f"backend {keras.backend.backend()}: SkipGram, {vocabulary_size} words, "
        f"batch {args.batch_size}, {steps} steps x {args.epochs} epochs, "
        f"median of {args.repeats}"
    )
    rates, best = {}, {}
    for name, seconds in times.items():
        rates[name] = words / statistics.median(seconds)
        best[name] = words / min(seconds)
        spread = ", ".join(f"{s:.2f}" for s in seconds)
        print(
            f"  {name:>9}: {rates[name]:>10,.0f} words/s median, "
            f"{best[name]:>10,.0f} best  (fit s: {spread})"
        )
    print(
        f"  checked / unchecked: {rates['checked'] / rates['unchecked']:.3f} "
        f"median, {best['checked'] / best['unchecked']:.3f} best"
    )

    # The input pipeline alone (no training): what the check adds per batch.
    pipelines = {
        "unchecked": dataset,
        "checked": model._checked_dataset(dataset, "x", "benchmark"),
    }
    per_batch = {name: [] for name in pipelines}
    for _ in range(args.repeats):
        for name, pipeline in pipelines.items():
            start = time.perf_counter()
            for _ in pipeline:
                pass
            per_batch[name].append((time.perf_counter() - start) / steps)
    cost = {name: min(seconds) * 1e6 for name, seconds in per_batch.items()}
    print(
        f"  pipeline alone, best of {args.repeats}: {cost['unchecked']:.0f} us "
        f"per batch unchecked, {cost['checked']:.0f} us checked "
        f"({cost['checked'] - cost['unchecked']:+.0f} us; a training step "
        f"takes {min(times['unchecked']) / (steps * args.epochs) * 1e6:.0f} us)"
    )

    ids = np.random.default_rng(0).integers(0, vocabulary_size, args.array_size)
    ids = ids.astype("int32")
    start = time.perf_counter()
    check_ids(ids, vocabulary_size, "benchmark", "ids")
    seconds = time.perf_counter() - start
    print(
        f"  whole-array check of {args.array_size:,} int32 ids: "
        f"{seconds * 1e3:.1f} ms ({args.array_size / seconds / 1e9:.2f} G ids/s)"
    )


if __name__ == "__main__":
    main()
