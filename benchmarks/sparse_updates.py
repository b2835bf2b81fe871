"""What summing repeated ids' gradient slices costs on TensorFlow.

`optimizers.sum_duplicate_slices` (applied by every model's `compile`)
makes TensorFlow's sparse embedding gradients exact. Two ways to do it:

- `unique`: one slice per unique id (`tf.unique` + `unsorted_segment_sum`,
  padded to a static shape for XLA), as Keras 2 did;
- `dense`: the gradient made a dense `(vocabulary_size, dim)` tensor, as
  JAX and PyTorch compute it;
- `summed`: the package's rule, `dense` where a batch has at least as many
  slices as the table has rows, `unique` otherwise;

against `keras`, Keras' own (wrong) sparse step. Measured on

- the main job (`keras-embeddings train` defaults: `NextTokenModel` 64-d,
  LSTM 128, Adam, batches of 128 windows of 8 words on the built-in news
  corpus): training steps per second over `--steps` steps after one
  warm-up epoch of tracing;
- word2vec (`benchmarks/word2vec_vs_gensim.py`'s setting: skip-gram and
  CBOW on `raw_sentences.txt`, SGD with linear decay, XLA): words per
  second over `--epochs` epochs, everything included as there; and the
  same with Adam, the non-linear optimizer the fix is for.

Each mode runs in its own process (fresh tracing), `--repeats` times,
alternating modes so that load on a shared machine hits all of them.

    python benchmarks/sparse_updates.py [--data ../shared/data/csc321]
        [--steps 300] [--epochs 1] [--repeats 2]
"""

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODES = ("keras", "summed", "unique", "dense")
DEFAULT_DATA = os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data", "csc321"
)


def set_mode(mode):
    import keras
    import tensorflow as tf

    from keras_embeddings import optimizers

    def always(form):
        return lambda g, v: form(g) if isinstance(g, tf.IndexedSlices) else g

    if mode == "dense":
        optimizers._sum_slices = always(optimizers._dense)
    elif mode == "unique":
        optimizers._sum_slices = always(optimizers._unique_slices)
    elif mode == "keras":
        from keras_embeddings.models import _compile

        _compile.sum_duplicate_slices = keras.optimizers.get  # no fix


def main_job(steps):
    import keras

    from keras_embeddings import cli, datasets, text
    from keras_embeddings.models import NextTokenModel

    d = cli.DEFAULTS["next-token"]
    texts = datasets.load_builtin_corpus()
    tokenizer = text.Tokenizer(num_words=d["vocabulary_size"], oov_token="<unk>")
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts)
    keras.utils.set_random_seed(0)
    train_ds, _ = datasets.next_token_dataset(
        sequences, d["sequence_length"], batch_size=d["batch_size"], seed=0
    )
    model = NextTokenModel(
        len(tokenizer.get_vocabulary()), embedding_dim=d["embedding_dim"],
        hidden_dim=d["hidden_dim"], dropout=d["dropout"],
        sequence_length=d["sequence_length"],
    )  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(d["learning_rate"]))
    model.fit(train_ds.take(20), epochs=1, verbose=0)  # tracing
    start = time.perf_counter()
    history = model.fit(train_ds.repeat().take(steps), epochs=1, verbose=0)
    return {"steps/s": steps / (time.perf_counter() - start),
            "loss": history.history["loss"][-1]}  # fmt: skip


def word2vec(data, sg, epochs, optimizer):
    sys.path.insert(0, os.path.dirname(__file__))
    import keras
    import word2vec_vs_gensim as bench

    sentences = bench.keep_frequent(bench.read_corpus("csc321", data), 5)
    if optimizer == "adam":  # the models' compile() takes any optimizer
        from keras_embeddings.models import skipgram

        compile_ = skipgram._Word2Vec.compile
        skipgram._Word2Vec.compile = lambda self, **kw: compile_(
            self, optimizer=keras.optimizers.Adam(1e-3)
        )
    batch, shared = (4096, 32) if sg else (1024, 8)
    result = bench.train_ours(sentences, sg, epochs, 0, batch, shared)
    return {
        "words/s": result["raw_words"] / result["wall"],
        "pair_loss": result["pair_loss"],
    }


def child(args):
    set_mode(args.mode)
    if args.job == "main":
        result = main_job(args.steps)
    else:
        model, optimizer = args.job.split("-")
        result = word2vec(args.data, model == "skipgram", args.epochs, optimizer)
    print("RESULT " + json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--jobs", default="main,skipgram-sgd,cbow-sgd,skipgram-adam")
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        return child(args)
    import keras

    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}")
    if keras.backend.backend() != "tensorflow":
        sys.exit(
            "Only TensorFlow has sparse gradients: run with KERAS_BACKEND=tensorflow."
        )
    jobs = args.jobs.split(",")
    if not os.path.exists(os.path.join(args.data, "raw_sentences.txt")):
        print(f"raw_sentences.txt not in {args.data}: word2vec jobs skipped")
        jobs = [j for j in jobs if j == "main"]
    results = {(job, mode): [] for job in jobs for mode in MODES}
    for _ in range(args.repeats):
        for job in jobs:
            for mode in MODES:
                out = subprocess.run(
                    [sys.executable, __file__, "--mode", mode, "--job", job,
                     "--data", args.data, "--steps", str(args.steps),
                     "--epochs", str(args.epochs)],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                line = [s for s in out.stdout.splitlines() if s.startswith("RESULT ")][
                    -1
                ]
                results[job, mode].append(json.loads(line[7:]))
                print(job, mode, results[job, mode][-1], flush=True)
    print(f"\n{'job':<15} {'mode':<7} {'speed (runs)':<28} {'vs keras':>9}  final loss")
    for job in jobs:
        unit = "steps/s" if job == "main" else "words/s"
        base = max(r[unit] for r in results[job, "keras"])
        for mode in MODES:
            runs = [r[unit] for r in results[job, mode]]
            loss = results[job, mode][-1].get(
                "loss", results[job, mode][-1].get("pair_loss")
            )
            speeds = ", ".join(f"{s:,.0f}" if s > 100 else f"{s:.1f}" for s in runs)
            print(f"{job:<15} {mode:<7} {speeds + ' ' + unit:<28} "
                  f"{max(runs) / base:>8.2f}x  {loss:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
