"""Each piece of knowledge has one home (issue 13): the places that need it compute with it, and
give the same numbers as the one definition."""
import dataclasses
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

import nnlib
from nnlib import checks


# --- one stable sigmoid ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_sigmoid_layer_computes_with_chapter_1s_sigmoid(dtype):
    Z = (np.random.default_rng(0).standard_normal((5, 7)) * 30).astype(dtype)
    Z[0, :3] = [-1000, 0, 1000]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, in either dtype
        A = nnlib.Sigmoid().forward(Z)
        a = nnlib.sigmoid(Z)
    assert A.dtype == dtype and a.dtype == dtype  # float32 stays float32
    np.testing.assert_array_equal(A, a)  # the very same numbers: one function
    assert A[0, 0] == 0.0 and A[0, 1] == 0.5 and A[0, 2] == 1.0


# --- softmax cross-entropy on softmax and log_softmax ----------------------------------------------

def test_softmax_cross_entropy_is_built_on_log_softmax():
    Z = np.array([[2.0, 0.5, -1.0], [0.0, 3.0, 0.0], [1000.0, 2.0, -5.0]])
    labels = np.array([0, 2, 1])
    loss = nnlib.SoftmaxCrossEntropy()
    value = loss.forward(Z, labels)
    np.testing.assert_allclose(loss.probs, nnlib.softmax(Z), rtol=1e-12, atol=1e-300)  # e^log_softmax is softmax
    assert value == pytest.approx(-np.mean(nnlib.log_softmax(Z)[[0, 1, 2], labels]))
    assert value == pytest.approx((-np.log(nnlib.softmax(Z[:2])[[0, 1], [0, 2]]).sum() + 998.0) / 3)
    np.testing.assert_allclose(np.exp(nnlib.log_softmax(Z)), nnlib.softmax(Z), atol=1e-15)


def test_softmax_cross_entropy_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"^SoftmaxCrossEntropy\(\): call forward\(Z, Y\) before backward\(\)$"):
        nnlib.SoftmaxCrossEntropy().backward()


# --- one label normaliser ----------------------------------------------------------------------------

def test_labels_are_read_in_one_place():
    y = np.array([2, 0, 1, 2])
    Y = nnlib.one_hot(y, 3)
    np.testing.assert_array_equal(checks.labels(Y, "test", 3), y)
    np.testing.assert_array_equal(checks.labels(y, "test", 3), y)
    net = nnlib.Sequential([nnlib.Dense(2, 3, rng=0)])
    X = np.random.default_rng(1).standard_normal((4, 2)).astype(np.float32)
    assert nnlib.accuracy(net, X, y) == nnlib.accuracy(net, X, Y)
    history = nnlib.fit(net, nnlib.MSE(), nnlib.SGD(0.1), X, Y, epochs=1, batch_size=2, rng=0, progress=False)
    assert history["accuracy"][0] is not None  # one-hot targets of an MSE network: classification
    with pytest.raises(ValueError, match=r"2-D labels must be one-hot rows"):
        checks.labels(np.array([[0.5, 0.5], [1.0, 0.0]]), "test")


# --- chapter 6's networks and their training: written once --------------------------------------------

def _tiny_data(seed=0, n=96, n_val=32):
    rng = np.random.default_rng(seed)
    X = rng.random((n + n_val, 784), dtype=np.float32)
    y = rng.integers(0, 10, n + n_val)
    return SimpleNamespace(X_train=X[:n], y_train=y[:n], X_val=X[n:], y_val=y[n:])


@pytest.mark.parametrize("name", ["mse", "adam"])
def test_train_run_without_shifts_or_decay_is_one_call_to_fit(name):
    """What the chapter's MSE cell does (one fit call) and what train_run does (a fit per epoch,
    sharing one generator) are the same training, step for step."""
    run = dataclasses.replace(nnlib.MNIST_RUNS[name], sizes=(784, 8, 10), epochs=3)
    data = _tiny_data()
    net_loop, history_loop = nnlib.train_run(run, data, seed=4)
    net_once = run.network(seed=4)
    history_once = nnlib.fit(net_once, run.loss_function(), run.make_optimizer(), data.X_train,
                             run.targets(data.y_train), epochs=run.epochs, batch_size=run.batch_size, rng=4,
                             validation=(data.X_val, run.targets(data.y_val)), progress=False)
    assert history_loop == history_once
    for p, q in zip(net_loop.params, net_once.params):
        np.testing.assert_array_equal(p, q)


def test_train_run_decays_the_learning_rate_and_shifts_the_images():
    run = dataclasses.replace(nnlib.SGD_RUN, sizes=(784, 8, 10), epochs=4)
    assert [run.learning_rate(e) for e in (1, 2, 3, 4)] == pytest.approx([0.1, 0.075, 0.05, 0.025])
    seen = []
    _, history = nnlib.train_run(run, _tiny_data(), on_epoch=lambda epoch, h: seen.append(len(h["loss"])))
    assert seen == [1, 2, 3, 4] and len(history["val_accuracy"]) == 4
    unshifted = nnlib.train_run(dataclasses.replace(run, shift=0), _tiny_data())[1]
    assert unshifted["loss"] != history["loss"]  # the shifts change what the network sees


def test_the_runs_are_the_chapters_networks():
    assert [r.sizes for r in (nnlib.MSE_RUN, nnlib.SGD_RUN, nnlib.ADAM_RUN)] == [
        (784, 16, 10), (784, 100, 200, 10), (784, 128, 64, 10)]
    net = nnlib.MSE_RUN.network(seed=0)
    assert repr(net) == "Sequential([Dense(784, 16), ReLU(), Dense(16, 10), Sigmoid()])"
    assert repr(nnlib.ADAM_RUN.network()) == ("Sequential([Dense(784, 128), ReLU(), Dense(128, 64), ReLU(), "
                                              "Dense(64, 10)])")
    assert isinstance(nnlib.ADAM_RUN.make_optimizer(), nnlib.FastAdam) and nnlib.ADAM_RUN.make_optimizer().lr == 1e-3
    np.testing.assert_array_equal(nnlib.MSE_RUN.targets(np.array([3])), nnlib.one_hot(np.array([3]), 10))
