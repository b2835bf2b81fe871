"""The `keras-embeddings` command: train, similar, generate.

`keras-embeddings train` runs the lecture's whole lab on a corpus (default:
the built-in news corpus) and writes into `--out` (default `runs/MODEL`):

    model.keras      the trained model (load with keras.saving.load_model)
    vectors.txt      the word vectors, word2vec text format (gensim reads it)
    history.json     the loss and metric curves
    plots/           history.png, embedding_pca.png
    tensorboard/     scalars and the embedding projector
                     (`tensorboard --logdir OUT/tensorboard`)

`--model next-token` (the default): Tokenizer -> next-token windows ->
Embedding + LSTM, with a validation split and early stopping.
`--model skipgram` / `--model cbow`: word2vec with negative sampling
(`models.SkipGram`, `models.CBOWNegativeSampling`) on
`datasets.word2vec_dataset` batches, with gensim's defaults (100
dimensions, window 5, 5 negatives, `sample=1e-3`, `min_count=5`, 5 epochs,
learning rate 0.025 decaying linearly). Like gensim, word2vec trains for
`--epochs` epochs on the whole corpus: there is no validation split or early
stopping, so `--patience` and `--validation-split` belong to next-token
only. A flag that does not apply to the chosen model is an error.

`train` and `generate` print the Keras backend in use on their first line
(`KERAS_BACKEND`, which the CLI never changes).

Bad input (a missing corpus, an unknown word, a corrupt model, a flag of
another model) prints one line on stderr and exits with code 2.
"""

import argparse
import json
import math
import os
import sys
import time

MODELS = ("next-token", "cbow", "skipgram")
WORD2VEC_MODELS = ("cbow", "skipgram")

# Flags whose default depends on the model (argparse default None). A model
# without an entry for a flag does not take it.
DEFAULTS = {
    "next-token": {
        "epochs": 15,
        "batch_size": 128,
        "vocabulary_size": 5000,
        "min_count": 1,
        "embedding_dim": 64,
        "learning_rate": 3e-3,
        "sequence_length": 8,
        "lstm_units": 128,
        "dropout": 0.2,
        "patience": 2,
        "validation_split": 0.1,
        "prompt": "the government",
    },
    "word2vec": {  # gensim's Word2Vec defaults
        "epochs": 5,
        "batch_size": 1024,
        "vocabulary_size": None,  # no cap: --min-count decides
        "min_count": 5,
        "embedding_dim": 100,
        "learning_rate": 0.025,
        "window_size": 5,
        "negatives": 5,
        "sample": 1e-3,
    },
}
# Consecutive examples that share one draw of negatives (at most; the
# largest divisor of --batch-size up to this, see word2vec_dataset). CBOW
# loses 0.01-0.02 agreement with gensim above 8 (benchmarks/word2vec_vs_gensim.py).
SHARED_NEGATIVES = {"skipgram": 32, "cbow": 8}


def _parser():
    parser = argparse.ArgumentParser(
        prog="keras-embeddings",
        description="Train word embeddings with Keras 3 and query them.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train",
        help="train a model on a corpus and write vectors, plots and logs",
        description="Train a model on a corpus (default: the built-in news "
        "corpus) and write model.keras, vectors.txt, history.json, plots/ and "
        "tensorboard/ into --out. A default written X/Y is X for next-token "
        "and Y for the word2vec models cbow and skipgram (gensim's defaults).",
    )
    train.add_argument(
        "--model",
        choices=MODELS,
        default="next-token",
        help="next-token: Embedding + LSTM next-word model; skipgram, cbow: "
        "word2vec with negative sampling (default: next-token)",
    )
    train.add_argument(
        "--corpus",
        help="a text file, a folder or a quoted glob, one document per line "
        "(default: the built-in Lee news corpus)",
    )
    train.add_argument("--encoding", default="utf-8", help="corpus encoding")
    train.add_argument("--out", help="output folder (default: runs/MODEL)")
    train.add_argument("--epochs", type=int, help="(default: 15/5)")
    train.add_argument(
        "--batch-size",
        type=int,
        help="examples per step: windows / skip-gram pairs or CBOW center "
        "words (default: 128/1024)",
    )
    train.add_argument(
        "--vocabulary-size",
        type=int,
        help="keep at most this many ids (padding included), the most "
        "frequent words (default: 5000/no limit)",
    )
    train.add_argument(
        "--min-count",
        type=int,
        help="drop words seen fewer times (next-token: they become <unk>) "
        "(default: 1/5)",
    )
    train.add_argument("--embedding-dim", type=int, help="(default: 64/100)")
    train.add_argument(
        "--learning-rate",
        type=float,
        help="Adam's rate / SGD's starting rate, decaying linearly to 1e-4 "
        "of it (default: 0.003/0.025)",
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))

    next_token = train.add_argument_group("next-token options")
    next_token.add_argument("--sequence-length", type=int, help="(default: 8)")
    next_token.add_argument("--lstm-units", type=int, help="(default: 128)")
    next_token.add_argument("--dropout", type=float, help="(default: 0.2)")
    next_token.add_argument(
        "--patience", type=int, help="early stopping patience (default: 2)"
    )
    next_token.add_argument("--validation-split", type=float, help="(default: 0.1)")
    next_token.add_argument(
        "--prompt", help='text to continue (default: "the government")'
    )

    word2vec = train.add_argument_group("word2vec options (cbow, skipgram)")
    word2vec.add_argument(
        "--window-size",
        type=int,
        help="largest distance between center and context word; each center "
        "draws its window from 1..N (default: 5)",
    )
    word2vec.add_argument(
        "--negatives", type=int, help="negative words per example (default: 5)"
    )
    word2vec.add_argument(
        "--sample",
        type=float,
        help="subsampling threshold of frequent words, 0 keeps all (default: 1e-3)",
    )

    similar = commands.add_parser(
        "similar", help="nearest neighbours of a word in a vectors file"
    )
    similar.add_argument("word")
    similar.add_argument("--vectors", required=True, help="vectors.txt (word2vec)")
    similar.add_argument("--topn", type=int, default=10)

    generate = commands.add_parser("generate", help="continue a prompt with a model")
    generate.add_argument("prompt")
    generate.add_argument(
        "--model", required=True, help="model.keras of a next-token model"
    )
    generate.add_argument("--num-words", type=int, default=20)
    generate.add_argument(
        "--sampler",
        default="top_k",
        choices=("greedy", "top_k", "top_p", "random", "beam"),
    )
    generate.add_argument("--temperature", type=float, default=1.0)
    generate.add_argument("--seed", type=int, default=None)
    return parser


def _flag(name):
    return "--" + name.replace("_", "-")


def _resolve_defaults(args):
    """Fill the per-model defaults; reject flags of another model."""
    from keras_embeddings.errors import InvalidInputError

    family = "word2vec" if args.model in WORD2VEC_MODELS else "next-token"
    defaults = DEFAULTS[family]
    for name in sorted({n for d in DEFAULTS.values() for n in d}):
        value = getattr(args, name)
        if name not in defaults:
            if value is not None:
                other = "next-token" if family == "word2vec" else "cbow and skipgram"
                raise InvalidInputError(
                    f"{_flag(name)} applies to --model {other} only, not to "
                    f"--model {args.model}. Leave it out."
                )
            continue
        if value is None:
            setattr(args, name, defaults[name])
    if args.out is None:
        args.out = os.path.join("runs", args.model)
    positive = ["epochs", "batch_size", "min_count", "embedding_dim"]
    positive += ["sequence_length", "lstm_units", "window_size", "negatives"]
    if args.vocabulary_size is not None:
        positive.append("vocabulary_size")
    for name in positive:
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise InvalidInputError(
                f"{_flag(name)} must be at least 1. Received: {value}"
            )
    if not args.learning_rate > 0 or not math.isfinite(args.learning_rate):
        raise InvalidInputError(
            f"--learning-rate must be a positive number. Received: {args.learning_rate}"
        )
    if args.sample is not None and not (0 <= args.sample < math.inf):
        raise InvalidInputError(
            f"--sample must be a number >= 0 (0 keeps every word). "
            f"Received: {args.sample}"
        )
    return family


def _frequent_words(tokenizer, count=5, skip=("<unk>",)):
    """A few frequent content words (4+ letters) to show neighbours of."""
    words = [
        w for w in tokenizer.word_index if len(w) >= 4 and w.isalpha() and w not in skip
    ]
    return words[:count]


def _load_texts(args):
    from keras_embeddings import datasets
    from keras_embeddings.text import read_corpus

    if args.corpus is None:
        return "the built-in Lee news corpus", datasets.load_builtin_corpus()
    return args.corpus, list(read_corpus(args.corpus, encoding=args.encoding))


def _fit_tokenizer(args, texts, corpus_name, oov_token):
    """A Tokenizer keeping words seen `--min-count` times, `--vocabulary-size` ids.

    next-token maps the other words to `oov_token`; word2vec (no
    `oov_token`) drops them, as gensim does.
    """
    from keras_embeddings.errors import InvalidInputError
    from keras_embeddings.text import Tokenizer

    tokenizer = Tokenizer(num_words=args.vocabulary_size, oov_token=oov_token)
    tokenizer.fit_on_texts(texts)
    if len(tokenizer.word_counts) < 1 + (oov_token is None):
        raise InvalidInputError(
            f"Corpus {corpus_name!r} has no words to learn from. "
            "Pass a corpus with text in it."
        )
    if args.min_count > 1:
        # word_index lists the words by decreasing count (after oov_token).
        kept = sum(c >= args.min_count for c in tokenizer.word_counts.values())
        if kept < 1 + (oov_token is None):
            raise InvalidInputError(
                f"Corpus {corpus_name!r} has {kept} word(s) seen at least "
                f"--min-count={args.min_count} times, too few to learn from. "
                "Lower --min-count or pass a larger corpus."
            )
        limit = kept + 1 + (oov_token is not None)  # + padding (+ oov_token)
        if tokenizer.num_words is not None:
            limit = min(limit, tokenizer.num_words)
        tokenizer.num_words = limit
    return tokenizer


def _print_neighbours(tokenizer, word_vectors):
    from keras_embeddings import analysis

    print("Nearest neighbours (cosine similarity):")
    for word in _frequent_words(tokenizer):
        if word in word_vectors:
            pairs = analysis.most_similar(word_vectors, word, topn=5)
            print(f"  {word:>12}: " + ", ".join(f"{w} {s:.2f}" for w, s in pairs))


def _write_outputs(out, model, history, word_vectors):
    from keras_embeddings import export, plots
    from keras_embeddings.io_utils import atomic_open, atomic_path

    with atomic_path(os.path.join(out, "model.keras")) as tmp:
        model.save(tmp)
    export.save_word2vec(os.path.join(out, "vectors.txt"), word_vectors)
    with atomic_open(os.path.join(out, "history.json")) as f:
        json.dump({k: [float(v) for v in vs] for k, vs in history.history.items()}, f)
    os.makedirs(os.path.join(out, "plots"), exist_ok=True)
    plots.plot_history(history, os.path.join(out, "plots", "history.png"))
    plots.plot_embedding_2d(
        word_vectors, os.path.join(out, "plots", "embedding_pca.png"), max_words=150
    )
    print(
        f"\nWrote {out}: model.keras, vectors.txt, history.json, plots/, tensorboard/"
    )


def train(args):
    family = _resolve_defaults(args)
    started = time.perf_counter()
    corpus_name, texts = _load_texts(args)
    if family == "word2vec":
        return _train_word2vec(args, corpus_name, texts, started)
    return _train_next_token(args, corpus_name, texts, started)


def _train_next_token(args, corpus_name, texts, started):
    import keras

    from keras_embeddings import callbacks, datasets, export
    from keras_embeddings.io_utils import ensure_writable_dir
    from keras_embeddings.models import NextTokenModel

    tokenizer = _fit_tokenizer(args, texts, corpus_name, oov_token="<unk>")
    sequences = tokenizer.texts_to_sequences(texts)
    out = ensure_writable_dir(args.out)  # after the corpus checks: no empty folder
    vocabulary = tokenizer.get_vocabulary()
    vocabulary_size = len(vocabulary)
    keras.utils.set_random_seed(args.seed)
    train_ds, val_ds = datasets.next_token_dataset(
        sequences,
        args.sequence_length,
        batch_size=args.batch_size,
        validation_split=args.validation_split,
        seed=args.seed,
    )
    words = sum(len(s) for s in sequences)
    print(
        f"Corpus: {corpus_name}: {len(texts)} documents, {words} words, "
        f"vocabulary {vocabulary_size} (ids; 0 = padding, 1 = <unk>)."
    )
    model = NextTokenModel(
        vocabulary_size,
        embedding_dim=args.embedding_dim,
        lstm_units=args.lstm_units,
        dropout=args.dropout,
        sequence_length=args.sequence_length,
        vocabulary=vocabulary,
        oov_token="<unk>",
    )
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate))
    log_dir = os.path.join(out, "tensorboard")
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=args.epochs,
        callbacks=callbacks.training_callbacks(
            log_dir=log_dir,
            monitor="val_loss" if val_ds is not None else "loss",
            patience=args.patience,
            vocabulary=vocabulary,
        ),
        shuffle=False,  # the dataset reshuffles itself every epoch
        verbose=args.verbose,
    )

    word_vectors = export.to_word_vectors(model, vocabulary)
    word_vectors.pop("<unk>", None)
    _write_outputs(out, model, history, word_vectors)
    _print_neighbours(tokenizer, word_vectors)
    continuation = model.generate(args.prompt, num_words=12, sampler="greedy")
    print(f'Generated (greedy) from "{args.prompt}": {continuation}')
    print(f"See the projector: tensorboard --logdir {log_dir}")
    print(f"Done in {time.perf_counter() - started:.0f} s.")
    return 0


def _train_word2vec(args, corpus_name, texts, started):
    import keras
    import numpy as np

    from keras_embeddings import callbacks, datasets, export
    from keras_embeddings.errors import InvalidInputError
    from keras_embeddings.io_utils import ensure_writable_dir
    from keras_embeddings.models import CBOWNegativeSampling, SkipGram

    tokenizer = _fit_tokenizer(args, texts, corpus_name, oov_token=None)
    sequences = tokenizer.texts_to_sequences(texts)
    vocabulary = tokenizer.get_vocabulary()
    vocabulary_size = len(vocabulary)
    keras.utils.set_random_seed(args.seed)
    try:
        dataset = datasets.word2vec_dataset(
            sequences,
            vocabulary_size,
            model=args.model,
            window_size=args.window_size,
            negatives=args.negatives,
            sample=args.sample,
            batch_size=args.batch_size,
            shared_negatives=math.gcd(args.batch_size, SHARED_NEGATIVES[args.model]),
            seed=args.seed,
        )
    except InvalidInputError as e:
        raise InvalidInputError(f"Corpus {corpus_name!r}: {e}") from None
    out = ensure_writable_dir(args.out)  # after the corpus checks: no empty folder
    words = sum(len(s) for s in sequences)
    steps = int(dataset.cardinality())
    print(
        f"Corpus: {corpus_name}: {len(texts)} documents, {words} words of "
        f"{vocabulary_size - 1} words seen at least {args.min_count} times "
        f"(id 0 = padding)."
    )
    model_class = SkipGram if args.model == "skipgram" else CBOWNegativeSampling
    model = model_class(
        vocabulary_size, embedding_dim=args.embedding_dim, negatives=args.negatives
    )
    model.compile(learning_rate=args.learning_rate, decay_steps=args.epochs * steps)
    log_dir = os.path.join(out, "tensorboard")
    fit_started = time.perf_counter()
    history = model.fit(
        dataset,
        epochs=args.epochs,
        callbacks=[
            keras.callbacks.TerminateOnNaN(),
            keras.callbacks.TensorBoard(log_dir=log_dir),
        ],
        shuffle=False,  # the dataset reshuffles itself every epoch
        verbose=args.verbose,
    )
    seconds = time.perf_counter() - fit_started
    if (
        not np.isfinite(history.history["loss"][-1])
        or not np.isfinite(model.get_embeddings()).all()
    ):
        raise InvalidInputError(
            f"Training diverged (the loss became {history.history['loss'][-1]}); "
            "only the TensorBoard logs were written. Lower --learning-rate "
            f"(now {args.learning_rate}) or --batch-size (now {args.batch_size})."
        )
    epochs_run = len(history.history["loss"])
    print(
        f"Trained {epochs_run} epoch(s) of {steps} steps in {seconds:.1f} s: "
        f"{words * epochs_run / seconds:,.0f} words/s (corpus words before "
        "subsampling, XLA compilation included)."
    )
    callbacks.write_projector(log_dir, model, vocabulary)
    word_vectors = export.to_word_vectors(model, vocabulary)
    _write_outputs(out, model, history, word_vectors)
    _print_neighbours(tokenizer, word_vectors)
    print(f"See the projector: tensorboard --logdir {log_dir}")
    print(f"Done in {time.perf_counter() - started:.0f} s.")
    return 0


def similar(args):
    from keras_embeddings import analysis, export

    word_vectors = export.load_word2vec(args.vectors)
    for word, score in analysis.most_similar(word_vectors, args.word, topn=args.topn):
        print(f"{word}\t{score:.4f}")
    return 0


def generate(args):
    from keras_embeddings.models import load_model

    model = load_model(args.model)
    if not hasattr(model, "generate"):
        from keras_embeddings.errors import InvalidInputError

        hint = ""
        if hasattr(model, "get_embeddings"):  # e.g. word2vec: vectors, no text
            folder = os.path.dirname(args.model) or "."
            hint = (
                " It learned word vectors only: query them with `keras-embeddings "
                f"similar WORD --vectors {os.path.join(folder, 'vectors.txt')}`."
            )
        raise InvalidInputError(
            f"Model {args.model!r} ({type(model).__name__}) cannot generate text. "
            f"Pass a model trained with --model next-token.{hint}"
        )
    print(
        model.generate(
            args.prompt,
            num_words=args.num_words,
            sampler=args.sampler,
            temperature=args.temperature,
            seed=args.seed,
        )
    )
    return 0


def _print_backend():
    """The backend in use, on the first line. KERAS_BACKEND is the user's to
    set; the CLI never changes it."""
    import keras

    print(
        f"Keras {keras.__version__}, backend {keras.backend.backend()} "
        "(set KERAS_BACKEND=tensorflow|jax|torch to change it)",
        flush=True,
    )


def main(argv=None):
    """Entry point of `keras-embeddings`; returns the exit code."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = _parser().parse_args(argv)
    from keras_embeddings.errors import KerasEmbeddingsError

    command = {"train": train, "similar": similar, "generate": generate}[args.command]
    if args.command != "similar":  # `similar` reads vectors: no Keras
        _print_backend()
    try:
        return command(args)
    except KerasEmbeddingsError as e:
        print(f"keras-embeddings {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("keras-embeddings: interrupted", file=sys.stderr)
        return 130
