"""`text.build_vocabulary`: one streaming pass, bounded counts, Wikipedia dumps.

Oracles: the in-memory `Tokenizer().fit_on_texts(read_corpus(...))` path
(words, counts, order), gensim's own `prune_vocab` for the bounded counts,
and gensim's `WikiCorpus` token counts for the dump.
"""

import collections
import os

import gensim
import numpy as np
import pytest

from keras_embeddings import text
from keras_embeddings.errors import InvalidInputError, MissingInputError
from keras_embeddings.text import vocabulary_pass

GENSIM_DATA = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data")
LEE = os.path.join(GENSIM_DATA, "lee_background.cor")
WIKI = os.path.join(
    GENSIM_DATA, "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
)


def _tokenizer_vocabulary(corpus, min_count=1, num_words=None):
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(text.read_corpus(corpus))
    words = [
        w
        for w in tokenizer.get_vocabulary()[1:]
        if tokenizer.word_counts[w] >= min_count
    ]
    if num_words is not None:
        words = words[: num_words - 1]
    return [""] + words, [0] + [tokenizer.word_counts[w] for w in words]


@pytest.mark.parametrize("min_count, max_vocabulary", [(1, None), (5, None), (2, 50)])
def test_equals_the_tokenizer_path_on_lee(min_count, max_vocabulary):
    vocabulary = text.build_vocabulary(
        LEE, min_count=min_count, max_vocabulary=max_vocabulary
    )
    words, counts = _tokenizer_vocabulary(LEE, min_count, max_vocabulary)
    assert vocabulary.words == words
    assert vocabulary.counts.tolist() == counts
    assert vocabulary.total_words == sum(
        len(text.text_to_word_sequence(line)) for line in text.read_corpus(LEE)
    )
    assert vocabulary.documents == sum(1 for _ in text.read_corpus(LEE))
    assert vocabulary.bytes_read == os.path.getsize(LEE)


def test_ties_unicode_blank_lines_and_batches(tmp_path, monkeypatch):
    # Tiny batches: words and ties spread over many batches and two files.
    monkeypatch.setattr(vocabulary_pass, "BATCH_CHARS", 7)
    (tmp_path / "a.txt").write_text(
        "Zebra café\u00a0AU lait!\n\n  \nb a b\r\nΣΟΦΟΣ x\u200by\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("c b a, café\n", encoding="utf-16")
    vocabulary = text.build_vocabulary(tmp_path, min_count=1)
    assert vocabulary.words == _tokenizer_vocabulary(tmp_path)[0]
    assert vocabulary.words[:4] == ["", "b", "café", "a"]
    assert "σοφος" in vocabulary.words  # final sigma, as Tokenizer lowercases it


def test_progress_reports_bytes_and_words(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabulary_pass, "PROGRESS_BYTES", 100_000)
    monkeypatch.setattr(vocabulary_pass, "BATCH_CHARS", 1000)
    path = tmp_path / "c.txt"  # 800 kB: files are read 64 KiB at a time
    path.write_text("one two three four five six seven eight\n" * 20_000)
    calls = []
    vocabulary = text.build_vocabulary(path, progress=lambda *a: calls.append(a))
    assert len(calls) > 5
    bytes_read, words, _ = zip(*calls)
    assert list(bytes_read) == sorted(bytes_read) and list(words) == sorted(words)
    assert (
        calls[-1][:2]
        == (os.path.getsize(path), 160_000)
        == (
            vocabulary.bytes_read,
            vocabulary.total_words,
        )
    )


def _gensim_pruned(sentences, max_vocab_size):
    """gensim's `Word2Vec.scan_vocab` counting, with `utils.prune_vocab`."""
    from gensim import utils

    vocab, min_reduce = collections.defaultdict(int), 1
    for sentence in sentences:
        for word in sentence:
            vocab[word] += 1
        if len(vocab) > max_vocab_size:
            utils.prune_vocab(vocab, min_reduce)
            min_reduce += 1
    return vocab


def test_pruning_bounds_the_types_like_gensim(tmp_path, monkeypatch):
    # One document per batch, so pruning happens where gensim's does.
    monkeypatch.setattr(vocabulary_pass, "BATCH_CHARS", 1)
    rng = np.random.default_rng(0)
    ranks = rng.zipf(1.3, size=6000) % 3000
    lines = [" ".join(f"w{r}" for r in ranks[i : i + 30]) for i in range(0, 6000, 30)]
    path = tmp_path / "zipf.txt"
    path.write_text("\n".join(lines) + "\n")
    exact = text.build_vocabulary(path, min_count=1)
    assert len(exact.words) - 1 > 300
    bounded = text.build_vocabulary(path, min_count=1, max_types=300)
    assert len(bounded.words) - 1 <= 300
    expected = _gensim_pruned((line.split() for line in lines), 300)
    # gensim prunes once per check (it may stay above the bound until the next
    # sentence); ours prunes until below: the frequent words agree.
    assert bounded.counts[1:].sum() <= exact.counts[1:].sum()
    top = exact.words[1:11]
    assert bounded.words[1:11] == top
    assert [bounded.counts[bounded.words.index(w)] for w in top] == [
        expected[w] for w in top
    ]
    # Large enough, pruning never happens: exact.
    same = text.build_vocabulary(path, min_count=1, max_types=len(exact.words))
    assert same.words == exact.words and same.counts.tolist() == exact.counts.tolist()


@pytest.mark.slow
def test_reads_a_wikipedia_dump_through_gensim():
    from gensim.corpora.wikicorpus import WikiCorpus

    vocabulary = text.build_vocabulary(WIKI, min_count=1)
    expected = collections.Counter()
    documents = 0
    for tokens in WikiCorpus(WIKI, dictionary={}, processes=1).get_texts():
        documents += bool(tokens)
        expected.update(text.text_to_word_sequence(" ".join(tokens)))
    assert vocabulary.documents == documents > 50
    assert dict(zip(vocabulary.words[1:], vocabulary.counts[1:].tolist())) == expected
    assert vocabulary.words[1:4] == ["the", "of", "and"]


def test_bad_inputs_raise_one_clear_error(tmp_path):
    with pytest.raises(MissingInputError, match="does not exist"):
        text.build_vocabulary(tmp_path / "missing.txt")
    with pytest.raises(MissingInputError, match="does not exist"):
        text.build_vocabulary(tmp_path / "missing.xml.bz2")
    (tmp_path / "small.txt").write_text("a b c\n")
    with pytest.raises(InvalidInputError, match="min_count"):
        text.build_vocabulary(tmp_path / "small.txt", min_count=2)
    with pytest.raises(InvalidInputError, match="max_types"):
        text.build_vocabulary(tmp_path / "small.txt", max_types=0)
    with pytest.raises(InvalidInputError, match="progress"):
        text.build_vocabulary(tmp_path / "small.txt", progress=3)
