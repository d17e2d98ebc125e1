"""Checks for the exercises of chapter 2, notebooks/02_neuron_objects.md (neuron objects)."""
import numpy as np

from nnlib.exercises import Wrong, attempt, close, exercise, number
from nnlib.neuron import sigmoid, sigmoid_derivative

# --- product-shapes: (3,) @ (3,), (1, 3) @ (3, 1), (3, 1) @ (1, 3), (1, 3) @ (1, 3) ------------------

SHAPES = [(), (1, 1), (3, 3), None]


def _as_shape(item):
    return None if item is None else tuple(item)


@exercise("product-shapes",
          placeholder="Replace ... with a list of four shapes (tuples; () for a plain number), None where numpy refuses.",
          mistakes=[([(1,), (1, 1), (3, 3), None], "plain number"), ([(), (1, 1), (1, 1), None], "outer product"),
                    ([(), (1, 1), (3, 3), (1, 3)], "inner sizes")])
def product_shapes(answer):
    if not isinstance(answer, (list, tuple)) or len(answer) != 4:
        raise Wrong("Expected a list of four shapes, one per product.")
    try:
        got = [_as_shape(item) for item in answer]
    except TypeError:
        raise Wrong("Write each shape as a tuple, such as (1, 1), or () for a plain number, or None.") from None
    if got[0] != ():
        raise Wrong("Two 1-D arrays give their dot product, a plain number: shape ().")
    if got[1] != (1, 1):
        raise Wrong("A row (1, 3) times a column (3, 1) is a 1 x 1 matrix: shape (1, 1).")
    if got[2] != (3, 3):
        raise Wrong("A column (3, 1) times a row (1, 3) is the outer product, a 3 x 3 matrix.")
    if got[3] is not None:
        raise Wrong("(1, 3) @ (1, 3): the inner sizes are 3 and 1, which do not agree, so numpy raises a ValueError.")
    return ("(), (1, 1), (3, 3) and an error: the inner sizes must agree, and the outer sizes make the shape. "
            "That is why a neuron keeps w and x as 1-D arrays and refuses rows and columns.")


# --- neuron-backward: the three gradients of z = w . x + b ---------------------------------------------

def _swapped(w, x, dz):
    return dz * w, dz, dz * x


def _no_dz(w, x, dz):
    return x, 1.0, w


@exercise("neuron-backward",
          placeholder="Replace the body of neuron_backward with the three gradients: return dw, db, dx.",
          mistakes=[(_swapped, "swapped"), (_no_dz, "dz")])
def neuron_backward(function):
    rng = np.random.default_rng(2)
    w, x, dz = rng.normal(size=4), rng.normal(size=4), float(rng.normal())
    result = attempt(function, w.copy(), x.copy(), dz)
    if not (isinstance(result, tuple) and len(result) == 3):
        raise Wrong("neuron_backward should return three things: dw, db, dx.")
    dw, db, dx = (np.asarray(r, dtype=float) for r in result)
    if close(dw, dz * w) and close(dx, dz * x):
        raise Wrong("dw and dx are swapped: dz/dw_i = x_i (so dw = dz * x), and dz/dx_i = w_i.")
    if close(dw, x) or close(dx, w):
        raise Wrong("These are the partial derivatives of z; the chain rule multiplies each by the incoming dz.")
    if not close(dw, dz * x):
        raise Wrong("dw is not right: z = w . x + b, so dL/dw_i = dz * x_i.")
    if not close(db, dz):
        raise Wrong("db is not right: dz/db = 1, so db = dz.")
    if not close(dx, dz * w):
        raise Wrong("dx is not right: dz/dx_i = w_i, so dx = dz * w.")
    return "dw = dz x, db = dz, dx = dz w: the three lines of Neuron.backward."


# --- sgd-limit: the largest rate that does not diverge on the regression --------------------------------

def _regression_data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(100, 2))
    return X, 3 * X[:, 0] - 2 * X[:, 1] + 1 + rng.normal(0, 0.1, size=100)


@exercise("sgd-limit", placeholder="Replace ... with the largest rate of the list whose 30th epoch ends below 1.",
          mistakes=[(0.3, "single example"), (0.6, "grows"), (0.5, "larger")],
          given=_regression_data)
def sgd_limit(answer):
    got = number(answer, "the learning rate")
    if close(got, 0.3):
        raise Wrong("From about 1/3 on a single example can be overshot, yet SGD at 0.3 does not diverge: "
                    "the other examples pull back. Measure the loss.")
    if close(got, 0.6):
        raise Wrong("At 0.6 the loss grows by many powers of ten within 30 epochs.")
    if got < 0.55 - 1e-9:
        raise Wrong("Its loss ends below 1, but a larger rate of the list does too.")
    if not close(got, 0.55):
        raise Wrong(f"{got:g} is not one of the rates that end below 1; the list is 0.3, 0.4, 0.5, 0.55, 0.6.")
    return ("0.55 still ends below 1 (far above 0.05's 0.014), 0.6 diverges: the limit is set by the average "
            "example, 1 / mean(|x|^2 + 1), about 0.57, not by the largest one.")


# --- bce-dz: the two losses' gradients at a confidently wrong neuron -------------------------------------

Z_WRONG = -3.0  # target y = 1


def _dz_pair():
    a = sigmoid(Z_WRONG)
    return 2 * (a - 1) * sigmoid_derivative(Z_WRONG), a - 1


@exercise("bce-dz", placeholder="Replace ... with a pair (dz with the squared error, dz with the cross-entropy).",
          mistakes=[(_dz_pair()[::-1], "swapped"), ((2 * (sigmoid(Z_WRONG) - 1), sigmoid(Z_WRONG) - 1), "sigma'(z)")])
def bce_dz(answer):
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong("Expected a pair: (dz with the squared error, dz with the cross-entropy).")
    squared, cross = number(answer[0], "the squared error's dz"), number(answer[1], "the cross-entropy's dz")
    right_squared, right_cross = _dz_pair()
    if close(squared, right_cross, rtol=1e-3) and close(cross, right_squared, rtol=1e-3):
        raise Wrong("The two are swapped: the squared error's dz is the small one.")
    if close(squared, 2 * (sigmoid(Z_WRONG) - 1), rtol=1e-3):
        raise Wrong("The squared error's dz = dL/da * da/dz: the factor sigma'(z) is missing.")
    if not close(squared, right_squared, rtol=1e-3):
        raise Wrong("The squared error's dz is 2 (a - y) sigma'(z) with a = sigmoid(-3) and y = 1.")
    if not close(cross, right_cross, rtol=1e-3):
        raise Wrong("The cross-entropy's dz through the sigmoid is a - y.")
    return ("About -0.086 against -0.953: the squared error's gradient is damped by sigma'(z) = 0.045, "
            "the cross-entropy's is not, so it pushes a confidently wrong neuron hard.")


# --- clip-step: the longest step with clip=5 and lr=0.05 ------------------------------------------------

@exercise("clip-step", placeholder="Replace ... with the length of the longest possible step, a float.",
          mistakes=[(5.0, "learning rate"), (0.05, "clip"), (100.0, "multiplies")])
def clip_step(answer):
    got = number(answer, "the step length")
    if close(got, 5.0):
        raise Wrong("5 is the longest gradient a step may use; the step is the learning rate times that.")
    if close(got, 0.05):
        raise Wrong("0.05 is the learning rate alone; the gradient may be as long as clip = 5.")
    if close(got, 100.0):
        raise Wrong("The step multiplies the learning rate by the clipped gradient; it does not divide.")
    if not close(got, 0.25):
        raise Wrong(f"Got {got:g}: the step is lr times a gradient of length at most clip.")
    return ("0.05 * 5 = 0.25, in the space of (w1, w2, b), whatever the example: one glitch can move the "
            "neuron only that far per step.")
