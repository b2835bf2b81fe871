"""Bengio et al.'s (2003) neural n-gram language model, and its masked variant.

The CSC321 "Learning Distributed Word Representations" network: the
embeddings of `context_length` words are concatenated, go through one hidden
layer (logistic in the assignment) and a softmax over the vocabulary.

- `masked=False` (the next-word model): reads 3 words, predicts the 4th;
  logits `(batch, vocabulary_size)`, targets are word ids `(batch,)`.
- `masked=True` (the masked model): reads all `context_length` words with
  some replaced by `[MASK]` (id 0) and predicts, at every position, the word
  that stood there: logits `(batch, context_length, vocabulary_size)`, the
  assignment's output layer of `context_length * V` units with a softmax per
  block of `V`. Only masked positions count in the loss, as in the
  assignment. The mask reaches the loss through the targets: they are the
  assignment's `target_batch_masked = input_batch * mask`, shape
  `(batch, context_length)`, holding the true id at each masked position and
  0 elsewhere, and the loss is sparse cross-entropy with `ignore_class=0`
  (id 0 is `[MASK]`, never a word to predict). Its mean is over the masked
  positions, so with one mask per row it is the assignment's cross-entropy
  per example. `mask_inputs` makes such pairs, `sample_input_mask` draws
  the assignment's masks and `masked_dataset` re-masks a fresh random
  position every epoch.

`set_classic_params` / `get_classic_params` read and write the assignment's
parameter dict (`word_embedding_weights`, `embed_to_hid_weights`,
`hid_to_output_weights`, `hid_bias`, `output_bias`), so its partially
trained `.pk` models (via `datasets.load_classic_params`) run here unchanged.

Taught in `tutorials/08_neural_language_model.py`.
"""

import keras
import numpy as np
from keras import layers, ops

from keras_embeddings._precision import affine, check_float64_supported
from keras_embeddings._validation import positive_int
from keras_embeddings.datasets.csc321 import CLASSIC_PARAM_NAMES
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models._compile import CompileDefaultsMixin


@keras.saving.register_keras_serializable(package="keras_embeddings")
class MaskedSparseCategoricalAccuracy(keras.metrics.SparseCategoricalAccuracy):
    """Accuracy over the entries whose target is not `mask_token_id`.

    The masked language model's accuracy: only the masked positions (target
    id not 0) count, like its loss.

    Args:
        mask_token_id: int, the target id to leave out (the `[MASK]` id 0).
        name: str, the metric's name.
        dtype: the metric's dtype.
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


@keras.saving.register_keras_serializable(package="keras_embeddings")
class NGramLanguageModel(CompileDefaultsMixin, keras.Model):
    """Neural n-gram language model (Bengio et al., 2003), next-word or masked.

    Each context word is looked up in one embedding table; the
    `context_length` vectors are concatenated, passed through a hidden layer
    (`hidden_activation`, logistic as in the CSC321 assignment) and an output
    layer of logits. With `masked=True` the model reads all words of a
    4-gram, some replaced by `[MASK]` (id 0), and predicts the word at every
    position; only the masked positions count in the loss (see the module
    docstring for how the targets carry the mask).

    `compile(optimizer=...)` alone sets the right loss (sparse cross-entropy
    from logits, `ignore_class=0` when masked) and metrics (accuracy and
    keras-hub's `Perplexity`, over the masked positions when masked).

    Args:
        vocabulary_size: int, number of word ids (for the masked model,
            including `[MASK]` at id 0).
        context_length: int, number of words the model reads.
        embedding_dim: int, size of each word vector.
        hidden_units: int, size of the hidden layer.
        hidden_activation: str or callable, the hidden layer's activation
            (`"sigmoid"` is the assignment's logistic unit).
        masked: bool, the masked variant (one softmax per position).
        dropout: float in [0, 1), dropout on the hidden layer while training.
        initializer: None for Keras' defaults, or a Keras initializer used
            for the embedding table and both weight matrices (biases start at
            zero). The assignment's `init_wt=0.01` is
            `keras.initializers.RandomNormal(stddev=0.01)`.

    Input shape:
        int tensor `(batch, context_length)` of word ids (0 = `[MASK]` when
        masked).

    float64 (`dtype="float64"`, as to reproduce the assignment's NumPy
    numbers) computes in float64 on every backend; on JAX it needs JAX's
    64-bit mode (`jax.config.update("jax_enable_x64", True)` or
    `JAX_ENABLE_X64=1`), without which the model raises `InvalidInputError`
    rather than silently compute in float32.

    Output shape:
        `(batch, vocabulary_size)` logits, or
        `(batch, context_length, vocabulary_size)` when masked.

    Example:

    ```python
    model = NGramLanguageModel(vocabulary_size=20, embedding_dim=4, hidden_units=8)
    model.compile(optimizer="adam")  # sparse CE from logits, accuracy, perplexity
    x = np.array([[1, 2, 3], [4, 5, 6]])
    model.fit(x, np.array([4, 7]), epochs=1, verbose=0)
    model.get_embeddings().shape  # (20, 4)

    masked = NGramLanguageModel(20, context_length=4, masked=True,
                                embedding_dim=4, hidden_units=8)
    inputs, targets = mask_inputs(np.array([[3, 4, 5, 6]]), [[0, 1, 0, 0]])
    # inputs [[3, 0, 5, 6]], targets [[0, 4, 0, 0]]: predict 4 at position 1
    masked.compile(optimizer="adam")
    masked.fit(inputs, targets, epochs=1, verbose=0)
    ```
    """

    def __init__(
        self,
        vocabulary_size,
        context_length=3,
        embedding_dim=16,
        hidden_units=128,
        hidden_activation="sigmoid",
        masked=False,
        dropout=0.0,
        initializer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
        self.context_length = positive_int("context_length", context_length)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.hidden_units = positive_int("hidden_units", hidden_units)
        try:
            self.hidden_activation = keras.activations.get(hidden_activation)
        except ValueError:
            raise InvalidInputError(
                "`hidden_activation` must be a Keras activation name or a "
                f"callable. Received: hidden_activation={hidden_activation!r}"
            ) from None
        if not isinstance(masked, bool):
            raise InvalidInputError(
                f"`masked` must be True or False. Received: masked={masked!r}"
            )
        self.masked = masked
        if not 0 <= dropout < 1:
            raise InvalidInputError(
                f"`dropout` must be in [0, 1). Received: dropout={dropout!r}"
            )
        self.dropout_rate = float(dropout)
        self.initializer = (
            None if initializer is None else keras.initializers.get(initializer)
        )
        dtype = self.dtype_policy
        check_float64_supported(dtype, "NGramLanguageModel")
        self.embedding = layers.Embedding(
            self.vocabulary_size,
            self.embedding_dim,
            embeddings_initializer=self._weight_initializer("uniform"),
            dtype=dtype,
            name="embedding",
        )
        self.hidden = layers.Dense(
            self.hidden_units,
            activation=self.hidden_activation,
            kernel_initializer=self._weight_initializer("glorot_uniform"),
            dtype=dtype,
            name="hidden",
        )
        self.dropout = layers.Dropout(self.dropout_rate, dtype=dtype, name="dropout")
        outputs = self.vocabulary_size * (self.context_length if masked else 1)
        self.logits = layers.Dense(
            outputs,
            kernel_initializer=self._weight_initializer("glorot_uniform"),
            dtype=dtype,
            name="logits",
        )

    def _weight_initializer(self, default):
        if self.initializer is None:
            return default
        # A fresh copy per weight: an unseeded Keras initializer fixes its seed
        # when made, so one shared instance would repeat its draws.
        return type(self.initializer).from_config(self.initializer.get_config())

    def build(self, input_shape):
        self.embedding.build(input_shape)
        self.hidden.build((None, self.context_length * self.embedding_dim))
        self.logits.build((None, self.hidden_units))
        self.built = True

    def call(self, inputs, training=False):
        x = self.embedding(inputs)  # (batch, context_length, embedding_dim)
        # Word i's vector fills columns i*D:(i+1)*D, as in the assignment.
        x = ops.reshape(x, (-1, self.context_length * self.embedding_dim))
        x = self.hidden_activation(affine(x, self.hidden))  # (batch, hidden_units)
        x = self.dropout(x, training=training)
        x = affine(x, self.logits)  # (batch, V) or (batch, context_length * V)
        if self.masked:
            # Unit j + n*V scores word j at position n.
            x = ops.reshape(x, (-1, self.context_length, self.vocabulary_size))
        return x

    def compute_output_shape(self, input_shape):
        if self.masked:
            return (input_shape[0], self.context_length, self.vocabulary_size)
        return (input_shape[0], self.vocabulary_size)

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """`compile` with the right defaults: sparse cross-entropy from logits
        (masked: `ignore_class=0`, the mean over masked positions), accuracy
        and perplexity (keras-hub's `Perplexity`)."""
        import keras_hub

        mask_id = 0 if self.masked else None
        if loss is None:
            # A float64 model keeps its precision in the loss (gradient checks).
            dtype = "float64" if self.compute_dtype == "float64" else None
            loss = keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, ignore_class=mask_id, dtype=dtype
            )
        if metrics is None:
            accuracy = (
                MaskedSparseCategoricalAccuracy(mask_token_id=0, name="accuracy")
                if self.masked
                else keras.metrics.SparseCategoricalAccuracy(name="accuracy")
            )
            metrics = [
                accuracy,
                keras_hub.metrics.Perplexity(
                    from_logits=True, mask_token_id=mask_id, name="perplexity"
                ),
            ]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def get_embeddings(self):
        """The embedding table, `(vocabulary_size, embedding_dim)`.

        Row `i` is word id `i`'s vector; in the masked model row 0 is `[MASK]`.
        """
        return ops.convert_to_numpy(self.embedding.embeddings)

    # -------------------------------------------------- the assignment's dict

    def _classic_shapes(self):
        n, v = self.context_length, self.vocabulary_size
        outputs = n * v if self.masked else v
        return {
            "word_embedding_weights": (v, self.embedding_dim),
            "embed_to_hid_weights": (self.hidden_units, n * self.embedding_dim),
            "hid_to_output_weights": (outputs, self.hidden_units),
            "hid_bias": (self.hidden_units,),
            "output_bias": (outputs,),
        }

    def set_classic_params(self, params):
        """Load the CSC321 assignment's parameter dict into the model.

        The assignment computes `h = sigmoid(e @ embed_to_hid_weights.T +
        hid_bias)` and `z = h @ hid_to_output_weights.T + output_bias`, so the
        two weight matrices are the transposes of the Dense kernels; the
        embedding table is used as is.

        Args:
            params: dict with `word_embedding_weights` (V, D),
                `embed_to_hid_weights` (H, N*D), `hid_to_output_weights`
                (V, H), or (N*V, H) when masked, `hid_bias` (H,) and
                `output_bias` (V,) or (N*V,). Other keys (the `.pk` file's
                `vocab`) are ignored.

        Raises:
            InvalidInputError: a key is missing or an array has the wrong shape.
        """
        if not hasattr(params, "keys"):
            raise InvalidInputError(
                "`params` must be a dict of the assignment's arrays "
                f"{list(CLASSIC_PARAM_NAMES)}. Received: {type(params).__name__}"
            )
        missing = [name for name in CLASSIC_PARAM_NAMES if name not in params]
        if missing:
            raise InvalidInputError(
                f"`params` lacks {missing}; it needs {list(CLASSIC_PARAM_NAMES)}."
            )
        expected = self._classic_shapes()
        arrays = {}
        for name in CLASSIC_PARAM_NAMES:
            array = np.asarray(params[name])
            if array.shape != expected[name]:
                raise InvalidInputError(
                    f"`params['{name}']` must have shape {expected[name]} for this "
                    f"model ({self._describe()}). Received shape {array.shape}"
                )
            arrays[name] = array
        if not self.built:
            self.build((None, self.context_length))
        self.embedding.embeddings.assign(arrays["word_embedding_weights"])
        self.hidden.kernel.assign(arrays["embed_to_hid_weights"].T)
        self.hidden.bias.assign(arrays["hid_bias"])
        self.logits.kernel.assign(arrays["hid_to_output_weights"].T)
        self.logits.bias.assign(arrays["output_bias"])

    def get_classic_params(self):
        """The weights as the assignment's parameter dict (NumPy arrays)."""
        if not self.built:
            self.build((None, self.context_length))
        weight = ops.convert_to_numpy
        return {
            "word_embedding_weights": weight(self.embedding.embeddings),
            "embed_to_hid_weights": weight(self.hidden.kernel).T.copy(),
            "hid_to_output_weights": weight(self.logits.kernel).T.copy(),
            "hid_bias": weight(self.hidden.bias),
            "output_bias": weight(self.logits.bias),
        }

    def _describe(self):
        return (
            f"vocabulary_size={self.vocabulary_size}, context_length="
            f"{self.context_length}, embedding_dim={self.embedding_dim}, "
            f"hidden_units={self.hidden_units}, masked={self.masked}"
        )

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "context_length": self.context_length,
            "embedding_dim": self.embedding_dim,
            "hidden_units": self.hidden_units,
            "hidden_activation": keras.activations.serialize(self.hidden_activation),
            "masked": self.masked,
            "dropout": self.dropout_rate,
            "initializer": (
                None
                if self.initializer is None
                else keras.initializers.serialize(self.initializer)
            ),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["hidden_activation"] = keras.activations.deserialize(
            config["hidden_activation"]
        )
        if config.get("initializer") is not None:
            config["initializer"] = keras.initializers.deserialize(
                config["initializer"]
            )
        return cls(**config)


# ------------------------------------------------------------------ masking


def sample_input_mask(batch_size, context_length=4, seed=None):
    """Choose one position per row to mask, as the assignment does.

    The assignment's `Model.sample_input_mask`: `np.random.randint(
    context_length, size=(batch_size,))` positions, as a 0/1 matrix. With
    `seed=None` it draws from NumPy's global state, so `np.random.seed(0)`
    then `sample_input_mask(100)` gives the masks of its `print_gradients()`;
    `seed=0` gives the same masks without touching the global state.

    Args:
        batch_size: int, number of rows.
        context_length: int, words per row.
        seed: None (NumPy's global random state), an int, or a
            `np.random.RandomState` / `np.random.Generator`.

    Returns:
        int32 array `(batch_size, context_length)` with one 1 per row.
    """
    batch_size = positive_int("batch_size", batch_size)
    context_length = positive_int("context_length", context_length)
    if seed is None:
        positions = np.random.randint(context_length, size=(batch_size,))
    elif isinstance(seed, np.random.Generator):
        positions = seed.integers(context_length, size=(batch_size,))
    elif isinstance(seed, np.random.RandomState):
        positions = seed.randint(context_length, size=(batch_size,))
    elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        positions = np.random.RandomState(seed).randint(
            context_length, size=(batch_size,)
        )
    else:
        raise InvalidInputError(
            "`seed` must be None, an int, a np.random.RandomState or a "
            f"np.random.Generator. Received: seed={seed!r}"
        )
    mask = np.zeros((batch_size, context_length), "int32")
    mask[np.arange(batch_size), positions] = 1
    return mask


def mask_inputs(rows, mask):
    """Replace the masked words by `[MASK]` (0): `(inputs, targets)`.

    The assignment's `input_batch * (1 - mask)` and
    `target_batch_masked = input_batch * mask`: the inputs keep the unmasked
    words, the targets hold the true ids at masked positions and 0 (ignored
    by the masked model's loss) elsewhere.

    Args:
        rows: int array `(batch, context_length)` of word ids (1-based; 0 is
            `[MASK]`).
        mask: 0/1 array of the same shape, 1 where a word is masked.

    Returns:
        `(inputs, targets)`, two int32 arrays of that shape.
    """
    rows = np.asarray(rows)
    mask = np.asarray(mask)
    if rows.ndim != 2 or rows.dtype.kind not in "iu":
        raise InvalidInputError(
            "`rows` must be a 2-D integer array (batch, context_length). "
            f"Received: dtype {rows.dtype}, shape {rows.shape}"
        )
    if mask.shape != rows.shape or not np.isin(mask, (0, 1)).all():
        raise InvalidInputError(
            f"`mask` must be a 0/1 array of the shape of `rows` {rows.shape}. "
            f"Received: shape {mask.shape}"
        )
    if (rows[mask == 1] == 0).any():
        raise InvalidInputError(
            "`rows` has [MASK] (id 0) at a masked position; masked rows hold "
            "1-based word ids (the masked variant of the data)."
        )
    mask = mask.astype(rows.dtype)
    return (rows * (1 - mask)).astype("int32"), (rows * mask).astype("int32")


def masked_dataset(rows, batch_size=100, shuffle=True, seed=None):
    """A `tf.data` pipeline of masked 4-grams, re-masked every epoch.

    Each pass over the dataset shuffles the rows (when `shuffle`) and masks a
    fresh random position in every row, so the masked model sees each 4-gram
    with a different word hidden from epoch to epoch, as the assignment's
    training loop does.

    Args:
        rows: int array `(N, context_length)` of 1-based word ids.
        batch_size: int.
        shuffle: bool, reshuffle the rows every epoch.
        seed: int or None, makes the shuffles and masks reproducible.

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)` batches as `mask_inputs`
        makes them, for `model.fit`.
    """
    import tensorflow as tf

    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.dtype.kind not in "iu" or len(rows) == 0:
        raise InvalidInputError(
            "`rows` must be a non-empty 2-D integer array (N, context_length). "
            f"Received: dtype {rows.dtype}, shape {rows.shape}"
        )
    batch_size = positive_int("batch_size", batch_size)
    context_length = rows.shape[1]
    dataset = tf.data.Dataset.from_tensor_slices(rows.astype("int32"))
    if shuffle:
        dataset = dataset.shuffle(len(rows), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    # One random stream per epoch (rerandomized each iteration): a seed per batch.
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    dataset = tf.data.Dataset.zip((dataset, seeds.batch(2)))

    def mask_batch(batch, batch_seed):
        positions = tf.random.stateless_uniform(
            tf.shape(batch)[:1], seed=batch_seed, maxval=context_length, dtype="int32"
        )
        mask = tf.one_hot(positions, context_length, dtype="int32")
        return batch * (1 - mask), batch * mask

    dataset = dataset.map(mask_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
