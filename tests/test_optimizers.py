"""One step of each optimizer against its formula computed by hand; Adam against Keras; FastAdam against Adam."""
import numpy as np
import pytest

from nnlib import SGD, Adam, Dense, FastAdam, Momentum, ReLU, Sequential, SoftmaxCrossEntropy, fit


def problem(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal((3, 2)).astype(dtype), rng.standard_normal(2).astype(dtype)]
    grads = [rng.standard_normal((3, 2)).astype(dtype), rng.standard_normal(2).astype(dtype)]
    return params, grads


def test_sgd_step():
    params, grads = problem()
    before = [p.copy() for p in params]
    ids = [id(p) for p in params]
    SGD(lr=0.1).step(params, grads)
    for p, p0, g in zip(params, before, grads):
        np.testing.assert_allclose(p, p0 - 0.1 * g)
    assert [id(p) for p in params] == ids  # updated in place


def test_momentum_two_steps():
    params, grads = problem()
    p0 = [p.copy() for p in params]
    opt = Momentum(lr=0.1, beta=0.9)
    opt.step(params, grads)
    opt.step(params, grads)
    for p, start, g in zip(params, p0, grads):
        v1 = -0.1 * g
        v2 = 0.9 * v1 - 0.1 * g
        np.testing.assert_allclose(p, start + v1 + v2)


def test_momentum_with_beta_zero_is_sgd():
    a, grads = problem(seed=1)
    b = [p.copy() for p in a]
    for _ in range(3):
        Momentum(lr=0.05, beta=0.0).step(a, grads)
        SGD(lr=0.05).step(b, grads)
    for p, q in zip(a, b):
        np.testing.assert_allclose(p, q)


ADAMS = pytest.mark.parametrize("adam", [Adam, FastAdam], ids=lambda c: c.__name__)


@ADAMS
def test_adam_two_steps_by_hand(adam):
    params, grads = problem()
    p0 = [p.copy() for p in params]
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    opt = adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    second = [2 * g for g in grads]
    opt.step(params, grads)
    opt.step(params, second)
    for p, start, g, g2 in zip(params, p0, grads, second):
        expected = start.copy()
        m = v = 0
        for t, grad in enumerate([g, g2], start=1):
            m = b1 * m + (1 - b1) * grad
            v = b2 * v + (1 - b2) * grad**2
            # Keras's form of the bias correction: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps outside the root
            lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
            expected -= lr_t * m / (np.sqrt(v) + eps)
        np.testing.assert_allclose(p, expected, rtol=1e-6)


@ADAMS
def test_adam_first_step_moves_each_entry_by_about_lr(adam):
    """The textbook property of Adam: the first step is lr * sign(g), whatever the gradient's size."""
    params, grads = problem()
    p0 = [p.copy() for p in params]
    grads = [g * s for g, s in zip(grads, (1e-3, 1e3))]
    adam(lr=0.01, eps=1e-12).step(params, grads)
    for p, start, g in zip(params, p0, grads):
        np.testing.assert_allclose(p - start, -0.01 * np.sign(g), rtol=1e-6)


def test_adam_keeps_float32_and_allocates_its_state_once():
    params, grads = problem(np.float32)
    opt = Adam()
    opt.step(params, grads)
    state = [id(a) for a in opt.m + opt.v]
    opt.step(params, grads)
    assert all(p.dtype == np.float32 for p in params + opt.m + opt.v)
    assert [id(a) for a in opt.m + opt.v] == state  # m and v are updated in place


@ADAMS
def test_adam_matches_keras(adam):
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "jax":
        pytest.skip("the comparison is written for Keras's JAX backend")
    params, _ = problem(np.float32)
    rng = np.random.default_rng(5)
    grad_steps = [[rng.standard_normal(p.shape).astype(np.float32) for p in params] for _ in range(5)]
    mine = [p.copy() for p in params]
    opt = adam(lr=0.01)
    for grads in grad_steps:
        opt.step(mine, grads)
    variables = [keras.Variable(p.copy()) for p in params]
    theirs = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    theirs.build(variables)
    for grads in grad_steps:
        theirs.apply(grads, variables)
    for p, var in zip(mine, variables):
        np.testing.assert_allclose(p, np.asarray(var), rtol=1e-5, atol=1e-6)


@ADAMS
def test_adam_keeps_its_moments_out_of_the_subnormal_numbers(adam):
    """A weight whose gradient stops has its m shrink by beta1 per step; without the flush every
    100 steps it would sit among float32's slow subnormal numbers (below 1.2e-38) after ~830 steps.
    FastAdam's sum M = m / (1 - beta1) shrinks the same way and is flushed the same way."""
    params, grads = [np.ones(3, np.float32)], [np.array([1.0, 0.0, 1e-3], np.float32)]
    opt = adam()
    opt.step(params, grads)
    grads[0][:] = 0.0
    for _ in range(849):
        opt.step(params, grads)
    m = (opt.m if adam is Adam else opt.M)[0]
    tiny = np.finfo(np.float32).tiny  # the smallest normal float32
    assert np.all((m == 0) | (np.abs(m) >= tiny)), f"subnormal moments left: {m}"
    assert np.all(m == 0), "a moment 0.9^849 times its start is far below 1e-30 and must have been zeroed"


# --- FastAdam: chapter 5's rescaled form of Adam takes Adam's steps ---------------------------------

def gradient_stream(shapes, steps, seed=0):
    """Gradients of very different sizes per entry, some of them stopping (a blank pixel's weights)."""
    rng = np.random.default_rng(seed)
    scales = [10.0 ** rng.uniform(-6, 1, shape) for shape in shapes]
    for t in range(steps):
        grads = [(s * rng.standard_normal(s.shape)).astype(np.float32) for s in scales]
        if t > steps // 2:
            grads[0][: len(grads[0]) // 4] = 0.0  # a quarter of the first layer's rows stop
        yield grads


def test_fast_adam_takes_adams_steps_and_keeps_m_and_v_rescaled():
    shapes = [(20, 8), (8,), (8, 3), (3,)]
    rng = np.random.default_rng(1)
    start = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    textbook, fast = [p.copy() for p in start], [p.copy() for p in start]
    adam, fast_adam = Adam(lr=0.01), FastAdam(lr=0.01)
    for grads in gradient_stream(shapes, 400):
        adam.step(textbook, grads)
        fast_adam.step(fast, grads)
    for p, q, p0 in zip(textbook, fast, start):
        assert np.abs(p - p0).max() > 0.1  # the steps moved the weights by far more than the tolerance
        np.testing.assert_allclose(q, p, rtol=0, atol=1e-5)
    for m, M in zip(adam.m, fast_adam.M):
        np.testing.assert_allclose((1 - 0.9) * M, m, rtol=1e-4, atol=1e-30)
    for v, V in zip(adam.v, fast_adam.V):
        np.testing.assert_allclose((1 - 0.999) * V, v, rtol=1e-4, atol=1e-30)


def test_fast_adam_trains_a_network_as_adam_does():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((256, 4)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    nets = []
    for optimizer in (Adam(0.01), FastAdam(0.01)):
        net = Sequential([Dense(4, 16, rng=0), ReLU(), Dense(16, 2, rng=1)])
        history = fit(net, SoftmaxCrossEntropy(), optimizer, X, y, epochs=20, batch_size=32, rng=0, progress=False)
        nets.append((net, history))
    (net_a, hist_a), (net_b, hist_b) = nets
    assert hist_a["loss"][-1] < 0.5 * hist_a["loss"][0]  # it learned something
    np.testing.assert_allclose(hist_b["loss"], hist_a["loss"], rtol=1e-4)
    for p, q in zip(net_a.params, net_b.params):
        np.testing.assert_allclose(q, p, rtol=0, atol=1e-4)


def test_fast_adam_keeps_float32_and_allocates_its_arrays_once():
    params, grads = problem(np.float32)
    opt = FastAdam()
    opt.step(params, grads)
    state = [id(a) for a in opt.M + opt.V + opt.scratch]
    opt.step(params, grads)
    assert all(a.dtype == np.float32 for a in params + opt.M + opt.V)
    assert [id(a) for a in opt.M + opt.V + opt.scratch] == state
