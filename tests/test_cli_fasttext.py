"""`keras-embeddings train --model fasttext` and `similar --model` for unseen words."""

import pytest

from keras_embeddings.cli import main
from keras_embeddings.export import load_word2vec
from keras_embeddings.models import load_model
from keras_embeddings.pipelines._run_folder import read_manifest

TEXT = (
    "the player played and the players play while the painter painted the "
    "paintings and the painters paint\n"
) * 30
FAST = [
    "--model", "fasttext", "--epochs", "2", "--embedding-dim", "8", "--min-count",
    "2", "--batch-size", "64", "--bucket", "4096", "--verbose", "0",
]  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("fasttext")
    corpus = root / "corpus.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    out = root / "out"
    assert main(["train", "--corpus", str(corpus), "--out", str(out), *FAST]) == 0
    return out


def test_train_writes_a_fasttext_model_with_its_settings(run):
    model = load_model(run / "model.keras")
    assert type(model).__name__ == "FastText"
    assert (model.bucket, model.min_n, model.max_n) == (4096, 3, 6)
    settings = read_manifest(run)["settings"]
    assert settings["model"] == "fasttext" and settings["bucket"] == 4096
    vectors = load_word2vec(run / "vectors.txt")
    assert "painters" in vectors and len(vectors["painters"]) == 8


def test_similar_answers_for_a_word_the_model_never_saw(run, capsys):
    word = "paintr"  # not in the corpus
    assert word not in load_word2vec(run / "vectors.txt")
    argv = ["similar", word, "--model", str(run / "model.keras"), "--topn", "3"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()[1:]  # after the backend line
    assert len(lines) == 3 and all(len(line.split("\t")) == 2 for line in lines)
    # The same words and scores as the model's own vectors give by hand.
    model = load_model(run / "model.keras")
    from keras_embeddings.analysis import most_similar
    from keras_embeddings.export import to_word_vectors

    expected = most_similar(
        {word: model.get_vector(word), **to_word_vectors(model)}, word, topn=3
    )
    assert [line.split("\t")[0] for line in lines] == [w for w, _ in expected]
    # A vectors file knows only its words.
    argv = ["similar", word, "--vectors", str(run / "vectors.txt")]
    assert main(argv) == 2
    assert word in capsys.readouterr().err


def test_fasttext_flags_belong_to_fasttext(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    argv = ["train", "--model", "skipgram", "--corpus", str(corpus), "--bucket", "9"]
    assert main(argv) == 2
    assert "--bucket applies to --model fasttext only" in capsys.readouterr().err
    argv = ["train", "--corpus", str(corpus), "--out", str(tmp_path / "o"), *FAST,
            "--min-n", "4", "--max-n", "3"]  # fmt: skip
    assert main(argv) == 2
    assert "--max-n must be" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
