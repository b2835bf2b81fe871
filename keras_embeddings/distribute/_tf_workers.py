"""Keras 3.15's TensorFlow trainer under `MultiWorkerMirroredStrategy`: the
workarounds `Workers.fit` applies (see `distribute.workers`' docstring).
"""

import keras

from keras_embeddings.errors import InvalidInputError


def _tf_distributed(model, dataset, strategy):
    """This worker's batches as a distributed dataset, with the model built
    and Keras 3.15's two multi-worker failures avoided (module docstring)."""
    import tensorflow as tf
    from keras.src.backend.tensorflow import trainer

    if (
        trainer._collective_all_reduce_multi_worker(strategy)
        and model.steps_per_execution > 1
    ):
        raise InvalidInputError(
            "On the TensorFlow backend, Keras 3.15 cannot run several training "
            "steps per call across workers: its multi-step loop puts the "
            "all-reduce inside a `tf.cond`, and TensorFlow fails with 'You "
            "must feed a value for placeholder tensor ... while/cond/"
            "Placeholder'. Compile the model with steps_per_execution=1, or "
            "use the JAX backend. Received: "
            f"steps_per_execution={model.steps_per_execution}"
        )
    options = tf.data.Options()
    # The dataset is this worker's shard already: tf.data must not shard it
    # again; each worker's batch is one replica's batch.
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.OFF
    )
    dataset = dataset.with_options(options)
    with strategy.scope():
        # Build from shapes alone: Keras' own build first all-reduces a
        # whole input batch, which fails across workers.
        model._symbolic_build(data_batch=dataset.element_spec)
    object.__setattr__(model, "_maybe_symbolic_build", _no_symbolic_build)
    if not getattr(trainer.reduce_per_replica, "_keras_embeddings", False):
        trainer.reduce_per_replica = _scalar_safe_reduce(trainer.reduce_per_replica)
    return strategy.distribute_datasets_from_function(lambda context: dataset)


def _no_symbolic_build(iterator=None, data_batch=None):
    """The model is built already (`_tf_distributed`)."""


def _scalar_safe_reduce(reduce_per_replica):
    """Keras' `reduce_per_replica`, with the step's scalar logs averaged over
    the workers with `axis=None` (Keras 3.15 passes `axis=0`, which fails)."""
    from keras.src.backend.tensorflow import trainer

    def reduce(values, strategy, reduction):
        if reduction == "auto" and trainer._collective_all_reduce_multi_worker(
            strategy
        ):
            return keras.tree.map_structure(
                lambda value: strategy.reduce("MEAN", value, axis=None), values
            )
        return reduce_per_replica(values, strategy, reduction)

    reduce._keras_embeddings = True
    return reduce
