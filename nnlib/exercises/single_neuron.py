"""Checks for the exercises of chapter 1, notebooks/01_single_neuron.md (a single neuron)."""
import numpy as np

from nnlib.exercises import Wrong, array, close, exercise, number
from nnlib.neuron import relu, relu_derivative, sigmoid, train_neuron, weighted_sum

# --- neuron-output: z, then the sigmoid, for w = (2, -1), b = 0.5, x = (1, 3) -----------------------

NEURON_Z = 2 * 1 - 1 * 3 + 0.5  # -0.5


@exercise("neuron-output", placeholder="Replace ... with the neuron's sigmoid output a for x = (1, 3), a float.",
          mistakes=[(-0.5, "weighted sum z"), (float(sigmoid(0.5)), "sign"), (0.0, "step or the ReLU")])
def neuron_output(answer):
    got = number(answer, "a")
    if close(got, NEURON_Z):
        raise Wrong("That is the weighted sum z = -0.5; the neuron's output is the sigmoid of it.")
    if close(got, sigmoid(-NEURON_Z)):
        raise Wrong("That is sigma(+0.5): check the sign of z = 2*1 - 1*3 + 0.5.")
    if close(got, 0.0):
        raise Wrong("0 is what the step or the ReLU gives for z = -0.5; the question asks for the sigmoid.")
    if not close(got, sigmoid(NEURON_Z), rtol=1e-3):
        raise Wrong(f"Not the sigmoid of z = w . x + b (got {got:.4f}). Compute z first, then 1 / (1 + e^-z).")
    return ("a = sigma(-0.5), about 0.3775: below 0.5, because z is negative. "
            "The step and the ReLU would both give 0 here.")


# --- relu-chain-rule: dL/dw1 of the chapter's fruit with a ReLU ----------------------------------------

FRUIT_X, FRUIT_W, FRUIT_B, FRUIT_Y = np.array([0.8, 0.2, 0.5]), np.array([1.5, -0.4, 2.0]), -1.0, 1.0


def _relu_dw1():
    z = weighted_sum(FRUIT_X, FRUIT_W, FRUIT_B)
    return 2 * (relu(z) - FRUIT_Y) * relu_derivative(z) * FRUIT_X[0]


@exercise("relu-chain-rule", placeholder="Replace ... with dL/dw1 for the ReLU neuron, a float.",
          mistakes=[(0.096, "factor 2"), (0.24, "x_1"), (-0.192, "sign")],
          given=lambda: (FRUIT_X.copy(), FRUIT_W.copy(), FRUIT_B, FRUIT_Y))
def relu_chain_rule(answer):
    got, right = number(answer, "dL/dw1"), _relu_dw1()
    if close(got, right / 2, rtol=1e-3):
        raise Wrong("Half the right value: dL/da = 2 (a - y) has a factor 2.")
    if close(got, right / FRUIT_X[0], rtol=1e-3):
        raise Wrong("The last link, dz/dw1 = x_1 = 0.8, is missing from the product.")
    if close(got, -right, rtol=1e-3):
        raise Wrong("The sign is flipped: a = relu(1.12) = 1.12 is above its target 1, so a larger w1 raises the loss.")
    if not close(got, right, rtol=1e-3):
        raise Wrong(f"Got {got:.4f}. Multiply the three links: 2 (relu(z) - y), relu'(z) and x_1.")
    return ("dL/dw1 = 2 (1.12 - 1) * 1 * 0.8 = 0.192, positive: the ReLU overshoots its target, so w1 should "
            "shrink. For z < 0 the middle link relu'(z) would be 0, and so would the whole gradient.")


# --- xor-one-neuron: what one neuron makes of XOR -------------------------------------------------------

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR, OR = np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.0, 1.0, 1.0, 1.0])


def _outputs(targets):
    w, b, _ = train_neuron(CORNERS, targets, lr=3.0, epochs=2000)
    return sigmoid(weighted_sum(CORNERS, w, b))


@exercise("xor-one-neuron", placeholder="Replace ... with the trained neuron's four outputs on XOR, shape (4,).",
          mistakes=[(XOR, "targets"), (_outputs(OR), "OR")],
          given=lambda: (CORNERS.copy(), OR.copy(), XOR.copy()))
def xor_one_neuron(answer):
    got = array(answer, (4,), "the four outputs")
    if close(got, XOR):
        raise Wrong("Those are XOR's targets; the answer is what the trained neuron outputs for the four corners.")
    if close(got, _outputs(OR), rtol=1e-3, atol=1e-3):
        raise Wrong("Those are the outputs of the neuron trained on OR; train a fresh one on the XOR targets.")
    if not close(got, _outputs(XOR), rtol=1e-3, atol=1e-3):
        raise Wrong("Not the outputs of train_neuron(X, Y_xor, lr=3.0, epochs=2000) from w = 0, b = 0, "
                    "passed through the sigmoid.")
    return ("All four outputs sit at 0.5: the best single line for XOR says 'no idea' everywhere. "
            "OR was learned; XOR's two classes lie on the two diagonals, and no line separates them.")


# --- smooth-lr: the largest learning rate whose loss falls at every step --------------------------------

def _clouds():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal([1.0, 1.0], 0.9, size=(10, 2)), rng.normal([2.5, 2.0], 0.9, size=(10, 2))])
    return X, np.concatenate([np.zeros(10), np.ones(10)])


@exercise("smooth-lr", placeholder="Replace ... with the largest rate of the list whose loss falls at every step.",
          mistakes=[(3.0, "first step"), (8.0, "lowest final loss"), (1.0, "larger")],
          given=_clouds)
def smooth_lr(answer):
    got = number(answer, "the learning rate")
    if close(got, 3.0):
        raise Wrong("At lr = 3 the very first step already overshoots: the loss rises once before it falls.")
    if close(got, 8.0):
        raise Wrong("8 ends with the lowest final loss of these rates, but its loss goes up at many steps.")
    if got < 2.5 - 1e-9:
        raise Wrong("Its loss does fall at every step, but a larger rate of the list does too.")
    if not close(got, 2.5):
        raise Wrong(f"At lr = {got:g} the loss goes up at some step: np.diff(losses) has a positive entry.")
    return ("2.5: up to there every step lowers the loss. Rates from 3 to 8 overshoot early, yet end lower after "
            "100 steps: smooth and fastest are not the same thing.")
