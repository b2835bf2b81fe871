"""`BackupAndRestore` that resumes an interrupted `fit` exactly.

Private: `keras_embeddings.callbacks` exports `BackupAndRestore` and
`resume_epoch`. Keras' callback of that name saves the weights with the
optimizer's variables; a resumed run also needs the seed generators'
states, torch's global generator, the `History` so far and the
`EarlyStopping` state, which this one saves too. A backup is a folder whose
`backup.json` names the files of its checkpoint and is replaced last, so an
interrupt leaves either the previous checkpoint or the new one.
"""

import json
import os
import uuid
import zipfile

import keras
import numpy as np

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.io_utils import atomic_open

STATE_FILE = "backup.json"
_FORMAT = 1


def check_backup_dir(backup_dir):
    """`backup_dir` as a non-empty str, or `InvalidInputError`."""
    try:
        path = os.fspath(backup_dir)
    except TypeError:
        path = None
    if not isinstance(path, str) or not path:
        raise InvalidInputError(
            f"`backup_dir` must be a folder path. Received: backup_dir={backup_dir!r}"
        )
    return path


def read_state(backup_dir):
    """The contents of `backup_dir/backup.json`, or None without a backup."""
    path = os.path.join(check_backup_dir(backup_dir), STATE_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
        if state["format"] != _FORMAT:
            raise ValueError(f"format {state['format']!r}")
        for entry in filter(None, (state["latest"], state.get("previous"))):
            if not isinstance(entry["epoch"], int) or entry["epoch"] < 0:
                raise ValueError(f"epoch {entry['epoch']!r}")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InvalidInputError(
            f"The backup {path!r} cannot be read ({type(e).__name__}: {e}). "
            f"Delete the folder {os.path.dirname(path)!r} to start the run again."
        ) from None
    return state


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _extra_variables(model):
    """Model state `save_weights` leaves out: the seed generators' states."""
    saved = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in saved]


def _torch_generator_states():
    import torch

    states = {"torch_rng": torch.get_rng_state().numpy()}
    if torch.cuda.is_available():
        for i, state in enumerate(torch.cuda.get_rng_state_all()):
            states[f"torch_cuda_rng_{i}"] = state.numpy()
    return states


def _set_torch_generator_states(arrays):
    import torch

    if "torch_rng" in arrays:
        torch.set_rng_state(torch.from_numpy(arrays["torch_rng"]))
    cuda = sorted(k for k in arrays if k.startswith("torch_cuda_rng_"))
    if cuda and torch.cuda.is_available():
        states = [torch.from_numpy(arrays[k]) for k in cuda]
        torch.cuda.set_rng_state_all(states[: torch.cuda.device_count()])


class BackupAndRestore(keras.callbacks.BackupAndRestore):
    """Keras' `BackupAndRestore`, made to resume exactly where the run stopped.

    A superset of `keras.callbacks.BackupAndRestore`: the same name and
    arguments, plus `early_stopping`. Keras saves the weights, the
    optimizer's variables (Adam's moments, `iterations`, which a learning
    rate schedule reads) and the next epoch; this class also saves the
    random seed generators' states (`Dropout`; under PyTorch, torch's global
    generator, which unseeded `Dropout` draws from), the `History` so far
    and the state of the `early_stopping` callbacks (`wait`, `best`,
    `best_epoch`, the best weights). When `fit` starts again with the same
    `backup_dir`, all of it is put back: `fit` returns the History of every
    epoch, early stopping decides as if nothing had happened, and with the
    same seed and the data of the epoch it resumes at (the datasets'
    `initial_epoch=resume_epoch(backup_dir)`), the final weights are those
    of an uninterrupted run.

    Each save writes new files, then replaces `backup.json` (atomically),
    then deletes the older files: an interrupt at any moment leaves a whole
    backup. On Ctrl-C (`KeyboardInterrupt`) Keras calls no `on_train_end`,
    so the backup stays; a `fit` that ends (its epochs done, or stopped
    early) deletes the folder, unless `delete_checkpoint=False`. The folder
    is this class's own (`backup.json`), not Keras' `latest.weights.h5`.

    Conditions: the model is built before `fit` (e.g.
    `NextTokenModel.build((None, sequence_length))`, `SkipGram.build(None)`);
    this callback comes after its `early_stopping` callbacks in
    `fit(callbacks=...)` (an error says so otherwise; `training_callbacks`
    orders them); Keras iterates the dataset once per epoch (no
    `steps_per_epoch`). Resuming is exact with `save_freq="epoch"`; a save
    within an epoch resumes, as Keras does, at the start of that epoch.

    Args:
        backup_dir: str or path, the backup folder (used by nothing else).
        save_freq: `"epoch"` or an int number of batches, as in Keras.
        double_checkpoint: bool, also keep the previous checkpoint and
            fall back to it when the latest cannot be read.
        delete_checkpoint: bool, delete the folder when `fit` ends.
        early_stopping: a `keras.callbacks.EarlyStopping`, a list of them
            or None: the callbacks of the same `fit` whose state is saved.

    Attributes:
        resumed_from_epoch: None when the last `fit` started afresh, else
            the epoch it resumed at (0-based, Keras' `initial_epoch`: 2 after
            two finished epochs, when the progress bar shows "Epoch 3/...").

    Example:

    ```python
    >>> import os
    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.callbacks import BackupAndRestore, resume_epoch
    >>> class Interrupt(keras.callbacks.Callback):  # Ctrl-C after epoch 2
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         if epoch == 1:
    ...             raise KeyboardInterrupt
    >>> def new_model():
    ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    ...     model.compile(optimizer="adam", loss="mse")
    ...     return model
    >>> x, y = np.ones((8, 3)), np.zeros((8, 1))
    >>> try:
    ...     new_model().fit(x, y, epochs=4, verbose=0,
    ...                     callbacks=[BackupAndRestore("backup"), Interrupt()])
    ... except KeyboardInterrupt:
    ...     print("interrupted")
    interrupted
    >>> resume_epoch("backup")  # the next epoch, for the datasets
    2
    >>> backup = BackupAndRestore("backup")
    >>> history = new_model().fit(x, y, epochs=4, verbose=0, callbacks=[backup])
    >>> backup.resumed_from_epoch, history.epoch
    (2, [0, 1, 2, 3])
    >>> os.path.exists("backup")  # deleted once `fit` ends
    False
    ```
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
        early_stopping=None,
    ):
        backup_dir = check_backup_dir(backup_dir)
        super().__init__(
            backup_dir,
            save_freq=save_freq,
            double_checkpoint=double_checkpoint,
            delete_checkpoint=delete_checkpoint,
        )
        if early_stopping is None:
            early_stopping = []
        elif isinstance(early_stopping, keras.callbacks.EarlyStopping):
            early_stopping = [early_stopping]
        early_stopping = list(early_stopping)
        for callback in early_stopping:
            if not isinstance(callback, keras.callbacks.EarlyStopping):
                raise InvalidInputError(
                    "`early_stopping` must be a `keras.callbacks.EarlyStopping` "
                    f"or a list of them. Received: {callback!r}"
                )
        self.early_stopping = early_stopping
        self.resumed_from_epoch = None
        self._restored = None  # the History and EarlyStopping state to put back
        self._snapshots = None  # EarlyStopping's (wait, best) at epoch begin
        self._epoch_logs = None  # (epoch, logs) of the epoch being saved

    # ------------------------------------------------------------ restore --

    def on_train_begin(self, logs=None):
        self.resumed_from_epoch = None
        self._restored = None
        state = read_state(self.backup_dir)
        if state is None:
            return
        model = self.model
        if not model.built:
            raise InvalidInputError(
                f"Model {model.name!r} must be built before `fit` to restore the "
                f"backup in {self.backup_dir!r}: call `model.build(input_shape)` "
                "first (e.g. `NextTokenModel.build((None, sequence_length))`, "
                "`SkipGram.build(None)`)."
            )
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        entries = [state["latest"]]
        if self.double_checkpoint and state.get("previous"):
            entries.append(state["previous"])
        for i, entry in enumerate(entries):
            try:
                self._load(entry)
                break
            except (OSError, KeyError, zipfile.BadZipFile) as e:
                # A damaged or missing file: the previous checkpoint, if kept.
                if i + 1 == len(entries):
                    raise InvalidInputError(
                        f"The backup in {self.backup_dir!r} cannot be read "
                        f"({type(e).__name__}: {e}). Delete the folder to start "
                        "the run again."
                    ) from None
        epoch = entry["epoch"]
        self.resumed_from_epoch = epoch
        # Keras' trainers start at `model._initial_epoch` when it is set (the
        # mechanism of Keras' own BackupAndRestore). A run that early
        # stopping had ended runs no further epoch.
        if entry["stop_training"]:
            epoch = max(epoch, self.params.get("epochs", epoch))
        model._initial_epoch = epoch
        self._restored = entry
        self._put_back()

    def _load(self, entry):
        model, folder = self.model, self.backup_dir
        try:
            model.load_weights(os.path.join(folder, entry["files"]["weights"]))
        except ValueError as e:
            raise InvalidInputError(
                f"The backup in {folder!r} was written for another model or "
                f"optimizer ({str(e)[:200]}). Resume with the same arguments, or "
                "delete the folder to start the run again."
            ) from None
        with np.load(
            os.path.join(folder, entry["files"]["arrays"]), allow_pickle=False
        ) as npz:
            arrays = {key: npz[key] for key in npz.files}
        variables = _extra_variables(model)
        shapes = [tuple(v.shape) for v in variables]
        saved = [arrays.get(f"variable_{i}") for i in range(len(variables))]
        if len(entry["variables"]) != len(variables) or any(
            a is None or a.shape != s for a, s in zip(saved, shapes)
        ):
            raise InvalidInputError(
                f"The backup in {folder!r} was written for another model (its "
                f"random-generator states {entry['variables']} do not match the "
                "model's). Resume with the same arguments, or delete the folder."
            )
        for variable, value in zip(variables, saved):
            variable.assign(value)
        if keras.backend.backend() == "torch":
            _set_torch_generator_states(arrays)
        if len(entry["early_stopping"]) != len(self.early_stopping):
            raise InvalidInputError(
                f"The backup in {folder!r} holds the state of "
                f"{len(entry['early_stopping'])} EarlyStopping callback(s), but "
                f"`early_stopping` names {len(self.early_stopping)}. Resume with "
                "the same callbacks, or delete the folder."
            )
        for k, saved_state in enumerate(entry["early_stopping"]):
            best = None
            if saved_state["best_weights"] is not None:
                best = [
                    arrays[f"best_weights_{k}_{j}"]
                    for j in range(saved_state["best_weights"])
                ]
            saved_state["best_weights_arrays"] = best

    def _put_back(self):
        """Restore the History and EarlyStopping state (idempotent).

        Called at train begin, at the first epoch's begin and, when no epoch
        runs, at train end: whichever side of this callback `History` and
        `EarlyStopping` are in the list, their `on_train_begin` resets have
        run by the first epoch's begin, and their `on_train_end` sees the
        restored state.
        """
        entry = self._restored
        history = getattr(self.model, "history", None)
        if isinstance(history, keras.callbacks.History):
            saved = entry["history"]
            history.history = {k: list(v) for k, v in saved["history"].items()}
            history.epoch = list(saved["epoch"])
        for callback, saved in zip(self.early_stopping, entry["early_stopping"]):
            callback.wait = saved["wait"]
            callback.best = saved["best"]
            callback.best_epoch = saved["best_epoch"]
            callback.stopped_epoch = saved["stopped_epoch"]
            best = saved["best_weights_arrays"]
            callback.best_weights = None if best is None else list(best)

    def on_epoch_begin(self, epoch, logs=None):
        if self._restored is not None:
            self._put_back()
            self._restored = None
        self._snapshots = [(c.wait, c.best) for c in self.early_stopping]

    def on_train_end(self, logs=None):
        if self._restored is not None:  # no epoch ran (the backup was complete)
            self._put_back()
            self._restored = None
        super().on_train_end(logs)
        self.model._initial_epoch = None  # a later `fit` starts at its own epoch

    # --------------------------------------------------------------- save --

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for callback, (wait, best) in zip(self.early_stopping, self._snapshots or []):
            if (
                logs.get(callback.monitor) is not None
                and epoch >= callback.start_from_epoch
                and callback.wait == wait
                and callback.best is best
            ):
                # EarlyStopping changes `wait` or `best` every epoch it sees.
                raise InvalidInputError(
                    "`BackupAndRestore` saves the state of its `early_stopping` "
                    "callbacks at the end of each epoch, so it must come after "
                    "them in `fit(callbacks=...)` (`training_callbacks` orders "
                    "them so)."
                )
        self._epoch_logs = (epoch, logs)
        super().on_epoch_end(epoch, logs)  # sets the next epoch; `_save_model`
        self._epoch_logs = None

    def _history(self):
        """`History`'s `epoch` and `history` so far, with the epoch being saved."""
        history = getattr(self.model, "history", None)
        epochs, logs = [], {}
        if isinstance(history, keras.callbacks.History):
            epochs = list(getattr(history, "epoch", []))
            logs = {k: list(v) for k, v in history.history.items()}
        if self._epoch_logs is not None and epochs[-1:] != [self._epoch_logs[0]]:
            # `History` comes last in the list: this epoch is not in it yet.
            epoch, epoch_logs = self._epoch_logs
            epochs.append(epoch)
            for k, v in epoch_logs.items():
                logs.setdefault(k, []).append(v)
        logs = {k: [_jsonable(x) for x in v] for k, v in logs.items()}
        return {"epoch": epochs, "history": logs}

    def _save_model(self):
        model, folder = self.model, self.backup_dir
        os.makedirs(folder, exist_ok=True)
        previous = read_state(folder) if self.double_checkpoint else None
        tag = f"epoch{self._current_epoch:04d}-{uuid.uuid4().hex[:8]}"
        files = {"weights": f"{tag}.weights.h5", "arrays": f"{tag}.arrays.npz"}
        model.save_weights(os.path.join(folder, files["weights"]), overwrite=True)
        variables = _extra_variables(model)
        arrays = {
            f"variable_{i}": keras.ops.convert_to_numpy(v)
            for i, v in enumerate(variables)
        }
        if keras.backend.backend() == "torch":
            arrays.update(_torch_generator_states())
        early_stopping = []
        for k, callback in enumerate(self.early_stopping):
            best = callback.best_weights
            for j, weight in enumerate(best or []):
                arrays[f"best_weights_{k}_{j}"] = np.asarray(weight)
            early_stopping.append(
                {
                    "wait": int(callback.wait),
                    "best": _jsonable(getattr(callback, "best", None)),
                    "best_epoch": int(getattr(callback, "best_epoch", 0)),
                    "stopped_epoch": int(callback.stopped_epoch),
                    "best_weights": None if best is None else len(best),
                }
            )
        with open(os.path.join(folder, files["arrays"]), "wb") as f:
            np.savez(f, **arrays)
        entry = {
            "epoch": self._current_epoch,
            "batch": self._last_batch_seen,
            "files": files,
            "variables": [v.path for v in variables],
            "history": self._history(),
            "early_stopping": early_stopping,
            "stop_training": bool(model.stop_training),
        }
        kept = previous["latest"] if previous else None
        state = {"format": _FORMAT, "latest": entry, "previous": kept}
        with atomic_open(os.path.join(folder, STATE_FILE)) as f:
            json.dump(state, f)  # the commit point
        named = {STATE_FILE, *files.values()}
        if kept is not None:
            named.update(kept["files"].values())
        for name in os.listdir(folder):  # earlier checkpoints, unfinished saves
            if name.startswith("epoch") and name not in named:
                os.remove(os.path.join(folder, name))


def resume_epoch(backup_dir):
    """The epoch at which `fit` with `BackupAndRestore(backup_dir)` will resume.

    Read it before making the dataset, and pass it as the dataset's
    `initial_epoch` (`datasets.next_token_dataset`,
    `datasets.word2vec_dataset`), so the resumed epochs see the data an
    uninterrupted run would.

    Args:
        backup_dir: str or path, the folder of a `BackupAndRestore`.

    Returns:
        int: 0 without a backup (a new run), else the number of finished
        epochs (0-based, Keras' `initial_epoch`).

    Raises:
        InvalidInputError: the backup is damaged (delete the folder to start
            the run again).

    Example:

    ```python
    >>> from keras_embeddings.callbacks import resume_epoch
    >>> resume_epoch("no-backup-yet")
    0
    ```
    """
    state = read_state(backup_dir)
    return 0 if state is None else state["latest"]["epoch"]
