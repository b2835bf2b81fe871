"""Large uniform embedding tables built without table-sized temporaries.

Keras' `RandomUniform` makes a table as a uniform sample and a scaled copy,
which the variable then copies again: under TensorFlow, a 1,000,000 x 100
float32 table (0.4 GB) raised the peak memory by 1.2 GB. `Uniform` draws the
same distribution with NumPy, one block of rows at a time (`CHUNK_ELEMENTS`
values, 4 MB of float32), from one generator: the table is
`np.random.default_rng(seed).uniform(minval, maxval, shape)` whatever the
block size, and the same on every backend. `build_embedding` builds an
`Embedding` with it: under TensorFlow it creates the variable as zeros and
writes the blocks into it in place, so the table costs its own bytes plus
one block; elsewhere the variable copies the NumPy table (JAX, PyTorch).
"""

import random

import keras
import numpy as np
from keras import ops

__all__ = ["CHUNK_ELEMENTS", "Uniform", "build_embedding"]

CHUNK_ELEMENTS = 1 << 20  # values per block of rows: 4 MB of float32


@keras.saving.register_keras_serializable(package="keras_embeddings")
class Uniform(keras.initializers.Initializer):
    """Uniform values in `[minval, maxval)`, drawn with NumPy block by block.

    Args:
        minval: float, the lower bound.
        maxval: float, the upper bound.
        seed: int or None. None draws one from Python's `random` when the
            initializer is made, as Keras' initializers do, so
            `keras.utils.set_random_seed` makes it reproducible.

    >>> import keras
    >>> import numpy as np
    >>> from keras_embeddings.models._tables import Uniform
    >>> init = Uniform(-0.1, 0.1, seed=3)
    >>> table = keras.ops.convert_to_numpy(init((4, 2), "float32"))
    >>> expected = np.random.default_rng(3).uniform(-0.1, 0.1, (4, 2))
    >>> bool(np.all(table == expected.astype("float32")))
    True
    """

    def __init__(self, minval, maxval, seed=None):
        self.minval, self.maxval = float(minval), float(maxval)
        self._init_seed = seed
        self.seed = random.randint(1, int(1e9)) if seed is None else int(seed)

    def blocks(self, shape, dtype="float32"):
        """Yield `(start, values)` for consecutive blocks of rows of `shape`."""
        width = int(np.prod(shape[1:]))
        step = max(1, CHUNK_ELEMENTS // max(width, 1))
        rng = np.random.default_rng(self.seed)  # one stream: any block size
        for start in range(0, shape[0], step):
            size = (min(step, shape[0] - start), *shape[1:])
            yield start, rng.uniform(self.minval, self.maxval, size).astype(dtype)

    def __call__(self, shape, dtype=None):
        dtype = keras.backend.standardize_dtype(dtype or keras.config.floatx())
        numpy_dtype = _numpy_dtype(dtype)
        table = np.empty(shape, numpy_dtype)
        for start, values in self.blocks(shape, numpy_dtype):
            table[start : start + len(values)] = values
        # A backend tensor: Keras uses the initializer's output as the value
        # of a variable still uninitialized while it traces shapes.
        return ops.cast(ops.convert_to_tensor(table), dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self._init_seed}


def _numpy_dtype(dtype):
    """NumPy draws float16/32/64; other dtypes (bfloat16) are cast from float32."""
    return dtype if dtype in ("float16", "float32", "float64") else "float32"


def build_embedding(embedding):
    """Build `embedding` (a `keras.layers.Embedding`), a large `Uniform`
    table in place under TensorFlow (see the module docstring)."""
    initializer = embedding.embeddings_initializer
    size = embedding.input_dim * embedding.output_dim
    if (
        not isinstance(initializer, Uniform)
        or size <= CHUNK_ELEMENTS
        or not _tf_fills_in_place()
    ):
        embedding.build((None,))
        return
    embedding.embeddings_initializer = keras.initializers.Zeros()
    try:
        embedding.build((None,))
    finally:
        embedding.embeddings_initializer = initializer
    _tf_write_blocks(embedding.embeddings, initializer)


def _tf_fills_in_place():
    """Whether `_tf_write_blocks` applies: TensorFlow, variables made now
    (not deferred by a stateless scope), no `tf.distribute` strategy (whose
    mirrored variables take the plain path)."""
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf
    from keras.src.backend import in_stateless_scope  # no public name for it

    return not in_stateless_scope() and not tf.distribute.has_strategy()


def _tf_write_blocks(variable, initializer):
    # TensorFlow only, for memory: `scatter_update` writes rows into the
    # variable's buffer in place, where an `assign` of the whole table, a
    # sliced `assign` or `ops.slice_update` each make a table-sized copy.
    # `tf.zeros` made the variable without a second copy.
    import tensorflow as tf

    with tf.init_scope():  # eagerly, even when built inside a tf.function
        blocks = initializer.blocks(variable.shape, _numpy_dtype(variable.dtype))
        for start, values in blocks:
            rows = tf.range(start, start + len(values))
            values = tf.cast(values, variable.dtype)
            variable.value.scatter_update(tf.IndexedSlices(values, rows))
