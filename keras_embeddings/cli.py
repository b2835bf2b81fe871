"""The `keras-embeddings` command: train, similar, generate.

`keras-embeddings train` runs the lecture's whole lab on a corpus (default:
the built-in news corpus): Tokenizer -> next-token windows -> Embedding +
LSTM -> word vectors, and writes into `--out`:

    model.keras      the trained model (load with keras.saving.load_model)
    vectors.txt      the word vectors, word2vec text format (gensim reads it)
    history.json     the loss and metric curves
    plots/           history.png, embedding_pca.png
    tensorboard/     scalars and the embedding projector
                     (`tensorboard --logdir OUT/tensorboard`)

Bad input (a missing corpus, an unknown word, a corrupt model) prints one
line on stderr and exits with code 2.
"""

import argparse
import json
import os
import sys
import time

MODELS = ("next-token",)


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
        "tensorboard/ into --out.",
    )
    train.add_argument("--model", choices=MODELS, default="next-token")
    train.add_argument(
        "--corpus",
        help="a text file, a folder or a quoted glob, one document per line "
        "(default: the built-in Lee news corpus)",
    )
    train.add_argument("--encoding", default="utf-8", help="corpus encoding")
    train.add_argument("--out", default="runs/next-token", help="output folder")
    train.add_argument("--epochs", type=int, default=15)
    train.add_argument("--batch-size", type=int, default=128)
    train.add_argument(
        "--vocabulary-size", type=int, default=5000, help="keep the most frequent words"
    )
    train.add_argument("--sequence-length", type=int, default=8)
    train.add_argument("--embedding-dim", type=int, default=64)
    train.add_argument("--lstm-units", type=int, default=128)
    train.add_argument("--dropout", type=float, default=0.2)
    train.add_argument("--learning-rate", type=float, default=3e-3)
    train.add_argument("--patience", type=int, default=2)
    train.add_argument("--validation-split", type=float, default=0.1)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--prompt", default="the government", help="text to continue")
    train.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))

    similar = commands.add_parser(
        "similar", help="nearest neighbours of a word in a vectors file"
    )
    similar.add_argument("word")
    similar.add_argument("--vectors", required=True, help="vectors.txt (word2vec)")
    similar.add_argument("--topn", type=int, default=10)

    generate = commands.add_parser("generate", help="continue a prompt with a model")
    generate.add_argument("prompt")
    generate.add_argument("--model", required=True, help="model.keras")
    generate.add_argument("--num-words", type=int, default=20)
    generate.add_argument(
        "--sampler",
        default="top_k",
        choices=("greedy", "top_k", "top_p", "random", "beam"),
    )
    generate.add_argument("--temperature", type=float, default=1.0)
    generate.add_argument("--seed", type=int, default=None)
    return parser


def _frequent_words(tokenizer, count=5, skip=("<unk>",)):
    """A few frequent content words (4+ letters) to show neighbours of."""
    words = [
        w for w in tokenizer.word_index if len(w) >= 4 and w.isalpha() and w not in skip
    ]
    return words[:count]


def train(args):
    import keras

    from keras_embeddings import analysis, callbacks, datasets, export, plots
    from keras_embeddings.errors import InvalidInputError
    from keras_embeddings.io_utils import atomic_open, atomic_path, ensure_writable_dir
    from keras_embeddings.models import NextTokenModel
    from keras_embeddings.text import Tokenizer, read_corpus

    for name in ("epochs", "batch_size", "vocabulary_size", "sequence_length"):
        if getattr(args, name) < 1:
            raise InvalidInputError(f"--{name.replace('_', '-')} must be at least 1.")
    started = time.perf_counter()
    if args.corpus is None:
        corpus_name = "the built-in Lee news corpus"
        texts = datasets.load_builtin_corpus()
    else:
        corpus_name = args.corpus
        texts = list(read_corpus(args.corpus, encoding=args.encoding))
    tokenizer = Tokenizer(num_words=args.vocabulary_size, oov_token="<unk>")
    tokenizer.fit_on_texts(texts)
    if len(tokenizer.word_index) < 2:
        raise InvalidInputError(
            f"Corpus {corpus_name!r} has no words to learn from. "
            "Pass a corpus with text in it."
        )
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

    with atomic_path(os.path.join(out, "model.keras")) as tmp:
        model.save(tmp)
    word_vectors = export.to_word_vectors(model, vocabulary)
    word_vectors.pop("<unk>", None)
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
    print("Nearest neighbours (cosine similarity):")
    for word in _frequent_words(tokenizer):
        if word in word_vectors:
            pairs = analysis.most_similar(word_vectors, word, topn=5)
            print(f"  {word:>12}: " + ", ".join(f"{w} {s:.2f}" for w, s in pairs))
    continuation = model.generate(args.prompt, num_words=12, sampler="greedy")
    print(f'Generated (greedy) from "{args.prompt}": {continuation}')
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

        raise InvalidInputError(
            f"Model {args.model!r} ({type(model).__name__}) cannot generate text. "
            "Pass a model trained with --model next-token."
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


def main(argv=None):
    """Entry point of `keras-embeddings`; returns the exit code."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = _parser().parse_args(argv)
    from keras_embeddings.errors import KerasEmbeddingsError

    command = {"train": train, "similar": similar, "generate": generate}[args.command]
    try:
        return command(args)
    except KerasEmbeddingsError as e:
        print(f"keras-embeddings {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("keras-embeddings: interrupted", file=sys.stderr)
        return 130
