"""Which variables `--distribute model` splits, and how: vocabulary rows.

The word2vec input and output tables, FastText's n-gram table, the language
models' input table and output layer hold one row (or column) per word, so
they grow with the vocabulary; `vocabulary_layout_map` splits them over the
`"model"` axis of a `keras.distribution.DeviceMesh` and Keras'
`ModelParallel` replicates everything else.
"""

import re

import keras

from keras_embeddings.errors import InvalidInputError

__all__ = ["VocabularyParallel", "table_axes", "vocabulary_layout_map"]

MODEL_AXIS = "model"

# Tables with one row per word (or n-gram bucket): the word2vec input and
# output tables, FastText's n-gram table, the language models' input table
# (keras_hub's token table) and output layer (kernel (hidden, V), bias (V,)).
# The patterns match variable paths (`model.weights[i].path`) and are
# disjoint: Keras' `LayoutMap` refuses a path that matches two keys.
_TABLE_RULES = (
    (
        r".*/(target_embedding|context_embedding|ngram_embedding|embedding"
        r"|token_embedding)/embeddings",
        (MODEL_AXIS, None),
    ),
    (r".*/logits/kernel", (None, MODEL_AXIS)),
    (r".*/logits/bias", (MODEL_AXIS,)),
)


def vocabulary_layout_map(device_mesh):
    """A `keras.distribution.LayoutMap` splitting the tables by vocabulary rows.

    Rows of `target_embedding`, `context_embedding` (word2vec),
    `ngram_embedding` (FastText), `embedding` / `token_embedding` (the
    language models' input tables) and the columns of the output layer
    `logits` are split over the mesh's `"model"` axis; every other variable
    is replicated. Add keys for your own layers before building a
    `keras.distribution.ModelParallel` from it.

    Args:
        device_mesh: a `keras.distribution.DeviceMesh` with a `"model"` axis.

    Returns:
        The `LayoutMap`.

    Example:

    ```python
    >>> import keras
    >>> from keras_embeddings import distribute
    >>> mesh = keras.distribution.DeviceMesh((1, 1), ("batch", "model"),
    ...                                      ["cpu:0"])
    >>> layout_map = distribute.vocabulary_layout_map(mesh)
    >>> layout_map["skip_gram/target_embedding/embeddings"].axes
    ('model', None)
    >>> layout_map["next_token_model/lstm/lstm_cell/kernel"] is None
    True
    ```
    """
    if MODEL_AXIS not in device_mesh.axis_names:
        raise InvalidInputError(
            f"The device mesh needs a {MODEL_AXIS!r} axis to split tables over. "
            f"Received: axis_names={tuple(device_mesh.axis_names)}"
        )
    layout_map = keras.distribution.LayoutMap(device_mesh)
    for pattern, axes in _TABLE_RULES:
        layout_map[pattern] = axes
    return layout_map


def table_axes(path):
    """The layout rule of a table variable's path, or None for other variables.

    >>> table_axes("skip_gram/target_embedding/embeddings")
    ('model', None)
    >>> table_axes("lm/embedding/position_embedding/embeddings") is None
    True
    """
    for pattern, axes in _TABLE_RULES:
        if re.fullmatch(pattern, path):
            return axes
    return None


def _check_divides(path, shape, axes, axis_sizes):
    for dim, (size, axis) in enumerate(zip(shape, axes)):
        parts = axis_sizes.get(axis, 1) if axis else 1
        if parts < 2 or size % parts == 0:
            continue
        if "ngram_embedding" in path:  # rows: the n-gram buckets words use
            remedy = (
                "FastText's n-gram table has one row per n-gram bucket its "
                "vocabulary uses: change the vocabulary, `min_n`, `max_n` or "
                "`bucket`"
            )
        else:
            down = parts * (size // parts) or parts
            remedy = (
                f"Use a vocabulary size that is a multiple of {parts} "
                "(`vocabulary_size`, `--vocabulary-size` in the CLI, keeps the "
                f"most frequent words), e.g. {down}"
            )
        what = "columns (one per word)" if dim else "rows"
        raise InvalidInputError(
            f"--distribute model cannot split `{path}` of shape {tuple(shape)}:"
            f" its {size} {what} do not divide evenly over the {parts} devices "
            f"of the {axis!r} mesh axis. {remedy}; or pass a `model_parallel` "
            f"that divides {size}, or use mode 'data'."
        )


class VocabularyParallel(keras.distribution.ModelParallel):
    """Keras' `ModelParallel` that refuses tables it cannot split evenly
    with one clear message (JAX's own error names neither the table nor a
    remedy)."""

    def get_variable_layout(self, variable):
        layout = super().get_variable_layout(variable)
        sizes = dict(zip(self.device_mesh.axis_names, self.device_mesh.shape))
        _check_divides(variable.path, variable.shape, layout.axes, sizes)
        return layout
