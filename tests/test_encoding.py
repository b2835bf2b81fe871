import contextlib

import keras
import numpy as np
import pytest
from helpers import float64_precision

from keras_embeddings import text
from keras_embeddings.errors import InvalidInputError
from keras_embeddings.text import one_hot, one_hot_vs_embedding

# The CBOW notebook's vocabulary (§2.3.1, `get_dict` sorts the words).
WORD2IND = {"am": 0, "because": 1, "happy": 2, "i": 3, "learning": 4}

# ----------------------------------------------------------------- one_hot


def test_one_hot_matches_keras_ops_and_eye():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 7, size=(3, 4))
    encoded = one_hot(ids, 7)
    assert encoded.shape == (3, 4, 7)
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded, np.eye(7, dtype="float32")[ids])
    expected = keras.ops.convert_to_numpy(keras.ops.one_hot(ids, 7))
    np.testing.assert_array_equal(encoded, expected)
    # One 1 per id, at the id.
    np.testing.assert_array_equal(encoded.sum(axis=-1), np.ones((3, 4)))
    np.testing.assert_array_equal(encoded.argmax(axis=-1), ids)


def test_one_hot_shapes_and_dtypes():
    np.testing.assert_array_equal(one_hot(2, 4), [0, 0, 1, 0])
    assert one_hot(np.int64(2), 4).shape == (4,)
    assert one_hot([], 4).shape == (0, 4)
    assert one_hot(np.zeros((2, 0), "int32"), 4).shape == (2, 0, 4)
    assert one_hot([0, 1], 1000).shape == (2, 1000)
    assert one_hot(np.array([1], "uint8"), 3).tolist() == [[0, 1, 0]]
    for dtype in ("float16", "float64", "int8", "bool"):
        encoded = one_hot([[1, 0, 2]], 3, dtype=dtype)
        assert encoded.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(encoded, np.eye(3)[[[1, 0, 2]]])
    # Tensors from Keras work as ids too.
    ids = keras.ops.convert_to_tensor([[3, 1]], dtype="int32")
    np.testing.assert_array_equal(one_hot(ids, 4), np.eye(4)[[[3, 1]]])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"ids": [1, 5], "vocabulary_size": 5}, r"\[0, 5\); found the id 5 at"),
        ({"ids": [[0, 1], [2, -1]], "vocabulary_size": 5}, r"id -1 at index \(1, 1\)"),
        ({"ids": [1.0, 2.0], "vocabulary_size": 5}, r"integers.*float64.*astype"),
        ({"ids": ["happy"], "vocabulary_size": 5}, r"texts_to_sequences"),
        ({"ids": [True], "vocabulary_size": 5}, r"`ids` must be integers"),
        ({"ids": [[1], [1, 2]], "vocabulary_size": 5}, r"rectangular.*pad_sequences"),
        ({"ids": [1], "vocabulary_size": 0}, r"vocabulary_size=0"),
        ({"ids": [1], "vocabulary_size": 2.0}, r"vocabulary_size=2.0"),
        ({"ids": [1], "vocabulary_size": True}, r"vocabulary_size=True"),
        ({"ids": [1], "vocabulary_size": 3, "dtype": "float99"}, r"dtype='float99'"),
        ({"ids": [1], "vocabulary_size": 3, "dtype": "str"}, r"`dtype`"),
    ],
)
def test_one_hot_rejects_bad_input(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        one_hot(**kwargs)


def test_one_hot_error_echoes_big_inputs_briefly():
    with pytest.raises(InvalidInputError) as info:
        one_hot([0.5] * 10_000, 5)
    assert len(str(info.value)) < 300


def test_cbow_notebook_one_hot_vectors():
    # §2.3.2: word_to_one_hot_vector('happy'), ('learning').
    V = len(WORD2IND)
    np.testing.assert_array_equal(one_hot(WORD2IND["happy"], V), [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(one_hot(WORD2IND["learning"], V), [0, 0, 0, 0, 1])


@pytest.mark.parametrize(
    "context, expected",
    [
        # §2.3.3, cells [31] and [32], and the third window of §2.4.
        (["i", "am", "because", "i"], [0.25, 0.25, 0.0, 0.5, 0.0]),
        (["am", "happy", "i", "am"], [0.5, 0.0, 0.25, 0.25, 0.0]),
        (["happy", "because", "am", "learning"], [0.25, 0.25, 0.25, 0.0, 0.25]),
    ],
)
def test_cbow_notebook_context_vectors(context, expected):
    ids = [WORD2IND[word] for word in context]
    np.testing.assert_array_equal(one_hot(ids, len(WORD2IND)).mean(axis=0), expected)


def test_cbow_notebook_windows_from_the_text_pipeline():
    tokens = text.tokenize("I am happy because I am learning")
    word2ind = {word: i for i, word in enumerate(sorted(set(tokens)))}
    assert word2ind == WORD2IND
    averages = [
        one_hot([word2ind[w] for w in context], len(word2ind)).mean(axis=0)
        for context, _ in text.context_windows(tokens, 2)
    ]
    np.testing.assert_array_equal(
        averages,
        [[0.25, 0.25, 0, 0.5, 0], [0.5, 0, 0.25, 0.25, 0], [0.25, 0.25, 0.25, 0, 0.25]],
    )


# ----------------------------------------------------- one_hot_vs_embedding


def test_report_for_a_real_vocabulary_by_hand():
    report = one_hot_vs_embedding(50_000, 2_000_000, embedding_dim=100)
    assert report.one_hot_values == 100_000_000_000
    assert report.one_hot_bytes == 400_000_000_000  # 400 GB
    assert report.one_hot_nonzeros == 2_000_000
    assert report.one_hot_sparsity == pytest.approx(0.99998, abs=1e-12)
    assert report.id_dtype == "int32"
    assert report.id_bytes == 8_000_000  # 8 MB
    assert report.embedding_parameters == 5_000_000
    assert report.embedding_bytes == 20_000_000  # 20 MB
    assert report.matmul_multiply_adds == 10**13
    assert report.lookup_copies == 2 * 10**8
    assert report.memory_ratio == 50_000
    assert report.work_ratio == 50_000
    table = str(report)
    for figure in (
        "2,000,000 tokens",
        "400 GB",
        "8 MB",
        "20 MB",
        "99.9980% zeros",
        "10,000,000,000,000 multiply-adds",
        "200,000,000 copies",
        "50,000x the memory",
    ):
        assert figure in table, figure


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
def test_report_matches_real_arrays_and_layers(dtype):
    vocabulary_size, corpus_length, embedding_dim = 13, 29, 6
    report = one_hot_vs_embedding(
        vocabulary_size, corpus_length, embedding_dim=embedding_dim, dtype=dtype
    )
    ids = np.random.default_rng(1).integers(0, vocabulary_size, size=corpus_length)
    encoded = one_hot(ids, vocabulary_size, dtype=dtype)
    assert encoded.size == report.one_hot_values
    assert encoded.nbytes == report.one_hot_bytes
    assert np.count_nonzero(encoded) == report.one_hot_nonzeros
    assert np.mean(encoded == 0) == pytest.approx(report.one_hot_sparsity)
    assert ids.astype(report.id_dtype).nbytes == report.id_bytes

    # float64 weights need JAX's 64-bit mode (JAX makes them float32 otherwise).
    precision = float64_precision() if dtype == "float64" else contextlib.nullcontext()
    with precision:
        embedding = keras.layers.Embedding(vocabulary_size, embedding_dim, dtype=dtype)
        embedding.build((None,))
        table = keras.ops.convert_to_numpy(embedding.embeddings)
    assert table.dtype == np.dtype(dtype)
    assert embedding.count_params() == report.embedding_parameters
    assert table.nbytes == report.embedding_bytes
    # A Dense layer on one-hot inputs holds the same table.
    dense = keras.layers.Dense(embedding_dim, use_bias=False)
    dense.build((None, vocabulary_size))
    assert dense.count_params() == report.embedding_parameters
    # (N, V) @ (V, D): N * D outputs, each a sum of V products.
    assert encoded.shape[0] * table.size == report.matmul_multiply_adds
    assert (encoded @ table).size == report.lookup_copies


def test_report_is_exact_for_huge_sizes():
    # 1.2e23 bytes of one-hot: the report computes sizes, it allocates nothing.
    report = one_hot_vs_embedding(3 * 10**9, 10**13, embedding_dim=10**4)
    # Beyond int64: Python ints keep every digit.
    assert report.one_hot_bytes == 4 * 3 * 10**22
    assert report.matmul_multiply_adds == 3 * 10**26
    assert report.id_dtype == "int64"  # ids up to 3e9 - 1 overflow int32
    assert report.id_bytes == 8 * 10**13
    assert "int64" in str(report)
    assert one_hot_vs_embedding(2**31, 1).id_dtype == "int32"
    assert one_hot_vs_embedding(2**31 + 1, 1).id_dtype == "int64"


def test_report_small_table_and_units():
    table = str(one_hot_vs_embedding(12, 23, embedding_dim=10))
    assert "276 float32" in table
    assert "1.1 kB" in table
    assert "92 B" in table
    assert "91.6667% zeros" in table
    assert "2,760 multiply-adds" in table
    assert "12x the memory" in table


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((0, 10), {}, "vocabulary_size=0"),
        ((10, 0), {}, "corpus_length=0"),
        ((10, 2.5), {}, "corpus_length=2.5"),
        ((10, 10), {"embedding_dim": -1}, "embedding_dim=-1"),
        ((10, 10), {"embedding_dim": True}, "embedding_dim=True"),
        ((10, 10), {"dtype": "nope"}, "dtype='nope'"),
    ],
)
def test_report_rejects_bad_input(args, kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        one_hot_vs_embedding(*args, **kwargs)


# ------------------------------------------ Embedding(ids) == one_hot(ids) @ W


def test_embedding_equals_one_hot_matmul():
    keras.utils.set_random_seed(0)
    vocabulary_size, embedding_dim = 17, 5
    layer = keras.layers.Embedding(vocabulary_size, embedding_dim)
    ids = np.random.default_rng(0).integers(0, vocabulary_size, size=(4, 6))
    looked_up = keras.ops.convert_to_numpy(layer(ids))  # (batch, length, dim)
    W = keras.ops.convert_to_numpy(layer.embeddings)  # (vocabulary_size, dim)
    assert looked_up.shape == (4, 6, embedding_dim)
    # Each product is w or 0 and each sum adds zeros to one w: exact.
    np.testing.assert_array_equal(looked_up, one_hot(ids, vocabulary_size) @ W)
    np.testing.assert_array_equal(looked_up, W[ids])


def _twin_models(vocabulary_size, embedding_dim, length):
    """The same model twice: an Embedding on ids, a bias-free Dense on one-hot."""
    ids = keras.Input((length,), dtype="int32")
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, name="table")(ids)
    x = keras.layers.GlobalAveragePooling1D()(x)  # (batch, embedding_dim)
    lookup = keras.Model(ids, keras.layers.Dense(1, name="head")(x))

    one_hots = keras.Input((length, vocabulary_size))
    x = keras.layers.Dense(embedding_dim, use_bias=False, name="table")(one_hots)
    x = keras.layers.GlobalAveragePooling1D()(x)
    matmul = keras.Model(one_hots, keras.layers.Dense(1, name="head")(x))

    # A copy: on JAX, assigning one variable's array to another shares its
    # buffer, which a compiled step of the first model donates and deletes.
    table = keras.ops.convert_to_numpy(lookup.get_layer("table").embeddings)
    matmul.get_layer("table").kernel.assign(table)
    matmul.get_layer("head").set_weights(lookup.get_layer("head").get_weights())
    for model in (lookup, matmul):
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    return lookup, matmul


def test_one_sgd_step_moves_only_looked_up_rows_like_one_hot_matmul():
    keras.utils.set_random_seed(0)
    vocabulary_size, embedding_dim, batch, length = 20, 4, 4, 6
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 12, size=(batch, length))  # rows 12..19 never used
    targets = rng.normal(size=(batch, 1)).astype("float32")
    lookup, matmul = _twin_models(vocabulary_size, embedding_dim, length)
    encoded = one_hot(ids, vocabulary_size)
    np.testing.assert_allclose(
        lookup.predict(ids, verbose=0), matmul.predict(encoded, verbose=0), rtol=1e-6
    )
    before = keras.ops.convert_to_numpy(lookup.get_layer("table").embeddings)

    lookup.train_on_batch(ids, targets)
    matmul.train_on_batch(encoded, targets)

    after = keras.ops.convert_to_numpy(lookup.get_layer("table").embeddings)
    moved = np.flatnonzero(np.any(after != before, axis=1))
    np.testing.assert_array_equal(moved, np.unique(ids))
    unused = np.setdiff1d(np.arange(vocabulary_size), ids)
    assert len(unused) >= 8
    np.testing.assert_array_equal(after[unused], before[unused])
    # The one-hot model's W took the very same step (repeated ids add up).
    after_matmul = keras.ops.convert_to_numpy(matmul.get_layer("table").kernel)
    np.testing.assert_allclose(after, after_matmul, rtol=1e-5, atol=1e-7)
    for old, new in zip(
        lookup.get_layer("head").get_weights(), matmul.get_layer("head").get_weights()
    ):
        np.testing.assert_allclose(old, new, rtol=1e-5, atol=1e-7)
