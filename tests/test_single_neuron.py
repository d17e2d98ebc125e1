"""Chapter 1 (a single neuron): the functions in nnlib/neuron.py and the chapter's learning-rate explorer."""
import json
import re
import warnings
from pathlib import Path

import jupytext
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import (loss_and_gradients, relu, relu_derivative, sigmoid, sigmoid_derivative, squared_error,
                   squared_error_derivative, step, step_derivative, train_neuron, weighted_sum)

CHAPTER = Path(__file__).resolve().parents[1] / "notebooks" / "01_single_neuron.md"


def central_difference(f, z, h=1e-6):
    return (f(z + h) - f(z - h)) / (2 * h)


# --- the weighted sum ----------------------------------------------------------------------------

def test_weighted_sum_of_one_input_is_the_written_out_sum():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=5), rng.normal(size=5), rng.normal()
    z = weighted_sum(x, w, b)
    assert isinstance(z, float)
    assert z == pytest.approx(sum(wi * xi for wi, xi in zip(w, x)) + b)


def test_weighted_sum_of_a_batch_is_one_weighted_sum_per_row():
    rng = np.random.default_rng(2)
    X, w, b = rng.normal(size=(7, 3)), rng.normal(size=3), 0.25
    Z = weighted_sum(X, w, b)
    assert Z.shape == (7,)
    np.testing.assert_allclose(Z, [weighted_sum(row, w, b) for row in X])


def test_weighted_sum_accepts_lists_and_integers():
    assert weighted_sum([1, 2], [3, 4], 1) == 12.0


@pytest.mark.parametrize("x, expected_shape_text", [
    (np.ones(2), "(2,)"),
    (np.ones((4, 2)), "(4, 2)"),
    (np.ones((2, 3, 3)), "(2, 3, 3)"),
])
def test_weighted_sum_names_expected_and_received_shapes(x, expected_shape_text):
    with pytest.raises(ValueError) as error:
        weighted_sum(x, np.ones(3), 0.0)
    message = str(error.value)
    assert "(3,)" in message and "(batch, 3)" in message and expected_shape_text in message


def test_weighted_sum_refuses_matrix_weights_and_vector_bias():
    with pytest.raises(ValueError, match=r"w of shape \(n,\), got \(3, 1\)"):
        weighted_sum(np.ones(3), np.ones((3, 1)), 0.0)
    with pytest.raises(TypeError, match=r"weighted_sum expects the bias b to be a number, got array\(\[1\., 1\.\]\)"):
        weighted_sum(np.ones(3), np.ones(3), np.ones(2))


def test_weighted_sum_refuses_text_with_a_type_error():
    with pytest.raises(TypeError, match="numbers"):
        weighted_sum(["1", "2"], [1.0, 2.0], 0.0)


# --- activations and their derivatives -----------------------------------------------------------

def test_step_values():
    np.testing.assert_array_equal(step(np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])), [0, 0, 1, 1, 1])
    assert step(-0.5) == 0.0 and step(0.5) == 1.0


def test_relu_values():
    np.testing.assert_array_equal(relu(np.array([-3.0, 0.0, 2.5])), [0.0, 0.0, 2.5])
    assert relu(-1) == 0.0 and relu(4) == 4.0
    np.testing.assert_array_equal(relu(np.array([-0.01, -1e-12, 1e-12])), [0.0, 0.0, 1e-12])
    assert np.isnan(relu(float("nan")))  # a NaN is passed on, not hidden as 0


def test_derivatives_at_and_near_zero():
    """The chapter's convention: relu' is 0 at exactly z = 0, and 1 for any positive z however small."""
    assert relu_derivative(0.0) == 0.0 and step_derivative(0.0) == 0.0
    np.testing.assert_array_equal(relu_derivative(np.array([-1e-12, 0.0, 1e-12])), [0.0, 0.0, 1.0])


def test_sigmoid_values_and_symmetry():
    assert sigmoid(0.0) == 0.5
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)
    assert np.all(np.diff(sigmoid(z)) >= 0)


def test_sigmoid_does_not_overflow_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow RuntimeWarning would fail the test
        values = sigmoid(np.array([-1000.0, -745.0, 745.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.0, 1.0, 1.0], atol=1e-300)
    assert np.all(np.isfinite(values))


def test_activations_keep_the_shape_and_give_floats_for_numbers():
    Z = np.arange(-6.0, 6.0).reshape(3, 4)
    for f in (step, step_derivative, sigmoid, sigmoid_derivative, relu, relu_derivative):
        assert f(Z).shape == (3, 4)
        assert isinstance(f(0.3), float)


@pytest.mark.parametrize("f, df", [(sigmoid, sigmoid_derivative), (relu, relu_derivative),
                                   (step, step_derivative)])
def test_derivatives_match_finite_differences(f, df):
    # points away from 0, where step and relu have no derivative
    z = np.array([-3.7, -1.2, -0.4, 0.3, 0.9, 2.6, 5.1])
    np.testing.assert_allclose(df(z), central_difference(f, z), atol=1e-8)


def test_sigmoid_derivative_peaks_at_zero():
    assert sigmoid_derivative(0.0) == 0.25
    assert sigmoid_derivative(10.0) < 1e-4 and sigmoid_derivative(-10.0) < 1e-4


def test_sigmoid_derivative_is_symmetric_even_where_sigmoid_rounds_to_1():
    """sigma'(z) = sigma'(-z). For z = 40, 1 - sigma(z) rounds to 0 in float64, but the derivative is e^-40."""
    z = np.array([0.5, 5.0, 20.0, 40.0, 100.0, 700.0])
    np.testing.assert_array_equal(sigmoid_derivative(z), sigmoid_derivative(-z))
    assert sigmoid_derivative(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert sigmoid_derivative(1000.0) == 0.0 == sigmoid_derivative(-1000.0)
    assert isinstance(sigmoid_derivative(0.3), float)


# --- the squared error -----------------------------------------------------------------------------

def test_squared_error_is_the_mean_of_squared_differences():
    rng = np.random.default_rng(3)
    a, y = rng.normal(size=6), rng.normal(size=6)
    assert squared_error(a, y) == pytest.approx(sum((ai - yi) ** 2 for ai, yi in zip(a, y)) / 6)
    assert squared_error(0.75, 1.0) == pytest.approx(0.0625)
    assert squared_error(a, a) == 0.0


def test_squared_error_derivative_matches_finite_differences():
    rng = np.random.default_rng(4)
    a, y = rng.normal(size=4), rng.normal(size=4)
    numerical = []
    for i in range(4):
        e = np.zeros(4)
        e[i] = 1e-6
        numerical.append((squared_error(a + e, y) - squared_error(a - e, y)) / 2e-6)
    np.testing.assert_allclose(squared_error_derivative(a, y), numerical, rtol=1e-6)
    assert squared_error_derivative(0.75, 1.0) == pytest.approx(-0.5)


def test_squared_error_refuses_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"a \(4,\) and y \(4, 1\)"):
        squared_error(np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="same shape"):
        squared_error_derivative(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="at least one"):
        squared_error(np.zeros(0), np.zeros(0))


# --- the chain rule ----------------------------------------------------------------------------------

def _numerical_gradients(X, Y, w, b, h=1e-6):
    params = np.append(w, b)
    grads = []
    for i in range(params.size):
        plus, minus = params.copy(), params.copy()
        plus[i] += h
        minus[i] -= h
        grads.append((loss_and_gradients(X, Y, plus[:-1], plus[-1])[0]
                      - loss_and_gradients(X, Y, minus[:-1], minus[-1])[0]) / (2 * h))
    return np.array(grads)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chain_rule_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(8, 3)), rng.integers(0, 2, size=8).astype(float)
    w, b = rng.normal(size=3), float(rng.normal())
    loss, dw, db = loss_and_gradients(X, Y, w, b)
    assert dw.shape == (3,) and isinstance(db, float)
    assert loss == pytest.approx(squared_error(sigmoid(weighted_sum(X, w, b)), Y))
    np.testing.assert_allclose(np.append(dw, db), _numerical_gradients(X, Y, w, b), rtol=1e-5, atol=1e-10)


def test_one_weight_derivative_is_the_product_of_the_three_links():
    x, w, b, y = np.array([0.8, 0.2, 0.5]), np.array([1.5, -0.4, 2.0]), -1.0, 1.0
    z = weighted_sum(x, w, b)
    a = sigmoid(z)
    by_hand = 2 * (a - y) * a * (1 - a) * x[0]
    _, dw, _ = loss_and_gradients(x.reshape(1, 3), np.array([y]), w, b)
    assert dw[0] == pytest.approx(by_hand, rel=1e-12)


def test_loss_and_gradients_checks_its_inputs():
    with pytest.raises(ValueError, match=r"shape \(batch, n\), got \(3,\)"):
        loss_and_gradients(np.ones(3), np.ones(1), np.ones(3), 0.0)
    with pytest.raises(ValueError, match=r"targets Y, one per row of X, of shape \(5,\), got \(5, 1\)"):
        loss_and_gradients(np.ones((5, 2)), np.ones((5, 1)), np.ones(2), 0.0)


# --- training --------------------------------------------------------------------------------------

OR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
OR_Y = np.array([0, 1, 1, 1], dtype=float)


def test_training_learns_or():
    w, b, losses = train_neuron(OR_X, OR_Y, lr=3.0, epochs=2000)
    assert losses[0] == pytest.approx(0.25)  # w = 0, b = 0: every output is 0.5
    assert losses[-1] < 0.01
    np.testing.assert_array_equal(sigmoid(weighted_sum(OR_X, w, b)) > 0.5, OR_Y == 1)


def _two_clouds(seed=0, n=10):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal([1.0, 1.0], 0.9, size=(n, 2)), rng.normal([2.5, 2.0], 0.9, size=(n, 2))])
    return X, np.concatenate([np.zeros(n), np.ones(n)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_separates_two_point_clouds(seed):
    X, Y = _two_clouds(seed)
    w, b, losses = train_neuron(X, Y, lr=1.0, epochs=100)
    assert len(losses) == 101
    assert losses[-1] < 0.15 < losses[0]
    assert np.all(np.diff(losses) < 0)  # lr = 1 is small enough for a smooth descent here
    assert np.mean((sigmoid(weighted_sum(X, w, b)) > 0.5) == Y) >= 0.8
    assert losses[-1] == pytest.approx(loss_and_gradients(X, Y, w, b)[0])


def test_training_returns_the_weights_its_losses_describe_and_keeps_the_callers_w():
    X, Y = _two_clouds()
    w0 = np.array([0.5, -0.5])
    w, b, losses = train_neuron(X, Y, lr=0.5, epochs=3, w=w0, b=0.1)
    np.testing.assert_array_equal(w0, [0.5, -0.5])
    assert losses[0] == pytest.approx(loss_and_gradients(X, Y, w0, 0.1)[0])
    # three steps by hand
    w_hand, b_hand = w0.copy(), 0.1
    for _ in range(3):
        _, dw, db = loss_and_gradients(X, Y, w_hand, b_hand)
        w_hand, b_hand = w_hand - 0.5 * dw, b_hand - 0.5 * db
    np.testing.assert_allclose(w, w_hand)
    assert b == pytest.approx(b_hand)


def test_zero_epochs_changes_nothing():
    X, Y = _two_clouds()
    w, b, losses = train_neuron(X, Y, lr=1.0, epochs=0)
    np.testing.assert_array_equal(w, [0.0, 0.0])
    assert b == 0.0 and losses == [pytest.approx(0.25)]


def test_a_huge_learning_rate_saturates_but_stays_finite():
    X, Y = _two_clouds()
    w, b, losses = train_neuron(X, Y, lr=100.0, epochs=100)
    assert np.all(np.isfinite(losses)) and np.all(np.isfinite(w))
    assert losses[-1] > losses[0]  # the first step threw the neuron into saturation


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": 0.0, "epochs": 5}, "finite learning rate lr > 0"),
    ({"lr": -1.0, "epochs": 5}, "finite learning rate lr > 0"),
    ({"lr": float("nan"), "epochs": 5}, "finite learning rate lr > 0"),
    ({"lr": 0.1, "epochs": -1}, "epochs"),
    ({"lr": 0.1, "epochs": 2.5}, "epochs"),
])
def test_train_neuron_refuses_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_neuron(OR_X, OR_Y, **kwargs)


def test_train_neuron_refuses_a_vector_as_batch():
    with pytest.raises(ValueError, match=r"\(batch, n\), got \(4,\)"):
        train_neuron(np.ones(4), OR_Y, lr=0.1, epochs=1)


@pytest.mark.parametrize("w, shape", [([1.0, 2.0, 3.0], r"\(3,\)"), ([[1.0, 2.0]], r"\(1, 2\)")])
def test_train_neuron_blames_weights_of_the_wrong_shape(w, shape):
    with pytest.raises(ValueError, match=rf"^train_neuron expects weights w, one per column of X, of shape \(2,\), "
                                         rf"got {shape}"):
        train_neuron(OR_X, OR_Y, lr=0.1, epochs=1, w=w)


def test_train_neuron_refuses_a_learning_rate_or_bias_that_is_not_one_number():
    with pytest.raises(TypeError, match="^train_neuron expects the learning rate lr to be a number > 0, got 'fast'$"):
        train_neuron(OR_X, OR_Y, lr="fast", epochs=1)
    with pytest.raises(TypeError, match=r"learning rate lr to be a number > 0, got \[0\.1, 0\.2\]"):
        train_neuron(OR_X, OR_Y, lr=[0.1, 0.2], epochs=1)
    with pytest.raises(TypeError, match=r"^train_neuron expects the bias b to be a number, got \[0\.0, 1\.0\]$"):
        train_neuron(OR_X, OR_Y, lr=0.1, epochs=1, b=[0.0, 1.0])
    with pytest.raises(TypeError, match="bias b to be a number, got 'zero'"):
        train_neuron(OR_X, OR_Y, lr=0.1, epochs=1, b="zero")


# --- the chapter's learning-rate explorer ------------------------------------------------------

@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    """Run the chapter's code cells up to and including the one that builds the live explorer."""
    namespace = {}
    show = plt.show
    plt.show = lambda *args, **kwargs: plt.close("all")  # the plots are not what we test here
    try:
        for cell in jupytext.read(CHAPTER).cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, str(CHAPTER), "exec"), namespace)
            if "LiveExplorer(" in cell.source:
                break
    finally:
        plt.show = show
        plt.close("all")
    assert "explorer" in namespace, "the chapter no longer builds `explorer = LiveExplorer(...)`"
    return namespace


def test_moving_the_learning_rate_slider_retrains_and_redraws(chapter):
    explorer = chapter["explorer"]
    explorer.update()  # what displaying it in JupyterLab does first
    calls, png = explorer.calls, explorer.png
    assert png.startswith(b"\x89PNG")

    explorer.sliders["lr"].value = 100.0  # the divergent end of the slider
    assert explorer.calls == calls + 1
    assert explorer.params == {"lr": pytest.approx(100.0)}
    assert explorer.png != png

    explorer.sliders["lr"].value = 0.01
    assert explorer.calls == calls + 2
    assert explorer.png not in (png, b"")


def test_render_trains_with_the_given_learning_rate(chapter):
    fig = chapter["render"](0.01)
    try:
        title = fig._suptitle.get_text()
    finally:
        plt.close(fig)
    slow = train_neuron(chapter["X"], chapter["Y"], lr=0.01, epochs=chapter["EPOCHS"])[2][-1]
    assert f"{slow:.4f}" in title


def test_static_explorer_precomputes_one_image_per_learning_rate(chapter):
    from nnlib.widgets import static_explorer

    page = static_explorer(chapter["render"], lr=[0.01, 1.0, 100.0]).data
    images = json.loads(re.search(r"var images = (\[.*?\]);", page).group(1))
    assert len(images) == 3 and all(image.startswith("data:image/png;base64,") for image in images)
    assert len(set(images)) == 3  # three different figures


# ---------------------------------------------------------------- the finite-difference check (issue 14)

def test_numerical_gradient_matches_a_known_derivative_and_puts_every_entry_back():
    from nnlib import numerical_gradient

    v = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = v.copy()
    grad = numerical_gradient(lambda: float(np.sum(v**3)), v)
    assert grad.shape == v.shape and np.allclose(grad, 3 * before**2, rtol=1e-6)
    assert np.array_equal(v, before)


def test_numerical_gradient_puts_the_entry_back_when_f_fails_and_refuses_integer_arrays():
    from nnlib import numerical_gradient

    v = np.array([1.0, 2.0])

    def failing():
        raise ZeroDivisionError("no")

    with pytest.raises(ZeroDivisionError):
        numerical_gradient(failing, v)
    assert np.array_equal(v, [1.0, 2.0])
    with pytest.raises(TypeError, match="float numpy array"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))
    with pytest.raises(ValueError, match="step h"):
        numerical_gradient(lambda: 0.0, v, h=0.0)


def test_relative_error_is_zero_for_equal_and_near_one_for_unrelated_gradients():
    from nnlib import relative_error

    assert relative_error(np.array([1.0, -2.0]), np.array([1.0, -2.0])) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
