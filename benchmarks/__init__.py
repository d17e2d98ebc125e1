"""How fast is nnlib? The benchmark behind book/performance.md (issue 8).

    python -m benchmarks                 # the full run: a few minutes; prints the table
    make bench ARGS='--threads 1 --record'  # also writes benchmarks/results/mnist.json and the book page
    python -m benchmarks --smoke         # a few hundred steps: checks that everything runs

One run, on one machine, measures:

1. numpy's matrix-multiply rate (GFLOP/s, float32 and float64) at exactly the shapes of each
   configuration's forward and backward products, and from it the matmul-only lower bound of an
   epoch: the time of that epoch's matrix products and nothing else (`matmul.py`);
2. the chapter 6 configurations trained on MNIST with nnlib and with their Keras twins (same
   architecture, initial weights, optimizer and batch size): seconds per epoch, Keras's
   compile time apart, test accuracy, and the training time until the test accuracy first
   reaches 98 % (`training.py`);
3. the ladder from neuron objects (chapters 2-3) to matrices (chapter 4): one epoch of each
   stage, timed on a subset and extrapolated to 60,000 images (`ladder.py`);
4. the ratios the course promises, printed as a table and written as JSON (`report.py`).

Nothing here is imported by `import nnlib`, and no unit test asserts a time:
tests/test_benchmarks.py only checks that a smoke run works and prints its table.
"""
