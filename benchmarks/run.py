"""One benchmark run: matrix products, training (nnlib and Keras), the ladder, the report."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import sys
import time

import numpy as np

import nnlib
from benchmarks import ladder, machine, matmul, report, training
from benchmarks.configs import CONFIGS

# The full run takes a few minutes; the smoke run a few hundred steps (seconds).
FULL = dict(n_train=60_000, n_test=10_000, matmul_time=0.05, matmul_repeats=3, n_objects=300, n_batch1=3000)
SMOKE = dict(n_train=3200, n_test=1000, matmul_time=0.002, matmul_repeats=1, n_objects=5, n_batch1=64)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def load(n_train, n_test):
    data = nnlib.load_mnist(flatten=True, scale=True)  # float32 in [0, 1]; NNLIB_DATA or the cache
    return data._replace(X_train=data.X_train[:n_train], y_train=data.y_train[:n_train].astype(np.int64),
                         X_test=data.X_test[:n_test], y_test=data.y_test[:n_test].astype(np.int64))


def run(*, smoke=False, epochs=None, keras=True, configs=None, threads=None, target=0.98, seed=0):
    size = SMOKE if smoke else FULL
    configs = [c for c in CONFIGS if configs is None or c.name in configs]
    results = {"schema": 1, "smoke": smoke, "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "command": "python -m benchmarks " + " ".join(sys.argv[1:]),
               "machine": machine.describe(threads), "n_train": size["n_train"], "n_test": size["n_test"],
               "configs": {c.name: {"label": c.label, **dataclasses.asdict(c.run), "sizes": list(c.sizes)}
                           for c in configs},
               "matmul": {}, "training": {}}
    start = time.perf_counter()

    for c in configs:
        log(f"matrix products of {c.label} ...")
        results["matmul"][c.name] = matmul.measure(c, size["n_train"], min_time=size["matmul_time"],
                                                   repeats=size["matmul_repeats"])

    data = load(size["n_train"], size["n_test"])
    for c in configs:
        n_epochs = epochs or (2 if smoke else c.epochs)
        run = results["training"][c.name] = {}
        log(f"training {c.label} for {n_epochs} epochs with nnlib ...")
        run["nnlib"] = training.train_nnlib(c, data, n_epochs, target, seed)
        log(f"  {run['nnlib']['s_per_epoch']:.3f} s/epoch, test accuracy {run['nnlib']['final_test_accuracy']:.4f}")
        if keras:
            log(f"training {c.label} for {n_epochs} epochs with Keras ...")
            run["keras"] = training.train_keras(c, data, n_epochs, target, seed)
            log(f"  {run['keras']['s_per_epoch'] or float('nan'):.3f} s/epoch, "
                f"test accuracy {run['keras']['final_test_accuracy']:.4f}")

    first = configs[0]
    log(f"the ladder on {first.label} ...")
    stages = ladder.measure(first, data.X_train, data.y_train, size["n_objects"], size["n_batch1"])
    scale = 60_000 / size["n_train"]  # a smoke run trains on a subset: scale its epoch to 60,000 images
    train = results["training"][first.name]
    stages.append({"stage": f"Dense matrices, batch {first.batch_size} (ch. 4-5, nnlib.fit)",
                   "s_per_epoch": train["nnlib"]["s_per_epoch"] * scale, "examples_timed": size["n_train"]})
    if train.get("keras") and train["keras"]["s_per_epoch"]:
        stages.append({"stage": f"Keras 3 on JAX, batch {first.batch_size}",
                       "s_per_epoch": train["keras"]["s_per_epoch"] * scale, "examples_timed": size["n_train"]})
    bound = results["matmul"][first.name]["bound_s_per_epoch"]["float32"] * scale
    stages.append({"stage": "matrix products only (float32 bound)", "s_per_epoch": bound, "examples_timed": None})
    for s in stages:
        s["over_bound"] = s["s_per_epoch"] / bound if s["s_per_epoch"] else None
    results["ladder"] = {"network": "-".join(map(str, first.sizes)), "stages": stages}

    results["ratios"] = report.ratios(results)
    results["targets"] = report.targets(results)
    results["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    results["total_seconds"] = time.perf_counter() - start
    return results, configs


def save(results, path):
    """Write the JSON atomically: a temporary file beside it, then a rename."""
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
