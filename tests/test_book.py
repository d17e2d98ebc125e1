"""The site's build helpers (book/_ext/nnbook.py) and its table of contents."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from book._ext import nnbook  # the repository's root is on the path (conftest.py lives there)
from tools import export
from tools.pdf import toc_pages

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    """Every page of _toc.yml in reading order, without a suffix (tools/pdf.py walks the toc)."""
    return [page.removesuffix(".html") for page in toc_pages()]


def test_toc_lists_every_chapter_in_order():
    listed = [f for f in toc_files() if f.startswith("notebooks/")]
    chapters = sorted(f"notebooks/{p.stem}" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [c for c in chapters if c not in listed]
    assert not missing, f"add these chapters to _toc.yml under 'Chapters': {missing}"
    assert listed == sorted(listed), f"_toc.yml lists the chapters out of order: {listed}"


def test_toc_files_exist():
    for name in toc_files():
        suffixes = [".ipynb"] if name.startswith("notebooks/") else [".md", ".ipynb"]
        assert any((ROOT / (name + s)).exists() for s in suffixes), f"_toc.yml lists {name}, which does not exist"


def test_every_chapter_has_an_nnlib_page():
    pages = {p.stem for p in (ROOT / "book" / "nnlib").glob("0*.md")}
    for chapter in (ROOT / "notebooks").glob("[0-9][0-9]_*.md"):
        assert chapter.stem in pages, f"book/nnlib/{chapter.stem}.md is missing"
        assert f"notebooks/{chapter.name}" in (ROOT / "book" / "nnlib" / f"{chapter.stem}.md").read_text()


CELL = '''
import numpy as np

RATE = 0.5
_hidden = 1


def weighted_sum(x, w, b: float = 0.0) -> float:
    """The weighted sum `w . x + b`.

    More text here.

        >>> weighted_sum([1], [2])
    """
    return float(np.dot(w, x) + b)


def _helper():
    pass


class Neuron:
    """One neuron."""

    def __init__(self, n_inputs, *, rng=None, w=None, b=0.0):
        self.n = n_inputs

    def forward(self, x):
        """Weighted sum of x."""
        return x

    @property
    def size(self):
        return self.n

    def _private(self):
        pass
'''


def test_api_of_lists_public_names_with_signatures_and_docstrings():
    entries = nnbook.api_of(CELL)
    assert [(e.kind, e.name) for e in entries] == [("data", "RATE"), ("function", "weighted_sum"), ("class", "Neuron")]
    func = entries[1]
    assert func.signature == "(x, w, b: float=0.0) -> float"
    assert func.doc.startswith("The weighted sum")
    cls = entries[2]
    assert cls.signature == "(n_inputs, *, rng=None, w=None, b=0.0)"
    assert [(m.kind, m.name, m.signature) for m in cls.members] == [("method", "forward", "(x)"), ("property", "size", "")]
    assert cls.members[0].doc == "Weighted sum of x."


def test_docstring_nodes_keep_examples_literal_and_mark_code():
    from docutils import nodes

    out = nnbook._docstring_nodes(nnbook.api_of(CELL)[1].doc)
    assert [type(n) for n in out] == [nodes.paragraph, nodes.paragraph, nodes.literal_block]
    assert out[0].next_node(nodes.literal).astext() == "w . x + b"
    assert ">>> weighted_sum" in out[2].astext()


def test_chapter_api_reads_the_save_cells(tmp_path):
    chapter = tmp_path / "01_demo.md"
    chapter.write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "    format_version: 0.13\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
        "---\n# Demo\n\n"
        "```{code-cell} ipython3\n#@save neuron\ndef relu(z):\n    \"\"\"max(0, z).\"\"\"\n    return z\n```\n\n"
        "```{code-cell} ipython3\nprint('not saved')\n```\n\n"
        "```{code-cell} ipython3\n#@save neuron\ndef step(z):\n    return z\n```\n"
    )
    [(module, entries, code)] = nnbook.chapter_api(chapter)
    assert module == "neuron"
    assert [e.name for e in entries] == ["relu", "step"]
    assert "not saved" not in code and "def step" in code


def test_external_loads_finds_only_what_a_page_loads_from_elsewhere():
    html = (
        '<script src="https://cdn.example.org/x.js"></script><script src="_static/y.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/a.css"><link rel="canonical" href="https://a.org/">'
        '<a href="https://mybinder.org/v2">launch</a><img src="data:image/png;base64,AAAA">'
    )
    assert nnbook.external_loads(html) == ["https://cdn.example.org/x.js", "//fonts.example.org/a.css"]


def test_stage_assets_copies_only_what_the_site_serves(tmp_path):
    with pytest.raises(RuntimeError, match="npm ci"):
        nnbook.stage_assets(root=tmp_path, dest=tmp_path / "out")
    for name, (pkg, patterns) in nnbook.VENDOR.items():
        base = tmp_path / "node_modules" / pkg
        for pattern in patterns:
            file = base / pattern.replace("**/", "sub/").replace("*", "f")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text("x")
        (base / "unused.map").write_text("x")
    out = nnbook.stage_assets(root=tmp_path, dest=tmp_path / "out")
    assert (out / nnbook.MATHJAX_PATH).exists()
    for path in nnbook.WIDGETS_JS:
        assert (out / path).exists(), path
    assert not list(out.rglob("unused.map"))


def test_package_json_pins_exact_versions_that_the_lock_file_holds():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in {**package["dependencies"], **package.get("devDependencies", {})}.items():
        assert version[0].isdigit(), f"package.json: pin {name} to an exact version, not {version!r}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_import_line_uses_the_package_root_for_core_modules_and_wraps():
    assert nnbook.import_line("neuron", ["relu", "step"]) == "from nnlib import relu, step"
    assert nnbook.import_line("plotting", ["plot_loss"]) == "from nnlib.plotting import plot_loss"
    long = nnbook.import_line("layers", [f"name_{i}" for i in range(20)])
    assert long.startswith("from nnlib import (\n") and long.endswith("\n)")
    assert all(len(line) <= 79 for line in long.splitlines())
    assert "name_19," in long


MODULE = '''"""A hand-written module."""
import os

__all__ = ["load", "Thing"]

CONSTANT = 3


def load(path, *, fast=False):
    """Load `path`."""


def helper():
    """Public, but not in __all__."""


class Thing:
    def __init__(self, n):
        self.n = n
'''


def test_public_api_lists_the_names_in___all___in_source_order():
    assert [(e.kind, e.name) for e in nnbook.public_api(MODULE)] == [("function", "load"), ("class", "Thing")]
    assert nnbook.public_api(MODULE)[0].signature == "(path, *, fast=False)"
    without = MODULE.replace('__all__ = ["load", "Thing"]\n', "")
    assert [e.name for e in nnbook.public_api(without)] == ["CONSTANT", "load", "helper", "Thing"]


def test_the_hand_written_modules_page_renders_every_hand_written_module():
    modules = nnbook.handwritten_modules()
    assert modules == sorted(export.HANDWRITTEN), "nnbook must take the list of hand-written modules from tools/export.py"
    assert {"checks", "mnist", "keras_compare", "widgets"} <= set(modules)
    assert not {"layers", "training", "__init__"} & set(modules)  # generated by tools/export.py
    page = (ROOT / "book" / "nnlib" / "handwritten.md").read_text()
    rendered = re.findall(r"^```\{nnlib-module\} nnlib/(\w+)\.py$", page, re.M)
    assert sorted(rendered) == modules, "book/nnlib/handwritten.md: one {nnlib-module} directive per hand-written module"
    assert "book/nnlib/handwritten" in toc_files()


@pytest.mark.parametrize("module, names", [
    ("checks", ["whole_number", "number", "batch", "labels", "same_shape"]),
    ("mnist", ["read_idx", "mnist_files", "load_mnist"]),
    ("keras_compare", ["keras_twin", "train_keras", "train_nnlib"]),
    ("widgets", ["LiveExplorer", "static_explorer"]),
])
def test_hand_written_modules_document_their_main_names(module, names):
    entries = {e.name: e for e in nnbook.public_api((ROOT / "nnlib" / f"{module}.py").read_text())}
    for name in names:
        assert name in entries, f"nnlib/{module}.py: {name} is missing from __all__, so its page leaves it out"
        assert entries[name].doc, f"nnlib/{module}.py: {name} has no docstring to show"


def test_docstring_nodes_keep_option_tables_and_lists_in_lines():
    from docutils import nodes

    doc = ("Options:\n\nflatten     rows of 784 pixels\nvalidation  hold out the LAST images;\n"
           "            0 gives None\n\nWhere it looks:\n\n1. the `path=` argument;\n2. the directory\n   named by NNLIB_DATA;")
    out = nnbook._docstring_nodes(doc)
    assert [type(n) for n in out] == [nodes.paragraph, nodes.literal_block, nodes.paragraph, nodes.line_block]
    assert out[1].astext().splitlines()[2] == "            0 gives None"  # the columns stay aligned
    assert [line.astext() for line in out[3].children] == ["1. the path= argument;", "2. the directory named by NNLIB_DATA;"]
    assert out[3].next_node(nodes.literal).astext() == "path="


def test_stage_assets_publishes_the_playground_files(tmp_path):
    for name, (pkg, patterns) in nnbook.VENDOR.items():  # a fake node_modules, as above
        for pattern in patterns:
            file = tmp_path / "node_modules" / pkg / pattern.replace("**/", "sub/").replace("*", "f")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text("x")
    out = nnbook.stage_assets(root=tmp_path, dest=tmp_path / "out")
    for path in nnbook.PLAYGROUND_FILES["js"] + nnbook.PLAYGROUND_FILES["css"]:
        assert (out / path).read_bytes() == (nnbook.PLAYGROUND.parent / path).read_bytes(), path


@pytest.mark.skipif(not (ROOT / "node_modules" / "mathjax").is_dir(), reason="needs `npm ci` (the site's scripts)")
def test_the_playground_links_its_files_only_where_it_is_used(tmp_path):
    import io

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
                                 "extensions = ['myst_parser', 'nnbook']\n")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nwith\nwithout\ntwice\nboxed\n```\n")
    # the chapters' form: an admonition JupyterLab can show, which the site replaces by the playground
    (src / "boxed.md").write_text("# Boxed\n\n```{admonition} Playground\n:class: nn-playground-neuron\n"
                                  "In JupyterLab: the live explorer above.\n```\n")
    (src / "with.md").write_text("# With\n\n```{playground} clusters\n```\n")
    (src / "without.md").write_text("# Without\n\nNo playground here.\n")
    (src / "twice.md").write_text("# Twice\n\n```{playground} clusters\n```\n\n```{playground} neuron\n```\n")
    app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=(warnings := io.StringIO()))
    app.build()
    page = lambda name: (tmp_path / "html" / f"{name}.html").read_text()
    assert '<div class="nn-playground" id="playground" data-preset="clusters">' in page("with")
    for path in nnbook.PLAYGROUND_FILES["js"] + nnbook.PLAYGROUND_FILES["css"]:
        assert f"_static/{path}" in page("with"), path
        assert path not in page("without") and path not in page("index"), path
        assert (tmp_path / "html" / "_static" / path).exists(), path
    assert re.search(r'<script defer="defer" src="_static/playground/nn\.js[^"]*"></script>\s*'
                     r'<script defer="defer" src="_static/playground/playground\.js', page("with")), "nn.js first"
    assert "one playground per page" in warnings.getvalue()
    assert page("twice").count('class="nn-playground"') == 1
    assert '<div class="nn-playground" id="playground" data-preset="neuron">' in page("boxed")
    assert "In JupyterLab" not in page("boxed") and "_static/playground/nn.js" in page("boxed")


CHAPTER_SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))


@pytest.mark.parametrize("chapter", CHAPTER_SOURCES, ids=lambda p: p.name)
def test_links_work_in_jupyterlab_as_well_as_on_the_site(chapter):
    """A `[text](#label)` link resolves on the site wherever the label is, but JupyterLab (one
    notebook at a time) only finds labels of the same notebook: another chapter is linked by its
    file, `[chapter 2](02_neuron_objects.ipynb)`, which both places open."""
    text = chapter.read_text()
    labels = set(re.findall(r"^\(([\w-]+)\)=\s*$", text, flags=re.M))
    for label in re.findall(r"\]\(#([\w-]+)\)", text):
        assert label in labels, (
            f"{chapter.name} links to #{label}, a label this chapter does not define: "
            f"JupyterLab cannot follow it (link the other chapter's .ipynb instead)")
    for target in re.findall(r"\]\(([\w.-]+\.ipynb)(?:#[\w-]*)?\)", text):
        assert (chapter.parent / target).exists(), f"{chapter.name} links to {target}, which does not exist"
