"""Measured cells for nbval: numbers from training or a clock are checked by value, not by text.

nbval compares every text output of a notebook exactly, which is right for what is
deterministic (shapes, counts, float64 arithmetic, gradient-check verdicts, error messages)
and wrong for numbers that depend on the processor: float32 training and a framework's
kernels round differently on different CPUs, so another machine prints 97.43 % where the
stored output says 97.40 %. A cell whose numbers come from such a computation is a
*measured* cell, and says so in its metadata, with the band its numbers may move by:

    ```{code-cell} ipython3
    :measured: 0.3

    print(f"test accuracy {acc:.2%}")
    ```

Its outputs are then compared in two parts:

- the text with the numbers taken out must be the same, word for word (and the same kinds
  of output, as nbval requires of every cell);
- every number must lie within the band of the stored one. `0.3` is absolute, in the units
  printed (percentage points for "98.12%"); `5%` is relative (5 % of the stored value).
  `x3` is a factor (from a third to three times the stored value), for what a clock
  measures. A cell that prints numbers of different kinds gives a band per label,
  `:measured: {loss: 5%, accuracy: 0.5}`: each number takes the band of the label nearest
  to it on its line (`*` for the numbers of lines with no label). A number with no band
  must be exactly the stored one.

The chapter's claims (98 % test accuracy, say) are separate: the notebook asserts them, so a
broken training fails wherever it runs. At the end of the run a table lists every measured
number that moved, by how much, and its band.

The repository's `conftest.py` loads this plugin, so plain `pytest --nbval notebooks/` uses
it, and the sanitize file `tests/nbval_sanitize.cfg` (timings, addresses, progress bars)
unless `--nbval-sanitize-with` names another.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"
KEY = "measured"  # the cell metadata key

# A number as printed: 98, -0.5, 1.2e-07, .5 (not the 1 of "W1" or the 2 of "x2").
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class Number:
    line: int  # 0-based line of the text
    start: int  # position in that line
    text: str

    @property
    def value(self) -> float:
        return float(self.text)


@dataclass
class Moved:
    """A measured number that differs from the stored one (within its band or not)."""
    stored: str
    got: str
    band: tuple[float, float, str] | None  # (lowest, highest, how the band was given); None: exact
    context: str  # the stored line

    @property
    def ok(self) -> bool:
        if self.band is None:
            return False
        low, high, _ = self.band
        slack = 1e-9 * max(1.0, abs(float(self.stored)))  # the band's edge itself is inside
        return low - slack <= float(self.got) <= high + slack

    def __str__(self):
        band = "no band: must be exact" if self.band is None else f"band {self.band[2]}"
        return f"{self.stored} -> {self.got} ({band}) in {self.context.strip()!r}"


def numbers(text: str) -> list[Number]:
    return [Number(i, m.start(), m.group()) for i, line in enumerate(text.split("\n"))
            for m in _NUMBER.finditer(line)]


def skeleton(text: str) -> str:
    """The text with every number (and the spaces padding it) replaced by '#'."""
    return "\n".join(re.sub(r"[ \t]*" + _NUMBER.pattern, "#", line) for line in text.split("\n"))


def parse_band(spec, where=""):
    """One band: a number >= 0 (absolute), 'P%' (relative) or 'xF' (within a factor F, for timings)."""
    message = (f"{where}measured band must be a number >= 0, a percentage like '5%' or a factor like 'x3', "
               f"got {spec!r}")
    if isinstance(spec, bool) or spec is None:
        raise ValueError(message)
    if isinstance(spec, (int, float)):
        if not (math.isfinite(spec) and spec >= 0):
            raise ValueError(message)
        return ("abs", float(spec))
    text = spec.strip() if isinstance(spec, str) else ""
    if re.fullmatch(r"\d+(\.\d*)?\s*%", text):
        return ("rel", float(text.rstrip("%")) / 100)
    if re.fullmatch(r"[x×]\s*\d+(\.\d*)?", text) and float(text[1:]) >= 1:
        return ("factor", float(text[1:]))
    raise ValueError(message)


def parse_spec(spec, where="") -> dict:
    """The cell's `measured` metadata as {label: band}; '*' is the band of unlabelled numbers."""
    if isinstance(spec, dict):
        if not spec:
            raise ValueError(f"{where}measured needs at least one band, got an empty mapping")
        return {str(label): parse_band(band, where) for label, band in spec.items()}
    return {"*": parse_band(spec, where)}


def _interval(band, stored: float) -> tuple[float, float, str]:
    kind, size = band
    if kind == "abs":
        return stored - size, stored + size, f"{size:g}"
    if kind == "rel":
        return stored - size * abs(stored), stored + size * abs(stored), f"{100 * size:g}%"
    low, high = sorted((stored / size, stored * size))
    return low, high, f"x{size:g}"


def band_of(number: Number, line: str, spec: dict):
    """The band of one stored number: its nearest label's on the line, else '*' (None: exact)."""
    best, distance = spec.get("*"), math.inf
    for label, band in spec.items():
        if label == "*":
            continue
        for m in re.finditer(re.escape(label), line):
            gap = number.start - m.end() if m.end() <= number.start else m.start() - (number.start + len(number.text))
            if 0 <= gap < distance:
                best, distance = band, gap
    return None if best is None else _interval(best, number.value)


def compare_text(stored: str, got: str, spec: dict) -> tuple[list[str], list[Moved]]:
    """Compare one measured output with its stored version: (problems, numbers that moved)."""
    if skeleton(stored) != skeleton(got):
        stored_lines, got_lines = skeleton(stored).split("\n"), skeleton(got).split("\n")
        for i in range(max(len(stored_lines), len(got_lines))):
            a = stored_lines[i] if i < len(stored_lines) else "<no line>"
            b = got_lines[i] if i < len(got_lines) else "<no line>"
            if a != b:
                return [f"the text around the numbers differs (numbers shown as #), line {i + 1}:\n"
                        f"  stored: {a}\n  got:    {b}"], []
    old_numbers, new_numbers = numbers(stored), numbers(got)
    if len(old_numbers) != len(new_numbers):
        return [f"{len(old_numbers)} numbers stored, {len(new_numbers)} now"], []
    lines = stored.split("\n")
    moved = []
    for old, new in zip(old_numbers, new_numbers):
        if old.text != new.text:
            moved.append(Moved(old.text, new.text, band_of(old, lines[old.line], spec), lines[old.line]))
    problems = [f"measured number out of its band: {m}" for m in moved if not m.ok]
    return problems, moved


# ---------------------------------------------------------------------------------- the nbval hook
_report: dict[str, list[Moved]] = {}  # cell id -> numbers that moved
_counts = defaultdict(int)


def _flatten(cell, outputs):
    """nbval's view of outputs: {key: [sanitized values]}, for the keys nbval compares."""
    skip = cell.parent.skip_compare
    flat = defaultdict(list)
    for output in outputs:
        for key, value in output.items():
            if key in skip:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in skip:
                        flat[mime].append(cell.sanitize(data))
            else:
                flat[key].append(cell.sanitize(value))
    return flat


def _compare_measured(cell, test, ref, spec):
    from nbval.plugin import transform_streams_for_comparison

    where = f"{cell.parent.name} cell {cell.cell_num}: "
    spec = parse_spec(spec, where)
    got = _flatten(cell, transform_streams_for_comparison(test))
    stored = _flatten(cell, transform_streams_for_comparison(ref))
    cell.comparison_traceback = []
    if set(got) != set(stored):
        cell.comparison_traceback.append(f"measured cell: output kinds differ: stored {sorted(stored)}, "
                                         f"got {sorted(got)}")
        return False
    problems, moved = [], []
    for key in stored:
        if len(got[key]) != len(stored[key]):
            problems.append(f"{key}: {len(stored[key])} stored outputs, {len(got[key])} now")
            continue
        for old, new in zip(stored[key], got[key]):
            if isinstance(old, str) and isinstance(new, str):
                p, m = compare_text(old, new, spec)
                problems += [f"{key}: {text}" for text in p]
                moved += m
            elif old != new:
                problems.append(f"{key}: stored {old!r}, got {new!r}")
    count = sum(len(numbers(v)) for values in stored.values() for v in values if isinstance(v, str))
    if count == 0:
        problems.append("its stored output holds no number to check: print the measured value, "
                        "or drop the `measured` metadata so the output is compared exactly")
    _report[f"{cell.parent.name}::Cell {cell.cell_num}"] = moved
    _counts["numbers"] += count
    if problems:
        cell.comparison_traceback += ["measured cell (numbers checked by value, see tools/nbval_measured.py):",
                                      *problems]
        return False
    return True


def _install():
    from nbval.plugin import IPyNbCell

    if getattr(IPyNbCell.compare_outputs, "measured", False):
        return
    exact = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        spec = self.cell.metadata.get(KEY)
        if spec is None:
            return exact(self, test, ref, skip_compare)
        return _compare_measured(self, test, ref, spec)

    compare_outputs.measured = True
    IPyNbCell.compare_outputs = compare_outputs


def pytest_configure(config):
    if not getattr(config.option, "nbval", False):
        return
    _install()
    if config.option.nbval_sanitize_with is None and SANITIZE_FILE.is_file():
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _report:
        return
    write = terminalreporter.write_line
    terminalreporter.section("measured cells (numbers checked by value)")
    moved = [(cell, m) for cell, ms in _report.items() for m in ms]
    for cell, m in moved:
        write(f"{'ok ' if m.ok else 'OUT'} {cell}: {m}")
    out = sum(not m.ok for _, m in moved)
    write(f"{len(_report)} measured cells, {_counts['numbers']} numbers: {len(moved)} moved, "
          + ("all within their bands" if not out else f"{out} out of their bands"))
