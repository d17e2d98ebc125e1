"""one_hot, minibatches and train_val_split."""
import numpy as np
import pytest

from nnlib import minibatches, one_hot, train_val_split


def test_one_hot():
    Y = one_hot(np.array([2, 0, 1, 2]))
    assert Y.shape == (4, 3) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y.argmax(axis=1), [2, 0, 1, 2])
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    assert one_hot(np.array([1]), n_classes=5, dtype=np.float64).shape == (1, 5)


@pytest.mark.parametrize("bad", [np.array([0.0, 1.0]), np.array([[0, 1]])])
def test_one_hot_refuses_non_integer_or_2d_labels(bad):
    with pytest.raises(ValueError, match="integer labels of shape"):
        one_hot(bad)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (5, 10), (7, 1)])
def test_minibatches_cover_every_example_exactly_once(n, batch_size):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    batches = list(minibatches(X, y, batch_size, rng=0))
    assert [len(yb) for _, yb in batches] == [min(batch_size, n - s) for s in range(0, n, batch_size)]
    seen = np.concatenate([yb for _, yb in batches])
    np.testing.assert_array_equal(np.sort(seen), y)
    for Xb, yb in batches:  # rows stay paired with their labels
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)


def test_minibatches_are_shuffled_reproducibly():
    X, y = np.arange(50)[:, None], np.arange(50)
    order = lambda seed: np.concatenate([yb for _, yb in minibatches(X, y, 8, rng=seed)])  # noqa: E731
    np.testing.assert_array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    assert not np.array_equal(order(1), y)
    unshuffled = np.concatenate([yb for _, yb in minibatches(X, y, 8, shuffle=False)])
    np.testing.assert_array_equal(unshuffled, y)


def test_minibatches_with_one_generator_give_a_new_order_every_epoch():
    X, y = np.arange(30)[:, None], np.arange(30)
    gen = np.random.default_rng(0)
    first = np.concatenate([yb for _, yb in minibatches(X, y, 10, rng=gen)])
    second = np.concatenate([yb for _, yb in minibatches(X, y, 10, rng=gen)])
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8"])
def test_minibatches_refuse_bad_batch_sizes(batch_size):
    with pytest.raises(ValueError, match=f"minibatches expects batch_size to be a positive whole number, got {batch_size!r}"):
        list(minibatches(np.zeros((4, 1)), np.zeros(4), batch_size))


def test_train_val_split():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X_tr, y_tr, X_val, y_val = train_val_split(X, y, 3)
    np.testing.assert_array_equal(y_val, [7, 8, 9])  # without rng: the last n_val
    assert len(X_tr) == 7 and len(X_val) == 3
    X_tr, y_tr, X_val, y_val = train_val_split(X, y, 3, rng=0)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_val])), y)  # a partition
    np.testing.assert_array_equal(X_val[:, 0], 2 * y_val)
    again = train_val_split(X, y, 3, rng=0)
    np.testing.assert_array_equal(again[3], y_val)


@pytest.mark.parametrize("n_val", [0, 10, 11])
def test_train_val_split_refuses_impossible_sizes(n_val):
    with pytest.raises(ValueError, match=rf"n_val \(of 10 examples\) to be a whole number from 1 to 9, got {n_val}"):
        train_val_split(np.zeros((10, 1)), np.zeros(10), n_val)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="minibatches got 4 examples in X but 3 targets in Y"):
        list(minibatches(np.zeros((4, 1)), np.zeros(3), 2))
