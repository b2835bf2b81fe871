"""Many devices, one process: data and model parallel training.

We drive the engines Keras 3 already has, never our own:

- `"data"`: every device holds the whole model and takes a slice of each
  batch; the gradients are summed across devices. JAX:
  `keras.distribution.DataParallel`; TensorFlow:
  `tf.distribute.MirroredStrategy`.
- `"model"` (JAX only): the embedding and output tables are split by
  vocabulary rows over the devices of a `"model"` mesh axis
  (`keras.distribution.ModelParallel` with `vocabulary_layout_map`), so a
  table too big for one device fits on several; the rest is replicated.
  Keras 3 has no variable sharding on TensorFlow (its TensorFlow
  `keras.distribution` is an unfinished prototype) and no
  `keras.distribution` at all on PyTorch: those combinations raise one
  `InvalidInputError` naming what to use instead.

Build, compile and fit the model inside the strategy (JAX reads the
distribution when `fit` shards the batches):

    with distribute.strategy("data") as chosen:
        model = models.SkipGram(vocabulary_size, 100)
        model.compile()
        print(chosen.describe(model))
        model.fit(chosen.prepare_dataset(dataset), epochs=5)

A step under either mode equals the single-device step to round-off (the
word2vec losses are sums, and both engines sum the replicas' gradients), and
a model saved under a strategy loads back on one device. Each replica takes
an equal slice of every batch: `Strategy.prepare_dataset` checks that before
training.

TensorFlow specifics (Keras 3.15, TF 2.21): the word2vec models compile
without XLA and with one step per call inside a strategy scope (XLA cannot
reach the replicas' variables, keras-team/keras#19005; the multi-step loop
fails, keras-team/keras#19246). Keras' trainer takes one batch from a fresh
iterator before training under a strategy, which starts one pass of the
seeded datasets (`datasets.word2vec_dataset`): epoch `e` then trains on the
draws of pass `e + 1`, consistently, resumed runs included.
"""

import keras

from keras_embeddings._validation import one_of, optional_positive_int, positive_int
from keras_embeddings.distribute._layout import (
    MODEL_AXIS,
    VocabularyParallel,
    table_axes,
    vocabulary_layout_map,
)
from keras_embeddings.errors import InvalidInputError

__all__ = [
    "MODES",
    "Strategy",
    "describe",
    "list_devices",
    "strategy",
    "vocabulary_layout_map",
]

MODES = ("data", "model")
BATCH_AXIS = "batch"

_ENGINES = {
    ("jax", "data"): "keras.distribution.DataParallel",
    ("jax", "model"): "keras.distribution.ModelParallel",
    ("tensorflow", "data"): "tf.distribute.MirroredStrategy",
}


def list_devices():
    """The devices a strategy spreads over, in Keras' names (`"gpu:0"`).

    GPUs (or TPUs) when there are any, else the CPUs: Keras'
    `keras.distribution.list_devices()` on JAX and TensorFlow. Virtual CPUs
    count: `XLA_FLAGS=--xla_force_host_platform_device_count=4` (JAX) or
    `tf.config.set_logical_device_configuration` (TensorFlow), set before the
    first computation. On PyTorch, `cuda:i` is listed as `gpu:i`.

    Returns:
        A list of str, at least one.

    Example:

    ```python
    >>> from keras_embeddings import distribute
    >>> names = distribute.list_devices()
    >>> len(names) >= 1 and names[0].split(":")[0] in ("cpu", "gpu", "tpu")
    True
    ```
    """
    if keras.backend.backend() == "torch":
        import torch

        count = torch.cuda.device_count()
        return [f"gpu:{i}" for i in range(count)] if count else ["cpu:0"]
    return list(keras.distribution.list_devices())


class Strategy:
    """Data or model parallel training over the devices of one process.

    A context manager: build, compile and fit the model inside it. On JAX
    it sets Keras' global distribution (`keras.distribution.set_distribution`)
    and restores the previous one on exit; on TensorFlow it enters
    `tf.distribute.MirroredStrategy().scope()`. Made by `strategy(...)`.

    Attributes:
        mode: `"data"` or `"model"`.
        backend: the Keras backend it runs on.
        devices: tuple of device names, in mesh order.
        mesh_shape: `(replicas,)` for `"data"`, `(replicas, model_parallel)`
            for `"model"`.
        axis_names: `("batch",)` or `("batch", "model")`.
        replicas: int, how many slices each batch is split into.
        engine: the Keras or TensorFlow object doing the work
            (`keras.distribution.DataParallel` / `ModelParallel`,
            `tf.distribute.MirroredStrategy`).
    """

    def __init__(self, mode, devices=None, model_parallel=None):
        self.mode = one_of("mode", mode, MODES)
        self.backend = keras.backend.backend()
        _check_backend(self.backend, self.mode)
        self.devices = _check_devices(devices)
        count = len(self.devices)
        if self.mode == "data":
            if model_parallel is not None:
                raise InvalidInputError(
                    "`model_parallel` is for mode 'model' (mode 'data' "
                    f"replicates every table). Received: model_parallel={model_parallel!r}"
                )
            self.mesh_shape, self.axis_names = (count,), (BATCH_AXIS,)
        else:
            parts = optional_positive_int("model_parallel", model_parallel) or count
            if count % parts:
                raise InvalidInputError(
                    f"`model_parallel` must divide the {count} devices. "
                    f"Received: model_parallel={parts}"
                )
            self.mesh_shape = (count // parts, parts)
            self.axis_names = (BATCH_AXIS, MODEL_AXIS)
        self.replicas = self.mesh_shape[0]
        self.engine = self._make_engine()
        self._entered = []

    def _make_engine(self):
        if self.backend == "tensorflow":
            import tensorflow as tf

            names = [
                f"/device:{d.split(':')[0].upper()}:{d.split(':')[1]}"
                for d in self.devices
            ]
            return tf.distribute.MirroredStrategy(devices=names)
        if self.mode == "data":
            return keras.distribution.DataParallel(devices=list(self.devices))
        mesh = keras.distribution.DeviceMesh(
            self.mesh_shape, self.axis_names, list(self.devices)
        )
        return VocabularyParallel(
            layout_map=vocabulary_layout_map(mesh), batch_dim_name=BATCH_AXIS
        )

    def __enter__(self):
        if self.backend == "tensorflow":
            scope = self.engine.scope()
            scope.__enter__()
            self._entered.append(scope)
        else:
            self._entered.append(keras.distribution.distribution())
            keras.distribution.set_distribution(self.engine)
        return self

    def __exit__(self, *exc_info):
        entered = self._entered.pop()
        if self.backend == "tensorflow":
            return entered.__exit__(*exc_info)
        keras.distribution.set_distribution(entered)
        return None

    def check_batch_size(self, batch_size, name="batch_size"):
        """`batch_size` if the replicas split it evenly, else `InvalidInputError`.

        Each replica takes `batch_size // replicas` examples (and as many
        rows of negative ids), so both must divide evenly.
        """
        batch_size = positive_int(name, batch_size)
        if batch_size % self.replicas:
            raise InvalidInputError(
                f"--distribute {self.mode} splits each batch over "
                f"{self.replicas} devices: `{name}` must be a multiple of "
                f"{self.replicas} (e.g. {self.replicas * -(-batch_size // self.replicas)}). "
                f"Received: {name}={batch_size}"
            )
        return batch_size

    def prepare_dataset(self, dataset):
        """Check that the replicas can split every batch of a `tf.data` dataset.

        Each replica takes an equal slice of every input's first axis (the
        examples, and the rows of word2vec's negative ids), so those sizes
        must be multiples of `replicas`; a dataset whose batches are fixed
        (`datasets.word2vec_dataset`) is checked once, before training. A
        dataset whose last batch may be smaller (`datasets.next_token_dataset`)
        keeps it on TensorFlow, which splits it unevenly, and drops it on JAX
        when the replicas cannot split it evenly (JAX's shardings need equal
        slices): at most `batch_size - 1` examples an epoch, and the
        dataset's cardinality becomes unknown.

        Args:
            dataset: a `tf.data.Dataset` of batches.

        Returns:
            The dataset to `fit` (the same one unless a batch is dropped).

        Raises:
            InvalidInputError: a fixed batch the replicas cannot split.
        """
        import tensorflow as tf

        if self.replicas == 1:
            return dataset
        unknown = False
        for index, spec in enumerate(tf.nest.flatten(dataset.element_spec)):
            rows = spec.shape[0] if spec.shape.rank else None
            if rows is None:
                unknown = True
            elif rows % self.replicas:
                raise InvalidInputError(
                    f"--distribute {self.mode} splits each batch over "
                    f"{self.replicas} devices, but input {index} of the "
                    f"dataset has batches of shape {tuple(spec.shape)}: its "
                    f"first axis ({rows}) must be a multiple of {self.replicas}."
                    f" Use a `batch_size` that is a multiple of {self.replicas}"
                    " and, for word2vec, a `shared_negatives` that leaves "
                    f"`batch_size // shared_negatives` a multiple of {self.replicas}."
                )
        if not unknown or self.backend != "jax":
            return dataset
        replicas = self.replicas

        def splits_evenly(*batch):
            rows = [tf.shape(t)[0] for t in tf.nest.flatten(batch) if t.shape.rank]
            return tf.reduce_all(tf.equal(tf.stack(rows) % replicas, 0))

        return dataset.filter(splits_evenly)

    def layout(self, variable):
        """`(axes, per_device_shape)` of a model variable under this strategy:
        `axes` names the mesh axis each dimension is split over (None: whole)."""
        axes = (None,) * len(variable.shape)
        if self.mode == "model":
            axes = table_axes(variable.path) or axes
        sizes = dict(zip(self.axis_names, self.mesh_shape))
        per_device = tuple(
            size // sizes[axis] if axis else size
            for size, axis in zip(variable.shape, axes)
        )
        shards = getattr(getattr(variable, "value", None), "addressable_shards", None)
        if shards:  # JAX: what the devices really hold
            per_device = tuple(shards[0].data.shape)
        return axes, per_device

    def describe(self, model=None):
        """The device mesh and the layout of each table of `model`, as text.

        See `describe`.
        """
        engine = _ENGINES[self.backend, self.mode]
        batches = "whole on every device"
        if self.replicas > 1:
            batches = (
                f"split {self.replicas} ways over {BATCH_AXIS!r} (batch size "
                f"a multiple of {self.replicas})"
            )
        lines = [
            f"Distribution: {self.mode} parallel, {engine} ({self.backend})",
            f"Device mesh: shape {self.mesh_shape}, axes {self.axis_names}: "
            + ", ".join(self.devices),
            f"Batches: {batches}",
        ]
        if model is None:
            return "\n".join(lines)
        lines.append("Tables:")
        for variable in model.weights:
            if table_axes(variable.path) is None:
                continue
            axes, per_device = self.layout(variable)
            names = ("entries",) if len(axes) == 1 else ("rows", "columns")
            where = [
                f"{names[min(dim, len(names) - 1)]} split "
                f"{self.mesh_shape[self.axis_names.index(axis)]} ways over {axis!r}"
                for dim, axis in enumerate(axes)
                if axis
            ]
            dtype = keras.backend.standardize_dtype(variable.dtype)
            lines.append(
                f"  {variable.path} {tuple(variable.shape)} {dtype}: "
                f"{', '.join(where) or f'replicated on {len(self.devices)} devices'}, "
                f"{per_device} per device"
            )
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"<Strategy mode={self.mode!r} backend={self.backend!r} "
            f"mesh_shape={self.mesh_shape} devices={len(self.devices)}>"
        )


def _check_backend(backend, mode):
    if backend == "torch":
        raise InvalidInputError(
            f"--distribute {mode} is not available on the PyTorch backend: "
            "Keras 3 has no `keras.distribution` or `tf.distribute` support "
            "there. Set KERAS_BACKEND=jax (modes 'data' and 'model') or "
            "KERAS_BACKEND=tensorflow (mode 'data'), or train on one device "
            "without --distribute."
        )
    if (backend, mode) not in _ENGINES:
        raise InvalidInputError(
            f"--distribute model is not available on the {backend} backend: "
            "Keras 3 shards variables (`keras.distribution.ModelParallel`) "
            "only on JAX. Set KERAS_BACKEND=jax for mode 'model', or use "
            "--distribute data (tf.distribute.MirroredStrategy) here."
        )


def _check_devices(names):
    visible = list_devices()
    if names is None:
        return tuple(visible)
    if isinstance(names, str):
        names = [names]
    names = tuple(str(name).lower() for name in names)
    unknown = [name for name in names if name not in visible]
    if unknown or not names or len(set(names)) != len(names):
        raise InvalidInputError(
            "`devices` must name distinct visible devices, e.g. "
            f"{visible[:2]}. Visible: {visible}. Received: devices={list(names)}"
        )
    return names


def strategy(mode, devices=None, model_parallel=None):
    """A `Strategy` for `mode` over `devices`: build, compile and fit in it.

    Args:
        mode: `"data"` (replicate the model, split the batches; JAX and
            TensorFlow) or `"model"` (split the embedding and output tables by
            vocabulary rows; JAX).
        devices: list of device names from `list_devices()`, or None for all.
        model_parallel: int or None, mode `"model"` only: how many devices
            share each table (the `"model"` mesh axis); the others replicate
            it and split the batches. None: all devices share them.

    Returns:
        A `Strategy`.

    Raises:
        InvalidInputError: an unknown mode or device, a backend that cannot
            run `mode` (PyTorch: both; TensorFlow: `"model"`), or a
            `model_parallel` that does not divide the devices.

    Example:

    ```python
    >>> import keras
    >>> from keras_embeddings import distribute, models
    >>> if keras.backend.backend() != "torch":  # no Keras distribution there
    ...     with distribute.strategy("data") as chosen:
    ...         model = models.SkipGram(vocabulary_size=16, embedding_dim=4)
    ...         model.compile()
    ...     assert "Device mesh" in chosen.describe(model)
    ```
    """
    return Strategy(mode, devices=devices, model_parallel=model_parallel)


def describe(strategy, model=None):
    """The text the CLI prints: the device mesh and how each table is laid out.

    One line for the engine, one for the mesh (shape, axis names, devices),
    one for the batch split, then, given a model built under `strategy`, one
    line per embedding or output table: its path, shape and dtype, which mesh
    axis splits it (or "replicated") and the shape each device holds (on JAX,
    read from the devices' shards).

    Args:
        strategy: a `Strategy`.
        model: a `keras.Model` built under it, or None.

    Returns:
        str.

    Example:

    ```python
    >>> import keras
    >>> from keras_embeddings import distribute
    >>> if keras.backend.backend() != "torch":
    ...     text = distribute.describe(distribute.strategy("data"))
    ...     assert text.startswith("Distribution: data parallel")
    ```
    """
    if not isinstance(strategy, Strategy):
        raise InvalidInputError(
            "`strategy` must be a `distribute.Strategy` (from "
            f"`distribute.strategy(mode)`). Received: {type(strategy).__name__}"
        )
    return strategy.describe(model)
