"""Bad input gets a clear error that says what was expected and what arrived (issue 4, point 8)."""
import warnings

import numpy as np
import pytest

from nnlib import (MSE, SGD, Adam, Dense, FastAdam, Momentum, ReLU, Sequential, SoftmaxCrossEntropy, accuracy, evaluate, fit,
                   one_hot, train_val_split)


def test_dense_names_the_layer_and_both_shapes():
    X = np.zeros((32, 785), dtype=np.float32)
    with pytest.raises(ValueError) as info:
        Dense(784, 16, rng=0).forward(X)
    message = str(info.value)
    assert "Dense(784, 16)" in message and "(batch, 784)" in message and "(32, 785)" in message


def test_dense_inside_a_network_says_which_layer():
    net = Sequential([Dense(4, 8, rng=0), ReLU(), Dense(8, 2, rng=1)])
    with pytest.raises(ValueError, match=r"Dense\(4, 8\) expects input of shape \(batch, 4\), got \(3, 5\)"):
        net.forward(np.zeros((3, 5)))


def test_a_single_example_gets_a_hint():
    with pytest.raises(ValueError, match=r"got \(4,\).*X\[None, :\]"):
        Dense(4, 2, rng=0).forward(np.zeros(4))


def test_backward_with_the_wrong_shape_or_before_forward():
    layer = Dense(4, 2, rng=0)
    with pytest.raises(RuntimeError, match="call forward"):
        layer.backward(np.zeros((3, 2)))
    layer.forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"expects dZ of shape \(3, 2\).*got \(3, 4\)"):
        layer.backward(np.zeros((3, 4)))


@pytest.mark.parametrize("labels", [np.array([0, 1, 10]), np.array([-1, 0, 1])])
def test_out_of_range_labels_are_refused(labels):
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9"):
        SoftmaxCrossEntropy().forward(np.zeros((3, 10)), labels)
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9"):
        one_hot(labels, 10)


def test_labels_of_the_wrong_kind_are_refused():
    loss = SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match=r"expects integer labels of shape \(batch,\) or one-hot rows .* got a float64"):
        loss.forward(np.zeros((3, 4)), np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="one-hot labels have 3 columns but the network has 4 outputs"):
        loss.forward(np.zeros((3, 4)), one_hot(np.array([0, 1, 2])))
    with pytest.raises(ValueError, match="3 rows of logits but 2 labels"):
        loss.forward(np.zeros((3, 4)), np.array([0, 1]))


def _net():
    return Sequential([Dense(3, 4, rng=0), ReLU(), Dense(4, 2, rng=1)])


def test_nan_inputs_and_targets_are_refused_before_training():
    X = np.ones((6, 3), dtype=np.float32)
    y = np.array([0, 1, 0, 1, 0, 1])
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        fit(_net(), SoftmaxCrossEntropy(), SGD(0.1), X, y, epochs=1, progress=False)
    Y = np.ones((6, 2))
    Y[0, 0] = np.inf
    with pytest.raises(ValueError, match="Y contains NaN or infinite"):
        fit(_net(), MSE(), SGD(0.1), np.ones((6, 3)), Y, epochs=1, progress=False)


def test_empty_batches_and_data_sets_are_refused():
    with pytest.raises(ValueError, match=r"Dense\(3, 4\) got an empty batch of shape \(0, 3\)"):
        _net().forward(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"fit got an empty batch of shape \(0, 3\)"):
        fit(_net(), SoftmaxCrossEntropy(), SGD(0.1), np.zeros((0, 3)), np.zeros(0, dtype=int), epochs=1,
            progress=False)
    with pytest.raises(ValueError, match="empty"):
        evaluate(_net(), SoftmaxCrossEntropy(), np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"predict got an empty batch of shape \(0, 3\)"):
        _net().predict(np.zeros((0, 3)))


def test_a_diverging_loss_stops_training_and_suggests_a_lower_learning_rate():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)).astype(np.float32) * 10
    Y = rng.standard_normal((64, 2)).astype(np.float32) * 10
    with pytest.raises(FloatingPointError) as info:
        with np.errstate(all="ignore"):
            fit(_net(), MSE(), SGD(lr=10.0), X, Y, epochs=50, batch_size=8, rng=0, progress=False)
    message = str(info.value)
    assert "diverged" in message and "Lower the learning rate (now 10.0)" in message and "e.g. to 1" in message


def test_a_sane_learning_rate_does_not_trigger_the_divergence_check():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)).astype(np.float32)
    Y = rng.standard_normal((64, 2)).astype(np.float32)
    history = fit(_net(), MSE(), SGD(lr=0.01), X, Y, epochs=3, batch_size=8, rng=0, progress=False)
    assert len(history["loss"]) == 3 and all(np.isfinite(history["loss"]))
    assert history["accuracy"] == [None, None, None]  # regression: no accuracy


@pytest.mark.parametrize("Y, row", [
    (np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]]), r"row 0 is \[0\.5 0\.5 0\. *\]"),  # soft labels
    (np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), r"row 1 is \[0\. 0\. 0\.\]"),  # an all-zero row
    (np.array([[1.0, 1.0, -1.0], [0.0, 1.0, 0.0]]), r"row 0 is \[ 1\.  1\. -1\.\]"),  # sums to 1, not one-hot
])
def test_two_dimensional_labels_must_be_one_hot(Y, row):
    with pytest.raises(ValueError, match="SoftmaxCrossEntropy: 2-D labels must be one-hot rows .*" + row):
        SoftmaxCrossEntropy().forward(np.zeros((2, 3)), Y)


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((0, 5), {}, ValueError, ["Dense(0, 5)", "n_in to be a positive whole number", "got 0"]),
    ((4, -2), {}, ValueError, ["Dense(4, -2)", "n_out to be a positive whole number", "got -2"]),
    ((2.5, 3), {}, ValueError, ["Dense(2.5, 3)", "n_in", "got 2.5"]),
    ((True, 3), {}, ValueError, ["Dense(True, 3)", "n_in", "got True"]),
    ((4, 3), {"dtype": np.int32}, TypeError, ["Dense(4, 3)", "float32 or np.float64", "int32"]),
    ((4, 3), {"dtype": np.float16}, TypeError, ["Dense(4, 3)", "float16"]),
    ((4, 3), {"l2": -0.1}, ValueError, ["Dense(4, 3)", "l2", ">= 0", "got -0.1"]),
    ((4, 3), {"l2": float("nan")}, ValueError, ["Dense(4, 3)", "finite", "got nan"]),
    ((4, 3), {"l2": "0.1"}, TypeError, ["Dense(4, 3)", "l2 to be a number >= 0", "got '0.1'"]),
    ((4, 3), {"init": "zeros"}, ValueError, ["Dense(4, 3)", "init to be one of", "'zeros'"]),
])
def test_dense_refuses_bad_arguments_and_names_the_layer(args, kwargs, error, words):
    with pytest.raises(error) as info:
        Dense(*args, rng=0, **kwargs)
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


def test_dense_accepts_numpy_integers_and_both_float_dtypes():
    assert Dense(np.int64(4), 3, rng=0, dtype=np.float64, l2=np.float32(0.1)).W.dtype == np.float64
    assert Dense(4, 3, rng=0, dtype="float32").W.dtype == np.float32


def test_softmax_cross_entropy_refuses_an_empty_batch():
    with pytest.raises(ValueError, match=r"SoftmaxCrossEntropy got an empty batch of shape \(0, 3\)"):
        SoftmaxCrossEntropy().forward(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_mse_refuses_an_empty_batch():
    with pytest.raises(ValueError, match="empty"):
        MSE().forward(np.zeros((0, 3)), np.zeros((0, 3)))


def test_accuracy_says_what_arrived():
    net = _net()
    X = np.ones((3, 3), dtype=np.float32)
    with pytest.raises(ValueError,
                       match=r"accuracy: labels must lie in 0\.\.1 \(2 classes\), got values from 0 to 7"):
        accuracy(net, X, np.array([0, 1, 7]))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.1 .* from -1 to 1"):
        accuracy(net, X, np.array([-1, 0, 1]))
    with pytest.raises(ValueError, match=r"integer labels .* got a float64 array of shape \(3,\)"):
        accuracy(net, X, np.array([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="3 examples but 2 labels"):
        accuracy(net, X, np.array([0, 1]))


def test_predict_and_evaluate_refuse_nan_input():
    X = np.ones((5, 3), dtype=np.float32)
    X[3, 0] = np.nan
    with pytest.raises(ValueError, match=r"predict: X contains NaN or infinite values \(the first in row 3"):
        _net().predict(X)
    with pytest.raises(ValueError, match=r"evaluate: X contains NaN or infinite values \(the first in row 3"):
        evaluate(_net(), SoftmaxCrossEntropy(), X, np.zeros(5, dtype=int))
    X[3, 0] = np.inf
    with pytest.raises(ValueError, match="predict: X contains NaN or infinite"):
        _net().predict(X)
    with pytest.raises(TypeError, match="predict expects X to hold numbers, got an array of dtype <U1"):
        _net().predict(np.array([["a", "b", "c"]]))


def test_fit_converts_lists_and_refuses_what_is_not_numbers():
    history = fit(_net(), SoftmaxCrossEntropy(), SGD(0.1), [[0, 1, 2], [1, 0, 1], [2, 2, 0]], [0, 1, 0], epochs=2,
                  batch_size=2, rng=0, progress=False)
    assert len(history["loss"]) == 2 and all(np.isfinite(history["loss"]))
    with pytest.raises(TypeError, match="fit expects training X to hold numbers, got list of dtype <U1"):
        fit(_net(), SoftmaxCrossEntropy(), SGD(0.1), [["a"] * 3] * 2, [0, 1], epochs=1, progress=False)


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True, "3"])
def test_fit_refuses_epochs_that_are_not_a_positive_whole_number(epochs):
    with pytest.raises(ValueError, match=f"epochs to be a positive whole number, got {epochs!r}"):
        fit(_net(), SoftmaxCrossEntropy(), SGD(0.1), np.ones((4, 3)), np.zeros(4, dtype=int), epochs=epochs,
            progress=False)


@pytest.mark.parametrize("n_val", [2.5, "3", True])
def test_train_val_split_refuses_a_count_that_is_not_a_whole_number(n_val):
    with pytest.raises(ValueError, match=rf"train_val_split expects n_val \(of 10 examples\) to be a whole number from 1 to 9, "
                                         rf"got {n_val!r}"):
        train_val_split(np.zeros((10, 1)), np.zeros(10), n_val)


@pytest.mark.parametrize("optimizer", [SGD, Momentum, Adam, FastAdam], ids=lambda c: c.__name__)
def test_optimizers_refuse_lists_of_different_lengths(optimizer):
    params, grads = [np.ones(3), np.ones(2)], [np.ones(3)]
    with pytest.raises(ValueError, match=f"{optimizer.__name__}.step got 2 parameter arrays but 1 gradient arrays"):
        optimizer(0.1).step(params, grads)
    np.testing.assert_array_equal(params[0], 1.0)  # nothing was updated


@pytest.mark.parametrize("optimizer_class", [Momentum, Adam, FastAdam], ids=lambda c: c.__name__)
def test_stateful_optimizers_refuse_a_network_with_another_number_of_arrays(optimizer_class):
    optimizer = optimizer_class(0.1)
    optimizer.step([np.ones(3)], [np.ones(3)])
    with pytest.raises(ValueError, match=rf"this {optimizer_class.__name__} keeps state for 1 parameter arrays "
                                         r"of shapes \[\(3,\)\] but got 2 .*: use a new optimizer for each network"):
        optimizer.step([np.ones(3), np.ones(2)], [np.ones(3), np.ones(2)])


# --- optimizers' settings, and an optimizer reused on another network (issue 13) -------------------

@pytest.mark.parametrize("make, error, words", [
    (lambda: SGD(lr=-1.0), ValueError, "SGD expects a finite learning rate lr > 0, got -1.0"),
    (lambda: SGD(lr=0), ValueError, "SGD expects a finite learning rate lr > 0, got 0"),
    (lambda: SGD(lr=float("nan")), ValueError, "SGD expects a finite learning rate lr > 0, got nan"),
    (lambda: Adam(lr="0.01"), TypeError, "Adam expects the learning rate lr to be a number > 0, got '0.01'"),
    (lambda: Adam(beta1=1.0), ValueError, "Adam expects a finite decay rate beta1 in [0, 1), got 1.0"),
    (lambda: Adam(beta2=-0.1), ValueError, "Adam expects a finite decay rate beta2 in [0, 1), got -0.1"),
    (lambda: Adam(eps=0.0), ValueError, "Adam expects a finite epsilon eps > 0, got 0.0"),
    (lambda: FastAdam(beta1=1.0), ValueError, "FastAdam expects a finite decay rate beta1 in [0, 1), got 1.0"),
    (lambda: Momentum(0.1, beta=1.5), ValueError, "Momentum expects a finite momentum beta in [0, 1), got 1.5"),
    (lambda: Momentum(lr=None), TypeError, "Momentum expects the learning rate lr to be a number > 0, got None"),
], ids=["sgd-negative", "sgd-zero", "sgd-nan", "adam-text", "adam-beta1", "adam-beta2", "adam-eps", "fastadam-beta1", "momentum-beta",
        "momentum-None"])
def test_optimizer_settings_are_checked_when_it_is_made(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert str(info.value) == words


def test_optimizers_keep_python_floats_so_float32_stays_float32():
    opt = Adam(lr=np.float64(0.01), beta1=np.float32(0.9))
    assert type(opt.lr) is float and type(opt.beta1) is float
    params, grads = [np.ones(3, np.float32)], [np.ones(3, np.float32)]
    opt.step(params, grads)
    assert params[0].dtype == np.float32


@pytest.mark.parametrize("optimizer_class", [Momentum, Adam, FastAdam], ids=lambda c: c.__name__)
def test_an_optimizer_reused_on_a_network_of_other_shapes_names_both(optimizer_class):
    first = Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1)])
    second = Sequential([Dense(4, 5, rng=0), ReLU(), Dense(5, 2, rng=1)])
    optimizer = optimizer_class(0.1)
    optimizer.step(first.params, first.grads)
    before = [p.copy() for p in second.params]
    with pytest.raises(ValueError) as info:
        optimizer.step(second.params, second.grads)
    message = str(info.value)
    assert "[(4, 3), (3,), (3, 2), (2,)]" in message and "[(4, 5), (5,), (5, 2), (2,)]" in message
    assert "use a new optimizer for each network" in message
    assert "broadcast" not in message  # numpy's own words never reach the user
    for p, q in zip(second.params, before):
        np.testing.assert_array_equal(p, q)  # nothing was updated


# --- a diverging run says so, and only we say it -------------------------------------------------

def test_a_diverging_mse_run_shows_no_numpy_warning_before_our_message():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)).astype(np.float32) * 10
    Y = rng.standard_normal((64, 2)).astype(np.float32) * 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow in square, ...) fails the test
        with pytest.raises(FloatingPointError, match=r"the loss became (inf|nan) at epoch \d+, step \d+: training "
                                                     r"diverged\. Lower the learning rate \(now 10\.0\)"):
            fit(_net(), MSE(), SGD(lr=10.0), X, Y, epochs=50, batch_size=8, rng=0, progress=False)


def test_weights_that_overflow_in_the_last_step_are_reported_too():
    """The loss of a step is measured before the step: an update that overflows in the very last step
    would leave NaN weights behind a finite history. fit checks the weights after every epoch."""

    class Explode:
        lr = 1.0

        def step(self, params, grads):
            for p in params:
                p[...] = np.inf

    with pytest.raises(FloatingPointError, match=r"the weights became NaN or infinite in epoch 1: training diverged"):
        fit(_net(), MSE(), Explode(), np.ones((4, 3)), np.ones((4, 2)), epochs=1, batch_size=4, progress=False)


def test_checks_survive_python_dash_O():
    """Chapter 2's point: `python -O` strips asserts, not the checks, which raise."""
    import subprocess
    import sys

    code = "import nnlib\ntry:\n    nnlib.Dense(0, 3)\nexcept ValueError as e:\n    print(e)\n"
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Dense(0, 3) expects n_in to be a positive whole number, got 0"
