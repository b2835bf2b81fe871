"""Start several worker processes on 127.0.0.1 for the multi-worker tests
(`test_distribute_workers.py`, `test_cli_workers.py`)."""

import os
import socket
import subprocess

TIMEOUT = 300  # seconds a worker may take before the test kills them all
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker_env(backend, **extra):
    """The environment of a worker process: this one's, without any cluster
    configuration (`TF_CONFIG`, `KERAS_DISTRIBUTION_*`), on `backend`'s CPU,
    importing this checkout; then `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "TF_CONFIG" and not k.startswith("KERAS_DISTRIBUTION_")
    }
    env.update(
        KERAS_BACKEND=backend,
        TF_CPP_MIN_LOG_LEVEL="3",
        CUDA_VISIBLE_DEVICES="-1",
        JAX_PLATFORMS="cpu",
        PYTHONPATH=os.pathsep.join([ROOT, env.get("PYTHONPATH", "")]),
    )
    env.update(extra)
    return env


def free_port():
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_together(commands, cwd, name="worker"):
    """Start the `(argv, env)` processes together in `cwd`; `(exit codes,
    the end of each one's log)`, codes None (and every process killed) if
    any is still running after `TIMEOUT`."""
    processes, logs = [], []
    try:
        for i, (argv, env) in enumerate(commands):
            log = open(cwd / f"{name}-{i}.log", "w+b")  # noqa: SIM115
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
                )
            )
        codes = [p.wait(timeout=TIMEOUT) for p in processes]
    except subprocess.TimeoutExpired:
        codes = None
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
        texts = []
        for log in logs:
            log.seek(0)
            texts.append(log.read().decode(errors="replace")[-3000:])
            log.close()
    return codes, texts
