"""Where the figures were taken: CPU, cores, numpy and its BLAS, thread settings, load.

numpy is imported inside the functions that need it: `python -m benchmarks` reads
`kernel_pins` before it sets the thread variables, which numpy reads when it first loads.
"""
from __future__ import annotations

import ctypes
import os
import platform
import sys

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS")


def kernel_pins(environ=os.environ):
    """The variables that hold numpy, OpenBLAS or XLA to older vector kernels (make pins them,
    and some machines set them for everything): the benchmark wants the machine's best."""
    pins = {k: environ[k] for k in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES") if environ.get(k)}
    if "max_isa" in environ.get("XLA_FLAGS", ""):
        pins["XLA_FLAGS"] = environ["XLA_FLAGS"]
    return pins


def cpu_model():
    """The "model name" line of /proc/cpuinfo (Linux), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def simd_flags():
    """The vector instruction sets the CPU offers (the ones BLAS kernels care about)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next(line for line in f if line.startswith("flags")).split(":", 1)[1].split()
    except (OSError, StopIteration):
        return []
    return [f for f in ("avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if f in flags]


def openblas_runtime():
    """OpenBLAS's own report (the kernel it picked at run time, its thread count), if numpy uses it."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower() and line.rstrip().endswith(".so")}
    except OSError:
        return None
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "")):
            try:
                corename = getattr(lib, f"{prefix}get_corename{suffix}")
                config = getattr(lib, f"{prefix}get_config{suffix}")
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
            except AttributeError:
                continue
            corename.restype = config.restype = ctypes.c_char_p
            return {"kernel": corename().decode(), "config": config().decode().strip(), "threads": threads()}
    return None


def blas_build():
    """numpy's BLAS as numpy reports it (name and version)."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # the layout of show_config differs between numpy versions
        return "unknown"


def describe(threads=None):
    import numpy as np

    try:
        affinity = sorted(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    info = {
        "cpu": cpu_model(),
        "simd": simd_flags(),
        "logical_cpus": os.cpu_count(),
        "cpus_used": affinity,
        "threads_requested": threads,
        "thread_env": {k: os.environ.get(k) for k in THREAD_VARIABLES if os.environ.get(k)},
        "kernel_pins": kernel_pins(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "blas": blas_build(),
        "openblas": openblas_runtime(),
        "load_average_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    try:
        import importlib.metadata as md

        info["keras"], info["jax"] = md.version("keras"), md.version("jax")
    except Exception:
        info["keras"] = info["jax"] = None
    return info
