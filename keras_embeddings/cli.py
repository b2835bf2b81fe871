"""The `keras-embeddings` command: train, similar, generate.

`keras-embeddings train` runs the lecture's whole lab on a corpus (default:
the built-in news corpus; `--corpus` takes a file, a folder, a quoted glob,
a corpus name of `datasets.list_corpora()` such as `five-sentences`, or
`gutenberg:ID`) and writes into `--out` (default `runs/MODEL`):

    model.keras      the trained model (load with keras.saving.load_model)
    vectors.txt      the word vectors, word2vec text format (gensim reads it)
    history.json     the loss and metric curves
    plots/           history.png, embedding_pca.png, similarity.png
    tensorboard/     scalars and the embedding projector
                     (`tensorboard --logdir OUT/tensorboard`)
    run.json         the settings and each file's size and SHA-256

The run writes into a hidden sibling, `.OUT.partial`, and renames it to
`OUT` when every file is complete: a failed or interrupted run leaves an
earlier `OUT` exactly as it was. An `OUT` holding an earlier run is
replaced only with `--overwrite`; a folder with other files in it never
is. A second run into the same `OUT` while one is writing stops at once
with one line (a lock, `.OUT.lock`). Every flag, the output folder (not
inside the corpus folder, enough disk space), the memory the model needs,
the words export will write and `--prompt` are checked before training.

The recipes are library functions; this module parses the flags and calls
them (a flag `--x-y` is the argument `x_y`, with the same default):
`--model next-token` (the default) runs `pipelines.train_next_token`
(Tokenizer -> next-token windows -> Embedding + LSTM, with a validation
split and early stopping); `--model skipgram` / `--model cbow` run
`pipelines.train_word2vec` (word2vec with negative sampling on
`datasets.word2vec_dataset` batches, with gensim's defaults: 100
dimensions, window 5, 5 negatives, `sample=1e-3`, `min_count=5`, 5 epochs,
learning rate 0.025 decaying linearly); `--model fasttext` runs it with
`models.FastText` (skip-gram over character n-grams, `--bucket`, `--min-n`,
`--max-n`), whose `model.keras` answers `keras-embeddings similar WORD
--model OUT/model.keras` for words it never saw. Like gensim, word2vec trains for
`--epochs` epochs on the whole corpus: there is no validation split or early
stopping, so `--patience` and `--validation-split` belong to next-token
only. A flag that does not apply to the chosen model is an error.

For corpora larger than memory, every model takes `--steps-per-epoch N`:
the vocabulary is counted in one streaming pass over the `--corpus` files (a
progress line with MB/s and words seen), then the batches are made from the
files on the fly (`text.build_vocabulary`, `datasets.word2vec_file_dataset`,
`datasets.next_token_file_dataset`: next-token holds out the last
`--validation-split` of the documents); an epoch is N steps. `--distribute
data|model` trains over all the devices of this process
(`distribute.strategy`: data on JAX and TensorFlow, model on JAX) and
prints the device mesh and how each embedding table is laid out.
`--workers HOST:PORT,HOST:PORT --worker-index I` (with `--steps-per-epoch`)
trains on many worker processes, data-parallel (`distribute.workers`):
run the same command on every worker, its index apart; only the chief
(index 0) writes `--out`.

`train` and `generate` print the Keras backend in use on their first line
(`KERAS_BACKEND`, which the CLI never changes). `train --mixed-precision`
builds the model with the `mixed_float16` dtype policy (the global policy is
left alone) and says so in its first lines.

Bad input (a missing corpus, an unknown word, a corrupt model, a flag of
another model) and a full disk print one line on stderr and exit with
code 2.
`--lstm-units` is the old name of `--hidden-dim` (still accepted, with a
note on stderr).

Example:

```python
>>> from keras_embeddings.cli import main
>>> with open("vectors.txt", "w") as f:
...     for line in ["3 2", "king 1 0", "queen 0.9 0.1", "apple 0 1"]:
...         print(line, file=f)
>>> main(["similar", "king", "--vectors", "vectors.txt", "--topn", "2"])
queen   0.9939
apple   0.0000
0
```
"""

import argparse
import errno
import inspect
import os
import re
import sys
import warnings

from keras_embeddings import datasets
from keras_embeddings._train_flags import (
    _CHOICES,
    _OWN_DEFAULT_TEXT,
    _TRAIN_FLAGS,
    DEFAULTS,
    FASTTEXT_FLAGS,
    MODELS,
    RECIPES,
    WORD2VEC_MODELS,
    _default,
)
from keras_embeddings.pipelines.word2vec import default_batch_size

__all__ = ["main"]

# Positional arguments: not flags in the commands' error messages.
_POSITIONALS = {"train": set(), "similar": {"word"}, "generate": {"prompt"}}
# A full disk or quota, or a file size limit (ulimit -f).
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# Renamed flags: old -> new (the old one still works, hidden from --help).
_RENAMED_FLAGS = {"lstm_units": "hidden_dim"}


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
        "word2vec with negative sampling; fasttext: skip-gram over character "
        "n-grams, vectors for unseen words too (default: next-token)",
    )
    train.add_argument(
        "--corpus",
        help="a text file, a folder or a quoted glob, one document per line; or "
        "a corpus name: " + ", ".join(datasets.corpus_names()) + ", or "
        "gutenberg:ID / gutenberg:NAME for a Project Gutenberg book (e.g. "
        "gutenberg:1342, gutenberg:austen-emma, gutenberg:classic; downloaded "
        "once, then cached) (default: the built-in Lee news corpus)",
    )
    train.add_argument("--encoding", default="utf-8", help="corpus encoding")
    train.add_argument("--out", help="output folder (default: runs/MODEL)")
    for group, flags in _TRAIN_FLAGS.items():
        parent = train if group is None else train.add_argument_group(group)
        for name, kind, text in flags:
            default = "" if name in _OWN_DEFAULT_TEXT else _default(name)
            help_text = f"{text} {default}".strip()
            parent.add_argument(
                _flag(name), type=kind, choices=_CHOICES.get(name), help=help_text
            )
        if group is None:
            train.add_argument("--seed", type=int, default=0)
            train.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    train.add_argument(
        "--mixed-precision",
        action="store_true",
        help="train with dtype policy mixed_float16 (float16 compute, float32 "
        "weights, logits and loss, loss scaling): faster on a GPU with tensor "
        "cores; saved with the model",
    )
    train.add_argument(
        "--overwrite",
        action="store_true",
        help="replace --out when it holds an earlier run (as a whole, when this "
        "run finishes; a failed or interrupted run leaves it as it was)",
    )
    train.add_argument("--lstm-units", type=int, help=argparse.SUPPRESS)

    similar = commands.add_parser(
        "similar", help="nearest neighbours of a word in a vectors file"
    )
    similar.add_argument("word")
    source = similar.add_mutually_exclusive_group(required=True)
    source.add_argument("--vectors", help="vectors.txt (word2vec)")
    source.add_argument(
        "--model",
        help="model.keras of a trained model; a fasttext model answers for "
        "words it never saw",
    )
    similar.add_argument("--topn", type=int, default=10)

    generate = commands.add_parser("generate", help="continue a prompt with a model")
    generate.add_argument("prompt")
    generate.add_argument(
        "--model", required=True, help="model.keras of a next-token model"
    )
    generate.add_argument(
        "--num-words",
        type=int,
        default=20,
        help="words to add, at most 1000 (default: 20)",  # _generation.MAX_NUM_WORDS
    )
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


def _renamed_flags(args):
    """Move old flags' values to their new names, with a note on stderr."""
    for old, new in _RENAMED_FLAGS.items():
        value = getattr(args, old, None)
        if hasattr(args, old):
            delattr(args, old)
        if value is None:
            continue
        print(
            f"keras-embeddings {args.command}: {_flag(old)} is deprecated and will "
            f"be removed; use {_flag(new)}.",
            file=sys.stderr,
        )
        if getattr(args, new) is None:
            setattr(args, new, value)


def _resolve_defaults(args):
    """Fill the per-model defaults; reject flags of another model."""
    from keras_embeddings.errors import InvalidInputError

    _renamed_flags(args)
    family = "word2vec" if args.model in WORD2VEC_MODELS else "next-token"
    defaults = DEFAULTS[family]
    for name in sorted({n for d in DEFAULTS.values() for n in d}):
        value = getattr(args, name)
        if name in FASTTEXT_FLAGS and value is not None and args.model != "fasttext":
            raise InvalidInputError(
                f"{_flag(name)} applies to --model fasttext only, not to --model "
                f"{args.model}. Leave it out."
            )
        if name not in defaults:
            if value is not None:
                other = (
                    "next-token"
                    if family == "word2vec"
                    else "cbow, skipgram and fasttext"
                )
                raise InvalidInputError(
                    f"{_flag(name)} applies to --model {other} only, not to "
                    f"--model {args.model}. Leave it out."
                )
            continue
        if value is None:
            setattr(args, name, defaults[name])
    if family == "word2vec" and args.batch_size is None:
        args.batch_size = default_batch_size(args.model)
    if args.out is None:
        args.out = os.path.join("runs", args.model)
    return family


def train(args):
    family = _resolve_defaults(args)
    recipe = RECIPES[family]
    names = inspect.signature(recipe).parameters
    kwargs = {name: getattr(args, name) for name in names if hasattr(args, name)}
    recipe(**kwargs, print_fn=print)
    return 0


def _as_flags(message, names):
    """An error message with the recipe's argument names as the CLI's flags.

    The recipes name their arguments the Python way (`` `min_count` ``,
    ``Received: min_count=0``); the flags are `--min-count`.
    """
    for name in sorted(names, key=len, reverse=True):
        message = message.replace(f"`{name}`", _flag(name))
        message = re.sub(rf"(?<![\w./-]){name}=", f"{_flag(name)}=", message)
    return message


def similar(args):
    from keras_embeddings import analysis, export

    if args.vectors is not None:
        word_vectors = export.load_word2vec(args.vectors)
    else:
        word_vectors = _model_vectors(args.model, args.word)
    for word, score in analysis.most_similar(word_vectors, args.word, topn=args.topn):
        print(f"{word}\t{score:.4f}")
    return 0


def _model_vectors(path, word):
    """The word vectors of a model file, with `word`'s own if the model
    builds vectors for unseen words (fastText)."""
    from keras_embeddings import export
    from keras_embeddings.models import load_model

    model = load_model(path)
    if not hasattr(model, "get_embeddings"):
        from keras_embeddings.errors import InvalidInputError

        raise InvalidInputError(
            f"Model {path!r} ({type(model).__name__}) has no word vectors. Pass "
            "a model written by `keras-embeddings train`."
        )
    word_vectors = export.to_word_vectors(model)
    if word not in word_vectors and hasattr(model, "get_vector"):
        word_vectors = {word: model.get_vector(word), **word_vectors}
    return word_vectors


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
    """Entry point of `keras-embeddings`; returns the exit code.

    Args:
        argv: list of str, the arguments after the program name; None reads
            `sys.argv`.

    Returns:
        int: 0 on success, 2 for bad input (one line on stderr, no
        traceback), 130 when interrupted.

    Example:

    ```python
    >>> from keras_embeddings.cli import main
    >>> main(["similar", "king", "--vectors", "missing.txt"])
    2
    ```
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = _parser().parse_args(argv)
    command = {"train": train, "similar": similar, "generate": generate}[args.command]
    if args.command != "similar" or args.model:  # vectors.txt needs no Keras
        _print_backend()
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warnings(warnings.showwarning)
        return _run(command, args)


def _one_line_warnings(show):
    """The package's own warnings (e.g. a FIFO skipped in a corpus folder) as
    one `keras-embeddings: warning:` line; other libraries' as they were."""
    package = os.path.dirname(os.path.abspath(__file__))

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if os.path.abspath(filename).startswith(package + os.sep):
            print(f"keras-embeddings: warning: {message}", file=sys.stderr)
        else:
            show(message, category, filename, lineno, file, line)

    return showwarning


def _run(command, args):
    from keras_embeddings.errors import KerasEmbeddingsError

    try:
        return command(args)
    except KerasEmbeddingsError as e:
        flags = set(vars(args)) - {"command"} - _POSITIONALS[args.command]
        message = _as_flags(str(e), flags)
        print(f"keras-embeddings {args.command}: error: {message}", file=sys.stderr)
        return 2
    except OSError as e:
        if e.errno not in _NO_SPACE:
            raise
        print(
            f"keras-embeddings {args.command}: error: cannot write "
            f"{e.filename or 'a file'}: {e.strerror}. Free some space or pass "
            "another --out; nothing was published.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("keras-embeddings: interrupted", file=sys.stderr)
        return 130
