"""distribute.devices: data and model parallel training on one process's devices.

Each backend runs in its own subprocess on virtual CPUs (JAX:
`--xla_force_host_platform_device_count=4`; TensorFlow: four logical CPUs),
so the file passes whatever backend the suite runs under. The oracle is the
single-device step from the same weights and batch.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_embeddings import distribute, models
from keras_embeddings.distribute._layout import _check_divides, table_axes
from keras_embeddings.errors import InvalidInputError

# One SkipGram step from fixed weights and a fixed batch of 8, in one process
# and under each strategy; every script prints one JSON line last.
_STEP = """
import contextlib, json, os, sys
import numpy as np
{setup}
import keras
from keras_embeddings import distribute, models
from keras_embeddings.errors import InvalidInputError

V, D, B, K = 16, 4, 8, 2
rng = np.random.default_rng(0)
x = (rng.integers(1, V, B), rng.integers(1, V, B), rng.integers(1, V, (B, K)))
y = np.zeros((B, 1 + K), "float32")
y[:, 0] = 1.0
init = [np.random.default_rng(i).normal(size=(V, D)).astype("float32")
        for i in (1, 2)]


def step(chosen=None, vocabulary_size=V, **compile_kwargs):
    with chosen or contextlib.nullcontext():
        model = models.SkipGram(vocabulary_size, D, negatives=K)
        model.build(None)
        model.set_weights(init)
        model.compile(learning_rate=0.1, **compile_kwargs)
        model.fit(x, y, batch_size=B, epochs=1, shuffle=False, verbose=0)
    return model


def fit_corpus(chosen=None, initial_epoch=0, fasttext=False):
    # The CLI's path: a seeded tf.data dataset, several steps (16 per call
    # on JAX), the model's own compile defaults.
    from keras_embeddings.datasets import word2vec_dataset

    dataset = word2vec_dataset([list(range(1, V))] * 4, V, window_size=2,
                               negatives=K, sample=0, batch_size=16,
                               shared_negatives=4, seed=0,
                               initial_epoch=initial_epoch)
    with chosen or contextlib.nullcontext():
        if chosen is not None:
            dataset = chosen.prepare_dataset(dataset)
        if fasttext:
            words = [""] + ["w%dab" % i for i in range(1, V)]
            model = models.FastText(V, D, negatives=K, vocabulary=words, bucket=64)
            model.build(None)
        else:
            model = models.SkipGram(V, D, negatives=K)
            model.build(None)
            model.set_weights(init)
        model.compile()
        model.fit(dataset, epochs=2, verbose=0)
    return model


# One next-token step (Embedding + LSTM + softmax, Adam) on 8 windows of 5.
lm_x = rng.integers(1, V, (B, 5))
lm_y = rng.integers(1, V, B)


def lm_step(chosen=None):
    with chosen or contextlib.nullcontext():
        lm = models.NextTokenModel(V, D, 8, sequence_length=5)
        lm.build((None, 5))
        lm.set_weights([np.random.default_rng(i).normal(size=w.shape).astype("float32")
                        for i, w in enumerate(lm.weights)])
        lm.compile(optimizer=keras.optimizers.Adam(0.01))
        lm.fit(lm_x, lm_y, batch_size=B, epochs=1, shuffle=False, verbose=0)
    return lm


def diff(model, other):
    return max(float(np.abs(a - b).max())
               for a, b in zip(model.get_weights(), other.get_weights()))


def refused(make):
    try:
        make()
    except InvalidInputError as error:
        return str(error)
    return None


out = {{"devices": distribute.list_devices()}}
base = step()
out["moved"] = max(float(np.abs(a - b).max())
                   for a, b in zip(base.get_weights(), init))
lm_base = lm_step()
{body}
print(json.dumps(out))
"""

_JAX_SETUP = """
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
"""

_JAX_BODY = """
corpus_base = fit_corpus()
data_parallel = distribute.strategy("data")
out["data"] = diff(base, step(data_parallel))
out["corpus_data"] = diff(corpus_base, fit_corpus(data_parallel))
model_parallel = distribute.strategy("model")
out["corpus_model"] = diff(corpus_base, fit_corpus(model_parallel))
out["lm_data"] = diff(lm_base, lm_step(data_parallel))
out["lm_model"] = diff(lm_base, lm_step(model_parallel))
sharded = step(model_parallel)
out["model"] = diff(base, sharded)
out["shards"] = {v.path.split("/", 1)[1]:
                 [list(s.data.shape) for s in v.value.addressable_shards]
                 for v in sharded.weights}
out["describe"] = model_parallel.describe(sharded)
mixed = distribute.strategy("model", model_parallel=2)  # mesh (2, 2)
both = step(mixed)
out["mixed"] = diff(base, both)
out["mixed_shards"] = [list(s.data.shape) for s in
                       both.target_embedding.embeddings.value.addressable_shards]
with model_parallel:
    lm = models.NextTokenModel(16, 4, 8)
    lm.build((None, 5))
out["lm_shards"] = {v.path.split("/", 1)[1]:
                    list(v.value.addressable_shards[0].data.shape)
                    for v in lm.weights}
with model_parallel:
    sharded.save(sys.argv[1])
np.savez(sys.argv[2], *sharded.get_weights())
out["indivisible"] = refused(lambda: step(model_parallel, vocabulary_size=10))
out["batch"] = refused(lambda: model_parallel.check_batch_size(6))
out["data_batch"] = refused(lambda: distribute.strategy("data").check_batch_size(6))
out["after"] = repr(keras.distribution.distribution())
import tensorflow as tf
from keras_embeddings.datasets import word2vec_dataset
ragged = tf.data.Dataset.from_tensor_slices(
    (np.ones((10, 3), "int32"), np.ones((10,), "int32"))).batch(4)
out["kept"] = [int(x.shape[0]) for x, _ in data_parallel.prepare_dataset(ragged)]
two_rows = word2vec_dataset([list(range(1, V))] * 4, V, batch_size=16,
                            shared_negatives=8, seed=0)
out["two_rows"] = refused(lambda: data_parallel.prepare_dataset(two_rows))
"""

_TF_SETUP = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 4)
"""

_TF_BODY = """
mirrored = distribute.strategy("data")
replicated = step(mirrored)  # the models' own compile defaults
out["data"] = diff(base, replicated)
out["lm_data"] = diff(lm_base, lm_step(mirrored))
# Keras' TensorFlow trainer takes one batch from a fresh iterator before
# training under a strategy (`_maybe_symbolic_build`): that starts a pass of
# the dataset's draws, so epoch e trains on the draws of pass e + 1.
out["corpus_data"] = diff(fit_corpus(initial_epoch=1), fit_corpus(mirrored))
keras.utils.set_random_seed(0)
fasttext_base = fit_corpus(initial_epoch=1, fasttext=True)
keras.utils.set_random_seed(0)
out["fasttext_data"] = diff(fasttext_base, fit_corpus(mirrored, fasttext=True))
out["replicas"] = mirrored.engine.num_replicas_in_sync
out["jit_compile"] = replicated.jit_compile
out["describe"] = mirrored.describe(replicated)
with mirrored:
    replicated.save(sys.argv[1])
np.savez(sys.argv[2], *replicated.get_weights())
single = os.path.join(os.path.dirname(sys.argv[1]), "single.keras")
base.save(single)  # XLA, 16 steps per call
with mirrored:  # loaded under a strategy: the strategy's compile defaults
    reloaded = keras.saving.load_model(single, safe_mode=True)
out["reloaded"] = [reloaded.jit_compile, reloaded.steps_per_execution]
out["model_mode"] = refused(lambda: distribute.strategy("model"))
"""

_TORCH_BODY = """
out["data_mode"] = refused(lambda: distribute.strategy("data"))
out["model_mode"] = refused(lambda: distribute.strategy("model"))
"""


def _run(backend, setup, body, tmp_path):
    script = tmp_path / "step.py"
    script.write_text(textwrap.dedent(_STEP.format(setup=setup, body=body)))
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("XLA_FLAGS", None)
    saved, weights = tmp_path / "model.keras", tmp_path / "weights.npz"
    result = subprocess.run(
        [sys.executable, str(script), str(saved), str(weights)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), saved, weights


def _reloads_on_one_device(saved, weights):
    # In this process, on whatever backend the suite runs: one device.
    model = keras.saving.load_model(saved, safe_mode=True)
    expected = np.load(weights)
    for index, value in enumerate(model.get_weights()):
        np.testing.assert_array_equal(value, expected[f"arr_{index}"])


@pytest.mark.slow
@pytest.mark.in_suite("jax")
def test_jax_data_and_model_parallel_steps_equal_the_single_device_step(tmp_path):
    out, saved, weights = _run("jax", _JAX_SETUP, _JAX_BODY, tmp_path)
    assert out["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert out["moved"] > 0.01  # the step did something to compare
    assert out["data"] < 1e-6
    assert out["model"] < 1e-6
    assert out["mixed"] < 1e-6
    assert out["corpus_data"] < 1e-5  # two epochs of the CLI's dataset
    assert out["corpus_model"] < 1e-5
    assert out["lm_data"] < 1e-5  # the next-token model (Adam: 1e-6 steps)
    assert out["lm_model"] < 1e-5
    # Rows split over the 4 devices of the "model" axis; (2, 2) mesh: over 2.
    assert out["shards"] == {
        "target_embedding/embeddings": [[4, 4]] * 4,
        "context_embedding/embeddings": [[4, 4]] * 4,
    }
    assert out["mixed_shards"] == [[8, 4]] * 4
    # The language model: input table by rows, output layer by columns,
    # the LSTM replicated.
    assert out["lm_shards"]["embedding/embeddings"] == [4, 4]
    assert out["lm_shards"]["logits/kernel"] == [8, 4]
    assert out["lm_shards"]["logits/bias"] == [4]
    assert out["lm_shards"]["lstm/lstm_cell/kernel"] == [4, 32]
    text = out["describe"]
    assert "keras.distribution.ModelParallel (jax)" in text
    assert "shape (1, 4), axes ('batch', 'model'): cpu:0, cpu:1, cpu:2, cpu:3" in text
    assert (
        "/target_embedding/embeddings (16, 4) float32: rows split 4 "
        "ways over 'model', (4, 4) per device"
    ) in text
    assert "multiple of 4 (" in out["indivisible"] and "e.g. 8" in out["indivisible"]
    assert "target_embedding" in out["indivisible"]
    assert out["batch"] is None  # mesh (1, 4): batches are not split
    assert "multiple of 4" in out["data_batch"]
    assert out["after"] == "None"  # the strategy restored Keras' distribution
    assert out["kept"] == [4, 4]  # the last batch of 2 cannot split 4 ways
    assert "input 2" in out["two_rows"] and "(2, 5)" in out["two_rows"]
    _reloads_on_one_device(saved, weights)


@pytest.mark.slow
@pytest.mark.in_suite("tensorflow")
def test_tensorflow_mirrored_step_equals_the_single_device_step(tmp_path):
    out, saved, weights = _run("tensorflow", _TF_SETUP, _TF_BODY, tmp_path)
    assert out["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert out["replicas"] == 4
    assert out["moved"] > 0.01
    assert out["data"] < 1e-6
    assert out["corpus_data"] < 1e-5
    assert out["lm_data"] < 1e-5  # the next-token model
    assert out["fasttext_data"] < 1e-5  # its ids reach Keras' build as floats
    assert out["jit_compile"] is False  # XLA cannot run under MirroredStrategy
    assert out["reloaded"] == [False, 1]
    assert "tf.distribute.MirroredStrategy (tensorflow)" in out["describe"]
    assert "replicated on 4 devices, (16, 4) per device" in out["describe"]
    assert "KERAS_BACKEND=jax" in out["model_mode"]
    assert "--distribute data" in out["model_mode"]
    _reloads_on_one_device(saved, weights)


@pytest.mark.slow
@pytest.mark.in_suite("torch")
def test_torch_refuses_both_modes_naming_what_to_use(tmp_path):
    out, _, _ = _run("torch", "", _TORCH_BODY, tmp_path)
    for message in (out["data_mode"], out["model_mode"]):
        assert "PyTorch backend" in message
        assert "KERAS_BACKEND=jax" in message


def test_layout_rules_pick_the_vocabulary_tables_of_each_model():
    skipgram = models.SkipGram(16, 4)
    fasttext = models.FastText(4, 4, vocabulary=["", "a", "bb", "ccc"], bucket=16)
    language_model = models.NextTokenModel(16, 4, 8)
    skipgram.build(None)
    fasttext.build(None)
    language_model.build((None, 5))
    picked = {
        v.path.split("/", 1)[1]: table_axes(v.path)
        for model in (skipgram, fasttext, language_model)
        for v in model.weights
        if table_axes(v.path)
    }
    assert picked == {
        "target_embedding/embeddings": ("model", None),
        "context_embedding/embeddings": ("model", None),
        "ngram_embedding/embeddings": ("model", None),
        "embedding/embeddings": ("model", None),
        "logits/kernel": (None, "model"),
        "logits/bias": ("model",),
    }
    assert table_axes("lm/embedding/position_embedding/embeddings") is None
    assert table_axes("lm/embedding/token_embedding/embeddings") == ("model", None)


def test_uneven_tables_are_refused_with_the_remedy():
    sizes = {"batch": 1, "model": 4}
    _check_divides("m/target_embedding/embeddings", (16, 4), ("model", None), sizes)
    with pytest.raises(InvalidInputError, match=r"multiple of 4 .*e.g. 8"):
        _check_divides("m/target_embedding/embeddings", (10, 4), ("model", None), sizes)
    with pytest.raises(InvalidInputError, match="n-gram bucket"):
        _check_divides("m/ngram_embedding/embeddings", (9, 4), ("model", None), sizes)
    with pytest.raises(InvalidInputError, match="columns"):
        _check_divides("m/logits/kernel", (8, 10), (None, "model"), sizes)


def test_bad_arguments_are_refused():
    with pytest.raises(InvalidInputError, match="`mode` must be one of"):
        distribute.strategy("pipeline")
    with pytest.raises(InvalidInputError, match="`strategy` must be"):
        distribute.describe("data")
    if keras.backend.backend() == "torch":
        return  # both modes refused there (test above)
    with pytest.raises(InvalidInputError, match="Visible"):
        distribute.strategy("data", devices=["cpu:99"])
    with pytest.raises(InvalidInputError, match="`model_parallel` is for mode"):
        distribute.strategy("data", model_parallel=2)
