"""Bad input gets a clear error that says what was expected and what arrived (issue 4, point 8)."""
import numpy as np
import pytest

from nnlib import MSE, SGD, Dense, ReLU, Sequential, SoftmaxCrossEntropy, evaluate, fit, one_hot


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
    with pytest.raises(ValueError, match="labels must be integers"):
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
    with pytest.raises(ValueError, match="training data is empty"):
        fit(_net(), SoftmaxCrossEntropy(), SGD(0.1), np.zeros((0, 3)), np.zeros(0, dtype=int), epochs=1,
            progress=False)
    with pytest.raises(ValueError, match="empty"):
        evaluate(_net(), SoftmaxCrossEntropy(), np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="nothing to predict"):
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
