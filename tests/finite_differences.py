"""Central differences for the tests of chapters 2 and 3 (imported by those test files)."""
import numpy as np


def numerical_gradient(f, v, h=1e-6):
    """Central differences of the scalar function f() with respect to each entry of array v."""
    grad = np.zeros_like(v, dtype=float)
    for i in range(v.size):
        old = v.flat[i]
        try:
            v.flat[i] = old + h
            plus = f()
            v.flat[i] = old - h
            minus = f()
        finally:
            v.flat[i] = old
        grad.flat[i] = (plus - minus) / (2 * h)
    return grad


def numerical_derivative_of_bias(f, neuron, h=1e-6):
    """The central difference of f() with respect to neuron.b, which is put back afterwards."""
    old = neuron.b
    try:
        neuron.b = old + h
        plus = f()
        neuron.b = old - h
        minus = f()
    finally:
        neuron.b = old
    return (plus - minus) / (2 * h)


def rel_error(a, b):
    """The largest |a - b| / (|a| + |b|) over all entries (floored: no 0 / 0)."""
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
