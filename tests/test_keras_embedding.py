"""`export.to_keras_embedding` / `to_embedding_matrix`, and the pretrained
initial table (`embeddings_initializer=`, `trainable_embeddings=`) of the
next-token models."""

import json

import keras
import numpy as np
import pytest

from keras_embeddings import export
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.models import NextTokenModel, NGramLanguageModel, TransformerLM

TEXTS = [
    "The king and the queen rule the land.",
    "A jester amuses the king; the queen laughs.",
    "The land is wide and the king is old.",
]


@pytest.fixture
def word_vectors():
    """Vectors for most of the texts' words, plus words the texts lack."""
    rng = np.random.default_rng(0)
    words = ["the", "king", "queen", "and", "land", "is", "rule", "apple", "pear"]
    return {w: v for w, v in zip(words, rng.normal(size=(len(words), 4)), strict=True)}


def keras_io_matrix(word_index, vectors, num_tokens):
    """keras.io's "Using pre-trained word embeddings" loop: the oracle."""
    matrix = np.zeros((num_tokens, 4))
    for word, i in word_index.items():
        if i < num_tokens and word in vectors:
            matrix[i] = vectors[word]
    return matrix


def test_matrix_follows_legacy_tokenizer_ids(word_vectors):
    import tf_keras

    tokenizer = tf_keras.preprocessing.text.Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(TEXTS)
    word_index = tokenizer.word_index
    matrix, missing = export.to_embedding_matrix(
        word_vectors, word_index, missing="zeros"
    )
    expected = keras_io_matrix(word_index, word_vectors, len(word_index) + 1)
    np.testing.assert_allclose(matrix, expected, rtol=1e-6)
    assert matrix.dtype == np.float32
    assert missing == [
        w
        for w, _ in sorted(word_index.items(), key=lambda p: p[1])
        if w not in word_vectors
    ]
    assert "<unk>" in missing and "jester" in missing and "the" not in missing


def test_vocabulary_size_drops_ids_beyond_it(word_vectors):
    word_index = {"the": 1, "king": 2, "queen": 3, "pear": 4, "jester": 5}
    matrix, missing = export.to_embedding_matrix(
        word_vectors, word_index, vocabulary_size=4, missing="zeros"
    )
    np.testing.assert_allclose(matrix, keras_io_matrix(word_index, word_vectors, 4))
    assert missing == []


@pytest.mark.parametrize("missing", ["mean", "zeros", "random"])
def test_missing_words_rows(word_vectors, missing):
    vocabulary = ["", "king", "jester", "queen", "fool"]
    matrix, missing_words = export.to_embedding_matrix(
        word_vectors, vocabulary, missing=missing, seed=3
    )
    assert missing_words == ["jester", "fool"]
    np.testing.assert_array_equal(matrix[0], 0.0)  # the padding row
    np.testing.assert_allclose(matrix[1], word_vectors["king"], rtol=1e-6)
    all_vectors = np.stack(list(word_vectors.values()))
    if missing == "mean":  # of every vector, not only the vocabulary's
        np.testing.assert_allclose(matrix[[2, 4]], [all_vectors.mean(0)] * 2, 1e-5)
    elif missing == "zeros":
        np.testing.assert_array_equal(matrix[[2, 4]], 0.0)
    else:
        again, _ = export.to_embedding_matrix(
            word_vectors, vocabulary, missing="random", seed=3
        )
        other, _ = export.to_embedding_matrix(
            word_vectors, vocabulary, missing="random", seed=4
        )
        np.testing.assert_array_equal(matrix, again)  # seeded
        assert not np.allclose(matrix[2], other[2])
        assert not np.allclose(matrix[2], matrix[4])


def test_random_rows_have_the_vectors_spread():
    rng = np.random.default_rng(1)
    vectors = {f"w{i}": rng.normal(5.0, 2.0, size=3) for i in range(2000)}
    vocabulary = ["", "w0"] + [f"new{i}" for i in range(2000)]
    matrix, _ = export.to_embedding_matrix(vectors, vocabulary, missing="random")
    np.testing.assert_allclose(matrix[2:].mean(0), [5.0] * 3, atol=0.2)
    np.testing.assert_allclose(matrix[2:].std(0), [2.0] * 3, atol=0.2)


def test_no_padding_row_and_index_word(word_vectors):
    matrix, _ = export.to_embedding_matrix(
        word_vectors, ["king", "queen"], padding_id=None
    )
    np.testing.assert_allclose(matrix[0], word_vectors["king"], rtol=1e-6)
    by_id, _ = export.to_embedding_matrix(word_vectors, {1: "king", 2: "queen"})
    np.testing.assert_allclose(by_id[1:], matrix, rtol=1e-6)


@pytest.mark.parametrize("source", ["keyed_vectors", "word2vec", "binary", "glove"])
def test_every_word_vector_source_gives_the_same_matrix(tmp_path, word_vectors, source):
    vocabulary = ["", "queen", "jester", "the"]
    expected, _ = export.to_embedding_matrix(word_vectors, vocabulary)
    if source == "keyed_vectors":
        value = export.to_keyed_vectors(word_vectors)
    else:
        value = export.save_word2vec(
            tmp_path / "v.txt", word_vectors, binary=source == "binary"
        )
        if source == "glove":  # drop the "count dim" line
            lines = (tmp_path / "v.txt").read_text().splitlines(keepends=True)
            (tmp_path / "v.txt").write_text("".join(lines[1:]))
    matrix, missing = export.to_embedding_matrix(value, vocabulary)
    np.testing.assert_array_equal(matrix, expected)
    assert missing == ["jester"]


def test_keras_embedding_layer(word_vectors):
    vocabulary = ["", "king", "jester", "queen"]
    layer = export.to_keras_embedding(word_vectors, vocabulary, name="glove")
    matrix, _ = export.to_embedding_matrix(word_vectors, vocabulary)
    assert isinstance(layer, keras.layers.Embedding) and layer.name == "glove"
    assert (layer.input_dim, layer.output_dim) == (4, 4)
    assert layer.built and not layer.trainable and layer.mask_zero
    assert layer.trainable_weights == []
    assert layer.missing_words == ["jester"]
    np.testing.assert_array_equal(layer.get_weights()[0], matrix)
    ids = np.array([[1, 3, 0]])
    np.testing.assert_allclose(np.asarray(layer(ids))[0], matrix[[1, 3, 0]])
    assert np.asarray(layer.compute_mask(ids)).tolist() == [[True, True, False]]
    # The config does not carry the table.
    assert len(json.dumps(keras.saving.serialize_keras_object(layer))) < 2000


def test_keras_embedding_options(word_vectors):
    layer = export.to_keras_embedding(
        word_vectors, ["king", "queen"], padding_id=None, trainable=True
    )
    assert layer.trainable and not layer.mask_zero
    assert len(layer.trainable_weights) == 1
    with pytest.raises(InvalidInputError, match="`mask_zero=True`"):
        export.to_keras_embedding(
            word_vectors, ["king", "queen"], padding_id=None, mask_zero=True
        )


def test_frozen_layer_stays_in_a_downstream_model(tmp_path, word_vectors):
    keras.utils.set_random_seed(0)
    layer = export.to_keras_embedding(word_vectors, ["", "king", "queen", "land"])
    before = layer.get_weights()[0]
    model = keras.Sequential(
        [
            keras.Input((3,), dtype="int32"),
            layer,
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(2),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    dense_before = model.layers[-1].get_weights()[0]
    model.fit(np.array([[1, 2, 0], [3, 1, 2]]), np.ones((2, 2)), epochs=2, verbose=0)
    np.testing.assert_array_equal(layer.get_weights()[0], before)
    assert not np.allclose(model.layers[-1].get_weights()[0], dense_before)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded.layers[0].get_weights()[0], before)
    assert not loaded.layers[0].trainable


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"missing": "median"}, "`missing`"),
        ({"seed": -1}, "`seed`"),
        ({"vocabulary_size": 0}, "`vocabulary_size`"),
        ({"padding_id": -1}, "`padding_id`"),
        ({"vocabulary": ["", "KING", "QUEEN"]}, "None of the 2 words"),
        ({"vocabulary": ["", "king", 7]}, "must be a str"),
        ({"vocabulary": ["", "king"], "vocabulary_size": 5}, "2 entries"),
        ({"word_vectors": [1.0, 2.0]}, "`word_vectors` must be a dict"),
    ],
)
def test_bad_arguments(word_vectors, kwargs, match):
    arguments = {"word_vectors": word_vectors, "vocabulary": ["", "king"], **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        export.to_embedding_matrix(**arguments)


def test_missing_file_is_reported(tmp_path):
    from keras_embeddings.errors import MissingInputError

    with pytest.raises(MissingInputError, match="does not exist"):
        export.to_keras_embedding(tmp_path / "glove.6B.100d.txt", ["", "king"])


# ------------------------------------------------------------- model tables

V, D, LENGTH = 12, 4, 3


def next_token_model(**kwargs):
    return NextTokenModel(
        V, embedding_dim=D, hidden_dim=5, sequence_length=LENGTH, **kwargs
    )


def transformer_lm(**kwargs):
    return TransformerLM(
        V,
        LENGTH,
        embedding_dim=D,
        num_heads=1,
        intermediate_dim=8,
        num_layers=1,
        **kwargs,
    )


def ngram_lm(**kwargs):
    return NGramLanguageModel(
        V, sequence_length=LENGTH, embedding_dim=D, hidden_dim=5, **kwargs
    )


MODELS = [next_token_model, transformer_lm, ngram_lm]


def table():
    return np.random.default_rng(7).normal(size=(V, D)).astype("float32")


def data():
    rng = np.random.default_rng(0)
    return rng.integers(1, V, size=(16, LENGTH)), rng.integers(1, V, size=(16,))


def non_embedding_weights(model):
    return [
        np.array(w)
        for w in model.trainable_weights
        if "embedding" not in w.path or "position" in w.path
    ]


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "as_", ["array", "constant", "layer"], ids=["array", "Constant", "Embedding"]
)
def test_initial_table_is_the_given_matrix(make, as_):
    matrix = table()
    value = {
        "array": matrix,
        "constant": keras.initializers.Constant(matrix),
        "layer": keras.layers.Embedding(V, D, weights=matrix),
    }[as_]
    model = make(embeddings_initializer=value)
    np.testing.assert_array_equal(model.get_embeddings(), matrix)
    # The config holds no matrix: the table is saved with the weights.
    config = model.get_config()
    assert config["embeddings_initializer"] is None
    assert len(json.dumps(config)) < 3000


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_frozen_table_stays_while_the_rest_trains(tmp_path, make):
    keras.utils.set_random_seed(0)
    matrix = table()
    model = make(embeddings_initializer=matrix, trainable_embeddings=False)
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    x, y = data()
    model.get_embeddings()  # builds every model, TransformerLM included
    others = non_embedding_weights(model)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    np.testing.assert_array_equal(model.get_embeddings(), matrix)
    after = non_embedding_weights(model)
    assert len(after) == len(others) > 0
    assert all(not np.allclose(a, b) for a, b in zip(after, others, strict=True))

    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert loaded.trainable_embeddings is False
    np.testing.assert_array_equal(loaded.get_embeddings(), matrix)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    # Training the loaded model still leaves the table alone.
    loaded.compile(optimizer=keras.optimizers.Adam(0.05))
    loaded.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(loaded.get_embeddings(), matrix)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_fine_tuned_table_moves_and_round_trips(tmp_path, make):
    keras.utils.set_random_seed(0)
    matrix = table()
    model = make(embeddings_initializer=matrix)  # trainable_embeddings=True
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    tuned = model.get_embeddings()
    assert not np.allclose(tuned, matrix)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert loaded.trainable_embeddings is True
    np.testing.assert_array_equal(loaded.get_embeddings(), tuned)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_initializer_is_kept_in_the_config(make):
    model = make(embeddings_initializer=keras.initializers.Constant(0.5))
    np.testing.assert_array_equal(model.get_embeddings(), 0.5)
    clone = type(model).from_config(model.get_config())
    np.testing.assert_array_equal(clone.get_embeddings(), 0.5)
    assert clone.trainable_embeddings is True


def test_keras_embedding_feeds_a_next_token_model(word_vectors):
    vocabulary = ["", "the", "king", "queen", "jester", "land"]
    layer = export.to_keras_embedding(word_vectors, vocabulary)
    model = NextTokenModel(
        len(vocabulary),
        embedding_dim=4,
        hidden_dim=3,
        vocabulary=vocabulary,
        embeddings_initializer=layer,
        trainable_embeddings=False,
    )
    np.testing.assert_array_equal(model.get_embeddings(), layer.get_weights()[0])
    vectors = export.to_word_vectors(model)
    np.testing.assert_allclose(vectors["queen"], word_vectors["queen"], rtol=1e-6)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.zeros((V, D + 1)), r"\(12, 4\).*Pass `embedding_dim=5`"),
        (np.zeros((V - 1, D)), r"shape \(11, 4\).*padding row"),
        (np.zeros(V), r"shape \(12,\)"),
        (np.full((V, D), np.nan), "NaN"),
        ("no_such_initializer", "`embeddings_initializer` must be"),
        ({"the": [1.0, 2.0]}, "`embeddings_initializer` must be"),
        (keras.layers.Embedding(V, D), "has no table yet"),
    ],
    ids=["dim", "rows", "1-D", "nan", "name", "dict", "unbuilt"],
)
def test_bad_initial_table(make, value, match):
    with pytest.raises(InvalidInputError, match=match):
        make(embeddings_initializer=value)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_trainable_embeddings_must_be_a_bool(make):
    with pytest.raises(InvalidInputError, match="`trainable_embeddings`"):
        make(trainable_embeddings="no")
