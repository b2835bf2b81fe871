"""Restoring `compile()` arguments for models whose `compile` adds defaults."""

import keras


class CompileDefaultsMixin:
    """Put first among the bases of a `keras.Model` that overrides `compile`.

    Keras skips `compile_from_config` for models that override `compile`, so a
    loaded `.keras` file would come back uncompiled. The models here only add
    defaults (loss, metrics) in `compile`, so replaying the saved arguments
    through it is safe.
    """

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)
