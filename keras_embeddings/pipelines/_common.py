"""What the training recipes share: the result, the corpus, the tokenizer, the outputs.

Private: `pipelines.train_next_token` and `pipelines.train_word2vec` are the
public entry points.
"""

import contextlib
import dataclasses
import glob
import json
import os
import signal
import threading
import time

from keras_embeddings._validation import optional_positive_int, positive_int
from keras_embeddings.errors import InvalidInputError, MissingInputError

# The files every recipe writes into its output folder.
OUTPUT_FILES = {
    "model": "model.keras",
    "vectors": "vectors.txt",
    "history": "history.json",
    "history_plot": os.path.join("plots", "history.png"),
    "embedding_plot": os.path.join("plots", "embedding_pca.png"),
    "similarity_plot": os.path.join("plots", "similarity.png"),
    "tensorboard": "tensorboard",
    "manifest": "run.json",
}


@dataclasses.dataclass
class TrainingResult:
    """Everything a training recipe made, as written into its output folder.

    Attributes:
        model: the trained `keras.Model` (saved as `paths["model"]`).
        history: the `keras.callbacks.History` of `fit`; its `.history`
            dict is `paths["history"]` (`history.json`).
        word_vectors: dict word -> NumPy vector, `paths["vectors"]`
            (`vectors.txt`, word2vec text format).
        vocabulary: list of str, the word of each id (entry 0: padding).
        tokenizer: the fitted `text.Tokenizer`; None when the corpus was
            streamed from its files (`steps_per_epoch`): see `vocabulary`.
        out: str, the output folder.
        paths: dict name -> path of each output: `"model"`, `"vectors"`,
            `"history"`, `"history_plot"`, `"embedding_plot"` (the map),
            `"similarity_plot"` (the heatmap) and `"tensorboard"` (the log
            folder, with the projector files).
        neighbours: dict word -> list of `(word, cosine similarity)`, the
            nearest neighbours printed for a few frequent words.
        generated: str or None, the greedy continuation of the prompt
            (next-token recipe only).
        corpus: str, the corpus's name as printed.
        num_documents: int, the documents read.
        num_words: int, the words kept (tokens of the id sequences).
        seconds: float, the wall time of the whole recipe.

    Example:

    ```python
    >>> import dataclasses
    >>> from keras_embeddings.pipelines import TrainingResult
    >>> [field.name for field in dataclasses.fields(TrainingResult)][:5]
    ['model', 'history', 'word_vectors', 'vocabulary', 'tokenizer']
    ```
    """

    model: object
    history: object = dataclasses.field(repr=False)
    word_vectors: dict = dataclasses.field(repr=False)
    vocabulary: list = dataclasses.field(repr=False)
    tokenizer: object = dataclasses.field(repr=False)
    out: str
    paths: dict
    neighbours: dict = dataclasses.field(repr=False)
    generated: object = None
    corpus: str = ""
    num_documents: int = 0
    num_words: int = 0
    seconds: float = 0.0


def check_common(epochs, batch_size, vocabulary_size, min_count, embedding_dim, seed):
    """The checks both recipes make on their shared arguments."""
    positive_int("epochs", epochs)
    optional_positive_int("batch_size", batch_size)
    optional_positive_int("vocabulary_size", vocabulary_size)
    positive_int("min_count", min_count)
    positive_int("embedding_dim", embedding_dim)
    positive_int("seed", seed, minimum=0)


def output_folder(out, default_name):
    """`out` as a str; `runs/<default_name>` when None."""
    if out is None:
        return os.path.join("runs", default_name)
    if not isinstance(out, (str, os.PathLike)):
        raise InvalidInputError(
            f"`out` must be a folder path (str). Received: out={out!r}"
        )
    return os.fspath(out)


def load_texts(corpus, encoding):
    """`(name, documents)` of a path or glob, a corpus name
    (`datasets.list_corpora()`, `"gutenberg:ID"`), a list of str, or None
    (built in). A path that exists wins over a name."""
    from keras_embeddings import datasets
    from keras_embeddings.text import read_corpus

    if corpus is None:
        return "the built-in Lee news corpus", datasets.load_builtin_corpus()
    if isinstance(corpus, (list, tuple)):
        if not all(isinstance(doc, str) for doc in corpus):
            raise InvalidInputError(
                "`corpus` given as a list must hold str documents. Received: "
                f"corpus={corpus!r:.80}"
            )
        return f"the {len(corpus)} documents given", list(corpus)
    if not isinstance(corpus, (str, os.PathLike)):
        raise InvalidInputError(
            "`corpus` must be a text file, a folder, a glob or a corpus name "
            "(str), a list of str documents, or None (the built-in corpus). "
            f"Received: corpus={corpus!r:.80}"
        )
    corpus = os.fspath(corpus)
    if not os.path.exists(corpus) and not glob.has_magic(corpus):
        return corpus, named_corpus(corpus)
    return corpus, list(read_corpus(corpus, encoding=encoding))


def named_corpus(name):
    """The documents of a corpus name; a clear error for any other string."""
    from keras_embeddings import datasets

    if name in datasets.corpus_names() or name.startswith(datasets.GUTENBERG_PREFIX):
        return datasets.load_corpus(name)
    raise MissingInputError(
        f"Corpus {name!r} does not exist: it is neither a file, a folder or a "
        "glob, nor a corpus name. Pass a path, or one of the names "
        f"{', '.join(datasets.corpus_names())}, or gutenberg:ID / gutenberg:NAME "
        "(a Project Gutenberg book id such as gutenberg:1342, or a name such "
        "as gutenberg:austen-emma)."
    )


def fit_tokenizer(texts, corpus_name, vocabulary_size, min_count, oov_token):
    """A Tokenizer keeping words seen `min_count` times, `vocabulary_size` ids.

    next-token maps the other words to `oov_token`; word2vec (no
    `oov_token`) drops them, as gensim does.
    """
    from keras_embeddings.text import Tokenizer

    tokenizer = Tokenizer(num_words=vocabulary_size, oov_token=oov_token)
    tokenizer.fit_on_texts(texts)
    if len(tokenizer.word_counts) < 1 + (oov_token is None):
        raise InvalidInputError(
            f"Corpus {corpus_name!r} has no words to learn from. "
            "Pass a corpus with text in it."
        )
    if min_count > 1:
        # word_index lists the words by decreasing count (after oov_token).
        kept = sum(c >= min_count for c in tokenizer.word_counts.values())
        if kept < 1 + (oov_token is None):
            raise InvalidInputError(
                f"Corpus {corpus_name!r} has {kept} word(s) seen at least "
                f"`min_count`={min_count} times, too few to learn from. "
                "Lower `min_count` or pass a larger corpus."
            )
        limit = kept + 1 + (oov_token is not None)  # + padding (+ oov_token)
        if tokenizer.num_words is not None:
            limit = min(limit, tokenizer.num_words)
        tokenizer.num_words = limit
    return tokenizer


@dataclasses.dataclass
class Corpus:
    """A corpus read and tokenized for a recipe."""

    name: str
    texts: list
    tokenizer: object
    sequences: list
    vocabulary: list

    @property
    def words(self):
        return sum(len(s) for s in self.sequences)

    @property
    def documents(self):
        return len(self.texts)

    @property
    def ranked_words(self):
        """Every word seen, the most frequent first (those not kept too)."""
        return self.tokenizer.word_index


@dataclasses.dataclass
class StreamedCorpus:
    """A corpus counted in one streaming pass (`text.build_vocabulary`): its
    vocabulary and sizes, never its texts, sequences or a Tokenizer."""

    name: str
    vocabulary: list
    documents: int
    words: int  # the tokens of the kept words, as `Corpus.words`
    tokenizer = None

    @property
    def ranked_words(self):
        return self.vocabulary[1:]


def tokenized_corpus(corpus, encoding, vocabulary_size, min_count, oov_token):
    """Read, check and tokenize `corpus` (see `load_texts`, `fit_tokenizer`)."""
    name, texts = load_texts(corpus, encoding)
    tokenizer = fit_tokenizer(texts, name, vocabulary_size, min_count, oov_token)
    sequences = tokenizer.texts_to_sequences(texts)
    return Corpus(name, texts, tokenizer, sequences, tokenizer.get_vocabulary())


def finish(corpus, run, model, history, word_vectors, print_fn, started, prompt=None):
    """Write the outputs into the run's staging folder, publish it as one unit,
    print the summary and return the `TrainingResult`."""
    found = neighbours(corpus.ranked_words, word_vectors)
    write_outputs(run.path, model, history, word_vectors, found)
    run.publish()
    out = run.out
    paths = {name: os.path.join(out, file) for name, file in OUTPUT_FILES.items()}
    print_fn(
        f"\nWrote {out}: model.keras, vectors.txt, history.json, plots/, "
        "tensorboard/, run.json"
    )
    print_fn("Nearest neighbours (cosine similarity):")
    for word, pairs in found.items():
        print_fn(f"  {word:>12}: " + ", ".join(f"{w} {s:.2f}" for w, s in pairs))
    generated = None
    if prompt is not None:
        generated = model.generate(prompt, num_words=12, sampler="greedy")
        print_fn(f'Generated (greedy) from "{prompt}": {generated}')
    print_fn(f"See the projector: tensorboard --logdir {paths['tensorboard']}")
    seconds = time.perf_counter() - started
    print_fn(f"Done in {seconds:.0f} s.")
    return TrainingResult(
        model=model,
        history=history,
        word_vectors=word_vectors,
        vocabulary=corpus.vocabulary,
        tokenizer=corpus.tokenizer,
        out=out,
        paths=paths,
        neighbours=found,
        generated=generated,
        corpus=corpus.name,
        num_documents=corpus.documents,
        num_words=corpus.words,
        seconds=seconds,
    )


@contextlib.contextmanager
def interrupt_between_steps():
    """Inside, a first Ctrl-C stops `fit` at the end of the current step.

    SIGINT raises `KeyboardInterrupt` wherever the main thread is, and a
    `KeyboardInterrupt` inside the input pipeline's NumPy functions can be
    taken for the end of the data, ending the epoch early instead of the
    run. Here the first SIGINT only sets a flag; the yielded callback raises
    `KeyboardInterrupt` after the step, with the backup of the last finished
    epoch intact. A second Ctrl-C interrupts at once.
    """
    import keras

    class StopOnInterrupt(keras.callbacks.Callback):
        requested = False

        def on_train_batch_end(self, batch, logs=None):
            if self.requested:
                raise KeyboardInterrupt

        on_epoch_begin = on_epoch_end = on_test_batch_end = on_train_batch_end

    callback = StopOnInterrupt()
    if threading.current_thread() is not threading.main_thread():
        yield callback  # signal handlers belong to the main thread
        return
    previous = signal.getsignal(signal.SIGINT)

    def request(signum, frame):
        callback.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, request)
    try:
        yield callback
    finally:
        signal.signal(signal.SIGINT, previous)
    if callback.requested:  # stopped between fit and here
        raise KeyboardInterrupt


def resuming(run, initial_epoch, epochs):
    """The line a resumed run prints."""
    return (
        f"Resuming the interrupted run in {run.path} at epoch {initial_epoch + 1} "
        f"of {epochs} (epochs 1-{initial_epoch} are restored from its backup)."
    )


def neighbours(ranked_words, word_vectors, count=5, topn=5):
    """Nearest neighbours of a few frequent content words (4+ letters) of
    `ranked_words` (the most frequent first, e.g. `Tokenizer.word_index`)."""
    from keras_embeddings import analysis

    words = [w for w in ranked_words if len(w) >= 4 and w.isalpha() and w != "<unk>"]
    words = words[:count]
    return {
        word: analysis.most_similar(word_vectors, word, topn=topn)
        for word in words
        if word in word_vectors
    }


def write_outputs(out, model, history, word_vectors, found=None):
    """Write model, vectors, history and plots into `out`; return their paths.

    The map (150 most frequent words) colours and labels each word of
    `found` (see `neighbours`) with its 3 nearest neighbours; the heatmap
    compares those words with their 2 nearest neighbours.
    """
    from keras_embeddings import export, plots
    from keras_embeddings.io_utils import atomic_open, atomic_path

    paths = {name: os.path.join(out, file) for name, file in OUTPUT_FILES.items()}
    with atomic_path(paths["model"]) as tmp:
        model.save(tmp)
    export.save_word2vec(paths["vectors"], word_vectors)
    with atomic_open(paths["history"]) as f:
        json.dump({k: [float(v) for v in vs] for k, vs in history.history.items()}, f)
    os.makedirs(os.path.join(out, "plots"), exist_ok=True)
    plots.plot_history(history, path=paths["history_plot"])
    groups, compared = plot_words(word_vectors, found or {})
    plots.plot_embedding_2d(
        word_vectors, path=paths["embedding_plot"], max_words=150, groups=groups
    )
    plots.plot_similarity_heatmap(word_vectors, compared, path=paths["similarity_plot"])
    return paths


def plot_words(word_vectors, found):
    """`(groups, words)`: the map's groups and the heatmap's words.

    Each word of `found` (word -> its `(neighbour, similarity)` list) with
    its 3 nearest neighbours is a group (a word in the first group only);
    the heatmap compares each with its 2 nearest neighbours, or the 10 most
    frequent words when nothing was found.
    """
    groups, seen = {}, set()
    for word, pairs in found.items():
        if word in seen:
            continue
        members = [word] + [w for w, _ in pairs[:3] if w not in seen]
        seen.update(members)
        groups[word] = members
    compared = [w for word, pairs in found.items() for w in [word, *dict(pairs[:2])]]
    return groups, list(dict.fromkeys(compared)) or list(word_vectors)[:10]


def quiet(*args, **kwargs):
    """A `print_fn` that prints nothing."""
