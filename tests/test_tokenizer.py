"""`keras_embeddings.text.Tokenizer` against Keras 2's class as the oracle.

The oracle is the public `tf_keras` package (Keras 2 for TensorFlow 2.16+):
`tf_keras.preprocessing.text.Tokenizer`, the class the lectures used.

Every test fits both classes on the same seeded, deliberately awkward texts
(unicode, emoji, final sigma, empty and punctuation-only lines, runs of
spaces, tabs, odd whitespace, the tokenizer's own separator characters) and
checks that state and outputs are identical.
"""

import ast
import collections
import copy
import gc
import itertools
import json
import pickle
import random
import re
from pathlib import Path

import numpy as np
import pytest
from gensim.test.utils import datapath
from tf_keras.preprocessing.text import Tokenizer as LegacyTokenizer
from tf_keras.preprocessing.text import (
    text_to_word_sequence as legacy_text_to_word_sequence,
)
from tf_keras.preprocessing.text import (
    tokenizer_from_json as legacy_tokenizer_from_json,
)

from keras_embeddings.errors import InvalidInputError
from keras_embeddings.text import _cache, _splitting
from keras_embeddings.text import tokenizer as tokenizer_module
from keras_embeddings.text.tokenizer import (
    DEFAULT_FILTERS,
    MODES,
    Tokenizer,
    text_to_word_sequence,
    tokenizer_from_json,
)

_ASCII_WORDS = ["the", "The", "THE", "cat", "Cat", "sat", "on", "mat", "a", "A"]
_ASCII_WORDS += ["don't", "e-mail", "<OOV>", "<oov>", "1984", "x_y"]
_UNICODE_WORDS = ["café", "CAFÉ", "naïve", "日本語", "😀", "👍🏽", "ΟΔΟΣ", "Σ"]
_UNICODE_WORDS += ["σοφός", "İstanbul", "straße", "ǅemal"]
_GAPS = [" ", " ", " ", "  ", "\t", "\n", ", ", ",", "!", "... ", " - ", ",,"]


def _texts(seed, words, gaps, n=40):
    """`n` seeded texts: words joined by gaps, plus empty and punctuation lines."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.08:
            texts.append("")
        elif kind < 0.15:
            texts.append(rng.choice(["!!!", "...", " ,;: ", "\t\n", "  "]))
        else:
            parts = []
            for _ in range(rng.randint(1, 12)):
                parts += [rng.choice(words), rng.choice(gaps)]
            text = "".join(parts)
            texts.append(text[: -len(parts[-1])] if rng.random() < 0.5 else text)
    return texts


CORPORA = {
    "ascii": _texts(1, _ASCII_WORDS, _GAPS),
    "unicode": _texts(2, _ASCII_WORDS + _UNICODE_WORDS, _GAPS),
    # Whitespace that `str.split()` splits on but Keras 2 keeps inside words.
    "odd_whitespace": _texts(
        3, _ASCII_WORDS + _UNICODE_WORDS, _GAPS + ["\r", "\xa0", "\u3000", "\x0b"]
    ),
    # Characters the tokenizer joins a batch of texts with: one of them, so
    # another is used, and all of them, so texts are split one by one.
    "one_separator": _texts(4, _ASCII_WORDS + _UNICODE_WORDS, _GAPS + ["\x1c"]),
    "all_separators": _texts(5, _ASCII_WORDS, _GAPS + ["\x1c\x1d\x1e\x1f"]),
}


def _both(**kwargs):
    # `keras2_split=True`: Keras 2's splitting (the default also splits on
    # any whitespace and control character; tests/test_tokenizer_unicode.py).
    return Tokenizer(keras2_split=True, **kwargs), LegacyTokenizer(**kwargs)


def assert_same_state(ours, legacy):
    assert list(ours.word_index.items()) == list(legacy.word_index.items())
    assert ours.index_word == legacy.index_word
    assert list(ours.word_counts.items()) == list(legacy.word_counts.items())
    # Keras 2's `word_docs` order follows `set` iteration; only counts count.
    assert dict(ours.word_docs) == dict(legacy.word_docs)
    assert dict(ours.index_docs) == dict(legacy.index_docs)
    assert ours.document_count == legacy.document_count


def assert_same_matrix(ours, legacy, method, data, mode):
    try:
        expected = getattr(legacy, method)(data, mode=mode)
    except ValueError:
        with pytest.raises(InvalidInputError):
            getattr(ours, method)(data, mode=mode)
        return
    actual = getattr(ours, method)(data, mode=mode)
    assert actual.dtype == expected.dtype
    if mode == "tfidf":
        np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=0)
    else:
        np.testing.assert_array_equal(actual, expected)


def assert_same_outputs(ours, legacy, texts):
    sequences = legacy.texts_to_sequences(texts)
    assert ours.texts_to_sequences(texts) == sequences
    # One text at a time the index outgrows the input: the other lookup path.
    for text in texts[:6]:
        assert ours.texts_to_sequences([text]) == legacy.texts_to_sequences([text])
    noisy = sequences + [[0, 1, 2, 3, 4, 99], [], [1, 1, 1]]
    assert ours.sequences_to_texts(noisy) == legacy.sequences_to_texts(noisy)
    for mode in MODES:
        assert_same_matrix(ours, legacy, "texts_to_matrix", texts, mode)
        assert_same_matrix(ours, legacy, "sequences_to_matrix", noisy, mode)


def fit_twice_and_compare(ours, legacy, texts):
    half = len(texts) // 2
    for part in (texts[:half], texts[half:]):
        ours.fit_on_texts(part)
        legacy.fit_on_texts(part)
        assert_same_state(ours, legacy)
    assert_same_outputs(ours, legacy, texts)


# ------------------------------------------------------------- vs legacy


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize("oov_token", [None, "<OOV>"])
@pytest.mark.parametrize("char_level", [False, True])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("num_words", [None, 1, 2, 5, 50])
def test_matches_legacy(num_words, lower, char_level, oov_token, corpus):
    ours, legacy = _both(
        num_words=num_words, lower=lower, char_level=char_level, oov_token=oov_token
    )
    fit_twice_and_compare(ours, legacy, CORPORA[corpus])


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize("split", [" ", ",", "ab"])
@pytest.mark.parametrize(
    "filters", [DEFAULT_FILTERS, "", '!"#$%&()*+-./:;<=>?@[\\]^_`{|}~\t\n\x1c']
)
@pytest.mark.parametrize(
    "num_words, oov_token, lower", [(None, None, True), (5, "<OOV>", False)]
)
def test_matches_legacy_with_filters_and_split(
    num_words, oov_token, lower, filters, split, corpus
):
    ours, legacy = _both(
        num_words=num_words,
        oov_token=oov_token,
        lower=lower,
        filters=filters,
        split=split,
    )
    fit_twice_and_compare(ours, legacy, CORPORA[corpus])


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_matches_legacy_across_batches(corpus, monkeypatch):
    # Tiny batches: counts merge across batches, and the encoder switches to
    # its prebuilt lookup in the middle of a call.
    monkeypatch.setattr(_splitting, "BATCH_SIZE", 7)
    for num_words, oov_token in [(None, None), (4, None), (6, "<OOV>")]:
        ours, legacy = _both(num_words=num_words, oov_token=oov_token)
        fit_twice_and_compare(ours, legacy, CORPORA[corpus] * 3)


def test_matches_legacy_on_lee_corpus():
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        texts = f.read().splitlines()
    for kwargs in [{}, {"num_words": 1000, "oov_token": "<OOV>"}]:
        ours, legacy = _both(**kwargs)
        ours.fit_on_texts(texts)
        legacy.fit_on_texts(texts)
        assert_same_state(ours, legacy)
        assert ours.texts_to_sequences(texts) == legacy.texts_to_sequences(texts)
        assert_same_matrix(ours, legacy, "texts_to_matrix", texts[:50], "tfidf")


def test_word_index_ties_keep_first_seen_order():
    ours, legacy = _both()
    texts = ["b a", "c a b", "d", "e e"]
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    # Counts: b 2, a 2, c 1, d 1, e 2. Ties stay in first-seen order.
    assert list(ours.word_index.items()) == [
        ("b", 1),
        ("a", 2),
        ("e", 3),
        ("c", 4),
        ("d", 5),
    ]
    assert_same_state(ours, legacy)


def test_final_sigma_at_text_boundaries():
    # "Σ" lowercases to "ς" at the end of a word and "σ" elsewhere; texts are
    # lowercased as one joined string, which must not change that.
    texts = ["ΟΔΟΣ", "Σ", "ΑΣ", "ΣA", "xΣ", "Σ", "ΟΔΟΣ ΣΟΦΟΣ", "A"]
    ours, legacy = _both()
    fit_twice_and_compare(ours, legacy, texts)
    assert "οδος" in ours.word_index and "σ" in ours.word_index


def test_hand_computed_sequences_and_matrices():
    tokenizer = Tokenizer(num_words=4, oov_token="<OOV>")
    tokenizer.fit_on_texts(["the cat sat", "the cat", "the"])
    assert tokenizer.word_index == {"<OOV>": 1, "the": 2, "cat": 3, "sat": 4}
    assert tokenizer.texts_to_sequences(["The sat dog, cat!"]) == [[2, 1, 1, 3]]
    # 4 is past `num_words`, 0 and 9 are not in the index: all are OOV.
    assert tokenizer.sequences_to_texts([[2, 4, 3, 0, 9]]) == [
        "the <OOV> cat <OOV> <OOV>"
    ]
    np.testing.assert_array_equal(
        tokenizer.texts_to_matrix(["the the cat dog"], mode="count"), [[0, 1, 2, 1]]
    )
    np.testing.assert_array_equal(
        tokenizer.texts_to_matrix(["the the cat dog"], mode="freq"),
        [[0, 0.25, 0.5, 0.25]],
    )
    # tf-idf of "cat" (index 3): (1 + log 1) * log(1 + 3 / (1 + 2)).
    tfidf = tokenizer.texts_to_matrix(["cat"], mode="tfidf")
    np.testing.assert_allclose(tfidf, [[0, 0, 0, np.log(2)]], rtol=1e-15)


@pytest.mark.parametrize(
    "texts",
    [
        [["The", "Cat"], ["the", "DOG", "the"], []],  # already tokenized
        "Hello",  # a str is iterated one character per text
        ["plain text", ["mixed", "Types"], "!"],
        [np.str_("numpy String"), np.str_("strings")],
    ],
    ids=["token_lists", "single_str", "mixed", "numpy_str"],
)
@pytest.mark.parametrize("lower", [True, False])
def test_matches_legacy_on_other_text_types(texts, lower):
    ours, legacy = _both(lower=lower, oov_token="<OOV>")
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    assert_same_state(ours, legacy)
    assert_same_outputs(ours, legacy, texts)
    assert ours.texts_to_sequences("cat") == legacy.texts_to_sequences("cat")


@pytest.mark.parametrize(
    "analyzer",
    [lambda text: text.split("-"), lambda text: iter(text.upper().split())],
    ids=["list", "one_shot_iterator"],
)
def test_matches_legacy_with_analyzer(analyzer):
    # Keras 2 consumes a one-shot iterator while counting words, so its words
    # get no `word_docs` entry; that is reproduced.
    texts = CORPORA["unicode"]
    ours, legacy = _both(analyzer=analyzer, num_words=20)
    fit_twice_and_compare(ours, legacy, texts)


def test_fit_on_sequences_matches_legacy():
    ours, legacy = _both()
    texts = CORPORA["ascii"]
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    sequences = [[1, 2, 2, 3], [3, 4], [], [40, 41, 1]]
    ours.fit_on_sequences(sequences)
    legacy.fit_on_sequences(sequences)
    assert_same_state(ours, legacy)
    for mode in MODES:
        assert_same_matrix(ours, legacy, "sequences_to_matrix", sequences, mode)

    # On its own, even the order of `index_docs` is Keras 2's.
    ours, legacy = _both(num_words=50)
    ours.fit_on_sequences(sequences)
    legacy.fit_on_sequences(sequences)
    assert list(ours.index_docs.items()) == list(legacy.index_docs.items())
    assert ours.document_count == legacy.document_count == 4
    assert_same_matrix(ours, legacy, "sequences_to_matrix", sequences, "tfidf")


def _outcome(function, *args):
    """`function(*args)`, or the type of the exception it raises."""
    try:
        return function(*args)
    except Exception as e:  # the type is what is compared
        return type(e)


def test_unfitted_tokenizer_matches_legacy():
    # With `oov_token` but no index Keras 2 gives `None` for each word and a
    # `KeyError` when decoding; those quirks are kept.
    for kwargs in [{}, {"num_words": 3}, {"oov_token": "<OOV>"}]:
        ours, legacy = _both(**kwargs)
        texts = ["some words", ""]
        for method, data in [
            ("texts_to_sequences", texts),
            ("sequences_to_texts", [[1, 2], []]),
        ]:
            assert _outcome(getattr(ours, method), data) == (
                _outcome(getattr(legacy, method), data)
            )
        for mode in MODES:
            assert_same_matrix(ours, legacy, "texts_to_matrix", texts, mode)


def test_generators_match_lists():
    tokenizer = Tokenizer(num_words=5, oov_token="<OOV>")
    texts = CORPORA["unicode"]
    tokenizer.fit_on_texts(iter(texts))
    reference = Tokenizer(num_words=5, oov_token="<OOV>")
    reference.fit_on_texts(texts)
    assert_same_state(tokenizer, reference)
    generator = tokenizer.texts_to_sequences_generator(iter(texts))
    assert not isinstance(generator, list)
    sequences = list(generator)
    assert sequences == tokenizer.texts_to_sequences(texts)
    assert list(tokenizer.sequences_to_texts_generator(sequences)) == (
        tokenizer.sequences_to_texts(sequences)
    )


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"lower": False}, {"split": ","}, {"filters": ""}, {"split": "ab"}],
)
def test_text_to_word_sequence_matches_legacy(corpus, kwargs):
    for text in CORPORA[corpus]:
        assert text_to_word_sequence(text, keras2_split=True, **kwargs) == (
            legacy_text_to_word_sequence(text, **kwargs)
        )


# ----------------------------------------------------- texts just fitted
# `texts_to_sequences` on the very str objects of the last `fit_on_texts`
# reads their words off numbers kept by the fit instead of splitting them.


def _equal_copy(text):
    """A str equal to `text` that is another object where CPython allows it."""
    return text.encode("utf-8").decode("utf-8")


def _refuse_tokenizing(tokenizer, monkeypatch):
    """Make `tokenizer` raise if it splits a text again."""

    def refuse(texts):
        raise AssertionError("texts were tokenized again")

    monkeypatch.setattr(tokenizer, "_tokenize", refuse)


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 5},
        {"oov_token": "<OOV>"},
        {"num_words": 5, "oov_token": "<OOV>"},
        {"char_level": True, "num_words": 8},
        {"lower": False, "filters": "", "oov_token": "<OOV>"},
        {"split": ",", "num_words": 4},
    ],
)
def test_texts_just_fitted_match_legacy(kwargs, corpus):
    texts = CORPORA[corpus]
    ours, legacy = _both(**kwargs)
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    assert ours._fitted is not None
    copied = [_equal_copy(text) for text in texts]
    assert any(a is not b for a, b in zip(copied, texts))
    replaced = texts[:5] + ["The new CAT, the end!"] + texts[6:]
    for data in [
        texts,
        copied,
        replaced,
        texts[:10],
        texts[10:],
        texts + texts,
        [texts[3]] * 4,
    ]:
        assert ours.texts_to_sequences(data) == legacy.texts_to_sequences(data)
    assert list(ours.texts_to_sequences_generator(iter(texts))) == (
        legacy.texts_to_sequences(texts)
    )
    for mode in MODES:
        assert_same_matrix(ours, legacy, "texts_to_matrix", texts, mode)


def test_texts_just_fitted_are_not_tokenized_again(monkeypatch):
    # Tiny batches and parts: the numbers kept span many of each.
    monkeypatch.setattr(_splitting, "BATCH_SIZE", 7)
    monkeypatch.setattr(_splitting, "PART_CHARS", 40)
    texts = CORPORA["unicode"] * 3
    ours, legacy = _both(num_words=9, oov_token="<OOV>")
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    expected = legacy.texts_to_sequences(texts)
    _refuse_tokenizing(ours, monkeypatch)
    assert ours.texts_to_sequences(texts) == expected
    assert ours.texts_to_sequences(texts[:20]) == expected[:20]
    for mode in MODES:
        assert_same_matrix(ours, legacy, "texts_to_matrix", texts, mode)
    with pytest.raises(AssertionError, match="tokenized again"):
        ours.texts_to_sequences([_equal_copy(texts[1]) + " "])


@pytest.mark.parametrize(
    "setting, value",
    [
        ("lower", False),
        ("filters", ""),
        ("split", ","),
        ("char_level", True),
        ("analyzer", lambda text: text.split("a")),
    ],
)
def test_setting_changed_after_fit_matches_legacy(setting, value):
    texts = CORPORA["unicode"]
    ours, legacy = _both(oov_token="<OOV>")
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    for tokenizer in (ours, legacy):
        setattr(tokenizer, setting, value)
    assert ours.texts_to_sequences(texts) == legacy.texts_to_sequences(texts)
    for mode in MODES:
        assert_same_matrix(ours, legacy, "texts_to_matrix", texts, mode)


def test_index_edited_after_fit_matches_legacy():
    texts = CORPORA["ascii"]
    ours, legacy = _both(oov_token="<OOV>")
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)

    def edit_and_compare(edit):
        for tokenizer in (ours, legacy):
            edit(tokenizer)
        assert ours.texts_to_sequences(texts) == legacy.texts_to_sequences(texts)

    edit_and_compare(lambda t: setattr(t, "num_words", 4))
    edit_and_compare(lambda t: t.word_index.update({"cat": 2, "the": 40}))
    edit_and_compare(lambda t: t.word_index.pop("mat"))
    edit_and_compare(lambda t: setattr(t, "oov_token", None))
    edit_and_compare(lambda t: setattr(t, "num_words", None))
    # `oov_token` missing from the index: Keras 2 emits None for unknown words.
    edit_and_compare(lambda t: setattr(t, "oov_token", "<missing>"))


def test_two_fits_then_either_batch_matches_legacy():
    first, second = CORPORA["ascii"], CORPORA["unicode"]
    ours, legacy = _both(num_words=12, oov_token="<OOV>")
    for texts in (first, second):
        ours.fit_on_texts(texts)
        legacy.fit_on_texts(texts)
    for data in [first, second, first + second, second + first]:
        assert ours.texts_to_sequences(data) == legacy.texts_to_sequences(data)
    # Counting documents of sequences leaves the index, so the words, alone.
    sequences = [[1, 2], [3]]
    ours.fit_on_sequences(sequences)
    legacy.fit_on_sequences(sequences)
    assert ours.texts_to_sequences(second) == legacy.texts_to_sequences(second)
    assert_same_matrix(ours, legacy, "texts_to_matrix", second, "tfidf")


def test_only_plain_str_texts_are_kept(monkeypatch):
    tokenizer = Tokenizer()
    for texts in (
        [],
        [["already", "tokenized"], "a str"],
        [np.str_("numpy"), "str"],
    ):
        tokenizer.fit_on_texts(["some str"])
        assert tokenizer._fitted is not None
        tokenizer.fit_on_texts(texts)  # drops what the last call kept
        assert tokenizer._fitted is None
    tokenizer = Tokenizer(analyzer=str.split)
    tokenizer.fit_on_texts(["a b"])
    assert tokenizer._fitted is None
    # Past the limit nothing is kept, and the outputs are the same.
    monkeypatch.setattr(_cache, "FITTED_LIMIT", 30)
    texts = CORPORA["ascii"]
    ours, legacy = _both()
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    assert ours._fitted is None
    assert ours.texts_to_sequences(texts) == legacy.texts_to_sequences(texts)


def test_kept_words_are_neither_pickled_nor_copied():
    texts = CORPORA["unicode"]
    tokenizer = Tokenizer(num_words=7, oov_token="<OOV>")
    tokenizer.fit_on_texts(texts)
    expected = tokenizer.texts_to_sequences(texts)
    for clone in (
        pickle.loads(pickle.dumps(tokenizer)),
        copy.deepcopy(tokenizer),
        copy.copy(tokenizer),
    ):
        assert "_fitted" not in vars(clone) and clone._fitted is None
        assert clone.texts_to_sequences(texts) == expected
        assert_same_state(clone, tokenizer)
    assert tokenizer._fitted is not None


# ------------------------------------------------------------------ JSON


def _parsed(json_string):
    """A `to_json` string with its nested JSON decoded; ordered where it matters."""
    tokenizer_json = json.loads(json_string)
    config = tokenizer_json["config"]
    for key in ("word_counts", "word_index"):
        config[key] = list(json.loads(config[key]).items())
    for key in ("word_docs", "index_docs", "index_word"):
        config[key] = json.loads(config[key])
    return tokenizer_json


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"num_words": 5, "oov_token": "<OOV>", "lower": False}, {"char_level": True}],
)
def test_json_round_trip_both_ways(kwargs):
    ours, legacy = _both(**kwargs)
    texts = CORPORA["unicode"]
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    assert _parsed(ours.to_json()) == _parsed(legacy.to_json())
    assert ours.get_config().keys() == legacy.get_config().keys()

    ours_from_legacy = tokenizer_from_json(legacy.to_json())
    legacy_from_ours = legacy_tokenizer_from_json(ours.to_json())
    assert isinstance(ours_from_legacy, Tokenizer)
    assert_same_state(ours_from_legacy, legacy_from_ours)
    assert_same_outputs(ours_from_legacy, legacy_from_ours, texts)
    assert _parsed(ours_from_legacy.to_json()) == _parsed(ours.to_json())


def test_fit_after_json_round_trip_adds_up():
    texts = CORPORA["unicode"]
    restored = Tokenizer(oov_token="<OOV>")
    restored.fit_on_texts(texts[:20])
    restored = tokenizer_from_json(restored.to_json(indent=2))
    restored.fit_on_texts(texts[20:])
    ours, legacy = _both(oov_token="<OOV>")
    for tokenizer in (ours, legacy):
        tokenizer.fit_on_texts(texts[:20])
        tokenizer.fit_on_texts(texts[20:])
    assert_same_state(restored, legacy)
    assert_same_outputs(restored, legacy, texts)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"num_words": -3},
            "`num_words` must be a positive integer. Received: num_words=-3",
        ),
        ({"num_words": 0}, "Received: num_words=0"),
        ({"num_words": 2.5}, "Received: num_words=2.5"),
        ({"num_words": True}, "Received: num_words=True"),
        ({"num_words": "10"}, "Received: num_words='10'"),
        ({"filters": None}, "`filters` must be a string"),
        ({"lower": "yes"}, "`lower` must be True or False. Received: lower='yes'"),
        ({"char_level": 1}, "Received: char_level=1"),
        ({"split": ""}, "`split` must be a non-empty string"),
        ({"split": None}, "Received: split=None"),
        (
            {"oov_token": 1},
            "`oov_token` must be a string or None. Received: oov_token=1",
        ),
        ({"analyzer": "split"}, "Received: analyzer='split'"),
        ({"document_count": -1}, "Received: document_count=-1"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        Tokenizer(**kwargs)


def test_errors_are_value_errors_like_legacy():
    ours, legacy = _both()
    for tokenizer in (ours, legacy):
        with pytest.raises(ValueError, match="Specify a dimension"):
            tokenizer.texts_to_matrix(["a b"])
    with pytest.raises(InvalidInputError, match=re.escape("`num_words` argument")):
        ours.sequences_to_matrix([[1, 2]])
    with pytest.raises(InvalidInputError, match="tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1, 2]], mode="tfidf")

    ours.fit_on_texts(["a b"])
    with pytest.raises(
        InvalidInputError,
        match=re.escape("`mode` must be one of 'binary', 'count', 'tfidf', 'freq'. ")
        + re.escape("Received: mode='counts'"),
    ):
        ours.texts_to_matrix(["a b"], mode="counts")
    with pytest.raises(InvalidInputError, match=re.escape("holding -1")):
        ours.sequences_to_matrix([[1, -1]])
    with pytest.raises(InvalidInputError, match=re.escape("holding 1.5")):
        ours.sequences_to_matrix([[1, 1.5]])


def test_unknown_keyword_and_keras_1_alias():
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        Tokenizer(num_word=3)
    with pytest.warns(UserWarning, match="renamed `num_words`"):
        tokenizer = Tokenizer(nb_words=3)
    assert tokenizer.num_words == 3


# ----------------------------------------------------------- internals


def test_joined_texts_are_split_in_parts(monkeypatch):
    monkeypatch.setattr(_splitting, "PART_CHARS", 10)
    texts = ["abcd", "", "efghijklmnop", "q", "rs", "t" * 25, "u", "v"]
    parts = list(_splitting.parts("|".join(texts), "|"))
    assert [part.split("|") for part in parts] == [texts[:3], texts[3:6], texts[6:]]
    parts = list(Tokenizer()._tokenize(texts))
    assert [lengths.tolist() for _, lengths, _ in parts] == [
        [1, 0, 1],
        [1] * 3,
        [1] * 2,
    ]
    assert [token for tokens, _, _ in parts for token in tokens] == texts[:1] + texts[
        2:
    ]


def test_whitespace_table_is_what_str_split_splits_on():
    whitespace = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert sorted(_splitting.WHITESPACE) == sorted(whitespace)
    assert set(_splitting.ASCII_WHITESPACE) == {c for c in whitespace if c.isascii()}
    assert set(_splitting.SEPARATORS) <= set(whitespace)


def test_fast_path_is_taken_for_plain_texts():
    tokenizer = Tokenizer(keras2_split=True)
    texts = CORPORA["unicode"]
    joined = _splitting.join(texts, tokenizer.filters + tokenizer.split)
    assert joined is not None
    tokens, lengths, _ = _splitting.split_joined(*joined, tokenizer._settings())
    words = [text_to_word_sequence(text, keras2_split=True) for text in texts]
    assert tokens == list(itertools.chain.from_iterable(words))
    assert lengths.tolist() == list(map(len, words))
    # A text holding a separator: the next one is used, or none at all.
    joined = _splitting.join(["a\x1cb", "c d"], "")
    assert joined == ("a\x1cb\x1dc d", "\x1d")
    tokens, lengths, _ = _splitting.split_joined(*joined, tokenizer._settings())
    assert (tokens, lengths.tolist()) == (["a\x1cb", "c", "d"], [1, 2])
    assert _splitting.join(["\x1c\x1d\x1e\x1f", "c"], "") is None


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_state_is_restored(enabled):
    was_enabled = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        tokenizer = Tokenizer()
        tokenizer.fit_on_texts(CORPORA["ascii"])
        tokenizer.texts_to_sequences(CORPORA["ascii"])
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()


@pytest.mark.parametrize(
    "path",
    sorted(Path(tokenizer_module.__file__).parent.glob("*.py")),
    ids=lambda path: path.name,
)
def test_text_modules_import_no_deep_learning_framework(path):
    # Module-level imports only: `subwords` imports keras-hub inside its
    # functions, and the package's `pad_sequences` is Keras', loaded on use.
    imported = collections.Counter()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported[node.module.split(".")[0]] += 1
    assert not {"tensorflow", "keras", "keras_hub", "torch", "jax"} & set(imported)


@pytest.mark.parametrize("num_words", [None, 1, 3, 100])
def test_get_vocabulary_lists_the_ids_texts_to_sequences_emits(num_words):
    texts = ["the cat sat on the mat", "the dog sat", "a cat"]
    ours, legacy = Tokenizer(num_words=num_words), LegacyTokenizer(num_words=num_words)
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    vocabulary = ours.get_vocabulary()
    assert vocabulary[0] == ""
    assert vocabulary[1:] == [
        legacy.index_word[i] for i in sorted(legacy.index_word) if i < (num_words or 99)
    ]
    emitted = {i for seq in legacy.texts_to_sequences(texts) for i in seq}
    assert emitted <= set(range(1, len(vocabulary)))
