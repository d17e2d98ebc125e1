"""Named checks for the arguments of nnlib: the one home of its guard rails.

Chapter 2 explains why nnlib checks what it is given, and why with `raise` rather than `assert`.
Every check takes the value, the `name` the message should call it by, and `who`: the function
or object that asks ("fit", or a layer itself, whose repr names it; it is only turned into text
when something is wrong). A check returns the value in the form the caller computes with, or
raises an error that says who refused what: what was expected, and what arrived. So a library
function checks each of its arguments in one line:

    n_in = checks.whole_number(n_in, "n_in", "Dense(784, 16)")
    X = checks.batch(X, "input", self, width=self.n_in, dtype=self.W.dtype)

The wrong kind of thing (text, None, an array where one number belongs) raises TypeError; the
right kind with a wrong value (a shape, a range, NaN) raises ValueError; methods called in the
wrong order raise RuntimeError; a training run whose loss or weights stop being finite raises
FloatingPointError (`diverged`). Like the rest of nnlib's core, this module needs only numpy and
the standard library.
"""
import math
import numbers

import numpy as np

__all__ = ["RULES", "numeric", "number", "whole_number", "one_of", "float_dtype", "shape", "vector", "batch",
           "example_or_batch", "same_length", "same_shape", "labels", "list_of", "layers_connect", "diverged",
           "forward_first", "forward_backward", "step_arguments", "covariance"]

# The rules one number can be checked against, by the text the messages show.
RULES = {
    "": lambda x: True,
    "> 0": lambda x: x > 0,
    ">= 0": lambda x: x >= 0,
    "in [0, 1)": lambda x: 0 <= x < 1,
}


def numeric(value, name, who, dtype=None, *, shape=None, finite=False):
    """`value` as an array of numbers: floats keep their precision, whole numbers and bools become
    float64 (or everything becomes `dtype`, when given); no copy when nothing changes. With `shape`
    (as for `shape` below) its shape is checked too; with finite=True, that it holds no NaN or
    infinity (one pass over it)."""
    if type(value) is np.ndarray and value.dtype == (dtype or value.dtype) and value.dtype.kind == "f" \
            and shape is None and not finite:
        return value  # the common case in training, checked in one line: nothing to convert
    try:
        array = np.asarray(value)
    except ValueError:  # e.g. a ragged list such as [[1, 2], [3]]
        raise TypeError(f"{who} expects {name} to hold numbers, got {value!r:.80}") from None
    if array.dtype.kind not in "biuf":  # bool, signed or unsigned integer, float
        kind = "an array" if isinstance(value, np.ndarray) else type(value).__name__
        raise TypeError(f"{who} expects {name} to hold numbers, got {kind} of dtype {array.dtype}")
    if dtype is None:
        dtype = array.dtype if array.dtype.kind == "f" else np.float64
    array = array.astype(dtype, copy=False)
    if shape is not None:
        _check_shape(array, shape, name, who)
    if finite:
        _check_finite(array, name, who)
    return array


def _check_finite(array, name, who):
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        row = np.argwhere(~np.isfinite(array))[0]
        place = f"the first in row {row[0]} of {array.shape}" if array.ndim else "it is one number"
        raise ValueError(f"{who}: {name} contains NaN or infinite values ({place}); clean or impute them first")


def number(value, name, who, *, rule="", finite=True):
    """`value` as a float, if it is one number that obeys `rule` (a key of RULES) and, unless
    finite=False, is neither NaN nor infinite."""
    text = f" {rule}" if rule else ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value)
    elif np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iuf":  # e.g. np.array(0.5)
        x = float(value)
    else:
        raise TypeError(f"{who} expects the {name} to be a number{text}, got {value!r}")
    if not ((math.isfinite(x) or not finite) and RULES[rule](x)):
        raise ValueError(f"{who} expects a finite {name}{text}, got {value!r}")
    return x


def whole_number(value, name, who, *, low=1, high=None):
    """`value` as an int, if it is a whole number from `low` to `high` (no upper limit if None)."""
    if high is not None:
        rule = f"a whole number from {low} to {high}"
    else:
        rule = "a positive whole number" if low == 1 else f"a whole number >= {low}"
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or value < low or (high is not None and value > high)):
        raise ValueError(f"{who} expects {name} to be {rule}, got {value!r}")
    return int(value)


def one_of(value, choices, name, who):
    """`value` unchanged, if it is one of `choices` (a dict's keys or a list)."""
    if value not in choices:
        raise ValueError(f"{who} expects {name} to be one of {sorted(choices)}, got {value!r}")
    return value


def float_dtype(dtype, who):
    """`dtype` as a numpy dtype, if it is float32 or float64 (integer weights would round to 0)."""
    if dtype is None or np.dtype(dtype) not in (np.float32, np.float64):
        raise TypeError(f"{who} expects dtype to be np.float32 or np.float64, got {dtype!r}")
    return np.dtype(dtype)


def _check_shape(array, expected, name, who):
    got = np.shape(array)
    if got == expected:
        return
    if len(got) != len(expected) or any(isinstance(e, int) and s != e for s, e in zip(got, expected)):
        text = "(" + ", ".join(map(str, expected)) + ("," if len(expected) == 1 else "") + ")"
        flat = len(expected) == 1 and len(got) == 2 and 1 in got and expected[0] in (math.prod(got), "n")
        hint = " (a row or column vector? flatten it with .ravel())" if flat else ""
        raise ValueError(f"{who} expects {name} of shape {text}, got {got}{hint}")


def shape(array, expected, name, who):
    """`array` unchanged, if its shape is `expected`: a tuple of sizes, where a letter such as
    "n" or "batch" stands for any size (and shows in the message as it is)."""
    _check_shape(array, expected, name, who)
    return array


def vector(value, n, name, who):
    """A float64 copy of `value`, if it is a vector of numbers of shape (n,) (any length if n is "n")."""
    return numeric(value, name, who, np.float64, shape=(n,)).copy()


def batch(X, name, who, *, width="n", dtype=None, finite=False):
    """`X` as an array of numbers (see `numeric`), if it is a batch of shape (batch, width), one
    example per row, with at least one row (any width if `width` is a letter); with finite=True,
    without NaN or infinity."""
    X = numeric(X, name, who, dtype)
    if X.ndim != 2 or (isinstance(width, int) and X.shape[1] != width):
        if X.shape == (width,):
            raise ValueError(f"{who} expects {name} of shape (batch, {width}), got {X.shape} "
                             "(one example? pass X[None, :] to make a batch of one)")
        _check_shape(X, ("batch", width), name, who)
    if len(X) == 0:
        raise ValueError(f"{who} got an empty batch of shape {X.shape}")
    if finite:
        _check_finite(X, name, who)
    return X


def example_or_batch(x, n, name, who):
    """`x` as an array of numbers (see `numeric`), if it is one example of shape (n,) or a batch
    of shape (batch, n)."""
    x = numeric(x, name, who)
    if x.ndim not in (1, 2) or x.shape[-1] != n:
        raise ValueError(f"{who} expects {name} of shape ({n},) or (batch, {n}), got {x.shape}")
    return x


def same_length(a, b, who, names=("examples in X", "targets in Y")):
    """Nothing, if `a` and `b` have as many rows (zip would quietly cut the longer one short)."""
    if len(a) != len(b):
        raise ValueError(f"{who} got {len(a)} {names[0]} but {len(b)} {names[1]}")


def same_shape(A, Y, who, names=("A", "Y")):
    """(A, Y) as arrays of numbers, if predictions A and targets Y have the same shape and at
    least one entry: numpy would broadcast shapes (4,) and (4, 1) to (4, 4), a silent bug."""
    A, Y = numeric(A, names[0], who), numeric(Y, names[1], who)
    if A.shape != Y.shape:
        raise ValueError(f"{who} expects predictions {names[0]} and targets {names[1]} of the same shape, "
                         f"got {names[0]} {A.shape} and {names[1]} {Y.shape}")
    if A.size == 0:
        raise ValueError(f"{who} needs at least one prediction, got empty arrays of shape {A.shape}")
    return A, Y


def labels(Y, who, n_classes=None, *, one_hot_rows=True):
    """Integer class labels (n,) from integer labels (n,) or from one-hot rows (n, k), checked
    against `n_classes` when it is given: the one place where nnlib reads labels."""
    Y = np.asarray(Y)
    if Y.ndim == 2 and one_hot_rows:
        if n_classes is not None and Y.shape[1] != n_classes:
            raise ValueError(f"{who}: one-hot labels have {Y.shape[1]} columns but the network has {n_classes} outputs")
        # argmax would quietly turn a soft label or an all-zero row into some class: refuse them
        is_one_hot = np.all((Y == 0) | (Y == 1), axis=1) & (Y.sum(axis=1) == 1) & (Y.shape[1] > 1)
        if not is_one_hot.all():
            i = int(np.argmin(is_one_hot))
            raise ValueError(f"{who}: 2-D labels must be one-hot rows (a single 1, zeros elsewhere), "
                             f"but row {i} is {np.array2string(Y[i], threshold=12)}")
        return Y.argmax(axis=1)
    if Y.ndim != 1 or Y.dtype.kind not in "iu":  # signed or unsigned integers
        rows = f" or one-hot rows of shape (batch, {n_classes or 'k'})" if one_hot_rows else ""
        raise ValueError(f"{who} expects integer labels of shape (batch,){rows}, "
                         f"got a {Y.dtype} array of shape {Y.shape}")
    top = n_classes if n_classes is not None else (int(Y.max()) + 1 if Y.size else 0)
    if Y.size and (Y.min() < 0 or Y.max() >= top):
        raise ValueError(f"{who}: labels must lie in 0..{top - 1} ({top} classes), "
                         f"got values from {Y.min()} to {Y.max()}")
    return Y


def list_of(items, kind, name, who):
    """`items` as a list, if it is a non-empty list (or another iterable) of `kind` objects."""
    if isinstance(items, kind) or not hasattr(items, "__iter__"):
        single = f" (for a single one write [{items!r}])" if isinstance(items, kind) else ""
        raise TypeError(f"{who} expects {name} to be a list of {kind.__name__} objects, got {items!r}{single}")
    items = list(items)
    if not items:
        raise ValueError(f"{who} expects {name} to hold at least one {kind.__name__}, got an empty list")
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            raise TypeError(f"{who} expects {name} to be {kind.__name__} objects, but item {i} is {item!r}")
    return items


def layers_connect(layers, who):
    """`layers` unchanged, if each layer's outputs are as many as the next layer's inputs."""
    for i, (before, after) in enumerate(zip(layers, layers[1:])):
        if before.n_neurons != after.n_inputs:
            raise ValueError(f"{who}: layer {i} {before!r} gives {before.n_neurons} outputs, "
                             f"but layer {i + 1} {after!r} expects {after.n_inputs} inputs")
    return layers


def diverged(what, lr=None):
    """Stop training: a loss or weights of NaN or infinity almost always mean too large a learning rate."""
    advice = f"Lower the learning rate (now {lr}), e.g. to {lr / 10:g}." if lr else "Lower the learning rate."
    raise FloatingPointError(f"{what}: training diverged. {advice}")


def forward_first(memory, who, forward="forward(Z)", backward="backward(dA)"):
    """Nothing, if `memory` (what forward keeps for backward) is there."""
    if memory is None:
        raise RuntimeError(f"{who}: call {forward} before {backward}")


def forward_backward(obj, name):
    """`obj` unchanged, if it is an object with forward and backward methods (an activation, a loss)."""
    article = "an" if name[0] in "aeiou" else "a"
    if isinstance(obj, type):
        raise TypeError(f"pass {article} {name} object such as {obj.__name__}(), not the class itself")
    if not (hasattr(obj, "forward") and hasattr(obj, "backward")):
        raise TypeError(f"{name} must have forward and backward methods, got {obj!r}")
    return obj


def step_arguments(params, grads, state, who):
    """Nothing, if an optimizer's step got one gradient per parameter, and parameters of the shapes
    that its `state` (velocities or moments, one array per parameter; None for none) was made for."""
    if len(params) != len(grads):
        raise ValueError(f"{who}.step got {len(params)} parameter arrays but {len(grads)} gradient arrays: "
                         "pass net.params and net.grads")
    if state is not None and (len(state) != len(params) or any(s.shape != p.shape for s, p in zip(state, params))):
        raise ValueError(f"this {who} keeps state for {len(state)} parameter arrays of shapes "
                         f"{[s.shape for s in state]} but got {len(params)} of shapes {[p.shape for p in params]}: "
                         "use a new optimizer for each network")


def _matrix_text(M):
    """A small matrix as one line, e.g. [[0, 0.75], [0.75, 0]], for error messages."""
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in M) + "]"


def covariance(cov, name, who):
    """`cov` unchanged, if it can be a covariance matrix: finite, symmetric, positive semi-definite."""
    text = f"{who}: {name}, {_matrix_text(cov)},"
    if not np.all(np.isfinite(cov)):
        raise ValueError(f"{text} contains NaN or inf")
    scale = max(1.0, float(np.abs(cov).max()))
    if not np.allclose(cov, cov.T, rtol=0, atol=1e-9 * scale):
        r, c = np.unravel_index(np.abs(cov - cov.T).argmax(), cov.shape)
        raise ValueError(f"{text} is not symmetric: entry [{r}, {c}] is {cov[r, c]:g} but entry [{c}, {r}] is "
                         f"{cov[c, r]:g}. A covariance matrix equals its transpose (cov(x1, x2) = cov(x2, x1))")
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    if eigenvalues[0] < -1e-9 * scale:
        direction = ", ".join(f"{v:.3g}" for v in eigenvectors[:, 0])
        raise ValueError(
            f"{text} is not positive semi-definite: it has the negative eigenvalue {eigenvalues[0]:.3g}, so the "
            f"variance along the direction ({direction}) would be {eigenvalues[0]:.3g} < 0. A covariance "
            "matrix needs every eigenvalue >= 0 (for 2x2: both variances >= 0 and cov12^2 <= var1 * var2)")
    return cov
