"""WordPiece vocabularies: learn one from texts, and the tokenizer using it.

WordPiece (Schuster & Nakajima 2012; Wu et al. 2016, the tokenizer of BERT)
spends a fixed number of ids on frequent words *and* on word pieces down to
single characters, so an unseen word is split into known pieces instead of
becoming one unknown token: `"unbelievably"` becomes
`["un", "##believ", "##ably"]`, where `##` marks a piece that continues a
word. Both functions wrap keras-hub (imported on first call, with
TensorFlow and tensorflow-text). Public through `keras_embeddings.text` and
`keras_embeddings.text.subwords`.
"""

import os

from keras_embeddings._validation import boolean, optional_positive_int, positive_int
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text import _checks

__all__ = [
    "RESERVED_TOKENS",
    "SUFFIX_INDICATOR",
    "train_word_piece_vocabulary",
    "word_piece_tokenizer",
]

# BERT's special tokens, in keras-hub's order: [PAD] gets id 0.
RESERVED_TOKENS = ("[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]")
SUFFIX_INDICATOR = "##"


def train_word_piece_vocabulary(
    texts,
    vocabulary_size,
    lowercase=True,
    strip_accents=False,
    reserved_tokens=RESERVED_TOKENS,
):
    """Learn a WordPiece vocabulary of at most `vocabulary_size` tokens.

    Wraps `keras_hub.tokenizers.compute_word_piece_vocabulary`, the learner of
    tensorflow-text (TensorFlow's port of BERT's): texts are split into words
    and punctuation, and the pieces kept are frequent whole words, frequent
    word starts (`"un"`) and frequent word continuations (`"##ably"`), plus
    every character both as a start and as a continuation, so any word made of
    seen characters can be spelled. The learner searches for the count
    threshold that gives about `vocabulary_size` tokens; a piece must occur at
    least 10 times, so a small corpus yields fewer tokens than asked for.

    The learner is pure Python: a few seconds for ten news articles, about a
    minute for the 300 of `datasets.load_builtin_corpus()` (CPU, one core).

    Args:
        texts: list of str, the training texts.
        vocabulary_size: int, the most tokens to keep, reserved tokens
            included (the number of ids, like `Tokenizer`'s `num_words`).
        lowercase: bool, lowercase the texts first (BERT "uncased"). Build the
            tokenizer with the same setting.
        strip_accents: bool, remove accent marks first.
        reserved_tokens: list of str, the special tokens, given the first ids
            in this order. Defaults to BERT's
            `["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"]`.

    Returns:
        A list of str, the vocabulary: `reserved_tokens`, the single
        characters, then the other pieces, most frequent first.

    Raises:
        InvalidInputError: bad arguments, or a `vocabulary_size` too small to
            hold every character of `texts` (some would become `[UNK]`).

    Example:

    ```python
    >>> from keras_embeddings.text import (
    ...     train_word_piece_vocabulary,
    ...     word_piece_tokenizer,
    ... )
    >>> texts = ["the cat sat on the mat"] * 10
    >>> vocabulary = train_word_piece_vocabulary(texts, vocabulary_size=40)
    >>> vocabulary[14:19]  # after the 5 reserved tokens and 9 characters
    ['the', 'cat', 'mat', 'on', 'sat']
    >>> tokenizer = word_piece_tokenizer(vocabulary)
    >>> ids = tokenizer("The cats sat")  # "cats" was never seen
    >>> [tokenizer.id_to_token(i) for i in ids.tolist()]
    ['the', 'cat', '##s', 'sat']
    ```
    """
    texts = _checks.texts("texts", texts)
    reserved_tokens = _checks.tokens("reserved_tokens", reserved_tokens)
    vocabulary_size = positive_int("vocabulary_size", vocabulary_size)
    if vocabulary_size <= len(reserved_tokens):
        raise InvalidInputError(
            "`vocabulary_size` must be an integer larger than the number of "
            f"reserved tokens ({len(reserved_tokens)}), leaving room for word "
            f"pieces. Received: vocabulary_size={vocabulary_size!r}"
        )
    lowercase = boolean("lowercase", lowercase)
    strip_accents = boolean("strip_accents", strip_accents)

    import keras_hub
    import tensorflow as tf

    vocabulary = keras_hub.tokenizers.compute_word_piece_vocabulary(
        tf.data.Dataset.from_tensor_slices(texts),
        vocabulary_size,
        lowercase=lowercase,
        strip_accents=strip_accents,
        suffix_indicator=SUFFIX_INDICATOR,
        reserved_tokens=reserved_tokens,
    )
    # The learner always adds every character `c` and `##c`, then keras-hub
    # cuts the list at `vocabulary_size`: a `c` without its `##c` means the cut
    # went into the characters, and words holding them become [UNK].
    reserved = set(reserved_tokens)
    characters = {t for t in vocabulary if len(t) == 1 and t not in reserved}
    if any(SUFFIX_INDICATOR + c not in vocabulary for c in characters):
        raise InvalidInputError(
            f"`vocabulary_size` is too small for `texts`: the {len(reserved)} "
            f"reserved tokens plus each of the {len(characters)} or more "
            "characters of `texts` twice (as a word start and as a `##` "
            f"continuation) need at least {len(reserved) + 2 * len(characters)} "
            "ids, or words holding the characters left out become [UNK]. "
            "Raise it (a few hundred to a few thousand is usual). "
            f"Received: vocabulary_size={vocabulary_size}"
        )
    return vocabulary


def _read_vocabulary_file(path):
    if not os.path.isfile(path):
        raise MissingInputError(
            f"The vocabulary file {path!r} does not exist. Pass a list of "
            "tokens or a text file with one token per line (e.g. a preset's "
            "`assets/tokenizer/vocabulary.txt`). "
            f"Received: vocabulary={path!r}"
        )
    with open(path, encoding="utf-8") as file:
        return [line.rstrip("\r\n") for line in file if line.rstrip("\r\n")]


def word_piece_tokenizer(
    vocabulary,
    sequence_length=None,
    lowercase=True,
    strip_accents=False,
    oov_token="[UNK]",
):
    """A keras-hub `WordPieceTokenizer` for a WordPiece vocabulary.

    Texts are split into words and punctuation, then each word greedily into
    the longest pieces of `vocabulary` from its start (`"unbelievably"` ->
    `"un"`, `"##believ"`, `"##ably"`). Only a word that contains a character
    absent from `vocabulary` becomes `oov_token`, as one token.
    `tokenizer.detokenize(ids)` joins the pieces back into words.

    Args:
        vocabulary: list of str (from `train_word_piece_vocabulary`), or the
            path of a text file with one token per line.
        sequence_length: int or None; if set, outputs are padded with id 0 or
            cut to this length, else each text gives a list of its ids.
        lowercase: bool, lowercase the texts first; must match how the
            vocabulary was trained.
        strip_accents: bool, remove accent marks first; must match training.
        oov_token: str, the token of words that cannot be spelled; must be in
            `vocabulary`.

    Returns:
        A `keras_hub.tokenizers.WordPieceTokenizer` (a Keras layer: call it
        on a str or a list of str; use it in `tf.data` pipelines with `map`).

    Example:

    ```python
    >>> from keras_embeddings.text import word_piece_tokenizer
    >>> vocabulary = ["[PAD]", "[UNK]", "un", "believ", "##believ", "##able", "##ably"]
    >>> tokenizer = word_piece_tokenizer(vocabulary)
    >>> ids = tokenizer("Unbelievably")
    >>> ids.tolist()
    [2, 4, 6]
    >>> [tokenizer.id_to_token(i) for i in ids.tolist()]
    ['un', '##believ', '##ably']
    >>> str(tokenizer.detokenize(ids))
    'unbelievably'
    ```
    """
    if isinstance(vocabulary, (str, os.PathLike)):
        vocabulary = _read_vocabulary_file(os.fspath(vocabulary))
    vocabulary = _checks.tokens("vocabulary", vocabulary)
    if not isinstance(oov_token, str) or oov_token not in vocabulary:
        raise InvalidInputError(
            f"`oov_token` must be a token of `vocabulary` (words that cannot be "
            f"spelled get its id). Add it to the vocabulary or pass the one it "
            f"uses. Received: oov_token={oov_token!r}, "
            f"vocabulary={_checks.short(vocabulary)}"
        )
    sequence_length = optional_positive_int("sequence_length", sequence_length)
    lowercase = boolean("lowercase", lowercase)
    strip_accents = boolean("strip_accents", strip_accents)

    import keras_hub

    return keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=vocabulary,
        sequence_length=sequence_length,
        lowercase=lowercase,
        strip_accents=strip_accents,
        suffix_indicator=SUFFIX_INDICATOR,
        oov_token=oov_token,
    )
