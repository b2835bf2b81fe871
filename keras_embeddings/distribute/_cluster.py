"""The launch configuration of a cluster of workers, read and checked.

`TF_CONFIG` (TensorFlow) and `KERAS_DISTRIBUTION_*` (JAX) give each worker
its place, `WorkerInfo(index, count, is_chief)`; `start_workers`' arguments
are checked here too. Nothing here starts TensorFlow or JAX
(`distribute.workers` does).
"""

import collections
import json

from keras_embeddings._validation import positive_int
from keras_embeddings.errors import InvalidInputError

__all__ = ["WorkerInfo"]

WorkerInfo = collections.namedtuple("WorkerInfo", ["index", "count", "is_chief"])
WorkerInfo.__doc__ = """This worker's place: `(index, count, is_chief)`.

`index` runs from 0 to `count - 1`; the chief is index 0 (TensorFlow's
`"chief"` task when the cluster has one, else worker 0).

Example:

```python
>>> from keras_embeddings.distribute.workers import WorkerInfo
>>> WorkerInfo(1, 2, False).is_chief
False
```
"""

_ENV = ("KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
        "KERAS_DISTRIBUTION_PROCESS_ID")  # fmt: skip


def _tf_config_info(text):
    """`WorkerInfo` from a `TF_CONFIG` string (chief first, then workers)."""
    try:
        config = json.loads(text)
    except ValueError as error:
        raise InvalidInputError(
            f"`TF_CONFIG` is not valid JSON ({error}). Set it to "
            '\'{"cluster": {"worker": ["host0:port", "host1:port"]}, '
            '"task": {"type": "worker", "index": 0}}\'. '
            f"Received: TF_CONFIG={text!r}"
        ) from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not cluster:
        return WorkerInfo(0, 1, True)
    task = config.get("task") or {}
    others = sorted(set(cluster) - {"chief", "worker"})
    if others:
        raise InvalidInputError(
            f"`TF_CONFIG` names {', '.join(others)} tasks; data-parallel "
            "training on many workers (MultiWorkerMirroredStrategy) uses only "
            '"chief" and "worker" tasks. Remove the others. '
            f"Received: TF_CONFIG={text!r}"
        )
    tasks = [(kind, i) for kind in ("chief", "worker")
             for i in range(len(cluster.get(kind, [])))]  # fmt: skip
    me = (task.get("type"), task.get("index", 0))
    if me not in tasks:
        raise InvalidInputError(
            f"`TF_CONFIG`'s task {task!r} is not one of the cluster's "
            f'{len(tasks)} tasks. Set "task" to '
            '{"type": "worker", "index": i} with i from 0 to the number of '
            f"workers - 1. Received: TF_CONFIG={text!r}"
        )
    index = tasks.index(me)
    return WorkerInfo(index, len(tasks), index == 0)


def _jax_env_info(environ):
    """`WorkerInfo` from Keras' `KERAS_DISTRIBUTION_*` variables."""
    values = {}
    for name in _ENV[1:]:
        text = environ.get(name)
        try:
            values[name] = None if text is None else int(text)
        except ValueError:
            raise InvalidInputError(
                f"`{name}` must be an integer. Received: {name}={text!r}"
            ) from None
    count, index = values[_ENV[1]], values[_ENV[2]]
    if count is None and index is None:
        return WorkerInfo(0, 1, True)
    count = 1 if count is None else count
    index = 0 if index is None else index
    if count < 1 or not 0 <= index < count:
        raise InvalidInputError(
            f"`{_ENV[2]}` must be from 0 to `{_ENV[1]}` - 1. "
            f"Received: {_ENV[1]}={count}, {_ENV[2]}={index}"
        )
    return WorkerInfo(index, count, index == 0)


def _addresses(job_addresses, num_processes, process_id):
    """Check `start_workers`' arguments; `(addresses, count, index)`."""
    addresses = [a.strip() for a in str(job_addresses).split(",") if a.strip()]
    count = len(addresses)
    if (
        num_processes is not None
        and positive_int("num_processes", num_processes) != count
    ):
        raise InvalidInputError(
            f"`job_addresses` names {count} workers but `num_processes` is "
            f"{num_processes}. Give one HOST:PORT per worker. "
            f"Received: job_addresses={job_addresses!r}"
        )
    if process_id is None or not 0 <= positive_int("process_id", process_id, 0) < count:
        raise InvalidInputError(
            f"`process_id` must be this worker's index, from 0 to {count - 1} "
            f"(0 is the chief). Received: process_id={process_id!r}"
        )
    return addresses, count, process_id
