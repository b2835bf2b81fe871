"""The CSC321 assignment's parameter dict for `NGramLanguageModel`.

`set_classic_params` / `get_classic_params` read and write the assignment's
`word_embedding_weights`, `embed_to_hid_weights`, `hid_to_output_weights`,
`hid_bias` and `output_bias`, so its partially trained `.pk` models (via
`datasets.load_classic_params`) run in the Keras model unchanged.
"""

import numpy as np
from keras import ops

from keras_embeddings.datasets.csc321 import CLASSIC_PARAM_NAMES
from keras_embeddings.errors import InvalidInputError


class ClassicParamsMixin:
    """The assignment's parameter layout for a model with `embedding`,
    `hidden` and `logits` layers and `sequence_length`, `vocabulary_size`,
    `embedding_dim`, `hidden_dim` and `masked` attributes."""

    def _classic_shapes(self):
        n, v = self.sequence_length, self.vocabulary_size
        outputs = n * v if self.masked else v
        return {
            "word_embedding_weights": (v, self.embedding_dim),
            "embed_to_hid_weights": (self.hidden_dim, n * self.embedding_dim),
            "hid_to_output_weights": (outputs, self.hidden_dim),
            "hid_bias": (self.hidden_dim,),
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
            self._build_for_embeddings()
        self.embedding.embeddings.assign(arrays["word_embedding_weights"])
        self.hidden.kernel.assign(arrays["embed_to_hid_weights"].T)
        self.hidden.bias.assign(arrays["hid_bias"])
        self.logits.kernel.assign(arrays["hid_to_output_weights"].T)
        self.logits.bias.assign(arrays["output_bias"])

    def get_classic_params(self):
        """The weights as the assignment's parameter dict (NumPy arrays)."""
        if not self.built:
            self._build_for_embeddings()
        weight = ops.convert_to_numpy
        return {
            "word_embedding_weights": weight(self.embedding.embeddings),
            "embed_to_hid_weights": weight(self.hidden.kernel).T.copy(),
            "hid_to_output_weights": weight(self.logits.kernel).T.copy(),
            "hid_bias": weight(self.hidden.bias),
            "output_bias": weight(self.logits.bias),
        }
