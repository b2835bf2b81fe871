"""Peak memory of the next-token pipeline on a 2M-token, 50k-word corpus.

Builds `datasets.next_token_dataset` on a synthetic Zipf-distributed corpus
of 2,000,000 tokens with a 50,000-word vocabulary, trains the next-token
model for 200 batches, and prints the process's peak RSS after each stage.
Target: peak RSS <= 3 GB. For comparison it prints what the lecture's
`to_categorical` targets would need for the same corpus (measured on a
slice, scaled to all examples), and what padded n-gram windows held in
memory would need.

Run: python benchmarks/memory.py [--tokens N] [--vocabulary V] [--batches B]
"""

import argparse
import datetime
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def peak_rss_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB


def synthetic_corpus(tokens, vocabulary, seed=0):
    """Zipf-distributed ids 1..vocabulary-1 in documents of 50-2000 tokens."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocabulary)
    p = 1.0 / ranks
    ids = rng.choice(ranks, size=tokens, p=p / p.sum()).astype(np.int32)
    cuts = np.cumsum(rng.integers(50, 2000, size=tokens // 50))
    cuts = cuts[cuts < tokens]
    return np.split(ids, cuts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=2_000_000)
    parser.add_argument("--vocabulary", type=int, default=50_000)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--sequence-length", type=int, default=8)
    args = parser.parse_args()

    import keras
    import numpy as np

    from keras_embeddings import datasets
    from keras_embeddings.models import NextTokenModel

    print(f"keras_embeddings memory benchmark, {datetime.date.today()}, "
          f"{os.cpu_count()} CPUs, Keras {keras.__version__} ({keras.backend.backend()})")  # fmt: skip
    print(f"after imports:              peak RSS {peak_rss_gb():.2f} GiB")
    sequences = synthetic_corpus(args.tokens, args.vocabulary)
    print(f"synthetic corpus:           {args.tokens:,} tokens, {len(sequences):,} "
          f"documents, vocabulary {args.vocabulary:,}; peak RSS {peak_rss_gb():.2f} GiB")  # fmt: skip

    started = time.perf_counter()
    train, val = datasets.next_token_dataset(
        sequences, args.sequence_length, batch_size=args.batch_size, seed=0
    )
    print(f"pipeline built:             {time.perf_counter() - started:.1f} s; "
          f"peak RSS {peak_rss_gb():.2f} GiB")  # fmt: skip

    keras.utils.set_random_seed(0)
    model = NextTokenModel(args.vocabulary, embedding_dim=64, hidden_dim=128)
    model.compile()
    started = time.perf_counter()
    history = model.fit(
        train, epochs=1, steps_per_epoch=args.batches, shuffle=False, verbose=0
    )
    seconds = time.perf_counter() - started
    peak = peak_rss_gb()
    print(f"trained {args.batches} batches:        {seconds:.1f} s "
          f"({args.batches * args.batch_size / seconds:,.0f} examples/s), "
          f"loss {history.history['loss'][-1]:.3f}; peak RSS {peak:.2f} GiB")  # fmt: skip

    # The lecture's way: every window padded in memory, one-hot targets.
    examples = sum(max(len(s) - 1, 0) for s in sequences)
    sample = keras.utils.to_categorical(np.arange(1000) % args.vocabulary,
                                        num_classes=args.vocabulary)  # fmt: skip
    one_hot_gb = sample.nbytes / 1000 * examples / 1024**3
    padded_gb = examples * (args.sequence_length + 1) * 4 / 1024**3
    print(f"\nexamples (next-token targets): {examples:,}")
    print(f"to_categorical targets would need: {one_hot_gb:,.0f} GiB "
          f"({sample.dtype}, measured on 1,000 rows and scaled)")  # fmt: skip
    print(f"padded int32 windows in memory would need: {padded_gb:.2f} GiB")
    print(f"our peak RSS: {peak:.2f} GiB = {one_hot_gb / peak:,.0f}x less than the "
          f"one-hot targets alone; target <= 3 GB: "
          f"{'met' if peak * 1024**3 <= 3e9 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
