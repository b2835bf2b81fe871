"""Word2vec (skip-gram or CBOW with negative sampling) trained on a corpus.

`train_word2vec` is `keras-embeddings train --model skipgram|cbow` as a
function: gensim's recipe and defaults on `datasets.word2vec_dataset`
batches and `models.SkipGram` / `models.CBOWNegativeSampling`, then the
same outputs as the main job.
"""

import functools
import os
import time

from keras_embeddings._validation import (
    boolean,
    number,
    one_of,
    optional_positive_int,
    positive_int,
)
from keras_embeddings.datasets.word2vec import WORD2VEC_DEFAULTS
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.pipelines import _checks
from keras_embeddings.pipelines._common import (
    check_common,
    finish,
    interrupt_between_steps,
    output_folder,
    quiet,
    resuming,
    tokenized_corpus,
)
from keras_embeddings.pipelines._mixed_precision import (
    describe_precision,
    model_dtype,
)
from keras_embeddings.pipelines._run_folder import RunFolder, check_out
from keras_embeddings.pipelines._scale import (
    check_streamable,
    check_workers,
    fit,
    run_out,
    start_workers,
    strategy_of,
    streamed_corpus,
)

__all__ = ["train_word2vec"]

WORD2VEC_MODELS = ("skipgram", "cbow", "fasttext")
# fastText's settings (`models.FastText`) when `model="fasttext"`: gensim's
# (the model stores only the rows its vocabulary's n-grams use, so the
# bucket count costs no memory).
FASTTEXT_DEFAULTS = {"bucket": 2_000_000, "min_n": 3, "max_n": 6}
# fastText's pairs per step: at 4096 a shared n-gram row of a small
# vocabulary takes the summed error of hundreds of pairs at once and
# `raw_sentences` (248 words) diverges; 2048 matches gensim there
# (`benchmarks/fasttext_vs_gensim.py`).
FASTTEXT_BATCH_SIZE = 2048


def default_batch_size(model_name):
    """Examples per step when none is given: skip-gram pairs or CBOW
    centers (`datasets.WORD2VEC_DEFAULTS`), or fastText's pairs.

    >>> from keras_embeddings.pipelines.word2vec import default_batch_size
    >>> [default_batch_size(m) for m in ("skipgram", "cbow", "fasttext")]
    [4096, 1024, 2048]
    """
    if model_name == "fasttext":
        return FASTTEXT_BATCH_SIZE
    return WORD2VEC_DEFAULTS["batch_size"][model_name]


def _fasttext_settings(model_name, **given):
    """`FastText`'s n-gram arguments, defaults filled; {} for word2vec."""
    if model_name != "fasttext":
        for name, value in given.items():
            if value is not None:
                raise InvalidInputError(
                    f"`{name}` applies to model='fasttext' only, not to "
                    f"model={model_name!r}. Leave it out."
                )
        return {}
    settings = {
        name: FASTTEXT_DEFAULTS[name] if value is None else value
        for name, value in given.items()
    }
    positive_int("bucket", settings["bucket"])
    positive_int("min_n", settings["min_n"])
    positive_int("max_n", settings["max_n"], minimum=settings["min_n"])
    return settings


def train_word2vec(
    corpus=None,
    out=None,
    *,
    model="skipgram",
    encoding="utf-8",
    epochs=5,
    batch_size=None,
    vocabulary_size=None,
    min_count=5,
    embedding_dim=100,
    learning_rate=0.025,
    window_size=WORD2VEC_DEFAULTS["window_size"],
    negatives=WORD2VEC_DEFAULTS["negatives"],
    sample=WORD2VEC_DEFAULTS["sample"],
    bucket=None,
    min_n=None,
    max_n=None,
    mixed_precision=False,
    steps_per_epoch=None,
    distribute=None,
    workers=None,
    worker_index=None,
    overwrite=False,
    seed=0,
    verbose=1,
    print_fn=print,
):
    """Train word2vec with negative sampling, gensim's way, and write its outputs.

    Like gensim's `Word2Vec` (whose defaults these are: 100 dimensions,
    window 5, 5 negatives, `sample=1e-3`, `min_count=5`, 5 epochs, SGD at
    0.025 decaying linearly), words seen fewer than `min_count` times are
    dropped, frequent words subsampled, and training runs `epochs` epochs on
    the whole corpus (no validation split, no early stopping). Writes into
    `out` the same files as `train_next_token` (`model.keras`,
    `vectors.txt`, `history.json`, `plots/`, `tensorboard/` with the
    projector), as one unit (see `train_next_token`). Every argument, the
    corpus, the memory and the disk space are checked before anything is
    trained or written.

    Args:
        corpus: a text file, a folder or a glob (str or path-like), one
            document per line; a corpus name (`datasets.list_corpora()`,
            e.g. `"five-sentences"`, `"gutenberg:1342"`; a path that
            exists wins); or a list of str documents; None: the built-in
            Lee news corpus.
        out: str or path-like, the output folder; None: `runs/<model>`.
        model: `"skipgram"` (`models.SkipGram`), `"cbow"`
            (`models.CBOWNegativeSampling`) or `"fasttext"` (`models.FastText`,
            skip-gram over character n-grams: vectors for unseen words too).
        encoding: str, the corpus files' encoding.
        epochs: int, passes over the corpus.
        batch_size: int or None, skip-gram pairs or CBOW centers per step;
            None: 4096 for skip-gram, 1024 for CBOW
            (`datasets.WORD2VEC_DEFAULTS["batch_size"]`), 2048 for fastText,
            measured against gensim.
        vocabulary_size: int or None, the most ids kept (padding included),
            the most frequent words; None: no cap, `min_count` decides.
        min_count: int, words seen fewer times are dropped.
        embedding_dim: int, the size of the word vectors.
        learning_rate: float > 0, SGD's starting rate, decaying linearly to
            1e-4 of it.
        window_size: int, the largest distance between center and context
            word; each center draws its window from `1..window_size`.
        negatives: int, negative words per example.
        sample: float >= 0, the subsampling threshold (0 keeps every word).
        bucket: int or None, fastText's rows for hashed n-grams; None:
            2,000,000 as gensim's (`model="fasttext"` only, as `min_n` and
            `max_n`); only the rows the vocabulary uses are stored.
        min_n: int or None, fastText's shortest n-gram; None: 3.
        max_n: int or None, fastText's longest n-gram; None: 6.
        mixed_precision: bool, build the model with `dtype="mixed_float16"`
            (float16 compute, float32 weights and loss, loss scaling); only
            the model's policy is set, never the global one.
        steps_per_epoch: int or None: stream the corpus from its files
            (bounded memory: `text.build_vocabulary`, then
            `datasets.word2vec_file_dataset`), an epoch being this many
            steps; `corpus` must then be a file, a folder or a glob. None:
            the corpus is read into memory and an epoch is one pass.
        distribute: None (one device), `"data"` or `"model"`: train over
            all the devices of this process with `distribute.strategy(...)`
            (`"data"`: JAX and TensorFlow; `"model"`: JAX); the device mesh
            and the tables' layout are printed before training.
        workers: None (this process alone), or str: train data-parallel on
            many worker processes (`distribute.workers`), each streaming its
            shard of the corpus files: `"HOST:PORT,HOST:PORT,..."` of every
            worker, the chief first, the same on every worker; or `"env"`:
            the cluster of `TF_CONFIG` (TensorFlow) or
            `KERAS_DISTRIBUTION_*` (JAX). Needs `steps_per_epoch`, not
            `distribute`; not on PyTorch. Every worker runs the same command
            (its `worker_index` apart) and the same checks; only the chief
            keeps `out`. Such a run does not resume an interrupted one.
        worker_index: int or None, this worker's index in `workers`, 0 for
            the chief (None with `workers="env"`).
        overwrite: bool, replace `out` when it holds an earlier run (as a
            whole, when this run finishes); False refuses such an `out`.
        seed: int >= 0, seeds Keras, NumPy and the batches.
        verbose: 0, 1 or 2, `fit`'s progress output.
        print_fn: callable taking a str, prints the summary lines (corpus,
            speed, outputs, neighbours); None prints nothing.

    Returns:
        A `pipelines.TrainingResult` (its `generated` is None).

    Raises:
        InvalidInputError: a bad argument or an unusable corpus (before
            training), an output folder that cannot be written, or training
            that diverged (then nothing is written into `out`).
        MissingInputError: a corpus path that names no file.

    Example:

    ```python
    >>> from keras_embeddings.pipelines import train_word2vec
    >>> corpus = ["the king rules the land", "the queen rules the land"] * 10
    >>> result = train_word2vec(
    ...     corpus, out="run", model="cbow", epochs=1, min_count=1,
    ...     embedding_dim=4, batch_size=32, verbose=0, print_fn=None)
    >>> list(result.word_vectors), result.word_vectors["king"].shape
    (['the', 'rules', 'land', 'king', 'queen'], (4,))
    >>> type(result.model).__name__, result.paths["model"]
    ('CBOWNegativeSampling', 'run/model.keras')
    >>> list(result.neighbours)  # the frequent words of 4+ letters
    ['rules', 'land', 'king', 'queen']
    ```
    """
    arguments = dict(locals())
    started = time.perf_counter()
    print_fn = quiet if print_fn is None else print_fn
    model_name = one_of("model", model, WORD2VEC_MODELS)
    check_common(epochs, batch_size, vocabulary_size, min_count, embedding_dim, seed)
    if batch_size is None:
        batch_size = default_batch_size(model_name)
    subwords = _fasttext_settings(model_name, bucket=bucket, min_n=min_n, max_n=max_n)
    number("learning_rate", learning_rate, low=0, low_open=True)
    positive_int("window_size", window_size)
    positive_int("negatives", negatives)
    number("sample", sample, low=0)
    streaming = optional_positive_int("steps_per_epoch", steps_per_epoch) is not None
    if streaming:
        check_streamable(corpus)
    dtype = model_dtype(mixed_precision)
    check_workers(workers, worker_index, distribute, steps_per_epoch)
    chosen = strategy_of(distribute)
    overwrite = boolean("overwrite", overwrite)
    out = output_folder(out, model_name)
    _checks.check_outside(out, _checks.corpus_roots(corpus))
    check_out(out, overwrite)  # on every worker: all go on, or none
    if workers is not None:  # first TF / JAX work: joins the others
        chosen = start_workers(workers, worker_index)
    if streaming:
        corpus, counted = streamed_corpus(
            corpus, encoding, vocabulary_size, min_count, print_fn
        )
    else:
        corpus = tokenized_corpus(corpus, encoding, vocabulary_size, min_count, None)

    import keras
    import numpy as np

    from keras_embeddings import callbacks, datasets, export
    from keras_embeddings.models import CBOWNegativeSampling, FastText, SkipGram
    from keras_embeddings.models.fasttext import ngram_rows_of

    vocabulary = corpus.vocabulary
    _checks.check_words(vocabulary, reserved=1)
    size, dim = len(vocabulary), embedding_dim
    ngram_rows = len(ngram_rows_of(vocabulary, **subwords)) if subwords else 0
    parameters = (2 * size + ngram_rows) * dim
    _checks.check_memory(
        [
            (
                _checks.weight_bytes(parameters, "sgd"),
                f"the model's {parameters:,} weights",
                ("vocabulary_size", "embedding_dim") + (("max_n",) if subwords else ()),
            ),
            (
                # Each example's center, context and negative vectors, their
                # gradients and the update.
                4 * 3 * batch_size * (2 + negatives) * dim,
                "one training step's activations",
                ("embedding_dim", "batch_size", "negatives"),
            ),
        ]
    )
    _checks.check_free_space(out, _checks.output_bytes(parameters, "sgd", size, dim))
    keras.utils.set_random_seed(seed)
    recipe = dict(
        model="cbow" if model_name == "cbow" else "skipgram",
        window_size=window_size,
        negatives=negatives,
        sample=sample,
        batch_size=batch_size,
        seed=seed,
    )
    if streaming:
        make_dataset = functools.partial(
            datasets.word2vec_file_dataset,
            corpus.name,
            counted,
            steps_per_epoch=steps_per_epoch,
            encoding=encoding,
            **(chosen.shard() if workers is not None else {}),
            **recipe,
        )
    else:
        make_dataset = functools.partial(
            datasets.word2vec_dataset, corpus.sequences, len(vocabulary), **recipe
        )
    try:
        dataset = chosen.prepare_dataset(make_dataset())
    except InvalidInputError as e:
        raise InvalidInputError(f"Corpus {corpus.name!r}: {e}") from None
    model_class = {
        "skipgram": SkipGram, "cbow": CBOWNegativeSampling, "fasttext": FastText,
    }[model_name]  # fmt: skip
    with chosen:  # a table the devices cannot split is refused here
        model = model_class(
            len(vocabulary),
            embedding_dim=embedding_dim,
            negatives=negatives,
            vocabulary=vocabulary,
            dtype=dtype,
            **subwords,
        )
        model.build(None)  # BackupAndRestore needs the weights
    run_settings = _checks.settings("train_word2vec", arguments, corpus)
    with (
        run_out(chosen, out) as published,
        RunFolder(published, run_settings, overwrite, print_fn) as run,
    ):
        initial_epoch = callbacks.resume_epoch(run.backup_dir)
        if initial_epoch:  # the draws of the epoch the backup resumes at
            dataset = chosen.prepare_dataset(make_dataset(initial_epoch=initial_epoch))
        steps = int(dataset.cardinality())
        print_fn(
            f"Corpus: {corpus.name}: {corpus.documents} documents, {corpus.words} "
            f"words of {len(vocabulary) - 1} words seen at least {min_count} times "
            "(id 0 = padding)."
        )
        print_fn(describe_precision(model))
        if initial_epoch:
            print_fn(resuming(run, initial_epoch, epochs))
        log_dir = os.path.join(run.path, "tensorboard")
        with chosen:
            model.compile(
                learning_rate=learning_rate,
                decay_steps=epochs * steps,
                **(chosen.compile_arguments() if workers is not None else {}),
            )
            if distribute is not None:
                print_fn(chosen.describe(model))
            elif workers is not None:
                print_fn(chosen.describe())
            fit_started = time.perf_counter()
            with interrupt_between_steps() as stop:  # last: after the backup
                backup = [callbacks.BackupAndRestore(run.backup_dir)]
                history = fit(
                    chosen,
                    model,
                    dataset,
                    epochs=epochs,
                    callbacks=[
                        keras.callbacks.TerminateOnNaN(),
                        keras.callbacks.TensorBoard(log_dir=log_dir),
                        # Workers do not resume: each would resume alone.
                        *(backup if workers is None else []),
                        stop,
                    ],
                    shuffle=False,  # the dataset reshuffles itself every epoch
                    verbose=verbose,
                )
        fit_seconds = time.perf_counter() - fit_started
        loss = history.history["loss"][-1]
        if not np.isfinite(loss) or not np.isfinite(model.get_embeddings()).all():
            raise InvalidInputError(
                f"Training diverged (the loss became {loss}); nothing was written "
                f"into {out!r}. Lower `learning_rate` (now {learning_rate}) or "
                f"`batch_size` (now {batch_size})."
            )
        epochs_run = len(history.epoch) - initial_epoch  # in this process
        if streaming:  # an epoch is `steps_per_epoch` batches, not the corpus
            speed = (
                f"{steps * batch_size * epochs_run / fit_seconds:,.0f} examples/s "
                "(batch_size per step, XLA compilation included)."
            )
        else:
            speed = (
                f"{corpus.words * epochs_run / fit_seconds:,.0f} words/s (corpus "
                "words before subsampling, XLA compilation included)."
            )
        print_fn(
            f"Trained {epochs_run} epoch(s) of {steps} steps in {fit_seconds:.1f} s: "
            + speed
        )
        export.write_projector(log_dir, model, vocabulary)
        word_vectors = export.to_word_vectors(model, vocabulary)
        return finish(corpus, run, model, history, word_vectors, print_fn, started)
