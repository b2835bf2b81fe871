"""Training on many devices and many workers with the engines Keras 3 drives.

`strategy("data" | "model")` trains one process's devices together:
`keras.distribution.DataParallel` / `ModelParallel` on JAX,
`tf.distribute.MirroredStrategy` on TensorFlow (module `distribute.devices`).
`describe` gives the device mesh and each table's layout as text.
`start_workers` joins many worker processes (machines) in data-parallel
training: `TF_CONFIG` and `MultiWorkerMirroredStrategy` on TensorFlow,
`keras.distribution.initialize` on JAX (see `distribute.workers`).
"""

from keras_embeddings.distribute.devices import (
    MODES,
    Strategy,
    describe,
    list_devices,
    strategy,
    vocabulary_layout_map,
)
from keras_embeddings.distribute.workers import (
    WorkerInfo,
    Workers,
    is_chief,
    output_folder,
    start_workers,
    worker_info,
)

__all__ = [
    "MODES",
    "Strategy",
    "describe",
    "list_devices",
    "strategy",
    "vocabulary_layout_map",
    "WorkerInfo",
    "Workers",
    "is_chief",
    "output_folder",
    "start_workers",
    "worker_info",
]
