"""The Dense layer, Sequential, activations as layers, losses and initializers."""
import numpy as np
import pytest

from nnlib import (INITIALIZERS, MSE, Dense, Identity, ReLU, Sequential, Sigmoid, Softmax, SoftmaxCrossEntropy,
                   Tanh, glorot, he, one_hot, small_random)


def test_dense_forward_is_x_w_plus_b_row_by_row():
    rng = np.random.default_rng(0)
    layer = Dense(3, 2, rng=1, dtype=np.float64)
    layer.b[...] = [0.5, -1.0]
    X = rng.standard_normal((4, 3))
    Z = layer.forward(X)
    for i in range(4):  # every row is one example through the layer
        for j in range(2):  # column j is neuron j
            assert Z[i, j] == pytest.approx(X[i] @ layer.W[:, j] + layer.b[j], abs=1e-12)


def test_dense_backward_formulas_and_shapes():
    rng = np.random.default_rng(1)
    layer = Dense(5, 3, rng=2, dtype=np.float64, l2=0.2)
    X, dZ = rng.standard_normal((7, 5)), rng.standard_normal((7, 3))
    layer.forward(X)
    dX = layer.backward(dZ)
    assert (layer.dW.shape, layer.db.shape, dX.shape) == ((5, 3), (3,), (7, 5))
    np.testing.assert_allclose(layer.dW, X.T @ dZ + 0.2 * layer.W)
    np.testing.assert_allclose(layer.db, dZ.sum(axis=0))
    np.testing.assert_allclose(dX, dZ @ layer.W.T)
    assert layer.penalty() == pytest.approx(0.1 * np.sum(layer.W**2))
    assert Dense(5, 3, rng=2).penalty() == 0.0


def test_grads_are_the_same_arrays_after_every_step():
    """Optimizers hold on to params/grads: backward must write into them, never replace them."""
    layer = Dense(4, 2, rng=0)
    W, dW, db = layer.W, layer.dW, layer.db
    for seed in range(2):
        X = np.random.default_rng(seed).standard_normal((3, 4))
        layer.forward(X)
        layer.backward(np.ones((3, 2), dtype=np.float32))
    assert layer.params[0] is W and layer.grads[0] is dW and layer.grads[1] is db
    np.testing.assert_allclose(db, [3.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_through_forward_and_backward(dtype):
    net = Sequential([Dense(4, 8, rng=0, dtype=dtype), Tanh(), Dense(8, 3, rng=1, dtype=dtype)])
    X = np.random.default_rng(0).standard_normal((5, 4))  # float64 input is cast once, by the first layer
    Z = net.forward(X)
    loss = SoftmaxCrossEntropy()
    loss.forward(Z, np.array([0, 1, 2, 0, 1]))
    dX = net.backward(loss.backward())
    assert Z.dtype == dtype and dX.dtype == dtype
    assert all(p.dtype == dtype for p in net.params) and all(g.dtype == dtype for g in net.grads)


def test_sequential_collects_params_in_order_and_predicts_in_batches():
    net = Sequential([Dense(3, 4, rng=0), ReLU(), Dense(4, 2, rng=1, l2=0.5)])
    assert [p.shape for p in net.params] == [(3, 4), (4,), (4, 2), (2,)]
    assert [g.shape for g in net.grads] == [(3, 4), (4,), (4, 2), (2,)]
    assert net.penalty() == pytest.approx(net.layers[2].penalty()) and net.penalty() > 0
    X = np.random.default_rng(2).standard_normal((10, 3)).astype(np.float32)
    np.testing.assert_allclose(net.predict(X, batch_size=3), net.forward(X), rtol=1e-6)
    assert repr(net) == "Sequential([Dense(3, 4), ReLU(), Dense(4, 2)])"


def test_activations_work_on_a_vector_and_on_a_batch():
    Z = np.random.default_rng(3).standard_normal((4, 5))
    for activation in (Identity(), Sigmoid(), ReLU(), Tanh(), Softmax()):
        batch = activation.forward(Z)
        rows = np.array([activation.forward(z) for z in Z])
        np.testing.assert_allclose(batch, rows)
        assert len(activation.params) == 0 and len(activation.grads) == 0  # nothing to learn


def test_tanh_backward_before_forward_is_refused():
    with pytest.raises(RuntimeError, match=r"Tanh\(\): call forward\(Z\) before backward\(dA\)"):
        Tanh().backward(np.ones(3))


def test_tanh_values_and_derivative():
    z = np.array([-2.0, 0.0, 0.5])
    tanh = Tanh()
    np.testing.assert_allclose(tanh.forward(z), np.tanh(z))
    np.testing.assert_allclose(tanh.backward(np.ones(3)), 1 / np.cosh(z) ** 2)


def test_softmax_cross_entropy_matches_the_definition_and_survives_huge_logits():
    Z = np.array([[2.0, 0.5, -1.0], [0.0, 3.0, 0.0]])
    labels = np.array([0, 2])
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    loss = SoftmaxCrossEntropy()
    assert loss.forward(Z, labels) == pytest.approx(-np.mean(np.log(P[[0, 1], labels])))
    np.testing.assert_allclose(loss.backward(), (P - one_hot(labels, 3)) / 2)
    assert loss.forward(Z, one_hot(labels, 3)) == pytest.approx(loss.forward(Z, labels))
    big = loss.forward(np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))
    assert big == pytest.approx(1000.0)  # finite: log-sum-exp, no overflow
    assert np.isfinite(loss.backward()).all()


def test_softmax_cross_entropy_keeps_float32():
    loss = SoftmaxCrossEntropy()
    loss.forward(np.ones((3, 4), dtype=np.float32), np.array([0, 1, 3]))
    assert loss.backward().dtype == np.float32


def test_mse_on_a_batch():
    A, Y = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    loss = MSE()
    assert loss.forward(A, Y) == pytest.approx((0 + 4 + 9 + 16) / 4)
    np.testing.assert_allclose(loss.backward(), 2 * (A - Y) / 4)


@pytest.mark.parametrize("name, variance", [("glorot", 2 / (300 + 200)), ("he", 2 / 300), ("small", 1e-4)])
def test_initializers_have_the_variance_they_promise(name, variance):
    W = INITIALIZERS[name](300, 200, np.random.default_rng(0), np.float64)
    assert W.shape == (300, 200)
    assert W.var() == pytest.approx(variance, rel=0.03)
    assert abs(W.mean()) < 0.05 * np.sqrt(variance)


def test_initializers_are_seeded_and_typed():
    for init in (small_random, glorot, he):
        a = init(5, 4, np.random.default_rng(7))
        b = init(5, 4, np.random.default_rng(7))
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(Dense(5, 4, rng=3).W, Dense(5, 4, rng=3).W)
    assert not np.array_equal(Dense(5, 4, rng=3).W, Dense(5, 4, rng=4).W)


def test_fit_is_reproducible_learns_and_records_accuracy():
    from nnlib import SGD, fit

    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)  # needs the hidden layer

    def run():
        net = Sequential([Dense(2, 16, rng=1), Tanh(), Dense(16, 2, rng=2)])
        return fit(net, SoftmaxCrossEntropy(), SGD(0.3), X, y, epochs=30, batch_size=16, rng=3,
                   validation=(X[:20], y[:20]), progress=False)

    first, second = run(), run()
    assert first == second
    assert first["loss"][-1] < 0.6 * first["loss"][0]
    assert len(first["val_accuracy"]) == 30 and first["accuracy"][-1] > 0.8


def test_backward_without_input_grad_gives_the_same_parameter_gradients():
    rng = np.random.default_rng(0)
    net = Sequential([Dense(6, 5, rng=rng), ReLU(), Dense(5, 3, rng=rng)])
    X = rng.standard_normal((4, 6)).astype(np.float32)
    dA = rng.standard_normal((4, 3)).astype(np.float32)
    net.forward(X)
    dX = net.backward(dA)
    full = [g.copy() for g in net.grads]
    net.forward(X)
    assert net.backward(dA, input_grad=False) is None
    assert dX.shape == X.shape
    for a, b in zip(full, net.grads):
        np.testing.assert_array_equal(a, b)
