"""Chapter 6: training on MNIST, the slider explorer, the plots, and saving/loading weights."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import SGD, Dense, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy, evaluate, fit, load_weights, mlp, save_weights
from nnlib import explorers, plotting

# `mnist` (the real data as chapter 6 loads it; the test is skipped without it) comes from tests/conftest.py.


# --- training on real digits -------------------------------------------------

def test_one_epoch_lowers_the_loss_on_a_subset(mnist):
    X, y = mnist.X_train[:2000], mnist.y_train[:2000]
    X_val, y_val = mnist.X_val[:500], mnist.y_val[:500]
    net, loss = mlp([784, 32, 10]), SoftmaxCrossEntropy()
    before, acc_before = evaluate(net, loss, X_val, y_val)
    history = fit(net, loss, SGD(0.1), X, y, epochs=1, batch_size=32, rng=0, progress=False)
    after, acc_after = evaluate(net, loss, X_val, y_val)
    assert after < 0.6 * before, f"validation loss {before:.3f} -> {after:.3f}"
    assert acc_after > acc_before + 0.3
    assert history["loss"][0] < before  # the epoch's mean training loss is below the start too


# --- the learning-rate x hidden-size explorer ---------------------------------

def test_sliders_retrain_and_redraw(mnist):
    widgets = pytest.importorskip("ipywidgets")
    from nnlib.widgets import LiveExplorer

    render = explorers.mnist_explorer(mnist.X_train[:600], mnist.y_train[:600], mnist.X_val[:200],
                                     mnist.y_val[:200], epochs=2)
    explorer = LiveExplorer(render,
                            lr=widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.6, step=0.1),
                            hidden=widgets.SelectionSlider(options=[4, 16, 32], value=16))
    explorer.update()
    assert explorer.calls == 1 and explorer.params == {"lr": 0.1, "hidden": 16}
    first = explorer.png
    assert first.startswith(b"\x89PNG")

    explorer.sliders["lr"].value = 0.001
    assert explorer.calls == 2 and explorer.params["lr"] == pytest.approx(0.001)
    second = explorer.png
    assert second != first

    explorer.sliders["hidden"].value = 4
    assert explorer.calls == 3 and explorer.params == {"lr": pytest.approx(0.001), "hidden": 4}
    assert explorer.png not in (first, second)


def test_explorer_says_when_a_large_rate_leaves_the_network_at_chance(mnist):
    """At the slider's largest rate the loss stays finite, but every ReLU dies: the figure says so."""
    render = explorers.mnist_explorer(mnist.X_train[:600], mnist.y_train[:600], mnist.X_val[:200],
                                     mnist.y_val[:200], epochs=2)
    fig = render(lr=10 ** 0.6, hidden=32)
    title, texts = fig._suptitle.get_text(), [t.get_text() for t in fig.texts]
    assert "failed: stuck near chance" in title and "hidden ReLUs dead" in title, title
    assert any(t.startswith("training failed") for t in texts), texts
    plt.close(fig)
    fig = render(lr=0.1, hidden=32)  # a good rate: no warning
    assert "failed" not in fig._suptitle.get_text() and not any("training" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_live_explorer_shows_a_divergence_instead_of_a_traceback():
    widgets = pytest.importorskip("ipywidgets")
    from nnlib.widgets import LiveExplorer

    def render(lr, hidden):
        if lr > 1:
            raise FloatingPointError("the loss became nan in epoch 2")
        fig = plt.figure(figsize=(1, 1))
        fig.text(0.5, 0.5, str(lr))
        return fig

    explorer = LiveExplorer(render, lr=widgets.FloatSlider(value=0.5, min=0, max=5, description="learning rate"),
                            hidden=widgets.ToggleButtons(options=["a", "b"]))
    explorer.update()
    good = explorer.png
    explorer.sliders["lr"].value = 3.0
    assert explorer.calls == 2 and explorer.png != good  # a message, drawn where the figure was
    # every control: the whole label, the same width for all, one long track per line
    lr, hidden = explorer.sliders["lr"], explorer.sliders["hidden"]
    assert float(lr.style.description_width[:-2]) >= len("learning rate") * 0.6 and lr.layout.width == "42em"
    label, buttons = explorer.widget.children[1].children  # the toggle buttons get their label beside them
    assert label.value == "hidden" and buttons is hidden and label.layout.width == lr.style.description_width


def test_explorer_marks_a_diverging_run():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 784)).astype(np.float32) * 50, rng.integers(0, 10, 64)
    fig = explorers.mnist_explorer(X, y, X[:16], y[:16], epochs=3)(lr=1e6, hidden=8)
    assert "diverged" in fig._suptitle.get_text()
    plt.close(fig)


# --- plots ------------------------------------------------------------------

def test_confusion_matrix_counts_every_pair():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    C = plotting.confusion_matrix(y_true, y_pred)
    expected = np.zeros((10, 10), dtype=int)
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    np.testing.assert_array_equal(C, expected)
    fig = plotting.plot_confusion_matrix(y_true, y_pred)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [str(n) for n in expected.ravel()]
    plt.close(fig)


def test_show_digits_titles_mistakes_in_red():
    images = np.zeros((3, 784))
    fig = plotting.show_digits(images, labels=[1, 2, 3], predictions=[1, 7, 3], confidences=[0.9, 0.8, 0.5])
    titles = [ax.title for ax in fig.axes[:3]]
    assert [t.get_text() for t in titles] == ["1 90%", "7 80% (2)", "3 50%"]
    assert matplotlib.colors.same_color(titles[1].get_color(), "tab:red")
    assert matplotlib.colors.same_color(titles[0].get_color(), "black")
    plt.close(fig)


def test_live_plot_shows_one_figure_and_updates_it(monkeypatch):
    import IPython.display

    calls = []

    class Handle:
        def update(self, obj):
            calls.append(("update", obj))

    def fake_display(obj, display_id=False):
        calls.append(("display", obj))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    live = plotting.LivePlot(epochs=3, title="demo")
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for epoch in (1, 2, 3):
        for key, value in (("loss", 1 / epoch), ("accuracy", 0.5), ("val_loss", 1.1 / epoch), ("val_accuracy", 0.4)):
            history[key].append(value)
        live(epoch, history)
    assert [kind for kind, _ in calls] == ["display", "update", "update"]
    assert all(obj is live.fig for _, obj in calls)
    loss_axes = live.fig.axes[0]
    assert [len(line.get_xdata()) for line in loss_axes.lines] == [3, 3]  # training and validation


def test_plot_weights_draws_one_image_per_neuron():
    W = np.random.default_rng(0).standard_normal((784, 12))
    fig = plotting.plot_weights(W, ncols=5)
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(images) == 12
    np.testing.assert_allclose(images[7], W[:, 7].reshape(28, 28))
    plt.close(fig)


# --- saving and loading weights -----------------------------------------------

def test_save_load_round_trip_is_exact(tmp_path):
    net = Sequential([Dense(10, 6, rng=1), ReLU(), Dense(6, 3, rng=2), Sigmoid()])
    path = save_weights(net, tmp_path / "net")
    assert path == tmp_path / "net.npz" and path.exists()
    assert not list(tmp_path.glob("*.tmp"))  # written under a temporary name, then renamed
    other = Sequential([Dense(10, 6, rng=7), ReLU(), Dense(6, 3, rng=8), Sigmoid()])
    params = other.params
    assert not np.array_equal(params[0], net.params[0])
    assert load_weights(other, path) is other
    for a, b in zip(other.params, net.params):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # bit for bit
    assert all(a is b for a, b in zip(other.params, params))  # updated in place
    X = np.random.default_rng(0).standard_normal((5, 10)).astype(np.float32)
    np.testing.assert_array_equal(other.forward(X), net.forward(X))


def test_saved_file_needs_no_pickle(tmp_path):
    net = Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1)])
    path = save_weights(net, tmp_path / "w.npz")
    with np.load(path, allow_pickle=False) as file:
        assert sorted(file.files) == ["architecture", "layer0_W", "layer0_b", "layer2_W", "layer2_b"]
        assert str(file["architecture"]) == repr(net)


def test_shape_mismatch_names_the_layer_and_both_shapes_and_changes_nothing(tmp_path):
    path = save_weights(Sequential([Dense(784, 16, rng=0), ReLU(), Dense(16, 10, rng=1)]), tmp_path / "small.npz")
    net = Sequential([Dense(784, 32, rng=0), ReLU(), Dense(32, 10, rng=1)])
    before = [p.copy() for p in net.params]
    with pytest.raises(ValueError) as error:
        load_weights(net, path)
    message = str(error.value)
    for part in ["Dense(784, 32)", "(784, 32)", "(784, 16)", "Dense(784, 16)", "small.npz"]:
        assert part in message
    for a, b in zip(net.params, before):
        np.testing.assert_array_equal(a, b)


def test_a_different_number_of_layers_is_refused(tmp_path):
    path = save_weights(Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1)]), tmp_path / "two.npz")
    net = Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 3, rng=1), ReLU(), Dense(3, 2, rng=2)])
    with pytest.raises(ValueError, match=r"4 arrays\).*6 arrays"):
        load_weights(net, path)


# --- data augmentation ----------------------------------------------------------

def test_shift_images_moves_each_image_by_at_most_one_pixel():
    from nnlib import shift_images

    X = np.zeros((400, 784), dtype=np.float32)
    X[:, 14 * 28 + 14] = 1.0  # one inked pixel in the middle of every image
    shifted = shift_images(X, rng=0)
    assert shifted.shape == X.shape and shifted.dtype == X.dtype
    rows, cols = np.divmod(shifted.argmax(axis=1), 28)
    moves = set(zip(rows - 14, cols - 14))
    assert moves == {(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)}  # all nine moves happen
    assert np.all(shifted.sum(axis=1) == 1.0)  # the pixel is moved, not smeared or copied
    np.testing.assert_array_equal(shift_images(X, rng=0), shifted)  # seeded: reproducible
    np.testing.assert_array_equal(shift_images(X, rng=0, max_shift=0), X)


def test_shift_images_does_not_wrap_around():
    from nnlib import shift_images

    X = np.zeros((300, 784), dtype=np.float32)
    X[:, 0] = 1.0  # the top-left corner pixel
    shifted = shift_images(X, rng=1)
    # moving up or left pushes the pixel out of the image; nothing appears on the far side
    assert set(np.unique(shifted.sum(axis=1))) == {0.0, 1.0}
    assert shifted[:, 27].sum() == 0 and shifted[:, 27 * 28].sum() == 0


def test_shift_images_refuses_other_shapes():
    from nnlib import shift_images

    with pytest.raises(ValueError, match=r"784 pixels.*\(5, 28, 28\)"):
        shift_images(np.zeros((5, 28, 28)))


def test_bad_max_shift_is_refused_with_what_was_expected():
    from nnlib import shift_images

    X = np.zeros((2, 784), dtype=np.float32)
    for bad, error, words in [(-1, ValueError, r"max_shift \(in pixels\) to be a whole number from 0 to 27, got -1"),
                              (28, ValueError, r"from 0 to 27, got 28"), (1.5, ValueError, r"from 0 to 27, got 1.5"),
                              (True, ValueError, r"from 0 to 27, got True")]:
        with pytest.raises(error, match=words):
            shift_images(X, rng=0, max_shift=bad)
    assert shift_images(X, rng=0, max_shift=np.int64(27)).shape == X.shape  # the largest shift allowed


# --- saving and loading: the rough edges -------------------------------------------

def test_load_adds_npz_as_save_does(tmp_path):
    net = Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1)])
    assert save_weights(net, tmp_path / "w") == tmp_path / "w.npz"
    other = Sequential([Dense(4, 3, rng=5), ReLU(), Dense(3, 2, rng=6)])
    load_weights(other, tmp_path / "w")  # finds w.npz, as save_weights wrote it
    load_weights(other, str(tmp_path / "w"))
    for a, b in zip(other.params, net.params):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(FileNotFoundError, match=r"no file .*nothing\.npz"):
        load_weights(other, tmp_path / "nothing")


@pytest.mark.parametrize("what", [Dense(4, 3, rng=0), [Dense(4, 3, rng=0)], None])
def test_only_a_sequential_network_is_saved_or_loaded(tmp_path, what):
    path = save_weights(Sequential([Dense(4, 3, rng=0)]), tmp_path / "w.npz")
    for call in (lambda: save_weights(what, tmp_path / "x.npz"), lambda: load_weights(what, path)):
        with pytest.raises(TypeError, match=rf"expects a Sequential network, got {type(what).__name__}"):
            call()
    assert not (tmp_path / "x.npz").exists()


def test_a_file_of_another_dtype_is_refused_naming_both(tmp_path):
    path = save_weights(Sequential([Dense(4, 3, rng=0, dtype=np.float64)]), tmp_path / "f64.npz")
    net = Sequential([Dense(4, 3, rng=1)])  # float32
    before = [p.copy() for p in net.params]
    with pytest.raises(ValueError, match=r"float32 in the network but float64 in the file.*dtype=np\.float64"):
        load_weights(net, path)
    for a, b in zip(net.params, before):
        np.testing.assert_array_equal(a, b)
    load_weights(Sequential([Dense(4, 3, rng=1, dtype=np.float64)]), path)  # the matching dtype loads


def test_same_shapes_but_other_layers_are_refused(tmp_path):
    saved = Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1)])
    path = save_weights(saved, tmp_path / "relu.npz")
    net = Sequential([Dense(4, 3, rng=2), Sigmoid(), Dense(3, 2, rng=3)])
    before = [p.copy() for p in net.params]
    with pytest.raises(ValueError) as error:
        load_weights(net, path)
    message = str(error.value)
    assert repr(saved) in message and repr(net) in message and "relu.npz" in message
    for a, b in zip(net.params, before):
        np.testing.assert_array_equal(a, b)


def test_a_file_without_architecture_loads_by_shapes(tmp_path):
    net = Sequential([Dense(4, 3, rng=0), ReLU(), Dense(3, 2, rng=1)])
    np.savez(tmp_path / "plain.npz", layer0_W=net.params[0], layer0_b=net.params[1],
             layer2_W=net.params[2], layer2_b=net.params[3])
    other = load_weights(Sequential([Dense(4, 3, rng=2), Sigmoid(), Dense(3, 2, rng=3)]), tmp_path / "plain.npz")
    np.testing.assert_array_equal(other.params[2], net.params[2])


# --- predict_digit ---------------------------------------------------------------

def test_predict_digit_prepares_bytes_and_floats_alike():
    from nnlib import predict_digit, softmax

    net = Sequential([Dense(784, 10, rng=0)])
    image = np.random.default_rng(1).integers(0, 256, size=(28, 28), dtype=np.uint8)
    p = softmax(net.predict(image.reshape(1, 784).astype(np.float32) / 255))[0]
    expected = (int(p.argmax()), pytest.approx(float(p.max()), rel=1e-6))
    assert predict_digit(net, image) == expected
    assert predict_digit(net, image.astype(np.int64)) == expected
    assert predict_digit(net, image / 255) == expected  # float64 in [0, 1]
    assert predict_digit(net, (image / 255).astype(np.float32).reshape(784)) == expected  # a row of 784
    digit, prob = predict_digit(net, image)
    assert isinstance(digit, int) and isinstance(prob, float)


@pytest.mark.parametrize("image, error, words", [
    (np.zeros((28, 27), np.uint8), ValueError, r"28x28 image .*got shape \(28, 27\)"),
    (np.zeros((1, 784), np.uint8), ValueError, r"got shape \(1, 784\)"),
    (np.zeros((2, 28, 28)), ValueError, r"got shape \(2, 28, 28\)"),
    (np.full((28, 28), 255.0), ValueError, r"float pixels must lie in \[0, 1\], got values from 255 to 255.*by 255"),
    (np.full((28, 28), -0.5), ValueError, r"\[0, 1\], got values from -0.5"),
    (np.full((28, 28), np.nan), ValueError, r"predict_digit: the image contains NaN or infinite"),
    (np.full((28, 28), 300), ValueError, r"0-255, got values from 300 to 300"),
    (np.full((28, 28), -1), ValueError, r"0-255, got values from -1"),
    (np.zeros((28, 28), bool), TypeError, r"got dtype bool"),
    (np.full((28, 28), "a"), TypeError, r"got dtype <U1"),
])
def test_predict_digit_refuses_what_it_cannot_prepare(image, error, words):
    from nnlib import predict_digit

    with pytest.raises(error, match=words):
        predict_digit(Sequential([Dense(784, 10, rng=0)]), image)


# --- the static explorer's arguments ------------------------------------------------

def test_static_explorer_refuses_a_default_that_is_not_a_slider_position():
    from nnlib.widgets import static_explorer

    def render(**params):
        raise AssertionError("render must not run when the arguments are wrong")

    with pytest.raises(ValueError, match=r"slider 'lr' is 0\.3, which is not one of its values \[0\.1, 1\]"):
        static_explorer(render, lr=[0.1, 1.0], hidden=[4, 8], defaults={"lr": 0.3})
    with pytest.raises(ValueError, match=r"\['depth'\].*not axes \['lr'\]"):
        static_explorer(render, lr=[0.1, 1.0], defaults={"depth": 2})


def test_static_explorer_starts_at_the_default():
    from nnlib.widgets import static_explorer

    def render(lr):
        fig = plt.figure(figsize=(1, 1))
        fig.text(0.5, 0.5, str(lr))
        return fig

    html = static_explorer(render, lr=[0.1, 1.0, 10.0], defaults={"lr": 10.0}).data
    assert 'value="2"' in html and "<output>10</output>" in html
