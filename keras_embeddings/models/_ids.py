"""Checking a model's input ids: integers in `[0, vocabulary_size)`, once per call.

Keras' `Embedding` and `ops.take` do not check ids: a negative id wraps
around (-2 reads the row of id `vocabulary_size - 2`) or is clamped,
depending on the backend, a float id is truncated, and an id past the table
is clamped, reads garbage or fails deep inside the backend. `IdChecksMixin`
refuses all three with `InvalidInputError`, naming the model, the input,
the bad value and its position, where the ids are concrete: on the host,
once per call, never inside the compiled training step.

- `model(x)` with NumPy arrays, lists or eager backend tensors: a dtype
  check and a vectorised `min`/`max` (for a backend tensor, two numbers
  come back from the device).
- `fit`, `evaluate`, `predict`, `train_on_batch`, `test_on_batch`,
  `predict_on_batch` with arrays: the same check of the whole `x` (and of
  `validation_data`) before the first step; the steps then run unchecked.
- A `tf.data.Dataset`: its `element_spec` dtypes at once, and each batch's
  ids by a `map` in the input pipeline (`tf.reduce_min`/`reduce_max` on the
  host, followed by a `prefetch` so that it overlaps training). A bad batch
  stops `fit` with `InvalidInputError`. The check costs 0.1 to 0.3 ms of
  host CPU per batch (`benchmarks/id_checks.py`), a few percent of a fast
  word2vec step on a CPU, so `datasets.word2vec_dataset`, whose ids are
  valid by construction, is marked and not checked again.

Not checked, because their values are not known where the check runs:
symbolic and traced ids (`keras.Input` in a functional model, inside
`jax.jit`, `tf.function` or `torch.compile`, a custom training step), and
batches from Python generators, `keras.utils.PyDataset` or a PyTorch
`DataLoader`. Check those ids where they are made.

On JAX with `steps_per_execution > 1` (the word2vec models' default), Keras
3.15 loses the model's weights when anything interrupts the first call of
the training step (the trainer has removed them from the variables and not
yet kept the new ones), so a bad batch in the first `steps_per_execution`
batches of a `tf.data` input leaves the model unusable: build it again.
Plain Keras does the same for any error there.
"""

import contextlib
import contextvars
import inspect
import itertools
import re
import sys

import keras
import numpy as np
from keras import ops

from keras_embeddings.errors import InvalidInputError, KerasEmbeddingsError

__all__ = ["IdChecksMixin", "check_ids", "checked_calls"]

# True while a checked `fit`/`evaluate`/`predict`... runs: the model's
# calls then skip the backend tensors that the trainer feeds it.
_CHECKED = contextvars.ContextVar("keras_embeddings_ids_checked", default=False)
# The id checks inside tf.data pipelines: key -> (where, what, vocabulary_size).
_DATASET_CHECKS = {}
_KEYS = itertools.count()
_TAG = "keras_embeddings id check"
# Set on a dataset whose ids are all below it by construction (the package's
# `datasets.word2vec_dataset`): no per-batch check for a model at least as large.
_IDS_BELOW = "_keras_embeddings_ids_below"
_FAILED = re.compile(re.escape(_TAG) + r" (\d+)\]\s*\[(-?\d+)\]\s*\[(-?\d+)\]")
_HINT = (
    "Use ids from the model's vocabulary (e.g. from the `Tokenizer` it was "
    "built with), or build the model with a larger `vocabulary_size`."
)


def _range_error(where, what, low, vocabulary_size, received):
    return InvalidInputError(
        f"{where}: {what} must be in [{low}, {vocabulary_size}) "
        f"(`vocabulary_size`={vocabulary_size}). Received: {received}. {_HINT}"
    )


def _dtype_error(where, what, dtype):
    return InvalidInputError(
        f"{where}: {what} must be integers. Received: an array of dtype "
        f"{dtype}. Pass integer ids (e.g. `x.astype('int32')` if the values "
        "are whole numbers): float ids would be truncated silently."
    )


def _traced(value):
    """True for a symbolic or traced tensor of the current backend."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return not tf.executing_eagerly() or tf.is_symbolic_tensor(value)
    if backend == "jax":
        import jax

        # Inside `jax.jit` even a concrete array's min is a tracer.
        return isinstance(value, jax.core.Tracer) or isinstance(
            jax.numpy.zeros(()), jax.core.Tracer
        )
    if backend == "torch":
        import torch

        return value.device.type == "meta" or torch.compiler.is_compiling()
    return False


def check_ids(value, vocabulary_size, where, what, low=0):
    """Refuse ids that are not integers in `[low, vocabulary_size)`.

    Does nothing for symbolic or traced tensors (their values are not
    known) and for what NumPy cannot turn into an array (left to Keras).

    Args:
        value: NumPy array, nested list or backend tensor of ids.
        vocabulary_size: int, the first id that is too large.
        where: str, the model or function, e.g. `"SkipGram.fit"`.
        what: str, the input, e.g. ``"the context ids (`x[1]`)"``.
        low: int, the smallest valid id.

    Raises:
        InvalidInputError: a non-integer dtype, or an id out of range (the
            message gives the first one, its index and how many more).

    Example:

    ```python
    >>> from keras_embeddings.models._ids import check_ids
    >>> check_ids([[1, 0], [4, 2]], 5, "Model", "`inputs` ids")  # fine
    >>> check_ids([[1, 0], [-2, 2]], 5, "Model", "`inputs` ids")
    Traceback (most recent call last):
    ...
    keras_embeddings.errors.InvalidInputError: Model: `inputs` ids must be in [0, 5) ... Received: -2 at index [1, 0]. ...
    ```
    """
    if isinstance(value, keras.KerasTensor):
        return
    if ops.is_tensor(value):
        if _traced(value):
            return
        dtype = keras.backend.standardize_dtype(value.dtype)
        if not dtype.startswith(("int", "uint")):
            raise _dtype_error(where, what, dtype)
        if 0 in tuple(value.shape):
            return
        # Two numbers back from the device, not the whole array.
        lo, hi = ops.convert_to_numpy(ops.stack([ops.min(value), ops.max(value)]))
        if low <= lo and hi < vocabulary_size:
            return
        array = ops.convert_to_numpy(value)
    else:
        try:
            array = np.asarray(value)
        except Exception:  # ragged lists, symbolic tensors of another kind
            return
        if array.size == 0:
            return
        if not np.issubdtype(array.dtype, np.integer):
            raise _dtype_error(where, what, array.dtype)
        if low <= array.min() and array.max() < vocabulary_size:
            return
    bad = (array < low) | (array >= vocabulary_size)
    first = int(np.argmax(bad))
    index = [int(i) for i in np.unravel_index(first, array.shape)]
    received = f"{array.flat[first]} at index {index}"
    more = int(np.count_nonzero(bad)) - 1
    if more:
        received += f" (and {more} more out of range)"
    raise _range_error(where, what, low, vocabulary_size, received)


@contextlib.contextmanager
def checked_calls():
    """A context in which a model's calls skip backend tensors (checked
    before, or made by the model itself, as `generate` does), still
    checking NumPy arrays and lists.

    Example:

    ```python
    >>> from keras import ops
    >>> from keras_embeddings.models import GloVe
    >>> from keras_embeddings.models._ids import checked_calls
    >>> model = GloVe(vocabulary_size=3, embedding_dim=2)
    >>> with checked_calls():  # the caller vouches for these ids
    ...     tuple(model(ops.convert_to_tensor([0, 2])).shape)
    (2, 3)
    ```
    """
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)


def _x_part(data):
    """The `x` of a batch `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`,
    as Keras' `unpack_x_y_sample_weight` reads it."""
    if isinstance(data, list):
        data = tuple(data)
    if isinstance(data, tuple) and 1 <= len(data) <= 3:
        return data[0]
    return data


def _is_dataset(data):
    if "tensorflow" not in sys.modules:
        return False
    import tensorflow as tf

    return isinstance(data, tf.data.Dataset)


def _dataset_error(error):
    """Our `InvalidInputError` for a tf.data id check that failed, or None."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        match = _FAILED.search(str(error))
        if match and int(match[1]) in _DATASET_CHECKS:
            where, what, size = _DATASET_CHECKS[int(match[1])]
            received = f"a batch of the dataset with ids from {match[2]} to {match[3]}"
            return _range_error(where, what, 0, size, received)
        error = error.__cause__ or error.__context__
    return None


class IdChecksMixin:
    """Checks a model's input ids where they are concrete (see the module).

    A model sets `vocabulary_size` and `_id_inputs`, the names of its
    inputs, all of them ids: one name for a model that reads one array
    (`("context ids",)`), or one per entry of the tuple it reads
    (`("target ids", "context ids", "negative ids")`).

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import CBOW
    >>> model = CBOW(vocabulary_size=5, embedding_dim=2, window_size=1)
    >>> model.compile()
    >>> model.fit(np.array([[1, 5]]), np.array([2]), verbose=0)
    Traceback (most recent call last):
    ...
    keras_embeddings.errors.InvalidInputError: CBOW.fit: the context ids (`x`) must be in [0, 5) (`vocabulary_size`=5). Received: 5 at index [0, 1]. ...
    ```
    """

    _id_inputs = ("ids",)

    def _named_ids(self, x, arg):
        """`[(what, value)]`: the id inputs in `x`, named after `arg`."""
        names = self._id_inputs
        if len(names) == 1:
            return [(f"the {names[0]} (`{arg}`)", x)]
        if isinstance(x, (list, tuple)) and 2 <= len(x) <= len(names):
            return [
                (f"the {name} (`{arg}[{i}]`)", value)
                for i, (name, value) in enumerate(zip(names, x))
            ]
        return []  # a structure `call` refuses with its own message

    def _check_data(self, data, arg, where, tensors=True):
        """Check the ids of `data` (arrays or a tf.data.Dataset).

        Returns `data`, or for a dataset the dataset with a check per batch.
        """
        if data is None:
            return data
        if _is_dataset(data):
            return self._checked_dataset(data, arg, where)
        for what, value in self._named_ids(data, arg):
            if tensors or not ops.is_tensor(value):
                check_ids(value, self.vocabulary_size, where, what)
        return data

    def _checked_dataset(self, dataset, arg, where):
        import tensorflow as tf

        named = self._named_ids(_x_part(dataset.element_spec), arg)
        # Dense tensors only (ragged or sparse ids are left to Keras).
        checked = [
            i for i, (_, spec) in enumerate(named) if isinstance(spec, tf.TensorSpec)
        ]
        for i in checked:
            what, spec = named[i]
            if not spec.dtype.is_integer:
                raise _dtype_error(where, what, spec.dtype.name)
        below = getattr(dataset, _IDS_BELOW, None)
        if not checked or (below is not None and below <= self.vocabulary_size):
            return dataset
        keys = {}
        for i in checked:
            keys[i] = next(_KEYS)
            _DATASET_CHECKS[keys[i]] = (where, named[i][0], self.vocabulary_size)
        size = self.vocabulary_size

        def check(*element):
            data = element[0] if len(element) == 1 else element
            ids = self._named_ids(_x_part(data), arg)
            asserts = []
            for i, key in keys.items():
                value = ids[i][1]
                # int64: a uint8 id cannot hold `vocabulary_size`.
                lo = tf.cast(tf.reduce_min(value), tf.int64)
                hi = tf.cast(tf.reduce_max(value), tf.int64)
                ok = tf.logical_and(lo >= 0, hi < size)
                asserts.append(tf.debugging.Assert(ok, [f"{_TAG} {key}", lo, hi]))
            with tf.control_dependencies(asserts):
                element = tf.nest.map_structure(tf.identity, element)
            return element[0] if len(element) == 1 else element

        # After the user's pipeline: `prefetch` overlaps the check with training.
        return dataset.map(check).prefetch(tf.data.AUTOTUNE)

    @contextlib.contextmanager
    def _entry_point(self):
        """Run a checked entry point: calls skip the trainer's tensors, and a
        failed tf.data check becomes `InvalidInputError`."""
        with checked_calls():
            try:
                yield
            except KerasEmbeddingsError:
                raise
            except Exception as error:
                converted = _dataset_error(error)
                if converted is None:
                    raise
                raise converted from None

    def __call__(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        # Inside a checked `fit`/`predict`... the trainer's tensors were
        # checked as arrays already; host arrays are still checked.
        self._check_data(
            inputs, "inputs", type(self).__name__, tensors=not _CHECKED.get()
        )
        return super().__call__(*args, **kwargs)

    def fit(self, x=None, y=None, *args, **kwargs):
        where = f"{type(self).__name__}.fit"
        x = self._check_data(x, "x", where)
        bound = inspect.signature(super().fit).bind(x, y, *args, **kwargs)
        validation = bound.arguments.get("validation_data")
        if _is_dataset(validation):
            bound.arguments["validation_data"] = self._checked_dataset(
                validation, "validation_data", where
            )
        elif isinstance(validation, (list, tuple)) and validation:
            self._check_data(validation[0], "validation_data[0]", where)
        with self._entry_point():
            return super().fit(*bound.args, **bound.kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        if not kwargs.get("_use_cached_eval_dataset"):  # `fit` checked it
            x = self._check_data(x, "x", f"{type(self).__name__}.evaluate")
        with self._entry_point():
            return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        x = self._check_data(x, "x", f"{type(self).__name__}.predict")
        with self._entry_point():
            return super().predict(x, *args, **kwargs)

    def train_on_batch(self, x, *args, **kwargs):
        self._check_data(x, "x", f"{type(self).__name__}.train_on_batch")
        with self._entry_point():
            return super().train_on_batch(x, *args, **kwargs)

    def test_on_batch(self, x, *args, **kwargs):
        self._check_data(x, "x", f"{type(self).__name__}.test_on_batch")
        with self._entry_point():
            return super().test_on_batch(x, *args, **kwargs)

    def predict_on_batch(self, x):
        self._check_data(x, "x", f"{type(self).__name__}.predict_on_batch")
        with self._entry_point():
            return super().predict_on_batch(x)
