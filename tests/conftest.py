"""Set-up shared by the tests: a headless matplotlib, Keras on JAX, and the real MNIST files."""
import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw figures without a screen
os.environ.setdefault("KERAS_BACKEND", "jax")

ROOT = Path(__file__).resolve().parents[1]
# Where the real MNIST files are: NNLIB_DATA (make and CI set it) or the shared copy beside the
# repository. Read once, when the tests start, before any test changes the environment.
MNIST_DIR = Path(os.environ.get("NNLIB_DATA") or ROOT.parent / "shared" / "data" / "mnist")


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding the four real MNIST files; a test that needs it is skipped without it."""
    from nnlib.mnist import FILES

    if not all((MNIST_DIR / name).is_file() or (MNIST_DIR / f"{name}.gz").is_file() for name in FILES.values()):
        pytest.skip(f"real MNIST not found in {MNIST_DIR} (set NNLIB_DATA)")
    return MNIST_DIR


@pytest.fixture(scope="session")
def mnist(mnist_dir):
    """MNIST as chapter 6 trains on it: rows of 784 floats in [0, 1], the last 10,000 training
    images held out for validation."""
    from nnlib import load_mnist

    return load_mnist(mnist_dir, flatten=True, scale=True, validation=10_000, download=False)
