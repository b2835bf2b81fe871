"""Training on many worker processes (machines), data-parallel.

Every worker holds a whole copy of the model, reads its own shard of the
corpus, and each step's gradients are all-reduced over the workers by the
engine Keras 3 drives, so the copies stay equal: a step on `count` workers
with local batches `b_0 ... b_{count-1}` is the single-process step on their
concatenation (the tests check this to round-off). Nothing here sends a byte
itself:

- **TensorFlow**: `tf.distribute.MultiWorkerMirroredStrategy`, configured
  from the `TF_CONFIG` environment variable (gRPC between the workers, ring
  all-reduce on CPUs, NCCL on GPUs).
- **JAX**: `keras.distribution.initialize` (`jax.distributed`, gloo
  collectives on CPUs) and `keras.distribution.DataParallel` over the devices
  of all processes.
- **PyTorch**: Keras 3 has no multi-worker path; `start_workers` refuses it
  with one clear error.

Each worker runs the same script; only its index differs. Worker 0 is the
chief: it alone keeps the outputs (model, vectors, projector). The others
run the same saving code into a temporary folder that is deleted after
(`output_folder(out)`): under JAX every process must take part in a save.
All workers must run the same number of steps (a worker that stops early
leaves the others waiting in an all-reduce): `Workers.fit` repeats each
shard and takes `steps_per_epoch`.

On two machines, `10.0.0.1` (the chief) and `10.0.0.2`, with a free port
(here 12345) open between them:

TensorFlow, with `TF_CONFIG` (the same cluster on both, the task index
differs):

```shell
# on 10.0.0.1
TF_CONFIG='{"cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]},
            "task": {"type": "worker", "index": 0}}' python train.py
# on 10.0.0.2
TF_CONFIG='{"cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]},
            "task": {"type": "worker", "index": 1}}' python train.py
```

JAX, with Keras' variables (only the first address, the coordinator, is
used; every process must reach it):

```shell
# on 10.0.0.1
KERAS_BACKEND=jax KERAS_DISTRIBUTION_JOB_ADDRESSES=10.0.0.1:12345 \\
KERAS_DISTRIBUTION_NUM_PROCESSES=2 KERAS_DISTRIBUTION_PROCESS_ID=0 python train.py
# on 10.0.0.2: the same with KERAS_DISTRIBUTION_PROCESS_ID=1
```

The same arguments work on both backends in Python:
`start_workers("10.0.0.1:12345,10.0.0.2:12345", 2, process_id)` (on
TensorFlow it writes the `TF_CONFIG` above). `train.py` is, for example:

```python
from keras_embeddings import datasets, models
from keras_embeddings.distribute import workers as ke_workers

workers = ke_workers.start_workers()  # first, before any other TF/JAX work
index, count, _ = workers.info
shard = documents[index::count]  # this worker's documents
dataset = datasets.word2vec_dataset(shard, vocabulary_size, seed=index)
with workers.scope():
    model = models.SkipGram(vocabulary_size, embedding_dim=100)
    model.compile(steps_per_execution=1)  # 1 on TensorFlow (see below)
workers.fit(model, dataset, steps_per_epoch=1000, epochs=5)
with ke_workers.output_folder("run") as folder:  # "run" on the chief only
    model.save(f"{folder}/model.keras")
```

The batch of one step is `count` times the local batch. Keras 3.15's
TensorFlow trainer fails under `MultiWorkerMirroredStrategy` in two places
(the TensorFlow multi-worker tutorial fails on Keras 3 too: see
keras-team/keras#20585, open): its first-batch build calls
`strategy.reduce("MEAN", batch)` on the whole input structure (`ValueError:
Attempt to convert a value (PerReplica ...) to a Tensor`), and it reduces the
scalar logs of a step with `axis=0` (`ValueError: Invalid reduction dimension
0 for input with 0 dimensions`). `Workers.fit` builds the model from the
dataset's `element_spec` instead and reduces scalars with `axis=None`; the
training step itself is Keras' and TensorFlow's, unchanged. A third failure
has no workaround here: Keras' multi-step loop (`steps_per_execution > 1`)
puts the all-reduce inside a `tf.cond` in a `tf.while_loop`, which fails
across workers ('You must feed a value for placeholder tensor'), so on
TensorFlow compile with `steps_per_execution=1` (`Workers.fit` says so). JAX
runs any `steps_per_execution`.
"""

import contextlib
import json
import os
import shutil
import tempfile

import keras

from keras_embeddings._validation import positive_int
from keras_embeddings.distribute._cluster import (
    _ENV,
    WorkerInfo,
    _addresses,
    _jax_env_info,
    _tf_config_info,
)
from keras_embeddings.distribute._tf_workers import _tf_distributed
from keras_embeddings.errors import InvalidInputError

__all__ = ["WorkerInfo", "Workers", "is_chief", "output_folder",
           "start_workers", "worker_info"]  # fmt: skip

_STARTED = None  # the `Workers` of this process, once started


def worker_info():
    """This process's `WorkerInfo(index, count, is_chief)`.

    After `start_workers`, the workers it started; before, what the launch
    configuration says: `TF_CONFIG` under TensorFlow,
    `KERAS_DISTRIBUTION_NUM_PROCESSES` / `KERAS_DISTRIBUTION_PROCESS_ID`
    under JAX. A process with neither is the only worker, so the chief.

    Returns:
        `WorkerInfo`.

    Raises:
        InvalidInputError: a malformed `TF_CONFIG` or `KERAS_DISTRIBUTION_*`.

    Example:

    ```python
    >>> from keras_embeddings.distribute.workers import worker_info
    >>> worker_info()  # a plain process, no cluster configured
    WorkerInfo(index=0, count=1, is_chief=True)
    ```
    """
    if _STARTED is not None:
        return _STARTED.info
    backend = keras.backend.backend()
    if backend == "tensorflow" and os.environ.get("TF_CONFIG"):
        return _tf_config_info(os.environ["TF_CONFIG"])
    if backend == "jax":
        return _jax_env_info(os.environ)
    return WorkerInfo(0, 1, True)


def is_chief():
    """True on the worker that writes the outputs (worker 0, or alone).

    Example:

    ```python
    >>> from keras_embeddings.distribute.workers import is_chief
    >>> is_chief()
    True
    ```
    """
    return worker_info().is_chief


@contextlib.contextmanager
def output_folder(out):
    """Yield the folder this worker writes a run's outputs into.

    The chief gets `out`; any other worker a fresh temporary folder, deleted
    when the block ends (even on an error), so one code path writes on every
    worker and only the chief's files remain (TensorFlow's recipe for saving
    under `MultiWorkerMirroredStrategy`). Every worker must run the same
    saving code: under JAX a save computes on arrays that span all processes,
    and such a computation waits for every process (a chief saving alone
    hangs, with its `model.keras` half-written); under TensorFlow the chief
    could save alone, but the one code path serves both.

    Args:
        out: str or path-like, the run's output folder.

    Example:

    ```python
    >>> from keras_embeddings.distribute.workers import output_folder
    >>> with output_folder("run") as folder:
    ...     print(folder)
    run
    ```
    """
    if is_chief():
        yield out
        return
    folder = tempfile.mkdtemp(prefix=f"keras_embeddings-worker{worker_info().index}-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_workers(job_addresses=None, num_processes=None, process_id=None):
    """Join the cluster of workers; call first, on every worker.

    With no arguments the cluster comes from the environment (`TF_CONFIG`
    under TensorFlow, `KERAS_DISTRIBUTION_*` under JAX; see the module
    docstring); with none there either, this process trains alone, through
    the same code path. The arguments are `keras.distribution.initialize`'s
    and work on both backends.

    Under TensorFlow it creates a `tf.distribute.MultiWorkerMirroredStrategy`
    (which must happen before any other TensorFlow operation in the
    process); under JAX it calls `keras.distribution.initialize` (CPU
    collectives through gloo) and sets a `keras.distribution.DataParallel`
    over the devices of all processes. It blocks until every worker joined.
    A second call returns the same `Workers`.

    Args:
        job_addresses: str or None, comma-separated `HOST:PORT` of every
            worker, the chief first (JAX uses only the first, its
            coordinator).
        num_processes: int or None, the number of workers (checked against
            `job_addresses`).
        process_id: int or None, this worker's index, 0 for the chief.

    Returns:
        `Workers`: `info`, `scope()`, `fit(...)`.

    Raises:
        InvalidInputError: on PyTorch, or bad arguments or `TF_CONFIG`.

    Example:

    ```python
    >>> from keras_embeddings.distribute.workers import start_workers
    >>> # Skipped here: it must run at program start, before any TF/JAX work.
    >>> workers = start_workers()  # doctest: +SKIP
    ```
    """
    global _STARTED
    if _STARTED is not None:
        return _STARTED  # the engines start once per process
    backend = keras.backend.backend()
    if backend not in ("tensorflow", "jax"):
        raise InvalidInputError(
            f"Training on many workers is not available on the {backend} "
            "backend: Keras 3 drives multi-worker training only through "
            "TensorFlow (MultiWorkerMirroredStrategy, TF_CONFIG) and JAX "
            "(keras.distribution.initialize). Set KERAS_BACKEND=tensorflow or "
            "KERAS_BACKEND=jax."
        )
    if job_addresses is not None:
        addresses, num_processes, process_id = _addresses(
            job_addresses, num_processes, process_id
        )
    if backend == "tensorflow":
        if job_addresses is not None:
            config = {"cluster": {"worker": addresses},
                      "task": {"type": "worker", "index": process_id}}  # fmt: skip
            existing = os.environ.get("TF_CONFIG")
            if existing and _tf_config_info(existing) != (
                process_id,
                num_processes,
                process_id == 0,
            ):
                raise InvalidInputError(
                    "`TF_CONFIG` and `job_addresses` name different clusters. "
                    "Give one of them. Received: "
                    f"TF_CONFIG={existing!r}, job_addresses={job_addresses!r}, "
                    f"process_id={process_id!r}"
                )
            if not existing:
                os.environ["TF_CONFIG"] = json.dumps(config)
        info = _tf_config_info(os.environ.get("TF_CONFIG") or "{}")
        _STARTED = Workers(info, _tf_strategy())
        return _STARTED
    import jax

    info = _jax_env_info(os.environ)
    if job_addresses is None and info.count > 1:
        # None: JAX's own cluster detection (Cloud TPU, SLURM, ...).
        job_addresses = os.environ.get(_ENV[0])
        num_processes, process_id = info.count, info.index
    if num_processes is not None and num_processes > 1:
        # CPUs need a cross-process collectives library: gloo (jax 0.10's
        # default; naming it keeps versions with another default working).
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        keras.distribution.initialize(job_addresses, num_processes, process_id)
        info = WorkerInfo(jax.process_index(), jax.process_count(),
                          jax.process_index() == 0)  # fmt: skip
    distribution = keras.distribution.DataParallel(
        devices=keras.distribution.list_devices(), auto_shard_dataset=False
    )
    keras.distribution.set_distribution(distribution)
    _STARTED = Workers(info, distribution)
    return _STARTED


def _tf_strategy():
    import tensorflow as tf

    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    except RuntimeError as error:
        raise InvalidInputError(
            "TensorFlow's MultiWorkerMirroredStrategy must be created before "
            "any other TensorFlow operation in the process: call "
            f"`start_workers()` first. TensorFlow said: {error}"
        ) from None


class Workers:
    """The workers this process joined (`start_workers` returns it).

    Attributes:
        info: `WorkerInfo` of this process.
        engine: the `tf.distribute.MultiWorkerMirroredStrategy` (TensorFlow)
            or the `keras.distribution.DataParallel` (JAX).

    Example:

    ```python
    >>> from keras_embeddings.distribute.workers import Workers, WorkerInfo
    >>> Workers(WorkerInfo(0, 1, True), engine=None).info.count
    1
    ```
    """

    def __init__(self, info, engine):
        self.info = info
        self.engine = engine

    def scope(self):
        """The context to build and compile the model in (TensorFlow puts its
        variables on every worker there; JAX's distribution is already set).

        Example:

        ```python
        >>> from keras_embeddings.distribute.workers import Workers, WorkerInfo
        >>> with Workers(WorkerInfo(0, 1, True), engine=None).scope():
        ...     pass
        ```
        """
        if keras.backend.backend() == "tensorflow" and self.engine is not None:
            return self.engine.scope()
        return contextlib.nullcontext()

    def fit(self, model, dataset, steps_per_epoch, **kwargs):
        """`model.fit` on this worker's batches, in step with the others.

        Args:
            model: a `keras.Model` built and compiled under `scope()`.
            dataset: `tf.data.Dataset` of this worker's batches (its shard);
                repeated, so every worker runs `steps_per_epoch` steps.
            steps_per_epoch: int, the steps of an epoch on every worker.
            **kwargs: passed to `model.fit` (`epochs`, `callbacks`, ...).

        Returns:
            The `History` of `model.fit`.

        Raises:
            InvalidInputError: on TensorFlow across workers, a model compiled
                with `steps_per_execution > 1` (module docstring).

        Example:

        ```python
        >>> import numpy as np, tensorflow as tf
        >>> from keras_embeddings.distribute.workers import Workers, WorkerInfo
        >>> import keras
        >>> model = keras.Sequential([keras.layers.Dense(1)])
        >>> model.compile(loss="mse")
        >>> ds = tf.data.Dataset.from_tensors((np.ones((4, 2)), np.ones((4, 1))))
        >>> history = Workers(WorkerInfo(0, 1, True), engine=None).fit(
        ...     model, ds, steps_per_epoch=2, verbose=0)
        >>> model.optimizer.iterations.numpy().item()
        2
        ```
        """
        steps_per_epoch = positive_int("steps_per_epoch", steps_per_epoch)
        dataset = dataset.repeat()
        if keras.backend.backend() == "tensorflow" and self.engine is not None:
            dataset = _tf_distributed(model, dataset, self.engine)
        return model.fit(dataset, steps_per_epoch=steps_per_epoch, **kwargs)
