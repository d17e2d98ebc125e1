"""The checks of chapter 5's exercises (notebooks/05_training_toolkit.md): the fused gradient of
softmax cross-entropy, He's spread, Adam's first step and a step schedule for the learning rate."""
import numpy as np

from nnlib.exercises import Wrong, array, attempt, close, exercise, number


# --- 1. the fused gradient ------------------------------------------------------------------------

def _logits():
    gen = np.random.default_rng(5)
    return gen.standard_normal((4, 3)) * 2, np.array([2, 0, 1, 1])


def _softmax(Z):
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


def _fused(kind="right"):
    Z, labels = _logits()
    P, Y = _softmax(Z), np.eye(3)[labels]
    return {"right": (P - Y) / 4, "no mean": P - Y, "sign": (Y - P) / 4, "no one-hot": P / 4}[kind]


@exercise("softmax-ce-gradient", placeholder="Replace ... with dZ, a (4, 3) array.", given=_logits,
          mistakes=[(_fused("no mean"), "4 times"), (_fused("sign"), "sign"), (_fused("no one-hot"), "true class")])
def softmax_ce_gradient(answer):
    got = array(answer, (4, 3), "dZ")
    if close(got, _fused()):
        return "(softmax(Z) - Y) / B: each row sums to 0, and the true class gets the only negative entry."
    if close(got, _fused("no mean")):
        raise Wrong("Your dZ is 4 times too large: the loss is the mean over the batch of 4, so divide by 4.")
    if close(got, _fused("sign")):
        raise Wrong("The sign is flipped: dZ = (softmax(Z) - Y) / B; the true class's entry is negative.")
    if close(got, _fused("no one-hot")):
        raise Wrong("Subtract 1 at each example's true class (the one-hot rows Y): dZ = (softmax(Z) - Y) / B.")
    if not close(got.sum(axis=1), 0.0):
        raise Wrong("Each row of dZ should sum to 0 (softmax sums to 1, and so does a one-hot row).")
    raise Wrong("Not (softmax(Z) - Y) / B: compute the softmax of each row, subtract the one-hot row, divide by 4.")


# --- 2. He's spread -------------------------------------------------------------------------------

@exercise("he-std", placeholder="Replace ... with the standard deviation, a number.",
          mistakes=[((1 / 784) ** 0.5, "factor 2"), ((2 / (784 + 100)) ** 0.5, "Glorot"), (2 / 784, "square root")])
def he_std(answer):
    got = number(answer, "the standard deviation")
    if close(got, (2 / 784) ** 0.5, rtol=1e-3):
        return "sqrt(2 / 784), about 0.0505: with 784 inputs each weight is small, and ReLU's halving is made up for."
    if close(got, (1 / 784) ** 0.5, rtol=1e-3):
        raise Wrong("That is sqrt(1 / n_in): He's variance has a factor 2 for the half that ReLU sets to 0.")
    if close(got, (2 / 884) ** 0.5, rtol=1e-3):
        raise Wrong("That is Glorot's variance 2 / (n_in + n_out); He's uses n_in alone.")
    if close(got, 2 / 784, rtol=1e-3):
        raise Wrong("That is the variance: the standard deviation is its square root.")
    raise Wrong("He's weights have variance 2 / n_in, with n_in = 784 inputs.")


# --- 3. Adam's first step -------------------------------------------------------------------------

def _adam_inputs():
    return np.array([0.5, -1.0, 2.0]), np.array([0.3, -0.002, 40.0])


def _adam_after(correct=True, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7):
    p, g = _adam_inputs()
    m, v = (1 - beta1) * g, (1 - beta2) * g * g
    lr_t = lr * np.sqrt(1 - beta2) / (1 - beta1) if correct else lr
    return p - lr_t * m / (np.sqrt(v) + eps)


@exercise("adam-first-step", placeholder="Replace ... with p after one step, an array of 3 numbers.",
          given=_adam_inputs,
          mistakes=[(_adam_after(correct=False), "bias correction"), (_adam_inputs()[0] - 0.01 * _adam_inputs()[1], "SGD")])
def adam_first_step(answer):
    got = array(answer, (3,), "p after one step")
    p, g = _adam_inputs()
    if close(got, _adam_after(), rtol=1e-6):
        return ("Every entry moved by about lr = 0.01 against its gradient, for a gradient of 40 as for one of "
                "0.002: after the bias correction m / sqrt(v) = g / |g| on the first step.")
    if close(got, _adam_after(correct=False), rtol=1e-6):
        raise Wrong("Without the bias correction the step is about 3.16 times lr: m and v start at 0, so multiply "
                    "lr by sqrt(1 - beta2^t) / (1 - beta1^t) with t = 1.")
    if close(got, p - 0.01 * g):
        raise Wrong("That is an SGD step, p - lr g: Adam divides the running mean m by sqrt(v).")
    raise Wrong("Not yet: m = (1 - beta1) g, v = (1 - beta2) g^2, lr_t = lr sqrt(1 - beta2) / (1 - beta1), "
                "p - lr_t m / (sqrt(v) + eps).")


# --- 4. a step schedule ---------------------------------------------------------------------------

def _step_decay(lr0, epoch):
    return lr0 * 0.5 ** ((epoch - 1) // 10)


@exercise("step-decay", placeholder="Write step_decay(lr0, epoch) (it still says return ...).",
          mistakes=[(lambda lr0, epoch: lr0 * 0.5 ** (epoch // 10), "Epoch 10"),
                    (lambda lr0, epoch: lr0 / (1 + (epoch - 1) // 10), "halves")])
def step_decay(answer):
    if not callable(answer):
        raise Wrong("Pass the function step_decay itself.")
    epochs = range(1, 41)
    got = [number(attempt(answer, 0.1, e), f"step_decay(0.1, {e})") for e in epochs]
    want = [_step_decay(0.1, e) for e in epochs]
    if close(got, want):
        return "0.1 for epochs 1-10, 0.05 for 11-20, 0.025 for 21-30, 0.0125 for 31-40."
    if close(got[9], 0.05) and close(got[0], 0.1):
        raise Wrong("Epoch 10 should still run at lr0: epochs 1-10 make the first block (epoch - 1, not epoch).")
    if close(got[10], 0.05) and not close(got[20], 0.025):
        raise Wrong(f"Epoch 21 should run at lr0 / 4 = 0.025, got {got[20]:g}: the rate halves after every 10 "
                    "epochs, a factor 0.5 per block.")
    wrong = next(e for e, a, b in zip(epochs, got, want) if not close(a, b))
    raise Wrong(f"step_decay(0.1, {wrong}) should be {_step_decay(0.1, wrong):g}, got {got[wrong - 1]:g}.")
