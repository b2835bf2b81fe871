import os
from pathlib import Path

import pytest
from helpers import float64_precision

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SHARED = Path(__file__).resolve().parents[2] / "shared"
CSC321 = SHARED / "data" / "csc321"


def pytest_runtest_setup(item):
    """`@pytest.mark.in_suite("jax")`: the test starts its own
    `KERAS_BACKEND=jax` processes, so it means the same under every suite
    backend; it runs once, in that backend's suite (CI runs all three)."""
    marker = item.get_closest_marker("in_suite")
    if marker is None:
        return
    import keras

    backend = marker.args[0]
    if keras.backend.backend() != backend:
        pytest.skip(
            f"starts its own KERAS_BACKEND={backend} processes: runs once, in "
            f"the {backend} suite (KERAS_BACKEND={backend} pytest)"
        )


@pytest.fixture
def csc321_dir():
    """The course's 4-gram data folder, or skip with the reason."""
    if not (CSC321 / "raw_sentences.txt").exists():
        pytest.skip(f"CSC321 data not found at {CSC321} (../shared/ is absent)")
    return CSC321


@pytest.fixture
def float64():
    """The test computes in float64: floatx and dtype policy float64 and, on
    JAX, 64-bit mode on; all restored afterwards (`helpers.float64_precision`)."""
    with float64_precision():
        yield
