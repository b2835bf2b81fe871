"""`keras-embeddings train --distribute` and `--steps-per-epoch`.

Run in-process under the suite's backend: each test expects what that
backend can do (`distribute.strategy`: data on JAX and TensorFlow, model on
JAX, nothing on PyTorch).
"""

import contextlib
import io
import json
import os
import signal
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_embeddings import datasets
from keras_embeddings.cli import main
from keras_embeddings.export import load_word2vec
from keras_embeddings.models import load_model
from keras_embeddings.pipelines._run_folder import read_manifest

BACKEND = keras.backend.backend()
TEXT = "the cat sat on the mat and the dog sat on the log\n" * 40
FAST = [
    "--model", "skipgram", "--epochs", "1", "--embedding-dim", "8",
    "--min-count", "1", "--batch-size", "64", "--verbose", "0",
]  # fmt: skip


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _train(*argv):
    """`(exit code, stdout)` of `keras-embeddings train ARGV`."""
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["train", *argv])
    return code, stdout.getvalue()


# The engine of each mode a backend runs (`distribute.strategy`).
ENGINES = {
    ("tensorflow", "data"): "tf.distribute.MirroredStrategy",
    ("jax", "data"): "keras.distribution.DataParallel",
    ("jax", "model"): "keras.distribution.ModelParallel",
}


@pytest.mark.parametrize("mode", ["data", "model"])
def test_distribute_trains_and_prints_the_device_mesh(mode, corpus, tmp_path):
    if (BACKEND, mode) not in ENGINES:
        pytest.skip(f"{BACKEND} cannot run --distribute {mode}")
    out = tmp_path / "out"
    code, stdout = _train("--corpus", str(corpus), "--out", str(out), *FAST,
                          "--distribute", mode)  # fmt: skip
    assert code == 0
    engine = ENGINES[BACKEND, mode]
    assert f"Distribution: {mode} parallel, {engine} ({BACKEND})" in stdout
    assert "Device mesh: shape (" in stdout
    assert "/target_embedding/embeddings (9, 8) float32: " in stdout  # 8 words
    assert read_manifest(out)["settings"]["distribute"] == mode
    assert (out / "vectors.txt").is_file() and (out / "model.keras").is_file()


@pytest.mark.parametrize("mode", ["data", "model"])
def test_a_mode_the_backend_cannot_run_is_refused_before_anything(
    mode, corpus, tmp_path, capsys
):
    if (BACKEND, mode) in ENGINES:
        pytest.skip(f"{BACKEND} runs --distribute {mode}")
    out = tmp_path / "out"
    code, _ = _train("--corpus", str(corpus), "--out", str(out), *FAST,
                     "--distribute", mode)  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    name = {"tensorflow": "tensorflow", "torch": "PyTorch"}[BACKEND]
    assert f"--distribute {mode} is not available on the {name} backend" in err
    assert not out.exists() and not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize("mode", ["data", "model"])
def test_next_token_distributes_too(mode, corpus, tmp_path):
    if (BACKEND, mode) not in ENGINES:
        pytest.skip(f"{BACKEND} cannot run --distribute {mode}")
    out = tmp_path / "out"
    code, stdout = _train(
        "--model", "next-token", "--corpus", str(corpus), "--out", str(out),
        "--epochs", "1", "--embedding-dim", "8", "--hidden-dim", "8",
        "--batch-size", "16", "--prompt", "the", "--verbose", "0",
        "--distribute", mode,
    )  # fmt: skip
    assert code == 0
    assert f"Distribution: {mode} parallel, {ENGINES[BACKEND, mode]}" in stdout
    # 8 words, <unk> and padding: the input table and the output layer.
    assert "/embedding/embeddings (10, 8) float32: " in stdout
    assert "/logits/kernel (8, 10) float32: " in stdout
    assert read_manifest(out)["settings"]["distribute"] == mode
    assert "Generated (greedy)" in stdout
    assert len(load_word2vec(out / "vectors.txt")) == 8


def test_distribute_takes_a_mode(corpus):
    with pytest.raises(SystemExit):  # argparse: not one of the modes
        _train("--corpus", str(corpus), *FAST, "--distribute", "pipeline")


NEWS = "\n".join(datasets.load_builtin_corpus()[:30])


@pytest.fixture(scope="module")
def news_runs(tmp_path_factory):
    """The same corpus file trained streamed (`--steps-per-epoch 3`) and in
    memory: {"streamed"|"memory": (out folder, stdout)}."""
    root = tmp_path_factory.mktemp("news")
    path = root / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    common = [*FAST, "--min-count", "3", "--batch-size", "32"]
    runs = {}
    for name, extra in [("streamed", ["--steps-per-epoch", "3"]), ("memory", [])]:
        out = root / name
        code, stdout = _train("--corpus", str(path), "--out", str(out), *common,
                              *extra)  # fmt: skip
        assert code == 0
        runs[name] = out, stdout
    return runs


def test_steps_per_epoch_streams_the_corpus_with_the_same_vocabulary(news_runs):
    out, stdout = news_runs["streamed"]
    memory_out, memory_stdout = news_runs["memory"]
    for name in ("model.keras", "vectors.txt", "history.json", "run.json"):
        assert (out / name).is_file(), name
    # The vocabulary pass reports its progress (once here: one small file).
    progress = [line for line in stdout.splitlines() if "Vocabulary pass" in line]
    assert len(progress) == 1 and "MB/s" in progress[0]
    assert f"{len(NEWS.encode()) / 1e6:,.1f} MB" in progress[0]
    # The oracle: the in-memory run of the same file (Tokenizer, min_count).
    vectors = load_word2vec(out / "vectors.txt")
    memory_vectors = load_word2vec(memory_out / "vectors.txt")
    assert list(vectors) == list(memory_vectors)
    model = load_model(out / "model.keras")
    assert model.vocabulary == load_model(memory_out / "model.keras").vocabulary
    settings = read_manifest(out)["settings"]
    memory_settings = read_manifest(memory_out)["settings"]
    assert settings["corpus_sha256"] == memory_settings["corpus_sha256"]
    assert (settings["steps_per_epoch"], memory_settings["steps_per_epoch"]) == (
        3,
        None,
    )
    corpus_line = next(
        line for line in stdout.splitlines() if line.startswith("Corpus")
    )
    assert corpus_line in memory_stdout  # documents and words counted alike
    assert "Trained 1 epoch(s) of 3 steps" in stdout
    assert "Nearest neighbours" in stdout
    history = json.loads((out / "history.json").read_text())
    assert len(history["loss"]) == 1 and np.isfinite(history["loss"][0])


@pytest.mark.parametrize("corpus_name", ["five-sentences", "missing/*.txt"])
def test_steps_per_epoch_needs_corpus_files(corpus_name, tmp_path, capsys):
    out = tmp_path / "out"
    code, _ = _train("--corpus", corpus_name, "--out", str(out), *FAST,
                     "--steps-per-epoch", "3")  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    if "*" in corpus_name:  # a glob matching nothing
        assert "missing/*.txt" in err
    else:
        assert "--steps-per-epoch streams the corpus from its files: --corpus" in err
        assert "Received: --corpus='five-sentences'" in err
    assert not out.exists()


def test_next_token_streams_the_corpus_with_the_same_vocabulary(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    common = ["--model", "next-token", "--epochs", "2", "--embedding-dim", "8",
              "--hidden-dim", "8", "--min-count", "2", "--batch-size", "32",
              "--validation-split", "0.2", "--prompt", "the", "--verbose", "0"]  # fmt: skip
    runs = {}
    for name, extra in [("streamed", ["--steps-per-epoch", "4"]), ("memory", [])]:
        out = tmp_path / name
        code, stdout = _train("--corpus", str(path), "--out", str(out), *common,
                              *extra)  # fmt: skip
        assert code == 0
        runs[name] = out, stdout
    (out, stdout), (memory_out, memory_stdout) = runs["streamed"], runs["memory"]
    assert "Vocabulary pass" in stdout and "Vocabulary pass" not in memory_stdout
    # The oracle: the in-memory run's Tokenizer (<unk> at id 1, min_count).
    model = load_model(out / "model.keras")
    assert model.vocabulary == load_model(memory_out / "model.keras").vocabulary
    assert model.vocabulary[1] == "<unk>"
    settings = read_manifest(out)["settings"]
    assert (
        settings["corpus_sha256"]
        == (read_manifest(memory_out)["settings"]["corpus_sha256"])
    )
    corpus_line = next(s for s in stdout.splitlines() if s.startswith("Corpus"))
    assert corpus_line in memory_stdout
    # Two epochs of 4 steps, each validated on the held-out documents.
    history = json.loads((out / "history.json").read_text())
    assert len(history["loss"]) == 2 and np.isfinite(history["val_loss"]).all()
    assert "Generated (greedy)" in stdout


def test_steps_per_epoch_with_too_few_documents_to_hold_out(tmp_path, capsys):
    path = tmp_path / "one.txt"
    path.write_text("the cat sat on the mat\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _ = _train("--model", "next-token", "--corpus", str(path), "--out",
                     str(out), "--steps-per-epoch", "2")  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "holds out 0 of the corpus's 1 documents" in err
    assert "--validation-split" in err
    assert not out.exists()


@pytest.mark.skipif(BACKEND == "torch", reason="no distribution on PyTorch")
def test_streaming_and_distribute_together(corpus, tmp_path):
    out = tmp_path / "out"
    code, stdout = _train("--corpus", str(corpus), "--out", str(out), *FAST,
                          "--steps-per-epoch", "2", "--distribute", "data")  # fmt: skip
    assert code == 0
    assert "Vocabulary pass" in stdout and "Device mesh" in stdout
    assert "Trained 1 epoch(s) of 2 steps" in stdout
    assert len(load_word2vec(out / "vectors.txt")) == 8


def _interrupt_after_epoch(command, epoch, env):
    """Start the run, SIGINT it when epoch `epoch + 1` begins; return its
    exit code and stderr (as tests/test_resume_cli.py)."""
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    for line in run.stdout:
        if line.startswith(f"Epoch {epoch + 1}/"):
            run.send_signal(signal.SIGINT)
            break
    _, err = run.communicate(timeout=300)
    return run.returncode, err


@pytest.mark.slow
def test_an_interrupted_streamed_run_resumes_to_the_same_weights(tmp_path):
    corpus = tmp_path / "news.txt"
    corpus.write_text(NEWS, encoding="utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3")

    def command(out):
        return [
            sys.executable, "-m", "keras_embeddings", "train", "--model",
            "skipgram", "--corpus", str(corpus), "--out", str(out), "--epochs",
            "3", "--steps-per-epoch", "150", "--batch-size", "256",
            "--embedding-dim", "16", "--min-count", "2", "--verbose", "2",
        ]  # fmt: skip

    reference, out = tmp_path / "reference", tmp_path / "out"
    done = subprocess.run(command(reference), capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    code, err = _interrupt_after_epoch(command(out), 1, env)
    assert code == 130, err[-2000:]
    assert not out.exists()
    done = subprocess.run(command(out), capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "at epoch 2 of 3" in done.stdout and "Epoch 1/" not in done.stdout
    ours = load_word2vec(out / "vectors.txt")
    theirs = load_word2vec(reference / "vectors.txt")
    assert list(ours) == list(theirs)
    np.testing.assert_array_equal(
        np.stack(list(ours.values())), np.stack(list(theirs.values()))
    )
