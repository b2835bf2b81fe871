import os
from pathlib import Path

import pytest
from helpers import float64_precision

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SHARED = Path(__file__).resolve().parents[2] / "shared"
CSC321 = SHARED / "data" / "csc321"


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
