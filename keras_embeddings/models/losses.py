"""The models' losses: CBOW's mean cross-entropy, GloVe's sum of squared
errors and word2vec's negative-sampling loss.

Each keeps its registered name (`keras_embeddings>MeanSparseCrossentropy`,
...), so `.keras` files saved when they lived in `cbow.py`, `glove.py` and
`skipgram.py` still load; those modules still export them.
"""

import keras
from keras import ops

__all__ = [
    "MeanSparseCrossentropy",
    "NegativeSamplingLoss",
    "SumSquaredError",
    "negative_sampling_loss",
]


@keras.saving.register_keras_serializable(package="keras_embeddings")
class MeanSparseCrossentropy(keras.losses.SparseCategoricalCrossentropy):
    """Sparse cross-entropy averaged over the batch, in the loss's dtype.

    The values of Keras' `SparseCategoricalCrossentropy` with its default
    reduction, the mean over the batch (the `1/m` of the lecture's batch
    formulas), and its gradients. Keras takes that mean with
    `ops.divide_no_nan`, which on PyTorch rounds a float64 loss to float32
    (its type promotion maps float64 to float32 off TensorFlow), and with it
    every gradient; this loss divides each example's loss by the batch size
    and sums (`reduction` is `"sum"`), which keeps float64 on every backend.
    `sample_weight` weighs each example's term, as in Keras' mean.
    `CBOW.compile()` uses it.

    Args:
        from_logits: bool, whether `y_pred` holds logits (default True, as
            `CBOW` outputs them) or probabilities.
        name: str, the loss name.
        dtype: the dtype of the computation, default `keras.config.floatx()`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import MeanSparseCrossentropy
    >>> loss = MeanSparseCrossentropy()
    >>> round(float(loss(np.array([0, 1]), np.zeros((2, 2)))), 4)  # log 2
    0.6931
    ```
    """

    def __init__(
        self, from_logits=True, name="sparse_categorical_crossentropy", dtype=None
    ):
        super().__init__(
            from_logits=from_logits, reduction="sum", name=name, dtype=dtype
        )

    def call(self, y_true, y_pred):
        losses = super().call(y_true, y_pred)  # (batch,)
        return losses / ops.cast(ops.size(losses), losses.dtype)

    def get_config(self):
        config = super().get_config()
        for fixed in ("reduction", "ignore_class"):
            config.pop(fixed, None)
        return config


@keras.saving.register_keras_serializable(package="keras_embeddings")
class SumSquaredError(keras.losses.Loss):
    """The lab's GloVe loss: the sum of squared errors over every entry.

    Each example's loss is its squared error summed over the last axis (one
    value for a pair, `V` for a row of the matrix); the default
    `reduction="sum"` then sums over the batch, not the mean Keras' `"mse"`
    takes. On the whole matrix in one batch it is `L` of the lab's
    `loss_GLoVE`. `GloVe.compile()` uses it.

    Args:
        reduction: how to combine the examples' losses; `"sum"` (default).
        name: str, the loss name.
        dtype: the dtype of the computation, default `keras.config.floatx()`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import SumSquaredError
    >>> float(SumSquaredError()(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]])))
    5.0
    ```
    """

    def __init__(self, reduction="sum", name="sum_squared_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        if len(y_true.shape) == len(y_pred.shape) - 1:
            y_true = ops.expand_dims(y_true, -1)  # pairs: (batch,) -> (batch, 1)
        return ops.sum(ops.square(y_pred - y_true), axis=-1)  # (batch,)


@keras.saving.register_keras_serializable(package="keras_embeddings")
def negative_sampling_loss(y_true, y_pred):
    """Logistic loss of each example: `sum(softplus(-z) if y else softplus(z))`.

    Args:
        y_true: float `(batch, 1 + negatives)`: 1 for the positive word,
            0 for the negatives (or `(batch, 1)` 0/1 labels of `skipgrams`).
        y_pred: the logits `u . v`, same shape.

    Returns:
        `(batch,)`: `-log sigmoid(z_pos) - sum_k log sigmoid(-z_k)`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras.ops import convert_to_numpy
    >>> from keras_embeddings.models import negative_sampling_loss
    >>> labels, logits = np.array([[1.0, 0.0]], "float32"), np.zeros((1, 2), "float32")
    >>> losses = negative_sampling_loss(labels, logits)
    >>> convert_to_numpy(losses).round(4).tolist()  # 2 log 2
    [1.3863]
    ```
    """
    y_true = ops.cast(y_true, y_pred.dtype)
    # -log sigmoid(z) = softplus(-z) = softplus(z) - z and -log(1 - sigmoid(z))
    # = softplus(z): one softplus per logit instead of two (the loss and the
    # `pair_loss` metric each compute it, on every step).
    losses = ops.softplus(y_pred) - y_true * y_pred
    return ops.sum(losses, axis=-1)


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NegativeSamplingLoss(keras.losses.Loss):
    """Word2vec's negative-sampling loss, summed over a batch by default.

    `reduction="sum"` (the default) makes plain SGD apply the learning rate
    to every example's gradient, like word2vec's one-pair-at-a-time update,
    whatever the batch size. The per-example value is
    `negative_sampling_loss(y_true, y_pred)`. `SkipGram.compile()` and
    `CBOWNegativeSampling.compile()` use it.

    Args:
        reduction: str, Keras' loss reduction (`"sum"`).
        name: str.
        dtype: the dtype of the computation, default `keras.config.floatx()`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import NegativeSamplingLoss
    >>> loss = NegativeSamplingLoss()
    >>> round(float(loss(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))), 4)
    1.3863
    ```
    """

    def __init__(self, reduction="sum", name="negative_sampling_loss", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return negative_sampling_loss(y_true, y_pred)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}
