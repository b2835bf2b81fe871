import json
import os
import subprocess
import sys

import keras
import pytest
from gensim.models import KeyedVectors

from keras_embeddings import datasets
from keras_embeddings.cli import main

# DESIGN.md's run folder: what `keras-embeddings train` writes into --out.
RUN_FILES = [
    "model.keras",
    "vectors.txt",
    "history.json",
    "plots/history.png",
    "plots/embedding_pca.png",
    "plots/similarity.png",
    "tensorboard/projector_config.pbtxt",
    "tensorboard/embedding/metadata.tsv",
]
FAST = ["--epochs", "1", "--embedding-dim", "8", "--hidden-dim", "8", "--verbose", "0"]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One real (tiny) main job on 40 news articles."""
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "news.txt"
    corpus.write_text("\n".join(datasets.load_builtin_corpus()[:40]), encoding="utf-8")
    out = root / "out"
    code = main(["train", "--corpus", str(corpus), "--out", str(out), *FAST])
    assert code == 0
    return out


@pytest.mark.slow
def test_train_writes_the_design_outputs(trained_run, capsys):
    out = trained_run
    for name in RUN_FILES:
        assert (out / name).is_file(), name
    history = json.loads((out / "history.json").read_text())
    assert set(history) >= {"loss", "val_loss", "accuracy", "perplexity"}
    vectors = KeyedVectors.load_word2vec_format(str(out / "vectors.txt"))
    assert "government" in vectors.key_to_index and vectors.vector_size == 8
    assert "<unk>" not in vectors.key_to_index
    assert not [p for p in os.listdir(out) if ".tmp" in p]  # no leftovers


def test_train_prints_the_backend_first_and_leaves_keras_backend_alone(tmp_path):
    """In a fresh process, as a user runs it, on the backend the suite runs on."""
    backend = keras.backend.backend()
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run(
        [sys.executable, "-m", "keras_embeddings", "train", "--corpus",
         str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out")],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    first = result.stdout.splitlines()[0]
    assert f"backend {backend} " in first and keras.__version__ in first
    assert result.returncode == 2 and "missing.txt" in result.stderr


def test_main_keeps_the_environment(tmp_path, capsys):
    before = os.environ.get("KERAS_BACKEND")
    assert main(["train", "--corpus", str(tmp_path / "missing.txt")]) == 2
    assert os.environ.get("KERAS_BACKEND") == before
    assert capsys.readouterr().out.startswith("Keras ")


@pytest.mark.slow
def test_similar_and_generate_commands(trained_run, capsys):
    code = main(
        ["similar", "government", "--vectors", str(trained_run / "vectors.txt")]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0 and len(lines) == 10
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert "government" not in [line.split("\t")[0] for line in lines]
    code = main(
        ["generate", "the government", "--model", str(trained_run / "model.keras"),
         "--num-words", "5", "--sampler", "greedy"]
    )  # fmt: skip
    backend, continuation = capsys.readouterr().out.splitlines()
    assert f"backend {keras.backend.backend()} " in backend
    printed = continuation.split()
    assert code == 0 and printed[:2] == ["the", "government"] and len(printed) == 7


@pytest.mark.slow
@pytest.mark.parametrize("temperature", ["0", "-1", "nan", "inf"])
def test_generate_refuses_a_bad_temperature(trained_run, capsys, temperature):
    argv = ["generate", "the government", "--model", str(trained_run / "model.keras"),
            "--sampler", "random", "--temperature", temperature]  # fmt: skip
    _fails_cleanly(argv, capsys, "temperature")


@pytest.mark.slow
def test_generate_refuses_too_many_words(trained_run, capsys):
    # Before: --num-words 100000000 ran for hours.
    argv = ["generate", "the government", "--model", str(trained_run / "model.keras"),
            "--num-words", "100000000"]  # fmt: skip
    _fails_cleanly(argv, capsys, "--num-words must be at most 1000")
    from keras_embeddings.models._generation import MAX_NUM_WORDS

    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    assert f"at most {MAX_NUM_WORDS} " in capsys.readouterr().out


def _fails_cleanly(argv, capsys, message):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return err


def test_bad_corpus_inputs(tmp_path, capsys):
    out = tmp_path / "out"
    empty = datasets.data_path("fixtures", "corpus_blank.txt")
    _fails_cleanly(["train", "--corpus", str(empty), "--out", str(out)], capsys,
                   "has no words")  # fmt: skip
    _fails_cleanly(
        ["train", "--corpus", str(tmp_path / "*.nothing"), "--out", str(out)],
        capsys,
        "matches no files",
    )
    (tmp_path / "nodocs").mkdir()
    _fails_cleanly(
        ["train", "--corpus", str(tmp_path / "nodocs"), "--out", str(out)],
        capsys,
        "contains no text files",
    )
    binary = datasets.data_path("fixtures", "corpus_binary.bin")
    _fails_cleanly(["train", "--corpus", str(binary), "--out", str(out)], capsys,
                   "looks binary")  # fmt: skip
    latin = datasets.data_path("fixtures", "corpus_latin1.txt")
    _fails_cleanly(["train", "--corpus", str(latin), "--out", str(out)], capsys,
                   "not valid utf-8")  # fmt: skip
    assert not out.exists()  # nothing written for a bad corpus


def test_unwritable_output_folder(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c d e f\n" * 5, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = _fails_cleanly(
        ["train", "--corpus", str(corpus), "--out", str(blocker / "sub")],
        capsys,
        "Cannot create output folder",
    )
    assert "Choose a folder you can write to as --out." in err


def test_bad_query_inputs(tmp_path, capsys):
    vectors = tmp_path / "v.txt"
    vectors.write_text("2 2\nking 1 0\nqueen 0.9 0.1\n", encoding="utf-8")
    _fails_cleanly(["similar", "kin", "--vectors", str(vectors)], capsys,
                   "Did you mean: king")  # fmt: skip
    _fails_cleanly(["similar", "king", "--vectors", str(tmp_path / "no.txt")], capsys,
                   "no.txt")  # fmt: skip
    corrupt = datasets.data_path("fixtures", "model_corrupt.keras")
    _fails_cleanly(["generate", "hi", "--model", str(corrupt)], capsys, "corrupt")


def test_unknown_model_name_and_help_via_subprocess():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    bad = subprocess.run(
        [sys.executable, "-m", "keras_embeddings", "train", "--model", "bert"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "invalid choice: 'bert'" in bad.stderr and "Traceback" not in bad.stderr
    for command in ["train", "similar", "generate"]:
        ok = subprocess.run(
            [sys.executable, "-m", "keras_embeddings", command, "--help"],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert ok.returncode == 0 and "usage: keras-embeddings" in ok.stdout
