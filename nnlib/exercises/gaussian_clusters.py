"""Checks for the exercises of notebooks/07_gaussian_clusters (Gaussian clusters, L2, Keras)."""
import numpy as np

from nnlib.exercises import Wrong, array, close, exercise, number

SIGMA = np.array([[1.0, 2.0], [2.0, 1.0]])  # exercise 1's matrix


@exercise("negative-variance", placeholder="Replace ... with a direction u, two numbers, such that u @ Sigma @ u < 0.",
          mistakes=[((1.0, 1.0), "eigenvalue 3"), ((0.0, 0.0), "zero vector"), ((1.0, 0.0), "positive")])
def negative_variance(answer):
    u = array(answer, (2,), "u")
    if not np.any(u):
        raise Wrong("u is the zero vector: every matrix gives it variance 0. Pick a direction, u != 0.")
    variance = float(u @ SIGMA @ u)
    if np.allclose(u / np.linalg.norm(u), np.array([1, 1]) / np.sqrt(2)) or np.allclose(
            u / np.linalg.norm(u), -np.array([1, 1]) / np.sqrt(2)):
        raise Wrong(f"Along (1, 1) the matrix stretches: it is the eigenvector of eigenvalue 3, and "
                    f"u @ Sigma @ u = {variance:g}. Try the other eigenvector.")
    if variance >= 0:
        raise Wrong(f"u @ Sigma @ u = {variance:g} is positive (or zero) for this u. Look for the direction in "
                    f"which the off-diagonal 2 works against the diagonal 1s.")
    unit = variance / float(u @ u)
    return (f"u @ Sigma @ u = {variance:g} < 0 (for a unit vector in this direction, {unit:g}): no data can have "
            f"a negative variance, so Sigma is not a covariance matrix.")


def _decay_inputs():
    rng = np.random.default_rng(7)
    return {"W0": rng.normal(size=(2, 3)).round(2), "lr": 0.1, "l2": 0.5, "steps": 20}


@exercise("weight-decay", placeholder="Replace ... with W after `steps` SGD steps on the penalty alone, an array "
                                      "shaped like W0.",
          given=_decay_inputs,
          mistakes=[((1 - 0.1 * 0.5 / 2) ** 20 * _decay_inputs()["W0"], "lambda W"),
                    ((1 - 20 * 0.1 * 0.5) * _decay_inputs()["W0"], "compounds"),
                    ((1 + 0.1 * 0.5) ** 20 * _decay_inputs()["W0"], "sign")])
def weight_decay(answer):
    g = _decay_inputs()
    W0, lr, l2, t = g["W0"], g["lr"], g["l2"], g["steps"]
    got = array(answer, W0.shape, "W after the steps")
    if close(got, (1 - lr * l2 / 2) ** t * W0):
        raise Wrong("The gradient of l2/2 * sum(W^2) is lambda W, not lambda W / 2: the 1/2 cancels the 2 "
                    "of the square.")
    if close(got, (1 - t * lr * l2) * W0):
        raise Wrong("Each step shrinks the W of that step, not W0: the factor compounds, like interest.")
    if close(got, (1 + lr * l2) ** t * W0):
        raise Wrong("Your weights grew: a gradient step goes against the gradient, W - lr * lambda * W (check the sign).")
    if not close(got, (1 - lr * l2) ** t * W0):
        raise Wrong("Not what 20 steps of W <- W - lr * lambda * W give. Write one step, then repeat it.")
    return (f"Every step multiplies W by 1 - lr * lambda = {1 - lr * l2:g}, so after {t} steps it is "
            f"{(1 - lr * l2) ** t:.4f} times W0: an exponential decay, smooth while 0 < lr * lambda < 1.")


KERAS_L = 1e-3  # keras.regularizers.L2(KERAS_L)


@exercise("keras-l2-twin", placeholder="Replace ... with the l2 of the nnlib Dense layers that match "
                                       "keras.regularizers.L2(1e-3), a number.",
          mistakes=[(5e-4, "halved"), (1e-3, "l * sum(W^2)")])
def keras_l2_twin(answer):
    got = number(answer, "l2")
    if close(got, KERAS_L / 2):
        raise Wrong("You halved it, as the chapter does the other way round. Here Keras is given L2(1e-3): which "
                    "nnlib l2 has the same gradient?")
    if close(got, KERAS_L):
        raise Wrong("Keras's L2(l) adds l * sum(W^2), nnlib's l2 adds l2/2 * sum(W^2): the same number means "
                    "half the penalty in nnlib.")
    if not close(got, 2 * KERAS_L):
        raise Wrong("Write both penalties and their gradients: Keras's l * sum(W^2) and nnlib's l2/2 * sum(W^2).")
    return ("l2 = 2e-3: Keras's 1e-3 * sum(W^2) has the gradient 2e-3 * W, the same as nnlib's 2e-3/2 * sum(W^2). "
            "Compare penalty values, not only accuracies, to catch such a factor of two.")


def _standardize_inputs():
    rng = np.random.default_rng(3)
    X_train = rng.normal([1.0, 4.0], [1.0, 3.0], size=(40, 2))
    X_test = rng.normal([1.2, 3.5], [1.1, 3.2], size=(10, 2))
    return X_train, X_test


def _standardized(X_train, X_test, stats_of=None):
    stats_of = X_train if stats_of is None else stats_of
    mu, sd = stats_of.mean(axis=0), stats_of.std(axis=0)
    return (X_train - mu) / sd, (X_test - mu) / sd


def _own_stats():
    X_train, X_test = _standardize_inputs()
    return (X_train - X_train.mean(axis=0)) / X_train.std(axis=0), (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)


def _rows():
    X_train, X_test = _standardize_inputs()
    return tuple((X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True) for X in (X_train, X_test))


@exercise("standardize", placeholder="Replace ... with (X_train_std, X_test_std), both inputs standardized.",
          given=_standardize_inputs, mistakes=[(_own_stats(), "test set's own"), (_rows(), "per column")])
def standardize(answer):
    X_train, X_test = _standardize_inputs()
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("Expected a pair: (X_train_std, X_test_std).")
    train, test = array(answer[0], X_train.shape, "X_train_std"), array(answer[1], X_test.shape, "X_test_std")
    right_train, right_test = _standardized(X_train, X_test)
    if close(train, _rows()[0]):
        raise Wrong("Each row was standardized: the statistics go per column (per input), axis=0, over the points.")
    if not close(train, right_train):
        raise Wrong("X_train_std should have mean 0 and standard deviation 1 in each column: subtract the training "
                    "mean and divide by the training standard deviation, per column (axis=0).")
    if close(test, _own_stats()[1]):
        raise Wrong("The test points were standardized with the test set's own mean and standard deviation: the "
                    "network must see new points exactly as it saw the training points, so use the training ones.")
    if not close(test, right_test):
        raise Wrong("X_test_std is not the test points moved by the training mean and scaled by the training "
                    "standard deviation.")
    return ("Both sets are moved and scaled by the training statistics: the test columns are near, not exactly at, "
            "mean 0 and standard deviation 1, and nothing about the test set leaked into the model.")
