"""The notebook/library contract: nnlib is exactly the code the chapters mark with #@save."""
import ast
import sys
from pathlib import Path

import jupytext
import pytest

from tools import export  # the repository's root is on the path (conftest.py lives there)

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = export.chapters()


def test_generated_modules_match_the_chapters():
    problems = export.stale_files()
    assert not problems, "\n".join(problems) + "\nRun `make export` after editing a chapter."


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks/NN_*.md chapter found"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_ipynb_is_in_step_with_its_markdown(chapter):
    """nbval runs the .ipynb: its code must be the code of the .md source of truth."""
    ipynb = chapter.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make notebooks`"
    source = [(c.cell_type, c.source.strip()) for c in jupytext.read(chapter).cells]
    paired = [(c.cell_type, c.source.strip()) for c in jupytext.read(ipynb).cells]
    assert source == paired, f"{ipynb.name} differs from {chapter.name}: run `make notebooks`"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_stored_outputs_exist(chapter):
    """Every code cell of the .ipynb has been executed (its stored outputs are real)."""
    nb = jupytext.read(chapter.with_suffix(".ipynb"))
    unexecuted = [c.source[:60] for c in nb.cells if c.cell_type == "code" and c.source.strip()
                  and c.get("execution_count") is None]
    assert not unexecuted, f"cells never executed in {chapter.name}: {unexecuted[:3]}"


def _fake_project(tmp_path, monkeypatch, code, *more):
    """A repository with one chapter: a first #@save neuron cell (a docstring, then `code`), then `more` cells."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "nnlib").mkdir()
    md = tmp_path / "notebooks" / "01_demo.md"
    cells = ['"""A demo module."""\n' + code, *more]
    md.write_text("# Demo\n\n" + "".join(f"```{{code-cell}} ipython3\n#@save neuron\n{c}\n```\n\n" for c in cells))
    monkeypatch.setattr(export, "ROOT", tmp_path)
    monkeypatch.setattr(export, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(export, "PACKAGE", tmp_path / "nnlib")
    monkeypatch.setattr(export, "HANDWRITTEN", {})
    return md


def test_check_fails_when_a_module_is_edited_by_hand(tmp_path, monkeypatch):
    _fake_project(tmp_path, monkeypatch, "def double(x):\n    return 2 * x")
    for path, text in export.build().items():
        path.write_text(text)
    assert export.stale_files() == []
    module = tmp_path / "nnlib" / "neuron.py"
    assert "def double(x)" in module.read_text()
    assert "from .neuron import double" in (tmp_path / "nnlib" / "__init__.py").read_text()
    module.write_text(module.read_text().replace("2 * x", "3 * x"))
    assert any("neuron.py differs" in p for p in export.stale_files())


def test_check_fails_when_a_chapter_changes(tmp_path, monkeypatch):
    md = _fake_project(tmp_path, monkeypatch, "def double(x):\n    return 2 * x")
    for path, text in export.build().items():
        path.write_text(text)
    md.write_text(md.read_text().replace("2 * x", "x + x"))
    assert any("neuron.py differs" in p for p in export.stale_files())


def test_a_generated_module_no_chapter_writes_any_more_is_reported_and_removed(tmp_path, monkeypatch):
    _fake_project(tmp_path, monkeypatch, "def double(x):\n    return 2 * x")
    for path, text in export.build().items():
        path.write_text(text)
    orphan = tmp_path / "nnlib" / "retired.py"  # its chapter cell was deleted or renamed
    orphan.write_text(f'"""An old module."""\n{export.GENERATED}\n\nx = 1\n')
    handwritten = tmp_path / "nnlib" / "mnist.py"  # no marker: written by hand, never touched
    handwritten.write_text("def load_mnist():\n    pass\n")
    monkeypatch.setattr(export, "HANDWRITTEN", {"mnist": []})
    assert export.stale_files() == ["nnlib/retired.py is generated but no chapter writes it any more"]
    monkeypatch.setattr(sys, "argv", ["export.py", "--check"])
    assert export.main() == 1 and orphan.exists()  # --check only reports
    monkeypatch.setattr(sys, "argv", ["export.py"])
    assert export.main() == 0
    assert not orphan.exists() and handwritten.exists()
    assert export.stale_files() == []


def test_docstring_and_imports_are_gathered_at_the_top_once_each(tmp_path, monkeypatch):
    _fake_project(tmp_path, monkeypatch, "import numpy as np\nimport math\n\n\ndef double(x):\n    return 2 * x",
                  '"""Triples too."""\nimport numpy as np\nfrom nnlib.neuron import double\n'
                  "from nnlib.data import one_hot\n\n\ndef triple(x):\n    return 3 * np.asarray(x)")
    text = export.build()[tmp_path / "nnlib" / "neuron.py"]
    tree = ast.parse(text)
    assert ast.get_docstring(tree) == "A demo module.\n\nTriples too."
    imports = [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert imports == ["import math", "import numpy as np", "from nnlib.data import one_hot"]  # sorted, once each
    first_def = next(i for i, node in enumerate(tree.body) if isinstance(node, ast.FunctionDef))
    assert all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body[1:first_def])  # all at the top
    assert "from nnlib.neuron import" not in text  # the module's own names need no import


@pytest.mark.parametrize("code, old, new, message", [
    ("x = 1", "#@save neuron", "#@save nonsense", "names no known module"),
    ("x = 1", '"""A demo module."""\n', "", "must open with the module's docstring"),
    ("from nnlib.layers import _check_finite\n\nx = 1", "", "", "imports a private name across modules"),
], ids=["unknown-module", "no-docstring", "private-import"])
def test_what_the_contract_refuses(tmp_path, monkeypatch, code, old, new, message):
    md = _fake_project(tmp_path, monkeypatch, code)
    if old:
        md.write_text(md.read_text().replace(old, new))
    with pytest.raises(SystemExit, match=message):
        export.build()


def test_no_generated_module_imports_a_private_name():
    for path, text in export.build().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nnlib"):
                assert not [a.name for a in node.names if a.name.startswith("_")], f"{path.name}: {ast.unparse(node)}"


def test_a_hand_written_module_must_be_listed(tmp_path, monkeypatch):
    _fake_project(tmp_path, monkeypatch, "def double(x):\n    return 2 * x")
    for path, text in export.build().items():
        path.write_text(text)
    (tmp_path / "nnlib" / "extra.py").write_text("x = 1\n")
    assert export.stale_files() == ["nnlib/extra.py is written by hand but not listed in HANDWRITTEN (tools/export.py)"]
    monkeypatch.setattr(export, "HANDWRITTEN", {"extra": [], "gone": []})
    assert export.stale_files() == ["nnlib/gone.py is listed in HANDWRITTEN (tools/export.py) but does not exist"]
