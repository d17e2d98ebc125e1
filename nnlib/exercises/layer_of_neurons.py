"""Checks for the exercises of chapter 3, notebooks/03_layer_of_neurons.md (a layer of neurons)."""
import numpy as np

from nnlib.exercises import Wrong, array, attempt, close, exercise, number

# --- layer-size: how many numbers a layer of 3 neurons on 5 inputs learns -------------------------------

@exercise("layer-size", placeholder="Replace ... with the number of numbers the layer learns, a whole number.",
          mistakes=[(15, "its bias"), (8, "weight per input"), (3, "each neuron")])
def layer_size(answer):
    got = number(answer, "the count")
    if close(got, 15):
        raise Wrong("15 counts the weights only; every neuron also learns its bias.")
    if close(got, 8):
        raise Wrong("Each neuron has a weight per input, 5 of them, and a bias: multiply, do not add.")
    if close(got, 3):
        raise Wrong("3 is the number of neurons; each neuron learns 5 weights and a bias.")
    if not close(got, 18):
        raise Wrong(f"Got {got:g}. Count per neuron (weights and bias), then times the number of neurons.")
    return "3 x (5 + 1) = 18: x, each w_j and dx have shape (5,); z, a and da have shape (3,)."


# --- layer-dx: the gradient reaching a layer's input ------------------------------------------------------

def _layer_dx_inputs():
    rng = np.random.default_rng(3)
    return rng.normal(size=(3, 4)).round(2), rng.normal(size=3).round(2)  # w_j as rows, dz


W_ROWS, DZ = _layer_dx_inputs()


@exercise("layer-dx", placeholder="Replace ... with dx, an array of shape (4,).",
          mistakes=[(DZ[-1] * W_ROWS[-1], "only the last"), ((DZ @ W_ROWS) / 3, "sum"), (W_ROWS.sum(axis=0), "dz_j")],
          given=lambda: (W_ROWS.copy(), DZ.copy()))
def layer_dx(answer):
    got, right = array(answer, (4,), "dx"), DZ @ W_ROWS
    if close(got, DZ[-1] * W_ROWS[-1]):
        raise Wrong("That is only the last neuron's dz_j w_j: x reached all three neurons, so add all three.")
    if close(got, right / 3):
        raise Wrong("That is the mean of the three paths; the chain rule adds them: a sum, not a mean.")
    if close(got, W_ROWS.sum(axis=0)):
        raise Wrong("Each neuron's weights must be scaled by its own dz_j before they are added.")
    if not close(got, right):
        raise Wrong("dx = sum over j of dz_j * w_j, with w_j the j-th row of w_rows.")
    return "dx = sum_j dz_j w_j, shape (4,) like x: in numpy, dz @ w_rows, what chapter 4 writes as dZ @ W.T."


# --- tanh-activation: an activation object ----------------------------------------------------------------

class _TanhBackwardFromZ:
    def forward(self, Z):
        self.Z = np.asarray(Z, dtype=float)
        return np.tanh(self.Z)

    def backward(self, dA):
        return dA * (1 - self.Z**2)


class _TanhNoDA:
    def forward(self, Z):
        self.A = np.tanh(Z)
        return self.A

    def backward(self, dA):
        return 1 - self.A**2


@exercise("tanh-activation", placeholder="Complete forward and backward of the class Tanh (each says return ...).",
          mistakes=[(_TanhBackwardFromZ, "of A"), (_TanhNoDA, "times dA")])
def tanh_activation(cls):
    activation = attempt(cls)
    if not (hasattr(activation, "forward") and hasattr(activation, "backward")):
        raise Wrong("Tanh needs a forward(Z) and a backward(dA) method.")
    rng = np.random.default_rng(4)
    Z, dA = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    A = np.asarray(attempt(activation.forward, Z.copy()), dtype=float)
    if not close(A, np.tanh(Z)):
        raise Wrong("forward(Z) should return np.tanh(Z), element by element, for an array of any shape.")
    dZ = np.asarray(attempt(activation.backward, dA.copy()), dtype=float)
    right = dA * (1 - np.tanh(Z) ** 2)
    if close(dZ, dA * (1 - Z**2)):
        raise Wrong("tanh'(Z) = 1 - tanh(Z)^2 is written in terms of A = tanh(Z), not of Z: store A in forward.")
    if close(dZ, 1 - np.tanh(Z) ** 2):
        raise Wrong("That is tanh'(Z) alone; the chain rule multiplies it by the incoming gradient: times dA.")
    if not close(dZ, right):
        raise Wrong("backward(dA) should return dA * (1 - A**2), with A the output of the last forward.")
    return ("Tanh works entry by entry on any shape, as Sigmoid does; it is Sigmoid stretched to (-1, 1), "
            "tanh(z) = 2 sigma(2z) - 1, and chapter 4 adds it to nnlib.")


# --- xor-network: a 2-2-1 network that solves XOR --------------------------------------------------------

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR = np.array([0.0, 1.0, 1.0, 0.0])


@exercise("xor-network", placeholder="Replace ... with your trained network's outputs on the four corners, shape (4,).",
          mistakes=[(np.full(4, 0.5), "0.5"), (XOR, "targets"), (np.array([0.02, 0.97, 0.03, 0.96]), "wrong side")],
          given=lambda: (CORNERS.copy(), XOR.copy()))
def xor_network(answer):
    got = array(answer, (4,), "the four outputs")
    if np.all(np.abs(got - 0.5) < 0.05):
        raise Wrong("All four outputs near 0.5: that is what one neuron manages. Use a hidden layer of two sigmoid "
                    "neurons, or try another seed: some starts get stuck.")
    if np.array_equal(got, XOR):
        raise Wrong("Those are exactly the targets; hand in the network's outputs, net.predict(X)[:, 0].")
    wrong = [tuple(int(v) for v in CORNERS[i]) for i in range(4) if (got[i] > 0.5) != (XOR[i] == 1)]
    if wrong:
        raise Wrong(f"The corners {wrong} are on the wrong side of 0.5. Train longer, or from another seed.")
    if np.max(np.abs(got - XOR)) > 0.1:
        raise Wrong("Every corner is on the right side of 0.5, but not yet within 0.1 of its target: train longer.")
    return "Each output is within 0.1 of its target: two hidden lines, one output, and XOR is solved."


# --- calls-per-example: counting method calls before running them ----------------------------------------

@exercise("calls-per-example", placeholder="Replace ... with the number of method calls per example, a whole number.",
          mistakes=[(66, "layers"), (47, "two hidden layers"), (77, "activation is called")])
def calls_per_example(answer):
    got = number(answer, "the count")
    if close(got, 66):
        raise Wrong("66 counts the neurons' forward and backward; the layers, their activations, the network and "
                    "the loss are called too.")
    if close(got, 47):
        raise Wrong("47 is the count for chapter 3's network with one hidden layer; this one has two hidden layers.")
    if close(got, 77):
        raise Wrong("Each layer's activation is called twice as well (forward and backward).")
    if not close(got, 83):
        raise Wrong(f"Got {got:g}. Count per example: 2 per neuron, 2 per layer, 2 per activation, "
                    "3 for the network, 2 for the loss.")
    return ("33 neurons x 2 + 3 layers x 4 + 3 + 2 = 83, 16 600 per epoch of 200 examples: the neurons' calls "
            "dominate, and they grow with the width.")
