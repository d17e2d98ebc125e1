"""Chapter 7: the Gaussian cluster generator, a training run on its data and the playground."""
import numpy as np
import pytest

from nnlib import (Adam, Dense, ReLU, Sequential, SoftmaxCrossEntropy, accuracy, fit, make_clusters, one_hot,
                   train_val_split)

MEANS = np.array([[0.0, 0.0], [1.0, 4.0], [2.0, 8.0]])
COVS = np.array([[[1.0, 0.6], [0.6, 0.8]],
                 [[0.6, 0.0], [0.0, 0.5]],
                 [[1.6, -0.5], [-0.5, 0.9]]])


def test_large_sample_has_the_requested_means_and_covariances():
    n = 100_000
    X, y = make_clusters(MEANS, COVS, n, rng=0)
    assert X.shape == (3 * n, 2) and y.shape == (3 * n,)
    for i in range(3):
        Xi = X[y == i]
        assert len(Xi) == n
        # standard error of a mean is about sqrt(var / n) ~ 0.004: 0.02 is 5 of them
        np.testing.assert_allclose(Xi.mean(axis=0), MEANS[i], atol=0.02)
        np.testing.assert_allclose(np.cov(Xi.T), COVS[i], atol=0.03)


def test_singular_covariance_is_allowed_and_stays_on_its_line():
    """Positive SEMI-definite: a zero eigenvalue gives a flat cluster, not an error."""
    cov = np.array([[1.0, 1.0], [1.0, 1.0]])  # eigenvalues 2 and 0: all points on x2 - x1 = const
    X, _ = make_clusters([[1.0, 2.0]], [cov], 1000, rng=1)
    np.testing.assert_allclose(X[:, 1] - X[:, 0], 1.0, atol=1e-9)
    assert X[:, 0].std() > 0.5


def test_counts_per_cluster_and_labels():
    X, y = make_clusters(MEANS, COVS, [5, 0, 7], rng=2)
    assert X.shape == (12, 2) and X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer)
    assert np.bincount(y, minlength=3).tolist() == [5, 0, 7]


def test_shuffle_false_keeps_cluster_order_and_shuffle_mixes():
    _, y = make_clusters(MEANS, COVS, 50, rng=3, shuffle=False)
    assert y.tolist() == [0] * 50 + [1] * 50 + [2] * 50
    _, y = make_clusters(MEANS, COVS, 50, rng=3)
    assert y.tolist() != sorted(y.tolist())


def test_same_seed_same_points_other_seed_other_points():
    X1, y1 = make_clusters(MEANS, COVS, 20, rng=4)
    X2, y2 = make_clusters(MEANS, COVS, 20, rng=4)
    X3, _ = make_clusters(MEANS, COVS, 20, rng=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_works_in_three_dimensions():
    X, y = make_clusters(np.zeros((2, 3)), np.stack([np.eye(3), 2 * np.eye(3)]), 10, rng=6)
    assert X.shape == (20, 3)


@pytest.mark.parametrize("cov, words", [
    ([[0.0, 0.75], [0.75, 0.0]], ["cluster 1", "[[0, 0.75], [0.75, 0]]", "positive semi-definite", "-0.75"]),
    ([[1.0, 2.0], [2.0, 1.0]], ["cluster 1", "[[1, 2], [2, 1]]", "negative eigenvalue -1"]),
    ([[-1.0, 0.0], [0.0, 1.0]], ["cluster 1", "negative eigenvalue -1"]),
    ([[1.0, 0.5], [0.0, 1.0]], ["cluster 1", "not symmetric", "[0, 1] is 0.5", "[1, 0] is 0"]),
    ([[1.0, np.nan], [np.nan, 1.0]], ["cluster 1", "NaN"]),
])
def test_invalid_covariance_is_refused_with_a_clear_message(cov, words):
    with pytest.raises(ValueError) as info:
        make_clusters([[0, 0], [5, 5]], [np.eye(2), cov], 10, rng=0)
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


def test_invalid_covariance_is_refused_before_any_sampling():
    rng = np.random.default_rng(7)
    state = rng.bit_generator.state
    with pytest.raises(ValueError):
        make_clusters([[0, 0], [5, 5]], [np.eye(2), [[0, 0.75], [0.75, 0]]], 10, rng=rng)
    assert rng.bit_generator.state == state


@pytest.mark.parametrize("means, covs, n, words", [
    ([0.0, 0.0], [np.eye(2)], 10, ["means of shape (k, d)", "(2,)"]),
    ([[0.0, 0.0]], np.eye(2), 10, ["covs of shape (1, 2, 2)", "got (2, 2)"]),
    ([[0.0, 0.0], [1.0, 1.0]], [np.eye(2)], 10, ["(2, 2, 2)", "(1, 2, 2)"]),
    ([[0.0, 0.0], [1.0, 1.0]], [np.eye(2)] * 2, [10], ["got 1 counts in n_per_cluster but 2 clusters in means"]),
    ([[0.0, 0.0]], [np.eye(2)], -1, ["each count in n_per_cluster to be a whole number >= 0, got -1"]),
    ([[0.0, 0.0]], [np.eye(2)], 2.5, ["whole number >= 0, got 2.5"]),
])
def test_bad_shapes_and_counts_are_refused(means, covs, n, words):
    with pytest.raises(ValueError) as info:
        make_clusters(means, covs, n, rng=0)
    for word in words:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


def test_non_numeric_means_are_a_type_error():
    with pytest.raises(TypeError, match="numbers"):
        make_clusters([["a", "b"]], [np.eye(2)], 3)


def test_small_network_reaches_96_percent_on_the_chapter_data():
    """The chapter's 2-5-3 network with L2, trained as in the chapter, on data from other seeds."""
    for seed in (11, 12):
        X, y = make_clusters(MEANS, COVS, [200, 150, 250], rng=seed)
        X_train, Y_train, X_test, Y_test = train_val_split(X.astype(np.float32), one_hot(y, 3), 150, rng=seed)
        net = Sequential([Dense(2, 5, rng=seed, l2=1e-3), ReLU(), Dense(5, 3, rng=seed + 1, l2=1e-3)])
        history = fit(net, SoftmaxCrossEntropy(), Adam(0.01), X_train, Y_train, epochs=60, batch_size=32,
                      rng=seed, progress=False)
        assert history["loss"][-1] < history["loss"][0]
        assert accuracy(net, X_test, Y_test) >= 0.96


def _recording(render):
    """`render` that also keeps the grid of predicted classes each figure drew
    (LiveExplorer closes its figures, so the grids are kept here)."""
    grids = []

    def recording_render(**params):
        fig = render(**params)
        grids.append(fig.predicted_classes)
        return fig

    return recording_render, grids


def _check_grid(grid, n_classes=1):
    """A drawn map of the classes: a grid of class indices with at least n_classes regions."""
    assert grid is not None, "the figure carries no grid of predicted classes: no boundary was drawn"
    assert grid.ndim == 2 and np.issubdtype(grid.dtype, np.integer), grid
    assert set(np.unique(grid)) <= {0, 1, 2} and len(np.unique(grid)) >= n_classes, np.unique(grid)


def _moved(before, after, name):
    """At least 1 % of the grid changes class: the boundary moved, not only the title."""
    _check_grid(before)
    _check_grid(after)
    changed = before.shape != after.shape or np.mean(before != after) > 0.01
    assert changed, f"moving {name} did not move the decision boundary"


def test_playground_sliders_retrain_and_redraw_the_boundary():
    ipywidgets = pytest.importorskip("ipywidgets")
    from nnlib.explorers import cluster_playground
    from nnlib.widgets import LiveExplorer

    render, grids = _recording(cluster_playground(MEANS, COVS, [60, 50, 70], n_test=45, epochs=40, seed=0))
    explorer = LiveExplorer(
        render,
        lr=ipywidgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0),
        hidden=ipywidgets.IntSlider(value=5, min=1, max=32),
        l2=ipywidgets.SelectionSlider(options=[0.0, 0.01, 1.0], value=0.0),
        activation=ipywidgets.ToggleButtons(options=["relu", "sigmoid"]),
        spread=ipywidgets.FloatSlider(value=1.0, min=0.5, max=2.5, step=0.25),
    )
    explorer.update()
    assert explorer.calls == 1 and explorer.png
    start_png, start_grid = explorer.png, grids[-1]
    _check_grid(start_grid, n_classes=3)  # the starting settings separate all three clusters
    for name, value in [("hidden", 2), ("l2", 1.0), ("lr", 0.001), ("activation", "sigmoid"), ("spread", 2.0)]:
        calls, start_value = explorer.calls, explorer.sliders[name].value
        explorer.sliders[name].value = value
        assert explorer.calls == calls + 1, f"moving {name} did not redraw"
        assert explorer.params[name] == value
        assert explorer.png != start_png, f"moving {name} did not change the figure"
        _moved(start_grid, grids[-1], name)
        explorer.sliders[name].value = start_value  # back: the very same boundary again
        np.testing.assert_array_equal(grids[-1], start_grid, err_msg=f"{name} moved back: another boundary")
        assert explorer.png == start_png


@pytest.mark.parametrize("name, value", [("lr", 0.001), ("hidden", 2), ("l2", 1.0), ("activation", "tanh"),
                                         ("spread", 2.0)])
def test_playground_boundary_depends_on_each_setting_and_only_on_them(name, value):
    """Each slider alone moves the boundary; the same settings draw exactly the same one."""
    import matplotlib.pyplot as plt

    from nnlib.explorers import cluster_playground

    render = cluster_playground(MEANS, COVS, 40, n_test=30, epochs=30, seed=1)

    def grid(**params):
        fig = render(**params)
        plt.close(fig)
        return fig.predicted_classes

    base = {"lr": 0.1, "hidden": 5, "l2": 0.0, "activation": "relu", "spread": 1.0}
    first = grid(**base)
    _check_grid(first, n_classes=3)
    np.testing.assert_array_equal(grid(**base), first)  # seeded: nothing but the settings matters
    _moved(first, grid(**{**base, name: value}), name)


def test_playground_refuses_an_unknown_activation():
    from nnlib.explorers import cluster_playground

    render = cluster_playground(MEANS, COVS, 40, n_test=30, epochs=30, seed=1)
    with pytest.raises(ValueError, match="activation must be one of"):
        render(activation="swish")


def test_playground_survives_a_diverging_learning_rate():
    import matplotlib.pyplot as plt

    from nnlib.explorers import cluster_playground

    render = cluster_playground(MEANS, COVS, 40, n_test=30, epochs=30, seed=1)
    fig = render(lr=1e30, hidden=5)  # must draw a figure saying it diverged, not raise
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    plt.close(fig)
    assert any("diverged" in t for t in texts), texts
    assert fig.predicted_classes is None  # no boundary was drawn
