"""Resuming an interrupted `fit` (issue 15): the same weights and history.

A run interrupted by Ctrl-C (`KeyboardInterrupt`, raised here from a
callback right after an epoch ends) and started again as a new process
would (a new model, the same seed, the datasets made with
`initial_epoch=callbacks.resume_epoch(backup_dir)`) must end with exactly
the weights and the `History` of a run that was never interrupted. The
oracle is that uninterrupted run, made without any `BackupAndRestore`.
"""

import json
import os

import keras
import numpy as np
import pytest

from keras_embeddings import callbacks, datasets
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models import CBOWNegativeSampling, NextTokenModel, SkipGram


class _Interrupt(keras.callbacks.Callback):
    """Ctrl-C right after epoch `epoch` (0-based) ends."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def _weights(model):
    return [keras.ops.convert_to_numpy(v) for v in model.weights]


def _assert_same_run(run, expected):
    (model, history), (expected_model, expected_history) = run, expected
    for a, b in zip(_weights(model), _weights(expected_model), strict=True):
        np.testing.assert_array_equal(a, b)
    assert history.epoch == expected_history.epoch
    assert history.history == expected_history.history


def _interrupted_then_resumed(train, backup_dir, interrupt):
    """`train(backup_dir, interrupt)` stopped by Ctrl-C, then run again."""
    with pytest.raises(KeyboardInterrupt):
        train(backup_dir, interrupt)
    assert os.path.isfile(backup_dir / "backup.json")  # kept after an interrupt
    assert callbacks.resume_epoch(backup_dir) == interrupt + 1
    model, history, backup = train(backup_dir, None)
    assert backup.resumed_from_epoch == interrupt + 1
    assert not backup_dir.exists()  # deleted once `fit` ends
    return model, history


# ------------------------------------------------------------ next token --

SEQUENCE_LENGTH = 4


def _next_token_corpus():
    # Training text follows one successor table, the held-out tail another:
    # the validation loss falls for an epoch or two, then rises (overfitting),
    # so early stopping picks an early epoch and stops a few epochs later.
    rng = np.random.default_rng(0)
    tables = [dict(zip(range(1, 12), rng.permutation(np.arange(1, 12)))) for _ in "ab"]

    def document(table):
        ids = [int(rng.integers(1, 12))]
        while len(ids) < 10:
            ids.append(int(table[ids[-1]]))
        return ids

    return [document(tables[0]) for _ in range(24)] + [
        document(tables[1]) for _ in range(8)
    ]


def _train_next_token(backup_dir=None, interrupt=None):
    """One run as the next-token pipeline makes it: seed, data, model, fit.

    Returns `(model, history, callbacks)`, `callbacks` from
    `training_callbacks`: `[EarlyStopping]` or `[EarlyStopping,
    BackupAndRestore]`.
    """
    keras.utils.set_random_seed(0)
    initial_epoch = callbacks.resume_epoch(backup_dir) if backup_dir else 0
    train, validation = datasets.next_token_dataset(
        _next_token_corpus(), SEQUENCE_LENGTH, batch_size=16,
        validation_split=0.25, seed=0, initial_epoch=initial_epoch,
    )  # fmt: skip
    model = NextTokenModel(
        20, embedding_dim=6, hidden_dim=8, dropout=0.5,
        sequence_length=SEQUENCE_LENGTH,
    )  # fmt: skip
    model.build((None, SEQUENCE_LENGTH))  # BackupAndRestore needs it built
    model.compile(optimizer=keras.optimizers.Adam(0.03))
    presets = callbacks.training_callbacks(patience=3, backup_dir=backup_dir)
    interrupting = [] if interrupt is None else [_Interrupt(interrupt)]
    history = model.fit(
        train, validation_data=validation, epochs=6,
        callbacks=presets + interrupting, shuffle=False, verbose=0,
    )  # fmt: skip
    return model, history, presets


@pytest.fixture(scope="module")
def next_token_run():
    """The uninterrupted run, without a backup."""
    return _train_next_token()


@pytest.mark.slow  # about 5 s on TensorFlow, 30 s on JAX (LSTM compilation)
@pytest.mark.parametrize("interrupt", ["after_best", "at_stop"])
def test_next_token_resumes_to_the_uninterrupted_run(
    tmp_path, next_token_run, interrupt
):
    model, history, (early,) = next_token_run
    # The reference stops early and restores an epoch before epoch 2.
    assert early.best_epoch < 2 < early.stopped_epoch < 5, history.history
    # "at_stop": Ctrl-C after the epoch at which early stopping decided to
    # stop: the resumed fit trains no further, and restores the best weights.
    epoch = 2 if interrupt == "after_best" else early.stopped_epoch

    def train(backup_dir, at):
        model, history, (_, backup) = _train_next_token(backup_dir, at)
        return model, history, backup

    resumed = _interrupted_then_resumed(train, tmp_path / "backup", epoch)
    _assert_same_run(resumed, (model, history))


# -------------------------------------------------------------- word2vec --


def _word2vec_corpus():
    rng = np.random.default_rng(1)
    return [rng.integers(1, 30, size=n).tolist() for n in rng.integers(5, 20, 40)]


def _train_word2vec(model_name, backup_dir=None, interrupt=None, epochs=4):
    """One run as the word2vec pipeline makes it (SGD decaying per step)."""
    keras.utils.set_random_seed(0)
    initial_epoch = callbacks.resume_epoch(backup_dir) if backup_dir else 0
    dataset = datasets.word2vec_dataset(
        _word2vec_corpus(), 30, model=model_name, window_size=2, negatives=3,
        sample=1e-2, batch_size=64, seed=0, initial_epoch=initial_epoch,
    )  # fmt: skip
    model_class = SkipGram if model_name == "skipgram" else CBOWNegativeSampling
    model = model_class(30, embedding_dim=8, negatives=3)
    model.build(None)
    steps = int(dataset.cardinality())
    model.compile(learning_rate=0.5, decay_steps=epochs * steps)
    fit_callbacks = [keras.callbacks.TerminateOnNaN()]
    if backup_dir is not None:
        fit_callbacks.append(callbacks.BackupAndRestore(backup_dir))
    if interrupt is not None:
        fit_callbacks.append(_Interrupt(interrupt))
    history = model.fit(
        dataset, epochs=epochs, callbacks=fit_callbacks, shuffle=False, verbose=0
    )
    assert int(model.optimizer.iterations) == epochs * steps
    return model, history, fit_callbacks[-1 if interrupt is None else -2]


@pytest.mark.parametrize("model_name", ["skipgram", "cbow"])
def test_word2vec_resumes_to_the_uninterrupted_run(tmp_path, model_name):
    model, history, _ = _train_word2vec(model_name)

    def train(backup_dir, at):
        return _train_word2vec(model_name, backup_dir, at)

    resumed = _interrupted_then_resumed(train, tmp_path / "backup", 1)
    _assert_same_run(resumed, (model, history))


# -------------------------------------------------------------- datasets --


def _next_token_batches(dataset):
    return [(x.numpy().tolist(), y.numpy().tolist()) for x, y in dataset]


def test_next_token_initial_epoch_starts_with_that_epochs_batches():
    sequences = [list(range(1, 40)), list(range(5, 30)), [7, 3]]
    x, y = datasets.next_token_windows(sequences, 3)
    fresh, _ = datasets.next_token_dataset(
        sequences, 3, batch_size=8, validation_split=0, seed=5
    )
    passes = [_next_token_batches(fresh) for _ in range(4)]
    for k in range(3):
        # The documented order: `default_rng([seed, epoch]).permutation(n)`.
        order = np.random.default_rng([5, k]).permutation(len(y))
        expected = [
            (x[order][i : i + 8].tolist(), y[order][i : i + 8].tolist())
            for i in range(0, len(y), 8)
        ]
        resumed, _ = datasets.next_token_dataset(
            sequences, 3, batch_size=8, validation_split=0, seed=5, initial_epoch=k
        )
        assert int(resumed.cardinality()) == len(expected)
        assert passes[k] == expected
        assert _next_token_batches(resumed) == expected
        assert _next_token_batches(resumed) == passes[k + 1]
    assert passes[0] != passes[1]


def _word2vec_arrays(dataset):
    parts = [
        (x.numpy(), y.numpy(), n.numpy(), w.numpy()) for (x, y, n), _, w in dataset
    ]
    return [np.concatenate(p) for p in zip(*parts)]


@pytest.mark.parametrize("model_name", ["skipgram", "cbow"])
def test_word2vec_initial_epoch_starts_with_that_epochs_batches(model_name):
    def make(initial_epoch=0):
        return datasets.word2vec_dataset(
            _word2vec_corpus(), 30, model=model_name, window_size=2, sample=1e-2,
            batch_size=32, seed=4, initial_epoch=initial_epoch,
        )  # fmt: skip

    fresh = make()
    passes = [_word2vec_arrays(fresh) for _ in range(3)]
    resumed = make(initial_epoch=2)
    assert int(resumed.cardinality()) == int(fresh.cardinality())
    for got, expected in zip(_word2vec_arrays(resumed), passes[2], strict=True):
        np.testing.assert_array_equal(got, expected)
    assert not np.array_equal(passes[1][0], passes[2][0])


@pytest.mark.parametrize("make", ["next_token", "word2vec"])
def test_initial_epoch_is_checked(make):
    with pytest.raises(InvalidInputError, match="`initial_epoch`"):
        if make == "next_token":
            datasets.next_token_dataset([[1, 2, 3]], 2, initial_epoch=-1)
        else:
            datasets.word2vec_dataset([[1, 2, 3]], 4, initial_epoch=1.5)


# ------------------------------------------------- the backup, in detail --


class _Sequential(keras.Sequential):
    """`save_weights` that Ctrl-C cuts short once `cut` is set."""

    cut = False

    def save_weights(self, *args, **kwargs):
        super().save_weights(*args, **kwargs)  # the file is written, then:
        if self.cut:
            raise KeyboardInterrupt


class _CutSaveShort(keras.callbacks.Callback):
    """Ctrl-C in the middle of the backup of epoch `epoch` (0-based)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self.model.cut = epoch == self.epoch


def _dense_run(backup_dir, interrupt=None, cut_save=None, epochs=4, **kwargs):
    """A tiny model with dropout; Ctrl-C after epoch `interrupt`, or during
    the backup of epoch `cut_save`."""
    keras.utils.set_random_seed(0)
    model = _Sequential(
        [keras.Input((3,)), keras.layers.Dropout(0.5), keras.layers.Dense(1)],
        name="dense_run",
    )
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    backup = callbacks.BackupAndRestore(backup_dir, **kwargs)
    fit_callbacks = [backup]
    if cut_save is not None:
        fit_callbacks.insert(0, _CutSaveShort(cut_save))
    if interrupt is not None:
        fit_callbacks.append(_Interrupt(interrupt))
    x = np.arange(24, dtype="float32").reshape(8, 3) / 24
    history = model.fit(
        x, x.sum(axis=1), epochs=epochs, batch_size=4, shuffle=False,
        callbacks=fit_callbacks, verbose=0,
    )  # fmt: skip
    return model, history, backup


def test_a_save_cut_short_leaves_the_previous_backup(tmp_path):
    # Ctrl-C in the middle of a save (once the weights file is written)
    # leaves the previous backup whole, and it resumes exactly.
    backup_dir = tmp_path / "backup"
    expected = _dense_run(tmp_path / "reference")[:2]
    with pytest.raises(KeyboardInterrupt):
        _dense_run(backup_dir, cut_save=2)
    assert len(list(backup_dir.glob("epoch0003-*.weights.h5"))) == 1  # unnamed
    assert callbacks.resume_epoch(backup_dir) == 2
    model, history, backup = _dense_run(backup_dir)
    assert backup.resumed_from_epoch == 2
    _assert_same_run((model, history), expected)


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    backup_dir = tmp_path / "backup"
    expected = _dense_run(tmp_path / "reference")[:2]
    with pytest.raises(KeyboardInterrupt):
        _dense_run(backup_dir, interrupt=2, double_checkpoint=True)
    state = json.loads((backup_dir / "backup.json").read_text())
    assert (state["latest"]["epoch"], state["previous"]["epoch"]) == (3, 2)
    (backup_dir / state["latest"]["files"]["weights"]).write_bytes(b"damaged")
    model, history, backup = _dense_run(backup_dir, double_checkpoint=True)
    assert backup.resumed_from_epoch == 2
    _assert_same_run((model, history), expected)


def test_a_damaged_backup_is_refused_with_the_folder_to_delete(tmp_path):
    backup_dir = tmp_path / "backup"
    assert callbacks.resume_epoch(backup_dir) == 0  # no backup: a new run
    with pytest.raises(KeyboardInterrupt):
        _dense_run(backup_dir, interrupt=1)
    (backup_dir / "backup.json").write_text('{"format": 1, "latest"')
    with pytest.raises(InvalidInputError, match="Delete the folder"):
        callbacks.resume_epoch(backup_dir)
    with pytest.raises(InvalidInputError, match="Delete the folder"):
        _dense_run(backup_dir)


def test_a_backup_of_another_model_is_refused(tmp_path):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        _dense_run(backup_dir, interrupt=1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(InvalidInputError, match="another model"):
        model.fit(
            np.ones((4, 5)), np.ones(4), epochs=3, verbose=0,
            callbacks=[callbacks.BackupAndRestore(backup_dir)],
        )  # fmt: skip
    assert callbacks.resume_epoch(backup_dir) == 2  # left for the right model


def test_backup_must_come_after_its_early_stopping(tmp_path):
    early = keras.callbacks.EarlyStopping(monitor="loss", patience=5)
    backup = callbacks.BackupAndRestore(tmp_path / "backup", early_stopping=early)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(InvalidInputError, match="must come after"):
        model.fit(
            np.ones((4, 3)), np.ones(4), epochs=2, verbose=0,
            callbacks=[backup, early],
        )  # fmt: skip


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"backup_dir": ""}, "`backup_dir`"),
        ({"backup_dir": 3}, "`backup_dir`"),
        ({"backup_dir": "b", "early_stopping": ["x"]}, "`early_stopping`"),
    ],
)
def test_backup_arguments_are_checked(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        callbacks.BackupAndRestore(**kwargs)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="JAX and PyTorch build the model before the callbacks start",
)
def test_an_unbuilt_model_is_told_how_to_build(tmp_path):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        _dense_run(backup_dir, interrupt=1)
    model = keras.Sequential([keras.layers.Dense(1)])  # no Input: unbuilt
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(InvalidInputError, match=r"built before `fit`.*build\("):
        model.fit(
            np.ones((4, 3)), np.ones(4), epochs=3, verbose=0,
            callbacks=[callbacks.BackupAndRestore(backup_dir)],
        )  # fmt: skip
