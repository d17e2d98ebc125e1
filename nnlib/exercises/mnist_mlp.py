"""Checks for the exercises of notebooks/06_mnist_mlp (MNIST with a multilayer perceptron)."""
import math

import numpy as np

from nnlib.exercises import Wrong, array, attempt, close, exercise, number

IDX_SHAPE = (1234, 20, 24)  # the made-up file's sizes


def _idx_header():
    return bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in IDX_SHAPE)


@exercise("idx-header", placeholder="Replace ... with the three sizes, a tuple of ints: (images, rows, columns).",
          given=_idx_header,
          mistakes=[(tuple(int.from_bytes(_idx_header()[4 + 4 * i:8 + 4 * i], "little") for i in range(3)), "big-endian"),
                    ((0, 0, 8), "magic number"), ((20, 24), "three sizes")])
def idx_header(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong("Expected the three sizes, (images, rows, columns): the header's byte 3 says there are 3.")
    got = tuple(int(number(n, "each size")) for n in answer)
    little = tuple(int.from_bytes(_idx_header()[4 + 4 * i:8 + 4 * i], "little") for i in range(3))
    if got == little:
        raise Wrong("Those numbers are read little-endian: IDX sizes are big-endian 32-bit integers, "
                    "int.from_bytes(four_bytes, 'big').")
    if got == tuple(_idx_header()[1:4]) or got[:3] == (0, 0, 8):
        raise Wrong("Those are the bytes of the magic number: the sizes start at byte 4, four bytes each.")
    if got != IDX_SHAPE:
        raise Wrong("Read bytes 4-7, 8-11 and 12-15, each as one big-endian integer.")
    return f"{IDX_SHAPE[0]:,} images of {IDX_SHAPE[1]}x{IDX_SHAPE[2]} pixels, followed by their bytes."


@exercise("steps-per-epoch", placeholder="Replace ... with the number of minibatch steps, an int.",
          mistakes=[(781, "left over"), (50_000 * 64, "divide"), (782.0 + 0.25, "whole")])
def steps_per_epoch(answer):
    got = number(answer, "the number of steps")
    if got == 50_000 // 64:
        raise Wrong("50,000 / 64 is not a whole number: the 16 images left over make one more, smaller batch.")
    if got == 50_000 * 64:
        raise Wrong("Each step takes 64 images: divide the number of images by the batch size.")
    if got != int(got):
        raise Wrong("A number of steps is a whole number: round up, math.ceil.")
    if got != math.ceil(50_000 / 64):
        raise Wrong("Count the batches of 64 that cover 50,000 images, the last one smaller.")
    return "782 steps: 781 full batches of 64 and one of the 16 images left over."


def _rates(f, epochs=12, lr0=0.1):
    return np.array([number(attempt(f, epoch, lr0, epochs), "the learning rate") for epoch in range(1, epochs + 1)])


def _right_rates(epochs=12, lr0=0.1):
    return np.array([lr0 * (1 - (e - 1) / epochs) for e in range(1, epochs + 1)])


@exercise("linear-decay", placeholder="Complete learning_rate: its body still says return ....",
          mistakes=[(lambda epoch, lr0, epochs: lr0 * (1 - epoch / epochs), "counted from 1"),
                    (lambda epoch, lr0, epochs: lr0 / epoch, "linear"),
                    (lambda epoch, lr0, epochs: lr0, "constant")])
def linear_decay(f):
    got = _rates(f)
    right = _right_rates()
    if close(got, np.full(12, 0.1)):
        raise Wrong("The rate is constant: it should fall in equal steps over the epochs.")
    if close(got, right - 0.1 / 12):
        raise Wrong("Your last epoch gets rate 0: with epochs counted from 1, the first rate is lr0 and each "
                    "epoch is lr0 / epochs below the one before.")
    if close(got, 0.1 / np.arange(1, 13)):
        raise Wrong("lr0 / epoch falls fast, then slowly: the chapter's decay is linear, equal steps.")
    if not close(got, right):
        raise Wrong(f"For 12 epochs from 0.1 the rates should start at 0.1 and end at {right[-1]:.4f}; "
                    f"yours go from {got[0]:.4f} to {got[-1]:.4f}.")
    if not close(_rates(f, epochs=5, lr0=0.3), _right_rates(5, 0.3)):
        raise Wrong("Right for 12 epochs from 0.1, but not for other settings: use lr0 and epochs, not fixed numbers.")
    return "The rate falls by lr0 / epochs every epoch, from lr0 to lr0 / epochs in the last one, as SGD_RUN's does."


def _confusion_inputs():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 4, size=60)
    y_pred = np.where(rng.random(60) < 0.7, y_true, rng.integers(0, 4, size=60))
    return y_true, y_pred


def _right_confusion(y_true, y_pred, n):
    C = np.zeros((n, n), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C


@exercise("confusion-matrix", placeholder="Complete confusion: its body still says return ....",
          given=_confusion_inputs,
          mistakes=[(lambda t, p, n: _right_confusion(t, p, n).T, "transposed"),
                    (lambda t, p, n: _fancy_assign(t, p, n), "repeated")])
def confusion_matrix_exercise(f):
    y_true, y_pred = _confusion_inputs()
    got = array(attempt(f, y_true, y_pred, 4), (4, 4), "the confusion matrix")
    right = _right_confusion(y_true, y_pred, 4)
    if close(got, right.T) and not close(got, right):
        raise Wrong("Your matrix is transposed: row i is the true class, column j the prediction.")
    if close(got, _fancy_assign(y_true, y_pred, 4)):
        raise Wrong("C[y_true, y_pred] += 1 counts repeated pairs only once: use np.add.at, or a loop.")
    if got.sum() != len(y_true):
        raise Wrong(f"The counts add up to {got.sum():g}, not to the {len(y_true)} examples: one count per example.")
    if not close(got, right):
        raise Wrong("Some counts differ: C[i, j] is the number of examples with y_true == i and y_pred == j.")
    if not close(attempt(f, y_pred, y_true, 4), right.T):
        raise Wrong("Right on these labels, but not on others.")
    return "The diagonal holds the right answers, every other cell one kind of mistake."


def _fancy_assign(y_true, y_pred, n):
    C = np.zeros((n, n), dtype=int)
    C[y_true, y_pred] += 1
    return C


def _reliability_inputs():
    """A made-up network's answers: probabilities of 400 images and their labels, sure but often wrong."""
    rng = np.random.default_rng(11)
    logits = rng.normal(0, 4, size=(400, 10))
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = np.where(rng.random(400) < 0.8, probs.argmax(axis=1), rng.integers(0, 10, size=400))
    return probs, labels


def _sure(probs, labels, low=0.99):
    confidence, pred = probs.max(axis=1), probs.argmax(axis=1)
    sure = confidence >= low
    return float(np.mean(pred[sure] == labels[sure])), float(confidence[sure].mean())


def _all_right():
    probs, labels = _reliability_inputs()
    return float(np.mean(probs.argmax(axis=1) == labels))


@exercise("reliability", placeholder="Replace ... with the fraction of the answers given with probability >= 0.99 "
                                     "that are right, a number in [0, 1].",
          given=_reliability_inputs,
          mistakes=[(_all_right(), "all the answers"), (_sure(*_reliability_inputs())[1], "confidence")])
def reliability(answer):
    probs, labels = _reliability_inputs()
    got = number(answer, "the fraction")
    share, mean_confidence = _sure(probs, labels)
    if close(got, share, rtol=1e-4):
        verdict = "overconfident" if share < mean_confidence else "not overconfident"
        return (f"{share:.1%} of the sure answers are right, while they claim {mean_confidence:.1%} on average: "
                f"this made-up network is {verdict} when it is sure. The chapter's reliability count asks the "
                f"same of the MNIST network.")
    if close(got, _all_right()):
        raise Wrong("That fraction is over all the answers: keep only those with probs.max(axis=1) >= 0.99.")
    if close(got, mean_confidence):
        raise Wrong("That is the average confidence of the sure answers, what they claim: count how many of them "
                    "are right (argmax == label).")
    raise Wrong("Take the answers with probs.max(axis=1) >= 0.99 and the mean of (argmax == label) over them.")
