"""The `Tokenizer`'s default words can always be exported.

By default a text is split on any Unicode whitespace and control character
(not only on `split`, as Keras 2 does), so no word holds one: every word
passes `export.save_word2vec` and TensorBoard's `metadata.tsv` unchanged.
`keras2_split=True` keeps Keras 2's words; the oracle for it is Keras 2's
`Tokenizer` from the public `tf_keras` package. The oracle for the default
is `_reference_words`, a character-by-character loop written from the rule
in `_splitting`'s docstring.
"""

import itertools
import json
import pickle
import random
import unicodedata

import numpy as np
import pytest
from tf_keras.preprocessing.text import Tokenizer as LegacyTokenizer
from tf_keras.preprocessing.text import (
    text_to_word_sequence as legacy_text_to_word_sequence,
)

from keras_embeddings import export
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.text import _splitting
from keras_embeddings.text.tokenizer import (
    DEFAULT_FILTERS,
    Tokenizer,
    text_to_word_sequence,
    tokenizer_from_json,
)

# Every character `str.split()` splits on, and every control character.
GAPS = [
    chr(c)
    for c in range(0x110000)
    if chr(c).isspace() or unicodedata.category(chr(c)) == "Cc"
]
# Invisible characters removed from words: soft hyphen, zero width space,
# word joiner, byte order mark.
REMOVED = ["\u00ad", "\u200b", "\u2060", "\ufeff"]
# Those the issue met in real text, and three control characters.
SEEN = ["\xa0", "\u3000", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x1c"]
SEEN += ["\x00", "\x07", "\x1b"]


def _is_gap(c):
    return c.isspace() or unicodedata.category(c) == "Cc"


def _reference_words(text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """The default words of `text`, one character at a time."""
    if lower:
        text = text.lower()
    # Filter characters become `split`; removed ones go (but not `split`'s).
    text = "".join(
        split if c in filters else "" if c in REMOVED and c not in split else c
        for c in text
    )
    words = []
    for piece in text.split(split):
        word = ""
        for c in piece:
            if _is_gap(c):
                words.append(word)
                word = ""
            elif c not in REMOVED:
                word += c
        words.append(word)
    return [word for word in words if word]


def _assert_exportable(words, tmp_path):
    """`save_word2vec` and `write_projector` keep every word as it is."""
    assert words
    for word in words:
        assert word and not any(map(_is_gap, word)), repr(word)
    rng = np.random.default_rng(0)
    vectors = {word: rng.normal(size=3).astype("float32") for word in words}
    for binary in (False, True):
        path = export.save_word2vec(tmp_path / f"v{binary}.txt", vectors, binary)
        loaded = export.load_word2vec(path)
        assert list(loaded) == words
        np.testing.assert_allclose(np.stack(list(loaded.values())), [
            vectors[word] for word in words
        ])  # fmt: skip
    matrix = np.stack([np.zeros(3, "float32")] + list(vectors.values()))
    export.write_projector(tmp_path / "logs", matrix, [""] + words)
    metadata = tmp_path / "logs" / "embedding" / "metadata.tsv"
    with open(metadata, encoding="utf-8", newline="") as f:
        assert f.read().split("\n") == words + [""]


# --------------------------------------------------------------- default


@pytest.mark.parametrize("gap", SEEN, ids=[f"U+{ord(c):04X}" for c in SEEN])
def test_default_words_hold_no_gap_and_export(gap, tmp_path):
    texts = [f"Caf\u00e9{gap}au lait", f"{gap}the{gap}{gap}end, caf\u00e9{gap}"]
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(texts)
    words = list(tokenizer.word_index)
    assert sorted(words) == ["au", "café", "end", "lait", "the"]
    assert tokenizer.texts_to_sequences(texts) == [
        [tokenizer.word_index[word] for word in _reference_words(text)]
        for text in texts
    ]
    _assert_exportable(words, tmp_path)


def test_default_words_of_a_pipeline_export(tmp_path):
    # Whitespace and control characters of all kinds, as in real text.
    texts = [
        "".join(GAPS[i::7]).join(["Une", "caf\u00e9\u00a0au", "lait"]) for i in range(7)
    ]
    texts += ["\ufeffLa\u2028nuit\u00a0: \x1b[1mfin\x1b[0m", "co\u00adop\x00"]
    tokenizer = Tokenizer(num_words=50, oov_token="<unk>")
    tokenizer.fit_on_texts(texts)
    _assert_exportable(tokenizer.get_vocabulary()[1:], tmp_path)


@pytest.mark.parametrize("filters", [DEFAULT_FILTERS, ""])
@pytest.mark.parametrize("lower", [True, False])
def test_every_gap_character_separates_two_words(filters, lower):
    texts = [f"alpha{c}beta" for c in GAPS]
    for text in texts:
        assert text_to_word_sequence(text, filters=filters, lower=lower) == [
            "alpha",
            "beta",
        ]
    # One batch joined into one string, then every text alone.
    tokenizer = Tokenizer(filters=filters, lower=lower)
    tokenizer.fit_on_texts(texts)
    assert dict(tokenizer.word_counts) == {"alpha": len(GAPS), "beta": len(GAPS)}
    assert tokenizer.texts_to_sequences(texts) == [[1, 2]] * len(GAPS)
    assert [tokenizer.texts_to_sequences([t]) for t in texts] == [[[1, 2]]] * len(GAPS)
    # A text holding every separator: the batch is split text by text.
    texts.append("".join(_splitting.SEPARATORS))
    assert _splitting.join(texts, filters + " ") is None
    tokenizer = Tokenizer(filters=filters, lower=lower)
    tokenizer.fit_on_texts(texts)
    assert dict(tokenizer.word_counts) == {"alpha": len(GAPS), "beta": len(GAPS)}
    assert tokenizer.texts_to_sequences(texts) == [[1, 2]] * len(GAPS) + [[]]


def test_invisible_characters_are_removed():
    text = "co\u00adop z\u200bw w\u2060j \ufeffbom \ufeff"
    assert text_to_word_sequence(text) == ["coop", "zw", "wj", "bom"]
    # Joiners that shape letters and emoji are kept.
    family = "\U0001f468\u200d\U0001f469"
    assert text_to_word_sequence(f"{family} mi\u200cnu") == [family, "mi\u200cnu"]


def test_gap_table_covers_every_gap_character():
    assert sorted(_splitting.GAPS) == sorted(GAPS)
    assert sorted(_splitting.REMOVED) == sorted(REMOVED)
    assert all(unicodedata.category(c) == "Cf" for c in REMOVED)


# ----------------------------------------------- fast and slow paths agree

_WORDS = ["the", "Café", "NAÏVE", "日本語", "😀", "ab", "a", "b", "x_y", "İs"]
# All gaps but three of the four separators: texts hold "\x1c", so a batch
# is joined by "\x1d" and "\x1c" must still split words.
_FILLERS = [c for c in GAPS if c not in "\x1d\x1e\x1f"] + REMOVED
_FILLERS += ["\u200d", ",", "a\u3000", "ab", "!", "--", " a"]


def _random_texts(seed, n=60):
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        parts = [rng.choice(_WORDS + _FILLERS) for _ in range(rng.randint(0, 12))]
        texts.append("".join(parts))
    return texts


SPLITS = [" ", ",", "ab", " a", "a\u3000", "\u3000", "\u200b", "\x00"]


@pytest.mark.parametrize("split", SPLITS, ids=list(map(ascii, SPLITS)))
@pytest.mark.parametrize("filters", [DEFAULT_FILTERS, ""])
@pytest.mark.parametrize("lower", [True, False])
def test_fast_and_slow_paths_agree(split, filters, lower, monkeypatch):
    texts = _random_texts(len(split) + len(filters) + lower)
    expected = [_reference_words(t, filters, lower, split) for t in texts]
    assert [
        text_to_word_sequence(t, filters=filters, lower=lower, split=split)
        for t in texts
    ] == expected
    settings = Tokenizer(filters=filters, lower=lower, split=split)._settings()

    def split_texts(texts):
        parts = list(_splitting.split_texts(texts, settings))
        tokens = list(itertools.chain.from_iterable(p[0] for p in parts))
        lengths = np.concatenate([p[1] for p in parts]).tolist()
        return tokens, lengths

    flat = list(itertools.chain.from_iterable(expected))
    lengths = list(map(len, expected))
    assert _splitting.join(texts, filters + split)[1] == "\x1d"  # joined
    assert split_texts(texts) == (flat, lengths)
    slow = texts + ["".join(_splitting.SEPARATORS)]  # split one by one
    assert _splitting.join(slow, filters + split) is None
    assert split_texts(slow) == (flat, lengths + [0])
    assert split_texts(texts[:1]) == (expected[0], lengths[:1])
    monkeypatch.setattr(_splitting, "PART_CHARS", 16)  # many parts
    assert len(list(_splitting.split_texts(texts, settings))) > 5
    assert split_texts(texts) == (flat, lengths)


def test_fitted_texts_and_batches_agree(monkeypatch):
    texts = _random_texts(7, n=200)
    tokenizer = Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts)  # from the fit's numbers
    assert sequences == [tokenizer.texts_to_sequences([t])[0] for t in texts]
    monkeypatch.setattr(_splitting, "BATCH_SIZE", 7)
    small = Tokenizer(oov_token="<unk>")
    small.fit_on_texts(texts)
    assert small.word_index == tokenizer.word_index
    assert small.texts_to_sequences(list(texts)) == sequences


# ------------------------------------------------------------ Keras 2 mode


@pytest.mark.parametrize(
    "kwargs", [{}, {"filters": ""}, {"split": ","}, {"lower": False}]
)
def test_keras2_split_matches_legacy_on_odd_whitespace(kwargs):
    texts = [f"caf\u00e9{c}au lait{c} {c}" for c in SEEN]
    texts += _random_texts(3)
    ours = Tokenizer(keras2_split=True, oov_token="<unk>", **kwargs)
    legacy = LegacyTokenizer(oov_token="<unk>", **kwargs)
    ours.fit_on_texts(texts)
    legacy.fit_on_texts(texts)
    assert any("\xa0" in word for word in ours.word_index)  # Keras 2's words
    assert list(ours.word_index.items()) == list(legacy.word_index.items())
    assert list(ours.word_counts.items()) == list(legacy.word_counts.items())
    assert dict(ours.word_docs) == dict(legacy.word_docs)
    assert ours.texts_to_sequences(texts) == legacy.texts_to_sequences(texts)
    config, legacy_config = ours.get_config(), legacy.get_config()
    for key in ("word_docs", "index_docs"):  # Keras 2's follow `set` order
        assert json.loads(config.pop(key)) == json.loads(legacy_config.pop(key))
    assert config == legacy_config
    for text in texts:
        assert text_to_word_sequence(text, keras2_split=True, **kwargs) == (
            legacy_text_to_word_sequence(text, **kwargs)
        )


def test_default_differs_from_keras2_only_where_words_hold_gaps():
    texts = ["The cat, the HAT!", "caf\u00e9\u00a0au lait"]
    ours, legacy = Tokenizer(), LegacyTokenizer()
    ours.fit_on_texts(texts[:1])
    legacy.fit_on_texts(texts[:1])
    assert ours.word_index == legacy.word_index
    assert text_to_word_sequence(texts[1]) == ["café", "au", "lait"]
    assert legacy_text_to_word_sequence(texts[1]) == ["café\xa0au", "lait"]


# ------------------------------------------------------------ saved configs


def test_config_round_trips_the_splitting():
    text = "caf\u00e9\u00a0au lait"
    for keras2_split in (False, True):
        tokenizer = Tokenizer(keras2_split=keras2_split)
        tokenizer.fit_on_texts([text])
        config = tokenizer.get_config()
        assert ("keras2_split" in config) is not keras2_split
        for restored in (
            tokenizer_from_json(tokenizer.to_json()),
            pickle.loads(pickle.dumps(tokenizer)),
        ):
            assert restored.keras2_split is keras2_split
            assert restored.texts_to_sequences([text]) == (
                tokenizer.texts_to_sequences([text])
            )
    # A Keras 2-mode config is Keras 2's, key for key.
    legacy = LegacyTokenizer()
    assert Tokenizer(keras2_split=True).get_config().keys() == (
        legacy.get_config().keys()
    )


def test_config_without_the_setting_splits_as_keras2():
    text = "caf\u00e9\u00a0au lait"
    legacy = LegacyTokenizer()
    legacy.fit_on_texts([text])
    # Keras 2's JSON, and ours as written before the setting existed.
    old = Tokenizer(keras2_split=True)
    old.fit_on_texts([text])
    for json_string in (legacy.to_json(), old.to_json()):
        assert "keras2_split" not in json_string
        restored = tokenizer_from_json(json_string)
        assert restored.keras2_split is True
        assert restored.word_index == {"caf\u00e9\xa0au": 1, "lait": 2}
        assert restored.texts_to_sequences([text, "lait au"]) == [[1, 2], [2]]
    # Pickled before the setting existed: no `keras2_split` in its state.
    tokenizer = Tokenizer()
    state = tokenizer.__getstate__()
    del state["keras2_split"]
    unpickled = Tokenizer.__new__(Tokenizer)
    unpickled.__dict__.update(state)
    assert unpickled.keras2_split is True


def test_keras2_refuses_a_default_config_rather_than_split_otherwise():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["a b"])
    with pytest.raises(TypeError, match="keras2_split"):
        from tf_keras.preprocessing.text import tokenizer_from_json as legacy_load

        legacy_load(tokenizer.to_json())


def test_changing_the_setting_after_fit_splits_again():
    texts = ["caf\u00e9\u00a0au lait"]
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(texts)
    assert tokenizer.texts_to_sequences(texts) == [[1, 2, 3]]
    tokenizer.keras2_split = True  # "café\xa0au" is not a known word
    assert tokenizer.texts_to_sequences(texts) == [[3]]


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_keras2_split_must_be_a_bool(value):
    with pytest.raises(InvalidInputError, match="`keras2_split` must be"):
        Tokenizer(keras2_split=value)
    with pytest.raises(InvalidInputError, match="`keras2_split` must be"):
        text_to_word_sequence("a b", keras2_split=value)
