"""L2 regularization as chapter 7 explains it: penalty l2/2 * sum(W^2) in the loss, l2 * W in dW."""
import numpy as np
import pytest

from nnlib import (Adam, Dense, ReLU, Sequential, SoftmaxCrossEntropy, evaluate, fit, make_clusters)


def _data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    y = rng.integers(0, 3, n)
    return X, y


def _net(l2, seed=1):
    return Sequential([Dense(2, 4, rng=seed, dtype=np.float64, l2=l2), ReLU(),
                       Dense(4, 3, rng=seed + 1, dtype=np.float64, l2=l2)])


def _total_loss(net, X, y):
    return SoftmaxCrossEntropy().forward(net.forward(X), y) + net.penalty()


def _backprop(net, X, y):
    loss = SoftmaxCrossEntropy()
    loss.forward(net.forward(X), y)
    net.backward(loss.backward())
    return [g.copy() for g in net.grads]


def _finite_differences(net, X, y, eps=1e-6):
    grads = []
    for p in net.params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = _total_loss(net, X, y)
            p[idx] = old - eps
            down = _total_loss(net, X, y)
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("l2", [0.0, 0.01, 0.5, 3.0])
def test_l2_gradient_matches_finite_differences(l2):
    X, y = _data()
    net = _net(l2)
    for analytic, numeric in zip(_backprop(net, X, y), _finite_differences(net, X, y)):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_finite_differences_notice_a_missing_l2_term():
    """The check above can fail: gradients without lambda*W disagree with the penalised loss."""
    X, y = _data()
    net = _net(0.5)
    numeric = _finite_differences(net, X, y)
    for layer in net.layers:
        if isinstance(layer, Dense):
            layer.l2 = 0.0
    without = _backprop(net, X, y)
    assert not np.allclose(without[0], numeric[0], rtol=1e-3, atol=1e-5)


def test_l2_adds_exactly_lambda_w_to_dw_and_nothing_to_db():
    X, y = _data()
    plain, decayed = _net(0.0), _net(0.7)
    g_plain, g_decayed = _backprop(plain, X, y), _backprop(decayed, X, y)
    W1, W2 = decayed.layers[0].W, decayed.layers[2].W
    np.testing.assert_allclose(g_decayed[0] - g_plain[0], 0.7 * W1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g_decayed[2] - g_plain[2], 0.7 * W2, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(g_decayed[1], g_plain[1])  # biases are not penalised
    np.testing.assert_array_equal(g_decayed[3], g_plain[3])


def test_penalty_value():
    layer = Dense(3, 2, rng=0, dtype=np.float64, l2=0.4)
    layer.W[...] = [[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]]
    layer.b[...] = [100.0, -100.0]  # biases do not count
    assert layer.penalty() == pytest.approx(0.5 * 0.4 * (1 + 4 + 0.25 + 0 + 9 + 1))
    assert Dense(3, 2, rng=0).penalty() == 0.0
    net = Sequential([layer, ReLU(), Dense(2, 2, rng=1, dtype=np.float64, l2=0.1)])
    expected = 0.2 * np.sum(layer.W ** 2) + 0.05 * np.sum(net.layers[2].W ** 2)
    assert net.penalty() == pytest.approx(expected)


def test_evaluate_reports_data_loss_plus_penalty():
    X, y = _data(30, seed=3)
    net = _net(0.2)
    data_loss = SoftmaxCrossEntropy().forward(net.forward(X), y)
    loss, _ = evaluate(net, SoftmaxCrossEntropy(), X, y)
    assert loss == pytest.approx(data_loss + net.penalty())
    assert net.penalty() > 0


def test_stronger_l2_gives_smaller_weights():
    means = [[0.0, 0.0], [1.0, 4.0], [2.0, 8.0]]
    covs = 2.5 * np.array([np.eye(2)] * 3)
    X, y = make_clusters(means, covs, 15, rng=4)
    sizes = []
    for l2 in [0.0, 0.01, 0.1, 1.0]:
        net = Sequential([Dense(2, 16, rng=5, l2=l2), ReLU(), Dense(16, 3, rng=6, l2=l2)])
        fit(net, SoftmaxCrossEntropy(), Adam(0.01), X, y, epochs=300, batch_size=len(X), rng=0, progress=False)
        sizes.append(sum(float(np.sum(layer.W ** 2)) for layer in net.layers if isinstance(layer, Dense)))
    assert all(a > b for a, b in zip(sizes, sizes[1:])), sizes


def test_keras_l2_of_half_lambda_is_nnlibs_penalty():
    """The chapter's claim: Keras L2(l) is l * sum(W^2), so L2(lambda / 2) matches nnlib's l2=lambda."""
    keras = pytest.importorskip("keras")
    layer = Dense(3, 4, rng=2, l2=0.3)
    keras_penalty = float(keras.regularizers.L2(0.3 / 2)(layer.W))
    assert keras_penalty == pytest.approx(layer.penalty(), rel=1e-5)
    assert float(keras.regularizers.L2(0.3)(layer.W)) == pytest.approx(2 * layer.penalty(), rel=1e-5)
