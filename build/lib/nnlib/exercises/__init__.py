"""Exercises that check themselves.

An exercise cell in a chapter holds the student's answer and asks for a verdict:

    from nnlib.exercises import check, given
    X, y = given("xor-network")       # the exercise's inputs, seeded (when it has any)
    answer = ...                      # replace ... with your network's predictions
    check("xor-network", answer)

`check` prints one of three verdicts and never the solution:

- **not attempted**: the placeholder `...` is still there (or a function still says `return ...`);
  the message says what to put in its place;
- **not right yet**: with a hint aimed at the usual mistake (the sign, the transpose, the mean, the
  bias, a shape), showing what was expected against what came where that does not give it away;
- **right**: and what the result means.

The checks live beside this file, one module per chapter, named after the chapter's file
(`single_neuron.py` for `notebooks/01_single_neuron.md`). Each registers its exercises:

    @exercise("chain-rule", placeholder="Replace ... with dL/dw, a float.",
              mistakes=[(-0.42, "sign")])
    def chain_rule(answer):
        got = number(answer)
        if close(got, -TRUE_DW):
            raise Wrong("The sign is flipped: ...")
        if not close(got, TRUE_DW):
            raise Wrong("...")
        return "dL/dw is ...: a step against it lowers the loss."

A check returns the "right" message or raises `Wrong(hint)`; `attempt(f, *args)` calls a function
the student wrote, turning `return ...` into *not attempted* and an exception into a hint. Every
exercise names at least one typical wrong answer with a fragment of the hint it must get
(`mistakes`): tests/test_exercises.py feeds each one in, checks that a blank answer is *not
attempted*, and runs the chapter's solution (the ```python block of the Solution dropdown right
after the exercise cell, which runs where it stands) expecting *right*.

Like nnlib's core, this needs only numpy and the standard library, and `import nnlib` does not
load it.
"""
import importlib
import numbers
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["check", "given", "exercise", "Wrong", "NotAttempted", "attempt", "number", "array", "close",
           "EXERCISES"]

EXERCISES: dict[str, "Exercise"] = {}


class Wrong(Exception):
    """Raised by a check: the answer is not right; the message is the hint."""


class NotAttempted(Exception):
    """Raised when the answer is still the placeholder."""


@dataclass
class Exercise:
    id: str
    judge: Callable[[Any], str]
    placeholder: str                      # what to put in place of `...`
    mistakes: list = field(default_factory=list)  # (typical wrong answer, fragment of its hint)
    inputs: Callable[[], Any] | None = None       # given(id) returns inputs()
    module: str = ""


def exercise(id, *, placeholder, mistakes, given=None):
    """Register the decorated check as exercise `id` (a slug unique in the book)."""
    def register(judge):
        if id in EXERCISES and EXERCISES[id].module != judge.__module__:
            raise ValueError(f"exercise {id!r} is defined twice: in {EXERCISES[id].module} and {judge.__module__}")
        EXERCISES[id] = Exercise(id, judge, placeholder, list(mistakes), given, judge.__module__)
        return judge
    return register


def _load_all():
    """Import every chapter's checks (they register themselves); cheap, and done once."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def _find(id) -> Exercise:
    if id not in EXERCISES:
        _load_all()
    if id not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise KeyError(f"there is no exercise {id!r}; the exercises are: {known}")
    return EXERCISES[id]


def given(id):
    """The inputs of exercise `id`: fresh, seeded copies on every call."""
    ex = _find(id)
    if ex.inputs is None:
        raise KeyError(f"exercise {id!r} has no given inputs")
    return ex.inputs()


def _is_placeholder(answer) -> bool:
    if answer is Ellipsis:
        return True
    if isinstance(answer, (tuple, list)):
        return any(_is_placeholder(a) for a in answer)
    if isinstance(answer, dict):
        return any(_is_placeholder(a) for a in answer.values())
    return False


def verdict(id, answer) -> tuple[str, str]:
    """("right" | "wrong" | "not attempted", message) for `answer` to exercise `id`."""
    ex = _find(id)
    try:
        if _is_placeholder(answer):
            raise NotAttempted
        return "right", f"Exercise {id}: right. {ex.judge(answer)}"
    except NotAttempted:
        return "not attempted", f"Exercise {id}: not attempted yet. {ex.placeholder}"
    except Wrong as hint:
        return "wrong", f"Exercise {id}: not right yet. {hint}"


def check(id, answer):
    """Print the verdict on `answer` to exercise `id` (see the module's docstring)."""
    print(verdict(id, answer)[1])


def attempt(function, *args, **kwargs):
    """Call a function the student wrote: `return ...` means not attempted, an error becomes a hint."""
    try:
        result = function(*args, **kwargs)
    except (NotAttempted, Wrong):
        raise
    except NotImplementedError:
        raise NotAttempted from None
    except Exception as error:
        name = getattr(function, "__qualname__", repr(function))
        raise Wrong(f"Calling {name} raised {type(error).__name__}: {error}") from None
    if _is_placeholder(result):
        raise NotAttempted
    return result


def number(answer, what="the answer") -> float:
    """`answer` as a float, or a hint that a single number was expected."""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"Expected {what} to be one number, got {type(answer).__name__} {answer!r:.60}.")
    return float(answer)


def array(answer, shape, what="the answer") -> np.ndarray:
    """`answer` as a float array of the given shape, or a hint naming both shapes."""
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"Expected {what} to be an array of numbers, got {type(answer).__name__}.") from None
    if got.shape != tuple(shape):
        raise Wrong(f"Expected {what} to have shape {tuple(shape)}, got shape {got.shape}.")
    return got


def close(got, expected, rtol=1e-6, atol=1e-9) -> bool:
    """Whether `got` equals `expected` to rounding (numbers or arrays of the same shape)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol))
