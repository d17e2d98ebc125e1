"""The benchmark (python -m benchmarks) runs, prints its table and keeps its page honest.

No test here asserts a time: speed is reported by the benchmark, not checked by unit tests.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import matmul, page, report  # the repository's root is on the path (conftest.py lives there)
from benchmarks.__main__ import parse
from benchmarks.configs import CONFIGS

ROOT = Path(__file__).resolve().parents[1]


def test_smoke_run_prints_its_table_and_writes_consistent_json(tmp_path, mnist_dir):
    out = tmp_path / "smoke.json"
    env = dict(os.environ, NNLIB_DATA=str(mnist_dir), KERAS_BACKEND="jax")
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--threads", "1", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = proc.stdout
    for heading in ("Machine:", "Matrix products", "Training on MNIST", "The ladder", "Targets", "SMOKE RUN"):
        assert heading in text
    results = json.loads(out.read_text())
    assert results["smoke"] and set(results["training"]) == {c.name for c in CONFIGS}
    for c in CONFIGS:
        assert c.label in text
        nn, ke = results["training"][c.name]["nnlib"], results["training"][c.name]["keras"]
        for run in (nn, ke):
            assert len(run["epoch_seconds"]) == len(run["test_accuracy"]) == 2
            assert all(t > 0 for t in run["epoch_seconds"])
            assert all(0.0 <= a <= 1.0 for a in run["test_accuracy"])
        # a few hundred steps already learn something: far better than guessing (10 %)
        assert nn["final_test_accuracy"] > 0.3 and ke["final_test_accuracy"] > 0.3
        ratio = results["ratios"][c.name]["nnlib_over_keras"]
        assert ratio == pytest.approx(nn["s_per_epoch"] / ke["s_per_epoch"])
        bound = results["matmul"][c.name]["bound_s_per_epoch"]
        assert 0 < bound["float32"] and 0 < bound["float64"]
        assert f"{ratio:.2f}" in text  # the printed table shows the ratio of this run
    # the ladder has every stage, slowest first
    stages = [s for s in results["ladder"]["stages"] if s["s_per_epoch"]]
    assert len(stages) == 5 and stages[0]["s_per_epoch"] > stages[2]["s_per_epoch"]
    assert [t["met"] for t in results["targets"]] == [
        None if t["value"] is None else t["value"] <= t["limit"] for t in results["targets"]]


def test_products_of_a_step():
    rows = matmul.products((784, 100, 10), 32)
    assert [(name.split()[0], shape, needed) for name, shape, needed in rows] == [
        ("L1", (32, 784, 100), True), ("L1", (784, 32, 100), True), ("L1", (32, 100, 784), False),
        ("L2", (32, 100, 10), True), ("L2", (100, 32, 10), True), ("L2", (32, 10, 100), True)]


def test_operands_have_nnlibs_layout():
    import numpy as np

    for name, shape, _ in matmul.products((20, 7, 3), 5):
        a, b = matmul._operands(name, shape, np.float32, np.random.default_rng(0))
        assert (a @ b).shape == (shape[0], shape[2])
        if "X.T" in name:
            assert a.flags.f_contiguous and not a.flags.c_contiguous  # a view, as X.T is in Dense.backward
        if "W.T" in name:
            assert b.flags.f_contiguous and not b.flags.c_contiguous


def test_targets_compare_with_their_limits():
    results = {"ratios": {"mlp_sgd": {"nnlib_over_keras": 0.9, "nnlib_over_bound": 2.5, "nnlib_seconds_to_target": None},
                          "mlp_adam": {"nnlib_over_keras": 1.1}}}
    met = [t["met"] for t in report.targets(results)]
    assert met == [True, False, False, None]


def test_arguments_are_checked():
    with pytest.raises(SystemExit):
        parse(["--threads", "0"])
    with pytest.raises(SystemExit):
        parse(["--smoke", "--record"])
    assert parse(["--smoke", "--epochs", "3"]).epochs == 3


def test_kernel_pins_are_found_and_keep_a_run_from_being_recorded(monkeypatch, capsys):
    from benchmarks.machine import kernel_pins

    assert kernel_pins({"OPENBLAS_CORETYPE": "Haswell", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"}) == {
        "OPENBLAS_CORETYPE": "Haswell", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"}
    assert kernel_pins({"XLA_FLAGS": "--xla_force_host_platform_device_count=2", "OMP_NUM_THREADS": "1"}) == {}
    for var in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "XLA_FLAGS"):
        monkeypatch.delenv(var, raising=False)
    assert parse(["--record"]).record
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert parse([]).record is False  # a pinned run still runs, with a warning
    assert "OPENBLAS_CORETYPE=Haswell pins older vector kernels" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(["--record"])
    assert "unset OPENBLAS_CORETYPE first (make bench does)" in capsys.readouterr().err


def test_book_page_shows_the_recorded_results():
    recorded = ROOT / "benchmarks" / "results" / "mnist.json"
    results = json.loads(recorded.read_text())
    assert not results["smoke"], "the recorded results must come from a full run"
    text = page.PAGE.read_text()
    shown = page.blocks(text)
    assert set(shown) == set(page.BLOCKS)
    assert shown == page.blocks(page.render(text, results)), \
        "book/performance.md differs from benchmarks/results/mnist.json: run python -m benchmarks --record"
    assert page.FIGURE.exists()


def test_the_configurations_are_chapter_6s():
    """The benchmark trains the chapter's own networks, with the chapter's settings (no shifted images)."""
    import dataclasses

    import nnlib

    runs = {c.name: c.run for c in CONFIGS}
    assert runs == {"mlp_sgd": dataclasses.replace(nnlib.SGD_RUN, shift=0), "mlp_adam": nnlib.ADAM_RUN,
                    "small_mse": nnlib.MSE_RUN}
    small = next(c for c in CONFIGS if c.name == "small_mse")
    assert (small.batch_size, small.epochs) == (32, 10)  # chapter 6 trains it so (the benchmark once said 64 and 5)
