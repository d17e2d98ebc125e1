"""Chapter 3: activations (with chapter 5's Softmax beside them), the MSE loss, and the Layer and
Network made of Neuron objects."""
import sys

import numpy as np
import pytest

import nnlib
from nnlib.activations import Identity, ReLU, Sigmoid, Softmax, softmax
from nnlib.losses import MSE
from nnlib.neuron import Neuron
from nnlib.neuron_network import Layer, Network

from finite_differences import numerical_derivative_of_bias, numerical_gradient, rel_error


def test_exported_from_the_package():
    for name in ("Layer", "Network", "Identity", "Sigmoid", "ReLU", "Softmax", "softmax", "MSE", "Neuron"):
        assert hasattr(nnlib, name), name
    assert nnlib.Layer is Layer and nnlib.Network is Network


# ---------------------------------------------------------------- activations and loss

@pytest.mark.parametrize("make", [Identity, Sigmoid, ReLU, Softmax], ids=lambda c: c.__name__)
@pytest.mark.parametrize("shape", [(6,), (4, 5)], ids=["vector", "batch"])
def test_activation_backward_matches_finite_differences(make, shape):
    rng = np.random.default_rng(7)
    activation = make()
    Z = rng.normal(size=shape) * 2
    Z[np.abs(Z) < 0.05] = 0.5  # ReLU has a kink at 0: stay away from it
    G = rng.normal(size=shape)  # L = sum(G * A), so dL/dA = G
    activation.forward(Z)
    dZ = activation.backward(G)
    numeric = numerical_gradient(lambda: np.sum(G * activation.forward(Z)), Z)
    assert dZ.shape == Z.shape
    assert rel_error(dZ, numeric) < 1e-6


def test_activation_values():
    Z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(Sigmoid().forward(Z), 1 / (1 + np.exp(-Z)))
    np.testing.assert_array_equal(ReLU().forward(Z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(Identity().forward(Z), Z)
    A = Softmax().forward(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]))
    np.testing.assert_allclose(A.sum(axis=-1), [1.0, 1.0])
    np.testing.assert_allclose(A[0], np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum())
    np.testing.assert_allclose(A[1], [1 / 3] * 3)  # no overflow for large scores
    np.testing.assert_allclose(softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75])


def test_relu_at_and_near_zero():
    """Exactly 0 and tiny numbers of either sign: negatives become 0, the gradient is 0 at the kink."""
    relu = ReLU()
    Z = np.array([-1.0, -0.01, -1e-12, 0.0, 1e-12, 0.01, 2.0])
    np.testing.assert_array_equal(relu.forward(Z), [0.0, 0.0, 0.0, 0.0, 1e-12, 0.01, 2.0])
    np.testing.assert_array_equal(relu.backward(np.full(7, 3.0)), [0.0, 0.0, 0.0, 0.0, 3.0, 3.0, 3.0])


def test_relu_passes_nan_on():
    """A NaN must stay NaN, so that a network whose weights blew up is noticed, not silently zeroed."""
    A = ReLU().forward(np.array([np.nan, -1.0, 2.0]))
    assert np.isnan(A[0]) and A[1:].tolist() == [0.0, 2.0]


def test_relu_keeps_float32():
    assert ReLU().forward(np.array([-1.0, 2.0], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("make", [Identity, Sigmoid, ReLU, Softmax], ids=lambda c: c.__name__)
def test_activations_accept_lists(make):
    A = make().forward([1.0, -2.0, 0.5])
    assert isinstance(A, np.ndarray)
    np.testing.assert_array_equal(A, make().forward(np.array([1.0, -2.0, 0.5])))


@pytest.mark.parametrize("make", [Sigmoid, ReLU, Softmax], ids=lambda c: c.__name__)
def test_activation_backward_before_forward_is_a_clear_error(make):
    with pytest.raises(RuntimeError, match=rf"^{make.__name__}\(\): call forward\(Z\) before backward\(dA\)$"):
        make().backward(np.ones(3))


def test_mse_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"^MSE\(\): call forward\(A, Y\) before backward\(\)$"):
        MSE().backward()


def test_activations_own_no_parameters_and_share_nothing_mutable():
    for make in (Identity, Sigmoid, ReLU, Softmax):
        activation = make()
        assert activation.params == () and activation.grads == ()
        assert isinstance(activation.params, tuple) and isinstance(activation.grads, tuple)
    from nnlib.layers import Dense, Sequential  # chapter 4 collects the parameters of every layer

    net = Sequential([Dense(2, 3, rng=0), ReLU(), Dense(3, 1, rng=1), Sigmoid()])
    assert [p.shape for p in net.params] == [(2, 3), (3,), (3, 1), (1,)]
    assert [g.shape for g in net.grads] == [(2, 3), (3,), (3, 1), (1,)]


@pytest.mark.parametrize("shape", [(3,), (5, 2)])
def test_mse_value_and_gradient(shape):
    rng = np.random.default_rng(3)
    A, Y = rng.normal(size=shape), rng.normal(size=shape)
    loss = MSE()
    assert loss.forward(A, Y) == pytest.approx(np.mean((A - Y) ** 2))
    assert rel_error(loss.backward(), numerical_gradient(lambda: loss.forward(A, Y), A)) < 1e-6


def test_mse_refuses_different_shapes():
    with pytest.raises(ValueError, match=r"\(3,\).*\(3, 1\)"):
        MSE().forward(np.zeros(3), np.zeros((3, 1)))


# ---------------------------------------------------------------- Layer

def test_layer_forward_is_activation_of_the_neurons_sums():
    rng = np.random.default_rng(0)
    layer = Layer(3, 4, Sigmoid(), rng=rng)
    assert len(layer.neurons) == 4 and all(isinstance(n, Neuron) for n in layer.neurons)
    x = rng.normal(size=3)
    W = np.column_stack([n.w for n in layer.neurons])  # neuron j is column j
    b = np.array([n.b for n in layer.neurons])
    np.testing.assert_allclose(layer.forward(x), 1 / (1 + np.exp(-(x @ W + b))))


def test_layer_neurons_get_different_seeded_weights():
    a = Layer(3, 2, ReLU(), rng=np.random.default_rng(1))
    b = Layer(3, 2, ReLU(), rng=np.random.default_rng(1))
    assert not np.array_equal(a.neurons[0].w, a.neurons[1].w)
    assert all(np.array_equal(p.w, q.w) for p, q in zip(a.neurons, b.neurons))


def _network(rng, sizes, activations, loss=None):
    layers = [Layer(n_in, n_out, act, rng=rng) for n_in, n_out, act in zip(sizes, sizes[1:], activations)]
    return Network(layers, loss or MSE())


@pytest.mark.parametrize("seed", range(3))
def test_every_layers_backward_matches_finite_differences_of_the_network_loss(seed):
    rng = np.random.default_rng(seed)
    net = _network(rng, [4, 5, 3, 2], [Sigmoid(), ReLU(), Identity()])
    x, y = rng.normal(size=4), rng.normal(size=2)

    def loss():
        return net.loss.forward(net.forward(x), y)

    loss()
    dx = net.backward(net.loss.backward())  # lr = 0: gradients only
    assert np.any(dx != 0), "a dead network would make this check vacuous: pick another seed"
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-6
    for layer in net.layers:
        for neuron in layer.neurons:
            assert rel_error(neuron.dw, numerical_gradient(loss, neuron.w)) < 1e-6
            b = neuron.b
            assert rel_error(neuron.db, numerical_derivative_of_bias(loss, neuron)) < 1e-6
            assert neuron.b == b  # the check leaves the network as it found it


def test_softmax_layer_backward_matches_finite_differences():
    rng = np.random.default_rng(5)
    net = _network(rng, [3, 4, 3], [ReLU(), Softmax()])
    x, y = rng.normal(size=3), np.array([0.0, 1.0, 0.0])

    def loss():
        return net.loss.forward(net.forward(x), y)

    loss()
    net.backward(net.loss.backward())
    for layer in net.layers:
        for neuron in layer.neurons:
            assert rel_error(neuron.dw, numerical_gradient(loss, neuron.w)) < 1e-6


def test_train_step_returns_the_loss_before_the_step_and_lowers_it():
    rng = np.random.default_rng(2)
    net = _network(rng, [3, 4, 1], [Sigmoid(), Identity()])
    x, y = rng.normal(size=3), np.array([2.0])
    before = net.loss.forward(net.forward(x), y)
    w_before = net.layers[0].neurons[0].w.copy()
    assert net.train_step(x, y, lr=0.05) == pytest.approx(before)
    assert net.loss.forward(net.forward(x), y) < before
    assert not np.array_equal(net.layers[0].neurons[0].w, w_before)


# ---------------------------------------------------------------- errors

def test_layer_shape_error_names_the_layer_and_both_shapes():
    layer = Layer(3, 4, Sigmoid(), rng=np.random.default_rng(0))
    with pytest.raises(ValueError) as info:
        layer.forward(np.ones((1, 3)))
    assert "Layer(3, 4, Sigmoid())" in str(info.value) and "(3,)" in str(info.value) and "(1, 3)" in str(info.value)
    layer.forward(np.ones(3))
    with pytest.raises(ValueError, match=r"\(4,\).*\(3,\)"):
        layer.backward(np.ones(3))


def test_layer_refuses_non_numbers_and_activation_classes():
    layer = Layer(2, 2, ReLU(), rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="numbers"):
        layer.forward(["a", "b"])
    with pytest.raises(TypeError, match=r"ReLU\(\)"):
        Layer(2, 2, ReLU)
    with pytest.raises(TypeError, match="forward and backward"):
        Layer(2, 2, "relu")


@pytest.mark.parametrize("n_inputs, n_neurons, message", [
    (0, 3, "Layer expects the number of inputs n_inputs to be a positive whole number, got 0"),
    (2.5, 3, "Layer expects the number of inputs n_inputs to be a positive whole number, got 2.5"),
    ("2", 3, "Layer expects the number of inputs n_inputs to be a positive whole number, got '2'"),
    (2, 0, "Layer expects the number of neurons n_neurons to be a positive whole number, got 0"),
    (2, True, "Layer expects the number of neurons n_neurons to be a positive whole number, got True"),
])
def test_layer_sizes_must_be_positive_whole_numbers(n_inputs, n_neurons, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        Layer(n_inputs, n_neurons, ReLU())


@pytest.mark.parametrize("make", [Identity, Sigmoid, ReLU, Softmax], ids=lambda c: c.__name__)
def test_layer_backward_before_forward_names_the_layer(make):
    layer = Layer(2, 3, make(), rng=0)
    with pytest.raises(RuntimeError, match=rf"^Layer\(2, 3, {make.__name__}\(\)\): call forward\(x\) before backward"):
        layer.backward(np.ones(3))


def test_network_refuses_layers_that_do_not_fit():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"gives 4 outputs.*expects 5 inputs"):
        Network([Layer(3, 4, Sigmoid(), rng=rng), Layer(5, 1, Identity(), rng=rng)], MSE())
    with pytest.raises(ValueError, match="^Network expects layers to hold at least one Layer, got an empty list$"):
        Network([], MSE())


def test_network_refuses_what_is_not_a_list_of_layers_or_a_loss():
    layer = Layer(2, 1, Identity(), rng=0)
    with pytest.raises(TypeError, match=r"^pass a loss object such as MSE\(\), not the class itself$"):
        Network([layer], MSE)
    with pytest.raises(TypeError, match="^loss must have forward and backward methods, got 'mse'$"):
        Network([layer], "mse")
    with pytest.raises(TypeError, match="^Network expects layers to be Layer objects, but item 1 is 3$"):
        Network([Layer(2, 3, ReLU(), rng=0), 3], MSE())
    with pytest.raises(TypeError, match=r"list of Layer objects, got Layer\(2, 1, Identity\(\)\) \(for a single one write "
                                        r"\[Layer\(2, 1, Identity\(\)\)\]\)"):
        Network(layer, MSE())


def _fit_data():
    X = np.random.default_rng(1).normal(size=(10, 2))
    return X, X.sum(axis=1)


@pytest.mark.parametrize("X, Y, settings, error, message", [
    (np.zeros((0, 2)), np.zeros(0), {}, ValueError, r"fit got an empty batch of shape \(0, 2\)"),
    (np.zeros(4), np.zeros(4), {}, ValueError, r"fit expects X of shape \(batch, 2\), got \(4,\)"),
    (np.zeros((4, 3)), np.zeros(4), {}, ValueError, r"X of shape \(batch, 2\), got \(4, 3\)"),
    ([["a", "b"]], [1.0], {}, TypeError, "fit expects X to hold numbers, got list of dtype <U1"),
    ([[np.nan, 1.0]], [1.0], {}, ValueError, r"fit: X contains NaN or infinite values \(the first in row 0"),
    ([[1.0, 1.0]], [np.inf], {}, ValueError, r"fit: Y contains NaN or infinite values \(the first in row 0"),
    (None, None, {"epochs": 0}, ValueError, "fit expects epochs to be a positive whole number, got 0"),
    (None, None, {"epochs": -1}, ValueError, "epochs to be a positive whole number, got -1"),
    (None, None, {"epochs": 2.5}, ValueError, r"epochs to be a positive whole number, got 2\.5"),
    (None, None, {"epochs": True}, ValueError, "epochs to be a positive whole number, got True"),
    (None, None, {"lr": "0.1"}, TypeError, r"fit expects the learning rate lr to be a number > 0, got '0\.1'"),
    (None, None, {"lr": None}, TypeError, "learning rate lr to be a number > 0, got None"),
    (None, None, {"lr": 0.0}, ValueError, r"fit expects a finite learning rate lr > 0, got 0\.0"),
    (None, None, {"lr": -1.0}, ValueError, r"finite learning rate lr > 0, got -1\.0"),
    (None, None, {"lr": float("nan")}, ValueError, "finite learning rate lr > 0, got nan"),
    (None, None, {"lr": float("inf")}, ValueError, "finite learning rate lr > 0, got inf"),
], ids=["empty", "1-D", "columns", "text", "nan-X", "inf-Y", "epochs0", "epochs-1", "epochs2.5", "epochsTrue",
        "lr-text", "lr-None", "lr0", "lr-1", "lr-nan", "lr-inf"])
def test_fit_refuses_bad_data_and_settings(X, Y, settings, error, message):
    net = _network(np.random.default_rng(0), [2, 3, 1], [ReLU(), Identity()])
    if X is None:
        X, Y = _fit_data()
    with pytest.raises(error, match=message):
        net.fit(X, Y, **{"lr": 0.1, "epochs": 1, "progress": False, **settings})


def test_fit_stops_when_nan_weights_make_the_loss_nan():
    """Weights that blew up to NaN must stop training: ReLU passes the NaN on instead of hiding it as 0."""
    rng = np.random.default_rng(0)
    net = _network(rng, [2, 3, 1], [ReLU(), Identity()])
    for neuron in net.layers[0].neurons:
        neuron.w[:] = np.nan
    X, Y = _fit_data()
    with pytest.raises(FloatingPointError, match=r"the loss became nan in epoch 1: training diverged\. Lower the learning rate \(now 0\.1\), e\.g\. to 0\.01"):
        net.fit(X, Y, lr=0.1, epochs=3, rng=rng, progress=False)


def test_fit_visits_every_example_once_per_epoch_in_a_fresh_random_order():
    def visits(seed):
        net = _network(np.random.default_rng(0), [1, 1], [Identity()])
        seen = []

        def train_step(x, y, lr):  # replaces the method on this one network: records which example came
            seen.append(int(x[0]))
            return 0.0

        net.train_step = train_step
        net.fit(np.arange(12.0)[:, None], np.zeros(12), lr=0.1, epochs=3, rng=seed, progress=False)
        return [seen[i : i + 12] for i in range(0, 36, 12)]

    epochs = visits(seed=1)
    assert len(epochs) == 3 and all(sorted(order) == list(range(12)) for order in epochs)
    assert epochs[0] != list(range(12))  # shuffled, not in the order of the data
    assert len({tuple(order) for order in epochs}) == 3  # a fresh order every epoch
    assert visits(seed=1) == epochs and visits(seed=2) != epochs  # the order comes from rng


def test_fit_shows_a_progress_bar_with_the_loss(capsys):
    net = _network(np.random.default_rng(0), [2, 3, 1], [ReLU(), Identity()])
    X, Y = _fit_data()
    history = net.fit(X, Y, lr=0.01, epochs=3, rng=0, progress=True)
    bar = capsys.readouterr().err  # outside Jupyter, tqdm writes its bar to stderr
    assert "epochs" in bar and "3/3" in bar and f"loss={history[-1]:.4f}" in bar
    net.fit(X, Y, lr=0.01, epochs=3, rng=0, progress=False)
    assert capsys.readouterr().err == ""


def test_fit_needs_tqdm_only_for_the_bar(monkeypatch):
    """The core of nnlib needs only numpy: without tqdm, fit trains, and shows no bar."""
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now raises ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, Y = _fit_data()
    for progress in (False, True):
        net = _network(np.random.default_rng(0), [2, 3, 1], [ReLU(), Identity()])
        assert len(net.fit(X, Y, lr=0.01, epochs=2, rng=0, progress=progress)) == 2


def test_fit_refuses_mismatched_rows_and_reports_divergence():
    rng = np.random.default_rng(0)
    net = _network(rng, [2, 3, 1], [ReLU(), Identity()])
    with pytest.raises(ValueError, match="fit got 10 examples in X but 9 targets in Y"):
        net.fit(np.zeros((10, 2)), np.zeros(9), lr=0.1, epochs=1, progress=False)
    X = rng.normal(size=(50, 2)) * 10
    with pytest.raises(FloatingPointError, match=r"training diverged\. Lower the learning rate \(now 10\.0\)"):
        net.fit(X, X.sum(axis=1) * 100, lr=10.0, epochs=20, rng=rng, progress=False)


def test_reprs_have_no_addresses():
    net = _network(np.random.default_rng(0), [2, 3, 1], [ReLU(), Identity()])
    assert repr(net) == "Network([Layer(2, 3, ReLU()), Layer(3, 1, Identity())], MSE())"


# ---------------------------------------------------------------- training runs

def _sine_windows(seed=0, width=10, n_steps=300):
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    series = np.sin(2 * np.pi * t / 25) + rng.normal(0, 0.1, size=n_steps)
    X = np.array([series[i : i + width] for i in range(n_steps - width)])
    return X, series[width:]


def _forecaster(seed=0, width=10, hidden=16):
    rng = np.random.default_rng(seed)
    return Network([Layer(width, hidden, Sigmoid(), rng=rng), Layer(hidden, 1, Identity(), rng=rng)], MSE())


def test_forecasting_a_noisy_sine_gets_near_the_noise_floor():
    """The noise variance is 0.01; the training loss must fall below 0.02 and the test MSE below 0.03."""
    X, Y = _sine_windows()
    net = _forecaster()
    history = net.fit(X[:200], Y[:200], lr=0.01, epochs=15, rng=np.random.default_rng(0), progress=False)
    assert len(history) == 15 and all(isinstance(h, float) for h in history)
    assert history[0] > 0.05 and history[-1] < 0.02
    assert np.mean((net.predict(X[200:])[:, 0] - Y[200:]) ** 2) < 0.03


def test_xor_needs_and_learns_a_hidden_layer():
    """XOR with 4 noisy clusters: at least 95 % of the points right after training."""
    rng = np.random.default_rng(1)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    X = np.repeat(corners, 25, axis=0) + rng.normal(0, 0.1, size=(100, 2)) - 0.5
    y = np.repeat([0.0, 1.0, 1.0, 0.0], 25)
    net = Network([Layer(2, 8, ReLU(), rng=rng), Layer(8, 1, Sigmoid(), rng=rng)], MSE())
    net.fit(X, y, lr=0.2, epochs=60, rng=rng, progress=False)
    assert np.mean((net.predict(X)[:, 0] > 0.5) == y) >= 0.95


def test_fit_is_reproducible_with_a_seed():
    X, Y = _sine_windows()
    runs = [_forecaster().fit(X[:50], Y[:50], lr=0.01, epochs=2, rng=np.random.default_rng(3), progress=False)
            for _ in range(2)]
    assert runs[0] == runs[1]


# ---------------------------------------------------------------- the learning-rate explorer

def test_learning_rate_explorer_retrains_when_the_slider_moves():
    """The chapter's explorer pattern: a render(lr) that retrains a forecaster, driven like a student would."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from nnlib.widgets import LiveExplorer

    X, Y = _sine_windows()

    def render(lr):
        net = _forecaster()
        history = net.fit(X[:60], Y[:60], lr=lr, epochs=3, rng=np.random.default_rng(0), progress=False)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot(history)
        ax.plot(net.predict(X[60:90])[:, 0])
        return fig

    explorer = LiveExplorer(render, lr=widgets.FloatLogSlider(value=0.01, base=10, min=-4, max=0, step=0.25))
    explorer.update()
    calls, png = explorer.calls, explorer.png
    explorer.sliders["lr"].value = 0.1
    assert explorer.calls == calls + 1
    assert explorer.params == {"lr": pytest.approx(0.1)}
    assert explorer.png != png


def test_integer_seeds_are_accepted_and_reproducible():
    def run():
        layer = Layer(3, 2, Sigmoid(), rng=0)
        net = Network([layer], MSE())
        X = np.linspace(-1, 1, 12).reshape(4, 3)
        return net.fit(X, np.zeros((4, 2)), lr=0.1, epochs=2, rng=0, progress=False), layer.neurons[0].w.copy()

    (h1, w1), (h2, w2) = run(), run()
    assert h1 == h2
    np.testing.assert_array_equal(w1, w2)


# ---------------------------------------------------------------- the binary cross-entropy (issue 14)

def test_binary_cross_entropy_value_and_gradient():
    from nnlib.losses import BinaryCrossEntropy

    A, Y = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])
    loss = BinaryCrossEntropy()
    assert loss.forward(A, Y) == pytest.approx(-np.mean([np.log(0.9), np.log(0.8), np.log(0.4)]))
    dA = loss.backward()
    assert rel_error(dA, numerical_gradient(lambda: loss.forward(A, Y), A)) < 1e-6


def test_binary_cross_entropy_after_a_sigmoid_gives_a_minus_y():
    from nnlib.losses import BinaryCrossEntropy

    Z, Y = np.array([-3.0, 0.5, 2.0, -0.1]), np.array([1.0, 0.0, 1.0, 1.0])
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    A = sigmoid.forward(Z)
    loss.forward(A, Y)
    assert np.allclose(sigmoid.backward(loss.backward()), (A - Y) / len(Y))


def test_binary_cross_entropy_is_finite_at_saturated_outputs_and_checks_shapes():
    from nnlib.losses import BinaryCrossEntropy

    loss = BinaryCrossEntropy()
    assert np.isfinite(loss.forward(np.array([0.0, 1.0]), np.array([1.0, 0.0])))
    assert np.all(np.isfinite(loss.backward()))
    with pytest.raises(ValueError, match="BinaryCrossEntropy"):
        loss.forward(np.array([0.5, 0.5]), np.array([[1.0], [0.0]]))
    with pytest.raises(RuntimeError, match="BinaryCrossEntropy"):
        BinaryCrossEntropy().backward()


def test_a_2_2_1_network_with_the_cross_entropy_solves_xor():
    from nnlib.losses import BinaryCrossEntropy

    X, Y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float), np.array([0.0, 1.0, 1.0, 0.0])
    rng = np.random.default_rng(0)
    net = Network([Layer(2, 2, Sigmoid(), rng=rng), Layer(2, 1, Sigmoid(), rng=rng)], BinaryCrossEntropy())
    net.fit(X, Y, lr=2.0, epochs=500, rng=np.random.default_rng(0), progress=False)
    assert np.max(np.abs(net.predict(X)[:, 0] - Y)) < 0.1
