"""Corpus reading (`text.corpus`): NUL bytes anywhere, byte-order marks,
FIFOs and other non-regular files, symlink loops and duplicates, and decode
errors located in the file (issue 15, item 5).

Everything here uses real files, FIFOs (`os.mkfifo`) and symlinks. A call
that could block on a FIFO runs in a thread with a time limit, so a
regression fails instead of hanging the suite.
"""

import codecs
import glob
import io
import os
import random
import threading

import pytest

from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.export import load_word2vec, save_word2vec
from keras_embeddings.text import corpus, read_corpus
from keras_embeddings.text.corpus import corpus_files

pytestmark = pytest.mark.skipif(
    not hasattr(os, "mkfifo") or not hasattr(os, "symlink"),
    reason="needs POSIX FIFOs and symlinks",
)

LIMIT_S = 20


def within(limit_s, function, *args, fifo=None):
    """`function(*args)` in a thread; fails the test if it runs past
    `limit_s` (then opens `fifo` for writing so the blocked reader ends)."""
    result = {}

    def target():
        try:
            result["value"] = function(*args)
        except BaseException as e:  # re-raised in the test's thread
            result["error"] = e

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit_s)
    if thread.is_alive():
        if fifo is not None:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        pytest.fail(f"{function.__name__} still running after {limit_s} s")
    if "error" in result:
        raise result["error"]
    return result["value"]


def read_all(spec, encoding="utf-8"):
    return list(read_corpus(spec, encoding=encoding))


def text_lines(count, width=60):
    """`count` distinct lines of about `width` ASCII characters each."""
    return [f"line {i} " + "word " * (width // 5) for i in range(count)]


# ---------------------------------------------------------------- NUL bytes


@pytest.mark.parametrize("how", ["file", "folder", "glob"])
def test_nul_after_the_first_8_kib_raises_with_file_line_and_offset(tmp_path, how):
    lines = text_lines(300)  # ~20 KB before the NUL
    head = "".join(line + "\n" for line in lines).encode()
    assert len(head) > 2 * 8192
    path = tmp_path / "late_nul.txt"
    path.write_bytes(head + b"text with a \x00 inside\nmore text\n")
    (tmp_path / "clean.txt").write_text("a clean file\n", encoding="utf-8")
    spec = {"file": path, "folder": tmp_path, "glob": str(tmp_path / "*.txt")}[how]

    documents = read_corpus(spec)  # the head is text: accepted up front
    with pytest.raises(InvalidInputError) as info:
        list(documents)
    message = str(info.value)
    assert str(path) in message
    assert f"line {len(lines) + 1}" in message
    assert f"byte {len(head) + len(b'text with a ')}" in message
    assert "NUL" in message


def test_nul_in_utf16_text_is_found_at_its_byte_offset(tmp_path):
    body = "".join(line + "\n" for line in text_lines(200)).encode("utf-16-le")
    path = tmp_path / "late_nul_utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + body + "x\x00y\n".encode("utf-16-le"))
    with pytest.raises(InvalidInputError, match=r"line 201, byte (\d+)") as info:
        read_all(path)
    assert f"byte {2 + len(body) + 2}" in str(info.value)


# ---------------------------------------------------------- byte-order marks

SAMPLE = ["café au lait 日本 𝄞", "second line", "третья строка"]


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-8-sig"])
def test_a_byte_order_mark_decides_the_encoding(tmp_path, bom, codec, encoding):
    data = bom + "\r\n".join(SAMPLE + [""]).encode(codec)
    (tmp_path / "marked.txt").write_bytes(data)
    assert read_all(tmp_path / "marked.txt", encoding) == SAMPLE
    # In a folder it is text, not a binary file to skip.
    (tmp_path / "plain.txt").write_text("plain\n", encoding="utf-8")
    if encoding == "utf-8":
        assert read_all(tmp_path, encoding) == SAMPLE + ["plain"]
        assert read_all(str(tmp_path / "*.txt"), encoding) == SAMPLE + ["plain"]


def test_the_utf8_mark_is_not_part_of_the_first_token(tmp_path):
    path = tmp_path / "notepad.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"hello world\n")
    assert read_all(path)[0].split()[0] == "hello"


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"]
)
def test_utf16_and_utf32_without_a_mark_read_with_their_encoding(tmp_path, encoding):
    codec = {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding, encoding)
    path = tmp_path / "no_mark.txt"
    path.write_bytes("\n".join(SAMPLE).encode(codec))
    assert read_all(path, encoding) == SAMPLE
    assert read_all(tmp_path, encoding) == SAMPLE  # not skipped as binary
    assert corpus_files(tmp_path, encoding=encoding) == [str(path)]


def test_a_mark_that_contradicts_a_non_unicode_encoding_is_refused(tmp_path):
    path = tmp_path / "marked.txt"
    path.write_bytes(codecs.BOM_UTF8 + "café\n".encode())
    with pytest.raises(InvalidInputError, match="byte-order mark.*latin-1"):
        read_all(path, "latin-1")


def test_utf16_without_a_mark_read_as_utf8_is_called_binary_with_a_hint(tmp_path):
    path = tmp_path / "no_mark.txt"
    path.write_bytes("hello\n".encode("utf-16-le"))
    with pytest.raises(InvalidInputError, match="looks binary.*utf-16"):
        read_all(path)


# ------------------------------------------------------- non-regular files


def test_a_fifo_in_a_folder_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("first file\n", encoding="utf-8")
    (tmp_path / "z.txt").write_text("last file\n", encoding="utf-8")
    fifo = tmp_path / "m.txt"
    os.mkfifo(fifo)
    for spec in (tmp_path, str(tmp_path / "*.txt")):
        with pytest.warns(UserWarning, match=f"{fifo}.*FIFO") as caught:
            assert within(LIMIT_S, read_all, spec, fifo=fifo) == [
                "first file",
                "last file",
            ]
        assert len(caught) == 1


@pytest.mark.parametrize("target", ["fifo", "/dev/null"])
def test_a_fifo_or_device_named_as_the_corpus_is_refused(tmp_path, target):
    if target == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif not os.path.exists(target):
        pytest.skip(f"no {target}")
    with pytest.raises(InvalidInputError, match="not a regular file"):
        within(LIMIT_S, read_all, target, fifo=target)


def test_load_word2vec_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "vectors.txt"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInputError, match="not a regular file"):
        within(LIMIT_S, load_word2vec, fifo, fifo=fifo)


def test_load_word2vec_still_reads_a_symlink_to_a_file(tmp_path):
    real = save_word2vec(tmp_path / "real.txt", {"king": [0.5, 1.0]})
    os.symlink(real, tmp_path / "link.txt")
    assert list(load_word2vec(tmp_path / "link.txt")) == ["king"]


def test_a_broken_symlink_in_a_folder_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    os.symlink(tmp_path / "gone.txt", tmp_path / "b.txt")
    with pytest.warns(UserWarning, match="b.txt"):
        assert read_all(tmp_path) == ["text"]


# ------------------------------------------------- each real file read once


def make_tree(root):
    """root/{a.txt, sub/b.txt, sub/deeper/c.txt}; returns the documents."""
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("doc a\n", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("doc b\n", encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text("doc c\n", encoding="utf-8")
    return ["doc a", "doc b", "doc c"]


def test_a_symlink_loop_under_a_recursive_glob_reads_each_file_once(tmp_path):
    root = tmp_path / "dir"
    documents = make_tree(root)
    os.symlink(root, root / "loop")  # dir/loop -> dir
    assert within(LIMIT_S, read_all, str(root / "**" / "*.txt")) == documents
    assert read_all(root) == documents


def test_three_symlink_loops_end_quickly(tmp_path):
    # glob.glob returns 1,763 paths with the first two links and runs for
    # over 10 minutes with all three: its time is exponential in the loops.
    root = tmp_path / "dir"
    documents = make_tree(root)
    os.symlink(root, root / "loop1")
    os.symlink(root / "sub", root / "sub" / "deeper" / "loop2")
    os.symlink(root / "sub", root / "sub" / "deeper" / "loop3")
    assert within(LIMIT_S, read_all, str(root / "**" / "*.txt")) == documents


def test_two_symlinks_to_one_file_in_a_folder_read_it_once(tmp_path):
    (tmp_path / "real.txt").write_text("only once\n", encoding="utf-8")
    os.symlink(tmp_path / "real.txt", tmp_path / "a_link.txt")
    os.symlink(tmp_path / "real.txt", tmp_path / "b_link.txt")
    assert read_all(tmp_path) == ["only once"]
    # First path in sorted order wins.
    assert corpus_files(tmp_path) == [str(tmp_path / "a_link.txt")]
    assert read_all(str(tmp_path / "*.txt")) == ["only once"]


def test_a_recursive_glob_still_follows_a_symlink_to_another_folder(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_text("linked in\n", encoding="utf-8")
    root = tmp_path / "dir"
    make_tree(root)
    os.symlink(tmp_path / "elsewhere", root / "more")
    pattern = str(root / "**" / "*.txt")
    assert corpus_files(pattern) == sorted(glob.glob(pattern, recursive=True))
    assert "linked in" in read_all(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "**/*.txt",
        "**",
        "sub/**/*.txt",
        "**/deeper/*.txt",
        "*/**/c.txt",
        "**/.hidden/*.txt",
        "**/.*.txt",
        "s*/**/*.t?t",
    ],
)
def test_a_recursive_glob_matches_what_glob_matches(tmp_path, monkeypatch, pattern):
    make_tree(tmp_path)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("hidden\n", encoding="utf-8")
    (tmp_path / "sub" / ".dot.txt").write_text("dot\n", encoding="utf-8")
    for base in (str(tmp_path), ""):  # absolute and relative patterns
        if not base:
            monkeypatch.chdir(tmp_path)
        spec = os.path.join(base, pattern) if base else pattern
        expected = [
            p for p in sorted(glob.glob(spec, recursive=True)) if os.path.isfile(p)
        ]
        if expected:
            assert corpus_files(spec) == expected
        else:
            with pytest.raises(MissingInputError):
                corpus_files(spec)


# --------------------------------------------------------- decode errors


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("count", [2000, 20000])  # ~130 KB and ~1.3 MB
def test_a_decode_error_gives_the_file_offset_and_line(tmp_path, newline, count):
    lines = [f"naïve café {i} " + "word " * 10 for i in range(count)]
    head = "".join(line + newline for line in lines).encode("utf-8")
    assert len(head) > 64 * 1024
    bad = head + b"good start \xff bad byte" + newline.encode() + b"after\n"
    path = tmp_path / "bad.txt"
    path.write_bytes(bad)
    offset = len(head) + len(b"good start ")
    with pytest.raises(InvalidInputError) as info:
        read_all(path)
    message = str(info.value)
    assert str(path) in message
    assert f"line {count + 1}, byte {offset}:" in message
    assert "invalid start byte" in message
    assert "encoding" in message and "UTF-8" in message
    assert bad[offset] == 0xFF  # the oracle: the byte the message names


def test_a_decode_error_after_a_byte_order_mark_counts_the_mark(tmp_path):
    body = "".join(line + "\n" for line in text_lines(1500)).encode("utf-16-be")
    path = tmp_path / "bad_utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_BE + body + b"\x00a\xdc\x00\x00b\x00\n")
    with pytest.raises(InvalidInputError) as info:
        read_all(path)
    assert f"line 1501, byte {2 + len(body) + 2}:" in str(info.value)


def test_a_truncated_character_at_the_end_is_located(tmp_path):
    path = tmp_path / "truncated.txt"
    path.write_bytes(b"first\nsecond \xe2\x82")
    with pytest.raises(InvalidInputError, match=r"line 2, byte 13: unexpected end"):
        read_all(path)


# ------------------------------------------- chunk boundaries (small chunks)


def random_text(rng, lines):
    """Lines of words with accents, CJK, astral and blank lines, ended by a
    random mix of \\n, \\r\\n and \\r."""
    words = ["a", "café", "日本", "𝄞x", "  ", "word", "naïve"]
    ends = ["\n", "\r\n", "\r"]
    return "".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(0, 4))) + rng.choice(ends)
        for _ in range(lines)
    )


@pytest.mark.parametrize("chunk", [4, 12, 1 << 16])
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-32-be"])
def test_lines_match_python_text_mode_whatever_the_chunk_size(
    tmp_path, monkeypatch, chunk, codec
):
    monkeypatch.setattr(corpus, "_CHUNK_BYTES", chunk)
    rng = random.Random(0)
    for trial in range(5):
        path = tmp_path / f"t{trial}.txt"
        path.write_bytes(random_text(rng, 40).encode(codec))
        with open(path, encoding=codec) as f:  # the oracle: text mode
            expected = [line.rstrip("\r\n") for line in f if line.strip()]
        assert read_all(path, codec) == expected


@pytest.mark.parametrize("chunk", [4, 12, 1 << 16])
@pytest.mark.parametrize("problem", [b"\xff", b"\x00"])
def test_errors_are_located_whatever_the_chunk_size(
    tmp_path, monkeypatch, chunk, problem
):
    monkeypatch.setattr(corpus, "_CHUNK_BYTES", chunk)
    rng = random.Random(1)
    for trial in range(5):
        # Past the first 8 KiB, which the up-front check reads.
        before = "filler\n" * 1200 + random_text(rng, 30) + "words "
        offset = len(before.encode())
        path = tmp_path / f"t{trial}.txt"
        path.write_bytes(before.encode() + problem + b" more\n")
        line = len(io.StringIO(before, newline=None).readlines())
        with pytest.raises(InvalidInputError, match=f"line {line}, byte {offset}\\b"):
            read_all(path)
