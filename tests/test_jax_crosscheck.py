"""nnlib's hand-written backward passes against JAX's automatic differentiation, in float64."""
import numpy as np
import pytest

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from nnlib import MSE, Dense, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy  # noqa: E402

F64 = np.float64


def compare(net, loss, loss_of_params, X, Y, tol=1e-6):
    loss.forward(net.forward(X), Y)
    dX = net.backward(loss.backward())
    params = [jnp.asarray(p) for p in net.params]
    reference = jax.grad(loss_of_params, argnums=(0, 1))(params, jnp.asarray(X))
    for mine, theirs in zip(net.grads + [dX], list(reference[0]) + [reference[1]]):
        theirs = np.asarray(theirs)
        assert mine.shape == theirs.shape
        scale = max(np.abs(theirs).max(), 1e-12)
        assert np.abs(mine - theirs).max() / scale < tol
    assert float(loss_of_params(params, jnp.asarray(X))) == pytest.approx(loss.forward(net.forward(X), Y), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dense_relu_dense_softmax_cross_entropy(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((16, 6))
    labels = rng.integers(0, 4, size=16)
    net = Sequential([Dense(6, 10, rng=rng, dtype=F64), ReLU(), Dense(10, 4, rng=rng, dtype=F64)])
    net.layers[0].b[...] = rng.standard_normal(10) * 0.1
    net.layers[2].b[...] = rng.standard_normal(4) * 0.1

    def loss_of_params(params, X):
        W1, b1, W2, b2 = params
        Z = jnp.maximum(X @ W1 + b1, 0) @ W2 + b2
        log_probs = jax.nn.log_softmax(Z, axis=1)
        return -jnp.mean(log_probs[jnp.arange(len(labels)), labels])

    compare(net, SoftmaxCrossEntropy(), loss_of_params, X, labels)


@pytest.mark.parametrize("seed", [0, 1])
def test_dense_sigmoid_dense_sigmoid_mse(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((12, 5))
    Y = rng.uniform(0, 1, (12, 3))
    net = Sequential([Dense(5, 7, init="glorot", rng=rng, dtype=F64), Sigmoid(),
                      Dense(7, 3, init="glorot", rng=rng, dtype=F64), Sigmoid()])

    def loss_of_params(params, X):
        W1, b1, W2, b2 = params
        A = jax.nn.sigmoid(jax.nn.sigmoid(X @ W1 + b1) @ W2 + b2)
        return jnp.mean((A - Y) ** 2)

    compare(net, MSE(), loss_of_params, X, Y)
