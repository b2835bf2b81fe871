"""Benchmark `datasets.cooccurrence` against the CSC321 lab's Python loop.

Builds the log co-occurrence matrix of the 372,500 training 4-grams
(vocabulary 250, `delta_smoothing=0.5`), asymmetric and symmetric, with the
lab's `calculate_log_co_occurrence` loop (copied below) and with
`keras_embeddings.datasets.cooccurrence` (one `np.bincount`); prints the
best time of each over a few runs, the speed-up, and checks that both
matrices are identical. Needs `../shared/data/csc321/` beside the
repository. Run it with `python benchmarks/cooccurrence.py`.
"""

import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before Keras loads TensorFlow

import numpy as np

from keras_embeddings import datasets

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "csc321"
LOOP_REPEATS = 3
VECTORIZED_REPEATS = 20


def calculate_log_co_occurrence(word_data, vocab_size, symmetric=False):
    """The lab's loop (seed 002, Part 1), with `vocab_size` an argument."""
    log_co_occurrence = np.zeros((vocab_size, vocab_size))
    for input in word_data:
        log_co_occurrence[input[0], input[1]] += 1
        log_co_occurrence[input[1], input[2]] += 1
        log_co_occurrence[input[2], input[3]] += 1
        if symmetric:
            log_co_occurrence[input[1], input[0]] += 1
            log_co_occurrence[input[2], input[1]] += 1
            log_co_occurrence[input[3], input[2]] += 1
    delta_smoothing = 0.5
    log_co_occurrence += delta_smoothing
    log_co_occurrence = np.log(log_co_occurrence)
    return log_co_occurrence


def best_time(function, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    data = datasets.load_csc321(DATA_DIR)
    ngrams = np.column_stack(data.train)  # (372500, 4) 0-based ids
    size = len(data.vocabulary)
    print(
        f"{platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, NumPy {np.__version__}"
    )
    print(f"{len(ngrams):,} training 4-grams, vocabulary {size}\n")
    print(
        f"{'matrix':<12}{'seed loop (s)':>15}{'ours (s)':>12}{'speed-up':>11}"
        f"{'identical':>11}"
    )
    for symmetric in (False, True):
        loop_s, expected = best_time(
            lambda symmetric=symmetric: calculate_log_co_occurrence(
                ngrams, size, symmetric
            ),
            LOOP_REPEATS,
        )
        ours_s, got = best_time(
            lambda symmetric=symmetric: datasets.cooccurrence(
                ngrams, size, symmetric=symmetric, delta_smoothing=0.5, log=True
            ),
            VECTORIZED_REPEATS,
        )
        name = "symmetric" if symmetric else "asymmetric"
        same = np.array_equal(got, expected)
        print(
            f"{name:<12}{loop_s:>15.3f}{ours_s:>12.4f}{loop_s / ours_s:>10.0f}x"
            f"{str(same):>11}"
        )


if __name__ == "__main__":
    main()
