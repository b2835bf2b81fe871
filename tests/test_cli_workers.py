"""`keras-embeddings train --workers HOST:PORT,... --worker-index I`.

The slow tests start two real `python -m keras_embeddings train` processes
on 127.0.0.1 (free ports), one pair per backend with `KERAS_BACKEND` set:
both finish, and only the chief's `--out` exists, complete (its manifest
checks every file), with nothing else left beside it. The fast tests check
the flags that cannot run together, in-process under the suite's backend
(they are refused before any worker starts).
"""

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest
from worker_processes import TIMEOUT, free_port, run_together, worker_env

from keras_embeddings.cli import main
from keras_embeddings.export import load_word2vec
from keras_embeddings.pipelines._run_folder import read_manifest

TEXT = "the cat sat on the mat and the dog sat on the log\n" * 40
FAST = [
    "--model", "skipgram", "--epochs", "1", "--embedding-dim", "8",
    "--min-count", "1", "--batch-size", "64", "--verbose", "0",
]  # fmt: skip


def _train(*argv):
    """`(exit code, stderr)` of `keras-embeddings train ARGV`, in-process."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["train", *argv])
    return code, stderr.getvalue()


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_workers_without_steps_per_epoch_is_refused_naming_both(corpus, tmp_path):
    out = tmp_path / "out"
    code, stderr = _train("--corpus", str(corpus), "--out", str(out), *FAST,
                          "--workers", "127.0.0.1:1,127.0.0.1:2",
                          "--worker-index", "0")  # fmt: skip
    assert code == 2
    assert stderr.count("\n") == 1
    assert "--workers needs --steps-per-epoch" in stderr
    assert "--steps-per-epoch=None" in stderr
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == ["corpus.txt"]


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--distribute", "data"], "--workers and --distribute cannot be used"),
        ([], "--workers needs --worker-index"),
    ],
)
def test_workers_flags_that_cannot_run_are_refused(flags, words, corpus, tmp_path):
    out = tmp_path / "out"
    code, stderr = _train("--corpus", str(corpus), "--out", str(out), *FAST,
                          "--steps-per-epoch", "3",
                          "--workers", "127.0.0.1:1,127.0.0.1:2", *flags)  # fmt: skip
    assert code == 2
    assert words in stderr
    assert not out.exists()


def test_worker_index_without_workers_is_refused(corpus, tmp_path):
    code, stderr = _train("--corpus", str(corpus), "--out", str(tmp_path / "out"),
                          *FAST, "--worker-index", "1")  # fmt: skip
    assert code == 2
    assert "--worker-index applies with --workers only" in stderr


def test_workers_apply_to_word2vec_only(corpus, tmp_path):
    code, stderr = _train("--corpus", str(corpus), "--model", "next-token",
                          "--workers", "127.0.0.1:1")  # fmt: skip
    assert code == 2
    assert "--workers applies to --model cbow, skipgram and fasttext only" in stderr


def _run_workers(argvs, envs, cwd):
    """Start the workers together; `(exit codes, logs)`, every one killed
    if any is still running after `TIMEOUT`."""
    return run_together(list(zip(argvs, envs)), cwd)


def _two_workers_train(tmp_path, backend, from_env=False):
    """Two workers train; `from_env`: `--workers env` and each worker's
    `TF_CONFIG` instead of the addresses and `--worker-index`."""
    work = tmp_path / "work"
    work.mkdir()
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    out = work / "out"
    cluster = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    addresses = "env" if from_env else ",".join(cluster)
    argvs = [
        [sys.executable, "-m", "keras_embeddings", "train", "--corpus", str(corpus),
         "--out", str(out), *FAST, "--steps-per-epoch", "3", "--workers", addresses,
         *([] if from_env else ["--worker-index", str(index)])]
        for index in range(2)
    ]  # fmt: skip
    temp = tmp_path / "tmp"  # the workers' TMPDIR
    temp.mkdir()
    envs = [{**worker_env(backend), "TMPDIR": str(temp)} for _ in range(2)]
    if from_env:
        for index, env in enumerate(envs):
            task = {"type": "worker", "index": index}
            env["TF_CONFIG"] = json.dumps(
                {"cluster": {"worker": cluster}, "task": task}
            )
    codes, logs = _run_workers(argvs, envs, tmp_path)
    assert codes == [0, 0], "\n----\n".join(logs)
    assert "worker 0 of 2 (the chief" in logs[0]
    assert "worker 1 of 2 (not the chief), reading shard 1 of 2" in logs[1]
    assert all("Trained 1 epoch(s) of 3 steps" in log for log in logs)
    # Only the chief's --out, complete: the manifest checks every file.
    assert os.listdir(work) == ["out"]
    manifest = read_manifest(out)
    assert {"model.keras", "vectors.txt", "history.json"} <= set(manifest["files"])
    assert manifest["settings"]["workers"] == addresses
    assert len(load_word2vec(out / "vectors.txt")) == 8  # the corpus's words
    # The other worker wrote into a temporary folder, deleted after.
    assert not [n for n in os.listdir(temp) if n.startswith("keras_embeddings-")]


@pytest.mark.slow
@pytest.mark.in_suite("tensorflow")
def test_two_tensorflow_workers_write_only_the_chiefs_out(tmp_path):
    _two_workers_train(tmp_path, "tensorflow")


@pytest.mark.slow
@pytest.mark.in_suite("jax")
def test_two_jax_workers_write_only_the_chiefs_out(tmp_path):
    _two_workers_train(tmp_path, "jax")


@pytest.mark.slow
@pytest.mark.in_suite("torch")
def test_pytorch_is_refused_naming_the_backend(corpus, tmp_path):
    argv = [sys.executable, "-m", "keras_embeddings", "train", "--corpus",
            str(corpus), "--out", str(tmp_path / "out"), *FAST,
            "--steps-per-epoch", "3", "--workers", "127.0.0.1:1,127.0.0.1:2",
            "--worker-index", "0"]  # fmt: skip
    result = subprocess.run(
        argv, env=worker_env("torch"), cwd=tmp_path, capture_output=True, text=True,
        timeout=TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert "not available on the torch backend" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.in_suite("tensorflow")
def test_two_tensorflow_workers_from_tf_config(tmp_path):
    _two_workers_train(tmp_path, "tensorflow", from_env=True)
