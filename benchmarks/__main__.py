"""`python -m benchmarks`: see benchmarks/__init__.py. Thread settings must be made before numpy loads."""
import argparse
import os
import sys

from benchmarks.machine import kernel_pins  # no numpy there: it must load after the thread settings

RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "mnist.json")
RECORD = "make bench ARGS='--threads 1 --record'"  # how book/performance.md is made


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description="How fast is nnlib, beside Keras and the matmul bound?")
    p.add_argument("--smoke", action="store_true", help="a few hundred steps on a subset: checks that everything runs")
    p.add_argument("--epochs", type=int, help="epochs per configuration (default: each configuration's own)")
    p.add_argument("--threads", type=int, help="use this many CPUs (BLAS threads and CPU affinity, for JAX too)")
    p.add_argument("--blas-threads", type=int, metavar="N",
                   help="threads for numpy's BLAS only (default: --threads); Keras keeps --threads CPUs")
    p.add_argument("--json", metavar="PATH", help="write the results as JSON to PATH")
    p.add_argument("--record", action="store_true",
                   help=f"write {os.path.relpath(RECORDED)} and regenerate book/performance.md and its figure "
                        f"(the page's own run: {RECORD})")
    p.add_argument("--no-keras", dest="keras", action="store_false", help="skip the Keras twins")
    p.add_argument("--configs", nargs="+", metavar="NAME", help="only these configurations (mlp_sgd mlp_adam small_mse)")
    args = p.parse_args(argv)
    if args.threads is not None and args.threads < 1:
        p.error(f"--threads must be at least 1, got {args.threads}")
    if args.blas_threads is not None and args.blas_threads < 1:
        p.error(f"--blas-threads must be at least 1, got {args.blas_threads}")
    if args.epochs is not None and args.epochs < 1:
        p.error(f"--epochs must be at least 1, got {args.epochs}")
    if args.record and args.smoke:
        p.error("--record keeps the figures of a full run; a --smoke run's figures mean nothing")
    pins = kernel_pins()
    if args.record and pins:
        p.error(f"--record keeps figures of the machine's best kernels, but {_listed(pins)} "
                f"pins older ones: unset {' '.join(pins)} first (make bench does)")
    if pins:
        print(f"warning: {_listed(pins)} pins older vector kernels: these are not the machine's best figures "
              "(make bench unsets them)", file=sys.stderr)
    return args


def _listed(pins):
    return ", ".join(f"{k}={v}" for k, v in pins.items())


def limit_threads(n, blas=None):
    """n CPUs for the whole process (JAX obeys only this) and `blas` (default n) threads for
    numpy's BLAS, which reads these variables when numpy is first imported."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(blas or n)
    if n and hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        if n > len(cpus):
            print(f"warning: --threads {n} but only {len(cpus)} CPUs are available", file=sys.stderr)
        os.sched_setaffinity(0, cpus[:n])


def main(argv=None):
    args = parse(argv)
    if args.threads or args.blas_threads:
        limit_threads(args.threads, args.blas_threads)
    os.environ["KERAS_BACKEND"] = "jax"  # the Keras twins run on JAX; set before keras is imported

    from benchmarks import report, run  # numpy loads here, after the thread settings

    results, configs = run.run(smoke=args.smoke, epochs=args.epochs, keras=args.keras, configs=args.configs,
                               threads=args.threads)
    print(report.text(results, configs))
    if args.json:
        run.save(results, args.json)
    if args.record:
        from benchmarks import page

        run.save(results, RECORDED)
        page.write(results)
        print(f"\nwrote {RECORDED}, book/performance.md and its figure")


if __name__ == "__main__":
    main()
