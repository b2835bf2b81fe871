"""Exact optimizer steps for embedding tables on every backend.

On TensorFlow, Keras 3 hands the gradient of an `Embedding` (any
`ops.take` of a weight) to the optimizer as a `tf.IndexedSlices` with one
slice per occurrence of an id, and its optimizers apply element-wise ops to
those slices before duplicates are summed: `ops.square(gradient)` squares
each slice, and a later dense op adds the squares. For a word seen `k`
times in a batch, Adam's and RMSprop's second moment gets `Σ g²` instead of
`(Σ g)²`, so its step is up to `√k` times too large; Adagrad, Adadelta,
Nadam, AdamW, Adamax, Ftrl and Lamb are wrong the same way. SGD (with or
without momentum) and Lion are linear in the gradient until the slices are
summed, so they are exact, except under `clipnorm` / `global_clipnorm`,
whose norm of `k` repeated slices is `√k` times too small. JAX and PyTorch
compute dense gradients and are always exact. (The Keras 2 optimizers
summed duplicates first: `_deduplicate_sparse_grad`.) A standalone
reproduction is in `docs/keras_sparse_optimizer_bug.md`.

`sum_duplicate_slices(optimizer)` makes an optimizer add up the slices of
repeated ids before its update, so one step on TensorFlow equals one step on
JAX or PyTorch. Every model in `keras_embeddings.models` applies it in
`compile()`; call it yourself for your own models:

```python
>>> import keras
>>> from keras_embeddings.optimizers import sum_duplicate_slices
>>> model = keras.Sequential(
...     [keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 3)]
... )
>>> model.compile(optimizer=sum_duplicate_slices("adam"), loss="mse")
>>> type(model.optimizer).__name__
'Adam'
```

How: where a batch holds fewer slices than the table has rows, the slices
are summed per unique id (`tf.unique` + `tf.math.unsorted_segment_sum`, as
Keras 2 did, padded to a static shape so it compiles under XLA); where it
holds as many or more (a small vocabulary, big batches), the gradient is
made dense, which is then no larger. `benchmarks/sparse_updates.py`
measures both against Keras' own step (figures in README). The optimizer
keeps its class and config, so `model.save()` and `load_model` work as
before; a loaded model of this package is fixed again by `compile()`, a
loaded model of yours needs `sum_duplicate_slices(model.optimizer)`.
"""

import keras

from keras_embeddings.errors import InvalidInputError

__all__ = ["sum_duplicate_slices"]

_MARK = "_keras_embeddings_sums_duplicate_slices"


def sum_duplicate_slices(optimizer):
    """Make `optimizer` sum the gradient slices of repeated ids (in place).

    On TensorFlow, every sparse gradient (`tf.IndexedSlices`) is reduced to
    one slice per unique id before gradient clipping and before each
    variable's update, so the step is the one a dense gradient gives (as on
    JAX and PyTorch). Dense gradients, and every gradient on JAX and PyTorch,
    pass through unchanged. Calling it twice is harmless. The optimizer's
    class, config and saved state are unchanged.

    Args:
        optimizer: a `keras.optimizers.Optimizer` (a `LossScaleOptimizer`'s
            inner optimizer is fixed), or a name or config that
            `keras.optimizers.get` accepts (e.g. `"adam"`).

    Returns:
        The optimizer (the same object when one was given).

    Raises:
        InvalidInputError: if `optimizer` is not an optimizer or a name of one.

    Example:

    ```python
    >>> import keras
    >>> from keras_embeddings.optimizers import sum_duplicate_slices
    >>> adam = sum_duplicate_slices(keras.optimizers.Adam(learning_rate=0.5))
    >>> type(adam).__name__, adam.get_config()["learning_rate"]
    ('Adam', 0.5)
    ```
    """
    if isinstance(optimizer, (str, dict)):
        try:
            optimizer = keras.optimizers.get(optimizer)
        except ValueError as error:
            raise InvalidInputError(
                f"`optimizer` {optimizer!r} is not a Keras optimizer name or "
                f"config, e.g. 'adam'. ({error})"
            ) from None
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise InvalidInputError(
            "`optimizer` must be a `keras.optimizers.Optimizer` or its name. "
            f"Received: optimizer={optimizer!r}"
        )
    target = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
    if keras.backend.backend() != "tensorflow" or getattr(target, _MARK, False):
        return optimizer
    apply, update_step = target.apply, target.update_step

    def summed_apply(grads, trainable_variables=None):
        # Before clipping: a norm of repeated slices is not the gradient's norm.
        if trainable_variables is not None:
            trainable_variables = list(trainable_variables)  # zipped twice
        variables = trainable_variables or target._trainable_variables
        grads = [_sum_slices(g, v) for g, v in zip(grads, variables)]
        return apply(grads, trainable_variables)

    def summed_update_step(gradient, variable, learning_rate):
        # Again per variable: a distribution strategy's all-reduce
        # concatenates the replicas' slices.
        return update_step(_sum_slices(gradient, variable), variable, learning_rate)

    target.apply = summed_apply
    target.update_step = summed_update_step
    setattr(target, _MARK, True)
    return optimizer


def _sum_slices(gradient, variable):
    """The slices of each id added up: the cheaper of the two forms."""
    import tensorflow as tf

    if not isinstance(gradient, tf.IndexedSlices):
        return gradient
    count = gradient.indices.shape[0]
    if count is not None and count >= variable.shape[0]:
        return _dense(gradient)  # at least as many slices as rows: no larger
    return _unique_slices(gradient)


def _dense(gradient):
    import tensorflow as tf

    return tf.convert_to_tensor(gradient)


def _unique_slices(gradient):
    """One slice per unique id, padded to the number of slices with zero
    slices at id 0 (XLA needs static shapes). A zero slice changes no
    optimizer's step: every update adds f(slice) with f(0) = 0."""
    import tensorflow as tf

    count = tf.shape(gradient.indices)[0]
    _, positions = tf.unique(gradient.indices)
    values = tf.math.unsorted_segment_sum(gradient.values, positions, count)
    ids = tf.math.unsorted_segment_max(gradient.indices, positions, count)
    return tf.IndexedSlices(values, tf.maximum(ids, 0), gradient.dense_shape)
