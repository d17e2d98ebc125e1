"""Chapter 2: the Neuron class (nnlib/neuron.py)."""
import numpy as np
import pytest

import nnlib
from nnlib.neuron import Neuron

from finite_differences import numerical_derivative_of_bias, numerical_gradient, rel_error


def test_exported_from_the_package():
    assert nnlib.Neuron is Neuron


def test_forward_is_the_weighted_sum():
    rng = np.random.default_rng(1)
    w, x = rng.normal(size=5), rng.normal(size=5)
    neuron = Neuron(5, w=w, b=0.25)
    assert neuron.forward(x) == pytest.approx(float(np.sum(w * x)) + 0.25)
    assert isinstance(neuron.forward(x), float)


def test_random_init_is_seeded_and_shaped():
    a = Neuron(7, rng=np.random.default_rng(3))
    b = Neuron(7, rng=np.random.default_rng(3))
    c = Neuron(7, rng=np.random.default_rng(4))
    assert a.w.shape == (7,) and a.w.dtype == np.float64
    assert np.array_equal(a.w, b.w)
    assert not np.array_equal(a.w, c.w)


@pytest.mark.parametrize("seed", range(5))
def test_backward_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 8))
    neuron = Neuron(n, rng=rng, b=float(rng.normal()))
    x, target = rng.normal(size=n), float(rng.normal()) + 2.0

    def loss():
        return 0.5 * (neuron.forward(x) - target) ** 2

    z = neuron.forward(x)
    dx = neuron.backward(z - target)
    w, b = neuron.w.copy(), neuron.b
    assert rel_error(neuron.db, numerical_derivative_of_bias(loss, neuron)) < 1e-6
    assert rel_error(neuron.dw, numerical_gradient(loss, neuron.w)) < 1e-6
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-6
    assert neuron.b == b and np.array_equal(neuron.w, w)  # the checks leave the neuron as they found it


def test_step_moves_against_the_gradient_and_dx_uses_old_weights():
    rng = np.random.default_rng(0)
    neuron = Neuron(3, rng=rng, b=0.5)
    w_before, b_before = neuron.w.copy(), neuron.b
    x = rng.normal(size=3)
    neuron.forward(x)
    dx = neuron.backward(2.0, lr=0.1)
    np.testing.assert_allclose(neuron.dw, 2.0 * x)
    assert neuron.db == 2.0
    np.testing.assert_allclose(dx, 2.0 * w_before)
    np.testing.assert_allclose(neuron.w, w_before - 0.1 * 2.0 * x)
    assert neuron.b == pytest.approx(b_before - 0.1 * 2.0)


def test_lr_zero_changes_nothing():
    neuron = Neuron(2, w=[1.0, 2.0], b=3.0)
    neuron.forward([4.0, 5.0])
    neuron.backward(1.5)
    assert neuron.w.tolist() == [1.0, 2.0] and neuron.b == 3.0


def test_forward_keeps_its_own_copy_of_x():
    neuron = Neuron(2, w=[1.0, 1.0])
    x = np.array([1.0, 2.0])
    neuron.forward(x)
    x[:] = 100.0  # the caller reuses its buffer
    neuron.backward(1.0)
    assert neuron.dw.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("bad, shape", [([1.0, 2.0], "(2,)"), ([[1.0, 2.0, 3.0]], "(1, 3)"),
                                        (np.ones((3, 1)), "(3, 1)"), (5.0, "()")])
def test_wrong_shape_names_input_size_and_received_shape(bad, shape):
    neuron = Neuron(3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError) as info:
        neuron.forward(bad)
    message = str(info.value)
    assert "Neuron(3)" in message and "(3,)" in message and shape in message


@pytest.mark.parametrize("bad", [["a", "b", "c"], [None, 1.0, 2.0], np.array([1j, 2, 3])])
def test_non_numbers_are_a_type_error(bad):
    with pytest.raises(TypeError, match="numbers"):
        Neuron(3, rng=np.random.default_rng(0)).forward(bad)


def test_backward_refuses_bad_calls():
    neuron = Neuron(2, w=[1.0, 1.0])
    with pytest.raises(RuntimeError, match=r"^Neuron\(2\): call forward\(x\) before backward\(dz\)$"):
        neuron.backward(1.0)
    neuron.forward([1.0, 1.0])
    with pytest.raises(TypeError, match=r"^Neuron\(2\) expects the gradient dz = dL/dz to be a number, got array"):
        neuron.backward(np.array([1.0, 2.0]))


@pytest.mark.parametrize("lr, error, message", [
    (-0.1, ValueError, r"Neuron\(2\) expects a finite learning rate lr >= 0, got -0\.1$"),
    (float("nan"), ValueError, "expects a finite learning rate lr >= 0, got nan$"),
    (float("inf"), ValueError, "expects a finite learning rate lr >= 0, got inf$"),
    ("a", TypeError, r"Neuron\(2\) expects the learning rate lr to be a number >= 0, got 'a'$"),
    (None, TypeError, "expects the learning rate lr to be a number >= 0, got None$"),
    (np.array([0.1, 0.2]), TypeError, r"expects the learning rate lr to be a number >= 0, got array\(\[0\.1, 0\.2\]\)$"),
], ids=["negative", "nan", "inf", "text", "None", "array"])
def test_backward_refuses_a_bad_learning_rate_and_changes_nothing(lr, error, message):
    neuron = Neuron(2, w=[1.0, 1.0], b=0.5)
    neuron.forward([1.0, 1.0])
    with pytest.raises(error, match=message):
        neuron.backward(1.0, lr=lr)
    assert neuron.w.tolist() == [1.0, 1.0] and neuron.b == 0.5


def test_backward_accepts_numpy_and_integer_learning_rates():
    neuron = Neuron(1, w=[1.0])
    for lr in (np.float64(0.5), np.float32(0.5), 1, np.int64(0)):
        neuron.forward([1.0])
        neuron.backward(1.0, lr=lr)
    assert neuron.w.tolist() == [-1.0]  # 1 - 0.5 - 0.5 - 1 - 0


@pytest.mark.parametrize("kwargs, message", [
    ({"n_inputs": 0}, "^Neuron expects the number of inputs n_inputs to be a positive whole number, got 0$"),
    ({"n_inputs": 2.5}, r"number of inputs n_inputs to be a positive whole number, got 2\.5$"),
    ({"n_inputs": True}, "number of inputs n_inputs to be a positive whole number, got True$"),
    ({"n_inputs": 2, "clip": 0}, "^Neuron expects a finite gradient limit clip > 0, got 0$"),
    ({"n_inputs": 2, "clip": -1.0}, r"gradient limit clip > 0, got -1\.0$"),
    ({"n_inputs": 2, "w": [1.0, 2.0, 3.0]}, r"Neuron\(2\) expects w of shape \(2,\), got \(3,\)$"),
], ids=["no-inputs", "fraction", "bool", "clip-0", "clip-negative", "w-too-long"])
def test_constructor_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Neuron(**kwargs)


@pytest.mark.parametrize("b, shown", [("abc", "'abc'"), ([1, 2], r"\[1, 2\]"), (np.array([1.0]), r"array\(\[1\.\]\)"),
                                      (None, "None")], ids=["text", "list", "array", "None"])
def test_constructor_refuses_a_bias_that_is_not_one_number(b, shown):
    with pytest.raises(TypeError, match=rf"^Neuron\(3\) expects the bias b to be a number, got {shown}$"):
        Neuron(3, b=b)


def test_constructor_accepts_any_single_real_bias():
    for b in (1, 0.5, np.float32(0.5), np.int64(2), np.array(0.25)):
        neuron = Neuron(1, w=[0.0], b=b)
        assert type(neuron.b) is float and neuron.b == float(b)


def test_clipping_shortens_long_steps_and_keeps_direction():
    x = np.array([40.0, -30.0])
    plain, clipped = Neuron(2, w=[0.0, 0.0], b=0.0), Neuron(2, w=[0.0, 0.0], b=0.0, clip=5.0)
    for neuron in (plain, clipped):
        neuron.forward(x)
        neuron.backward(10.0, lr=0.1)
    step_plain = np.append(plain.w, plain.b)
    step_clipped = np.append(clipped.w, clipped.b)
    assert np.linalg.norm(step_clipped) == pytest.approx(0.1 * 5.0)
    cosine = step_plain @ step_clipped / (np.linalg.norm(step_plain) * np.linalg.norm(step_clipped))
    assert cosine == pytest.approx(1.0)
    np.testing.assert_allclose(clipped.dw, 10.0 * x)  # the stored gradient is the true one


def test_clipping_leaves_short_steps_alone():
    a, b = Neuron(2, w=[0.5, 0.5]), Neuron(2, w=[0.5, 0.5], clip=100.0)
    for neuron in (a, b):
        neuron.forward([0.1, 0.2])
        neuron.backward(0.3, lr=0.5)
    np.testing.assert_array_equal(a.w, b.w)
    assert a.b == b.b


def test_training_on_a_plane_reaches_the_noise_level():
    """y = 3 x1 - 2 x2 + 1 + noise (sd 0.1): the loss must fall below 0.03 (noise variance is 0.01)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(100, 2))
    y = 3 * X[:, 0] - 2 * X[:, 1] + 1 + rng.normal(0, 0.1, size=100)
    neuron = Neuron(2, rng=rng)
    first = None
    for epoch in range(30):
        total = 0.0
        for i in rng.permutation(100):
            z = neuron.forward(X[i])
            total += (z - y[i]) ** 2
            neuron.backward(2 * (z - y[i]), lr=0.05)
        first = total / 100 if first is None else first
    final = np.mean([(neuron.forward(x) - t) ** 2 for x, t in zip(X, y)])
    assert final < 0.03 < first
    np.testing.assert_allclose(neuron.w, [3.0, -2.0], atol=0.1)
    assert neuron.b == pytest.approx(1.0, abs=0.1)
