"""Keras twins of nnlib networks, and timed training for both, to compare them fairly.

    from nnlib.keras_compare import keras_twin, train_keras, train_nnlib
    model = keras_twin(net, loss, optimizer)        # same layers, same initial weights
    nn = train_nnlib(net, loss, optimizer, X, y, epochs=3, batch_size=32, test=(X_test, y_test))
    ks = train_keras(model, X, y, epochs=3, batch_size=32, test=(X_test, y_test))
    nn.seconds_per_epoch, ks.seconds_per_epoch, ks.first_epoch_seconds

A twin is built from an nnlib `Sequential` *before* it is trained: every `Dense` becomes a
Keras `Dense` of the same size, with the activation that follows it in nnlib, and with the
very same initial weights copied in. The optimizer gets the same hyper-parameters (nnlib's
SGD, Momentum and Adam are written like Keras's) and the loss is the same function:

    SoftmaxCrossEntropy  ->  (Sparse)CategoricalCrossentropy(from_logits=True)
    MSE                  ->  MeanSquaredError
    Dense(l2=c)          ->  kernel_regularizer=L2(c / 2)   (nnlib's penalty is c/2 * sum W^2)

What cannot be the same is the order in which examples are shuffled, so after training the
two networks differ slightly; before training they compute the same outputs (float32 rounding
aside), which `tests/test_keras_compare.py` checks.

Keras compiles ("traces") its training step during the first epoch, and again for the
smaller last batch, so the first epoch is slow. `train_keras` reports it apart
(`first_epoch_seconds`) from the steady `seconds_per_epoch` (the mean of the later epochs).

This module imports Keras on the JAX backend (`KERAS_BACKEND=jax`, set here if unset), so
`import nnlib` does not load it.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")  # must happen before keras is imported
import keras  # noqa: E402

from nnlib.activations import Identity, ReLU, Sigmoid, Softmax  # noqa: E402
from nnlib.layers import Dense, Sequential  # noqa: E402
from nnlib.losses import MSE, SoftmaxCrossEntropy  # noqa: E402
from nnlib.optimizers import SGD, Adam, Momentum  # noqa: E402
from nnlib.training import evaluate, fit  # noqa: E402

__all__ = ["keras_twin", "keras_optimizer", "keras_loss", "train_keras", "train_nnlib", "TrainResult"]

# nnlib activation class name -> Keras activation name ("Tanh" arrives in chapter 4).
_ACTIVATIONS = {Identity: "linear", ReLU: "relu", Sigmoid: "sigmoid", Softmax: "softmax"}


def _keras_activation(layer):
    for cls, name in _ACTIVATIONS.items():
        if isinstance(layer, cls):
            return name
    if type(layer).__name__ == "Tanh":
        return "tanh"
    return None


def keras_optimizer(optimizer):
    """The Keras optimizer that makes the same updates as an nnlib SGD, Momentum or Adam."""
    if isinstance(optimizer, Adam):
        return keras.optimizers.Adam(learning_rate=optimizer.lr, beta_1=optimizer.beta1,
                                     beta_2=optimizer.beta2, epsilon=optimizer.eps)
    if isinstance(optimizer, Momentum):  # both: v <- beta v - lr g; p <- p + v
        return keras.optimizers.SGD(learning_rate=optimizer.lr, momentum=optimizer.beta)
    if isinstance(optimizer, SGD):
        return keras.optimizers.SGD(learning_rate=optimizer.lr)
    raise TypeError(f"keras_optimizer expects an nnlib SGD, Momentum or Adam, got {type(optimizer).__name__}")


def keras_loss(loss, Y):
    """The Keras loss equal to an nnlib loss; Y (integer labels or one-hot rows) picks the variant."""
    if isinstance(loss, SoftmaxCrossEntropy):
        if np.ndim(Y) == 1:
            return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return keras.losses.CategoricalCrossentropy(from_logits=True)
    if isinstance(loss, MSE):
        return keras.losses.MeanSquaredError()
    raise TypeError(f"keras_loss expects an nnlib SoftmaxCrossEntropy or MSE, got {type(loss).__name__}")


def keras_twin(net, loss=None, optimizer=None, *, Y=None):
    """A Keras model computing what `net` computes, starting from the same weights.

    `net` is an nnlib Sequential of Dense layers, each optionally followed by one
    activation. With `loss` and `optimizer` (nnlib objects) the model is also compiled
    with their Keras equivalents; `Y` (labels or one-hot rows, default: labels) picks
    between sparse and one-hot cross-entropy. The returned model has accuracy as a metric.
    """
    if not isinstance(net, Sequential):
        raise TypeError(f"keras_twin expects an nnlib Sequential, got {type(net).__name__}")
    layers = list(net.layers)
    if not layers or not isinstance(layers[0], Dense):
        raise ValueError(f"keras_twin expects a network that starts with a Dense layer, got {net!r}")
    dense_layers, weights = [], []
    i = 0
    while i < len(layers):
        layer = layers[i]
        if not isinstance(layer, Dense):
            raise ValueError(f"keras_twin: layer {i} of {net!r} ({type(layer).__name__}) does not follow a "
                             "Dense layer; expected Dense layers each followed by at most one activation")
        activation = "linear"
        if i + 1 < len(layers) and not isinstance(layers[i + 1], Dense):
            activation = _keras_activation(layers[i + 1])
            if activation is None:
                raise ValueError(f"keras_twin: no Keras equivalent for {type(layers[i + 1]).__name__}; "
                                 f"supported: {sorted(c.__name__ for c in _ACTIVATIONS)} and Tanh")
            i += 1
        regularizer = keras.regularizers.L2(layer.l2 / 2) if layer.l2 else None
        dense_layers.append(keras.layers.Dense(layer.n_out, activation=activation, kernel_regularizer=regularizer,
                                               dtype=layer.W.dtype.name))
        weights.append([layer.W.copy(), layer.b.copy()])
        i += 1
    model = keras.Sequential([keras.Input(shape=(layers[0].n_in,), dtype=layers[0].W.dtype.name), *dense_layers])
    for keras_layer, (W, b) in zip(dense_layers, weights):
        keras_layer.set_weights([W, b])
    if loss is not None and optimizer is not None:
        Y = np.zeros(1, dtype=int) if Y is None else Y
        # Accuracy = the largest output is the true class, for labels or one-hot rows alike.
        metric = keras.metrics.SparseCategoricalAccuracy if np.ndim(Y) == 1 else keras.metrics.CategoricalAccuracy
        model.compile(optimizer=keras_optimizer(optimizer), loss=keras_loss(loss, Y), metrics=[metric(name="accuracy")])
    elif (loss is None) != (optimizer is None):
        raise ValueError("keras_twin: give both loss and optimizer (to compile the model) or neither")
    return model


@dataclass
class TrainResult:
    """What a timed training run produced.

    seconds_per_epoch   mean time of a steady epoch (for Keras: the epochs after the first)
    first_epoch_seconds time of the first epoch (for Keras: including compilation)
    epoch_seconds       every epoch's time
    test_accuracy, test_loss  on the test set, when one was given
    history             loss (and accuracy, val_*) per epoch, as recorded by the framework
    """

    framework: str
    seconds_per_epoch: float
    first_epoch_seconds: float
    epoch_seconds: list = field(default_factory=list)
    test_accuracy: float | None = None
    test_loss: float | None = None
    history: dict = field(default_factory=dict)

    @property
    def compile_seconds(self) -> float:
        """The first epoch's extra time: Keras's tracing and compilation (about 0 for nnlib)."""
        return max(0.0, self.first_epoch_seconds - self.seconds_per_epoch)


def _steady(times):
    return float(np.mean(times[1:])) if len(times) > 1 else float(times[0])


class _EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._start)


def train_keras(model, X, Y, *, epochs, batch_size=32, test=None, validation=None, seed=0, lr_schedule=None,
                verbose=0):
    """Train a compiled Keras model with `fit`, timing every epoch; return a TrainResult.

    `test=(X_test, Y_test)` is evaluated once after training; `validation=(X_val, Y_val)`
    is passed to Keras as validation data (its time is then part of every epoch).
    `seed` seeds Keras's shuffling (`keras.utils.set_random_seed`). `lr_schedule(epoch)`
    (epochs counted from 1), if given, sets the learning rate at the start of every epoch.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    keras.utils.set_random_seed(seed)
    timer = _EpochTimer()
    callbacks = [timer]
    if lr_schedule is not None:  # Keras counts epochs from 0
        callbacks.append(keras.callbacks.LearningRateScheduler(lambda epoch, lr: float(lr_schedule(epoch + 1))))
    fitted = model.fit(X, Y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=verbose,
                       validation_data=validation, callbacks=callbacks)
    history = {k: [float(v) for v in values] for k, values in fitted.history.items()}
    result = TrainResult("Keras", _steady(timer.times), timer.times[0], timer.times, history=history)
    if test is not None:
        test_loss, test_acc = model.evaluate(*test, batch_size=1024, verbose=0)
        result.test_loss, result.test_accuracy = float(test_loss), float(test_acc)
    return result


def train_nnlib(net, loss, optimizer, X, Y, *, epochs, batch_size=32, test=None, validation=None, seed=0,
                lr_schedule=None, progress=False):
    """Train an nnlib network with `nnlib.fit`, timing every epoch; return a TrainResult.

    The same arguments as `train_keras`, so the two runs are set up alike.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    times = []
    if lr_schedule is not None:
        optimizer.lr = float(lr_schedule(1))
    start = [time.perf_counter()]

    def tick(epoch, history):
        now = time.perf_counter()
        times.append(now - start[0])
        if lr_schedule is not None and epoch < epochs:
            optimizer.lr = float(lr_schedule(epoch + 1))  # the rate for the next epoch
        start[0] = time.perf_counter()

    history = fit(net, loss, optimizer, X, Y, epochs=epochs, batch_size=batch_size, rng=seed,
                  validation=validation, progress=progress, on_epoch=tick)
    history = {k: v for k, v in history.items() if v and v[0] is not None}
    result = TrainResult("nnlib", _steady(times), times[0], times, history=history)
    if test is not None:
        result.test_loss, result.test_accuracy = evaluate(net, loss, *test)
    return result
