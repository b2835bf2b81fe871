"""Models, one module per model; each has `get_embeddings()`."""

from keras_embeddings.models.next_token import NextTokenModel, load_model

__all__ = ["NextTokenModel", "load_model"]
