"""Parity fixtures for the playground's JavaScript twin (book/_ext/playground/nn.js), made by nnlib.

    python tests/playground/make_fixtures.py OUT.json

Each case gives the twin everything it needs to start where nnlib started (the data, the
initial weights, the hyperparameters and the order of the minibatches) and what nnlib then
computed: the loss of every step, the gradients of the first step, the weights after the last
step and `evaluate` on the training and test sets. `make playground` writes the file and runs
the twin on it under Node (tests/playground/*.test.js); tests/browser/test_playground.py runs
the same check in Chromium. Nothing here is stored: the numbers come from nnlib at test time,
so a change to nnlib's arithmetic that the twin does not follow fails.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from nnlib import (SGD, Adam, Dense, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy, Tanh, evaluate,
                   make_clusters, minibatches, one_hot, train_val_split, train_neuron)

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}

# Chapter 7's clusters (notebooks/07_gaussian_clusters.md).
MEANS = [[0.0, 0.0], [1.0, 4.0], [2.0, 8.0]]
COVS = [[[1.0, 0.6], [0.6, 0.8]], [[0.6, 0.0], [0.0, 0.5]], [[1.6, -0.5], [-0.5, 0.9]]]


def clusters(seed=2):
    X, y = make_clusters(MEANS, COVS, [200, 150, 250], rng=seed)
    return train_val_split(X, y, 150, rng=seed)


def xor(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5, 5, size=(n, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return train_val_split(X, y, n // 4, rng=seed)


def circles(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    radius = np.where(y == 0, rng.uniform(0, 2, n), rng.uniform(3, 5, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) + 0.3 * rng.standard_normal((n, 2))
    return train_val_split(X, y, n // 4, rng=seed)


def flat(a) -> list[float]:
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def network_case(name, data, hidden, activation, optimizer, *, lr, l2, batch_size, epochs, seed, **adam):
    """Train an nnlib network step by step as `fit` does, recording what the twin must reproduce."""
    X_train, y_train, X_test, y_test = data
    k = int(max(y_train.max(), y_test.max())) + 1
    sizes = [2, *hidden, k]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(ACTIVATIONS[activation]())
        layers.append(Dense(n_in, n_out, dtype=np.float64, rng=seed + i, l2=l2))
    net = Sequential(layers)
    loss = SoftmaxCrossEntropy()
    opt = SGD(lr) if optimizer == "sgd" else Adam(lr, **adam)
    start = [{"n_in": d.n_in, "n_out": d.n_out, "W": flat(d.W), "b": flat(d.b)} for d in net.layers[::2]]

    Y_train = one_hot(y_train, k, dtype=np.float64)
    n = len(X_train)
    batches, losses, first_grads = [], [], None
    for epoch in range(epochs):
        # nnlib's minibatches gives the batches; the same generator state over the indices 0..n-1
        # gives their order, which the twin cannot draw itself (it has no numpy generator).
        order_rng, batch_rng = (np.random.default_rng([seed, epoch]) for _ in range(2))
        for (idx, _), (Xb, Yb) in zip(minibatches(np.arange(n), np.arange(n), batch_size, order_rng),
                                      minibatches(X_train, Y_train, batch_size, batch_rng)):
            assert np.array_equal(Xb, X_train[idx]), "the recorded order is not the order of the batches"
            losses.append(loss.forward(net.forward(Xb), Yb))
            net.backward(loss.backward(), input_grad=False)
            if first_grads is None:
                first_grads = [flat(g) for g in net.grads]
            opt.step(net.params, net.grads)
            batches.append([int(i) for i in idx])

    def measured(X, y):
        value, accuracy = evaluate(net, loss, X, one_hot(y, k, dtype=np.float64))
        return {"loss": value, "accuracy": accuracy}

    return {
        "kind": "network", "name": name, "activation": activation, "l2": l2,
        "optimizer": {"name": optimizer, "lr": lr, **adam},
        "layers": start, "classes": k,
        "X_train": flat(X_train), "y_train": [int(v) for v in y_train],
        "X_test": flat(X_test), "y_test": [int(v) for v in y_test],
        "batches": batches,
        "losses": losses, "first_grads": first_grads,
        "params": [flat(p) for p in net.params],
        "train": measured(X_train, y_train), "test": measured(X_test, y_test),
    }


def neuron_case(name, lr, epochs, seed=0):
    """Chapter 1's neuron and data, trained by chapter 1's train_neuron."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal([1.0, 1.0], 0.9, size=(10, 2)), rng.normal([2.5, 2.0], 0.9, size=(10, 2))])
    Y = np.concatenate([np.zeros(10), np.ones(10)])
    w, b, losses = train_neuron(X, Y, lr=lr, epochs=epochs)
    return {"kind": "neuron", "name": name, "lr": lr, "epochs": epochs, "X": flat(X), "Y": flat(Y),
            "losses": [float(v) for v in losses], "w": flat(w), "b": float(b)}


def fixtures() -> dict:
    return {"cases": [
        network_case("chapter 7: 2-5-3 ReLU, Adam 0.01, L2 1e-3, batches of 32", clusters(), [5], "relu",
                     "adam", lr=0.01, l2=1e-3, batch_size=32, epochs=3, seed=2),
        network_case("2-16-16-3 tanh, SGD 0.05, batches of 50", clusters(), [16, 16], "tanh", "sgd",
                     lr=0.05, l2=0.0, batch_size=50, epochs=3, seed=5),
        network_case("2-8-8-8-2 sigmoid, Adam (0.8, 0.99, 1e-6), L2 0.01, full batch", xor(200, 3), [8, 8, 8],
                     "sigmoid", "adam", lr=0.03, l2=0.01, batch_size=150, epochs=60, seed=7,
                     beta1=0.8, beta2=0.99, eps=1e-6),
        network_case("2-3-2 ReLU, SGD 0.3, L2 0.1, batches of 7", circles(100, 4), [3], "relu", "sgd",
                     lr=0.3, l2=0.1, batch_size=7, epochs=2, seed=11),
        network_case("2-16-16-16-3 ReLU, Adam 1e-3, batches of 1", clusters(seed=9), [16, 16, 16], "relu",
                     "adam", lr=1e-3, l2=1e-4, batch_size=1, epochs=1, seed=13),
        neuron_case("chapter 1: the neuron, lr 1, 100 steps", 1.0, 100),
        # Chapter 1 calls lr 10 and above chaotic: after about 30 steps at lr 10 the last-digit
        # differences of any two correct implementations (numpy sums in another order) grow past
        # 1e-9, so that run is compared while it is still predictable.
        neuron_case("chapter 1: the neuron, lr 10 (overshoots), 25 steps", 10.0, 25),
        # Chapter 1 calls lr 10 and above chaotic: after about 30 steps at lr 10 the last-digit
        # differences of any two correct implementations (numpy sums in another order) grow past
        # 1e-9, so that run is compared while it is still predictable.
        neuron_case("chapter 1: the neuron, lr 100 (saturates), 30 steps", 100.0, 30),
    ]}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python tests/playground/make_fixtures.py OUT.json")
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    cases = fixtures()
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(cases, allow_nan=False))
    tmp.replace(out)  # atomically: a half-written file never passes for a fixture
    print(f"wrote {len(cases['cases'])} parity cases to {out}")


if __name__ == "__main__":
    main()
