"""Make each chapter's first code cell the installer of nnlib (for Colab and plain Jupyter).

    python tools/first_cell.py                 # every notebooks/NN_*.md and its .ipynb
    python tools/first_cell.py notebooks/02_neuron_objects.md

The cell imports nnlib; only where that fails (Colab, a fresh Jupyter without the course's set-up)
does it pip-install nnlib from the repository (`repository.url` and `branch` in _config.yml, the
one place the address lives, which the site's Colab and Binder buttons read too), or from
$NNLIB_SOURCE when set (a local checkout, say). Where nnlib is installed (`make`, nbval, the book
build) it prints nothing, so no stored output changes. It is tagged `remove-cell`: the site hides it.

Idempotent: a chapter whose first code cell is already an installer (any version, recognised by
its first line) gets the current one in its place; otherwise the installer is inserted before
the first code cell. The .md (source of truth) and the paired .ipynb are edited alike, without
executing anything or touching other cells.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Set-up for Colab and plain Jupyter"  # the installer's first line, in every version
TAGS = ["remove-cell"]
CELL_ID = "nnlib-set-up"


def repository(root: Path = ROOT) -> tuple[str, str]:
    """The repository's address and branch, from _config.yml."""
    repo = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def pip_source(root: Path = ROOT) -> str:
    url, branch = repository(root)
    return f"git+{url}@{branch}"


def installer(root: Path = ROOT) -> str:
    """The source of the current installer cell."""
    return f'''{MARKER} (written by tools/first_cell.py; the site hides it).
# Where nnlib is missing (Colab, a fresh Jupyter), install it from the course's repository;
# where it is installed, do nothing. NNLIB_SOURCE may name another source for pip.
try:
    import nnlib
except ModuleNotFoundError:
    import importlib, os, subprocess, sys
    source = os.environ.get("NNLIB_SOURCE", "{pip_source(root)}")
    print(f"Installing nnlib from {{source}}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()
    import nnlib'''


def is_installer(source: str) -> bool:
    return source.lstrip().startswith(MARKER)


# ----------------------------------------------------------------------------- the .md
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")


def _code_cells(lines: list[str]):
    """(start, end) line indices of each top-level ```{code-cell} block (end: its closing fence)."""
    fence, start = None, None
    for i, line in enumerate(lines):
        match = _FENCE.match(line.rstrip("\n"))
        if fence is None:
            if match:
                fence, start = match.group(1), i
                is_code = match.group(2).strip().startswith("{code-cell}")
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not match.group(2).strip():
            if is_code:
                yield start, i
            fence = None


def _block_source(lines: list[str], start: int, end: int) -> str:
    body = lines[start + 1:end]
    while body and body[0].startswith(":"):  # cell options
        body = body[1:]
    if body and not body[0].strip():
        body = body[1:]
    return "".join(body)


def apply_md(text: str, cell: str) -> str:
    lines = text.splitlines(keepends=True)
    block = ["```{code-cell} ipython3\n", f":tags: [{', '.join(TAGS)}]\n", "\n", *(cell + "\n").splitlines(keepends=True), "```\n"]
    cells = list(_code_cells(lines))
    if not cells:
        return text.rstrip("\n") + "\n\n" + "".join(block)
    start, end = cells[0]
    if is_installer(_block_source(lines, start, end)):
        return "".join(lines[:start] + block + lines[end + 1:])
    return "".join(lines[:start] + block + ["\n"] + lines[start:])


# ----------------------------------------------------------------------------- the .ipynb
def apply_notebook(nb, cell: str):
    new = nbformat.v4.new_code_cell(cell, metadata={"tags": list(TAGS)})
    new["id"] = CELL_ID
    # stored as executed with no output: what running it prints where nnlib is installed (the
    # contract test wants every code cell executed)
    new["execution_count"] = 1
    codes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if codes and is_installer(nb.cells[codes[0]].source):
        nb.cells[codes[0]] = new
    else:
        nb.cells.insert(codes[0] if codes else len(nb.cells), new)
    return nb


def apply(chapter: Path, root: Path = ROOT) -> bool:
    """Give one chapter (its .md and, when there, its .ipynb) the current installer; True if changed."""
    cell = installer(root)
    changed = False
    md = chapter.with_suffix(".md")
    if md.exists():
        text = md.read_text(encoding="utf-8")
        new = apply_md(text, cell)
        if new != text:
            md.write_text(new, encoding="utf-8")
            changed = True
    ipynb = chapter.with_suffix(".ipynb")
    if ipynb.exists():
        before = ipynb.read_text(encoding="utf-8")
        nb = apply_notebook(nbformat.reads(before, as_version=4), cell)
        after = nbformat.writes(nb) + "\n"
        if after != before:
            ipynb.write_text(after, encoding="utf-8")
            changed = True
    return changed


def chapters(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.md"))


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or chapters()
    for path in paths:
        print(f"{path}: {'installer cell written' if apply(path) else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
