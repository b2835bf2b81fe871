"""The flags of `keras-embeddings train`, read from the recipes.

Each per-model flag is an argument of `pipelines.train_next_token` or
`pipelines.train_word2vec`; its default comes from the recipe's signature
and its help from `_TRAIN_FLAGS`, so `--help` never disagrees with the
Python API. `cli` builds the parser from these tables.
"""

import inspect

from keras_embeddings import pipelines
from keras_embeddings.pipelines.word2vec import default_batch_size

__all__ = ["DEFAULTS", "MODELS", "RECIPES"]

MODELS = ("next-token", "cbow", "skipgram", "fasttext")
WORD2VEC_MODELS = ("cbow", "skipgram", "fasttext")
# Flags of --model fasttext only (None in the recipe: fastText's defaults).
FASTTEXT_FLAGS = ("bucket", "min_n", "max_n")
# Flags whose help says what their default (None) does.
_OWN_DEFAULT_TEXT = (*FASTTEXT_FLAGS, "distribute", "steps_per_epoch", "workers",
                     "worker_index")  # fmt: skip
# Flags with a fixed set of values (`distribute.MODES`, not imported here:
# it imports Keras, which `similar --vectors` never needs).
_CHOICES = {"distribute": ("data", "model")}
RECIPES = {
    "next-token": pipelines.train_next_token,
    "word2vec": pipelines.train_word2vec,
}
# Recipe arguments that are not per-model flags.
_NOT_FLAGS = {
    "corpus", "out", "model", "encoding", "mixed_precision", "overwrite", "seed",
    "verbose", "print_fn",
}  # fmt: skip


def _recipe_defaults(recipe):
    return {
        name: parameter.default
        for name, parameter in inspect.signature(recipe).parameters.items()
        if name not in _NOT_FLAGS
    }


# Flags whose default depends on the model (argparse default None), read from
# the recipes' signatures. A model without an entry for a flag does not take it.
DEFAULTS = {family: _recipe_defaults(recipe) for family, recipe in RECIPES.items()}


# The per-model flags of `train`, by help group: (argument, type, help); the
# help ends with the default, read from the recipe.
_TRAIN_FLAGS = {
    None: [
        ("epochs", int, ""),
        ("batch_size", int, "examples per step: windows / skip-gram pairs or CBOW "
         "center words"),
        ("vocabulary_size", int, "keep at most this many ids (padding included), "
         "the most frequent words"),
        ("min_count", int, "drop words seen fewer times (next-token: they become "
         "<unk>)"),
        ("embedding_dim", int, ""),
        ("learning_rate", float, "Adam's rate / SGD's starting rate, decaying "
         "linearly to 1e-4 of it"),
        ("steps_per_epoch", int, "stream --corpus (a file, a folder or a "
         "glob) from disk in bounded memory: one pass to count the vocabulary "
         "(with progress), then batches made on the fly; an epoch is N steps "
         "(default: read the corpus into memory, an epoch is one pass)"),
        ("distribute", str, "train over all the devices of this process: data "
         "(replicate the model, split the batches; JAX, TensorFlow) or model "
         "(split the embedding tables by rows, next-token's output layer by "
         "columns; JAX); prints the device mesh (default: one device)"),
    ],
    "next-token options": [
        ("sequence_length", int, ""),
        ("hidden_dim", int, "LSTM units"),
        ("dropout", float, ""),
        ("patience", int, "early stopping patience"),
        ("validation_split", float, ""),
        ("prompt", str, "text to continue"),
    ],
    "word2vec options (cbow, skipgram)": [
        ("window_size", int, "largest distance between center and context word; "
         "each center draws its window from 1..N"),
        ("negatives", int, "negative words per example"),
        ("sample", float, "subsampling threshold of frequent words, 0 keeps all"),
        ("workers", str, "HOST:PORT,HOST:PORT,...: train on these worker "
         "processes (the chief first; the same list on every worker), each "
         "streaming its shard of --corpus; needs --steps-per-epoch; only the "
         "chief writes --out; env: the cluster of TF_CONFIG / "
         "KERAS_DISTRIBUTION_* (default: this process alone)"),
        ("worker_index", int, "this worker's index in --workers, 0 for the "
         "chief"),
    ],
    "fastText options (fasttext)": [
        ("bucket", int, "rows for hashed character n-grams, as gensim's "
         "(default: 2000000; only the rows the vocabulary uses are stored)"),
        ("min_n", int, "shortest character n-gram (default: 3)"),
        ("max_n", int, "longest character n-gram (default: 6)"),
    ],
}  # fmt: skip


def _default(name):
    """`(default: X/Y)` for a flag: next-token's, then word2vec's."""
    values = []
    for family, defaults in DEFAULTS.items():
        if name not in defaults:
            continue
        value = defaults[name]
        if name == "batch_size" and family == "word2vec":
            value = ", ".join(
                f"{default_batch_size(m)} {label}"
                for m, label in [
                    ("skipgram", "skip-gram"), ("cbow", "CBOW"), ("fasttext", "fastText")
                ]
            )  # fmt: skip
        elif value is None:
            value = "no limit"
        elif name == "prompt":
            value = f'"{value}"'
        values.append(str(value))
    return f"(default: {'/'.join(values)})"
