import importlib
import random
import re

import numpy as np
import pytest
from gensim.test.utils import datapath

from keras_embeddings import text
from keras_embeddings.datasets import data_path
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text.cleaning import _ABBREVIATIONS, _has_emoji

# ---------------------------------------------------------------- tokenize


def test_tokenize_notebook_examples():
    # The CBOW notebook's printed outputs (§2.1), emoji restored.
    assert text.tokenize('Who ❤️ "word embeddings" in 2020? I do!!!') == [
        "who",
        "❤️",
        "word",
        "embeddings",
        "in",
        ".",
        "i",
        "do",
        ".",
    ]
    assert text.tokenize("I am happy because I am learning") == [
        "i",
        "am",
        "happy",
        "because",
        "i",
        "am",
        "learning",
    ]
    assert text.tokenize("Now it's your turn: try with your own sentence!") == [
        "now",
        "it",
        "your",
        "turn",
        "try",
        "with",
        "your",
        "own",
        "sentence",
        ".",
    ]


def test_tokenize_treebank_details():
    assert text.tokenize("I can't, won't; don't!") == [
        "i",
        "ca",
        ".",
        "wo",
        ".",
        "do",
        ".",
    ]
    assert text.tokenize("cannot gonna") == ["can", "not", "gon", "na"]
    # A hyphen becomes a period inside the word: one non-alphabetic token.
    assert text.tokenize("a well-known fact") == ["a", "fact"]
    assert text.tokenize("Mr. Smith met Dr. Who.") == ["smith", "met", "who", "."]
    assert text.tokenize("") == []
    assert text.tokenize("!!! ,,, ???") == [".", ".", "."]


def test_tokenize_rejects_non_text():
    with pytest.raises(InvalidInputError, match="`text` must be a str"):
        text.tokenize(["a", "list"])


def _nltk_oracle():
    # NLTK's word_tokenize = Punkt sentences + the Treebank word rules. The
    # English Punkt model is a download, so the oracle is an untrained Punkt
    # told the same abbreviations; everything else is NLTK's own code.
    punkt = pytest.importorskip("nltk.tokenize.punkt")
    from nltk.tokenize import NLTKWordTokenizer

    params = punkt.PunktParameters()
    params.abbrev_types = set(_ABBREVIATIONS)
    sentences = punkt.PunktSentenceTokenizer(params)
    words = NLTKWordTokenizer()

    def oracle(corpus):  # the notebook's tokenize(), verbatim but for NLTK's data
        data = re.sub(r"[,!?;-]+", ".", corpus)
        data = [t for s in sentences.tokenize(data) for t in words.tokenize(s)]
        return [t.lower() for t in data if t.isalpha() or t == "." or _has_emoji(t)]

    return oracle


def test_tokenize_matches_nltk_on_real_news():
    oracle = _nltk_oracle()
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    different = [line for line in lines if text.tokenize(line) != oracle(line)]
    # Known: "program...," (an ellipsis glued to a period) splits differently.
    assert len(different) <= 1, different[:3]


def test_tokenize_matches_nltk_on_generated_text():
    oracle = _nltk_oracle()
    rng = random.Random(0)
    pieces = [
        "word", "Café", "naïve", "日本語", "it's", "don't", "can't", "❤️", "🙂",
        "2020", "3.5", ",", "!", "?", ";", "-", "...", ".", ":", '"', "(", ")",
        "e-mail", "U.S.", "Mr.", "o'clock", "dogs'", "$5", "#tag", "@you", "A",
        "the", "Who", "and", "\t", "\n",
    ]  # fmt: skip
    for _ in range(400):
        sample = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        assert text.tokenize(sample) == oracle(sample), sample


# ----------------------------------------------------- sequences and windows


def test_ngram_sequences_are_the_lecture_prefixes():
    assert text.ngram_sequences([[1, 2, 3, 4], [5], [6, 7]]) == [
        [1, 2],
        [1, 2, 3],
        [1, 2, 3, 4],
        [6, 7],
    ]
    assert text.ngram_sequences([[1, 2, 3]], min_length=1) == [[1], [1, 2], [1, 2, 3]]
    for bad in (0, 1.5, True):
        with pytest.raises(
            InvalidInputError,
            match=re.escape(
                f"`min_length` must be a positive integer. Received: min_length={bad}"
            ),
        ):
            text.ngram_sequences([[1, 2]], min_length=bad)


def test_pad_sequences_is_keras():
    import keras

    assert text.pad_sequences is keras.utils.pad_sequences
    padded = text.pad_sequences([[1, 2], [1, 2, 3]], padding="post")
    np.testing.assert_array_equal(padded, [[1, 2, 0], [1, 2, 3]])


def test_context_windows_notebook_output():
    words = text.tokenize("I am happy because I am learning")
    assert list(text.context_windows(words, 2)) == [
        (["i", "am", "because", "i"], "happy"),
        (["am", "happy", "i", "am"], "because"),
        (["happy", "because", "am", "learning"], "i"),
    ]
    own = text.tokenize("Now it's your turn: try with your own sentence!")
    printed = [
        f"{x}\t{y}" for x, y in text.context_windows(own, 1)
    ]  # the notebook's cell [12]
    assert printed == [
        "['now', 'your']\tit",
        "['it', 'turn']\tyour",
        "['your', 'try']\tturn",
        "['turn', 'with']\ttry",
        "['try', 'your']\twith",
        "['with', 'own']\tyour",
        "['your', 'sentence']\town",
        "['own', '.']\tsentence",
    ]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_context_windows_rejects_bad_window(bad):
    with pytest.raises(InvalidInputError, match="window_size"):
        list(text.context_windows(["a", "b", "c"], bad))


# ----------------------------------------------------------------- corpus


def test_read_corpus_file_folder_glob(tmp_path):
    (tmp_path / "b.txt").write_text("second file\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(
        "I love machine learning\n\n  \nAI\n", encoding="utf-8"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("nested café\n", encoding="utf-8")
    (tmp_path / ".hidden").write_text("never read\n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01binary")

    assert list(text.read_corpus(tmp_path / "a.txt")) == [
        "I love machine learning",
        "AI",
    ]
    assert list(text.read_corpus(tmp_path)) == [
        "I love machine learning",
        "AI",
        "second file",
        "nested café",
    ]
    assert list(text.read_corpus(str(tmp_path / "*.txt"))) == [
        "I love machine learning",
        "AI",
        "second file",
    ]
    assert list(text.read_corpus(str(tmp_path / "**" / "c.txt"))) == ["nested café"]


def test_read_corpus_bad_inputs(tmp_path):
    with pytest.raises(MissingInputError, match="does not exist"):
        text.read_corpus(tmp_path / "nope.txt")
    with pytest.raises(MissingInputError, match="matches no files"):
        text.read_corpus(str(tmp_path / "*.txt"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(MissingInputError, match="contains no text files"):
        text.read_corpus(tmp_path / "empty")
    with pytest.raises(InvalidInputError, match="looks binary"):
        text.read_corpus(data_path("fixtures", "corpus_binary.bin"))
    latin = data_path("fixtures", "corpus_latin1.txt")
    with pytest.raises(InvalidInputError, match="not valid utf-8.*encoding"):
        list(text.read_corpus(latin))
    assert list(text.read_corpus(latin, encoding="latin-1")) == ["le café est très bon"]
    with pytest.raises(InvalidInputError, match="encoding"):
        text.read_corpus(latin, encoding="no-such-codec")


# ------------------------------------------------------- public import paths

_PUBLIC_MODULES = {
    "cleaning": ["tokenize"],
    "corpus": ["corpus_files", "read_corpus"],
    "encoding": ["OneHotVsEmbedding", "one_hot", "one_hot_vs_embedding"],
    "sequences": ["context_windows", "ngram_sequences"],
    "skipgrams": ["make_sampling_table", "skipgrams"],
    "tokenizer": [
        "DEFAULT_FILTERS",
        "MODES",
        "Tokenizer",
        "text_to_word_sequence",
        "tokenizer_from_json",
    ],
}


@pytest.mark.parametrize("module", sorted(_PUBLIC_MODULES))
def test_public_modules_list_their_names(module):
    imported = importlib.import_module(f"keras_embeddings.text.{module}")
    assert sorted(imported.__all__) == _PUBLIC_MODULES[module]
    for name in imported.__all__:
        assert getattr(imported, name) is not None


def test_package_names_are_the_modules_objects():
    from keras_embeddings.text import tokenizer

    for name in text.__all__:
        assert getattr(text, name) is not None
    for name in ("Tokenizer", "text_to_word_sequence", "tokenizer_from_json"):
        assert getattr(text, name) is getattr(tokenizer, name)
    # The documented paths of the lectures' Tokenizer.
    from keras_embeddings.text.tokenizer import Tokenizer, tokenizer_from_json

    assert tokenizer_from_json(Tokenizer().to_json()).word_index == {}
