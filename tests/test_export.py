import os

import keras
import numpy as np
import pytest
from gensim.models import KeyedVectors

from keras_embeddings import export
from keras_embeddings.errors import InvalidInputError, MissingInputError

WORDS = ["king", "queen", "man", "woman", "café", "日本語", "apple"]


@pytest.fixture
def word_vectors():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(len(WORDS), 5)).astype("float32")
    return dict(zip(WORDS, matrix))


def gensim_vectors(word_vectors):
    """A gensim KeyedVectors built with gensim's own API only."""
    kv = KeyedVectors(vector_size=5)
    kv.add_vectors(list(word_vectors), np.stack(list(word_vectors.values())))
    return kv


def assert_same_vectors(actual, expected):
    assert list(actual) == list(expected)
    for word in expected:
        assert actual[word].dtype == np.float32
        np.testing.assert_array_equal(actual[word], expected[word])


@pytest.mark.parametrize("binary", [False, True])
def test_save_word2vec_is_read_by_gensim(tmp_path, word_vectors, binary):
    path = tmp_path / "vectors.bin"
    assert export.save_word2vec(path, word_vectors, binary=binary) == str(path)
    kv = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert kv.index_to_key == WORDS
    # 9 significant digits make even the text format exact for float32.
    np.testing.assert_array_equal(kv.vectors, np.stack(list(word_vectors.values())))


@pytest.mark.parametrize("binary", [False, True])
def test_load_word2vec_reads_gensim_files(tmp_path, word_vectors, binary):
    path = tmp_path / "gensim.w2v"
    gensim_vectors(word_vectors).save_word2vec_format(path, binary=binary)
    assert_same_vectors(export.load_word2vec(path), word_vectors)  # Detected.
    assert_same_vectors(export.load_word2vec(path, binary=binary), word_vectors)


def test_binary_file_is_byte_identical_to_gensim(tmp_path, word_vectors):
    ours, theirs = tmp_path / "ours.bin", tmp_path / "theirs.bin"
    export.save_word2vec(ours, word_vectors, binary=True)
    gensim_vectors(word_vectors).save_word2vec_format(theirs, binary=True)
    assert ours.read_bytes() == theirs.read_bytes()


def test_text_file_layout(tmp_path):
    path = tmp_path / "vectors.txt"
    export.save_word2vec(path, {"café": np.array([0.1, -2.5], dtype="float32")})
    assert path.read_text(encoding="utf-8") == "1 2\ncafé 0.100000001 -2.5\n"


def test_to_keyed_vectors(word_vectors):
    kv = export.to_keyed_vectors(word_vectors)
    assert isinstance(kv, KeyedVectors)
    assert kv.index_to_key == WORDS
    np.testing.assert_array_equal(kv["café"], word_vectors["café"])


def test_keyed_vectors_are_accepted_for_saving(tmp_path, word_vectors):
    path = tmp_path / "vectors.txt"
    export.save_word2vec(path, gensim_vectors(word_vectors))
    assert_same_vectors(export.load_word2vec(path), word_vectors)


def test_to_word_vectors_from_matrix_and_list():
    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    word_vectors = export.to_word_vectors(matrix, ["<pad>", "the", "cat", "sat"])
    assert list(word_vectors) == ["the", "cat", "sat"]
    np.testing.assert_array_equal(word_vectors["cat"], matrix[2])


def test_to_word_vectors_from_word_index_skips_ids_beyond_matrix():
    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    word_index = {"sat": 3, "the": 1, "rare": 7, "cat": 2}
    word_vectors = export.to_word_vectors(matrix, word_index)
    assert list(word_vectors) == ["the", "cat", "sat"]  # Id order, no padding.
    np.testing.assert_array_equal(word_vectors["sat"], matrix[3])
    index_word = {i: w for w, i in word_index.items()}
    assert list(export.to_word_vectors(matrix, index_word)) == ["the", "cat", "sat"]


class TinyEmbeddingModel(keras.Model):
    def __init__(self, vocabulary_size, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        self.embedding = keras.layers.Embedding(vocabulary_size, embedding_dim)

    def call(self, ids):
        return self.embedding(ids)

    def get_embeddings(self):
        return keras.ops.convert_to_numpy(self.embedding.embeddings)


def test_to_word_vectors_from_keras_model():
    keras.utils.set_random_seed(0)
    model = TinyEmbeddingModel(4, 3)
    model(np.array([[1, 2]]))
    weights = np.arange(12, dtype="float32").reshape(4, 3)
    model.embedding.embeddings.assign(weights)
    word_vectors = export.to_word_vectors(model, {"the": 1, "cat": 2, "sat": 3})
    assert list(word_vectors) == ["the", "cat", "sat"]
    np.testing.assert_array_equal(np.stack(list(word_vectors.values())), weights[1:])


def test_to_word_vectors_shape_errors():
    matrix = np.zeros((4, 3))
    with pytest.raises(InvalidInputError, match=r"prepend"):
        export.to_word_vectors(matrix, ["the", "cat", "sat"])
    with pytest.raises(InvalidInputError, match=r"5 entries .* 4 rows"):
        export.to_word_vectors(matrix, ["", "a", "b", "c", "d"])
    with pytest.raises(InvalidInputError, match=r"2-D"):
        export.to_word_vectors(np.zeros(4), ["", "a", "b", "c"])
    with pytest.raises(InvalidInputError, match=r"padding"):
        export.to_word_vectors(matrix, {"the": 0})
    with pytest.raises(InvalidInputError, match=r"twice"):
        export.to_word_vectors(matrix, ["", "a", "b", "a"])


def test_npz_round_trip(tmp_path, word_vectors):
    path = tmp_path / "vectors.npz"
    assert export.save_npz(path, word_vectors) == str(path)
    assert os.listdir(tmp_path) == ["vectors.npz"]
    with np.load(path, allow_pickle=False) as archive:
        assert list(archive["words"]) == WORDS
    assert_same_vectors(export.load_npz(path), word_vectors)


def test_corrupt_files_give_clear_errors(tmp_path, word_vectors):
    bad_header = tmp_path / "bad_header.txt"
    bad_header.write_text("hello world\n")
    with pytest.raises(InvalidInputError, match=r"bad_header.txt.*first line"):
        export.load_word2vec(bad_header)

    truncated = tmp_path / "truncated.bin"
    export.save_word2vec(truncated, word_vectors, binary=True)
    truncated.write_bytes(truncated.read_bytes()[:-7])
    with pytest.raises(InvalidInputError, match=r"truncated.bin.*6 of the 7"):
        export.load_word2vec(truncated)

    short_line = tmp_path / "short_line.txt"
    short_line.write_text("2 3\na 1 2 3\nb 1 2\n")
    with pytest.raises(InvalidInputError, match=r"line 3 has 2 values instead of 3"):
        export.load_word2vec(short_line, binary=False)

    binary_file = tmp_path / "vectors.bin"
    export.save_word2vec(binary_file, word_vectors, binary=True)
    with pytest.raises(InvalidInputError, match=r"binary=None"):
        export.load_word2vec(binary_file, binary=False)

    not_npz = tmp_path / "not.npz"
    not_npz.write_bytes(b"garbage")
    with pytest.raises(InvalidInputError, match=r"not.npz"):
        export.load_npz(not_npz)

    with pytest.raises(MissingInputError, match=r"missing.txt") as info:
        export.load_word2vec(tmp_path / "missing.txt")
    assert isinstance(info.value, FileNotFoundError)


def test_duplicate_word_keeps_first_vector(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("2 2\na 1 2\na 3 4\n")
    with pytest.warns(UserWarning, match=r"'a' appears more than once"):
        word_vectors = export.load_word2vec(path)
    np.testing.assert_array_equal(word_vectors["a"], [1, 2])


@pytest.mark.parametrize("binary", [False, True])
def test_failed_save_leaves_no_file(tmp_path, word_vectors, binary):
    word_vectors["new york"] = word_vectors["king"]
    with pytest.raises(InvalidInputError, match=r"'new york'"):
        export.save_word2vec(tmp_path / "vectors.txt", word_vectors, binary=binary)
    assert os.listdir(tmp_path) == []

    existing = tmp_path / "old.txt"
    existing.write_text("old")
    with pytest.raises(InvalidInputError):
        export.save_word2vec(existing, word_vectors, binary=binary)
    assert existing.read_text() == "old"
    assert os.listdir(tmp_path) == ["old.txt"]
