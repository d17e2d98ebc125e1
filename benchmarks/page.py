"""book/performance.md and its figure, made from the recorded JSON.

The page is prose written by hand with blocks between markers such as

    <!-- benchmarks: machine -->
    ...generated from benchmarks/results/mnist.json...
    <!-- /benchmarks -->

`write(results)` replaces what is between the markers and redraws the figure;
tests/test_benchmarks.py checks that the page shows what the recorded JSON holds.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "performance.md"
FIGURE = ROOT / "benchmarks" / "results" / "mnist.png"
BLOCK = re.compile(r"(<!-- benchmarks: (\w+) -->\n)(.*?)(<!-- /benchmarks -->)", re.S)


def _f(x, fmt="{:.2f}"):
    return "–" if x is None else fmt.format(x)


def _md(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(map(str, r)) + " |" for r in rows])


def machine(results):
    m = results["machine"]
    blas = m["blas"] + (f", {m['openblas']['kernel']} kernel, {m['openblas']['threads']} BLAS "
                        f"thread{'s' if m['openblas']['threads'] != 1 else ''}"
                        if m.get("openblas") else "")
    used = len(m["cpus_used"]) if m.get("cpus_used") else m["logical_cpus"]
    env = ", ".join(f"`{k}={v}`" for k, v in m["thread_env"].items()) or "none"
    load = m.get("load_average_start")
    return "\n".join([
        f"- **CPU**: {m['cpu']} ({', '.join(m['simd'])}), {m['logical_cpus']} logical CPUs, {used} used",
        f"- **Command**: `{results['command'].strip()}`; thread variables: {env}",
        f"- **numpy** {m['numpy']} with {blas}",
        f"- **Keras** {m['keras']} on **JAX** {m['jax']}; Python {m['python']}; {m['platform']}",
        f"- **Taken** {results['created']}, in {results['total_seconds'] / 60:.1f} minutes"
        + (f"; load average {load[0]:.2f} at the start and {results['load_average_end'][0]:.2f} at the end"
           if load else ""),
    ])


def training(results):
    rows = []
    for name, run in results["training"].items():
        nn, ke, r = run["nnlib"], run.get("keras") or {}, results["ratios"][name]
        bound = results["matmul"][name]["bound_s_per_epoch"]["float32"]
        rows.append([results["configs"][name]["label"], _f(nn["s_per_epoch"]),
                     _f(ke.get("s_per_epoch")) + (f" (+{ke['compile_seconds']:.1f} compile)" if ke.get("compile_seconds") else ""),
                     _f(bound), _f(r["nnlib_over_keras"]), _f(r["nnlib_over_bound"]),
                     f"{_f(nn['final_test_accuracy'] * 100)} / {_f(ke.get('final_test_accuracy') and ke['final_test_accuracy'] * 100)}",
                     f"{_f(nn['seconds_to_target'], '{:.1f}')} / {_f(ke.get('seconds_to_target'), '{:.1f}')}"])
    epochs = ", ".join(f"{len(run['nnlib']['test_accuracy'])} for {results['configs'][name]['label'].split()[0]}"
                       for name, run in results["training"].items())
    return _md(["configuration", "nnlib s/ep", "Keras s/ep", "bound s/ep", "nnlib / Keras", "nnlib / bound",
                "final test % (nnlib / Keras)", "s to 98 % (nnlib / Keras)"], rows) + (
        f"\n\ns/ep: seconds per epoch; bound: the matmul bound; epochs trained: {epochs}.")


def matmul(results):
    rows = []
    for name, mm in results["matmul"].items():
        rows.append([results["configs"][name]["label"], f"{mm['gflop_per_epoch']:.1f}",
                     _f(mm["bound_s_per_epoch"]["float32"], "{:.3f}"), _f(mm["bound_s_per_epoch"]["float64"], "{:.3f}"),
                     _f(mm["gflop_per_epoch"] / mm["bound_s_per_epoch"]["float32"], "{:.0f}"),
                     _f(mm["gflop_per_epoch"] / mm["bound_s_per_epoch"]["float64"], "{:.0f}")])
    return _md(["configuration", "GFLOP per epoch", "bound s/epoch float32", "float64",
                "GFLOP/s float32", "float64"], rows)


def ladder(results):
    rows = [[s["stage"], _f(s["s_per_epoch"], "{:.3g}"), _f(s["over_bound"], "{:.3g}")]
            for s in results["ladder"]["stages"]]
    return _md([f"stage ({results['ladder']['network']})", "s per epoch of 60,000 images", "× matmul bound"], rows)


def targets(results):
    mark = {True: "met", False: "**not met**", None: "not measured"}
    rows = [[t["target"], results["configs"][t["config"]]["label"], _f(t["value"]), f"{t['limit']:g}", mark[t["met"]]]
            for t in results["targets"]]
    return _md(["target", "configuration", "measured", "limit", ""], rows)


BLOCKS = {"machine": machine, "training": training, "matmul": matmul, "ladder": ladder, "targets": targets}


def blocks(text):
    """{name: content} of the generated blocks of a page."""
    return {m.group(2): m.group(3) for m in BLOCK.finditer(text)}


def render(text, results):
    """The page text with every generated block made from `results`."""
    def fill(m):
        return m.group(1) + BLOCKS[m.group(2)](results) + "\n" + m.group(4)
    return BLOCK.sub(fill, text)


def figure(results, path=FIGURE):
    """Three panels: s/epoch beside the bound, test accuracy against training time, the ladder."""
    import matplotlib  # imported here: only the page needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(results["training"])
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), gridspec_kw={"width_ratios": [1, 1.1, 1.3]})
    ax = axes[0]
    x = np.arange(len(names))
    series = [("nnlib", [results["training"][n]["nnlib"]["s_per_epoch"] for n in names], "C0"),
              ("Keras (JAX)", [(results["training"][n].get("keras") or {}).get("s_per_epoch") or 0 for n in names], "C1"),
              ("matmul bound", [results["matmul"][n]["bound_s_per_epoch"]["float32"] for n in names], "0.6")]
    for i, (label, values, color) in enumerate(series):
        ax.bar(x + (i - 1) * 0.27, values, 0.27, label=label, color=color)
    short = {n: "-".join(map(str, results["configs"][n]["sizes"])) for n in names}
    ax.set_xticks(x, [short[n] + "\n" + results["configs"][n]["label"].split(" ", 1)[1].replace(" ", "\n", 1)
                      for n in names], fontsize=7)
    ax.set_ylabel("seconds per epoch (60,000 images)")
    ax.set_title("One epoch")
    ax.legend(fontsize=8, loc="best")

    ax = axes[1]
    for i, n in enumerate(names):
        for lib, style in (("nnlib", "-o"), ("keras", "--s")):
            run = results["training"][n].get(lib)
            if not run:
                continue
            t = np.cumsum(run["epoch_seconds"]) - (run.get("compile_seconds") or 0)
            ax.plot(t, np.array(run["test_accuracy"]) * 100, style, color=f"C{i}", ms=3,
                    label=f"{short[n]} {'nnlib' if lib == 'nnlib' else 'Keras'}")
    ax.axhline(98, color="0.5", lw=0.8, ls=":")
    lowest = min(min(r[lib]["test_accuracy"]) for r in results["training"].values() for lib in ("nnlib", "keras") if r.get(lib))
    ax.set_ylim(max(80.0, 100 * lowest - 1), 100)
    ax.set_xlabel("training seconds (Keras: compile excluded)")
    ax.set_ylabel("test accuracy %")
    ax.set_title("Test accuracy after each epoch")
    ax.legend(fontsize=7, ncol=2)

    ax = axes[2]
    stages = [s for s in results["ladder"]["stages"] if s["s_per_epoch"]]
    y = np.arange(len(stages))[::-1]
    ax.barh(y, [s["s_per_epoch"] for s in stages], color=["C3", "C2", "C0", "C1", "0.6"][:len(stages)])
    ax.set_yticks(y, [s["stage"].replace(", ", "\n", 1) for s in stages], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("seconds per epoch (log scale)")
    ax.set_title(f"From objects to matrices ({results['ladder']['network']})")
    for yi, s in zip(y, stages):
        ax.text(s["s_per_epoch"], yi, f" {s['s_per_epoch']:.3g} s", va="center", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results, page=PAGE, figure_path=FIGURE):
    page = Path(page)
    page.write_text(render(page.read_text(), results))
    figure(results, figure_path)
