import collections
import subprocess
import sys

import keras_hub
import numpy as np
import pytest

from keras_embeddings.datasets import load_builtin_corpus
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text import (
    Tokenizer,
    compare_oov_rates,
    oov_rate,
    text_to_word_sequence,
    train_word_piece_vocabulary,
    word_piece_tokenizer,
)
from keras_embeddings.text.subwords import RESERVED_TOKENS

VOCABULARY_SIZE = 150


@pytest.fixture(scope="module")
def corpus():
    # Ten Lee news articles to learn from, twenty others held out: the
    # learner is pure Python, so a few seconds.
    documents = load_builtin_corpus()
    return documents[:10], documents[-20:]


@pytest.fixture(scope="module")
def comparison(corpus):
    train, held_out = corpus
    return compare_oov_rates(train, held_out, vocabulary_size=VOCABULARY_SIZE)


def _pieces(tokenizer, word):
    return [tokenizer.id_to_token(int(i)) for i in tokenizer(word)]


def test_word_piece_has_fewer_unknown_words_than_word_level(corpus, comparison):
    train, held_out = corpus
    vocabulary = comparison.word_piece_tokenizer.get_vocabulary()
    assert comparison.vocabulary_size == len(vocabulary) <= VOCABULARY_SIZE
    assert comparison.word_tokenizer.num_words == comparison.vocabulary_size

    # Oracle for the word level: Keras keeps ids 2 .. num_words - 1, i.e. the
    # num_words - 2 most frequent training words, ties in order of first use.
    counts = collections.Counter(w for t in train for w in text_to_word_sequence(t))
    ranked = sorted(counts, key=counts.get, reverse=True)  # stable on ties
    kept = set(ranked[: comparison.vocabulary_size - 2])
    words = [w for t in held_out for w in text_to_word_sequence(t)]
    assert comparison.num_test_words == len(words)
    with pytest.warns(DeprecationWarning, match="num_test_words"):
        assert comparison.num_words == len(words)  # the old name
    expected = np.mean([w not in kept for w in words])
    assert comparison.word_level_oov_rate == pytest.approx(expected)

    # Oracle for WordPiece: a word is [UNK] only if it holds a character the
    # vocabulary cannot spell; every held-out character occurs in training.
    characters = {t for t in vocabulary if len(t) == 1}
    expected = np.mean([any(c not in characters for c in w) for w in words])
    assert comparison.word_piece_oov_rate == pytest.approx(expected)

    assert comparison.word_level_oov_rate > 0.3
    assert comparison.word_piece_oov_rate < comparison.word_level_oov_rate
    assert comparison.word_piece_tokens_per_word > 1  # rare words in pieces
    assert "WordPiece" in str(comparison) and "word-level" in str(comparison)


def test_oov_rate_matches_the_comparison(corpus, comparison):
    _, held_out = corpus
    assert oov_rate(comparison.word_tokenizer, held_out) == pytest.approx(
        comparison.word_level_oov_rate
    )
    assert oov_rate(comparison.word_piece_tokenizer, held_out) == pytest.approx(
        comparison.word_piece_oov_rate
    )


def test_oov_rate_counts_hand_checked_words(comparison):
    # "the" and "sat" are spelled from pieces; "ωmega" holds a character
    # never seen in the (English) training text, so it becomes one [UNK].
    tokenizer = comparison.word_piece_tokenizer
    assert oov_rate(tokenizer, ["The ωmega sat."]) == pytest.approx(1 / 3)
    assert "[UNK]" in _pieces(tokenizer, "ωmega")
    words = Tokenizer(num_words=4, oov_token="<unk>")
    words.fit_on_texts(["the cat sat", "the cat ran"])  # keeps "the", "cat"
    assert oov_rate(words, ["the dog sat", "cat"]) == pytest.approx(2 / 4)


def test_trained_vocabulary_has_special_tokens_and_every_character(corpus, comparison):
    train, _ = corpus
    vocabulary = comparison.word_piece_tokenizer.get_vocabulary()
    assert vocabulary[: len(RESERVED_TOKENS)] == list(RESERVED_TOKENS)
    assert len(set(vocabulary)) == len(vocabulary)
    characters = set("".join(train).lower()) - set(" \t\n\r")
    for character in characters:  # a word start and a continuation
        assert character in vocabulary and "##" + character in vocabulary
    # Besides characters, whole frequent words and pieces are learned.
    assert "the" in vocabulary
    assert any(t.startswith("##") and len(t) > 3 for t in vocabulary)


def test_unseen_words_are_split_into_known_pieces(corpus, comparison):
    train, held_out = corpus
    tokenizer = comparison.word_piece_tokenizer
    vocabulary = set(tokenizer.get_vocabulary())
    seen = {w for t in train for w in text_to_word_sequence(t)}
    unseen = [
        w
        for t in held_out
        for w in text_to_word_sequence(t)
        if w not in seen and w not in vocabulary and w.isalpha()
    ][:20]
    assert len(unseen) == 20
    for word in unseen:
        pieces = _pieces(tokenizer, word)
        assert len(pieces) > 1 and "[UNK]" not in pieces, (word, pieces)
        assert all(p in vocabulary for p in pieces)
        assert "".join(p.removeprefix("##") for p in pieces) == word
        assert tokenizer.detokenize(tokenizer(word)) == word  # round trip
    # The word-level tokenizer has one <unk> id for all of them.
    ids = comparison.word_tokenizer.texts_to_sequences(unseen)
    assert ids == [[1]] * len(unseen)


def test_unbelievably_from_un_believ_ably():
    vocabulary = list(RESERVED_TOKENS) + ["un", "believ", "##believ", "##ably"]
    tokenizer = word_piece_tokenizer(vocabulary)
    ids = tokenizer("Unbelievably")  # lowercased first
    assert np.asarray(ids).tolist() == [5, 7, 8]
    assert _pieces(tokenizer, "unbelievably") == ["un", "##believ", "##ably"]
    assert tokenizer.detokenize(ids) == "unbelievably"
    # "believably" starts with a known piece too; "zany" cannot be spelled.
    assert _pieces(tokenizer, "believably") == ["believ", "##ably"]
    assert _pieces(tokenizer, "zany") == ["[UNK]"]
    assert oov_rate(tokenizer, ["unbelievably believably zany"]) == pytest.approx(1 / 3)


def test_word_piece_tokenizer_options(tmp_path):
    vocabulary = list(RESERVED_TOKENS) + ["un", "believ", "##believ", "##ably"]
    path = tmp_path / "vocabulary.txt"
    path.write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    tokenizer = word_piece_tokenizer(path, sequence_length=5)
    assert isinstance(tokenizer, keras_hub.tokenizers.WordPieceTokenizer)
    assert tokenizer.get_vocabulary() == vocabulary
    ids = np.asarray(tokenizer(["unbelievably", "un un un un un un"]))
    np.testing.assert_array_equal(ids, [[5, 7, 8, 0, 0], [5, 5, 5, 5, 5]])
    cased = word_piece_tokenizer(vocabulary, lowercase=False)
    assert _pieces(cased, "Unbelievably") == ["[UNK]"]


def test_vocabulary_size_too_small_for_the_characters():
    texts = ["abcdefghij klmnopqrst"] * 12  # 20 characters: 5 + 2 * 20 ids
    with pytest.raises(InvalidInputError, match="`vocabulary_size`.*at least 45"):
        train_word_piece_vocabulary(texts, vocabulary_size=30)
    vocabulary = train_word_piece_vocabulary(texts, vocabulary_size=60)
    assert 45 <= len(vocabulary) <= 60


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"texts": "one long string"}, "texts"),
        ({"texts": []}, "texts"),
        ({"texts": ["", "  "]}, "texts"),
        ({"texts": ["ok", 3]}, "texts"),
        ({"texts": 3}, "texts"),
        ({"vocabulary_size": 5}, "vocabulary_size"),
        ({"vocabulary_size": 100.0}, "vocabulary_size"),
        ({"vocabulary_size": True}, "vocabulary_size"),
        ({"lowercase": "yes"}, "lowercase"),
        ({"strip_accents": 1}, "strip_accents"),
        ({"reserved_tokens": ["[PAD]", "[PAD]"]}, "reserved_tokens"),
        ({"reserved_tokens": "[PAD]"}, "reserved_tokens"),
    ],
)
def test_train_bad_arguments(kwargs, name):
    arguments = {"texts": ["a b c"], "vocabulary_size": 100, **kwargs}
    with pytest.raises(InvalidInputError, match=f"`{name}`"):
        train_word_piece_vocabulary(**arguments)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"vocabulary": []}, "vocabulary"),
        ({"vocabulary": ["[UNK]", "a", "a"]}, "vocabulary"),
        ({"vocabulary": ["[UNK]", ""]}, "vocabulary"),
        ({"vocabulary": ["[PAD]", "a"]}, "oov_token"),
        ({"oov_token": "<unk>"}, "oov_token"),
        ({"sequence_length": 0}, "sequence_length"),
        ({"sequence_length": 2.5}, "sequence_length"),
        ({"sequence_length": True}, "sequence_length"),
        ({"lowercase": "no"}, "lowercase"),
        ({"strip_accents": None}, "strip_accents"),
    ],
)
def test_word_piece_tokenizer_bad_arguments(kwargs, name):
    arguments = {"vocabulary": ["[PAD]", "[UNK]", "a"], **kwargs}
    with pytest.raises(InvalidInputError, match=f"`{name}`"):
        word_piece_tokenizer(**arguments)


def test_missing_vocabulary_file(tmp_path):
    with pytest.raises(MissingInputError, match="vocabulary"):
        word_piece_tokenizer(str(tmp_path / "missing.txt"))


def test_oov_rate_bad_arguments():
    fitted = Tokenizer(num_words=10, oov_token="<unk>")
    fitted.fit_on_texts(["a b c"])
    no_oov = Tokenizer(num_words=10)
    no_oov.fit_on_texts(["a b c"])
    with pytest.raises(InvalidInputError, match="`tokenizer`.*oov_token"):
        oov_rate(no_oov, ["a"])
    with pytest.raises(InvalidInputError, match="`tokenizer`.*fit_on_texts"):
        oov_rate(Tokenizer(oov_token="<unk>"), ["a"])
    with pytest.raises(InvalidInputError, match="`tokenizer`"):
        oov_rate(object(), ["a"])
    with pytest.raises(InvalidInputError, match="`texts`"):
        oov_rate(fitted, "a b")
    with pytest.raises(InvalidInputError, match="`texts`"):
        oov_rate(fitted, ["!!! ..."])  # no words once punctuation goes
    with pytest.raises(InvalidInputError, match="`test_texts`"):
        compare_oov_rates(["a b"], [], vocabulary_size=100)


def test_text_package_imports_without_tensorflow():
    code = (
        "import sys, keras_embeddings.text as t; t.oov_rate; "
        "assert not {'tensorflow', 'keras', 'keras_hub', 'jax', 'torch'} "
        "& set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_subwords_keeps_its_import_path():
    from keras_embeddings import text
    from keras_embeddings.text import subwords

    constants = {"RESERVED_TOKENS", "SUFFIX_INDICATOR"}
    assert constants < set(subwords.__all__)
    assert set(subwords.__all__) - constants < set(text.__all__)
    for name in set(subwords.__all__) - constants:
        assert getattr(subwords, name) is getattr(text, name)
    assert subwords.RESERVED_TOKENS == RESERVED_TOKENS
    assert subwords.SUFFIX_INDICATOR == "##"
