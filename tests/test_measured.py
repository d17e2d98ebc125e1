"""Measured cells (tools/nbval_measured.py): numbers within their band pass, numbers outside fail.

The comparison is tested directly, and end to end on a small fixture notebook that trains a
float32 classifier: executed once to store its outputs, then run under nbval as stored, with
its stored accuracy moved inside and outside the band, and with a learning rate that breaks
the training.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tools.nbval_measured import compare_text, parse_spec, skeleton

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------ the comparison itself
def test_numbers_within_the_band_pass_and_outside_fail():
    spec = parse_spec(0.3)
    assert compare_text("test accuracy 97.40%", "test accuracy 97.43%", spec)[0] == []
    assert compare_text("test accuracy 97.40%", "test accuracy 97.70%", spec)[0] == []  # on the edge
    problems, moved = compare_text("test accuracy 97.40%", "test accuracy 90.12%", spec)
    assert len(problems) == 1 and "97.40 -> 90.12 (band 0.3)" in problems[0]
    assert [(m.stored, m.got) for m in moved] == [("97.40", "90.12")]


def test_the_words_around_the_numbers_must_not_change():
    problems, _ = compare_text("validation accuracy 97.40%", "training accuracy 97.40%", parse_spec(1))
    assert problems and "text around the numbers differs" in problems[0]
    assert compare_text("a 1\nb 2", "a 1", parse_spec(1))[0]  # a missing line


def test_padding_of_a_number_may_change_with_its_width():
    assert skeleton("acc  9.5% |") == skeleton("acc 10.5% |") == "acc#% |"
    assert compare_text("acc  9.5%", "acc 10.1%", parse_spec(1))[0] == []


def test_relative_bands_and_bands_per_label():
    assert compare_text("loss 0.0500", "loss 0.0520", parse_spec("5%"))[0] == []
    assert compare_text("loss 0.0500", "loss 0.0530", parse_spec("5%"))[0]
    spec = parse_spec({"loss": "5%", "accuracy": 0.5})
    stored = "validation loss 2.449 (ln 10 = 2.303), accuracy 8.5%"
    assert compare_text(stored, "validation loss 2.460 (ln 10 = 2.303), accuracy 8.9%", spec)[0] == []
    problems, _ = compare_text(stored, "validation loss 2.449 (ln 10 = 2.303), accuracy 9.5%", spec)
    assert len(problems) == 1 and "8.5 -> 9.5 (band 0.5)" in problems[0]
    assert compare_text("speed-up x 204", "speed-up x 95", parse_spec("x3"))[0] == []
    assert compare_text("speed-up x 204", "speed-up x 60", parse_spec("x3"))[0]
    # a line without a label and no '*': its numbers must be exact
    problems, _ = compare_text("loss 1.0\n10 epochs", "loss 1.0\n11 epochs", spec)
    assert problems and "must be exact" in problems[0]


def test_identifiers_are_not_numbers():
    assert skeleton("Dense(784, 100) W1 x2 layer0_W") == "Dense(#,#) W1 x2 layer0_W"
    assert compare_text("W1 = 0.5", "W2 = 0.5", parse_spec(10))[0]  # W1 is text, not a number


@pytest.mark.parametrize("spec", [-1, "five", True, None, {}, float("nan"), {"loss": "x%"}, "x0.5"])
def test_a_bad_band_is_refused_with_a_message(spec):
    with pytest.raises(ValueError, match="measured"):
        parse_spec(spec, "fixture.ipynb cell 1: ")


# ------------------------------------------------------------------ end to end on a fixture notebook
TRAIN = """\
import os
import numpy as np

lr = float(os.environ.get("FIXTURE_LR", "0.5"))
rng = np.random.default_rng(0)
X = rng.standard_normal((400, 2)).astype(np.float32)
y = (X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.standard_normal(400) > 0).astype(np.int64)  # noisy labels
w, b = np.zeros(2, np.float32), np.float32(0)
for step in range(200):  # logistic regression by gradient descent, in float32
    p = 1 / (1 + np.exp(-(X @ w + b)))
    w -= lr * X.T @ (p - y) / len(X)
    b -= lr * np.mean(p - y)
accuracy = np.mean(((X @ w + b) > 0) == y)
print(f"training accuracy {accuracy:.1%} after 200 steps")
"""


def _fixture(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TRAIN, metadata={"measured": 1.0}),
                nbformat.v4.new_code_cell('print("an exact output: 2 + 2 =", 2 + 2)')]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def _stored_accuracy(nb):
    text = nb.cells[0].outputs[0]["text"]
    return float(text.split("accuracy ")[1].split("%")[0])


def _with_stored_accuracy(nb, value):
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    old = f"{_stored_accuracy(nb):.1f}%"
    copy.cells[0].outputs[0]["text"] = copy.cells[0].outputs[0]["text"].replace(old, f"{value:.1f}%")
    return copy


def _nbval(tmp_path, notebooks, **env):
    """Run nbval (with the plugin) on the notebooks; return {notebook name: passed?} and the log."""
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "tools.nbval_measured", "-p", "no:cacheprovider",
         "-v", "--rootdir", str(tmp_path), *[str(tmp_path / n) for n in notebooks]],
        cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=300)
    verdict = {}
    for line in result.stdout.splitlines():
        for name in notebooks:
            stem = Path(name).stem  # nbval shows the notebook as "name::ipynb::Cell 0"
            if line.startswith(f"{stem}::") and "::Cell 0 " in line and ("PASSED" in line or "FAILED" in line):
                verdict[name] = "PASSED" in line
    assert len(verdict) == len(notebooks), result.stdout + result.stderr
    return verdict, result.stdout


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("measured")
    nb = _fixture(tmp_path)
    stored = _stored_accuracy(nb)
    assert stored > 90, f"the fixture should train well, got {stored}%"
    nbformat.write(nb, tmp_path / "as_stored.ipynb")
    nbformat.write(_with_stored_accuracy(nb, stored - 0.6), tmp_path / "within_band.ipynb")
    nbformat.write(_with_stored_accuracy(nb, stored - 3.0), tmp_path / "outside_band.ipynb")
    return tmp_path


def test_a_measured_cell_passes_as_stored_and_within_its_band_and_fails_outside(fixture_dir):
    verdict, log = _nbval(fixture_dir, ["as_stored.ipynb", "within_band.ipynb", "outside_band.ipynb"])
    assert verdict == {"as_stored.ipynb": True, "within_band.ipynb": True, "outside_band.ipynb": False}, log
    assert "measured number out of its band" in log
    assert "measured cells (numbers checked by value)" in log  # the summary table


def test_breaking_the_training_fails_the_measured_cell(fixture_dir):
    verdict, log = _nbval(fixture_dir, ["as_stored.ipynb"], FIXTURE_LR="0.0")  # no learning at all
    assert verdict == {"as_stored.ipynb": False}, log
    assert "out of its band" in log


# ------------------------------------------------------------------------------- the chapters
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORING = ("nbval-ignore-output", "nbval-skip", "NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_no_output_is_merely_ignored(chapter):
    """Only a live explorer's output may be ignored (nbval cannot run its widget): a measured
    cell is checked by value instead, and everything else exactly."""
    for i, cell in enumerate(nbformat.read(chapter, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if any(marker in tags or marker in cell.source for marker in IGNORING):
            assert "LiveExplorer(" in cell.source and "remove-output" in tags, (
                f"{chapter.name} cell {i} has its output ignored by nbval; give it `measured` metadata "
                f"with a band instead (see README, For authors):\n{cell.source[:200]}")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_measured_cell_has_a_valid_band_and_numbers_to_check(chapter):
    from tools.nbval_measured import numbers

    for i, cell in enumerate(nbformat.read(chapter, as_version=4).cells):
        if "measured" not in cell.metadata:
            continue
        parse_spec(cell.metadata["measured"], f"{chapter.name} cell {i}: ")
        texts = [o.get("text", "") for o in cell.outputs] + [
            v for o in cell.outputs for k, v in o.get("data", {}).items() if k.startswith("text/")]
        assert any(numbers("".join(t)) for t in texts), f"{chapter.name} cell {i} is measured but prints no number"


def test_the_chapters_have_measured_cells():
    """The float32 training of chapters 5-7 is measured (chapter 6 alone has several such cells)."""
    measured = {c.name: sum("measured" in cell.metadata for cell in nbformat.read(c, as_version=4).cells)
                for c in CHAPTERS}
    assert measured["05_training_toolkit.ipynb"] >= 3 and measured["06_mnist_mlp.ipynb"] >= 5 and measured["07_gaussian_clusters.ipynb"] >= 2, measured
