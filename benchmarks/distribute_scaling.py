"""Skip-gram on many devices and two workers: words/s against one device.

Trains `models.SkipGram` (100 dimensions, window 5, 5 negatives, `sample`
1e-3, SGD) on the csc321 sentences (`raw_sentences.txt`: 97k sentences, the
248 words of `min_count` 5; read from `--data`, `../shared/data/csc321`
beside the repository; the benchmark says so and stops if it is absent)
with the same global batch in every configuration (4096 pairs,
`shared_negatives=32`), each in fresh processes:

- JAX: one device, no distribution (the anchor); `distribute.strategy("data")`
  (`keras.distribution.DataParallel`) on 1, 2 and 4 virtual CPU devices
  (`XLA_FLAGS=--xla_force_host_platform_device_count=N`);
  `strategy("model")` (`ModelParallel`, both tables split by rows, mesh
  `(1, N)`) on 2 and 4;
- TensorFlow: one device compiled as the word2vec models compile under a
  strategy (no XLA, one step per call: the anchor), one with the default
  compile (`tf-1-xla`: XLA, 16 steps per call), `strategy("data")`
  (`MirroredStrategy`) on 1, 2 and 4 logical CPU devices;
- two worker processes on 127.0.0.1 (`distribute.start_workers` from
  `TF_CONFIG` / `KERAS_DISTRIBUTION_*`, then `Workers.fit`;
  `MultiWorkerMirroredStrategy` / `jax.distributed` with gloo), each on its
  half of the sentences with half the batch.

A first `fit` traces and compiles the step; a second is timed. Printed per
configuration: ms per step (the slower worker's on the worker rows);
words/s, the corpus words of an epoch (after `min_count`, before
subsampling, as `word2vec_vs_gensim.py` counts) over its steps, 3,181 words
per step here; the ratio to the anchor of the same backend; the process's
CPU ms per step; the two tables' bytes on one device (JAX: from the
variables' shards); and, for JAX, the collectives of the compiled train step
(Keras' `train_step` jitted as `fit` jits it, `.lower(...).compile()
.as_text()`, each op's result bytes). `--table-rows 100000` (the default
runs both sizes) gives the tables 100,000 rows, rows past the vocabulary
never used: the step's arithmetic is the same, only what is table-sized
grows.

**What the figures mean.** This machine has 2 CPU cores, shared with other
jobs: the load average (printed) was 7 to 8 during the runs below, and
wall ms per step is often twice the process's CPU ms, so figures move by
tens of percent between runs. The virtual devices are threads on those same
2 cores and the workers two processes on them, talking over loopback TCP: a
split cannot go faster here, so a ratio measures what splitting and
synchronizing cost on top of the same arithmetic (an upper bound: real
devices do their slices at the same time), not the speed-up of real
devices.

Measured 2026-12-07 (TF 2.21, jax 0.10.2, Keras 3.15.1; 252-row tables
22:47-22:53 UTC, 200 timed steps; 100,000-row tables 22:59-23:08 UTC, 32
timed steps):

                       252 rows (the vocabulary)        100,000 rows
    configuration      words/s  ratio  ms/step  MB[a]   words/s  ratio  ms/step  MB[a]
    jax-1              734,537  1.00     4.3    0.20     19,330  1.00    164.6   80.0
    jax-data-1         268,995  0.37    11.8    0.20     14,994  0.78    212.2   80.0
    jax-data-2         485,442  0.66     6.6    0.20      4,911  0.25    647.8   80.0
    jax-data-4         354,419  0.48     9.0    0.20      2,204  0.11  1,443.6   80.0
    jax-model-2        378,918  0.52     8.4    0.10     16,273  0.84    195.5   40.0
    jax-model-4        158,893  0.22    20.0    0.05     31,422  1.63    101.2   20.0
    jax-workers-2      168,673  0.23    18.8    0.20      4,065  0.21    781.0   80.0
    tf-1               468,274  1.00     6.8    0.20     36,418  1.00     87.4   80.0
    tf-1-xla           802,567  1.71     4.0    0.20    128,629  3.53     24.7   80.0
    tf-data-1          214,268  0.46    14.8    0.20     49,202  1.35     64.7   80.0
    tf-data-2          194,537  0.42    16.4    0.20     29,802  0.82    106.7   80.0
    tf-data-4          108,543  0.23    29.3    0.20     15,998  0.44    198.9   80.0
    tf-workers-2       230,680  0.49    13.8    0.20     35,240  0.97     90.1   80.0

    [a] the two tables' MB on one device (model mode: its rows only).

**What crosses devices each step** (JAX read from the compiled HLO;
TensorFlow from the gradients that reach Keras' all-reduce, checked on 2
logical devices):

- JAX data: one all-reduce of the dense gradients, 3 x rows x dim floats
  (302 KB at 252 rows, 120 MB at 100,000) and three scalars. The gradient
  of `ops.take` on JAX is a scatter-add into a zero table, and XLA's SPMD
  partitioner all-reduces that whole table; the context table counts twice
  because its positive and negative scatter-adds are summed only after the
  all-reduce. Nothing sparse crosses devices. Hence 0.25 and 0.11 at
  100,000 rows, and the same on two workers (0.21, gloo over TCP).
- JAX model: one all-reduce of the rows the batch gathers (each device
  gathers the rows it holds, zeros elsewhere; the sum assembles them):
  (2 x batch + batch / shared_negatives x negatives) x dim floats, 3.5 MB
  at 4096 x 100, whatever the vocabulary. The gradients' scatter-adds stay
  on each device's own rows, so nothing table-sized moves, and each device's
  dense gradient and update cover only its 1/N of the rows: at 100,000 rows
  4 devices beat one (1.63) even on the same 2 cores. The mesh `(1, N)`
  does not split the batch: every device computes all of it.
- TensorFlow data: each replica's gradient is `tf.IndexedSlices` of its
  batch's ids (2,048 and 2,368 rows of 100 per replica on 2 devices at
  100,000 rows: `optimizers.sum_duplicate_slices` sums repeated ids first),
  or dense when it would not be larger (252 x 100 here);
  `MirroredStrategy` all-gathers the slices. Batch-sized either way: the
  ratio does not fall as the table grows (2 devices: 0.42 at 252 rows,
  0.82 at 100,000; JAX data: 0.66, 0.25). Its cost is elsewhere: no XLA
  under a strategy (`tf-1-xla` is 1.7x to 3.5x the anchor) and the
  strategy's own per-step work (`tf-data-1`, one replica: 0.46 at 252
  rows; its 1.35 at 100,000 rows we cannot explain, beyond this machine's
  noise).

**What to expect on real GPUs** (not measured: no GPU here). Data
parallelism multiplies words/s by up to the device count while the
per-device step stays large against what is exchanged. On TensorFlow that
exchange is batch-sized (the batch's rows of both tables, about 3.5 MB at
4096 x 100), small against NVLink, so near-linear scaling is the
expectation, but against a one-device run without XLA: the `tf-1-xla`
ratios above are what `MirroredStrategy` gives up before it splits
anything. On JAX, data mode exchanges 3 x rows x dim floats a step: 1.2 GB
at 1M x 100 is milliseconds even at NVLink's hundreds of GB/s, about a
whole one-GPU step, and a tenth of a second or more between machines on
10-100 Gb/s Ethernet; 36 GB at 10M x 300 rules it out. It pays only for
small tables (up to about 100,000 rows on GPUs, a guess from these
sizes). Model mode exchanges the gathered rows (batch-sized,
3.5 MB at 4096 x 100, 10.6 MB at 4096 x 300) and divides both the tables'
memory and the table-sized part of JAX's step by N, which dominates that
step for large vocabularies (one JAX device: 4.3 ms per step at 252 rows,
164.6 ms at 100,000): it is the JAX mode for large tables, for speed as
well as memory.

Every JAX run has a callback with a batch hook (`_sync_callback`), so
Keras reads each call's logs in the training thread. Without it (Keras then
reads them in a background thread), model mode on 2 or 4 virtual JAX CPU
devices aborted the process in 5 of 7 runs of 80 to 600 steps: XLA's
"Termination timeout for all reduce ... Expected 4 threads to join the
rendezvous, but only 3 of them arrived on time"; with it, none did.

Run (about 15 minutes here; `--quick`: 252 rows, one device and the
2-device rows without workers, 32 steps, under 2 minutes):

     python benchmarks/distribute_scaling.py [--data ../shared/data/csc321]
     [--steps 200] [--large-steps 32] [--batch-size 4096] [--dim 100]
     [--table-rows 0,100000] [--configs jax-1,jax-data-2,...] [--quick]
"""

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

DEFAULT_DATA = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "csc321"
)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WINDOW, NEGATIVES, SAMPLE, MIN_COUNT, SHARED_NEGATIVES = 5, 5, 1e-3, 5, 32
WARMUP = 32  # steps of the first fit, which traces and compiles the step
LARGE_WARMUP = 16  # the same for tables larger than the vocabulary: one call

# name: (backend, mode, devices, workers, compile kwargs). The ratio of each
# row is taken against the first row of its backend, its anchor.
CONFIGS = {
    "jax-1": ("jax", None, 1, 1, {}),
    "jax-data-1": ("jax", "data", 1, 1, {}),
    "jax-data-2": ("jax", "data", 2, 1, {}),
    "jax-data-4": ("jax", "data", 4, 1, {}),
    "jax-model-2": ("jax", "model", 2, 1, {}),
    "jax-model-4": ("jax", "model", 4, 1, {}),
    "jax-workers-2": ("jax", "workers", 1, 2, {}),
    # A strategy runs the word2vec models without XLA, one step per call:
    # the anchor runs the same way; "tf-1-xla" is the default compile.
    "tf-1": ("tensorflow", None, 1, 1, {"jit_compile": False, "steps_per_execution": 1}),
    "tf-1-xla": ("tensorflow", None, 1, 1, {}),
    "tf-data-1": ("tensorflow", "data", 1, 1, {}),
    "tf-data-2": ("tensorflow", "data", 2, 1, {}),
    "tf-data-4": ("tensorflow", "data", 4, 1, {}),
    "tf-workers-2": ("tensorflow", "workers", 1, 2, {}),
}  # fmt: skip
QUICK = ["jax-1", "jax-data-2", "jax-model-2", "tf-1", "tf-data-2"]


def read_sequences(data_dir, table_rows, index=0, count=1):
    """This worker's id sequences, the table's rows and the words they hold:
    the csc321 sentences (lowercased, split on spaces), words under
    `MIN_COUNT` dropped, ids by decreasing count, 0 for padding; the table
    has `table_rows` rows (at least the vocabulary, a multiple of 4 so that
    model mode splits it over 2 or 4 devices; rows past the vocabulary are
    never used)."""
    with open(os.path.join(data_dir, "raw_sentences.txt"), encoding="utf-8") as f:
        sentences = [line.lower().split() for line in f]
    counts = Counter(word for sentence in sentences for word in sentence)
    vocabulary = [""] + [w for w, c in counts.most_common() if c >= MIN_COUNT]
    ids = {w: i for i, w in enumerate(vocabulary)}
    sequences = [[ids[w] for w in s if w in ids] for s in sentences[index::count]]
    sequences = [s for s in sequences if s]
    rows = max(table_rows, len(vocabulary))
    return sequences, rows + -rows % 4, len(vocabulary) - 1


def collectives(text):
    """`{op: [count, bytes]}` of the collectives in compiled HLO text: the
    bytes of each op's result (for an all-reduce, what every device sends
    and receives in one step, up to the algorithm's factor)."""
    sizes = {"f32": 4, "s32": 4, "u32": 4, "bf16": 2, "f16": 2, "f64": 8, "s64": 8,
             "u8": 1, "pred": 1, "s8": 1}  # fmt: skip
    found = {}
    ops = "all-reduce|all-gather|reduce-scatter|collective-permute|all-to-all"
    for line in text.splitlines():
        match = re.search(rf"=\s*(.*?)\s({ops})(?:-start)?\(", line)
        if not match:
            continue
        nbytes = 0
        for dtype, dims in re.findall(r"([a-z]+\d*)\[([\d,]*)\]", match.group(1)):
            size = sizes.get(dtype, 4)
            for dim in filter(None, dims.split(",")):
                size *= int(dim)
            nbytes += size
        entry = found.setdefault(match.group(2), [0, 0])
        entry[0] += 1
        entry[1] += nbytes
    return found


def _jax_step_collectives(model, batch):
    """Compile Keras' JAX train step for `batch` as `fit` does and list its
    collectives (the SPMD partitioner inserts them at compile time)."""
    import jax
    import numpy as np
    from keras.src.backend.jax.trainer import _distribute_data

    state = model._get_jax_state(True, True, True, True)
    data = _distribute_data(jax.tree.map(np.asarray, batch))
    shardings = model._get_state_sharding_spec()
    step = jax.jit(model.train_step, out_shardings=(None, shardings))
    return collectives(step.lower(state, data).compile().as_text())


def _sync_callback():
    import keras

    class Sync(keras.callbacks.Callback):
        """A batch hook: Keras then reads each call's logs in the training
        thread, not a background one, which kept model mode on virtual JAX
        CPU devices from aborting (module docstring)."""

        def on_train_batch_end(self, batch, logs=None):
            pass

    return Sync()


def child(name, data_dir, steps, batch_size, dim, table_rows, warmup=WARMUP):
    """Train one configuration in this process; a JSON line of results."""
    backend, mode, devices, _, compile_kwargs = CONFIGS[name]
    started = None
    if mode == "workers":
        from keras_embeddings.distribute import workers as ke_workers

        started = ke_workers.start_workers()  # first: before any TF/JAX work
    elif backend == "tensorflow" and devices > 1:
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * devices
        )
    import keras
    import numpy as np
    import tensorflow as tf

    from keras_embeddings import datasets, distribute, models

    index, count = started.info[:2] if started else (0, 1)
    sequences, rows, words = read_sequences(data_dir, table_rows, index, count)
    local_batch = batch_size // count
    keras.utils.set_random_seed(0)
    dataset = datasets.word2vec_dataset(
        sequences, rows, window_size=WINDOW, negatives=NEGATIVES, sample=SAMPLE,
        batch_size=local_batch, shared_negatives=SHARED_NEGATIVES, seed=index,
    )  # fmt: skip
    # Words per step: the corpus words (after min_count, before subsampling)
    # of an epoch over its steps, as benchmarks/word2vec_vs_gensim.py counts.
    words_per_step = sum(map(len, sequences)) / int(dataset.cardinality())
    chosen = None
    if mode in ("data", "model"):
        chosen = distribute.strategy(mode, devices=distribute.list_devices()[:devices])
        dataset = chosen.prepare_dataset(dataset)
    scope = chosen or (started.scope() if started else contextlib.nullcontext())
    with scope:
        model = models.SkipGram(rows, dim, negatives=NEGATIVES)
        model.compile(learning_rate=0.025, **compile_kwargs)
        model.build(None)

    # JAX: logs read after every call of `steps_per_execution` steps, in
    # this thread (see `_sync_callback`); every JAX row alike.
    kwargs = {"verbose": 0, "callbacks": [_sync_callback()] if backend == "jax" else []}

    def fit(steps):
        if started:
            return started.fit(model, dataset, steps_per_epoch=steps, **kwargs)
        with chosen or contextlib.nullcontext():
            return model.fit(dataset.repeat(), steps_per_epoch=steps, **kwargs)

    fit(warmup)  # traces and compiles the step
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    history = fit(steps)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tables = [model.target_embedding.embeddings, model.context_embedding.embeddings]
    table_bytes = 0
    for table in tables:
        shape = tuple(table.shape)
        if chosen is not None:
            shape = chosen.layout(table)[1]
        table_bytes += int(np.prod(shape)) * np.dtype(table.dtype).itemsize
    result = {
        "name": name,
        "index": index,
        "devices": len(chosen.devices) if chosen else count,
        "rows": rows,
        "words": words,
        "step_ms": 1000 * wall / steps,
        "cpu_ms": 1000 * cpu / steps,
        "words_per_step": words_per_step,
        "table_mb_per_device": table_bytes / 1e6,
        "loss": float(np.asarray(history.history["loss"][-1])),
        "load": load,
        "jit_compile": bool(model.jit_compile),
        "steps_per_execution": int(model.steps_per_execution),
    }
    if backend == "jax" and mode in ("data", "model"):
        batch = next(iter(tf.data.Dataset.as_numpy_iterator(dataset)))
        with chosen:
            result["collectives"] = _jax_step_collectives(model, batch)
    return result


def _env(backend, devices, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TF_CONFIG", "XLA_FLAGS")
        and not k.startswith("KERAS_DISTRIBUTION_")
    }
    env.update(
        KERAS_BACKEND=backend,
        TF_CPP_MIN_LOG_LEVEL="3",
        CUDA_VISIBLE_DEVICES="-1",
        JAX_PLATFORMS="cpu",
        PYTHONPATH=os.pathsep.join([ROOT, env.get("PYTHONPATH", "")]),
    )
    if backend == "jax" and devices > 1:
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    env.update(extra)
    return env


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_config(name, args, table_rows, steps, warmup, timeout=900):
    """Run `name` in fresh processes (two for the worker rows, together)."""
    backend, _, devices, workers, _ = CONFIGS[name]
    argv = [sys.executable, os.path.abspath(__file__), "--child", name,
            "--data", args.data, "--steps", str(steps), "--warmup", str(warmup),
            "--batch-size",
            str(args.batch_size), "--dim", str(args.dim),
            "--table-rows", str(table_rows)]  # fmt: skip
    envs = [_env(backend, devices)]
    if workers > 1:
        ports = [_free_port() for _ in range(workers)]
        envs = []
        for index in range(workers):
            if backend == "tensorflow":
                cluster = [f"127.0.0.1:{port}" for port in ports]
                config = {"cluster": {"worker": cluster},
                          "task": {"type": "worker", "index": index}}  # fmt: skip
                envs.append(_env(backend, 1, TF_CONFIG=json.dumps(config)))
            else:
                envs.append(_env(
                    backend, 1,
                    KERAS_DISTRIBUTION_JOB_ADDRESSES=f"127.0.0.1:{ports[0]}",
                    KERAS_DISTRIBUTION_NUM_PROCESSES=str(workers),
                    KERAS_DISTRIBUTION_PROCESS_ID=str(index),
                ))  # fmt: skip
    processes = [
        subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )  # fmt: skip
        for env in envs
    ]
    results = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=timeout)
            if process.returncode:
                print(f"{name} failed:\n{err[-3000:]}", file=sys.stderr)
                return None
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    first = results[0]
    # Workers: every one runs the same steps in step; the global batch is
    # the sum of the local ones, the step as long as the slowest worker's.
    first["words_per_step"] = sum(r["words_per_step"] for r in results)
    first["step_ms"] = max(r["step_ms"] for r in results)
    first["cpu_ms"] = sum(r["cpu_ms"] for r in results)
    first["words_s"] = first["words_per_step"] / first["step_ms"] * 1000
    return first


def _hlo_note(result):
    found = result.get("collectives")
    if found is None:
        return "-"
    if not found:
        return "none"
    return ", ".join(
        f"{op} {n}x {nbytes / 1e3:,.0f} KB" for op, (n, nbytes) in sorted(found.items())
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="the csc321 folder")
    parser.add_argument("--steps", type=int, default=200, help="timed steps")
    parser.add_argument(
        "--large-steps", type=int, default=32,
        help="timed steps for tables larger than the vocabulary",
    )  # fmt: skip
    parser.add_argument("--warmup", type=int, default=WARMUP, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=4096, help="global")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument(
        "--table-rows", default="0,100000",
        help="comma-separated table sizes (0: the corpus vocabulary)",
    )  # fmt: skip
    parser.add_argument("--configs", help=f"comma-separated, of {', '.join(CONFIGS)}")
    parser.add_argument("--quick", action="store_true", help="under 2 minutes")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.data, args.steps, args.batch_size, args.dim,
                       int(args.table_rows), args.warmup)  # fmt: skip
        print(json.dumps(result))
        return
    if not os.path.exists(os.path.join(args.data, "raw_sentences.txt")):
        print(f"Skipping: no raw_sentences.txt in {args.data} (the csc321 data).")
        return
    names = list(CONFIGS)
    if args.quick:
        names, args.steps, args.table_rows = QUICK, 32, "0"
    if args.configs:
        names = args.configs.split(",")
        unknown = sorted(set(names) - set(CONFIGS))
        if unknown:
            parser.error(f"--configs: unknown {unknown}; known: {list(CONFIGS)}")
    start = time.time()
    print(f"{_now()}, load average {_load()}; global batches of "
          f"{args.batch_size} pairs, {args.dim} dimensions.", flush=True)  # fmt: skip
    for table_rows in [int(r) for r in args.table_rows.split(",")]:
        steps, warmup = args.steps, WARMUP
        if table_rows:
            steps, warmup = args.large_steps, LARGE_WARMUP
        print(f"\n{steps} timed steps after {warmup} compiling ones.", flush=True)
        results = []
        for name in names:
            result = run_config(name, args, table_rows, steps, warmup)
            if result is not None:
                results.append(result)
                print(f"  {name}: {result['step_ms']:.1f} ms/step", flush=True)
        if not results:
            continue
        first = results[0]
        print(f"\nTable: {first['rows']:,} rows ({first['words']:,} words), "
              f"global batch {args.batch_size}, {first['words_per_step']:.0f} "
              "corpus words per step.")  # fmt: skip
        header = (f"{'configuration':15}{'devices':>8}{'words/s':>11}{'ratio':>7}"
                  f"{'ms/step':>9}{'CPU ms':>8}{'tables MB':>10}{'load':>6}"
                  "  collectives per step (JAX, compiled HLO)")  # fmt: skip
        print(header)
        anchors = {}
        for result in results:
            backend = CONFIGS[result["name"]][0]
            anchor = anchors.setdefault(backend, result)
            print(
                f"{result['name']:15}{result['devices']:>8}{result['words_s']:>11,.0f}"
                f"{result['words_s'] / anchor['words_s']:>7.2f}"
                f"{result['step_ms']:>9.1f}{result['cpu_ms']:>8.1f}"
                f"{result['table_mb_per_device']:>10.2f}{result['load']:>6.1f}"
                f"  {_hlo_note(result)}"
            )
        print("ratio: words/s over the first row of the same backend; CPU ms: "
              "the process's CPU time per step (all its threads; workers "
              "summed); tables MB: the two tables' bytes on one device; load: "
              "the 1-minute load average before the timed steps.")  # fmt: skip
    print(f"\nDone in {time.time() - start:.0f} s, load average {_load()}.")


def _load():
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _now():
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    main()
