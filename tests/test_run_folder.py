"""A run's outputs as one unit, and every input checked before training.

Issue 15's cases, each through the real CLI (`main`, or a subprocess where
a signal, a second process or an OS limit is the point): the run writes
into `.OUT.partial` and renames it into place, with `run.json` last; a lock
refuses a second run; an earlier run is replaced only with `--overwrite`;
bad flags, a bad `--out`, too little memory or disk, a useless vocabulary
and an unknown prompt stop the run before anything is written.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from keras_embeddings.cli import main
from keras_embeddings.export import load_word2vec
from keras_embeddings.pipelines._run_folder import (
    RunFolder,
    read_manifest,
    siblings,
)

TINY = [
    "--epochs", "1", "--embedding-dim", "4", "--hidden-dim", "4",
    "--validation-split", "0", "--verbose", "0",
]  # fmt: skip
TEXT = "the cat sat on the mat and the dog sat on the log\n" * 8


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _train(corpus, out, *flags):
    return main(["train", "--corpus", str(corpus), "--out", str(out), *TINY, *flags])


def _snapshot(folder):
    """Every file under `folder` -> its bytes."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder)] = f.read()
    return found


def _fails_before_writing(argv, capsys, message, tmp_path, out):
    before = sorted(os.listdir(tmp_path))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert sorted(os.listdir(tmp_path)) == before  # no folder, no partial, no lock
    assert not os.path.exists(out)
    return err


def test_a_run_publishes_one_complete_folder_with_a_manifest(corpus, tmp_path):
    out = tmp_path / "runs" / "first"
    assert _train(corpus, out) == 0
    manifest = read_manifest(out)  # every file listed, hashes match
    assert {"model.keras", "vectors.txt", "history.json"} <= set(manifest["files"])
    assert manifest["settings"]["recipe"] == "train_next_token"
    assert manifest["settings"]["epochs"] == 1
    assert sorted(os.listdir(tmp_path / "runs")) == ["first"]  # no partial, no lock
    with open(out / "vectors.txt", "ab") as f:
        f.write(b"tampered 1 2 3 4\n")
    with pytest.raises(ValueError, match="changed since the run wrote it"):
        read_manifest(out)


def test_an_earlier_run_is_replaced_only_with_overwrite(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert _train(corpus, out) == 0
    first = _snapshot(out)
    assert _train(corpus, out, "--seed", "1") == 2
    err = capsys.readouterr().err
    assert "holds an earlier run" in err and "--overwrite" in err
    assert _snapshot(out) == first
    assert _train(corpus, out, "--seed", "1", "--overwrite") == 0
    second = _snapshot(out)
    assert second["vectors.txt"] != first["vectors.txt"]
    assert json.loads(second["run.json"])["settings"]["seed"] == 1
    assert sorted(os.listdir(tmp_path)) == ["corpus.txt", "out"]


def test_a_folder_with_other_files_is_never_replaced(corpus, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    argv = ["train", "--corpus", str(corpus), "--out", str(out), *TINY, "--overwrite"]
    assert main(argv) == 2
    assert "holds files that no run wrote (thesis.tex)" in capsys.readouterr().err
    assert os.listdir(out) == ["thesis.tex"]


def test_junk_where_outputs_go_is_replaced_as_a_whole(corpus, tmp_path):
    # Before: a file named `plots` or a folder named `vectors.txt` gave a
    # traceback after model.keras was written.
    out = tmp_path / "out"
    out.mkdir()
    (out / "plots").write_text("not a folder")
    (out / "vectors.txt").mkdir()
    assert _train(corpus, out, "--overwrite") == 0
    assert os.path.isdir(out / "plots") and os.path.isfile(out / "vectors.txt")
    read_manifest(out)


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--validation-split", "1.5"], "--validation-split must be"),
        (["--dropout", "1.5"], "--dropout must be"),
        (["--patience", "-1"], "--patience must be"),
        (["--vocabulary-size", "2"], "Raise --vocabulary-size"),
        (["--prompt", "zzzz"], "--prompt 'zzzz' has no word the model knows"),
        (
            ["--embedding-dim", "100000000"],
            "embeddings in one step (lower --embedding-dim",
        ),
        (
            ["--sequence-length", "100000", "--hidden-dim", "128"],
            "states in one step (lower --sequence-length",
        ),
    ],
)
def test_bad_values_stop_before_anything_is_written(
    flags, message, corpus, tmp_path, capsys
):
    out = tmp_path / "runs" / "out"
    argv = ["train", "--corpus", str(corpus), "--out", str(out), *TINY, *flags]
    _fails_before_writing(argv, capsys, message, tmp_path, out)


def test_word2vec_limits_are_checked_before_training(corpus, tmp_path, capsys):
    out = tmp_path / "w2v"
    argv = [
        "train", "--model", "skipgram", "--corpus", str(corpus), "--out", str(out),
        "--min-count", "1", "--embedding-dim", "1000000000", "--verbose", "0",
    ]  # fmt: skip
    err = _fails_before_writing(argv, capsys, "of memory", tmp_path, out)
    assert "(lower --embedding-dim" in err


def test_out_inside_the_corpus_folder_is_refused(tmp_path, capsys, monkeypatch):
    # Before: the second run trained on the first run's vectors.txt too.
    books = tmp_path / "books"
    books.mkdir()
    (books / "a.txt").write_text(TEXT)
    for argv in (
        ["--corpus", str(books), "--out", str(books / "run")],
        ["--corpus", str(books / "**" / "*.txt"), "--out", str(books / "sub" / "run")],
    ):
        assert main(["train", *argv, *TINY]) == 2
        assert "is inside the corpus" in capsys.readouterr().err
    assert os.listdir(books) == ["a.txt"]
    monkeypatch.chdir(books)  # `--corpus .` with the default runs/next-token
    assert main(["train", "--corpus", ".", *TINY]) == 2
    assert "'runs/next-token' is inside the corpus" in capsys.readouterr().err
    # A glob that cannot match the outputs, and a single file, are fine.
    assert main(["train", "--corpus", "*.txt", "--out", "run", *TINY]) == 0
    assert main(["train", "--corpus", "a.txt", "--out", "run2", *TINY]) == 0


def test_a_held_lock_refuses_a_second_run(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    with RunFolder(out, {"a": 1}, print_fn=None) as run:
        assert os.path.isdir(run.path)
        assert _train(corpus, out) == 2
        err = capsys.readouterr().err
        assert f"Another run (process {os.getpid()}" in err and "is writing" in err
    assert not os.path.exists(out)  # the holder published nothing


def test_an_interrupted_publish_is_recovered(corpus, tmp_path):
    out = tmp_path / "out"
    assert _train(corpus, out) == 0
    first = _snapshot(out)
    staging, _, old = siblings(out)
    os.rename(out, old)  # killed between publish's two renames
    assert _train(corpus, out, "--overwrite", "--seed", "3") == 0
    assert not os.path.exists(old)
    assert _snapshot(out) != first
    os.rename(out, old)  # and when no new folder came: the old one is back
    with RunFolder(out, {"a": 1}, overwrite=True, print_fn=None):
        pass
    assert os.path.isdir(out) and not os.path.exists(old)


def _cli(*args, **kwargs):
    env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.Popen(
        [sys.executable, "-m", "keras_embeddings", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kwargs,
    )  # fmt: skip


@pytest.mark.slow
def test_two_concurrent_runs_give_one_complete_set_and_one_refusal(corpus, tmp_path):
    # Before: both exited 0 and the projector's tensor.tsv could come from
    # the other run.
    out = tmp_path / "out"
    flags = ["train", "--corpus", str(corpus), "--out", str(out), *TINY]
    runs = [_cli(*flags, "--seed", str(seed), "--epochs", "3") for seed in (1, 2)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refusal = _our_lines(next(err for code, err in results if code == 2))
    assert len(refusal.splitlines()) == 1, refusal
    assert "is writing" in refusal or "holds an earlier run" in refusal
    winner = json.loads((out / "run.json").read_text())["settings"]["seed"]
    read_manifest(out)  # one complete set: every file from the same run
    # The projector's rows are the vectors of the same run.
    embedding = out / "tensorboard" / "embedding"
    words = (embedding / "metadata.tsv").read_text().split("\n")
    rows = np.loadtxt(embedding / "tensor.tsv", delimiter="\t", ndmin=2)
    projector = dict(zip(words, rows))
    vectors = load_word2vec(out / "vectors.txt")
    assert set(vectors) <= set(projector)
    for word, vector in vectors.items():
        np.testing.assert_allclose(vector, projector[word], rtol=1e-6, atol=1e-7)
    assert winner in (1, 2)
    assert sorted(os.listdir(tmp_path)) == ["corpus.txt", "out"]


def _our_lines(err):
    """stderr without TensorFlow's C++ start-up lines (written before its
    logging is set up, whatever TF_CPP_MIN_LOG_LEVEL says)."""
    return "\n".join(
        line for line in err.splitlines() if line.startswith("keras-embeddings")
    )


# Runs the CLI under a file size limit (`ulimit -f`), set in the child
# itself: a `preexec_fn` would fork a multithreaded (JAX) parent.
_LIMITED = (
    "import resource, runpy, signal, sys; "
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "  # EFBIG instead of a kill
    "limit = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)); "
    "runpy.run_module('keras_embeddings', run_name='__main__')"
)


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_keeps_the_earlier_run(corpus, tmp_path):
    # A real OS limit (`ulimit -f`): writes beyond it fail with EFBIG, as
    # they fail with ENOSPC on a full disk. Before: an OSError traceback.
    out = tmp_path / "out"
    assert _train(corpus, out) == 0
    first = _snapshot(out)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.Popen(
        [
            sys.executable, "-c", _LIMITED, "150000", "train", "--corpus",
            str(corpus), "--out", str(out), *TINY, "--embedding-dim", "4000",
            "--overwrite",
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    code, err = run.wait(timeout=300), run.stderr.read()
    assert code == 2, err
    assert _our_lines(err).startswith("keras-embeddings train: error: cannot write")
    assert "Traceback" not in err and len(_our_lines(err).splitlines()) == 1
    assert _snapshot(out) == first


def test_unicode_whitespace_in_the_corpus_does_not_lose_the_run(tmp_path):
    # Before: training finished, then save_word2vec refused a token with a
    # no-break space inside and the run exited 2 without vectors.txt.
    corpus = tmp_path / "corpus.txt"
    text = "caf\u00e9\u00a0au lait and\u3000tea\u2028or\x0bmilk\x85with\x0csugar\n"
    corpus.write_text(text * 10, encoding="utf-8")
    out = tmp_path / "out"
    assert _train(corpus, out, "--prompt", "tea") == 0
    words = [line.split(" ")[0] for line in (out / "vectors.txt").open()][1:]
    assert {"café", "au", "tea", "or", "milk", "with", "sugar"} <= set(words)
    assert all(len(word.split()) == 1 for word in words)


def test_the_manifest_settings_are_json_of_the_arguments(tmp_path):
    out = tmp_path / "out"
    documents = [TEXT.strip()] * 3
    from keras_embeddings.pipelines import train_word2vec

    result = train_word2vec(
        documents, out=out, model="cbow", epochs=1, min_count=1, embedding_dim=4,
        batch_size=16, verbose=0, print_fn=None,
    )  # fmt: skip
    settings = read_manifest(result.out)["settings"]
    assert settings["corpus"] == "3 documents" and settings["model"] == "cbow"
    assert len(settings["corpus_sha256"]) == 16
    assert result.paths["manifest"] == os.path.join(str(out), "run.json")


def test_a_fifo_in_the_corpus_folder_is_one_warning_line(tmp_path, capsys):
    books = tmp_path / "books"
    books.mkdir()
    (books / "a.txt").write_text(TEXT)
    os.mkfifo(books / "pipe")  # opening it would wait for a writer for ever
    assert (
        main(["train", "--corpus", str(books), "--out", str(tmp_path / "o"), *TINY])
        == 0
    )
    warning = [
        line for line in capsys.readouterr().err.splitlines() if "warning" in line
    ]
    assert len(warning) == 1 and warning[0].startswith("keras-embeddings: warning:")
    assert "pipe" in warning[0]
