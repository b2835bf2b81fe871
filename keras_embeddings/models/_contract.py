"""The contract every model with word vectors keeps (keras-hub style mix-in).

`EmbeddingModelMixin` gives a model `get_embeddings(source=...)`,
`get_vocabulary()` and a `padding_id`, the three things export, the
projector and the plots read, so that no word is ever dropped by mistake:

- `padding_id`: the id that is not a word (0 for ids from the package's
  `Tokenizer`, which start at 1), or None when every id is a word (GloVe,
  the notebook's CBOW, the next-word CSC321 model). Export leaves that row
  out and keeps every other.
- `get_vocabulary()`: the list whose entry `i` is the word of id `i` (the
  entry at `padding_id` is the padding token, e.g. `""`), or None when the
  model was built without `vocabulary=`.
- `get_embeddings(source)`: a NumPy array `(vocabulary_size,
  embedding_dim)`, row `i` the vector of id `i`, building the model first
  when needed. One set of source names across models: `"input"` (the
  table the model looks words up in), `"output"` (the table it scores
  words with, for models that have one) and `"average"` of the two.

It also refuses bad input ids (`models._ids.IdChecksMixin`): negative,
non-integer and `>= vocabulary_size` ids raise `InvalidInputError` in
`model(x)`, `fit`, `evaluate`, `predict` and the `*_on_batch` methods,
checked once per call on the host.
"""

import sys

import keras
import numpy as np
from keras import ops

from keras_embeddings._precision import check_float64_supported
from keras_embeddings._validation import one_of
from keras_embeddings._word_vectors import check_words
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._ids import IdChecksMixin

__all__ = ["EmbeddingModelMixin", "check_vocabulary"]

SOURCES = ("input", "output", "average")


def check_vocabulary(vocabulary, vocabulary_size):
    """`vocabulary` as a list of `vocabulary_size` str, or None.

    >>> check_vocabulary(["", "cat", "sat"], 3)
    ['', 'cat', 'sat']
    """
    if vocabulary is None:
        return None
    if isinstance(vocabulary, (str, bytes)) or not hasattr(vocabulary, "__len__"):
        raise InvalidInputError(
            "`vocabulary` must be a list of words, one per id. "
            f"Received: vocabulary={vocabulary!r:.200}"
        )
    vocabulary = list(vocabulary)
    check_words(enumerate(vocabulary))
    vocabulary = [str(word) for word in vocabulary]  # np.str_ -> str
    if len(vocabulary) != vocabulary_size:
        raise InvalidInputError(
            f"`vocabulary` must have one word per id ({vocabulary_size}, "
            f"the padding entry included). Received {len(vocabulary)} words."
        )
    return vocabulary


def large_negative(dtype):
    """A large negative logit that fits `dtype` with room to spare.

    -1e9 where it fits; half the most negative finite value otherwise
    (float16: -32752), so adding a logit to it cannot overflow to -inf.

    >>> large_negative("float16"), large_negative("float32")
    (-32752.0, -1000000000.0)
    """
    largest = float(np.finfo(keras.backend.standardize_dtype(dtype)).max)
    return -min(1e9, largest / 2)


class EmbeddingModelMixin(IdChecksMixin):
    """`get_embeddings`, `get_vocabulary` and `padding_id` for a `keras.Model`.

    Put it first among the bases: `class GloVe(EmbeddingModelMixin,
    CompileDefaultsMixin, keras.Model)`. A model using it sets, in its
    `__init__`, `vocabulary_size`, `embedding_dim`, `padding_id` (0 or None)
    and `vocabulary` (through `check_vocabulary`), and implements:

    - `_embedding_tables()`: `(input_table, output_table)`, each a variable
      or tensor `(vocabulary_size, embedding_dim)`; `output_table` is None
      for a model with one table;
    - `_build_for_embeddings()`: build the model's weights without data;

    and sets `_embedding_sources` to `SOURCES` when it has an output table
    (the default, `("input",)`, is for a model with one table), and
    `_id_inputs`, the names of its inputs (all ids): one name for a model
    that reads one array, one per entry for a model that reads a tuple.

    Input ids are checked (integers in `[0, vocabulary_size)`, 0 included
    whether or not it is padding) where they are concrete: `model(x)` with
    NumPy arrays, lists or eager tensors, and the whole of `x` (and
    `validation_data`) in `fit`, `evaluate`, `predict` and the `*_on_batch`
    methods before the first step; a `tf.data.Dataset` batch by batch in its
    input pipeline. A bad id raises `InvalidInputError` naming the model,
    the input, the value and its index. Symbolic and traced ids cannot be
    checked and are not: `keras.Input` in a functional model, calls inside
    `jax.jit`, `tf.function`, `torch.compile` or a custom `train_step`, and
    batches from Python generators, `keras.utils.PyDataset` or a PyTorch
    `DataLoader`.

    Example:

    ```python
    >>> import numpy as np
    >>> from keras_embeddings.models import GloVe
    >>> model = GloVe(vocabulary_size=3, embedding_dim=2,
    ...               vocabulary=["cat", "sat", "mat"])
    >>> model.padding_id is None, model.get_vocabulary()
    (True, ['cat', 'sat', 'mat'])
    >>> model.get_embeddings("average").shape
    (3, 2)
    >>> model(np.array([0, 3]))
    Traceback (most recent call last):
    ...
    keras_embeddings.errors.InvalidInputError: GloVe: the word ids (`inputs`) must be in [0, 3) ... Received: 3 at index [1]. ...
    ```
    """

    padding_id = None
    vocabulary = None
    _embedding_sources = ("input",)

    def _check_dtype(self):
        """Refuse float64 where the backend would compute it in float32."""
        check_float64_supported(self.dtype_policy, type(self).__name__)

    def _embedding_tables(self):
        raise NotImplementedError

    def _build_for_embeddings(self):
        raise NotImplementedError

    def get_vocabulary(self):
        """The words by id (entry `padding_id` is padding), or None.

        Returns:
            A new list of `vocabulary_size` str, entry `i` the word of id
            `i`, or None when the model was built without `vocabulary=`.
        """
        return None if self.vocabulary is None else list(self.vocabulary)

    def get_embeddings(self, source="input"):
        """The word vectors, `(vocabulary_size, embedding_dim)`; row `i` is id `i`.

        Builds the model first when it is not built yet.

        Args:
            source: `"input"` (default): the table the model looks words up
                in. For models with a second table that scores words
                (CBOW's logits kernel, GloVe's `W~`, word2vec's output
                vectors, an untied `TransformerLM`'s logits kernel):
                `"output"`, that table, or `"average"` of the two.

        Returns:
            A NumPy array; the row at `padding_id` (if any) is padding.

        Raises:
            InvalidInputError: `source` is not one this model has.
        """
        try:
            one_of("source", source, self._embedding_sources)
        except InvalidInputError as error:
            raise InvalidInputError(
                f"{type(self).__name__}.get_embeddings: {error}"
            ) from None
        if not self.built:
            self._build_for_embeddings()
        table, output = self._embedding_tables()
        table = ops.convert_to_numpy(table)
        if source == "input":
            return table
        output = ops.convert_to_numpy(output)
        return output if source == "output" else (table + output) / 2

    def _deprecated_attribute(self, old, new):
        """`getattr(self, new)`, warning users (not Keras) who read `old`.

        Keras' saving walks every attribute of a model, properties
        included; only a read from outside Keras and TensorFlow warns.
        """
        caller = sys._getframe(2).f_globals.get("__name__", "")
        if caller.split(".")[0] not in ("keras", "tensorflow", "tf_keras"):
            import warnings

            warnings.warn(
                f"`{type(self).__name__}.{old}` is deprecated; use `.{new}` instead.",
                DeprecationWarning,
                stacklevel=3,
            )
        return getattr(self, new)
