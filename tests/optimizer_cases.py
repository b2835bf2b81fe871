"""One optimizer step of every model, from the same weights on every backend.

Shared by `test_optimizers.py` (in process) and run as a script under each
backend to compare them (`KERAS_BACKEND=jax python tests/optimizer_cases.py
OUT.npz` writes every case's weights after one step).

Each batch repeats ids (`3` several times in one example and across
examples), which is what made TensorFlow's sparse step wrong. Weights come
from a NumPy generator, not a backend's initializers, so every backend
starts from the same numbers; dropout is off so the step is deterministic.
"""

import sys

import keras
import numpy as np

from keras_embeddings import models

# Keras' optimizers whose update is not linear in the gradient, at their
# defaults except a learning rate large enough to see.
OPTIMIZERS = [
    "adam",
    "adamw",
    "nadam",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adamax",
    "ftrl",
]
LEARNING_RATE = 0.01

_IDS = np.array([[3, 3, 1, 3], [2, 3, 3, 5]], "int32")  # id 3 five times


def _next_token():
    model = models.NextTokenModel(7, embedding_dim=4, hidden_dim=5)
    return model, _IDS, np.array([3, 4], "int32")


def _transformer():
    model = models.TransformerLM(
        7, sequence_length=4, embedding_dim=4, num_heads=2, intermediate_dim=6,
        num_layers=1, dropout=0.0,
    )  # fmt: skip
    return model, _IDS, np.array([3, 4], "int32")


def _cbow():
    return models.CBOW(7, 4, window_size=2), _IDS, np.array([3, 4], "int32")


def _skipgram():
    x = (
        np.array([3, 4, 3, 3], "int32"),
        np.array([4, 3, 2, 3], "int32"),
        np.array([[5, 3], [3, 6], [2, 3], [1, 3]], "int32"),
    )
    return models.SkipGram(7, 4, negatives=2), x, np.eye(3, dtype="float32")[[0] * 4]


def _cbow_negative_sampling():
    x = (_IDS, np.array([3, 4], "int32"), np.array([[5, 3], [3, 6]], "int32"))
    model = models.CBOWNegativeSampling(7, 4, negatives=2)
    return model, x, np.eye(3, dtype="float32")[[0] * 2]


def _ngram():
    model = models.NGramLanguageModel(
        7, sequence_length=4, embedding_dim=3, hidden_dim=5
    )
    return model, _IDS, np.array([3, 4], "int32")


def _glove():
    pairs = np.array([[3, 1], [3, 3], [2, 3], [3, 5]], "int32")
    return models.GloVe(7, 3), pairs, np.array([0.5, 1.0, -0.2, 0.3], "float32")


MODELS = {
    "NextTokenModel": _next_token,
    "TransformerLM": _transformer,
    "CBOW": _cbow,
    "SkipGram": _skipgram,
    "CBOWNegativeSampling": _cbow_negative_sampling,
    "NGramLanguageModel": _ngram,
    "GloVe": _glove,
}


def make_case(model_name, optimizer):
    """`(model, x, y)`: a compiled model with NumPy-drawn weights and a batch."""
    model, x, y = MODELS[model_name]()
    model(x)  # build
    rng = np.random.default_rng(0)
    model.set_weights(
        [rng.normal(0, 0.3, w.shape).astype(w.dtype) for w in model.get_weights()]
    )
    model.compile(optimizer=optimizer)
    return model, x, y


def step(model_name, optimizer):
    """The trainable weights before and after one `train_on_batch`."""
    model, x, y = make_case(model_name, optimizer)
    before = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    model.train_on_batch(x, y)
    after = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    return before, after


def optimizer(name):
    return keras.optimizers.get(
        {"class_name": name, "config": {"learning_rate": LEARNING_RATE}}
    )


if __name__ == "__main__":
    results = {}
    for model_name in MODELS:
        for name in OPTIMIZERS:
            _, after = step(model_name, optimizer(name))
            for i, weight in enumerate(after):
                results[f"{model_name}/{name}/{i}"] = weight
    np.savez(sys.argv[1], **results)
