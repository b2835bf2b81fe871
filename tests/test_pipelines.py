"""`pipelines.train_next_token` and `pipelines.train_word2vec`, called from Python.

Oracles: what each recipe returns must be what it wrote (`vectors.txt` read
back by gensim, `history.json`, `model.keras` loaded by Keras, the projector's
TSV files) and what it printed; the words and counts are recounted with
Keras 2's `text_to_word_sequence` (public `tf-keras`).
"""

import collections
import inspect
import json

import keras
import numpy as np
import pytest
from gensim.models import KeyedVectors
from tf_keras.preprocessing.text import text_to_word_sequence

from keras_embeddings import datasets, pipelines
from keras_embeddings.errors import InvalidInputError, MissingInputError

DIM = 8


@pytest.fixture(scope="module")
def documents():
    return datasets.load_builtin_corpus()[:20]


@pytest.fixture(scope="module")
def next_token_run(documents, tmp_path_factory):
    """(result, printed lines, corpus path) of one tiny next-token job."""
    root = tmp_path_factory.mktemp("next_token")
    corpus = root / "news.txt"
    corpus.write_text("\n".join(documents), encoding="utf-8")
    printed = []
    result = pipelines.train_next_token(
        corpus=corpus, out=root / "out", epochs=1, embedding_dim=DIM,
        hidden_dim=DIM, verbose=0, print_fn=printed.append,
    )  # fmt: skip
    return result, printed


@pytest.fixture(scope="module")
def word2vec_run(documents, tmp_path_factory):
    """(result, printed lines) of one tiny skip-gram job on a list of documents."""
    printed = []
    result = pipelines.train_word2vec(
        documents, out=tmp_path_factory.mktemp("word2vec") / "out", epochs=2,
        min_count=3, embedding_dim=DIM, verbose=0, print_fn=printed.append,
    )  # fmt: skip
    return result, printed


def _counts(documents):
    counts = collections.Counter()
    for doc in documents:
        counts.update(text_to_word_sequence(doc))
    return counts


def _check_written(result):
    """Every returned output equals the file it was written to."""
    vectors = KeyedVectors.load_word2vec_format(result.paths["vectors"])
    assert list(vectors.index_to_key) == list(result.word_vectors)
    for word, vector in result.word_vectors.items():
        np.testing.assert_allclose(vectors[word], vector, rtol=1e-5, atol=1e-7)
    with open(result.paths["history"]) as f:
        written = json.load(f)
    history = result.history.history
    assert written == {k: [float(v) for v in vs] for k, vs in history.items()}
    model = keras.saving.load_model(result.paths["model"], safe_mode=True)
    assert type(model) is type(result.model)
    np.testing.assert_allclose(
        model.get_embeddings(), result.model.get_embeddings(), rtol=1e-6
    )
    for name in ("history_plot", "embedding_plot", "similarity_plot"):
        with open(result.paths[name], "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def _check_printed(result, printed):
    lines = "\n".join(printed).splitlines()
    start = lines.index("Nearest neighbours (cosine similarity):") + 1
    shown = {}
    for line in lines[start : start + len(result.neighbours)]:
        word, pairs = line.strip().split(": ")
        shown[word] = [tuple(pair.split(" ")) for pair in pairs.split(", ")]
    expected = {
        word: [(w, f"{s:.2f}") for w, s in pairs]
        for word, pairs in result.neighbours.items()
    }
    assert shown == expected and len(shown) == 5


def test_next_token_returns_what_it_wrote_and_printed(next_token_run, documents):
    result, printed = next_token_run
    _check_written(result)
    _check_printed(result, printed)
    assert set(result.history.history) >= {"loss", "val_loss", "accuracy"}
    # Every word of the corpus but `<unk>` (min_count=1, no cap reached).
    counts = _counts(documents)
    assert set(result.word_vectors) == set(counts)
    assert result.vocabulary[:2] == ["", "<unk>"]
    assert result.vocabulary == result.model.get_vocabulary()
    assert result.num_documents == 20 and result.num_words == sum(counts.values())
    assert f'Generated (greedy) from "the government": {result.generated}' in printed
    assert result.generated.split()[:2] == ["the", "government"]
    assert printed[0].startswith(f"Corpus: {result.corpus}: 20 documents")


def test_word2vec_returns_what_it_wrote_and_printed(word2vec_run, documents):
    result, printed = word2vec_run
    _check_written(result)
    _check_printed(result, printed)
    counts = _counts(documents)
    kept = {word for word, count in counts.items() if count >= 3}
    assert set(result.word_vectors) == kept and result.generated is None
    assert result.corpus == "the 20 documents given"
    assert result.num_words == sum(counts[w] for w in kept)
    assert len(result.history.history["loss"]) == 2
    # The projector shows the same vectors, word for word.
    folder = result.paths["tensorboard"]
    words = open(f"{folder}/embedding/metadata.tsv").read().splitlines()
    tensor = np.loadtxt(f"{folder}/embedding/tensor.tsv", ndmin=2)
    assert words == list(result.word_vectors)
    np.testing.assert_allclose(
        tensor, np.stack(list(result.word_vectors.values())), rtol=1e-6
    )
    assert any("words/s" in line for line in printed)


def test_print_fn_none_prints_nothing(tmp_path, capsys):
    result = pipelines.train_word2vec(
        ["a b c d e f g h"] * 5, out=tmp_path / "out", model="cbow", epochs=1,
        min_count=1, embedding_dim=2, batch_size=8, verbose=0, print_fn=None,
    )  # fmt: skip
    assert capsys.readouterr().out == ""
    assert list(result.word_vectors) == list("abcdefgh")
    assert type(result.model).__name__ == "CBOWNegativeSampling"


@pytest.mark.parametrize(
    "recipe, kwargs, match",
    [
        ("train_next_token", {"epochs": 0}, "`epochs` must be a positive integer"),
        ("train_next_token", {"hidden_dim": 1.5}, "`hidden_dim`"),
        ("train_next_token", {"dropout": 1.0}, r"`dropout` must be a number in \[0, 1\)"),
        ("train_next_token", {"validation_split": -0.1}, "`validation_split`"),
        ("train_next_token", {"prompt": 3}, "`prompt` must be a str"),
        ("train_next_token", {"min_count": 10**6}, "Lower `min_count`"),
        ("train_word2vec", {"model": "glove"}, "`model` must be one of"),
        ("train_word2vec", {"sample": -1}, "`sample`"),
        ("train_word2vec", {"learning_rate": 0}, "`learning_rate`"),
        ("train_word2vec", {"seed": -1}, "`seed` must be an integer >= 0"),
        ("train_word2vec", {"corpus": [1, 2]}, "must hold str documents"),
        ("train_word2vec", {"corpus": ["one", "two"], "min_count": 1},
         "nothing to train on"),
    ],
)  # fmt: skip
def test_bad_arguments_fail_before_writing(recipe, kwargs, match, tmp_path, documents):
    kwargs = {"corpus": documents[:5], **kwargs}
    out = tmp_path / "out"
    with pytest.raises(InvalidInputError, match=match):
        getattr(pipelines, recipe)(out=out, verbose=0, print_fn=None, **kwargs)
    assert not out.exists()


def test_missing_corpus(tmp_path):
    with pytest.raises(MissingInputError, match="missing.txt"):
        pipelines.train_next_token(
            corpus=tmp_path / "missing.txt", out=tmp_path / "out", print_fn=None
        )
    assert not (tmp_path / "out").exists()


def test_word2vec_defaults_are_the_datasets():
    """One place for word2vec's defaults: `datasets.WORD2VEC_DEFAULTS`."""
    recipe = inspect.signature(pipelines.train_word2vec).parameters
    dataset = inspect.signature(datasets.word2vec_dataset).parameters
    for name in ("window_size", "negatives", "sample"):
        value = datasets.WORD2VEC_DEFAULTS[name]
        assert recipe[name].default == dataset[name].default == value
    assert dataset["ns_exponent"].default == datasets.WORD2VEC_DEFAULTS["ns_exponent"]
    assert recipe["batch_size"].default is dataset["batch_size"].default is None
    assert dict(datasets.WORD2VEC_DEFAULTS["batch_size"]) == {
        "skipgram": 4096,
        "cbow": 1024,
    }
    with pytest.raises(TypeError):  # read-only
        datasets.WORD2VEC_DEFAULTS["window_size"] = 2
