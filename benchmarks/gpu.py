"""Training steps per second on this machine's GPU, float32 against mixed_float16.

Prints the device (the GPU's name, or "no GPU"), then the training steps per
second of three models in float32 and under `dtype="mixed_float16"`:

- the main job's `NextTokenModel` (`keras-embeddings train` defaults:
  5,000 ids, 64-d embedding, LSTM 128, batches of 128 contexts of 8 words);
- `SkipGram` (the word2vec recipe's defaults: 100-d, 5 negatives shared by
  32 examples, batches of 4,096 pairs; 10,000 ids);
- `TransformerLM` (its defaults: 64-d, 2 blocks of 2 heads, feed-forward
  128; the main job's ids, contexts and batches);

and whether the LSTM ran Keras' cuDNN kernel. `--large` scales the models
up (512-d, LSTM 1024, 4 blocks of 8 heads, 64-word contexts, 20,000 ids,
batches of 512), where tensor cores have enough work to show.

Each model trains `--warmup` steps first (tracing, XLA compilation, cuDNN
autotuning) and then `--steps` timed steps in one `fit` call, on one
synthetic batch repeated (random ids, right-padded contexts of random
lengths: the speed of a step does not depend on the words), so no input
pipeline is timed. Steps whose float16 gradients overflow are skipped by
loss scaling but cost the same time, so they count.

How the cuDNN path is detected: Keras' `LSTM` asks the backend's `lstm()`
for its fused kernel, which raises `NotImplementedError` when it cannot use
cuDNN (no GPU, an unsupported configuration, or, on JAX and PyTorch, any
mask); this script wraps that function (`keras.src.backend.lstm`, private)
while the model is traced and reports whether it returned. On TensorFlow
it also looks for the `CudnnRNNV3` op in the traced graph.

Without a GPU it says so, runs the CPU figures with fewer steps (float16
is emulated on a CPU, so mixed precision is slower there: they show that it
runs, not how fast a GPU is) and exits 0; `--no-cpu` skips them.

    python benchmarks/gpu.py [--steps N] [--warmup N] [--large] [--no-cpu]
    KERAS_BACKEND=jax python benchmarks/gpu.py
"""

import argparse
import contextlib
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

POLICIES = ("float32", "mixed_float16")
CONFIGS = {
    "default": dict(
        vocabulary_size=5000, sequence_length=8, batch_size=128, embedding_dim=64,
        hidden_dim=128, num_heads=2, intermediate_dim=128, num_layers=2,
        w2v_vocabulary_size=10000, w2v_dim=100, w2v_batch_size=4096,
    ),
    "large": dict(
        vocabulary_size=20000, sequence_length=64, batch_size=512, embedding_dim=512,
        hidden_dim=1024, num_heads=8, intermediate_dim=2048, num_layers=4,
        w2v_vocabulary_size=100000, w2v_dim=512, w2v_batch_size=16384,
    ),
}  # fmt: skip
NEGATIVES, SHARED = 5, 32


def gpu_name():
    """The first GPU's name on the current backend, or None."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if not gpus:
            return None
        details = tf.config.experimental.get_device_details(gpus[0])
        return details.get("device_name", gpus[0].name)
    if backend == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        return gpus[0].device_kind if gpus else None
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return None


@contextlib.contextmanager
def watch_cudnn(seen):
    """Record in `seen` whether Keras' fused (cuDNN) LSTM kernel ran:
    True when the backend's `lstm()` returned, False when it declined."""
    from keras.src import backend

    original = backend.lstm

    def lstm(*args, **kwargs):
        try:
            out = original(*args, **kwargs)
        except NotImplementedError:
            seen.append(False)
            raise
        seen.append(True)
        return out

    backend.lstm = lstm
    try:
        yield
    finally:
        backend.lstm = original


def tensorflow_graph_has_cudnn(model, shape):
    """Whether the traced TensorFlow training forward pass holds CudnnRNNV3."""
    import tensorflow as tf

    function = tf.function(lambda x: model(x, training=True))
    graph = function.get_concrete_function(tf.TensorSpec(shape, tf.int32)).graph
    definition = graph.as_graph_def()
    ops = {node.op for node in definition.node}
    for library_function in definition.library.function:
        ops |= {node.op for node in library_function.node_def}
    return "CudnnRNNV3" in ops


def contexts(rng, rows, length, vocabulary_size):
    """Right-padded contexts of 1..length real ids (what the LSTM's cuDNN
    kernel accepts: right padding, no empty row)."""
    ids = rng.integers(1, vocabulary_size, size=(rows, length))
    lengths = rng.integers(1, length + 1, size=(rows, 1))
    return np.where(np.arange(length)[None, :] < lengths, ids, 0).astype("int32")


def next_token_batch(rng, c):
    x = contexts(rng, c["batch_size"], c["sequence_length"], c["vocabulary_size"])
    y = rng.integers(1, c["vocabulary_size"], size=c["batch_size"]).astype("int32")
    return x, y


def skipgram_batch(rng, c):
    n, v = c["w2v_batch_size"], c["w2v_vocabulary_size"]
    targets = rng.integers(1, v, size=n).astype("int32")
    positives = rng.integers(1, v, size=n).astype("int32")
    negatives = rng.integers(1, v, size=(n // SHARED, NEGATIVES)).astype("int32")
    labels = np.zeros((n, 1 + NEGATIVES), "float32")
    labels[:, 0] = 1.0
    return (targets, positives, negatives), labels


def make_model(name, c, dtype):
    from keras_embeddings import models

    if name == "next-token LSTM":
        model = models.NextTokenModel(
            c["vocabulary_size"], embedding_dim=c["embedding_dim"],
            hidden_dim=c["hidden_dim"], dropout=0.2,
            sequence_length=c["sequence_length"], dtype=dtype,
        )  # fmt: skip
        model.compile(optimizer=keras.optimizers.Adam(3e-3))
    elif name == "skip-gram":
        model = models.SkipGram(
            c["w2v_vocabulary_size"], c["w2v_dim"], negatives=NEGATIVES, dtype=dtype
        )
        model.compile()  # the recipe's SGD; XLA on TensorFlow
    else:
        model = models.TransformerLM(
            c["vocabulary_size"], c["sequence_length"],
            embedding_dim=c["embedding_dim"], num_heads=c["num_heads"],
            intermediate_dim=c["intermediate_dim"], num_layers=c["num_layers"],
            dtype=dtype,
        )  # fmt: skip
        model.compile(optimizer=keras.optimizers.Adam(3e-3))
    return model


def steps_per_second(name, c, dtype, steps, warmup, cudnn=None):
    """Timed training steps per second, after `warmup` untimed steps."""
    import tensorflow as tf  # tf.data feeds every backend

    rng = np.random.default_rng(0)
    batch = skipgram_batch(rng, c) if name == "skip-gram" else next_token_batch(rng, c)
    data = tf.data.Dataset.from_tensors(batch).repeat()
    keras.utils.set_random_seed(0)
    model = make_model(name, c, dtype)
    watch = watch_cudnn(cudnn) if cudnn is not None else contextlib.nullcontext()
    if name == "skip-gram" and keras.backend.backend() != "torch":
        warmup = max(warmup, 16)  # one call of its 16 steps per execution
    with watch:
        model.fit(data, epochs=1, steps_per_epoch=warmup, shuffle=False, verbose=0)
    if cudnn is not None and keras.backend.backend() == "tensorflow":
        shape = (c["batch_size"], c["sequence_length"])
        cudnn.append(("graph", tensorflow_graph_has_cudnn(model, shape)))
    started = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=steps, shuffle=False, verbose=0)
    return steps / (time.perf_counter() - started)


def describe_cudnn(seen):
    backend = keras.backend.backend()
    calls = [s for s in seen if isinstance(s, bool)]
    graph = [s[1] for s in seen if isinstance(s, tuple)]
    if not calls:
        return "no (Keras never asked the backend for its fused LSTM kernel)"
    used = all(calls)  # float32 and mixed_float16 alike
    how = "the backend's fused lstm() returned" if used else "lstm() declined"
    if graph:
        how += f"; CudnnRNNV3 in the traced graph: {'yes' if all(graph) else 'no'}"
    reasons = []
    if not used and gpu_name() is None:
        reasons.append("no GPU")
    if not used and backend in ("jax", "torch"):
        reasons.append(
            f"{backend} runs cuDNN for unmasked inputs only; these are masked"
        )
    if reasons:
        how += f": {'; '.join(reasons)}"
    return f"{'yes' if used else 'no'} ({how})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, help="timed steps (GPU 200, CPU 16)")
    parser.add_argument(
        "--warmup", type=int, help="untimed steps first (GPU 16, CPU 2)"
    )
    parser.add_argument("--large", action="store_true", help="scaled-up models")
    parser.add_argument("--no-cpu", action="store_true", help="no CPU figures")
    args = parser.parse_args(argv)

    gpu = gpu_name()
    backend = keras.backend.backend()
    print(f"Keras {keras.__version__}, backend {backend}")
    if gpu is None:
        print("Device: no GPU found.", end=" ")
        if args.no_cpu:
            print("Nothing to measure (--no-cpu).")
            return 0
        print(
            "CPU figures follow (float16 is emulated on a CPU: mixed precision "
            "is slower there, which is expected)."
        )
    else:
        print(f"Device: {gpu}")
    steps = args.steps or (200 if gpu else 16)
    warmup = args.warmup or (16 if gpu else 2)
    if backend != "torch" and steps % 16:
        steps += 16 - steps % 16  # word2vec runs 16 steps per call
    config = CONFIGS["large" if args.large else "default"]
    print(
        f"Config: {'large' if args.large else 'default'} {config}; {steps} timed "
        f"steps after {warmup} warm-up steps, one synthetic batch repeated."
    )
    print(
        f"{'model':<18}{'float32':>12}{'mixed_float16':>15}{'speed-up':>10}  (steps/s)"
    )
    cudnn = []
    for name in ("next-token LSTM", "skip-gram", "transformer LM"):
        rates = [
            steps_per_second(
                name,
                config,
                dtype,
                steps,
                warmup,
                cudnn=cudnn if name == "next-token LSTM" else None,
            )
            for dtype in POLICIES
        ]
        print(
            f"{name:<18}{rates[0]:>12.1f}{rates[1]:>15.1f}{rates[1] / rates[0]:>9.2f}x",
            flush=True,
        )
    print(f"cuDNN LSTM kernel used: {describe_cudnn(cudnn)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
