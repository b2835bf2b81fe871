"""Training callbacks: early-stopping presets and a working embedding projector.

Keras 3's `keras.callbacks.TensorBoard(embeddings_freq=...)` saves the
embedding weights as a `.weights.h5` file, which TensorBoard's projector
plugin cannot read, so the "Projector" tab stays empty (Keras issue 20210).
`EmbeddingProjector` writes, from `model.fit`, the files the plugin does
read, with `keras_embeddings.export.write_projector` (also importable from
here, its former home). The padding row, if the model has one
(`model.padding_id`), is left out.

`BackupAndRestore` is Keras' callback of that name made to resume an
interrupted `fit` exactly (it also saves the random generators, the
`History` and the `EarlyStopping` state); `resume_epoch(backup_dir)` tells
the datasets which epoch's data to start with.

`training_callbacks` bundles them with `EarlyStopping` and the scalar
`TensorBoard` logs. Taught in `tutorials/04_next_token_lstm.py`.
"""

import os

import keras

from keras_embeddings._backup import BackupAndRestore, resume_epoch
from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.export.projector import (
    METADATA_FILE,
    PROJECTOR_CONFIG,
    TENSOR_FILE,
    check_tensor_name,
    write_projector,
)
from keras_embeddings.export.word_vectors import (
    FROM_MODEL,
    check_padding_id,
    id_word_pairs,
)

__all__ = [
    "BackupAndRestore",
    "EmbeddingProjector",
    "resume_epoch",
    "training_callbacks",
    "write_projector",
    "PROJECTOR_CONFIG",
    "TENSOR_FILE",
    "METADATA_FILE",
]


class EmbeddingProjector(keras.callbacks.Callback):
    """Write the model's word vectors for TensorBoard's projector during `fit`.

    A working replacement for `keras.callbacks.TensorBoard(embeddings_freq=...)`,
    whose Keras 3 output the projector cannot read. The vectors come from
    `model.get_embeddings()` (every model of this package has it) or, for
    other models, from the weights of the first `keras.layers.Embedding`
    layer; the words from `vocabulary` or `model.get_vocabulary()`. The
    padding row (`model.padding_id`; 0 for a model without that attribute)
    is left out. See `keras_embeddings.export.write_projector` for the files
    written. The vocabulary is checked when training begins, not after it.

    Args:
        log_dir: str or path, the folder to pass to `tensorboard --logdir`
            (it may be the `log_dir` of a `TensorBoard` callback).
        vocabulary: a list where `vocabulary[i]` is the word of id `i` (one
            entry per row; the entry at the padding id is skipped), or a
            Tokenizer `word_index` dict. None (default): the model's
            `get_vocabulary()`.
        tensor_name: str, the name shown in the projector's tensor menu.
        freq: `"train_end"` to write once when training ends (after
            `EarlyStopping` restored the best weights, when it comes first
            in the callback list), or a positive int `n` to write a snapshot
            every `n` epochs, named `f"{tensor_name}_step{epoch}"`.
        padding_id: the id of the padding row, left out; None keeps every
            row. By default the model's `padding_id` (0 for a model without
            one).

    Example:

    ```python
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.callbacks import EmbeddingProjector
    >>> model = keras.Sequential(
    ...     [
    ...         keras.layers.Embedding(5, 2),
    ...         keras.layers.GlobalAveragePooling1D(),
    ...         keras.layers.Dense(5),
    ...     ]
    ... )
    >>> model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    >>> vocabulary = ["", "the", "cat", "sat", "down"]  # Id 0 is padding.
    >>> x, y = np.array([[1, 2], [2, 3], [3, 4]]), np.array([3, 4, 1])
    >>> projector = EmbeddingProjector("logs", vocabulary)
    >>> model.fit(x, y, epochs=1, verbose=0, callbacks=[projector])
    <keras.src.callbacks.history.History object at ...>
    >>> print(open("logs/embedding/metadata.tsv").read())
    the
    cat
    sat
    down
    ```
    """

    def __init__(
        self,
        log_dir,
        vocabulary=None,
        tensor_name="embedding",
        freq="train_end",
        padding_id=FROM_MODEL,
    ):
        super().__init__()
        if not (isinstance(freq, str) and freq == "train_end"):
            try:
                freq = positive_int("freq", freq)
            except InvalidInputError:
                raise InvalidInputError(
                    '`freq` must be "train_end" or a positive number of epochs. '
                    f"Received: freq={freq!r}"
                ) from None
        check_tensor_name(tensor_name)
        if padding_id is not FROM_MODEL:
            padding_id = check_padding_id(padding_id)
        if vocabulary is not None:
            # Its form now; the padding rule once the model is known.
            id_word_pairs(vocabulary, padding_id=None)
        self.log_dir = os.fspath(log_dir)
        self.vocabulary = vocabulary
        self.tensor_name = tensor_name
        self.freq = freq
        self.padding_id = padding_id

    def on_train_begin(self, logs=None):
        # Fail before training, not after: the words must fit the padding id.
        vocabulary, padding_id = self._words()
        id_word_pairs(vocabulary, padding_id=padding_id)

    def on_epoch_end(self, epoch, logs=None):
        if self.freq != "train_end" and (epoch + 1) % self.freq == 0:
            self._write(step=epoch + 1)

    def on_train_end(self, logs=None):
        if self.freq == "train_end":
            self._write(step=None)

    def _words(self):
        """`(vocabulary, padding_id)` for the model being trained."""
        model = self.model
        padding_id = self.padding_id
        if padding_id is FROM_MODEL:
            padding_id = check_padding_id(getattr(model, "padding_id", 0))
        vocabulary = self.vocabulary
        if vocabulary is None:
            get_vocabulary = getattr(model, "get_vocabulary", None)
            if callable(get_vocabulary):
                vocabulary = get_vocabulary()
        if vocabulary is None:
            raise InvalidInputError(
                f"`vocabulary` is missing: model {model.name!r} has no vocabulary "
                "of its own (`get_vocabulary()` gave none). Pass "
                "`EmbeddingProjector(log_dir, vocabulary)`."
            )
        return vocabulary, padding_id

    def _write(self, step):
        embeddings = _model_embeddings(self.model)
        vocabulary, padding_id = self._words()
        write_projector(
            self.log_dir,
            embeddings,
            vocabulary,
            tensor_name=self.tensor_name,
            step=step,
            padding_id=padding_id,
        )


def training_callbacks(
    log_dir=None, monitor="val_loss", patience=3, backup_dir=None, vocabulary=None
):
    """The course's callback presets for `model.fit`.

    Always `EarlyStopping(monitor, patience, restore_best_weights=True)`;
    with `log_dir`, also `TensorBoard(log_dir)` for the loss and metric
    curves (no `embeddings_freq`, whose files the projector cannot read);
    with `backup_dir`, this package's `BackupAndRestore(backup_dir,
    early_stopping=...)` so an interrupted run resumes from its last
    finished epoch with its History and early-stopping state (build the
    model before `fit`, and make the dataset with
    `initial_epoch=resume_epoch(backup_dir)`); with `log_dir` and `vocabulary`,
    `EmbeddingProjector(log_dir, vocabulary)`, placed after `EarlyStopping`
    so it writes the restored best weights.

    Args:
        log_dir: optional str or path, the TensorBoard log folder.
        monitor: str, the quantity early stopping watches, e.g. `"val_loss"`
            (needs validation data) or `"loss"`.
        patience: int >= 0, epochs without improvement before stopping.
        backup_dir: optional str or path for `BackupAndRestore`. Keras
            deletes it when training ends, so it must not be `log_dir` or
            a folder containing it.
        vocabulary: optional list or `word_index` dict for the projector;
            needs `log_dir`.

    Returns:
        A list of `keras.callbacks.Callback`s to pass to `model.fit`.

    Example:

    ```python
    >>> from keras_embeddings.callbacks import training_callbacks
    >>> callbacks = training_callbacks(monitor="loss", patience=2)
    >>> [type(c).__name__ for c in callbacks]
    ['EarlyStopping']
    >>> callbacks = training_callbacks(
    ...     log_dir="logs", backup_dir="backup", vocabulary=["", "the", "cat"]
    ... )
    >>> [type(c).__name__ for c in callbacks]
    ['EarlyStopping', 'TensorBoard', 'BackupAndRestore', 'EmbeddingProjector']
    ```
    """
    if not isinstance(monitor, str) or not monitor:
        raise InvalidInputError(
            "`monitor` must be the name of a logged quantity such as "
            f'"val_loss" or "loss". Received: monitor={monitor!r}'
        )
    patience = positive_int("patience", patience, minimum=0)
    if vocabulary is not None and log_dir is None:
        raise InvalidInputError(
            "`vocabulary` is used to write the embedding projector into "
            "`log_dir`; pass `log_dir` too, or leave `vocabulary` out."
        )
    if log_dir is not None:
        log_dir = _check_dir_argument(log_dir, "log_dir")
    if backup_dir is not None:
        backup_dir = _check_dir_argument(backup_dir, "backup_dir")
        if log_dir is not None:
            backup, log = os.path.abspath(backup_dir), os.path.abspath(log_dir)
            if os.path.commonpath([backup, log]) == backup:
                raise InvalidInputError(
                    "`backup_dir` is deleted when training ends, so it must not "
                    "be `log_dir` or a folder containing it. Received: "
                    f"backup_dir={backup_dir!r}, log_dir={log_dir!r}"
                )

    early_stopping = keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=True
    )
    callbacks = [early_stopping]
    if log_dir is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=log_dir))
    if backup_dir is not None:  # after EarlyStopping, whose state it saves
        callbacks.append(BackupAndRestore(backup_dir, early_stopping=early_stopping))
    if log_dir is not None and vocabulary is not None:
        callbacks.append(EmbeddingProjector(log_dir, vocabulary))
    return callbacks


def _check_dir_argument(path, argument):
    try:
        path = os.fspath(path)
    except TypeError:
        raise InvalidInputError(
            f"`{argument}` must be a folder path. Received: {argument}={path!r}"
        ) from None
    if not path:
        raise InvalidInputError(
            f"`{argument}` must be a folder path. Received: {argument}={path!r}"
        )
    return path


def _model_embeddings(model):
    """`model.get_embeddings()`, or the first `Embedding` layer's weights."""
    if callable(getattr(model, "get_embeddings", None)):
        return model.get_embeddings()
    # `_flatten_layers` also finds layers nested in layers (e.g. keras-hub's
    # `TokenAndPositionEmbedding`), which `model.layers` does not list.
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.Embedding):
            return keras.ops.convert_to_numpy(layer.embeddings)
    raise InvalidInputError(
        f"Model {model.name!r} has no `get_embeddings()` method and no "
        "`keras.layers.Embedding` layer, so there are no word vectors for the "
        "projector. Remove `EmbeddingProjector` or add an `Embedding` layer."
    )
