"""The main job: a next-token Embedding + LSTM model trained on a corpus.

`train_next_token` is `keras-embeddings train` (`--model next-token`) as a
function: Tokenizer -> next-token windows -> `models.NextTokenModel`, with a
validation split and early stopping, then the outputs written into `out`.
"""

import functools
import os
import time

from keras_embeddings._validation import (
    boolean,
    number,
    optional_positive_int,
    positive_int,
)
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
    strategy_of,
    streamed_corpus,
)

__all__ = ["train_next_token"]


def train_next_token(
    corpus=None,
    out=None,
    *,
    encoding="utf-8",
    epochs=15,
    batch_size=128,
    vocabulary_size=5000,
    min_count=1,
    embedding_dim=64,
    learning_rate=3e-3,
    sequence_length=8,
    hidden_dim=128,
    dropout=0.2,
    patience=2,
    validation_split=0.1,
    steps_per_epoch=None,
    distribute=None,
    prompt="the government",
    mixed_precision=False,
    overwrite=False,
    seed=0,
    verbose=1,
    print_fn=print,
):
    """Train a next-word Embedding + LSTM model and write its outputs.

    Reads the corpus, keeps the `vocabulary_size - 2` most frequent words
    seen at least `min_count` times (the others become `<unk>`), trains
    `models.NextTokenModel` with Adam on (up to `sequence_length` words ->
    next word) windows, stops early on the validation loss, and writes into
    `out`:

        model.keras      the trained model (`keras.saving.load_model`)
        vectors.txt      the word vectors, word2vec text format (no `<unk>`)
        history.json     the loss and metric curves
        plots/           history.png, embedding_pca.png, similarity.png
        tensorboard/     scalars and the embedding projector

    Every argument, the corpus, the memory and disk space the run needs
    and the prompt are checked before anything is trained or written. The
    run writes into a hidden sibling folder, `.OUT.partial`, and renames it
    to `out` when every file is complete, with `run.json` (the settings and
    each file's SHA-256) last: a failed or interrupted run leaves an earlier
    `out` exactly as it was. A lock refuses a second run into the same
    `out` while one is writing.

    Args:
        corpus: a text file, a folder or a glob (str or path-like), one
            document per line; a corpus name (`datasets.list_corpora()`,
            e.g. `"five-sentences"`, `"gutenberg:1342"`; a path that
            exists wins); or a list of str documents; None: the built-in
            Lee news corpus (`datasets.load_builtin_corpus`).
        out: str or path-like, the output folder (created); None:
            `runs/next-token`.
        encoding: str, the corpus files' encoding.
        epochs: int, the most epochs (early stopping may end sooner).
        batch_size: int, windows per step.
        vocabulary_size: int or None, the most ids kept (padding and `<unk>`
            included), the most frequent words.
        min_count: int, words seen fewer times become `<unk>`.
        embedding_dim: int, the size of the word vectors.
        learning_rate: float > 0, Adam's learning rate.
        sequence_length: int, the longest context.
        hidden_dim: int, the LSTM's units.
        dropout: float in [0, 1), dropout after the LSTM.
        patience: int >= 0, epochs without improvement before stopping.
        validation_split: float in [0, 1), the share of windows held out
            (the corpus's end; streamed: the share of documents); 0
            monitors the training loss.
        steps_per_epoch: int or None: stream the corpus from its files in
            bounded memory (`text.build_vocabulary`'s one counting pass,
            then `datasets.next_token_file_dataset`'s windows made on the
            fly); an epoch is this many batches, the stream going on
            across epochs. `corpus` must then be a file, folder, glob or
            Wikipedia dump. None: the corpus is read into memory, an epoch
            is one pass.
        distribute: None (one device), `"data"` or `"model"`: train over
            all the devices of this process with `distribute.strategy(...)`
            (data: JAX `DataParallel`, TF `MirroredStrategy`; model: JAX
            `ModelParallel`, the input table split by rows and the output
            layer by columns, the LSTM replicated); the device mesh and
            each weight's layout are printed. Not on PyTorch.
        prompt: str, continued greedily by 12 words after training.
        mixed_precision: bool, build the model with `dtype="mixed_float16"`
            (float16 compute, float32 weights, logits and loss, loss
            scaling: up to several times faster on a GPU with tensor cores).
            Only the model's policy is set, never the global one.
        overwrite: bool, replace `out` when it holds an earlier run (as a
            whole, when this run finishes); False refuses such an `out`.
        seed: int >= 0, seeds Keras, NumPy and the shuffling.
        verbose: 0, 1 or 2, `fit`'s progress output.
        print_fn: callable taking a str, prints the summary lines (corpus,
            outputs, neighbours, continuation); None prints nothing.

    Returns:
        A `pipelines.TrainingResult`: the model, history, word vectors,
        tokenizer, the paths written, the neighbours and the continuation.

    Raises:
        InvalidInputError: a bad argument or an unusable corpus (before
            training), or an output folder that cannot be written.
        MissingInputError: a corpus path that names no file.

    Example:

    ```python
    >>> from keras_embeddings.pipelines import train_next_token
    >>> with open("story.txt", "w") as f:
    ...     _ = f.write("the cat sat on the mat and the dog sat on the log\\n" * 5)
    >>> result = train_next_token(
    ...     corpus="story.txt", out="run", epochs=1, embedding_dim=4,
    ...     hidden_dim=4, validation_split=0, prompt="the cat", verbose=0,
    ...     print_fn=None)
    >>> sorted(result.word_vectors)[:4], result.word_vectors["cat"].shape
    (['and', 'cat', 'dog', 'log'], (4,))
    >>> result.paths["vectors"], list(result.history.history)[:1]
    ('run/vectors.txt', ['accuracy'])
    >>> result.generated.split()[:2]
    ['the', 'cat']
    ```
    """
    arguments = dict(locals())
    started = time.perf_counter()
    print_fn = quiet if print_fn is None else print_fn
    check_common(epochs, batch_size, vocabulary_size, min_count, embedding_dim, seed)
    number("learning_rate", learning_rate, low=0, low_open=True)
    positive_int("sequence_length", sequence_length)
    positive_int("hidden_dim", hidden_dim)
    number("dropout", dropout, 0, 1, high_open=True)
    positive_int("patience", patience, minimum=0)
    number("validation_split", validation_split, 0, 1, high_open=True)
    streaming = optional_positive_int("steps_per_epoch", steps_per_epoch) is not None
    if streaming:
        check_streamable(corpus)
    dtype = model_dtype(mixed_precision)
    chosen = strategy_of(distribute)  # refused before anything is written
    if not isinstance(prompt, str):
        raise InvalidInputError(f"`prompt` must be a str. Received: prompt={prompt!r}")
    overwrite = boolean("overwrite", overwrite)
    out = output_folder(out, "next-token")
    _checks.check_outside(out, _checks.corpus_roots(corpus))
    check_out(out, overwrite)
    if streaming:
        corpus, counted = streamed_corpus(
            corpus, encoding, vocabulary_size, min_count, print_fn, oov_token="<unk>"
        )
    else:
        corpus = tokenized_corpus(corpus, encoding, vocabulary_size, min_count, "<unk>")

    import keras

    from keras_embeddings import callbacks, datasets, export
    from keras_embeddings.models import NextTokenModel

    vocabulary = corpus.vocabulary
    _checks.check_words(vocabulary, reserved=2)
    size, dim, hidden = len(vocabulary), embedding_dim, hidden_dim
    parameters = size * dim + 4 * hidden * (dim + hidden + 1) + (hidden + 1) * size
    _checks.check_memory(
        [
            (
                _checks.weight_bytes(parameters, "adam"),
                f"the model's {parameters:,} weights",
                ("vocabulary_size", "embedding_dim", "hidden_dim"),
            ),
            # A step keeps each window's embeddings, the LSTM's gates and
            # states at every step, and the logits, softmax and gradient.
            (
                8 * batch_size * sequence_length * dim,
                "the windows' embeddings in one step",
                ("embedding_dim", "sequence_length", "batch_size"),
            ),
            (
                32 * batch_size * sequence_length * hidden,
                "the LSTM's states in one step",
                ("sequence_length", "hidden_dim", "batch_size"),
            ),
            (
                12 * batch_size * size,
                "the logits of one step",
                ("batch_size", "vocabulary_size"),
            ),
        ]
    )
    _checks.check_free_space(out, _checks.output_bytes(parameters, "adam", size, dim))
    keras.utils.set_random_seed(seed)
    recipe = dict(batch_size=batch_size, validation_split=validation_split, seed=seed)
    if streaming:
        make_datasets = functools.partial(
            datasets.next_token_file_dataset,
            corpus.name,
            counted,
            sequence_length,
            oov_token="<unk>",
            steps_per_epoch=steps_per_epoch,
            encoding=encoding,
            **recipe,
        )
    else:
        make_datasets = functools.partial(
            datasets.next_token_dataset, corpus.sequences, sequence_length, **recipe
        )

    def prepared(initial_epoch=0):
        try:
            train, validation = make_datasets(initial_epoch=initial_epoch)
            train = chosen.prepare_dataset(train)
            if validation is not None:
                validation = chosen.prepare_dataset(validation)
        except InvalidInputError as e:
            raise InvalidInputError(f"Corpus {corpus.name!r}: {e}") from None
        return train, validation

    train_ds, val_ds = prepared()
    with chosen:  # a table the devices cannot split is refused here
        model = NextTokenModel(
            len(vocabulary),
            embedding_dim=embedding_dim,
            hidden_dim=hidden_dim,
            dropout=dropout,
            sequence_length=sequence_length,
            vocabulary=vocabulary,
            oov_token="<unk>",
            dtype=dtype,
        )
        model.build((None, sequence_length))  # BackupAndRestore needs weights
    model._prompt_ids(prompt)  # a prompt of unknown words fails now, not after
    run_settings = _checks.settings("train_next_token", arguments, corpus)
    with RunFolder(out, run_settings, overwrite, print_fn) as run:
        initial_epoch = callbacks.resume_epoch(run.backup_dir)
        if initial_epoch:  # the data of the epoch the backup resumes at
            train_ds, val_ds = prepared(initial_epoch)
        print_fn(
            f"Corpus: {corpus.name}: {corpus.documents} documents, {corpus.words} "
            f"words, vocabulary {len(vocabulary)} (ids; 0 = padding, 1 = <unk>)."
        )
        print_fn(describe_precision(model))
        if initial_epoch:
            print_fn(resuming(run, initial_epoch, epochs))
        fit_callbacks = callbacks.training_callbacks(
            log_dir=os.path.join(run.path, "tensorboard"),
            monitor="val_loss" if val_ds is not None else "loss",
            patience=patience,
            backup_dir=run.backup_dir,
            vocabulary=vocabulary,
        )
        with chosen, interrupt_between_steps() as stop:  # last: after the backup
            model.compile(optimizer=keras.optimizers.Adam(learning_rate))
            if distribute is not None:
                print_fn(chosen.describe(model))
            history = model.fit(
                train_ds,
                validation_data=val_ds,
                epochs=epochs,
                callbacks=[*fit_callbacks, stop],
                shuffle=False,  # the dataset reshuffles itself every epoch
                verbose=verbose,
            )
        word_vectors = export.to_word_vectors(model, vocabulary)
        word_vectors.pop("<unk>", None)
        return finish(
            corpus, run, model, history, word_vectors, print_fn, started, prompt=prompt
        )
