"""Pretrained transformers from keras-hub presets, and their contextual embeddings.

A word2vec or GloVe table gives "bank" one vector. A transformer such as
BERT (Devlin et al. 2019) reads the whole sentence with self-attention
(Vaswani et al. 2017), so its last layer gives each token a vector that
depends on the words around it: "bank" in "the river bank" and in "the bank
lent money" get different vectors. These per-token outputs are BERT's
`sequence_output` (Hugging Face's `last_hidden_state`).

`from_preset(preset)` loads a keras-hub backbone and its tokenizer from a
local preset directory (what `save_to_preset` writes), or downloads a
published one by name; `contextual_embeddings(backbone, tokenizer, texts)`
returns the tokens of each text with their vectors.

The lecture's Hugging Face lab, in Keras (these two blocks download a
preset, so they are not run as doctests; the functions' own examples run
offline on a tiny saved BERT):

```python
# transformers: BertTokenizer.from_pretrained / BertModel.from_pretrained
backbone, tokenizer = from_preset("bert_tiny_en_uncased")
tokens, vectors = contextual_embeddings(backbone, tokenizer, "Hello, my dog is cute")
tokens  # ['[CLS]', 'hello', ',', 'my', 'dog', 'is', 'cute', '[SEP]']
vectors.shape  # (8, 128): last_hidden_state
```

On Colab (or any machine with internet), a preset name such as
`"bert_tiny_en_uncased"` (2 layers, hidden size 128, 4.4M parameters; see
`keras_hub.models.BertBackbone.presets` for the others, up to
`"bert_base_en_uncased"`) is downloaded from Kaggle once and cached by
`kagglehub`. To use it offline later, save it to a folder and load that:

```python
backbone, tokenizer = from_preset("bert_tiny_en_uncased")  # downloads
backbone.save_to_preset("bert_tiny")
tokenizer.save_to_preset("bert_tiny")
backbone, tokenizer = from_preset("bert_tiny")  # no network needed
```

Hugging Face handles (`"hf://google-bert/bert-base-uncased"`) also work,
with `huggingface_hub` installed. keras-hub is imported on first call.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import difflib
import os
import reprlib

import numpy as np

from keras_embeddings.errors import InvalidInputError, MissingInputError

__all__ = ["contextual_embeddings", "from_preset"]

_CONFIG_FILE = "config.json"  # every keras-hub (and Transformers) preset has one
_SEQUENCE_INPUTS = {"token_ids", "padding_mask", "segment_ids"}
_REPR = reprlib.Repr()  # echo big inputs briefly in error messages
_REPR.maxlist, _REPR.maxstring, _REPR.maxother = 4, 60, 80
_short = _REPR.repr


def _save_hint(path):
    return (
        "To make one, save a keras-hub backbone and its tokenizer: "
        f"`backbone.save_to_preset({path!r})` and "
        f"`tokenizer.save_to_preset({path!r})`; or pass a preset name such as "
        "'bert_tiny_en_uncased' (downloads, needs internet)."
    )


def _load(preset):
    import keras_hub

    backbone = keras_hub.models.Backbone.from_preset(preset)
    tokenizer = keras_hub.tokenizers.Tokenizer.from_preset(preset)
    return backbone, tokenizer


def from_preset(preset):
    """Load a keras-hub backbone and its tokenizer from a preset.

    Args:
        preset: str or path-like. A local preset directory (holding
            `config.json`, `model.weights.h5`, `tokenizer.json` and
            `assets/`, as written by `backbone.save_to_preset(path)` and
            `tokenizer.save_to_preset(path)`, or a Hugging Face model folder
            keras-hub can convert); or a preset name such as
            `"bert_tiny_en_uncased"` or a `"kaggle://..."` / `"hf://..."`
            handle, downloaded on first use (needs internet). An existing
            directory wins over a preset name of the same spelling.

    Returns:
        `(backbone, tokenizer)`: a `keras_hub.models.Backbone` (for BERT, a
        `BertBackbone`, whose outputs are `sequence_output` and
        `pooled_output`) and its `keras_hub.tokenizers.Tokenizer`.

    Raises:
        MissingInputError: the directory does not exist, or a named preset
            could not be downloaded.
        InvalidInputError: the path is not a keras-hub preset directory (no
            `config.json`, no tokenizer, unreadable files).

    Example (offline: a tiny untrained BERT saved to a folder, then loaded;
    `from_preset("bert_tiny_en_uncased")` downloads the real one):

    ```python
    >>> import keras_hub
    >>> from keras_embeddings.models import from_preset
    >>> words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "bank"]
    >>> keras_hub.tokenizers.BertTokenizer(vocabulary=words).save_to_preset("tiny")
    >>> keras_hub.models.BertBackbone(
    ...     vocabulary_size=7, num_layers=1, num_heads=1, hidden_dim=4,
    ...     intermediate_dim=8, max_sequence_length=8,
    ... ).save_to_preset("tiny")
    >>> backbone, tokenizer = from_preset("tiny")  # a folder: no network
    >>> type(backbone).__name__, type(tokenizer).__name__
    ('BertBackbone', 'BertTokenizer')
    ```
    """
    if isinstance(preset, os.PathLike):
        preset = os.fspath(preset)
    if not isinstance(preset, str) or not preset.strip():
        raise InvalidInputError(
            "`preset` must be a preset directory or a preset name such as "
            f"'bert_tiny_en_uncased'. Received: preset={preset!r}"
        )
    path = os.path.expanduser(preset)
    if os.path.isdir(path) or ("://" not in preset and not _is_builtin_preset(preset)):
        return _from_directory(path)
    try:
        return _load(preset)
    except OSError as error:  # no network, a proxy, a missing remote file
        raise MissingInputError(
            f"Could not download the preset {preset!r} "
            f"({type(error).__name__}: {error}). Check the internet "
            "connection (Colab has one), or download it on a machine that has "
            "one, save it with `backbone.save_to_preset(dir)` and "
            "`tokenizer.save_to_preset(dir)`, copy `dir` here and pass "
            f"`preset=dir`. Received: preset={preset!r}"
        ) from error
    except ValueError as error:
        raise InvalidInputError(
            f"The preset {preset!r} could not be loaded: {error} "
            f"Received: preset={preset!r}"
        ) from error


def _is_builtin_preset(name):
    import keras_hub

    return name in keras_hub.models.Backbone.presets


def _from_directory(path):
    if not os.path.exists(path):
        import keras_hub

        close = difflib.get_close_matches(
            os.path.basename(os.path.normpath(path)),
            keras_hub.models.Backbone.presets,
            n=3,
            cutoff=0.8,
        )
        hint = f" Did you mean the preset {' or '.join(map(repr, close))}?"
        raise MissingInputError(
            f"The preset directory {path!r} does not exist."
            + (hint if close else "")
            + " Pass a folder written by `save_to_preset`, or a preset name "
            "from `keras_hub.models.Backbone.presets` (downloads). "
            f"Received: preset={path!r}"
        )
    if not os.path.isdir(path):
        raise InvalidInputError(
            f"`preset` must be a preset directory, but {path!r} is a file. "
            f"Pass the folder that holds `{_CONFIG_FILE}`. Received: preset={path!r}"
        )
    if not os.path.isfile(os.path.join(path, _CONFIG_FILE)):
        raise InvalidInputError(
            f"{path!r} is not a keras-hub preset directory: it has no "
            f"`{_CONFIG_FILE}`. {_save_hint(path)} Received: preset={path!r}"
        )
    # An absolute path: keras-hub would read a relative one spelled like a
    # preset name as that name and download it.
    path = os.path.abspath(path)
    try:
        import keras_hub

        backbone = keras_hub.models.Backbone.from_preset(path)
    except (ValueError, OSError, KeyError, TypeError) as error:
        raise InvalidInputError(
            f"The preset directory {path!r} holds no loadable backbone "
            f"({type(error).__name__}: {error}). {_save_hint(path)} "
            f"Received: preset={path!r}"
        ) from error
    try:
        tokenizer = keras_hub.tokenizers.Tokenizer.from_preset(path)
    except (ValueError, OSError, KeyError, TypeError) as error:
        raise InvalidInputError(
            f"The preset directory {path!r} holds a backbone but no loadable "
            f"tokenizer ({type(error).__name__}: {error}). Save the tokenizer "
            f"next to it with `tokenizer.save_to_preset({path!r})`. "
            f"Received: preset={path!r}"
        ) from error
    return backbone, tokenizer


def _check_models(backbone, tokenizer):
    import keras_hub

    if not isinstance(backbone, keras_hub.models.Backbone):
        raise InvalidInputError(
            "`backbone` must be a `keras_hub.models.Backbone` (e.g. from "
            f"`from_preset`). Received: backbone={backbone!r}"
        )
    if not isinstance(tokenizer, keras_hub.tokenizers.Tokenizer):
        raise InvalidInputError(
            "`tokenizer` must be a `keras_hub.tokenizers.Tokenizer` (e.g. from "
            f"`from_preset`). Received: tokenizer={tokenizer!r}"
        )
    names = set(backbone.input) if isinstance(backbone.input, dict) else set()
    if "token_ids" not in names or not names <= _SEQUENCE_INPUTS:
        raise InvalidInputError(
            "`backbone` must be a text backbone whose inputs are `token_ids`, "
            "`padding_mask` and optionally `segment_ids` (BERT, RoBERTa, "
            f"GPT-2, ...); this one takes {sorted(names) or backbone.input!r}. "
            f"Received: backbone={type(backbone).__name__}"
        )
    return names


def contextual_embeddings(backbone, tokenizer, texts, batch_size=32):
    """Each token of each text with its contextual vector from `backbone`.

    Each text is tokenized, wrapped in the tokenizer's start and end tokens
    (BERT's `[CLS]` and `[SEP]`), padded within its batch (a padding mask
    hides the padding, so a text gets the same vectors whatever it is batched
    with) and run through the backbone; its last-layer outputs
    (`sequence_output`, Hugging Face's `last_hidden_state`) are returned
    without the padding. Texts longer than the backbone's
    `max_sequence_length` are cut to fit.

    Args:
        backbone: a keras-hub text `Backbone` (e.g. `BertBackbone`).
        tokenizer: its keras-hub `Tokenizer` (e.g. `BertTokenizer`).
        texts: str, or list of str.
        batch_size: int, texts run through the backbone at once.

    Returns:
        For a str, `(tokens, vectors)`: `tokens` a list of str (the word
        pieces, special tokens included) and `vectors` a float32 array of
        shape `(len(tokens), hidden_dim)`, row `i` the vector of `tokens[i]`.
        For a list of str, a list of such pairs, one per text.

    Example (a tiny untrained BERT; `from_preset("bert_tiny_en_uncased")`
    gives a trained one):

    ```python
    >>> import keras_hub
    >>> import numpy as np
    >>> from keras_embeddings.models import contextual_embeddings
    >>> words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "river",
    ...          "bank", "lent", "money"]
    >>> tokenizer = keras_hub.tokenizers.BertTokenizer(vocabulary=words)
    >>> backbone = keras_hub.models.BertBackbone(
    ...     vocabulary_size=10, num_layers=1, num_heads=1, hidden_dim=4,
    ...     intermediate_dim=8, max_sequence_length=8)
    >>> (tokens_a, a), (tokens_b, b) = contextual_embeddings(
    ...     backbone, tokenizer, ["the river bank", "the bank lent money"])
    >>> tokens_a, a.shape
    (['[CLS]', 'the', 'river', 'bank', '[SEP]'], (5, 4))
    >>> np.allclose(a[tokens_a.index("bank")], b[tokens_b.index("bank")])
    False
    ```

    "bank" gets a vector from its context, not one per word.
    """
    import keras

    from keras_embeddings.models._generation import no_autograd

    single = isinstance(texts, str)
    batch = [texts] if single else texts
    if not isinstance(batch, (list, tuple)):
        raise InvalidInputError(
            f"`texts` must be a str or a list of str. Received: texts={_short(texts)}"
        )
    if not batch or not all(isinstance(text, str) for text in batch):
        raise InvalidInputError(
            "`texts` must be a str or a non-empty list of str. "
            f"Received: texts={_short(texts)}"
        )
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise InvalidInputError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    input_names = _check_models(backbone, tokenizer)

    start = getattr(tokenizer, "start_token_id", None)
    end = getattr(tokenizer, "end_token_id", None)
    pad = getattr(tokenizer, "pad_token_id", None) or 0
    prefix = [] if start is None else [start]
    suffix = [] if end is None else [end]
    max_length = getattr(backbone, "max_sequence_length", None)
    keep = None if max_length is None else max_length - len(prefix) - len(suffix)

    results = []
    for offset in range(0, len(batch), batch_size):
        chunk = list(batch[offset : offset + batch_size])
        rows = []
        for ids in tokenizer(chunk):  # one list of ids per text
            ids = np.asarray(ids).reshape(-1).tolist()
            if getattr(tokenizer, "sequence_length", None):  # padded by it
                while ids and ids[-1] == pad:
                    ids.pop()
            rows.append(prefix + ids[:keep] + suffix)
        length = max(map(len, rows))
        token_ids = np.full((len(rows), length), pad, dtype="int32")
        padding_mask = np.zeros((len(rows), length), dtype=bool)
        for i, row in enumerate(rows):
            token_ids[i, : len(row)] = row
            padding_mask[i, : len(row)] = True
        inputs = {"token_ids": token_ids, "padding_mask": padding_mask}
        if "segment_ids" in input_names:
            inputs["segment_ids"] = np.zeros_like(token_ids)
        with no_autograd():  # inference: no PyTorch autograd graph
            outputs = backbone({k: inputs[k] for k in input_names}, training=False)
        if isinstance(outputs, dict):
            outputs = outputs["sequence_output"]
        vectors = keras.ops.convert_to_numpy(outputs).astype("float32")
        for row, row_vectors in zip(rows, vectors):  # (length, hidden_dim)
            tokens = [tokenizer.id_to_token(int(i)) for i in row]
            results.append((tokens, row_vectors[: len(row)]))
    return results[0] if single else results
