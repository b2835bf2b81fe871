import os

import keras
import numpy as np
import pytest
from gensim.models import KeyedVectors

from keras_embeddings import export
from keras_embeddings.datasets import data_path
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
    bad_header = data_path("fixtures", "word2vec_bad_header.txt")
    with pytest.raises(InvalidInputError, match=r"bad_header.txt.*first line"):
        export.load_word2vec(bad_header)

    truncated = tmp_path / "truncated.bin"
    export.save_word2vec(truncated, word_vectors, binary=True)
    truncated.write_bytes(truncated.read_bytes()[:-7])
    with pytest.raises(InvalidInputError, match=r"truncated.bin.*6 of the 7"):
        export.load_word2vec(truncated)

    short_line = data_path("fixtures", "word2vec_short_line.txt")
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


def test_duplicate_word_keeps_first_vector():
    path = data_path("fixtures", "word2vec_duplicate_word.txt")
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


# The padding rule: only the row `padding_id` is left out; None keeps every row.


def test_to_word_vectors_padding_id_none_keeps_every_row():
    matrix = np.arange(8, dtype="float32").reshape(4, 2)
    words = ["all", "set", "just", "go"]
    word_vectors = export.to_word_vectors(matrix, words, padding_id=None)
    assert list(word_vectors) == words
    np.testing.assert_array_equal(np.stack(list(word_vectors.values())), matrix)
    # The default for an array is still row 0 = padding.
    assert list(export.to_word_vectors(matrix, ["<pad>"] + words[1:])) == words[1:]


def test_to_word_vectors_other_padding_id_skips_that_row():
    matrix = np.arange(8, dtype="float32").reshape(4, 2)
    word_vectors = export.to_word_vectors(
        matrix, ["the", "cat", "<pad>", "sat"], padding_id=2
    )
    assert list(word_vectors) == ["the", "cat", "sat"]
    np.testing.assert_array_equal(word_vectors["sat"], matrix[3])


def test_word_index_with_id_0_when_there_is_no_padding():
    matrix = np.arange(8, dtype="float32").reshape(4, 2)
    word_index = {"go": 3, "all": 0, "set": 1, "far": 4}
    word_vectors = export.to_word_vectors(matrix, word_index, padding_id=None)
    assert list(word_vectors) == ["all", "set", "go"]  # Id order; id 4 too far.
    np.testing.assert_array_equal(word_vectors["all"], matrix[0])
    np.testing.assert_array_equal(word_vectors["go"], matrix[3])
    index_word = {i: w for w, i in word_index.items()}
    assert list(export.to_word_vectors(matrix, index_word, padding_id=None)) == [
        "all",
        "set",
        "go",
    ]


@pytest.mark.parametrize(
    "vocabulary, padding_id, message",
    [
        (["a", "b", "c"], 0, r"prepend one: `\[''\] \+ vocabulary`"),
        (["a", "b", "c"], 2, r"insert one at index 2"),
        (["a", "b", "c"], None, r"3 entries .* 4 rows.*padding_id=None: every row"),
        (["", "a", "b", "c", "d"], None, r"drop it: `vocabulary\[1:\]`"),
        (["", "a", "b", "c", "d"], 0, r"entry 0 is the padding entry"),
        ({"the": 0}, 0, r"start at 1.*pass `padding_id=None`"),
        ({"the": 2}, 2, r"id 2 is the padding id \(padding_id=2\)"),
        ({"the": -1}, None, r">= 0"),
        (["", "a", "b", "c"], -1, r"`padding_id` must be None .* \[0, 4\)"),
        (["", "a", "b", "c"], 4, r"`padding_id`"),
        (["", "a", "b", "c"], True, r"`padding_id`"),
        (["", "a", "b", "c"], "0", r"`padding_id`"),
        (["", "a", "b", "c"], 1.0, r"`padding_id`"),
    ],
)
def test_padding_errors_follow_the_padding_id(vocabulary, padding_id, message):
    with pytest.raises(InvalidInputError, match=message) as info:
        export.to_word_vectors(np.zeros((4, 2)), vocabulary, padding_id=padding_id)
    if padding_id != 0:
        assert "prepend" not in str(info.value)


def test_matrix_without_vocabulary_names_the_argument():
    with pytest.raises(InvalidInputError, match=r"`vocabulary` is missing"):
        export.to_word_vectors(np.zeros((4, 2)))


class ContractModel(TinyEmbeddingModel):
    """A model keeping the package's contract: `padding_id`, `get_vocabulary`."""

    def __init__(self, vocabulary, padding_id, **kwargs):
        super().__init__(len(vocabulary or "abcd"), 2, **kwargs)
        self.vocabulary = vocabulary
        self.padding_id = padding_id

    def get_vocabulary(self):
        return None if self.vocabulary is None else list(self.vocabulary)


def _built(model):
    model(np.array([[1, 2]]))
    return model


def test_model_padding_id_and_vocabulary_are_used():
    words = ["all", "set", "just", "go"]
    model = _built(ContractModel(words, padding_id=None))
    word_vectors = export.to_word_vectors(model)
    assert list(word_vectors) == words
    np.testing.assert_array_equal(
        np.stack(list(word_vectors.values())), model.get_embeddings()
    )
    # A given vocabulary or padding_id wins over the model's.
    other = ["<pad>", "b", "c", "d"]
    assert list(export.to_word_vectors(model, other, padding_id=0)) == other[1:]

    padded = _built(ContractModel(["", "the", "cat", "sat"], padding_id=0))
    assert list(export.to_word_vectors(padded)) == ["the", "cat", "sat"]
    # A word_index with id 0 fits a model without padding, not one with.
    assert list(export.to_word_vectors(model, {"all": 0, "go": 3})) == ["all", "go"]
    with pytest.raises(InvalidInputError, match=r"start at 1"):
        export.to_word_vectors(padded, {"all": 0, "go": 3})


def test_model_without_vocabulary_names_the_argument():
    model = _built(ContractModel(None, padding_id=None, name="no_words"))
    with pytest.raises(InvalidInputError, match=r"`vocabulary` is missing.*'no_words'"):
        export.to_word_vectors(model)
    # A model outside the contract: row 0 is padding, as before.
    tiny = _built(TinyEmbeddingModel(4, 2))
    assert list(export.to_word_vectors(tiny, ["", "a", "b", "c"])) == ["a", "b", "c"]


def test_to_word_vectors_accepts_backend_tensors():
    matrix = keras.ops.convert_to_tensor(np.eye(3, dtype="float32"))
    word_vectors = export.to_word_vectors(matrix, ["a", "b", "c"], padding_id=None)
    np.testing.assert_array_equal(word_vectors["c"], [0, 0, 1])


def test_glove_keeps_its_first_word():
    """The issue's example: GloVe has no padding row, so "all" is kept."""
    from keras_embeddings.models import GloVe

    keras.utils.set_random_seed(0)
    glove = GloVe(vocabulary_size=4, embedding_dim=2)
    words = ["all", "set", "just", "go"]
    # Waits for the padding contract (issue 13, helper H1): GloVe.padding_id.
    assert glove.padding_id is None
    word_vectors = export.to_word_vectors(glove, words)
    assert list(word_vectors) == words
    np.testing.assert_array_equal(
        np.stack(list(word_vectors.values())), glove.get_embeddings()
    )


def _glove():
    from keras_embeddings.models import GloVe

    return GloVe(4, 2)


def _cbow():
    from keras_embeddings.models import CBOW

    return CBOW(4, 2, window_size=1)


def _ngram():
    from keras_embeddings.models import NGramLanguageModel

    return NGramLanguageModel(4, 2, embedding_dim=2, hidden_dim=3)


def _next_token():
    from keras_embeddings.models import NextTokenModel

    return NextTokenModel(4, embedding_dim=2, hidden_dim=3)


def _skipgram():
    from keras_embeddings.models import SkipGram

    return SkipGram(4, embedding_dim=2, negatives=1)


def _cbow_negative_sampling():
    from keras_embeddings.models import CBOWNegativeSampling

    return CBOWNegativeSampling(4, embedding_dim=2, negatives=1)


def _transformer_lm():
    from keras_embeddings.models import TransformerLM

    return TransformerLM(
        4,
        sequence_length=3,
        embedding_dim=4,
        num_heads=1,
        intermediate_dim=4,
        num_layers=1,
    )


@pytest.mark.parametrize(
    "make_model, padding_id",
    [
        pytest.param(_glove, None, id="GloVe"),
        pytest.param(_cbow, None, id="CBOW"),
        pytest.param(_ngram, None, id="NGramLanguageModel"),
        pytest.param(_next_token, 0, id="NextTokenModel"),
        pytest.param(_skipgram, 0, id="SkipGram"),
        pytest.param(_cbow_negative_sampling, 0, id="CBOWNegativeSampling"),
        pytest.param(_transformer_lm, 0, id="TransformerLM"),
    ],
)
def test_every_model_exports_every_word(tmp_path, make_model, padding_id):
    """Only the padding row is left out, and the words survive a file."""
    keras.utils.set_random_seed(0)
    model = make_model()
    assert model.padding_id == padding_id
    words = ["w0", "w1", "w2", "w3"]
    vocabulary = ["<pad>" if i == padding_id else w for i, w in enumerate(words)]
    expected = [w for i, w in enumerate(words) if i != padding_id]
    matrix = model.get_embeddings()
    assert matrix.shape[0] == 4

    word_vectors = export.to_word_vectors(model, vocabulary)
    assert list(word_vectors) == expected
    rows = [i for i in range(4) if i != padding_id]
    np.testing.assert_array_equal(np.stack(list(word_vectors.values())), matrix[rows])

    # Round trip through the word2vec file: the same words, the same vectors.
    path = export.save_word2vec(tmp_path / "vectors.txt", word_vectors)
    assert_same_vectors(
        export.load_word2vec(path),
        {w: v.astype("float32") for w, v in word_vectors.items()},
    )


def test_export_import_paths():
    """Every name importable from where it was, and the package's own modules."""
    from keras_embeddings.export import (  # noqa: F401
        id_word_pairs,
        load_npz,
        load_word2vec,
        save_npz,
        save_word2vec,
        to_embedding_matrix,
        to_keras_embedding,
        to_keyed_vectors,
        to_word_vectors,
        write_projector,
    )
    from keras_embeddings.export.formats import save_word2vec as formats_save
    from keras_embeddings.export.projector import write_projector as projector_write

    assert formats_save is save_word2vec and projector_write is write_projector
    for name in export.__all__:
        assert getattr(export, name).__doc__
    assert "atomic_open" not in export.__all__


def write_glove(path, word_vectors):
    """A GloVe-format file: gensim's word2vec text without the header line."""
    gensim_vectors(word_vectors).save_word2vec_format(path, binary=False)
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines[1:])
    return path


def test_load_word2vec_no_header_matches_gensim(tmp_path, word_vectors):
    path = write_glove(tmp_path / "glove.txt", word_vectors)
    kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
    ours = export.load_word2vec(path, no_header=True)
    assert list(ours) == kv.index_to_key == WORDS
    np.testing.assert_array_equal(np.stack(list(ours.values())), kv.vectors)
    # `binary=False` is accepted alongside, as in gensim.
    assert_same_vectors(export.load_word2vec(path, binary=False, no_header=True), ours)


def test_load_word2vec_no_header_line_endings(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_bytes(b"the 1 2\r\nof 3 4.5\r\n\r\n")  # CRLF and a blank last line
    assert_same_vectors(
        export.load_word2vec(path, no_header=True),
        {"the": np.array([1, 2], "float32"), "of": np.array([3, 4.5], "float32")},
    )


@pytest.mark.parametrize(
    ("content", "kwargs", "match"),
    [
        (b"the 1 2\nof 3 4\n", {}, "pass `no_header=True`"),
        (b"2 2\nthe 1 2\nof 3 4\n", {"no_header": True}, "`no_header=False`"),
        (b"the 1 2\nof 3\n", {"no_header": True}, "line 2 has 1 values instead of 2"),
        (b"the 1 2\n\nof 3 4\n", {"no_header": True}, "line 2 is empty"),
        (b"the 1 x\n", {"no_header": True}, "line 1 has a value that is not a"),
        (b"\n\n", {"no_header": True}, "is empty"),
        (b"the\n", {"no_header": True}, "is not a GloVe file"),
        (b"the 1 2\n", {"no_header": True, "binary": True}, "text files only"),
        (b"the 1 2\n", {"no_header": "yes"}, "`no_header`"),
    ],
)
def test_load_word2vec_no_header_errors(tmp_path, content, kwargs, match):
    path = tmp_path / "glove.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=match):
        export.load_word2vec(path, **kwargs)


def test_save_word2vec_without_header_is_glove(tmp_path, word_vectors):
    path = export.save_word2vec(
        tmp_path / "glove.txt", word_vectors, write_header=False
    )
    with_header = export.save_word2vec(tmp_path / "w2v.txt", word_vectors)
    lines = open(with_header, encoding="utf-8").read().splitlines(keepends=True)
    assert open(path, encoding="utf-8").read() == "".join(lines[1:])
    kv = KeyedVectors.load_word2vec_format(path, no_header=True)
    assert kv.index_to_key == WORDS
    np.testing.assert_array_equal(kv.vectors, np.stack(list(word_vectors.values())))
    assert_same_vectors(export.load_word2vec(path, no_header=True), word_vectors)
    with pytest.raises(InvalidInputError, match="`write_header=False`"):
        export.save_word2vec(tmp_path / "x.bin", word_vectors, True, write_header=False)


@pytest.mark.parametrize(
    "content, kwargs, match",
    [
        ("2 2\nking 1 2\nqueen nan 0.5\n", {}, r"line 3 \('queen'\) has a value"),
        ("2 2\nking inf 2\nqueen 1 0.5\n", {}, r"line 2 \('king'\) has a value"),
        ("king 1 2\nqueen 1e39 0\n", {"no_header": True}, r"line 2 \('queen'\)"),
    ],
    ids=["nan", "inf", "beyond-float32"],
)
def test_non_finite_values_are_refused_with_the_line(tmp_path, content, kwargs, match):
    path = tmp_path / "vectors.txt"
    path.write_text(content)
    with pytest.raises(InvalidInputError, match=match):
        export.load_word2vec(path, **kwargs)


def test_non_finite_binary_vector_is_refused(tmp_path):
    path = tmp_path / "vectors.bin"
    rows = np.array([[1.0, 2.0], [np.nan, 0.0]], dtype="<f4")
    path.write_bytes(
        b"2 2\n" + b"king " + rows[0].tobytes() + b"queen " + rows[1].tobytes()
    )
    with pytest.raises(InvalidInputError, match=r"vector 2 \('queen'\) has a value"):
        export.load_word2vec(path, binary=True)
    # The same bytes with finite values load: only the nan is refused.
    rows[1, 0] = 3.0
    path.write_bytes(
        b"2 2\n" + b"king " + rows[0].tobytes() + b"queen " + rows[1].tobytes()
    )
    np.testing.assert_array_equal(export.load_word2vec(path)["queen"], [3.0, 0.0])
