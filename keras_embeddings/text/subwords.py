"""Subword (WordPiece) vocabularies, and how few words they lose.

A word-level `Tokenizer(num_words=N, oov_token="<unk>")` keeps the `N - 2`
most frequent training words; every other word of new text becomes the one
`<unk>` id and its meaning is lost. WordPiece (Schuster & Nakajima 2012; Wu
et al. 2016, the tokenizer of BERT) spends the same `N` ids on frequent
words *and* on word pieces down to single characters, so an unseen word is
split into known pieces instead: `"unbelievably"` becomes
`["un", "##believ", "##ably"]`, where `##` marks a piece that continues a
word.

`train_word_piece_vocabulary(texts, vocabulary_size)` learns the pieces
(keras-hub's `compute_word_piece_vocabulary`), `word_piece_tokenizer(
vocabulary)` builds the keras-hub `WordPieceTokenizer` that uses them,
`oov_rate(tokenizer, texts)` measures the share of words either kind of
tokenizer cannot represent, and `compare_oov_rates(...)` puts both side by
side at the same vocabulary size.

TensorFlow, keras-hub and tensorflow-text (a keras-hub dependency) are
imported on first use, so `keras_embeddings.text` still imports without
them.

Taught in `tutorials/09_transformers_and_contextual_embeddings.py`.
"""

import collections
import dataclasses
import os
import reprlib

import numpy as np

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text.tokenizer import Tokenizer, text_to_word_sequence

# BERT's special tokens, in keras-hub's order: [PAD] gets id 0.
RESERVED_TOKENS = ("[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]")
SUFFIX_INDICATOR = "##"

_REPR = reprlib.Repr()  # echo big inputs briefly in error messages
_REPR.maxlist, _REPR.maxother, _REPR.maxstring = 8, 120, 60
_short = _REPR.repr


def _check_texts(texts, name="texts"):
    """`texts` as a list of str; raises if it is one str, empty or not text."""
    if isinstance(texts, (str, bytes)):
        raise InvalidInputError(
            f"`{name}` must be a list of str, not a single string (it would be "
            f"read one character at a time); wrap it: [text]. "
            f"Received: {name}={_short(texts)}"
        )
    try:
        texts = list(texts)
    except TypeError:
        raise InvalidInputError(
            f"`{name}` must be a list of str. Received: {name}={_short(texts)}"
        ) from None
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidInputError(
                f"`{name}` must hold only str; item {index} is a "
                f"{type(text).__name__} ({_short(text)}). Decode bytes first."
            )
    if not any(text.strip() for text in texts):
        raise InvalidInputError(
            f"`{name}` holds no words. Pass at least one non-empty text. "
            f"Received: {name}={_short(texts)}"
        )
    return texts


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(
            f"`{name}` must be True or False. Received: {name}={value!r}"
        )
    return bool(value)


def _check_tokens(name, tokens):
    """`tokens` as a non-empty list of distinct non-empty str."""
    if isinstance(tokens, (str, bytes)):
        raise InvalidInputError(
            f"`{name}` must be a list of str, not a single string. "
            f"Received: {name}={_short(tokens)}"
        )
    try:
        tokens = list(tokens)
    except TypeError:
        raise InvalidInputError(
            f"`{name}` must be a list of str. Received: {name}={_short(tokens)}"
        ) from None
    if not tokens or not all(isinstance(t, str) and t for t in tokens):
        raise InvalidInputError(
            f"`{name}` must be a non-empty list of non-empty str. "
            f"Received: {name}={_short(tokens)}"
        )
    duplicates = [t for t, n in collections.Counter(tokens).items() if n > 1]
    if duplicates:
        raise InvalidInputError(
            f"`{name}` must not repeat a token (each token has one id); "
            f"repeated: {_short(duplicates)}. Received: {name}={_short(tokens)}"
        )
    return tokens


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
    texts = ["they were unable to believe it", "an unbelievable story"] * 10
    vocabulary = train_word_piece_vocabulary(texts, vocabulary_size=60)
    tokenizer = word_piece_tokenizer(vocabulary)
    tokenizer.detokenize(tokenizer("unbelievably"))  # 'unbelievably'
    ```
    """
    texts = _check_texts(texts)
    reserved_tokens = _check_tokens("reserved_tokens", reserved_tokens)
    if (
        isinstance(vocabulary_size, (bool, np.bool_))
        or not isinstance(vocabulary_size, (int, np.integer))
        or vocabulary_size <= len(reserved_tokens)
    ):
        raise InvalidInputError(
            "`vocabulary_size` must be an integer larger than the number of "
            f"reserved tokens ({len(reserved_tokens)}), leaving room for word "
            f"pieces. Received: vocabulary_size={vocabulary_size!r}"
        )
    lowercase = _check_bool("lowercase", lowercase)
    strip_accents = _check_bool("strip_accents", strip_accents)

    import keras_hub
    import tensorflow as tf

    vocabulary = keras_hub.tokenizers.compute_word_piece_vocabulary(
        tf.data.Dataset.from_tensor_slices(texts),
        int(vocabulary_size),
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
    vocabulary = ["[PAD]", "[UNK]", "un", "believ", "##believ", "##able", "##ably"]
    tokenizer = word_piece_tokenizer(vocabulary)
    ids = tokenizer("Unbelievably")  # [2, 4, 6]
    [tokenizer.id_to_token(i) for i in ids]  # ['un', '##believ', '##ably']
    tokenizer.detokenize(ids)  # 'unbelievably'
    ```
    """
    if isinstance(vocabulary, (str, os.PathLike)):
        vocabulary = _read_vocabulary_file(os.fspath(vocabulary))
    vocabulary = _check_tokens("vocabulary", vocabulary)
    if not isinstance(oov_token, str) or oov_token not in vocabulary:
        raise InvalidInputError(
            f"`oov_token` must be a token of `vocabulary` (words that cannot be "
            f"spelled get its id). Add it to the vocabulary or pass the one it "
            f"uses. Received: oov_token={oov_token!r}, "
            f"vocabulary={_short(vocabulary)}"
        )
    if sequence_length is not None and (
        isinstance(sequence_length, (bool, np.bool_))
        or not isinstance(sequence_length, (int, np.integer))
        or sequence_length < 1
    ):
        raise InvalidInputError(
            "`sequence_length` must be a positive integer or None. "
            f"Received: sequence_length={sequence_length!r}"
        )
    lowercase = _check_bool("lowercase", lowercase)
    strip_accents = _check_bool("strip_accents", strip_accents)

    import keras_hub

    return keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=vocabulary,
        sequence_length=None if sequence_length is None else int(sequence_length),
        lowercase=lowercase,
        strip_accents=strip_accents,
        suffix_indicator=SUFFIX_INDICATOR,
        oov_token=oov_token,
    )


def _word_level_counts(tokenizer, texts):
    """(unknown words, words) of `texts` under a fitted word-level Tokenizer."""
    if tokenizer.oov_token is None:
        raise InvalidInputError(
            "`tokenizer` must have an `oov_token` (e.g. "
            '`Tokenizer(num_words=N, oov_token="<unk>")`); without one, unknown '
            "words are dropped silently and cannot be counted. "
            f"Received: tokenizer.oov_token={tokenizer.oov_token!r}"
        )
    if tokenizer.oov_token not in tokenizer.word_index:
        raise InvalidInputError(
            "`tokenizer` has not been fitted: call "
            "`tokenizer.fit_on_texts(train_texts)` first."
        )
    oov_id = tokenizer.word_index[tokenizer.oov_token]
    sequences = tokenizer.texts_to_sequences(texts)
    return sum(s.count(oov_id) for s in sequences), sum(map(len, sequences))


def _word_piece_counts(tokenizer, texts):
    """(unknown words, words, pieces) of `texts` under a WordPiece tokenizer.

    Words are `text_to_word_sequence(text, lower=False)`, the units of a
    default word-level `Tokenizer` (the WordPiece tokenizer lowercases by
    itself if it was built to); a word is unknown if any of its pieces is the
    out-of-vocabulary token.
    """
    words = [w for text in texts for w in text_to_word_sequence(text, lower=False)]
    if not words:
        return 0, 0, 0
    oov_id = tokenizer.token_to_id(tokenizer.oov_token)
    pad_id = 0 if tokenizer.sequence_length is not None else None
    unknown = pieces = 0
    for ids in tokenizer(words):  # one list (or padded row) of ids per word
        ids = np.asarray(ids).tolist()
        if pad_id is not None:
            while ids and ids[-1] == pad_id:
                ids.pop()
        unknown += oov_id in ids
        pieces += len(ids)
    return unknown, len(words), pieces


def oov_rate(tokenizer, texts):
    """Share of the words of `texts` that `tokenizer` turns into unknown tokens.

    For a word-level `keras_embeddings.text.Tokenizer` (fitted, with an
    `oov_token`) a word is unknown if it maps to the `oov_token` id: it was
    not among the `num_words - 2` most frequent training words (ids 0 and 1
    are padding and `oov_token`). For a keras-hub `WordPieceTokenizer` (or
    `BertTokenizer`) a word is unknown if one of its pieces is the
    out-of-vocabulary token `[UNK]`, which happens only for words holding a
    character never seen in training. Words are the same units for both:
    `text_to_word_sequence(text)`, punctuation removed.

    Args:
        tokenizer: a fitted `keras_embeddings.text.Tokenizer` with an
            `oov_token`, or a `keras_hub.tokenizers.WordPieceTokenizer`.
        texts: list of str, held-out texts.

    Returns:
        A float in [0, 1], unknown words / words.

    Example:

    ```python
    tokenizer = Tokenizer(num_words=4, oov_token="<unk>")
    tokenizer.fit_on_texts(["the cat sat", "the cat ran"])  # keeps the, cat
    oov_rate(tokenizer, ["the dog sat"])  # 2 of 3 words: 0.666...
    ```
    """
    texts = _check_texts(texts)
    if isinstance(tokenizer, Tokenizer):
        unknown, words = _word_level_counts(tokenizer, texts)
    else:
        import keras_hub

        if not isinstance(tokenizer, keras_hub.tokenizers.WordPieceTokenizer):
            raise InvalidInputError(
                "`tokenizer` must be a fitted `keras_embeddings.text.Tokenizer` "
                "or a `keras_hub.tokenizers.WordPieceTokenizer` (see "
                f"`word_piece_tokenizer`). Received: tokenizer={tokenizer!r}"
            )
        unknown, words, _ = _word_piece_counts(tokenizer, texts)
    if not words:
        raise InvalidInputError(
            "`texts` hold no words once punctuation is removed. "
            f"Received: texts={_short(texts)}"
        )
    return unknown / words


@dataclasses.dataclass(frozen=True)
class OOVComparison:
    """Unknown-word rates of a word-level and a WordPiece tokenizer.

    Built by `compare_oov_rates`; `str(comparison)` is a table.

    Attributes:
        vocabulary_size: int, the number of ids of each tokenizer (the
            WordPiece vocabulary's length, and the word-level `num_words`).
        num_words: int, the words of the held-out texts.
        word_level_oov_rate: float, share of held-out words that the
            word-level tokenizer maps to `<unk>`.
        word_piece_oov_rate: float, share that WordPiece maps to `[UNK]`.
        word_piece_tokens_per_word: float, WordPiece tokens per held-out word
            (the price of spelling rare words in pieces: longer sequences).
        word_tokenizer: the fitted `keras_embeddings.text.Tokenizer`.
        word_piece_tokenizer: the keras-hub `WordPieceTokenizer`.
    """

    vocabulary_size: int
    num_words: int
    word_level_oov_rate: float
    word_piece_oov_rate: float
    word_piece_tokens_per_word: float
    word_tokenizer: object = dataclasses.field(repr=False, compare=False)
    word_piece_tokenizer: object = dataclasses.field(repr=False, compare=False)

    def __str__(self):
        return (
            f"{'':<12} {'ids':>6} {'unknown words':>14} {'tokens/word':>12}\n"
            f"{'word-level':<12} {self.vocabulary_size:>6,} "
            f"{self.word_level_oov_rate:>14.2%} {1.0:>12.2f}\n"
            f"{'WordPiece':<12} {self.vocabulary_size:>6,} "
            f"{self.word_piece_oov_rate:>14.2%} "
            f"{self.word_piece_tokens_per_word:>12.2f}\n"
            f"({self.num_words:,} held-out words)"
        )


def compare_oov_rates(train_texts, test_texts, vocabulary_size, lowercase=True):
    """Unknown-word rates on held-out text: word-level vs WordPiece, same size.

    Trains a WordPiece vocabulary of at most `vocabulary_size` tokens on
    `train_texts`, fits `Tokenizer(num_words=len(vocabulary),
    oov_token="<unk>")` on the same texts so that both have exactly the same
    number of ids (embedding rows), and measures `oov_rate` of each on
    `test_texts`.

    Args:
        train_texts: list of str, the texts both tokenizers learn from.
        test_texts: list of str, held-out texts.
        vocabulary_size: int, the most ids (see
            `train_word_piece_vocabulary`).
        lowercase: bool, lowercase the texts (both tokenizers).

    Returns:
        An `OOVComparison`.

    Example:

    ```python
    from keras_embeddings.datasets import load_builtin_corpus

    docs = load_builtin_corpus()
    print(compare_oov_rates(docs[:10], docs[-20:], vocabulary_size=150))
    ```
    """
    train_texts = _check_texts(train_texts, "train_texts")
    test_texts = _check_texts(test_texts, "test_texts")
    lowercase = _check_bool("lowercase", lowercase)
    vocabulary = train_word_piece_vocabulary(
        train_texts, vocabulary_size, lowercase=lowercase
    )
    pieces_tokenizer = word_piece_tokenizer(vocabulary, lowercase=lowercase)
    word_tokenizer = Tokenizer(
        num_words=len(vocabulary), lower=lowercase, oov_token="<unk>"
    )
    word_tokenizer.fit_on_texts(train_texts)
    word_unknown, num_words = _word_level_counts(word_tokenizer, test_texts)
    piece_unknown, _, pieces = _word_piece_counts(pieces_tokenizer, test_texts)
    if not num_words:
        raise InvalidInputError(
            "`test_texts` hold no words once punctuation is removed. "
            f"Received: test_texts={_short(test_texts)}"
        )
    return OOVComparison(
        vocabulary_size=len(vocabulary),
        num_words=num_words,
        word_level_oov_rate=word_unknown / num_words,
        word_piece_oov_rate=piece_unknown / num_words,
        word_piece_tokens_per_word=pieces / num_words,
        word_tokenizer=word_tokenizer,
        word_piece_tokenizer=pieces_tokenizer,
    )
