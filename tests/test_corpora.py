"""Named corpora (`datasets.list_corpora`, `load_corpus`, `data_path`), the
`data/` folder and its README, the CLI's `--corpus NAME`, and the corpora
read from a wheel installed outside the checkout."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from keras_embeddings import datasets, text
from keras_embeddings.cli import main
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.pipelines._common import load_texts

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _data_files():
    return sorted(
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*")
        if p.is_file() and p.name != "README.md" and "__pycache__" not in p.parts
    )


def test_list_corpora_names_and_sizes_match_the_files():
    listing = datasets.list_corpora()
    assert list(listing)[:-1] == datasets.corpus_names()
    assert list(listing)[-1] == "gutenberg:ID"
    for name in datasets.corpus_names():
        documents = datasets.load_corpus(name)
        assert documents and all(isinstance(d, str) and d.strip() for d in documents)
        found = re.search(r"\(([\d,]+) documents?, ([\d,]+) words", listing[name])
        assert found, listing[name]
        count, words = (int(g.replace(",", "")) for g in found.groups())
        assert count == len(documents), name
        assert words == sum(len(d.split()) for d in documents), name


def test_data_corpora_are_the_course_texts():
    assert datasets.load_corpus("five-sentences") == list(datasets.LECTURE_CORPUS)
    # The CBOW notebook's corpus and its tokens (seed 001, cell [8]).
    (sentence,) = datasets.load_corpus("cbow-notebook")
    assert text.tokenize(sentence) == ["i", "am", "happy", "because", "i", "am", "learning"]  # fmt: skip


def test_gensim_corpora_against_the_raw_files():
    from gensim.test.utils import datapath

    assert datasets.load_corpus("lee") == datasets.load_builtin_corpus()

    raw = Path(datapath("pang_lee_polarity.cor")).read_bytes().splitlines()
    documents, labels = datasets.load_corpus("movie-reviews", with_labels=True)
    assert len(documents) == len(labels) == len(raw) == 200
    assert labels.count("pos") == sum(line.startswith(b"__label__pos ") for line in raw)
    assert labels.count("neg") == sum(line.startswith(b"__label__neg ") for line in raw)
    assert not any("__label__" in d for d in documents)
    # Windows-1252 in the file: 0x97 is an em dash.
    assert sum("\u2014" in d for d in documents) == sum(b"\x97" in r for r in raw)
    assert datasets.load_corpus("movie-reviews") == documents

    wiki = datasets.load_corpus("wikipedia")
    assert wiki[0].startswith("Anarchism is a political philosophy")
    markup = re.compile(r"\[\[|\]\]|\{\{|''|==|<ref")
    assert not [d[:40] for d in wiki if markup.search(d)]
    assert all(len(d.split()) >= 50 and "\n" not in d for d in wiki)


def test_unknown_name_and_labels_errors():
    with pytest.raises(InvalidInputError, match="Unknown corpus name 'leee'") as info:
        datasets.load_corpus("leee")
    for name in datasets.corpus_names():
        assert name in str(info.value)
    assert "gutenberg:ID" in str(info.value)
    with pytest.raises(InvalidInputError, match="Unknown corpus name"):
        datasets.load_corpus(3)
    with pytest.raises(InvalidInputError, match="no labels"):
        datasets.load_corpus("lee", with_labels=True)
    with pytest.raises(InvalidInputError, match="`with_labels` must be True or False"):
        datasets.load_corpus("movie-reviews", with_labels="yes")
    with pytest.raises(InvalidInputError, match="names no Project Gutenberg book"):
        datasets.load_corpus("gutenberg:no-such-book")
    with pytest.raises(MissingInputError, match="not in the data folder"):
        datasets.data_path("corpora", "missing.txt")


def test_data_readme_describes_every_file_with_its_size():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        found = re.match(r"\|\s*`([^`]+/[^`]+)`\s*\|", line)
        if found:
            rows[found.group(1)] = line
    files = _data_files()
    assert sorted(rows) == files
    for file in files:
        size = (DATA / file).stat().st_size
        assert f"{size:,} B" in rows[file], (file, size)
        cells = [cell.strip() for cell in rows[file].strip().strip("|").split("|")]
        assert len(cells) == 5 and all(cells), file  # size, use, what, license


def test_data_path_is_the_checkout_data_folder():
    path = datasets.data_path("corpora", "five_sentences.txt")
    assert Path(path) == DATA / "corpora" / "five_sentences.txt"


def test_load_texts_takes_names_paths_win(tmp_path, monkeypatch):
    assert load_texts("five-sentences", "utf-8") == (
        "five-sentences",
        list(datasets.LECTURE_CORPUS),
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lee").write_text("a file named lee\n", encoding="utf-8")
    assert load_texts("lee", "utf-8") == ("lee", ["a file named lee"])
    with pytest.raises(MissingInputError, match="neither a file") as info:
        load_texts("no-such-corpus", "utf-8")
    assert "five-sentences, cbow-notebook, lee" in str(info.value)


def test_cli_corpus_names(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["train", "--corpus", "bogus", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "'bogus' does not exist" in err and "five-sentences" in err
    assert "gutenberg:ID" in err and not out.exists()

    code = main(["train", "--corpus", "gutenberg:0", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "names no Project Gutenberg book" in err

    code = main(
        ["train", "--model", "skipgram", "--corpus", "five-sentences",
         "--min-count", "1", "--epochs", "1", "--embedding-dim", "4",
         "--out", str(out), "--verbose", "0"]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "five-sentences" in printed
    vectors = (out / "vectors.txt").read_text(encoding="utf-8").splitlines()
    # Every word of the lecture's sentences has a vector (min_count 1).
    words = {w.lower() for s in datasets.LECTURE_CORPUS for w in s.split()}
    assert vectors[0] == f"{len(words)} 4"
    assert {line.split()[0] for line in vectors[1:]} == words


def _can_build_without_isolation():
    try:
        import setuptools  # noqa: F401
        from setuptools.command.bdist_wheel import bdist_wheel  # noqa: F401
    except ImportError:
        try:
            import wheel  # noqa: F401
        except ImportError:
            return False
    return True


@pytest.mark.slow
def test_corpora_from_an_installed_wheel(tmp_path):
    if not _can_build_without_isolation():
        pytest.skip("setuptools with bdist_wheel is needed to build the wheel")
    # Build from a copy so that the checkout's build/ folder is not shared.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_data")
    shutil.copytree(
        ROOT / "keras_embeddings", source / "keras_embeddings", ignore=ignore
    )
    shutil.copytree(DATA, source / "data", ignore=ignore)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(wheels), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (wheel,) = wheels.glob("keras_embeddings-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            n for n in archive.namelist() if n.startswith("keras_embeddings/_data/")
        }
    assert shipped == {f"keras_embeddings/_data/{f}" for f in _data_files()} | {
        "keras_embeddings/_data/README.md"
    }

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    code = (
        "import keras_embeddings, sys\n"
        "from keras_embeddings import datasets\n"
        "print(keras_embeddings.__file__)\n"
        "print(datasets.data_path('corpora', 'five_sentences.txt'))\n"
        "print(sorted(datasets.list_corpora()))\n"
        "print(datasets.load_corpus('five-sentences') == list(datasets.LECTURE_CORPUS))\n"
        "print(datasets.load_corpus('cbow-notebook'))\n"
        "print(len(datasets.load_corpus('lee')))\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    installed = target / "keras_embeddings"
    assert Path(lines[0]).parent == installed
    assert Path(lines[1]) == installed / "_data" / "corpora" / "five_sentences.txt"
    assert lines[2] == repr(sorted(datasets.list_corpora()))
    assert lines[3:] == ["True", "['I am happy because I am learning']", "300"]
