"""The notebook/library contract: nnlib is exactly the code the chapters mark with #@save."""
import importlib.util
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("export", ROOT / "tools" / "export.py")
export = importlib.util.module_from_spec(spec)
sys.modules["export"] = export
spec.loader.exec_module(export)

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


def _fake_project(tmp_path, monkeypatch, code):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "nnlib").mkdir()
    md = tmp_path / "notebooks" / "01_demo.md"
    md.write_text("# Demo\n\n```{code-cell} ipython3\n#@save neuron\n" + code + "\n```\n")
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


def test_unknown_module_is_refused(tmp_path, monkeypatch):
    md = _fake_project(tmp_path, monkeypatch, "x = 1")
    md.write_text(md.read_text().replace("#@save neuron", "#@save nonsense"))
    with pytest.raises(SystemExit, match="names no known module"):
        export.build()


def test_a_generated_module_no_chapter_writes_any_more_is_reported_and_removed(tmp_path, monkeypatch):
    _fake_project(tmp_path, monkeypatch, "def double(x):\n    return 2 * x")
    for path, text in export.build().items():
        path.write_text(text)
    orphan = tmp_path / "nnlib" / "retired.py"  # its chapter cell was deleted or renamed
    orphan.write_text(f'"""An old module."""\n{export.GENERATED}\n\nx = 1\n')
    handwritten = tmp_path / "nnlib" / "mnist.py"  # no marker: written by hand, never touched
    handwritten.write_text("def load_mnist():\n    pass\n")
    assert export.stale_files() == ["nnlib/retired.py is generated but no chapter writes it any more"]
    monkeypatch.setattr(sys, "argv", ["export.py", "--check"])
    assert export.main() == 1 and orphan.exists()  # --check only reports
    monkeypatch.setattr(sys, "argv", ["export.py"])
    assert export.main() == 0
    assert not orphan.exists() and handwritten.exists()
    assert export.stale_files() == []
