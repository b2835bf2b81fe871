"""distribute.workers: data-parallel training on two worker processes.

The slow tests start two real workers on 127.0.0.1 (TensorFlow through
`TF_CONFIG` and `MultiWorkerMirroredStrategy`, JAX through
`keras.distribution.initialize`), each training a SkipGram on its shard of a
corpus file. Oracles: the two workers' weights agree, and they equal one
process's training on the concatenated batches (what data parallelism
promises); only the chief's output folder exists, complete.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from worker_processes import TIMEOUT, free_port, run_together, worker_env

from keras_embeddings.distribute import workers
from keras_embeddings.distribute.workers import WorkerInfo
from keras_embeddings.errors import InvalidInputError

# One script, two roles: `worker` (joins the cluster from its environment),
# `oracle` (one process, both shards' batches concatenated). Batches are
# made before training from a fresh dataset, so both roles see the same ones.
_SCRIPT = """
import json, os, sys
import numpy as np
from keras_embeddings.distribute import workers as ke_workers
from keras_embeddings.errors import InvalidInputError

role, corpus, out = sys.argv[1:4]
if role == "worker":
    started = ke_workers.start_workers()  # first: before any TF/JAX work
import keras
import tensorflow as tf
from keras_embeddings import datasets, export, models, text

STEPS, BATCH = 4, 16
texts = list(text.read_corpus(corpus))
tokenizer = text.Tokenizer()
tokenizer.fit_on_texts(texts)  # every worker: the same vocabulary
vocabulary = tokenizer.get_vocabulary()


def batches(index, count):
    shard = texts[index::count]  # documents index, index + count, ...
    ds = datasets.word2vec_dataset(
        tokenizer.texts_to_sequences(shard), len(vocabulary), batch_size=BATCH,
        sample=0, negatives=2, shared_negatives=4, seed=index)
    it = iter(ds.repeat())
    return [next(it) for _ in range(STEPS)]


def as_dataset(steps):
    stacked = tf.nest.map_structure(lambda *t: tf.stack(t), *steps)
    return tf.data.Dataset.from_tensor_slices(stacked)


def model_weights(model):
    return np.concatenate([np.asarray(w) for w in model.get_weights()])


def build(steps_per_execution):
    keras.utils.set_random_seed(0)
    model = models.SkipGram(len(vocabulary), embedding_dim=8, negatives=2,
                            vocabulary=vocabulary)
    model.compile(steps_per_execution=steps_per_execution)
    return model


if role == "worker":
    info = started.info
    refused = None
    if keras.backend.backend() == "tensorflow":
        # Keras 3.15's multi-step loop fails across TensorFlow workers.
        with started.scope():
            model = build(steps_per_execution=2)
        try:
            started.fit(model, as_dataset(batches(0, 1)), steps_per_epoch=STEPS)
        except InvalidInputError as error:
            refused = str(error)
    with started.scope():
        model = build(steps_per_execution=1 if refused else 2)
    started.fit(model, as_dataset(batches(info.index, info.count)),
                steps_per_epoch=STEPS, epochs=1, verbose=0)
    np.save(os.path.join(out, f"weights-{info.index}.npy"), model_weights(model))
    with ke_workers.output_folder(os.path.join(out, "run")) as folder:
        # Every worker saves (on JAX a save computes on arrays that span
        # all processes); the others' folder is temporary.
        os.makedirs(folder, exist_ok=True)
        model.save(os.path.join(folder, "model.keras"))
        export.save_word2vec(os.path.join(folder, "vectors.txt"),
                             export.to_word_vectors(model))
        with open(os.path.join(out, f"folder-{info.index}.json"), "w") as f:
            json.dump({"folder": folder, "info": list(info), "refused": refused,
                       "replicas": model.distribute_strategy.num_replicas_in_sync
                       if keras.backend.backend() == "tensorflow" else None}, f)
else:
    model = build(steps_per_execution=1)
    model.build(None)
    initial = model_weights(model)
    one, two = batches(0, 2), batches(1, 2)
    joined = [tf.nest.map_structure(lambda a, b: tf.concat([a, b], 0), a, b)
              for a, b in zip(one, two)]
    model.fit(as_dataset(joined), epochs=1, verbose=0)
    saved = keras.saving.load_model(os.path.join(out, "run", "model.keras"))
    np.savez(os.path.join(out, "oracle.npz"), initial=initial,
             final=model_weights(model), saved=model_weights(saved))
"""


def _corpus(path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(12)]
    lines = [" ".join(rng.choice(words, size=rng.integers(5, 12))) for _ in range(30)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(commands, tmp_path, name):
    """Start `(argv, env)` processes together; fail (killing all) unless
    every one exits 0 within `TIMEOUT`."""
    codes, texts = run_together(commands, tmp_path, name)
    assert codes == [0] * len(commands), "\n----\n".join(texts)


def _train_two_workers(tmp_path, backend):
    script, corpus = tmp_path / "train.py", tmp_path / "corpus.txt"
    script.write_text(textwrap.dedent(_SCRIPT), encoding="utf-8")
    _corpus(corpus)
    ports = [free_port(), free_port()]
    commands = []
    for index in range(2):
        if backend == "tensorflow":
            cluster = [f"127.0.0.1:{port}" for port in ports]
            config = {
                "cluster": {"worker": cluster},
                "task": {"type": "worker", "index": index},
            }
            env = worker_env(backend, TF_CONFIG=json.dumps(config))
        else:
            env = worker_env(
                backend,
                KERAS_DISTRIBUTION_JOB_ADDRESSES=f"127.0.0.1:{ports[0]}",
                KERAS_DISTRIBUTION_NUM_PROCESSES="2",
                KERAS_DISTRIBUTION_PROCESS_ID=str(index),
            )
        argv = [sys.executable, str(script), "worker", str(corpus), str(tmp_path)]
        commands.append((argv, env))
    _run(commands, tmp_path, "worker")
    argv = [sys.executable, str(script), "oracle", str(corpus), str(tmp_path)]
    _run([(argv, worker_env(backend))], tmp_path, "oracle")

    chief, other = (
        json.loads((tmp_path / f"folder-{i}.json").read_text()) for i in range(2)
    )
    assert chief["info"] == [0, 2, True] and other["info"] == [1, 2, False]
    if backend == "tensorflow":
        assert chief["replicas"] == other["replicas"] == 2
        assert "steps_per_execution=1" in chief["refused"]
        assert "steps_per_execution=2" in chief["refused"]
    # The chief wrote the outputs; the other worker's folder is gone.
    assert chief["folder"] == str(tmp_path / "run")
    assert sorted(os.listdir(tmp_path / "run")) == ["model.keras", "vectors.txt"]
    assert not os.path.exists(other["folder"])
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]

    weights = [np.load(tmp_path / f"weights-{i}.npy") for i in range(2)]
    oracle = np.load(tmp_path / "oracle.npz")
    # Data parallel: the replicas stayed equal, and equal to one process
    # training on both workers' batches at once; and they trained.
    np.testing.assert_allclose(weights[0], weights[1], rtol=0, atol=1e-6)
    np.testing.assert_allclose(weights[0], oracle["final"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(oracle["saved"], weights[0], rtol=0, atol=0)
    assert np.abs(oracle["final"] - oracle["initial"]).max() > 1e-3


@pytest.mark.slow
@pytest.mark.in_suite("tensorflow")
def test_two_tensorflow_workers_train_in_step(tmp_path):
    _train_two_workers(tmp_path, "tensorflow")


@pytest.mark.slow
@pytest.mark.in_suite("jax")
def test_two_jax_workers_train_in_step(tmp_path):
    _train_two_workers(tmp_path, "jax")


def _tf_config(task_type, index, chief=0, workers=2, **others):
    cluster = {"worker": [f"10.0.0.{i}:1" for i in range(workers)], **others}
    if chief:
        cluster["chief"] = ["10.0.0.9:1"]
    return json.dumps({"cluster": cluster, "task": {"type": task_type, "index": index}})


def test_tf_config_gives_index_count_and_chief():
    assert workers._tf_config_info(_tf_config("worker", 0)) == (0, 2, True)
    assert workers._tf_config_info(_tf_config("worker", 1)) == (1, 2, False)
    # With a "chief" task, it is the chief and index 0; workers follow.
    assert workers._tf_config_info(_tf_config("chief", 0, chief=1)) == (0, 3, True)
    assert workers._tf_config_info(_tf_config("worker", 0, chief=1)) == (1, 3, False)
    assert workers._tf_config_info("{}") == (0, 1, True)


@pytest.mark.parametrize(
    "text, words",
    [
        ("{not json", "not valid JSON"),
        (_tf_config("worker", 2), "not one of the cluster's 2 tasks"),
        (_tf_config("worker", 0, ps=["10.0.0.8:1"]), "names ps tasks"),
    ],
)
def test_bad_tf_config_is_refused_by_name(text, words):
    with pytest.raises(InvalidInputError, match="TF_CONFIG") as error:
        workers._tf_config_info(text)
    assert words in str(error.value)


def test_keras_distribution_variables_give_index_and_count():
    env = {
        "KERAS_DISTRIBUTION_NUM_PROCESSES": "3",
        "KERAS_DISTRIBUTION_PROCESS_ID": "2",
    }
    assert workers._jax_env_info(env) == (2, 3, False)
    assert workers._jax_env_info({}) == (0, 1, True)
    for bad in (
        {**env, "KERAS_DISTRIBUTION_PROCESS_ID": "3"},
        {**env, "KERAS_DISTRIBUTION_NUM_PROCESSES": "two"},
    ):
        with pytest.raises(InvalidInputError, match="KERAS_DISTRIBUTION_"):
            workers._jax_env_info(bad)


def test_worker_info_reads_the_backends_launch_configuration(monkeypatch):
    import keras

    monkeypatch.setenv("TF_CONFIG", _tf_config("worker", 1))
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "4")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "3")
    expected = {"tensorflow": (1, 2, False), "jax": (3, 4, False)}
    info = workers.worker_info()
    assert info == expected.get(keras.backend.backend(), (0, 1, True))
    assert workers.is_chief() is info.is_chief


def test_addresses_are_checked():
    assert workers._addresses("a:1, b:2", None, 1) == (["a:1", "b:2"], 2, 1)
    with pytest.raises(
        InvalidInputError, match="names 2 workers but `num_processes` is 3"
    ):
        workers._addresses("a:1,b:2", 3, 0)
    with pytest.raises(InvalidInputError, match="`process_id` must be"):
        workers._addresses("a:1,b:2", 2, 2)


def test_only_the_chief_keeps_what_it_writes(tmp_path, monkeypatch):
    out = tmp_path / "run"
    with workers.output_folder(out) as folder:
        assert folder == out
    monkeypatch.setattr(
        workers, "_STARTED", workers.Workers(WorkerInfo(1, 2, False), None)
    )
    assert workers.worker_info() == (1, 2, False)
    with workers.output_folder(out) as folder:
        (Path(folder) / "model.keras").write_text("x")
    assert not os.path.exists(folder) and not out.exists()
    with pytest.raises(RuntimeError), workers.output_folder(out) as folder:
        raise RuntimeError("training failed")
    assert not os.path.exists(folder)


@pytest.mark.slow
@pytest.mark.in_suite("torch")
def test_pytorch_is_refused_naming_the_backend(tmp_path):
    code = (
        "from keras_embeddings.distribute.workers import start_workers\n"
        "from keras_embeddings.errors import InvalidInputError\n"
        "try:\n    start_workers('127.0.0.1:1,127.0.0.1:2', 2, 0)\n"
        "except InvalidInputError as error:\n    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=worker_env("torch"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "not available on the torch backend" in result.stdout
    assert "KERAS_BACKEND=tensorflow or KERAS_BACKEND=jax" in result.stdout
