"""The exercises that check themselves (nnlib/exercises/).

For every registered exercise: a blank answer is *not attempted*, and each typical wrong answer it
names gets its intended hint. For every exercise cell in a chapter: the cell as stored (the
student's view) says *not attempted*, and the chapter's solution (the ```python block in the
dropdown right after it) runs where it stands and is *right*. So an exercise without a check, a
check without a mistake, or a cell without a working solution fails the suite.
"""
import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

from nnlib import exercises
from nnlib.exercises import Wrong, attempt, check, close, exercise, verdict

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([a-z0-9-]+)["']""")
PYTHON_BLOCK = re.compile(r"^(`{3,})python\n(.*?)^\1\s*$", re.S | re.M)
MIN_PER_CHAPTER = 4

exercises._load_all()


def chapter_exercises():
    """(chapter, id, exercise cell source, solution source or None, stored outputs) in book order."""
    import jupytext

    found = []
    for md in CHAPTERS:
        cells = jupytext.read(md)["cells"]
        stored = json.loads(md.with_suffix(".ipynb").read_text())["cells"]
        stored_by_source = {"".join(c["source"]).strip(): c for c in stored if c["cell_type"] == "code"}
        for i, cell in enumerate(cells):
            ids = CHECK_CALL.findall(cell.source) if cell.cell_type == "code" else []
            if not ids:
                continue
            solution = None
            for later in cells[i + 1:]:
                if later.cell_type == "code":
                    break
                blocks = PYTHON_BLOCK.findall(later.source)
                if blocks:
                    solution = blocks[0][1]
                    break
            outputs = stored_by_source.get(cell.source.strip(), {}).get("outputs")
            for id in ids:
                found.append((md.stem, id, cell.source, solution, outputs))
    return found


FOUND = chapter_exercises()


def run(code):
    """Execute code as a fresh notebook cell would (in notebooks/, a new namespace); return its stdout."""
    out = io.StringIO()
    here = os.getcwd()
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        os.chdir(NOTEBOOKS)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<exercise>", "exec"), {"__name__": "__main__"})
    finally:
        os.chdir(here)
    return out.getvalue()


# --- the checker itself, on an exercise made up for the test -------------------------------------

@pytest.fixture
def square():
    @exercise("test-square", placeholder="Replace ... with a function of x.", mistakes=[(lambda x: 2 * x, "doubles")],
              given=lambda: 3.0)
    def judge(f):
        got = attempt(f, 3.0)
        if close(got, 6.0):
            raise Wrong("Your function doubles x instead of squaring it.")
        if not close(got, 9.0):
            raise Wrong(f"f(3) should be 9, got {got}.")
        return "x squared."
    yield "test-square"
    del exercises.EXERCISES["test-square"]


def test_three_verdicts(square):
    assert verdict(square, ...) == ("not attempted", "Exercise test-square: not attempted yet. Replace ... with a function of x.")
    assert verdict(square, lambda x: ...)[0] == "not attempted"
    assert verdict(square, lambda x: 2 * x) == ("wrong", "Exercise test-square: not right yet. Your function doubles x instead of squaring it.")
    assert verdict(square, lambda x: x ** 2) == ("right", "Exercise test-square: right. x squared.")
    assert exercises.given(square) == 3.0


def test_a_failing_student_function_becomes_a_hint(square):
    def broken(x):
        raise IndexError("tuple index out of range")
    kind, message = verdict(square, broken)
    assert kind == "wrong" and "broken raised IndexError: tuple index out of range" in message


def test_an_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="there is no exercise 'no-such-thing'"):
        check("no-such-thing", 1)


def test_check_prints_and_never_returns_the_solution(square, capsys):
    assert check(square, lambda x: x + 1) is None
    assert capsys.readouterr().out == "Exercise test-square: not right yet. f(3) should be 9, got 4.0.\n"


# --- every registered exercise --------------------------------------------------------------------

@pytest.mark.parametrize("id", sorted(exercises.EXERCISES))
def test_a_blank_answer_is_not_attempted(id):
    assert verdict(id, ...)[0] == "not attempted"


@pytest.mark.parametrize("id", sorted(exercises.EXERCISES))
def test_each_typical_mistake_gets_its_hint(id):
    mistakes = exercises.EXERCISES[id].mistakes
    assert mistakes, f"exercise {id} names no typical wrong answer (mistakes=[(answer, hint fragment)])"
    for answer, fragment in mistakes:
        kind, message = verdict(id, answer)
        assert kind == "wrong", f"exercise {id}: the mistake meant to get {fragment!r} was judged {kind}: {message}"
        assert fragment in message, f"exercise {id}: expected a hint containing {fragment!r}, got: {message}"


@pytest.mark.parametrize("id", sorted(exercises.EXERCISES))
def test_each_exercise_is_in_a_chapter(id):
    ex = exercises.EXERCISES[id]
    where = [stem for stem, found, *_ in FOUND if found == id]
    assert len(where) == 1, f"exercise {id} should have one exercise cell in a chapter, found it in {where}"
    assert ex.module.rsplit(".", 1)[1] == where[0][3:], f"exercise {id}'s checks belong in nnlib/exercises/{where[0][3:]}.py"


# --- every exercise cell of the chapters ------------------------------------------------------------

@pytest.mark.parametrize("stem, id, cell, solution, outputs", FOUND, ids=[f"{s}:{i}" for s, i, *_ in FOUND])
def test_exercise_cell_is_the_students_view(stem, id, cell, solution, outputs):
    assert id in exercises.EXERCISES, f"{stem}: the exercise cell checks {id!r}, which nnlib.exercises does not define"
    assert f"Exercise {id}: not attempted yet." in run(cell)
    stored = "".join("".join(o.get("text", "")) for o in outputs or [])
    assert f"Exercise {id}: not attempted yet." in stored, f"{stem}: the stored output of {id}'s cell is not the not-attempted message"


@pytest.mark.parametrize("stem, id, cell, solution, outputs", FOUND, ids=[f"{s}:{i}" for s, i, *_ in FOUND])
def test_solution_runs_where_it_stands_and_is_right(stem, id, cell, solution, outputs):
    assert solution, f"{stem}: exercise {id} needs a ```python solution block in the dropdown right after its cell"
    printed = run(solution)
    assert f"Exercise {id}: right." in printed, f"{stem}: the solution of {id} printed:\n{printed}"
