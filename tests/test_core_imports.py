"""The core of nnlib needs nothing but numpy and the standard library.

`import nnlib` must work, and `fit` must train with its default progress=True, in a Python
where every other third-party package is missing; and it must not load the optional packages
(plots, widgets, Keras, JAX, tqdm) that only some chapters use. Each check runs in a fresh
interpreter, so that what the test process has already imported does not hide anything.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Installed first thing in the child: any import of a top-level package that is neither in the
# standard library nor numpy/nnlib fails as if the package were not installed.
BLOCK_THIRD_PARTY = """
import sys

ALLOWED = set(sys.stdlib_module_names) | {"numpy", "nnlib"}


class BlockThirdParty:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in ALLOWED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None  # let the normal finders look for it


sys.meta_path.insert(0, BlockThirdParty())
"""


def run_python(code):
    """Run code in a fresh interpreter from the repository root; return its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"the child failed:\n{result.stderr}"
    return result.stdout


def test_import_and_a_default_fit_need_only_numpy_and_the_standard_library():
    out = run_python(BLOCK_THIRD_PARTY + """
try:
    import tqdm  # noqa: F401
    print("tqdm importable")
except ImportError:
    print("tqdm blocked")

import numpy as np
import nnlib

print("nnlib from", nnlib.__file__)
rng = np.random.default_rng(0)
X = rng.standard_normal((40, 2)).astype(np.float32)
y = (X[:, 0] > 0).astype(np.int64)
net = nnlib.Sequential([nnlib.Dense(2, 4, rng=0), nnlib.ReLU(), nnlib.Dense(4, 2, rng=1)])
history = nnlib.fit(net, nnlib.SoftmaxCrossEntropy(), nnlib.SGD(0.1), X, y, epochs=2, batch_size=8, rng=0)
assert len(history["loss"]) == 2, history
print("trained", len(history["loss"]), "epochs")
""")
    assert f"nnlib from {ROOT / 'nnlib' / '__init__.py'}" in out  # this checkout's nnlib
    assert "tqdm blocked" in out  # the blocker works (tqdm is installed in the course's environment)
    assert "trained 2 epochs" in out


def test_import_nnlib_loads_no_optional_package():
    out = run_python("""
import json
import sys

before = set(sys.modules)
import nnlib  # noqa: F401

new = {name.partition(".")[0] for name in set(sys.modules) - before}
print(json.dumps({
    "third_party": sorted(new - set(sys.stdlib_module_names) - {"numpy", "nnlib"}),
    "optional": sorted(m for m in ("matplotlib", "ipywidgets", "keras", "jax", "tqdm", "IPython")
                       if m in sys.modules),
}))
""")
    loaded = json.loads(out.strip().splitlines()[-1])
    assert loaded["optional"] == [], f"import nnlib loaded {loaded['optional']}"
    assert loaded["third_party"] == [], f"import nnlib loaded packages outside numpy: {loaded['third_party']}"


def test_the_exercise_checks_need_only_numpy_and_are_not_loaded_by_import_nnlib():
    out = run_python(BLOCK_THIRD_PARTY + """
import sys
import nnlib
print("exercises loaded by import nnlib:", "nnlib.exercises" in sys.modules)
from nnlib import exercises
exercises._load_all()
print("exercises:", len(exercises.EXERCISES) >= 0)
""")
    assert "exercises loaded by import nnlib: False" in out
    assert "exercises: True" in out
