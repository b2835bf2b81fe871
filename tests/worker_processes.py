"""Start several worker processes on 127.0.0.1 for the multi-worker tests
(`test_distribute_workers.py`, `test_cli_workers.py`)."""

import socket
import subprocess

TIMEOUT = 300  # seconds a worker may take before the test kills them all


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
