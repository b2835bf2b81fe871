"""Benchmark `keras_embeddings.text.Tokenizer` against Keras 2's class.

Keras 2's `Tokenizer` comes from the public `tf_keras` package
(`tf_keras.preprocessing.text.Tokenizer`, the class the lectures used).

Times `fit_on_texts` followed by `texts_to_sequences` (the best run, a new
tokenizer each run, of at least 3 runs and 1 s: other programs sharing the
machine slow single runs down) on two corpora, one text per line:

- the lecture's `raw_sentences.txt` (CSC321), read from
  `../shared/data/csc321/` beside the repository (skipped if absent);
- gensim's built-in Lee background corpus (`lee_background.cor`).

It also checks that both classes give the same `word_index` (order included),
`word_counts`, `word_docs`, `index_docs` and sequences. Run it with
`python benchmarks/tokenizer.py`.
"""

import datetime
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before Keras loads TensorFlow

from gensim.test.utils import datapath
from tf_keras.preprocessing.text import Tokenizer as LegacyTokenizer

from keras_embeddings.text.tokenizer import Tokenizer

MIN_RUNS = 3
MIN_SECONDS = 1.0
MAX_RUNS = 50
RAW_SENTENCES = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "csc321"
    / "raw_sentences.txt"
)
LEE_CORPUS = Path(datapath("lee_background.cor"))


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def fit_and_encode(tokenizer_class, texts):
    """Best time of the runs, and the last run's tokenizer and sequences.

    Runs at least `MIN_RUNS` times and `MIN_SECONDS` in all (at most
    `MAX_RUNS` times), so that short runs get as fair a chance as long ones
    to fall in a moment without other load.
    """
    times = []
    while len(times) < MAX_RUNS and (len(times) < MIN_RUNS or sum(times) < MIN_SECONDS):
        start = time.perf_counter()
        tokenizer = tokenizer_class()
        tokenizer.fit_on_texts(texts)
        sequences = tokenizer.texts_to_sequences(texts)
        times.append(time.perf_counter() - start)
    return min(times), tokenizer, sequences


def check_same(name, ours, legacy, our_sequences, legacy_sequences):
    """Raise if the two tokenizers disagree on anything they computed."""
    checks = {
        "word_index": list(ours.word_index.items()) == list(legacy.word_index.items()),
        "index_word": ours.index_word == legacy.index_word,
        "word_counts": list(ours.word_counts.items())
        == list(legacy.word_counts.items()),
        "word_docs": dict(ours.word_docs) == dict(legacy.word_docs),
        "index_docs": dict(ours.index_docs) == dict(legacy.index_docs),
        "document_count": ours.document_count == legacy.document_count,
        "sequences": our_sequences == legacy_sequences,
    }
    failed = [check for check, same in checks.items() if not same]
    if failed:
        raise AssertionError(f"{name}: outputs differ from legacy: {failed}")


def main():
    corpora = [("raw_sentences", RAW_SENTENCES), ("lee_background", LEE_CORPUS)]
    rows = []
    for name, path in corpora:
        if not path.is_file():
            print(f"{name}: skipped: {path} not found")
            continue
        texts = read_lines(path)
        legacy_seconds, legacy, legacy_sequences = fit_and_encode(
            LegacyTokenizer, texts
        )
        our_seconds, ours, our_sequences = fit_and_encode(Tokenizer, texts)
        check_same(name, ours, legacy, our_sequences, legacy_sequences)
        words = sum(legacy.word_counts.values())
        rows.append((name, len(texts), words, legacy_seconds, our_seconds))

    print(
        "Tokenizer: fit_on_texts + texts_to_sequences, best of at least "
        f"{MIN_RUNS} runs and {MIN_SECONDS:g} s ({datetime.date.today().isoformat()}, "
        f"Python {platform.python_version()}, {platform.machine()})"
    )
    header = f"{'corpus':<16}{'texts':>8}{'words':>10}{'legacy s':>11}{'ours s':>9}{'speed-up':>10}"
    print(header)
    print("-" * len(header))
    for name, texts, words, legacy_seconds, our_seconds in rows:
        print(
            f"{name:<16}{texts:>8}{words:>10}{legacy_seconds:>11.3f}"
            f"{our_seconds:>9.3f}{legacy_seconds / our_seconds:>9.1f}x"
        )
    if rows:
        print("outputs identical to legacy on every corpus above: yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
