"""Ctrl-C and the same command again: a real run resumes to the same weights.

A `keras-embeddings train` subprocess gets SIGINT once an epoch has
finished; it exits 130 and leaves its backup in `.OUT.partial`, with any
earlier `OUT` untouched. The same command then resumes at the next epoch
and its outputs equal those of an uninterrupted run with the same seed.
"""

import os
import pathlib
import signal
import subprocess
import sys

import numpy as np
import pytest

from keras_embeddings import datasets
from keras_embeddings.export import load_word2vec
from keras_embeddings.pipelines._run_folder import read_manifest, siblings

pytestmark = pytest.mark.slow

MODELS = {
    "skipgram": [
        "--model", "skipgram", "--min-count", "2", "--embedding-dim", "16",
        "--batch-size", "256",
    ],
    "next-token": [
        "--embedding-dim", "8", "--hidden-dim", "8", "--patience", "1",
        "--vocabulary-size", "500", "--batch-size", "128",
    ],
}  # fmt: skip
EPOCHS = 4


# Documents of the built-in corpus per model: epochs of a second or so, long
# enough for SIGINT to land inside the next one, short on every backend.
DOCUMENTS = {"skipgram": 100, "next-token": 60}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    documents = datasets.load_builtin_corpus()
    paths = {}
    for model, count in DOCUMENTS.items():
        paths[model] = folder / f"{model}.txt"
        paths[model].write_text("\n".join(documents[:count]), encoding="utf-8")
    return paths


def _command(model, corpus, out):
    return [
        sys.executable, "-m", "keras_embeddings", "train", "--corpus", str(corpus),
        "--out", str(out), "--epochs", str(EPOCHS), "--verbose", "2", "--seed", "7",
        *MODELS[model],
    ]  # fmt: skip


def _env():
    return dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3")


def _run(command):
    done = subprocess.run(
        command, capture_output=True, text=True, env=_env(), timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _snapshot(folder):
    return {
        os.path.join(root, name): pathlib.Path(root, name).read_bytes()
        for root, _, files in os.walk(folder)
        for name in files
    }


def _interrupt_after_epoch(command, epoch):
    """Start the run, SIGINT it when epoch `epoch + 1` begins (so `epoch`
    epochs are finished and backed up); return its exit code and output."""
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    lines = []
    for line in run.stdout:
        lines.append(line)
        if line.startswith(f"Epoch {epoch + 1}/"):
            run.send_signal(signal.SIGINT)
            break
    out, err = run.communicate(timeout=300)
    return run.returncode, "".join(lines) + out, err


@pytest.mark.parametrize("model", sorted(MODELS))
def test_an_interrupted_run_resumes_to_the_same_weights(model, corpora, tmp_path):
    corpus = corpora[model]
    reference = tmp_path / "reference"
    _run(_command(model, corpus, reference))
    if model == "skipgram":  # Ctrl-C while replacing an earlier run: kept as it was
        before = _snapshot(reference)
        replace = _command(model, corpus, reference) + ["--overwrite"]
        code, _, err = _interrupt_after_epoch(replace, 1)
        assert code == 130, err[-2000:]
        assert _snapshot(reference) == before

    out = tmp_path / "out"
    code, printed, err = _interrupt_after_epoch(_command(model, corpus, out), 2)
    assert code == 130, err[-2000:]
    assert "run the same command again to continue" in printed
    staging, lock, _ = siblings(out)
    assert not os.path.exists(out)  # nothing published
    assert os.path.isdir(os.path.join(staging, "backup"))

    printed = _run(_command(model, corpus, out))
    assert f"at epoch 3 of {EPOCHS}" in printed  # resumed, and says so
    assert "Epoch 1/" not in printed and "Epoch 3/" in printed
    assert not os.path.exists(staging) and not os.path.exists(lock)
    read_manifest(out)

    ours, theirs = (
        load_word2vec(out / "vectors.txt"),
        load_word2vec(reference / "vectors.txt"),
    )
    assert list(ours) == list(theirs)
    np.testing.assert_array_equal(
        np.stack(list(ours.values())), np.stack(list(theirs.values()))
    )
    assert (out / "history.json").read_text() == (
        reference / "history.json"
    ).read_text()
