"""The ladder from objects to matrices: one epoch of each stage of the course, on the same network.

Slow stages are timed on a subset and extrapolated to a full epoch of 60,000 images (their time
per example does not depend on how many examples follow). The network is the first configuration's
784-100-200-10 with ReLU; chapter 3's Network has no softmax cross-entropy, so the neuron objects
train with MSE on one-hot targets, which costs the same to within a few per cent.
"""
from __future__ import annotations

import time

import numpy as np

import nnlib


def neuron_objects(config, X, Y, n_examples, seed=0):
    """Chapter 3: a Network of Layers of Neuron objects, one example per step (s per example)."""
    from nnlib.neuron_network import Layer, Network  # chapter 3

    rng = np.random.default_rng(seed)
    sizes = config.sizes
    layers = [Layer(n_in, n_out, nnlib.ReLU() if i < len(sizes) - 2 else nnlib.Identity(), rng=rng)
              for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]
    net = Network(layers, nnlib.MSE())
    Yh = nnlib.one_hot(Y[:n_examples], sizes[-1])
    start = time.perf_counter()
    net.fit(X[:n_examples], Yh, lr=0.01, epochs=1, rng=rng, progress=False)
    return (time.perf_counter() - start) / n_examples


def dense_batch(config, X, Y, n_examples, batch_size, seed=0):
    """Chapter 4: Dense layers and nnlib.fit with the given batch size (s per example)."""
    net, loss, optimizer = config.build(seed)
    start = time.perf_counter()
    nnlib.fit(net, loss, optimizer, X[:n_examples], config.targets(Y[:n_examples]), epochs=1,
              batch_size=batch_size, rng=seed, progress=False)
    return (time.perf_counter() - start) / n_examples


def measure(config, X, Y, n_objects, n_batch1, n_full=60_000):
    """Seconds per (extrapolated) epoch of the stages that need their own run."""
    stages = []
    try:
        per = neuron_objects(config, X, Y, n_objects)
        stages.append({"stage": "Neuron objects in Layers, 1 example per step (ch. 2-3)", "examples_timed": n_objects,
                       "s_per_epoch": per * n_full})
    except ImportError:  # chapter 3's module not written yet
        stages.append({"stage": "Neuron objects in Layers, 1 example per step (ch. 2-3)", "examples_timed": 0,
                       "s_per_epoch": None})
    per = dense_batch(config, X, Y, n_batch1, 1)
    stages.append({"stage": "Dense matrices, 1 example per step (ch. 4, batch 1)", "examples_timed": n_batch1,
                   "s_per_epoch": per * n_full})
    return stages
