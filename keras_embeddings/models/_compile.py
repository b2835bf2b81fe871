"""What every model's `compile()` shares: exact sparse steps, and restoring
`compile()` arguments for models whose `compile` adds defaults."""

import keras

from keras_embeddings.optimizers import sum_duplicate_slices


class CompileDefaultsMixin:
    """Put first among the bases of a `keras.Model` that overrides `compile`.

    `compile` makes the optimizer sum the gradient slices of repeated ids
    (`optimizers.sum_duplicate_slices`), so an embedding's step on TensorFlow
    is the dense step JAX and PyTorch take.

    Keras skips `compile_from_config` for models that override `compile`, so a
    loaded `.keras` file would come back uncompiled. The models here only add
    defaults (loss, metrics) in `compile`, so replaying the saved arguments
    through it is safe.
    """

    def compile(self, *args, **kwargs):
        super().compile(*args, **kwargs)
        sum_duplicate_slices(self.optimizer)

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)
