"""The bug zoo of chapter 4: six layers to check with `check_gradients`.

Each specimen looks like a layer or loss of the chapters and has the same interface (`forward`,
`backward`, `params`, `grads`). Some of them have one bug of a kind people really make in a
backward pass; at least one is right. Find the wrong ones with `nnlib.check_gradients`, then read
their code and fix them (chapter 4's exercises check each fix).

    from nnlib.bugzoo import DenseA
    layer = DenseA(4, 4, rng=0, dtype=np.float64)

The specimens work in float64 when asked (`dtype=np.float64` for the Dense ones), as the checker
needs; they leave out the input checks of nnlib's own layers to keep the code short.
"""
import numpy as np

from nnlib.layers import Dense

__all__ = ["DenseA", "DenseB", "SigmoidC", "TanhD", "SoftplusE", "MSEF", "SPECIMENS"]


class DenseA(Dense):
    """A dense layer, Z = X W + b, with its backward pass written out."""

    def __repr__(self):
        return f"DenseA({self.n_in}, {self.n_out})"

    def backward(self, dZ, input_grad=True):
        self.dW[...] = self.X.T @ dZ
        self.db[...] = dZ.sum(axis=0)
        return dZ @ self.W


class DenseB(Dense):
    """A dense layer, Z = X W + b, with its backward pass written out."""

    def __repr__(self):
        return f"DenseB({self.n_in}, {self.n_out})"

    def backward(self, dZ, input_grad=True):
        self.dW[...] = self.X.T @ dZ
        self.db[...] = dZ.mean(axis=0)
        return dZ @ self.W.T


class SigmoidC:
    """A = 1 / (1 + e^-Z)."""

    params, grads = (), ()

    def forward(self, Z):
        self.A = 1.0 / (1.0 + np.exp(-Z))
        return self.A

    def backward(self, dA):
        return dA * self.A * (self.A - 1.0)


class TanhD:
    """A = tanh(Z), computed in place to save memory."""

    params, grads = (), ()

    def forward(self, Z):
        self.Z = Z
        return np.tanh(Z, out=Z)

    def backward(self, dA):
        return dA * (1.0 - np.tanh(self.Z) ** 2)


class SoftplusE:
    """A = log(1 + e^Z), a smooth ReLU; its derivative is the sigmoid of Z."""

    params, grads = (), ()

    def forward(self, Z):
        self.Z = np.array(Z, dtype=float)
        return np.logaddexp(0.0, self.Z)

    def backward(self, dA):
        return dA / (1.0 + np.exp(-self.Z))


class MSEF:
    """Mean squared error over every element: L = mean((A - Y)^2)."""

    def forward(self, A, Y):
        self.diff = np.asarray(A, dtype=float) - Y
        return float(np.mean(self.diff ** 2))

    def backward(self):
        return 2.0 * self.diff / self.diff.shape[1]


SPECIMENS = ["DenseA", "DenseB", "SigmoidC", "TanhD", "SoftplusE", "MSEF"]
