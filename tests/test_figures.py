"""Every figure of the book has alt text that says what it shows.

A chapter gives a figure cell its alt text as a cell option, one sentence after the cell's
opening line in the .md (jupytext stores it as the cell's metadata "alt"):

    ```{code-cell} ipython3
    :alt: The decision line turns from vertical to diagonal over the first 20 epochs.

    plot_...(...)
    ```

book/_ext/nnbook.py puts it on the image(s) the cell outputs; a precomputed explorer writes
its own alt for each figure (`static_explorer(..., alt="... {lr} ...")`). These tests read the
stored .ipynb files, so they need no execution; a small fixture proves each check and the site's
part (a Sphinx build of one notebook).
"""
from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
MIN_WORDS = 4
# What an alt text must not be: a number ("figure 3"), a file name, or static_explorer's default.
PLACEHOLDER = re.compile(r"^\s*(fig(ure)?\.?|image|img|plot|chart|graph|output)\s*\d*\s*[.:]?\s*$", re.I)
FILE_NAME = re.compile(r"\.(png|jpe?g|svg|gif)\s*$", re.I)
EXPLORER_DEFAULT = re.compile(r"^figure for ", re.I)
HTML_IMG = re.compile(r"<img\b[^>]*>", re.I)
HTML_ALT = re.compile(r"""\balt\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
# A 1x1 PNG, for the fixtures.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffffff7f0009fb03fd2a86e38a0000000049454e44ae426082")).decode()


def alt_problem(alt: str | None) -> str | None:
    """Why `alt` does not describe a figure, or None when it does."""
    if alt is None or not str(alt).strip():
        return "no alt text"
    alt = " ".join(str(alt).split())
    if PLACEHOLDER.match(alt) or FILE_NAME.search(alt) or EXPLORER_DEFAULT.match(alt):
        return f"alt {alt!r} names the figure instead of saying what it shows"
    if len(alt.split()) < MIN_WORDS:
        return f"alt {alt!r} is too short (at least {MIN_WORDS} words: say what the figure shows)"
    if ":" in alt:
        return f"alt {alt!r} has a colon, which ends a MyST cell option: rephrase it"
    return None


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def figure_problems(notebook: dict, name: str = "notebook") -> list[str]:
    """One line per figure of `notebook` (the .ipynb's JSON) that lacks a proper alt text:
    code cells with an image output (their metadata "alt"), images in HTML outputs (their alt
    attribute: explorers) and images in Markdown cells."""
    problems = []
    code_number = 0
    for index, cell in enumerate(notebook["cells"]):
        first_line = _source(cell).strip().splitlines()[0][:60] if _source(cell).strip() else ""
        where = f"{name} cell {index}"
        if cell["cell_type"] == "markdown":
            for alt, target in MD_IMAGE.findall(_source(cell)):
                if (why := alt_problem(alt)) is not None:
                    problems.append(f"{where} (markdown, image {target}): {why}")
            continue
        if cell["cell_type"] != "code":
            continue
        code_number += 1
        outputs = cell.get("outputs", [])
        images = [o for o in outputs if any(t in o.get("data", {}) for t in IMAGE_TYPES)]
        if images and (why := alt_problem(cell.get("metadata", {}).get("alt"))) is not None:
            problems.append(f"{where} (code cell {code_number}, {len(images)} image(s), `{first_line}`): {why}"
                            " -- add `:alt: one sentence` after its ```{code-cell} line")
        for output in outputs:
            page = output.get("data", {}).get("text/html")
            if not page:
                continue
            page = "".join(page) if isinstance(page, list) else page
            for tag in HTML_IMG.findall(page):
                match = HTML_ALT.search(tag)
                alt = html.unescape(match.group(2) or match.group(3) or "") if match else None
                if (why := alt_problem(alt)) is not None:
                    problems.append(f"{where} (code cell {code_number}, an <img> in its HTML output, "
                                    f"`{first_line}`): {why} -- pass static_explorer(..., alt=...)")
    return problems


# ----------------------------------------------------------------------------- fixtures
def code(source: str, outputs=(), **metadata) -> dict:
    return {"cell_type": "code", "execution_count": 1, "id": f"c{abs(hash(source)) % 10**8}",
            "metadata": metadata, "source": source, "outputs": list(outputs)}


def image_output(mime: str = "image/png") -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {mime: PNG if mime != "image/svg+xml" else "<svg/>", "text/plain": "<Figure size 640x480 with 1 Axes>"}}


def html_output(page: str) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": page, "text/plain": "<HTML>"}}


def notebook(*cells) -> dict:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


GOOD = "The loss falls from 0.7 to 0.1 over twenty epochs."


@pytest.mark.parametrize("alt, ok", [
    (GOOD, True),
    (None, False), ("", False), ("   ", False),
    ("figure 3", False), ("Figure", False), ("fig. 2", False), ("plot", False),
    ("3f2a9c.png", False), ("figure for lr = 0.1", False),
    ("A loss curve", False),                       # three words: too short
    ("Loss: falls over twenty epochs", False),     # a colon ends a MyST option
    ("Four clusters of points, one per colour", True),
])
def test_alt_problem_accepts_a_description_and_nothing_else(alt, ok):
    assert (alt_problem(alt) is None) == ok, alt_problem(alt)


def test_figure_problems_lists_each_figure_cell_without_alt_by_cell():
    nb = notebook(
        {"cell_type": "markdown", "metadata": {}, "id": "m1", "source": "# Title\n\n![](diagram.png) and ![A diagram of one neuron with two inputs](ok.png)"},
        code("x = 1"),                                         # no figure: nothing needed
        code("plt.plot(x)\nplt.show()", [image_output()], alt=GOOD),
        code("plt.plot(y)\nplt.show()", [image_output()]),     # missing
        code("plt.plot(z)\nplt.show()", [image_output("image/svg+xml")], alt="figure 4"),
        code("static_explorer(render)", [html_output('<div><img src="data:," alt="figure for lr = 0.1"></div>')]),
        code("static_explorer(render, alt=...)", [html_output(f'<div><img src="data:," alt="{GOOD}"></div>')]),
    )
    problems = figure_problems(nb, "demo.ipynb")
    assert len(problems) == 4, problems
    assert problems[0].startswith("demo.ipynb cell 0 (markdown, image diagram.png): no alt text")
    assert problems[1].startswith("demo.ipynb cell 3 (code cell 3, 1 image(s), `plt.plot(y)`): no alt text")
    assert "cell 4" in problems[2] and "'figure 4'" in problems[2]
    assert "cell 5" in problems[3] and "static_explorer(..., alt=...)" in problems[3]


def test_the_alt_option_of_the_md_becomes_the_cells_metadata():
    """The chapters write `:alt: ...` in the .md; jupytext stores it as metadata "alt"."""
    import jupytext

    text = ("---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n"
            "  display_name: Python 3\n---\n\n# Demo\n\n```{code-cell} ipython3\n:alt: " + GOOD
            + "\n\nplt.plot([1, 2])\n```\n")
    nb = jupytext.reads(text, fmt="md:myst")
    assert nb.cells[-1].metadata["alt"] == GOOD


def test_the_site_puts_the_cells_alt_on_its_images(tmp_path):
    """A small Sphinx build with myst-nb and nnbook: the cell's alt lands on the <img> of its
    output; an explorer's <img> (in an HTML output) keeps its own alt."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
                                 "extensions = ['myst_nb', 'nnbook']\nnb_execution_mode = 'off'\n"
                                 "exclude_patterns = ['_build']\n")
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   demo\n")
    other = "A heat map of four clusters, one colour each."
    nb = notebook(
        {"cell_type": "markdown", "metadata": {}, "id": "m1", "source": "# Demo"},
        code("plt.show()", [image_output()], alt=GOOD),
        code("static_explorer(render, alt=...)", [html_output(f'<div class="x"><img src="data:," alt="{other}"></div>')],
             alt="This cell alt must not replace the explorer alt."),
    )
    (src / "demo.ipynb").write_text(json.dumps(nb))
    app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=io.StringIO())
    app.build()
    page = (tmp_path / "html" / "demo.html").read_text()
    alts = [html.unescape(m.group(2) or m.group(3)) for tag in HTML_IMG.findall(page) if (m := HTML_ALT.search(tag))]
    assert GOOD in alts and other in alts, alts
    assert "This cell alt must not replace the explorer alt." not in alts


# ----------------------------------------------------------------------------- the chapters
def test_the_chapters_are_found():
    assert CHAPTERS, "no notebooks/NN_*.ipynb"


def test_every_figure_of_every_chapter_has_alt_text():
    """Fails with one line per figure cell that needs an `:alt:` (or an explorer its alt=)."""
    problems = []
    for path in CHAPTERS:
        problems += figure_problems(json.loads(path.read_text(encoding="utf-8")), path.name)
    assert not problems, f"{len(problems)} figures without a proper alt text:\n" + "\n".join(problems)
