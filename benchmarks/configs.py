"""Chapter 6's three MNIST networks as the benchmark names them, and how to build each with nnlib.

The networks and their training settings are the chapter's own (`nnlib.MNIST_RUNS`, written in
chapter 6), so the benchmark measures exactly what the chapter trains. One difference: like the
chapter's comparison with Keras, the benchmark trains without the shifted images (Keras would
need extra code for them), so mlp_sgd is `SGD_RUN` with shift=0.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import nnlib


@dataclass(frozen=True)
class Config:
    """One of chapter 6's runs, under the name the benchmark's results use."""

    name: str
    run: nnlib.MNISTRun

    @property
    def sizes(self):
        return self.run.sizes

    @property
    def batch_size(self):
        return self.run.batch_size

    @property
    def epochs(self):
        return self.run.epochs

    @property
    def label(self):
        opt = {"sgd": "SGD", "adam": "Adam"}[self.run.optimizer] + (" decay" if self.run.decay == "linear" else "")
        loss = {"softmax_cross_entropy": "softmax-CE", "mse": "sigmoid-MSE"}[self.run.loss]
        return f"{'-'.join(map(str, self.sizes))} {loss} {opt} b{self.batch_size}"

    def lr_at(self, epoch, epochs):
        """The learning rate of epoch 1, 2, ... when the run is trained for `epochs` epochs."""
        return dataclasses.replace(self.run, epochs=epochs).learning_rate(epoch)

    def build(self, seed=0):
        """(net, loss, optimizer) in nnlib, seeded: the Keras twin copies these weights."""
        return self.run.network(seed), self.run.loss_function(), self.run.make_optimizer()

    def targets(self, y):
        """What the loss expects: integer labels for cross-entropy, one-hot rows for MSE."""
        return self.run.targets(y)


CONFIGS = [
    Config("mlp_sgd", dataclasses.replace(nnlib.SGD_RUN, shift=0)),
    Config("mlp_adam", nnlib.ADAM_RUN),
    Config("small_mse", nnlib.MSE_RUN),
]
