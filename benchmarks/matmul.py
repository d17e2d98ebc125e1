"""The matrix-multiply rate at each configuration's shapes, and the matmul-only bound of an epoch.

An MLP step is a handful of matrix products; everything else (activations, the loss, the
optimizer, Python) is extra. For a Dense layer with n_in inputs and n_out outputs and a batch
of B examples, one training step multiplies

    forward   Z  = X  @ W      (B, n_in)  @ (n_in, n_out)
    backward  dW = X.T @ dZ    (n_in, B)  @ (B, n_out)
              dX = dZ @ W.T    (B, n_out) @ (n_out, n_in)   not needed for the first layer:
                                                            nobody uses the gradient of the pixels

Each product is timed here with the same memory layout nnlib uses (X.T and W.T are transposed
views, not copies), so `bound` is what an epoch would take if the matrix products were all
that ran: no implementation of the same arithmetic on the same BLAS can be faster.
"""
from __future__ import annotations

import time

import numpy as np


def products(sizes, batch_size):
    """The matrix products of one training step: a list of (name, (m, k, n), needed)."""
    out = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        B = batch_size
        out.append((f"L{i} forward X@W", (B, n_in, n_out), True))
        out.append((f"L{i} backward X.T@dZ", (n_in, B, n_out), True))
        out.append((f"L{i} backward dZ@W.T", (B, n_out, n_in), i > 1))
    return out


def _operands(name, shape, dtype, rng):
    """Arrays laid out as nnlib has them: X, dZ and W C-contiguous; X.T and W.T are views."""
    m, k, n = shape
    if "X.T@dZ" in name:
        return rng.random((k, m), dtype=dtype).T, rng.random((k, n), dtype=dtype)
    if "W.T" in name:
        return rng.random((m, k), dtype=dtype), rng.random((n, k), dtype=dtype).T
    return rng.random((m, k), dtype=dtype), rng.random((k, n), dtype=dtype)


def time_product(name, shape, dtype, min_time=0.05, repeats=3, rng=None):
    """Seconds per call of that product: the best of `repeats` loops of at least `min_time` each.

    The best (not the mean) of several loops is the figure least disturbed by other programs,
    which is what a lower bound wants.
    """
    rng = np.random.default_rng(rng)
    a, b = _operands(name, shape, dtype, rng)
    c = np.empty((shape[0], shape[2]), dtype=dtype)
    np.matmul(a, b, out=c)  # warm up: first-call costs are not the rate
    calls = 1
    while True:  # how many calls fill min_time
        t = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        if time.perf_counter() - t >= min_time / 4:
            break
        calls *= 2
    calls = max(1, int(calls * min_time / max(time.perf_counter() - t, 1e-9)))
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - t) / calls)
    return best


def measure(config, n_examples=60_000, dtypes=("float32", "float64"), min_time=0.05, repeats=3):
    """The rate of every product of `config` and its bound per epoch, for each dtype."""
    steps = n_examples / config.batch_size  # the last, shorter batch counts pro rata
    rows, bound, bound_all = [], {}, {}
    for name, shape, needed in products(config.sizes, config.batch_size):
        m, k, n = shape
        row = {"product": name, "shape": list(shape), "needed": needed, "calls_per_epoch": steps}
        for dtype in dtypes:
            seconds = time_product(name, shape, np.dtype(dtype), min_time, repeats, rng=0)
            row[dtype] = {"seconds": seconds, "gflops": 2 * m * k * n / seconds / 1e9}
            bound_all[dtype] = bound_all.get(dtype, 0.0) + steps * seconds
            if needed:
                bound[dtype] = bound.get(dtype, 0.0) + steps * seconds
        rows.append(row)
    flops = sum(2 * m * k * n for _, (m, k, n), needed in products(config.sizes, config.batch_size) if needed)
    return {
        "products": rows,
        "gflop_per_epoch": flops * steps / 1e9,
        "bound_s_per_epoch": bound,              # the products an epoch needs
        "all_products_s_per_epoch": bound_all,   # including the first layer's unneeded dX
    }
