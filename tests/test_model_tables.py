"""The word2vec-family tables: `_tables.Uniform` drawn block by block.

The oracle is NumPy's one-shot draw, `default_rng(seed).uniform(lo, hi,
shape)`: the block-by-block table (in place under TensorFlow, a NumPy table
elsewhere) must equal it, whatever the block size. TensorFlow's in-place
path and its memory run in a subprocess, so they are checked under every
suite backend.
"""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_embeddings import models
from keras_embeddings.models import _tables

VOCABULARY = ["", "walk", "walked", "talk", "talked", "café", "東京"]


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 64 values: 8 rows of a table of 8 dimensions."""
    monkeypatch.setattr(_tables, "CHUNK_ELEMENTS", 64)


def _numpy(variable):
    return keras.ops.convert_to_numpy(variable)


def _oracle(initializer, shape):
    rng = np.random.default_rng(initializer.seed)
    return rng.uniform(initializer.minval, initializer.maxval, shape).astype("float32")


# Blocks of 8 rows, of 3 rows, and one block for the whole table.
@pytest.mark.parametrize("chunk", [64, 24, 1 << 20])
def test_uniform_is_one_stream_whatever_the_block_size(monkeypatch, chunk):
    monkeypatch.setattr(_tables, "CHUNK_ELEMENTS", chunk)
    init = _tables.Uniform(-0.25, 0.25, seed=7)
    table = _numpy(init((50, 8), "float32"))
    np.testing.assert_array_equal(table, _oracle(init, (50, 8)))
    starts = [start for start, _ in init.blocks((50, 8))]
    assert starts == list(range(0, 50, max(1, chunk // 8)))


def test_blocks_do_not_repeat_one_random_block(small_blocks):
    init = _tables.Uniform(-1.0, 1.0, seed=1)
    blocks = [values for _, values in init.blocks((40, 8))]
    assert len(blocks) == 5
    for a in range(len(blocks)):
        for b in range(a + 1, len(blocks)):
            assert not np.any(np.isclose(blocks[a], blocks[b], rtol=0, atol=1e-9))


def test_uniform_config_round_trip_and_seeding():
    init = _tables.Uniform(-0.5, 0.5)
    again = _tables.Uniform.from_config(init.get_config())
    assert init.get_config() == {"minval": -0.5, "maxval": 0.5, "seed": None}
    assert isinstance(again, _tables.Uniform)
    seeded = _tables.Uniform(-0.5, 0.5, seed=3)
    restored = keras.initializers.deserialize(keras.initializers.serialize(seeded))
    np.testing.assert_array_equal(_numpy(restored((3, 2))), _numpy(seeded((3, 2))))


@pytest.mark.parametrize("model_class", [models.SkipGram, models.CBOWNegativeSampling])
def test_word2vec_tables(small_blocks, model_class):
    keras.utils.set_random_seed(0)
    model = model_class(2000, 8, negatives=2)
    model.build(None)
    target = _numpy(model.target_embedding.embeddings)
    init = model.target_embedding.embeddings_initializer
    bound = 0.5 / 8  # word2vec's
    assert (init.minval, init.maxval) == (-bound, bound)
    np.testing.assert_array_equal(target, _oracle(init, (2000, 8)))
    assert np.abs(target).max() <= bound
    # Uniform in [-b, b]: mean 0, variance b^2 / 3 (16,000 values).
    n, variance = target.size, bound**2 / 3
    assert abs(target.mean()) < 5 * np.sqrt(variance / n)
    assert target.var() == pytest.approx(variance, rel=0.05)
    assert not np.any(_numpy(model.context_embedding.embeddings))  # zeros


def test_same_seed_same_tables_other_seed_other_tables(small_blocks):
    def tables(seed):
        keras.utils.set_random_seed(seed)
        model = models.SkipGram(300, 8)
        model.build(None)
        return _numpy(model.target_embedding.embeddings)

    np.testing.assert_array_equal(tables(1), tables(1))
    assert not np.allclose(tables(1), tables(2))


def test_fasttext_tables(small_blocks):
    keras.utils.set_random_seed(0)
    model = models.FastText(
        len(VOCABULARY), 8, negatives=2, bucket=50, vocabulary=VOCABULARY
    )
    model.build(None)
    bound = 1.0 / 8  # fastText's: twice word2vec's
    for layer in (model.target_embedding, model.ngram_embedding):
        init, table = layer.embeddings_initializer, _numpy(layer.embeddings)
        assert (init.minval, init.maxval) == (-bound, bound)
        np.testing.assert_array_equal(table, _oracle(init, table.shape))
    seeds = {model.target_embedding.embeddings_initializer.seed}
    seeds.add(model.ngram_embedding.embeddings_initializer.seed)
    assert len(seeds) == 2  # two tables, two streams
    assert not np.any(_numpy(model.context_embedding.embeddings))


_TENSORFLOW_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import keras
    from keras_embeddings import models
    from keras_embeddings.models import _tables

    def status(field):  # VmRSS: resident now; VmHWM: peak of this process
        # (ru_maxrss would start at the parent's peak: it survives exec).
        with open("/proc/self/status") as f:
            line = next(line for line in f if line.startswith(field + ":"))
        return int(line.split()[1]) * 1024

    # The in-place path with blocks of 3 rows; values as NumPy's one draw.
    _tables.CHUNK_ELEMENTS = 24
    keras.utils.set_random_seed(0)
    model = models.SkipGram(50, 8)
    model.build(None)
    init = model.target_embedding.embeddings_initializer
    expected = np.random.default_rng(init.seed).uniform(-1 / 16, 1 / 16, (50, 8))
    table = keras.ops.convert_to_numpy(model.target_embedding.embeddings)
    np.testing.assert_array_equal(table, expected.astype("float32"))
    assert not np.any(keras.ops.convert_to_numpy(model.context_embedding.embeddings))
    variable = model.target_embedding.embeddings.value
    assert variable.dtype.name == "float32" and variable.shape == (50, 8)

    # Memory: two 200,000 x 100 float32 tables (160 MB). Keras'
    # RandomUniform raised the peak by about 1.6x that.
    _tables.CHUNK_ELEMENTS = 1 << 20
    keras.ops.zeros((2, 2))
    before = status("VmRSS")
    models.SkipGram(200_000, 100).build(None)
    grown = status("VmHWM") - before
    print("GROWN", grown / 160e6)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_tensorflow_fills_large_tables_in_place():
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", _TENSORFLOW_SCRIPT],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    grown = float(done.stdout.split("GROWN")[-1])
    assert grown < 1.35, done.stdout  # the tables and small blocks, no full copies


def test_mixed_precision_built_by_the_first_call(small_blocks):
    # Built lazily by the first call; the tables stay float32 under
    # `mixed_float16` and still hold the draw.
    keras.utils.set_random_seed(0)
    model = models.SkipGram(100, 8, negatives=1, dtype="mixed_float16")
    ids = np.array([1, 2])
    logits = model((ids, ids, np.array([[3], [4]])))
    assert tuple(logits.shape) == (2, 2)
    variable = model.target_embedding.embeddings
    assert keras.backend.standardize_dtype(variable.dtype) == "float32"
    init = model.target_embedding.embeddings_initializer
    np.testing.assert_array_equal(_numpy(variable), _oracle(init, (100, 8)))
