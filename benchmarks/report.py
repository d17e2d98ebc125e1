"""Ratios, targets and the printed table, all computed from the results dictionary (the JSON)."""
from __future__ import annotations

# The course's promises (issue 8), as ratios measured in one run: (name, config, what, limit).
TARGETS = [
    ("nnlib s/epoch <= Keras s/epoch", "mlp_sgd", "nnlib_over_keras", 1.0),
    ("nnlib s/epoch <= Keras s/epoch", "mlp_adam", "nnlib_over_keras", 1.0),
    ("nnlib s/epoch <= 2 x matmul bound (float32)", "mlp_sgd", "nnlib_over_bound", 2.0),
    ("nnlib reaches 98 % test accuracy in <= 12 s of training", "mlp_sgd", "nnlib_seconds_to_target", 12.0),
]


def _div(a, b):
    return a / b if a is not None and b else None


def ratios(results):
    """Per configuration: nnlib/Keras, nnlib/bound, Keras/bound, and the times to target."""
    out = {}
    for name, run in results["training"].items():
        nn, ke = run["nnlib"], run.get("keras")
        bound = results["matmul"][name]["bound_s_per_epoch"]["float32"]
        out[name] = {
            "nnlib_over_keras": _div(nn["s_per_epoch"], ke and ke["s_per_epoch"]),
            "nnlib_over_keras_cpu": _div(nn.get("cpu_s_per_epoch"), ke and ke.get("cpu_s_per_epoch")),
            "nnlib_over_bound": _div(nn["s_per_epoch"], bound),
            "keras_over_bound": _div(ke and ke["s_per_epoch"], bound),
            "nnlib_seconds_to_target": nn["seconds_to_target"],
            "keras_seconds_to_target": ke and ke["seconds_to_target"],
        }
    return out


def targets(results):
    rows = []
    for text, config, key, limit in TARGETS:
        value = results["ratios"].get(config, {}).get(key)
        rows.append({"target": text, "config": config, "value": value, "limit": limit,
                     "met": None if value is None else bool(value <= limit)})
    return rows


def _f(x, fmt="{:.2f}", none="-"):
    return none if x is None else fmt.format(x)


def _table(header, rows):
    """A plain-text table with aligned columns (first column left, the others right)."""
    cols = list(zip(header, *rows))
    widths = [max(len(str(c)) for c in col) for col in cols]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def machine_line(m):
    blas = m["blas"]
    if m.get("openblas"):
        blas += f" ({m['openblas']['kernel']} kernel, {m['openblas']['threads']} threads)"
    used = len(m["cpus_used"]) if m.get("cpus_used") else m["logical_cpus"]
    env = ", ".join(f"{k}={v}" for k, v in m["thread_env"].items()) or "no thread variables set"
    return (f"{m['cpu']}, {m['logical_cpus']} logical CPUs ({used} used; {env}); numpy {m['numpy']} "
            f"with {blas}; Keras {m['keras']} on JAX {m['jax']}; Python {m['python']}")


def matmul_table(results, configs):
    rows = []
    for c in configs:
        mm = results["matmul"][c.name]
        for p in mm["products"]:
            rows.append([c.name, p["product"] + ("" if p["needed"] else " (unneeded)"),
                         "x".join(map(str, p["shape"])), _f(p["float32"]["gflops"], "{:.1f}"),
                         _f(p["float64"]["gflops"], "{:.1f}")])
        b = mm["bound_s_per_epoch"]
        rows.append([c.name, "=> bound per epoch (s)", f"{mm['gflop_per_epoch']:.1f} GFLOP", _f(b["float32"], "{:.3f}"),
                     _f(b["float64"], "{:.3f}")])
    return _table(["config", "product", "m x k x n", "f32 GFLOP/s", "f64 GFLOP/s"], rows)


def training_table(results, configs):
    rows = []
    for c in configs:
        run, r = results["training"][c.name], results["ratios"][c.name]
        nn, ke = run["nnlib"], run.get("keras") or {}
        rows.append([c.label, _f(nn["s_per_epoch"], "{:.3f}"), _f(ke.get("s_per_epoch"), "{:.3f}"),
                     _f(ke.get("compile_seconds"), "{:.1f}"),
                     _f(results["matmul"][c.name]["bound_s_per_epoch"]["float32"], "{:.3f}"),
                     _f(r["nnlib_over_keras"]), _f(r.get("nnlib_over_keras_cpu")), _f(r["nnlib_over_bound"]), _f(r["keras_over_bound"]),
                     f"{len(nn['test_accuracy'])}", _f(nn["final_test_accuracy"] * 100, "{:.2f}"),
                     _f(ke.get("final_test_accuracy") and ke["final_test_accuracy"] * 100, "{:.2f}"),
                     _f(nn["seconds_to_target"], "{:.1f}"), _f(ke.get("seconds_to_target"), "{:.1f}")])
    header = ["configuration", "nnlib s/ep", "Keras s/ep", "compile s", "bound s/ep", "nnlib/Keras",
              "(CPU time)", "nnlib/bound", "Keras/bound", "epochs", "nnlib acc %", "Keras acc %", "nnlib t98 s", "Keras t98 s"]
    return _table(header, rows)


def ladder_table(results):
    rows = [[s["stage"], _f(s["s_per_epoch"], "{:.3g}"), _f(s.get("over_bound"), "{:.3g}"),
             str(s.get("examples_timed", "-"))] for s in results["ladder"]["stages"]]
    return _table(["stage (" + results["ladder"]["network"] + ", one epoch of 60,000 images)", "s/epoch",
                   "x bound", "examples timed"], rows)


def targets_table(results):
    rows = [[t["target"], t["config"], _f(t["value"]), f"{t['limit']:g}",
             {True: "met", False: "NOT met", None: "not measured"}[t["met"]]] for t in results["targets"]]
    return _table(["target", "config", "measured", "limit", ""], rows)


def text(results, configs):
    parts = [
        "Machine: " + machine_line(results["machine"]),
        f"Load average (1 min) at start / end: {results['machine']['load_average_start'][0]:.2f} / "
        f"{results['load_average_end'][0]:.2f}" if results["machine"].get("load_average_start") else "",
        "", "Matrix products with numpy (best of 3 loops)", matmul_table(results, configs),
        "", "Training on MNIST (s/ep: median epoch; t98: training seconds until test accuracy >= 98 %)",
        training_table(results, configs),
        "", "The ladder from neuron objects to matrices", ladder_table(results),
        "", "Targets (ratios from this run)", targets_table(results),
    ]
    if results.get("smoke"):
        parts.append("\nSMOKE RUN: a few hundred steps on a subset; the figures mean nothing.")
    return "\n".join(parts)
