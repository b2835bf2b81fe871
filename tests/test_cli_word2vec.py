"""`keras-embeddings train --model skipgram|cbow` (word2vec), run in-process.

Oracles: the vocabulary is recounted with Keras 2's `text_to_word_sequence`
and a `Counter` (words seen at least `--min-count` times), the vectors in
`vectors.txt`, the projector's `tensor.tsv` and the reloaded `model.keras`
must be the same numbers, and the per-model defaults are spelled out.
"""

import collections
import contextlib
import inspect
import io
import json
import os

import keras
import numpy as np
import pytest
from gensim.models import KeyedVectors
from test_cli import RUN_FILES
from tf_keras.preprocessing.text import text_to_word_sequence

from keras_embeddings import datasets, models, pipelines
from keras_embeddings.cli import _parser, _resolve_defaults, main

MIN_COUNT = 3
DIM = 8
FAST = ["--epochs", "2", "--embedding-dim", str(DIM), "--verbose", "0"]
FAST += ["--min-count", str(MIN_COUNT)]
MODEL_CLASSES = {"skipgram": models.SkipGram, "cbow": models.CBOWNegativeSampling}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "news.txt"
    path.write_text("\n".join(datasets.load_builtin_corpus()[:30]), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["skipgram", "cbow"])
def run(request, corpus, tmp_path_factory):
    """One real (tiny) word2vec job: (model name, out folder, stdout)."""
    out = tmp_path_factory.mktemp(request.param) / "out"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(
            ["train", "--model", request.param, "--corpus", str(corpus),
             "--out", str(out), *FAST]
        )  # fmt: skip
    assert code == 0
    return request.param, out, stdout.getvalue()


def _expected_vocabulary(corpus):
    counts = collections.Counter()
    for line in corpus.read_text(encoding="utf-8").splitlines():
        counts.update(text_to_word_sequence(line))
    return {word for word, count in counts.items() if count >= MIN_COUNT}


def test_writes_every_output(run, corpus):
    name, out, _ = run
    for file in [*RUN_FILES, "tensorboard/embedding/tensor.tsv"]:
        assert (out / file).is_file() and (out / file).stat().st_size > 0, file
    assert any(p.name.startswith("events.") for p in (out / "tensorboard").rglob("*"))
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]  # no leftovers

    history = json.loads((out / "history.json").read_text())
    assert set(history) >= {"loss", "pair_loss"}
    assert not any(key.startswith("val_") for key in history)  # no validation
    assert len(history["loss"]) == len(history["pair_loss"]) == 2
    assert np.isfinite(history["loss"]).all()
    # 1 + 5 logits at 0 score log(2) each: pair_loss starts at 6 log 2 = 4.16.
    assert history["pair_loss"][0] < 6 * np.log(2)


def test_vectors_are_the_model_and_the_projector(run, corpus):
    name, out, _ = run
    vectors = KeyedVectors.load_word2vec_format(str(out / "vectors.txt"))
    assert set(vectors.key_to_index) == _expected_vocabulary(corpus)
    assert vectors.vector_size == DIM

    model = keras.saving.load_model(str(out / "model.keras"), safe_mode=True)
    assert type(model) is MODEL_CLASSES[name]
    assert model.get_config()["embedding_dim"] == DIM
    words = (out / "tensorboard/embedding/metadata.tsv").read_text().splitlines()
    tensor = np.loadtxt(out / "tensorboard/embedding/tensor.tsv", ndmin=2)
    embeddings = model.get_embeddings()  # row i: the word of metadata line i - 1
    assert len(words) == len(vectors) == embeddings.shape[0] - 1
    np.testing.assert_allclose(tensor, embeddings[1:], rtol=1e-6)
    np.testing.assert_allclose(
        np.stack([vectors[w] for w in words]), embeddings[1:], rtol=1e-5, atol=1e-7
    )
    assert np.abs(embeddings[1:]).max() > 0.5 / DIM  # trained: left the init range


def test_prints_neighbours_and_speed(run):
    _, out, stdout = run
    assert "Nearest neighbours (cosine similarity):" in stdout
    lines = stdout.split("Nearest neighbours (cosine similarity):\n")[1].splitlines()
    neighbour_lines = [line for line in lines if line.startswith("  ")]
    assert len(neighbour_lines) == 5
    assert all(len(line.split(",")) == 5 for line in neighbour_lines)
    assert "words/s" in stdout and f"tensorboard --logdir {out}" in stdout


def test_similar_works_and_generate_refuses(run, capsys):
    _, out, _ = run
    word = "government"
    assert main(["similar", word, "--vectors", str(out / "vectors.txt"), "--topn",
                 "3"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and word not in [line.split("\t")[0] for line in lines]
    err = _fails_cleanly(
        ["generate", "the government", "--model", str(out / "model.keras")],
        capsys,
        "cannot generate text",
    )
    assert f"similar WORD --vectors {out / 'vectors.txt'}" in err


def _fails_cleanly(argv, capsys, message):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1
    return err


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--model", "skipgram", "--hidden-dim", "8"],
         "--hidden-dim applies to --model next-token only"),
        (["--model", "cbow", "--patience", "3"], "--patience applies to"),
        (["--model", "cbow", "--validation-split", "0.2"], "--validation-split"),
        (["--window-size", "3"], "--window-size applies to --model cbow, skipgram and fasttext only"),
        (["--model", "skipgram", "--window-size", "0"],
         "--window-size must be a positive integer. Received: --window-size=0"),
        (["--model", "cbow", "--negatives", "0"], "--negatives must be a positive"),
        (["--model", "skipgram", "--sample", "-1"],
         "--sample must be a number in [0, inf). Received: --sample=-1.0"),
        (["--model", "skipgram", "--learning-rate", "0"], "--learning-rate must be"),
        (["--model", "skipgram", "--min-count", "0"], "--min-count must be a positive"),
        (["--model", "skipgram", "--epochs", "0"], "--epochs must be a positive"),
        (["--model", "skipgram", "--batch-size", "-2"], "--batch-size must be a pos"),
        (["--dropout", "1.5"], "--dropout must be a number in [0, 1)"),
        (["--validation-split", "1"], "--validation-split must be a number in"),
        (["--patience", "-1"], "--patience must be an integer >= 0"),
        (["--model", "cbow", "--min-count", "100000"], "Lower --min-count"),
    ],
)  # fmt: skip
def test_bad_flags_exit_2_before_writing(flags, message, corpus, tmp_path, capsys):
    out = tmp_path / "out"
    _fails_cleanly(
        ["train", "--corpus", str(corpus), "--out", str(out), *flags], capsys, message
    )
    assert not out.exists()  # nothing written for bad flags


def test_corpus_without_neighbouring_words(tmp_path, capsys):
    corpus = tmp_path / "one_word_lines.txt"
    corpus.write_text("alpha\nbeta\n" * 10, encoding="utf-8")
    out = tmp_path / "out"
    err = _fails_cleanly(
        ["train", "--model", "skipgram", "--corpus", str(corpus), "--out", str(out),
         "--min-count", "1"],
        capsys,
        "nothing to train on",
    )  # fmt: skip
    assert "one_word_lines.txt" in err and not out.exists()


def test_divergence_is_reported(corpus, tmp_path, capsys):
    err = _fails_cleanly(
        ["train", "--model", "skipgram", "--corpus", str(corpus), "--out",
         str(tmp_path / "out"), "--learning-rate", "1e9", *FAST],
        capsys,
        "Training diverged",
    )  # fmt: skip
    assert "Lower --learning-rate" in err
    assert not (tmp_path / "out" / "vectors.txt").exists()


from keras_embeddings.pipelines.word2vec import FASTTEXT_DEFAULTS  # noqa: E402


def _resolved(argv):
    args = _parser().parse_args(["train", *argv])
    family = _resolve_defaults(args)
    return family, args


def test_defaults_per_model():
    family, args = _resolved([])
    assert family == "next-token" and args.out == os.path.join("runs", "next-token")
    assert (args.epochs, args.batch_size, args.vocabulary_size) == (15, 128, 5000)
    assert (args.embedding_dim, args.learning_rate, args.min_count) == (64, 3e-3, 1)
    assert (args.patience, args.validation_split, args.sequence_length) == (2, 0.1, 8)
    assert args.hidden_dim == 128 and args.prompt == "the government"
    assert args.window_size is args.negatives is args.sample is None

    for name in ("skipgram", "cbow"):
        family, args = _resolved(["--model", name])
        assert family == "word2vec" and args.out == os.path.join("runs", name)
        # gensim's Word2Vec defaults.
        assert (args.epochs, args.embedding_dim, args.window_size) == (5, 100, 5)
        assert (args.negatives, args.sample, args.min_count) == (5, 1e-3, 5)
        assert args.learning_rate == 0.025 and args.vocabulary_size is None
        assert args.hidden_dim is args.patience is args.prompt is None
        # One place for word2vec's defaults: the dataset's.
        batch_size = datasets.WORD2VEC_DEFAULTS["batch_size"][name]
        assert args.batch_size == batch_size == {"skipgram": 4096, "cbow": 1024}[name]

    # fastText: gensim's n-gram settings; 2048 pairs (4096 diverges on
    # raw_sentences, benchmarks/fasttext_vs_gensim.py).
    _, args = _resolved(["--model", "fasttext"])
    assert args.bucket is args.min_n is args.max_n is None  # the recipe's:
    assert FASTTEXT_DEFAULTS == {"bucket": 2_000_000, "min_n": 3, "max_n": 6}
    assert args.batch_size == 2048 and args.window_size == 5

    _, args = _resolved(["--model", "cbow", "--epochs", "7", "--learning-rate", "0.05"])
    assert (args.epochs, args.learning_rate) == (7, 0.05)


def test_defaults_are_the_recipes_defaults():
    # The CLI has no defaults of its own: each flag's is its recipe's.
    for name, recipe in [("next-token", pipelines.train_next_token),
                         ("cbow", pipelines.train_word2vec)]:  # fmt: skip
        _, args = _resolved(["--model", name])
        for parameter in inspect.signature(recipe).parameters.values():
            if parameter.name in ("print_fn", "corpus", "out", "model", "batch_size"):
                continue
            assert getattr(args, parameter.name) == parameter.default, parameter


def test_old_lstm_units_flag_still_works(capsys):
    _, args = _resolved(["--lstm-units", "16"])
    assert args.hidden_dim == 16 and not hasattr(args, "lstm_units")
    err = capsys.readouterr().err
    assert "--lstm-units is deprecated" in err and "use --hidden-dim" in err
    _, args = _resolved(["--lstm-units", "16", "--hidden-dim", "32"])
    assert args.hidden_dim == 32  # the new flag wins
    # The old flag is hidden from --help, the new one listed.
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "--help"])
    help_text = capsys.readouterr().out
    assert "--hidden-dim" in help_text and "--lstm-units" not in help_text
    assert "(default: 128/4096 skip-gram, 1024 CBOW, 2048 fastText)" in " ".join(
        help_text.split()
    )
