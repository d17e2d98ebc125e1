"""nnlib.keras_compare: a Keras twin computes what its nnlib network computes, and learns alike."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from nnlib import MSE, SGD, Adam, Dense, Momentum, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy, Tanh, evaluate
from nnlib.keras_compare import TrainResult, keras_twin, steps_alike, train_keras, train_nnlib


def classifier(seed=0, l2=0.0):
    rng = np.random.default_rng(seed)
    return Sequential([Dense(20, 16, rng=rng, l2=l2), ReLU(), Dense(16, 12, rng=rng, l2=l2), Tanh(),
                       Dense(12, 4, rng=rng, l2=l2)])


def data(n=64, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 20)).astype(np.float32), rng.integers(0, 4, n)


def test_twin_computes_the_same_outputs_before_training():
    net = classifier()
    X, _ = data()
    twin = keras_twin(net)
    np.testing.assert_allclose(np.asarray(twin(X)), net.forward(X), atol=1e-5, rtol=1e-5)


def test_twin_copies_the_weights_instead_of_sharing_them():
    net = classifier()
    twin = keras_twin(net)
    W_before = net.layers[0].W.copy()
    twin.layers[0].kernel.assign(np.zeros_like(W_before))
    np.testing.assert_array_equal(net.layers[0].W, W_before)


def test_sigmoid_output_twin_and_mse_loss_agree():
    rng = np.random.default_rng(3)
    net = Sequential([Dense(20, 8, rng=rng), ReLU(), Dense(8, 4, rng=rng), Sigmoid()])
    X, y = data()
    Y = np.eye(4, dtype=np.float32)[y]
    twin = keras_twin(net, MSE(), SGD(0.5), Y=Y)
    np.testing.assert_allclose(np.asarray(twin(X)), net.forward(X), atol=1e-5)
    keras_loss, keras_acc = twin.evaluate(X, Y, verbose=0)
    nn_loss, nn_acc = evaluate(net, MSE(), X, Y)
    assert keras_loss == pytest.approx(nn_loss, rel=1e-5)
    assert keras_acc == pytest.approx(nn_acc)


@pytest.mark.parametrize("one_hot", [False, True])
def test_cross_entropy_and_l2_penalty_match(one_hot):
    net = classifier(l2=0.01)
    X, y = data()
    Y = np.eye(4, dtype=np.float32)[y] if one_hot else y
    twin = keras_twin(net, SoftmaxCrossEntropy(), SGD(0.1), Y=Y)
    keras_loss, keras_acc = twin.evaluate(X, Y, verbose=0)
    nn_loss, nn_acc = evaluate(net, SoftmaxCrossEntropy(), X, Y)
    assert net.penalty() > 0.01  # the penalty is part of both numbers
    assert keras_loss == pytest.approx(nn_loss, rel=1e-5)
    assert keras_acc == pytest.approx(nn_acc)


@pytest.mark.parametrize("make_optimizer", [lambda: SGD(0.1), lambda: Momentum(0.05, beta=0.9),
                                            lambda: Adam(1e-2)], ids=["sgd", "momentum", "adam"])
def test_three_training_steps_move_the_weights_alike(make_optimizer):
    net = classifier(l2=1e-3)
    X, y = data(n=32)
    batches = [(X[8 * step:8 * step + 16], y[8 * step:8 * step + 16]) for step in range(3)]
    moved, gap = steps_alike(net, SoftmaxCrossEntropy(), make_optimizer(), batches)
    assert gap < 2e-5 and moved > 500 * gap, (moved, gap)


def test_steps_alike_sees_a_different_step():
    """The check can fail: nnlib's optimizer with another learning rate than the twin's."""
    net = classifier()
    X, y = data(n=16)

    class Faster(SGD):
        def step(self, params, grads):
            self.lr = 0.2  # after the twin was compiled with lr 0.1
            super().step(params, grads)

    moved, gap = steps_alike(net, SoftmaxCrossEntropy(), Faster(0.1), [(X, y)] * 3)
    assert gap > 0.3 * moved


def test_bad_networks_are_refused_with_a_reason():
    with pytest.raises(TypeError, match="Sequential"):
        keras_twin(Dense(3, 2))
    with pytest.raises(ValueError, match="starts with a Dense"):
        keras_twin(Sequential([ReLU(), Dense(3, 2)]))
    with pytest.raises(ValueError, match="does not follow a Dense"):
        keras_twin(Sequential([Dense(3, 2), ReLU(), ReLU()]))
    with pytest.raises(ValueError, match="both loss and optimizer"):
        keras_twin(Sequential([Dense(3, 2)]), SoftmaxCrossEntropy())
    with pytest.raises(TypeError, match="SGD, Momentum or Adam"):
        keras_twin(Sequential([Dense(3, 2)]), SoftmaxCrossEntropy(), object())


def test_timed_training_reports_epochs_accuracy_and_history():
    X, y = data(n=256)
    X_test, y_test = data(n=64, seed=5)
    net = classifier()
    twin = keras_twin(net, SoftmaxCrossEntropy(), SGD(0.05))
    ks = train_keras(twin, X, y, epochs=3, batch_size=32, test=(X_test, y_test))
    nn = train_nnlib(net, SoftmaxCrossEntropy(), SGD(0.05), X, y, epochs=3, batch_size=32, test=(X_test, y_test))
    for run in (ks, nn):
        assert isinstance(run, TrainResult)
        assert len(run.epoch_seconds) == 3 and len(run.history["loss"]) == 3
        assert run.seconds_per_epoch == pytest.approx(np.mean(run.epoch_seconds[1:]))
        assert run.first_epoch_seconds == run.epoch_seconds[0]
        assert 0 <= run.test_accuracy <= 1
        assert run.history["loss"][-1] < run.history["loss"][0]  # both learned something
    # the two learned from the same start with the same steps, in a different order
    assert abs(ks.history["loss"][-1] - nn.history["loss"][-1]) < 0.2


def test_a_learning_rate_schedule_is_applied_to_both():
    X, y = data(n=128)
    schedule = [0.2, 0.1, 0.05].__getitem__  # epoch 1, 2, 3 -> index 0, 1, 2 below
    rate = lambda epoch: schedule(epoch - 1)  # noqa: E731
    net = classifier()
    twin = keras_twin(net, SoftmaxCrossEntropy(), SGD(0.2))
    train_keras(twin, X, y, epochs=3, batch_size=32, lr_schedule=rate)
    optimizer = SGD(0.2)
    train_nnlib(net, SoftmaxCrossEntropy(), optimizer, X, y, epochs=3, batch_size=32, lr_schedule=rate)
    assert optimizer.lr == pytest.approx(0.05)
    assert float(twin.optimizer.learning_rate) == pytest.approx(0.05)
