"""Every layer, activation and loss of nnlib against central differences (nnlib.check_gradients),
and the checker itself: it must catch wrong gradients, not only pass right ones."""
import numpy as np
import pytest

import nnlib
from nnlib import (MSE, BinaryCrossEntropy, Dense, Identity, ReLU, Sequential, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh,
                   check_gradients, one_hot)

F64 = np.float64
TOL = 1e-6
ACTIVATIONS = [Identity, Sigmoid, ReLU, Tanh, Softmax]
LOSSES = [MSE, SoftmaxCrossEntropy, BinaryCrossEntropy]


def test_every_matrix_layer_activation_and_loss_of_nnlib_is_checked_here():
    """A class with forward and backward added to nnlib fails this test until it is checked below.
    Chapter 2's Neuron and chapter 3's Layer and Network have no params/grads lists (their own
    tests check them by finite differences); Sequential is checked through the networks below."""
    layers = {obj for obj in vars(nnlib).values()
              if isinstance(obj, type) and hasattr(obj, "forward") and hasattr(obj, "backward")}
    elsewhere = {nnlib.Neuron, nnlib.Layer, nnlib.Network, Sequential}
    assert layers - elsewhere == {Dense, *ACTIVATIONS, *LOSSES}


def data(batch=5, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, n_in))
    labels = rng.integers(0, n_out, size=batch)
    return X, labels, rng


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("init", ["small", "glorot", "he"])
def test_dense_alone_with_mse(l2, init):
    X, _, rng = data()
    layer = Dense(4, 3, init=init, rng=1, dtype=F64, l2=l2)
    layer.b[...] = rng.standard_normal(3)  # non-zero biases, so db is not trivially checked
    report = check_gradients(layer, MSE(), X, rng.standard_normal((5, 3)))
    assert set(report.errors) == {"Dense(4, 3) W", "Dense(4, 3) b", "input X"}
    assert report.ok, report


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda c: c.__name__)
def test_every_activation_alone(activation):
    """An activation's only gradient is dX; MSE against random targets gives a generic dA."""
    X, _, rng = data(batch=6, n_in=5)
    report = check_gradients(activation(), MSE(), X, rng.standard_normal((6, 5)))
    assert list(report.errors) == ["input X"]
    assert report.ok, report


@pytest.mark.parametrize("activation", [Identity, Sigmoid, ReLU, Tanh], ids=lambda c: c.__name__)
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_networks_with_softmax_cross_entropy(activation, l2):
    X, labels, _ = data(batch=7)
    gen = np.random.default_rng(2)
    net = Sequential([Dense(4, 6, rng=gen, dtype=F64, l2=l2), activation(), Dense(6, 3, rng=gen, dtype=F64, l2=l2)])
    report = check_gradients(net, SoftmaxCrossEntropy(), X, labels)
    assert len(report.errors) == 5  # W, b of both layers and the input
    assert report.ok, report


def test_softmax_cross_entropy_with_one_hot_labels():
    X, labels, _ = data()
    report = check_gradients(Identity(), SoftmaxCrossEntropy(), X[:, :3], one_hot(labels, 3, dtype=F64))
    assert report.ok, report


def test_softmax_layer_then_mse():
    X, labels, _ = data()
    gen = np.random.default_rng(3)
    net = Sequential([Dense(4, 3, rng=gen, dtype=F64), Softmax()])
    report = check_gradients(net, MSE(), X, one_hot(labels, 3, dtype=F64))
    assert report.ok, report


def test_sigmoid_output_then_binary_cross_entropy():
    X, labels, _ = data()
    net = Sequential([Dense(4, 1, rng=np.random.default_rng(5), dtype=F64), Sigmoid()])
    report = check_gradients(net, BinaryCrossEntropy(), X, (labels[:, None] % 2).astype(F64))
    assert report.ok, report


def test_mse_alone():
    X, _, rng = data()
    report = check_gradients(Identity(), MSE(), X, rng.standard_normal(X.shape))
    assert report.ok, report


class WrongSign(Dense):
    def backward(self, dZ):
        dX = super().backward(dZ)
        self.dW *= -1  # deliberately wrong
        return dX


class ForgotTranspose(Dense):
    def backward(self, dZ):
        super().backward(dZ)
        return dZ @ self.W  # deliberately wrong: W.T


class ForgotMean(SoftmaxCrossEntropy):
    def backward(self):
        return super().backward() * len(self.probs)  # deliberately wrong: undoes the 1/B


def test_checker_catches_a_wrong_sign_exactly_where_it_is():
    X, labels, _ = data()
    gen = np.random.default_rng(4)
    net = Sequential([Dense(4, 5, rng=gen, dtype=F64), Tanh(), WrongSign(5, 3, rng=gen, dtype=F64)])
    report = check_gradients(net, SoftmaxCrossEntropy(), X, labels)
    assert not report.ok
    assert report.errors["layer 2 Dense(5, 3) W"] == pytest.approx(2.0, rel=1e-6)  # a flipped sign
    assert report.errors["layer 0 Dense(4, 5) W"] < TOL  # the rest is right
    assert "WRONG" in repr(report)


def test_checker_catches_a_missing_transpose_upstream():
    X, labels, _ = data()
    gen = np.random.default_rng(5)
    net = Sequential([Dense(4, 5, rng=gen, dtype=F64), Tanh(), ForgotTranspose(5, 5, rng=gen, dtype=F64), Tanh(),
                      Dense(5, 3, rng=gen, dtype=F64)])
    report = check_gradients(net, SoftmaxCrossEntropy(), X, labels)
    assert report.errors["layer 0 Dense(4, 5) W"] > 1e-2
    assert report.errors["input X"] > 1e-2
    assert report.errors["layer 2 Dense(5, 5) W"] < TOL and report.errors["layer 4 Dense(5, 3) W"] < TOL


def test_checker_catches_a_forgotten_batch_mean():
    batch = 8
    X, labels, _ = data(batch=batch)
    net = Sequential([Dense(4, 3, rng=6, dtype=F64)])
    report = check_gradients(net, ForgotMean(), X, labels)
    for err in report.errors.values():
        assert err == pytest.approx(1 - 1 / batch, rel=1e-5)


def test_checker_refuses_float32_and_names_the_parameter():
    X, labels, _ = data()
    with pytest.raises(TypeError, match=r"Dense\(4, 3\) W is float32"):
        check_gradients(Dense(4, 3, rng=0), SoftmaxCrossEntropy(), X, labels)


def test_sampling_entries_and_leaving_parameters_untouched():
    X, labels, _ = data()
    layer = Dense(4, 3, rng=7, dtype=F64)
    before = [p.copy() for p in layer.params]
    report = check_gradients(layer, SoftmaxCrossEntropy(), X, labels, max_per_param=5, check_input=False)
    assert len(report.analytic["Dense(4, 3) W"]) == 5 and len(report.analytic["Dense(4, 3) b"]) == 3
    assert "input X" not in report.errors
    for p, q in zip(layer.params, before):
        np.testing.assert_array_equal(p, q)


def small_init_tanh_net(*middle):
    """Tiny weights (init="small", sigma 0.01): the gradients of the early layers and of the input
    are 1e-6 or smaller, where the finite differences' round-off (~1e-10) is a large fraction."""
    gen = np.random.default_rng(8)
    return Sequential([Dense(4, 8, init="small", rng=gen, dtype=F64), Tanh(), *middle,
                       Dense(8, 8, init="small", rng=gen, dtype=F64), Tanh(),
                       Dense(8, 3, init="small", rng=gen, dtype=F64)])


def test_correct_tiny_gradients_are_not_called_wrong():
    X, labels, _ = data(batch=8)
    net = small_init_tanh_net()
    report = check_gradients(net, SoftmaxCrossEntropy(), X, labels)
    assert report.analytic["input X"].max() < 1e-4  # really tiny gradients (the case being tested)
    assert report.ok, report


def test_correct_gradients_through_saturated_sigmoids_are_not_called_wrong():
    X, _, rng = data(batch=6)
    gen = np.random.default_rng(9)
    net = Sequential([Dense(4, 6, rng=gen, dtype=F64), Sigmoid(), Dense(6, 2, rng=gen, dtype=F64), Sigmoid()])
    net.layers[0].b[...] = 15.0  # every hidden sigmoid deep in its flat tail: slope about 3e-7
    report = check_gradients(net, MSE(), X, rng.standard_normal((6, 2)))
    assert np.abs(report.analytic["input X"]).max() < 1e-6  # really tiny gradients (the case being tested)
    assert report.ok, report


def test_bugs_among_tiny_gradients_are_still_caught():
    """The floor that forgives round-off must not forgive a wrong gradient."""
    X, labels, _ = data(batch=8)
    gen = np.random.default_rng(10)
    buggy = small_init_tanh_net(ForgotTranspose(8, 8, init="small", rng=gen, dtype=F64), Tanh())
    report = check_gradients(buggy, SoftmaxCrossEntropy(), X, labels)
    assert not report.ok
    # The input's gradients are ~5e-8: measured against the floor the error is small, yet far above tol.
    assert report.errors["input X"] > 10 * TOL and report.errors["layer 0 Dense(4, 8) W"] > 10 * TOL
    assert report.errors["layer 2 Dense(8, 8) W"] < TOL  # the buggy layer's own dW is right
    report = check_gradients(small_init_tanh_net(), ForgotMean(), X, labels)
    # 1 - 1/8 for arrays whose gradients exceed the floor, less (but still WRONG) for the tiny ones
    assert all(err > 10 * TOL for err in report.errors.values()), report
    assert report.errors["layer 4 Dense(8, 3) b"] == pytest.approx(1 - 1 / 8, rel=1e-5)
