"""Each chapter runs where nnlib is not installed (Colab, a plain Jupyter): its first code cell,
written by tools/first_cell.py, installs nnlib from the repository when `import nnlib` fails and
does nothing where it is installed (so nbval and the book see no change)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import first_cell

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = first_cell.chapters()
# What chapter 2 needs besides nnlib, at the versions requirements.txt pins.
PINS = {line.split("==")[0]: line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")}
FRESH_PACKAGES = [PINS["numpy"], PINS["matplotlib"], PINS["ipykernel"]]


def first_code_cell_md(text: str) -> tuple[list[str], str]:
    lines = text.splitlines(keepends=True)
    start, end = next(first_cell._code_cells(lines))
    options = [l.strip() for l in lines[start + 1:end] if l.startswith(":")]
    return options, first_cell._block_source(lines, start, end).rstrip("\n")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_starts_with_the_current_installer(chapter):
    current = first_cell.installer()
    options, source = first_code_cell_md(chapter.read_text(encoding="utf-8"))
    assert source == current and options == [":tags: [remove-cell]"], (
        f"{chapter.name}: its first code cell is not the current installer: run python tools/first_cell.py")
    nb = nbformat.read(chapter.with_suffix(".ipynb"), as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    assert code.source == current and code.metadata.get("tags") == ["remove-cell"], (
        f"{chapter.with_suffix('.ipynb').name}: its first code cell is not the current installer")
    assert code.outputs == [], f"{chapter.name}: the installer printed something where nnlib is installed"


def test_the_address_lives_in_config_yml_only():
    url, branch = first_cell.repository()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert url == config["repository"]["url"].rstrip("/") and f"git+{url}@{branch}" in first_cell.installer()
    # the README and the set-up page name no address of their own (they point at _config.yml)
    for page in ("README.md", "book/setup.md"):
        assert "github.com/" not in (ROOT / page).read_text(), f"{page} writes the repository's address"


def test_the_tool_is_idempotent_and_replaces_an_old_installer(tmp_path):
    md = tmp_path / "01_demo.md"
    md.write_text("# Demo\n\n````md\n```{code-cell} ipython3\nnot a cell\n```\n````\n\n"
                  "```{code-cell} ipython3\n:tags: [remove-cell]\n\n" + first_cell.MARKER + " (an old one)\nimport nnlib\n```\n\n"
                  "Text.\n\n```{code-cell} ipython3\nx = 1\n```\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Demo"), nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, md.with_suffix(".ipynb"))
    assert first_cell.apply(md, root=ROOT)
    once = md.read_text(), md.with_suffix(".ipynb").read_text()
    assert not first_cell.apply(md, root=ROOT), "a second run changed something"
    assert (md.read_text(), md.with_suffix(".ipynb").read_text()) == once
    assert md.read_text().count(first_cell.MARKER) == 1 and "an old one" not in md.read_text()
    assert "not a cell" in md.read_text() and "x = 1" in md.read_text()
    options, source = first_code_cell_md(md.read_text())
    assert source == first_cell.installer()
    cells = nbformat.read(md.with_suffix(".ipynb"), as_version=4).cells
    assert [c.source for c in cells][1:] == [first_cell.installer(), "x = 1"]


def test_the_installer_does_nothing_where_nnlib_is_installed():
    result = subprocess.run([sys.executable, "-c", first_cell.installer()], capture_output=True, text=True,
                            cwd=ROOT / "notebooks", env={**os.environ, "NNLIB_SOURCE": "/nonexistent"})
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", result


def test_chapter_2_runs_in_a_fresh_environment_without_nnlib(tmp_path):
    """A new virtual environment with only numpy, matplotlib and a kernel (from pip's cache), the
    chapter executed there with its installer pointed at this checkout (NNLIB_SOURCE): it runs
    top to bottom, and nnlib then comes from the fresh environment, not from this repository."""
    from nbclient import NotebookClient

    start = time.monotonic()
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *FRESH_PACKAGES],
                   check=True)
    missing = subprocess.run([str(python), "-c", "import nnlib"], capture_output=True, cwd=tmp_path)
    assert missing.returncode != 0, "the fresh environment already has nnlib"
    # a kernel of the fresh environment, for nbclient (which runs from this one)
    spec = tmp_path / "jupyter" / "kernels" / "fresh"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh", "language": "python"}))
    chapter = ROOT / "notebooks" / "02_neuron_objects.ipynb"
    nb = nbformat.read(chapter, as_version=4)
    if not first_cell.is_installer(next(c for c in nb.cells if c.cell_type == "code").source):
        first_cell.apply_notebook(nb, first_cell.installer())  # until the chapters get it (Apply first cell)
    nb.cells.append(nbformat.v4.new_code_cell("import nnlib; print(nnlib.__file__)"))
    env = {"NNLIB_SOURCE": str(ROOT), "JUPYTER_PATH": str(tmp_path / "jupyter"), "MPLBACKEND": "agg"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        NotebookClient(nb, kernel_name="fresh", timeout=120, resources={"metadata": {"path": str(chapter.parent)}}).execute()
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    installed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert str(venv) in installed, f"nnlib came from {installed!r}, not from the fresh environment"
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "Installing nnlib from" in "".join(o.get("text", "") for o in first.outputs)
    # Measured: about 125 s on a shared 2-core machine with other jobs running, most of it pip
    # installing numpy, matplotlib and ipykernel from its cache and building nnlib from the checkout.
    elapsed = time.monotonic() - start
    assert elapsed < 240, f"the fresh environment took {elapsed:.0f} s"
