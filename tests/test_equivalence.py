"""Chapter 3's network of Neuron objects and chapter 4's matrix network compute the same numbers."""
import numpy as np
import pytest

from nnlib import MSE, Dense, Identity, ReLU, Sequential, Sigmoid, Tanh
from nnlib.neuron_network import Layer, Network

F64 = np.float64


def twins(sizes, activations, seed):
    """A Network of neurons and a Sequential of Dense layers with the same weights (neuron j -> column j)."""
    gen = np.random.default_rng(seed)
    layers = [Layer(n_in, n_out, act(), rng=gen) for n_in, n_out, act in zip(sizes, sizes[1:], activations)]
    objects = Network(layers, MSE())
    matrix_layers = []
    for layer, act in zip(layers, activations):
        dense = Dense(layer.n_inputs, layer.n_neurons, dtype=F64, rng=0)
        dense.W[...] = np.column_stack([neuron.w for neuron in layer.neurons])
        dense.b[...] = [neuron.b for neuron in layer.neurons]
        matrix_layers += [dense, act()]
    return objects, Sequential(matrix_layers)


CASES = [
    ([5, 8, 3], [Sigmoid, Identity]),
    ([4, 6, 6, 2], [ReLU, Tanh, Identity]),
    ([3, 1], [Sigmoid]),
]


@pytest.mark.parametrize("sizes, activations", CASES)
def test_outputs_and_gradients_agree(sizes, activations):
    objects, matrix = twins(sizes, activations, seed=len(sizes))
    rng = np.random.default_rng(10)
    B = 9
    X = rng.standard_normal((B, sizes[0]))
    Y = rng.standard_normal((B, sizes[-1]))
    for layer in objects.layers:  # non-zero biases, so the bias paths are exercised
        for neuron in layer.neurons:
            neuron.b = float(rng.standard_normal())
    dense_layers = [layer for layer in matrix.layers if isinstance(layer, Dense)]
    for layer, dense in zip(objects.layers, dense_layers):
        dense.b[...] = [neuron.b for neuron in layer.neurons]

    out_objects = np.array([objects.forward(x) for x in X])
    np.testing.assert_allclose(matrix.forward(X), out_objects, rtol=0, atol=1e-10)

    # The batch loss is the mean over examples, so its gradients are the mean of the per-example ones.
    sums = [np.zeros_like(d.W) for d in dense_layers], [np.zeros_like(d.b) for d in dense_layers]
    dX_objects = []
    for x, y in zip(X, Y):
        objects.loss.forward(objects.forward(x), y)
        dX_objects.append(objects.backward(objects.loss.backward(), lr=0.0))
        for k, layer in enumerate(objects.layers):
            sums[0][k] += np.column_stack([neuron.dw for neuron in layer.neurons])
            sums[1][k] += [neuron.db for neuron in layer.neurons]
    loss = MSE()
    loss.forward(matrix.forward(X), Y)
    dX = matrix.backward(loss.backward())
    for k, dense in enumerate(dense_layers):
        np.testing.assert_allclose(dense.dW, sums[0][k] / B, rtol=0, atol=1e-10)
        np.testing.assert_allclose(dense.db, sums[1][k] / B, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dX, np.array(dX_objects) / B, rtol=0, atol=1e-10)


def test_one_sgd_step_on_one_example_agrees():
    """With a batch of one, chapter 3's per-example update is exactly the matrix network's SGD step."""
    from nnlib import SGD

    objects, matrix = twins([4, 5, 2], [Tanh, Identity], seed=3)
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal(4), rng.standard_normal(2)
    objects.train_step(x, y, lr=0.1)
    loss = MSE()
    loss.forward(matrix.forward(x[None, :]), y[None, :])
    matrix.backward(loss.backward())
    SGD(0.1).step(matrix.params, matrix.grads)
    dense_layers = [layer for layer in matrix.layers if isinstance(layer, Dense)]
    for layer, dense in zip(objects.layers, dense_layers):
        np.testing.assert_allclose(dense.W, np.column_stack([n.w for n in layer.neurons]), rtol=0, atol=1e-12)
        np.testing.assert_allclose(dense.b, [n.b for n in layer.neurons], rtol=0, atol=1e-12)
