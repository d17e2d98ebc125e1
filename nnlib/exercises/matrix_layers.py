"""The checks of chapter 4's exercises (notebooks/04_matrix_layers.md): shapes, a backward pass by
hand, a leaky ReLU, and the bug zoo (which specimens are wrong, and a fix for each wrong one)."""
import numpy as np

from nnlib.bugzoo import DenseA, DenseB, MSEF, SigmoidC, TanhD
from nnlib.exercises import NotAttempted, Wrong, array, attempt, close, exercise

F64 = np.float64


def _zoo_data(seed=16):
    """A batch of 6 examples with 4 features, and regression targets of the same shape."""
    gen = np.random.default_rng(seed)
    return gen.standard_normal((6, 4)), gen.standard_normal((6, 4))


def _report(layer, loss=None, X=None, Y=None):
    """check_gradients on one specimen, the student's code's errors turned into hints."""
    from nnlib import MSE, check_gradients

    if X is None:
        X, Y = _zoo_data(seed=161)
    try:
        return check_gradients(layer, loss if loss is not None else MSE(), X, Y)
    except (Wrong, NotAttempted):
        raise
    except Exception as error:
        raise Wrong(f"check_gradients on your class raised {type(error).__name__}: {error}") from None


def _make(cls, *args, **kwargs):
    try:
        return cls(*args, **kwargs)
    except Exception as error:
        raise Wrong(f"Making {getattr(cls, '__name__', cls)}{args} raised {type(error).__name__}: {error}") from None


def _is_class(answer, what):
    if not isinstance(answer, type):
        raise Wrong(f"Pass the class itself ({what}), not {type(answer).__name__} {answer!r:.40}.")


# --- 1. shapes ------------------------------------------------------------------------------------

SHAPES = {"X": (64, 784), "W": (784, 100), "b": (100,), "Z": (64, 100), "dZ": (64, 100),
          "dW": (784, 100), "db": (100,), "dX": (64, 784)}


def _transposed_dW():
    wrong = dict(SHAPES)
    wrong["dW"] = (100, 784)
    return wrong


def _batch_db():
    wrong = dict(SHAPES)
    wrong["db"] = (64, 100)
    return wrong


@exercise("dense-shapes", placeholder="Replace each ... with a shape, a tuple such as (64, 784).",
          mistakes=[(_transposed_dW(), "the shape of W"), (_batch_db(), "summed over the batch")])
def dense_shapes(answer):
    if not isinstance(answer, dict) or set(answer) != set(SHAPES):
        raise Wrong(f"Expected a dict with the keys {sorted(SHAPES)}.")
    for name, shape in SHAPES.items():
        got = answer[name]
        try:
            got = tuple(int(n) for n in (got if isinstance(got, (tuple, list)) else (got,)))
        except (TypeError, ValueError):
            raise Wrong(f"{name}: expected a tuple of whole numbers, got {answer[name]!r:.40}.") from None
        if got == shape:
            continue
        if name == "dW":
            raise Wrong(f"dW has the shape of W, the array it is the gradient of: compare it with the shape of W. "
                        f"You gave {got}.")
        if name == "db":
            raise Wrong("db has one entry per neuron, like b: the contributions of the 64 examples are summed "
                        f"over the batch. You gave {got}.")
        raise Wrong(f"{name} should not have shape {got}: rows are examples, columns are features or neurons, "
                    "and each gradient has the shape of what it is the gradient of.")
    return ("Every gradient has the shape of what it is the gradient of; only X, Z and their gradients "
            "carry the batch dimension.")


# --- 2. a backward pass by hand -------------------------------------------------------------------

def _backward_inputs():
    gen = np.random.default_rng(42)
    return gen.standard_normal((3, 2)), gen.standard_normal((2, 2)), gen.standard_normal((3, 2))


def _backward_truth():
    X, W, dZ = _backward_inputs()
    return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T


def _backward_mistake(kind):
    X, W, dZ = _backward_inputs()
    dW, db, dX = _backward_truth()
    if kind == "transpose":
        return dW, db, dZ @ W
    if kind == "mean":
        return dW, dZ.mean(axis=0), dX
    return dZ.T @ X, db, dX


@exercise("dense-backward", placeholder="Replace each ... with a numpy expression in X, W and dZ.",
          given=_backward_inputs,
          mistakes=[(_backward_mistake("transpose"), "transpose"), (_backward_mistake("mean"), "sum"),
                    (_backward_mistake("dW"), "order")])
def dense_backward(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong("Expected three arrays: (dW, db, dX).")
    X, W, dZ = _backward_inputs()
    true_dW, true_db, true_dX = _backward_truth()
    dW = array(answer[0], (2, 2), "dW")
    db = array(answer[1], (2,), "db")
    dX = array(answer[2], (3, 2), "dX")
    if not close(dW, true_dW):
        if close(dW, true_dW.T):
            raise Wrong("dW is transposed: the order of the product matters, X^T dZ, not dZ^T X.")
        raise Wrong("dW is not X^T dZ: its entry (k, j) sums X[i, k] * dZ[i, j] over the examples i.")
    if not close(db, true_db):
        if close(db, true_db / 3):
            raise Wrong("db is 3 times too small: sum dZ over the batch (the rows), do not average.")
        raise Wrong("db should be dZ summed over the rows (axis 0), one entry per neuron.")
    if not close(dX, true_dX):
        if close(dX, dZ @ W):
            raise Wrong("dX uses W where it needs its transpose: W is square here, so the shapes "
                        "cannot tell you (B, n_out) @ (n_out, n_in).")
        raise Wrong("dX should be dZ W^T: example i's input k feeds neuron j with weight W[k, j].")
    return "dW = X^T dZ, db = the column sums of dZ, dX = dZ W^T: the three lines of Dense.backward."


# --- 3. a leaky ReLU ------------------------------------------------------------------------------

class _LeakyAbs:  # forgets the slope on the negative side: the derivative of |z|
    params, grads = (), ()

    def __init__(self, slope=0.01):
        self.slope = slope

    def forward(self, Z):
        self.Z = Z
        return np.where(Z > 0, Z, self.slope * Z)

    def backward(self, dA):
        return dA * np.where(self.Z > 0, 1.0, -1.0)


class _LeakyWrongForward:  # a ReLU, the slope forgotten in forward and backward
    params, grads = (), ()

    def __init__(self, slope=0.01):
        self.slope = slope

    def forward(self, Z):
        self.Z = Z
        return np.maximum(Z, 0)

    def backward(self, dA):
        return dA * (self.Z > 0)


@exercise("leaky-relu", placeholder="Complete forward and backward (each still says return ...).",
          mistakes=[(_LeakyAbs, "backward"), (_LeakyWrongForward, "negative")])
def leaky_relu(answer):
    _is_class(answer, "LeakyReLU")
    layer = _make(answer, 0.1)
    Z = np.array([[-2.0, -0.5, 0.5, 3.0]])
    A = np.asarray(attempt(layer.forward, Z.copy()), dtype=float)
    if not close(A, [[-0.2, -0.05, 0.5, 3.0]]):
        raise Wrong(f"forward([[-2, -0.5, 0.5, 3]]) with slope 0.1 should give [[-0.2, -0.05, 0.5, 3]], got {A.tolist()}: "
                    "check the negative side.")
    attempt(layer.backward, np.ones_like(Z))
    gen = np.random.default_rng(3)
    X = gen.standard_normal((5, 4))
    X[np.abs(X) < 0.05] = 0.3  # away from the kink
    report = _report(_make(answer, 0.1), X=X, Y=gen.standard_normal((5, 4)))
    if not report.ok:
        raise Wrong(f"forward is right, but backward disagrees with the central differences "
                    f"(worst relative error {report.worst:.2f}): the derivative is 1 for z > 0 and slope otherwise.")
    return "forward and backward agree with the central differences: a layer of your own, checked."


# --- 4. the bug zoo -------------------------------------------------------------------------------

WRONG_SPECIMENS = {"DenseB", "SigmoidC", "TanhD", "MSEF"}  # of the five left after DenseA
FIVE = {"DenseB", "SigmoidC", "TanhD", "SoftplusE", "MSEF"}


@exercise("bugzoo-suspects",
          placeholder='Replace ... with a set of names, e.g. {"DenseB", "TanhD"}.',
          given=lambda: _zoo_data(),
          mistakes=[(FIVE, "SoftplusE"), ({"DenseB", "SigmoidC", "MSEF"}, "one more"), ({"DenseA"} | WRONG_SPECIMENS, "DenseA")])
def bugzoo_suspects(answer):
    if isinstance(answer, str):
        answer = {answer}
    try:
        names = {str(n) for n in answer}
    except TypeError:
        raise Wrong("Expected a set of names such as {\"DenseB\"}.") from None
    if "DenseA" in names:
        raise Wrong("DenseA we found together; the question is about the other five.")
    unknown = names - FIVE
    if unknown:
        raise Wrong(f"{sorted(unknown)} is not one of the five: {sorted(FIVE)}.")
    if "SoftplusE" in names:
        raise Wrong("SoftplusE's report says all gradients agree: check it again, alone, with MSE().")
    missed = WRONG_SPECIMENS - names
    if missed:
        raise Wrong(f"You have {len(names)} of them; there is one more (at least) among the ones you call right. "
                    "Check each with check_gradients and read the 'ok' and 'WRONG' column."
                    if len(missed) == 1 else f"{len(missed)} buggy specimens are missing from your set.")
    return ("DenseB, SigmoidC, TanhD and MSEF are wrong; SoftplusE is right. The four patterns: b alone off by "
            "1 - 1/B, an error of 2 (a flipped sign), an error near 1, and 1 - 1/B everywhere.")


def _dense_case(answer):
    return _make(answer, 4, 4, rng=0, dtype=F64)


@exercise("bugzoo-fix-a", placeholder="Write FixedDenseA.backward (it still says return ...).",
          mistakes=[(DenseA, "input X")])
def bugzoo_fix_a(answer):
    _is_class(answer, "FixedDenseA")
    layer = _dense_case(answer)
    X, Y = _zoo_data(seed=161)
    Z = layer.forward(X.copy())
    dX = attempt(layer.backward, np.ones_like(Z))
    if dX is None:
        raise Wrong("backward must return dX, the gradient with respect to the input.")
    report = _report(_dense_case(answer))
    if not report.ok:
        wrong = [name for name, err in report.errors.items() if err > report.tol]
        raise Wrong(f"Still wrong: {', '.join(wrong)}. dX must have shape (B, n_in): (B, n_out) @ (n_out, n_in).")
    return "dZ @ W.T: with a square layer only the checker could tell the difference."


@exercise("bugzoo-fix-b", placeholder="Write FixedDenseB.backward (it still says return ...).",
          mistakes=[(DenseB, "sum of dZ over the rows")])
def bugzoo_fix_b(answer):
    _is_class(answer, "FixedDenseB")
    layer = _dense_case(answer)
    X, _ = _zoo_data(seed=161)
    layer.forward(X.copy())
    attempt(layer.backward, np.ones((6, 4)))
    report = _report(_dense_case(answer))
    if not report.ok:
        wrong = [name for name, err in report.errors.items() if err > report.tol]
        raise Wrong(f"Still wrong: {', '.join(wrong)}. The bias is added to every row, so its gradient is the sum "
                    "of dZ over the rows; the 1/B of the mean loss is already inside dZ.")
    return "db = dZ.sum(axis=0): the backward pass of broadcasting is a sum."


@exercise("bugzoo-fix-c", placeholder="Write FixedSigmoidC.backward (it still says return ...).",
          mistakes=[(SigmoidC, "sign")])
def bugzoo_fix_c(answer):
    _is_class(answer, "FixedSigmoidC")
    layer = _make(answer)
    Z = np.array([[-1.0, 0.0, 2.0]])
    A = np.asarray(attempt(layer.forward, Z.copy()), dtype=float)
    if not close(A, 1 / (1 + np.exp(-Z))):
        raise Wrong("forward no longer computes the sigmoid: only backward needed a change.")
    dZ = np.asarray(attempt(layer.backward, np.ones_like(Z)), dtype=float)
    if np.all(dZ <= 0):
        raise Wrong("The sigmoid rises everywhere, so its derivative is positive: check the sign of A (1 - A).")
    report = _report(_make(answer))
    if not report.ok:
        raise Wrong(f"backward still disagrees with the central differences (worst error {report.worst:.2f}).")
    return "sigma'(z) = sigma(z) (1 - sigma(z)), positive: an error of 2 in a report means a flipped sign."


@exercise("bugzoo-fix-d", placeholder="Write FixedTanhD.forward (it still says return ...).",
          mistakes=[(TanhD, "overwrit")])
def bugzoo_fix_d(answer):
    _is_class(answer, "FixedTanhD")
    layer = _make(answer)
    Z = np.array([[-1.0, 0.2, 2.0]])
    original = Z.copy()
    A = np.asarray(attempt(layer.forward, Z), dtype=float)
    if not close(A, np.tanh(original)):
        raise Wrong("forward should return tanh(Z).")
    if not np.array_equal(Z, original):
        raise Wrong("forward still overwrites its input Z: the caller's array (and the Z cached for backward) "
                    "now holds tanh(Z). Compute tanh into a new array.")
    attempt(layer.backward, np.ones_like(Z))
    report = _report(_make(answer))
    if not report.ok:
        raise Wrong(f"backward still disagrees with the central differences (worst error {report.worst:.2f}): "
                    "tanh'(z) = 1 - tanh(z)^2, from the z forward saw or from its output A.")
    return "forward leaves its input alone, and backward reads what forward saw."


@exercise("bugzoo-fix-f", placeholder="Write FixedMSEF.backward (it still says return ...).",
          mistakes=[(MSEF, "batch")])
def bugzoo_fix_f(answer):
    from nnlib import Identity

    _is_class(answer, "FixedMSEF")
    loss = _make(answer)
    X, Y = _zoo_data(seed=161)
    value = loss.forward(X, Y)
    if not close(value, np.mean((X - Y) ** 2)):
        raise Wrong("forward no longer computes the mean of (A - Y)^2: only backward needed a change.")
    dA = np.asarray(attempt(loss.backward), dtype=float)
    true = 2 * (X - Y) / X.size
    if close(dA, 6 * true):
        raise Wrong("The gradient is still 6 times too large, B times for a batch of 6: the mean runs over the "
                    "batch as well as the columns.")
    report = _report(Identity(), _make(answer), X, Y)
    if not report.ok:
        raise Wrong(f"backward still disagrees with the central differences (worst error {report.worst:.2f}).")
    return "2 (A - Y) / (B k): the loss is a mean over all B k entries, and so is its gradient."
