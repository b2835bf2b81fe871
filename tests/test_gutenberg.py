"""Project Gutenberg: `datasets.load_gutenberg` against a server on 127.0.0.1
(no network here), the header/license stripping, the checksummed cache and
`--corpus gutenberg:ID`."""

import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from keras_embeddings import datasets
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.pipelines._common import load_texts

BOOK = Path(datasets.data_path("fixtures", "gutenberg_book.txt"))
OLD_BOOK = Path(datasets.data_path("fixtures", "gutenberg_book_old.txt"))
BOOK_PARAGRAPHS = [
    "THE LANTERN ON THE HILL",
    "The keeper lit the lantern on the hill every evening, and the sailors "
    "steered home by its light.",
    "One winter night the wind blew the flame out, and the keeper climbed the "
    "hill again to light it.",
]
OLD_PARAGRAPHS = [
    "The miller ground the grain at dawn, naïve and glad.",
    "The mill wheel turned all day.",
]


class _Server:
    """Serves `root` on 127.0.0.1 in a thread; counts the requests."""

    def __init__(self, root):
        self.requests = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self):
                server.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}/cache/epub/{{id}}/pg{{id}}.txt"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if not self.thread.is_alive():
            return
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def _serve(root, book_id, source):
    folder = root / "cache" / "epub" / str(book_id)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / f"pg{book_id}.txt")


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    _serve(root, 99999, BOOK)
    _serve(root, 99998, OLD_BOOK)
    for book_id in datasets.gutenberg_ids("austen"):
        _serve(root, book_id, BOOK)
    running = _Server(root)
    yield running
    running.stop()


def _cached(cache, book_id):
    return cache / "datasets" / "gutenberg" / f"pg{book_id}.txt"


def test_download_strips_caches_then_reads_offline(tmp_path, server):
    cache = tmp_path / "cache"
    paragraphs = datasets.load_gutenberg(99999, cache_dir=cache, origin=server.origin)
    assert paragraphs == BOOK_PARAGRAPHS
    assert server.requests == ["/cache/epub/99999/pg99999.txt"]

    path = _cached(cache, 99999)
    cached = path.read_bytes()
    assert b"Project Gutenberg" not in cached and b"terms of use" not in cached
    assert not cached.startswith(b"\xef\xbb\xbf")  # the BOM is gone
    digest, name = Path(f"{path}.sha256").read_text().split()
    assert (digest, name) == (hashlib.sha256(cached).hexdigest(), "pg99999.txt")
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "pg99999.txt",
        "pg99999.txt.sha256",
    ]

    server.stop()  # offline: the cache answers
    assert (
        datasets.load_gutenberg("99999", cache_dir=cache, origin=server.origin)
        == paragraphs
    )
    assert len(server.requests) == 1


def test_old_layout_latin1_book(tmp_path, server):
    cache = tmp_path / "cache"
    assert (
        datasets.load_gutenberg(99998, cache_dir=cache, origin=server.origin)
        == OLD_PARAGRAPHS
    )
    # Cached as UTF-8 whatever the download's encoding.
    assert "naïve" in _cached(cache, 99998).read_text(encoding="utf-8")


def test_named_set_in_order_and_default_cache_is_keras_home(
    tmp_path, server, monkeypatch
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    paragraphs = datasets.load_gutenberg("austen", origin=server.origin)
    assert paragraphs == BOOK_PARAGRAPHS * 3
    assert server.requests == [f"/cache/epub/{i}/pg{i}.txt" for i in (158, 105, 161)]
    for book_id in (158, 105, 161):
        assert _cached(tmp_path / "keras_home", book_id).is_file()


def test_checksum_mismatch_downloads_again_or_raises(tmp_path, server):
    cache = tmp_path / "cache"
    datasets.load_gutenberg(99999, cache_dir=cache, origin=server.origin)
    path = _cached(cache, 99999)
    good = path.read_bytes()
    path.write_bytes(good.replace(b"keeper", b"KEEPER", 1))

    with pytest.warns(UserWarning, match="corrupt.*sha256"):
        paragraphs = datasets.load_gutenberg(
            99999, cache_dir=cache, origin=server.origin
        )
    assert paragraphs == BOOK_PARAGRAPHS
    assert path.read_bytes() == good and len(server.requests) == 2

    # A missing checksum file is a corrupt cache too; offline, it raises.
    Path(f"{path}.sha256").unlink()
    server.stop()
    with pytest.warns(UserWarning, match="corrupt"):
        with pytest.raises(
            InvalidInputError, match=r"corrupt.*downloading it again failed"
        ) as info:
            datasets.load_gutenberg(99999, cache_dir=cache, origin=server.origin)
    assert str(path) in str(info.value) and "Delete" in str(info.value)


@pytest.mark.parametrize("book", [0, -3, "abc", True, 2.5, [], None, "gutenberg"])
def test_bad_book_id_is_refused_before_any_request(tmp_path, server, book):
    with pytest.raises(
        InvalidInputError, match="`book` must be a Project Gutenberg id"
    ) as info:
        datasets.load_gutenberg(
            book, cache_dir=tmp_path / "cache", origin=server.origin
        )
    assert "austen-emma" in str(info.value) and "classic" in str(info.value)
    assert server.requests == []


def test_server_404_and_unreachable_server(tmp_path, server):
    cache = tmp_path / "cache"
    with pytest.raises(MissingInputError, match=r"no plain-text book 12345.*HTTP 404"):
        datasets.load_gutenberg(12345, cache_dir=cache, origin=server.origin)
    assert (
        list((cache / "datasets" / "gutenberg").iterdir()) == []
    )  # nothing half-written

    server.stop()
    with pytest.raises(MissingInputError, match=r"Could not download.*not cached"):
        datasets.load_gutenberg(99999, cache_dir=cache, origin=server.origin)


def test_html_page_is_not_cached(tmp_path, server):
    root = tmp_path / "www" / "cache" / "epub" / "777"
    root.mkdir(parents=True)
    (root / "pg777.txt").write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(InvalidInputError, match="HTML page"):
        datasets.load_gutenberg(777, cache_dir=tmp_path / "cache", origin=server.origin)
    assert not _cached(tmp_path / "cache", 777).exists()


@pytest.mark.parametrize(
    "start, end",
    [
        ("*** START OF THE PROJECT GUTENBERG EBOOK X ***", "*** END OF THE PROJECT GUTENBERG EBOOK X ***"),
        ("*** START OF THIS PROJECT GUTENBERG EBOOK X ***", "*** END OF THIS PROJECT GUTENBERG EBOOK X ***"),
        ("***START OF THE PROJECT GUTENBERG EBOOK X***", "***END OF THE PROJECT GUTENBERG EBOOK X***"),
        ("*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*", "End of the Project Gutenberg EBook of X"),
        ("*** START OF THIS PROJECT GUTENBERG EBOOK X ***", "End of Project Gutenberg's X, by Y"),
    ],
)  # fmt: skip
def test_strip_gutenberg_marker_variants(start, end):
    text = (
        "The Project Gutenberg EBook of X\r\nTitle: X\r\n\r\n"
        f"{start}\r\n\r\nProduced by someone.\r\n\r\n\r\n"
        "First paragraph,\r\non two lines.\r\n\r\nSecond.\r\n\r\n"
        f"{end}\r\n\r\nThe license text.\r\n"
    )
    assert (
        datasets.strip_gutenberg(text) == "First paragraph,\non two lines.\n\nSecond."
    )


def test_strip_gutenberg_without_markers_warns_and_keeps_the_text():
    with pytest.warns(UserWarning, match="No Project Gutenberg start marker"):
        assert datasets.strip_gutenberg("\nJust a text.\n") == "Just a text."
    with pytest.raises(InvalidInputError, match="`text` must be a str"):
        datasets.strip_gutenberg(b"bytes")


def test_corpus_gutenberg_names_read_the_cache(tmp_path, server, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    datasets.load_gutenberg(99999, origin=server.origin)
    server.stop()
    # The default origin (gutenberg.org) is never asked: the book is cached.
    assert load_texts("gutenberg:99999", "utf-8") == (
        "gutenberg:99999",
        BOOK_PARAGRAPHS,
    )
    assert datasets.load_corpus("gutenberg: 99999") == BOOK_PARAGRAPHS
