"""One step of each optimizer against its formula computed by hand; Adam against Keras."""
import numpy as np
import pytest

from nnlib import SGD, Adam, Momentum


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


def test_adam_two_steps_by_hand():
    params, grads = problem()
    p0 = [p.copy() for p in params]
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    opt = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
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


def test_adam_first_step_moves_each_entry_by_about_lr():
    """The textbook property of Adam: the first step is lr * sign(g), whatever the gradient's size."""
    params, grads = problem()
    p0 = [p.copy() for p in params]
    grads = [g * s for g, s in zip(grads, (1e-3, 1e3))]
    Adam(lr=0.01, eps=1e-12).step(params, grads)
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


def test_adam_matches_keras():
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "jax":
        pytest.skip("the comparison is written for Keras's JAX backend")
    params, _ = problem(np.float32)
    rng = np.random.default_rng(5)
    grad_steps = [[rng.standard_normal(p.shape).astype(np.float32) for p in params] for _ in range(5)]
    mine = [p.copy() for p in params]
    opt = Adam(lr=0.01)
    for grads in grad_steps:
        opt.step(mine, grads)
    variables = [keras.Variable(p.copy()) for p in params]
    theirs = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    theirs.build(variables)
    for grads in grad_steps:
        theirs.apply(grads, variables)
    for p, var in zip(mine, variables):
        np.testing.assert_allclose(p, np.asarray(var), rtol=1e-5, atol=1e-6)


def test_adam_keeps_its_moments_out_of_the_subnormal_numbers():
    """A weight whose gradient stops has its m shrink by beta1 per step; without the flush every
    100 steps it would sit among float32's slow subnormal numbers (below 1.2e-38) after ~830 steps."""
    params, grads = [np.ones(3, np.float32)], [np.array([1.0, 0.0, 1e-3], np.float32)]
    opt = Adam()
    opt.step(params, grads)
    grads[0][:] = 0.0
    for _ in range(849):
        opt.step(params, grads)
    m = opt.m[0]
    tiny = np.finfo(np.float32).tiny  # the smallest normal float32
    assert np.all((m == 0) | (np.abs(m) >= tiny)), f"subnormal moments left: {m}"
    assert np.all(m == 0), "a moment 0.9^849 times its start is far below 1e-30 and must have been zeroed"
