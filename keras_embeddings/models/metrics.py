"""The models' metrics: accuracy over the masked positions of the masked
language model (`NGramLanguageModel(masked=True)`).

Beside the losses of `models.losses`; keeps its registered name
(`keras_embeddings>MaskedSparseCategoricalAccuracy`), so `.keras` files
saved when it lived in `ngram_lm.py` still load.
"""

import keras
from keras import ops

__all__ = ["MaskedSparseCategoricalAccuracy"]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class MaskedSparseCategoricalAccuracy(keras.metrics.SparseCategoricalAccuracy):
    """Accuracy over the entries whose target is not `mask_token_id`.

    The masked language model's accuracy: only the masked positions (target
    id not 0) count, like its loss.

    Args:
        mask_token_id: int, the target id to leave out (the `[MASK]` id 0).
        name: str, the metric's name.
        dtype: the metric's dtype.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import MaskedSparseCategoricalAccuracy
    >>> metric = MaskedSparseCategoricalAccuracy()
    >>> targets = np.array([[0, 2, 0]])  # one masked position, word 2
    >>> logits = np.eye(3)[[[1, 2, 1]]]  # argmax: 1, 2, 1
    >>> metric.update_state(targets, logits)
    >>> float(metric.result())  # the unmasked misses do not count
    1.0
    ```
    """

    def __init__(self, mask_token_id=0, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.mask_token_id = int(mask_token_id)

    def update_state(self, y_true, y_pred, sample_weight=None):
        weight = ops.cast(ops.not_equal(y_true, self.mask_token_id), self.dtype)
        if sample_weight is not None:
            weight = weight * ops.cast(sample_weight, self.dtype)
        return super().update_state(y_true, y_pred, sample_weight=weight)

    def get_config(self):
        return {**super().get_config(), "mask_token_id": self.mask_token_id}
