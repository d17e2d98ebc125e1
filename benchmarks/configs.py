"""The three MNIST configurations of chapter 5, and how to build each one with nnlib."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nnlib


@dataclass(frozen=True)
class Config:
    """One network + loss + optimizer + batch size, as chapter 5 trains it."""

    name: str
    sizes: tuple           # layer widths, input first: (784, 100, 200, 10)
    hidden: str            # activation of the hidden layers: "relu" or "sigmoid"
    loss: str              # "softmax_ce" (logits out, integer labels) or "mse" (sigmoid out, one-hot targets)
    optimizer: str         # "sgd" or "adam"
    lr: float
    batch_size: int
    epochs: int            # epochs of the full run (enough to pass 98 % where the network can)
    decay: bool = False    # linear learning-rate decay over the epochs, as chapter 5 trains this network
    init: str = "he"

    def lr_at(self, epoch, epochs):
        """The learning rate of epoch 1, 2, ...: constant, or falling linearly from lr towards 0."""
        return self.lr * (1 - (epoch - 1) / epochs) if self.decay else self.lr

    @property
    def label(self):
        opt = {"sgd": "SGD", "adam": "Adam"}[self.optimizer] + (" decay" if self.decay else "")
        loss = {"softmax_ce": "softmax-CE", "mse": "sigmoid-MSE"}[self.loss]
        return f"{'-'.join(map(str, self.sizes))} {loss} {opt} b{self.batch_size}"

    def build(self, seed=0):
        """(net, loss, optimizer) in nnlib, seeded: the Keras twin copies these weights."""
        rng = np.random.default_rng(seed)
        act = {"relu": nnlib.ReLU, "sigmoid": nnlib.Sigmoid}[self.hidden]
        layers = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            layers += [nnlib.Dense(n_in, n_out, init=self.init, rng=rng), act()]
        layers.pop()  # the output layer gets no hidden activation...
        if self.loss == "mse":
            layers.append(nnlib.Sigmoid())  # ...but a sigmoid when the loss compares it with one-hot targets
        loss = nnlib.SoftmaxCrossEntropy() if self.loss == "softmax_ce" else nnlib.MSE()
        opt = nnlib.SGD(self.lr) if self.optimizer == "sgd" else nnlib.Adam(self.lr)
        return nnlib.Sequential(layers), loss, opt

    def targets(self, y):
        """What the loss expects: integer labels for cross-entropy, one-hot rows for MSE."""
        return y if self.loss == "softmax_ce" else nnlib.one_hot(y, 10)


CONFIGS = [
    Config("mlp_sgd", (784, 100, 200, 10), "relu", "softmax_ce", "sgd", 0.1, 32, epochs=12, decay=True),
    Config("mlp_adam", (784, 128, 64, 10), "relu", "softmax_ce", "adam", 1e-3, 64, epochs=12),
    Config("small_mse", (784, 16, 10), "relu", "mse", "sgd", 2.0, 64, epochs=5),
]
