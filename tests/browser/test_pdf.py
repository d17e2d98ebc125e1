"""The book's PDF (tools/pdf.py, `make pdf`): `make browser` prints it from the site it tests,
into <site>/nn-from-scratch.pdf, which the site links; here pypdf opens it and reads it back."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_site import ROOT, SITE, chapter_pages

pytestmark = pytest.mark.skipif(not SITE, reason="run `make browser` (builds the site and its PDF, sets NNBOOK_SITE)")

PDF = Path(SITE or ".").resolve() / "nn-from-scratch.pdf"
# TeX that MathJax would have typeset: none of it may be left as text in the PDF.
RAW_TEX = re.compile(r"\\(frac|sum|partial|mathbf|mathrm|cdot|sigma|eta|lambda|tilde|hat|left|right|begin)\b|\$\$|\\\(|\\\[")


@pytest.fixture(scope="module")
def pdf():
    from pypdf import PdfReader

    if not PDF.exists():
        pytest.fail(f"no PDF at {PDF}: `make pdf PDF_SITE=...` (make browser does it) prints it")
    reader = PdfReader(PDF)
    text = [page.extract_text() or "" for page in reader.pages]
    return reader, text


def squash(text: str) -> str:
    return " ".join(text.replace("\ufb01", "fi").replace("\ufb02", "fl").split())


def chapter_titles() -> list[str]:
    titles = []
    for md in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md")):
        title = next(line[2:].strip() for line in md.read_text().splitlines() if line.startswith("# "))
        titles.append(re.sub(r"[`*]", "", title))
    return titles


def test_the_pdf_has_every_page_in_toc_order(pdf):
    reader, text = pdf
    pages = chapter_pages()
    assert len(reader.pages) >= 3 * len(pages), f"{len(reader.pages)} PDF pages for {len(pages)} site pages"
    outline = [item.title for item in reader.outline]
    assert len(outline) == len(pages), outline
    titles = chapter_titles()
    positions = [next(i for i, t in enumerate(outline) if squash(t) == squash(title)) for title in titles]
    assert positions == sorted(positions), f"chapters out of order in the PDF: {outline}"


def test_every_chapters_title_is_in_the_text(pdf):
    _, text = pdf
    whole = squash(" ".join(text))
    missing = [t for t in chapter_titles() if squash(t) not in whole]
    assert not missing, f"chapter titles not in the PDF's text: {missing}"


def test_the_math_was_typeset(pdf):
    _, text = pdf
    # Code listings may hold TeX in their strings (figure labels such as f"$\\partial z$"): a line
    # with a quote in it is code, not prose; the chapters' prose may hold no TeX at all.
    raw = [(i + 1, m.group(0)) for i, page in enumerate(text) for line in page.splitlines()
           if '"' not in line and "'" not in line for m in RAW_TEX.finditer(line)]
    assert not raw, f"raw TeX in the PDF (page, text): {raw[:10]}"


def test_the_figures_are_there(pdf):
    reader, _ = pdf
    figures = 0
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code" and "remove-output" not in cell["metadata"].get("tags", []) \
                    and "remove-cell" not in cell["metadata"].get("tags", []):
                figures += sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
    images = sum(len(page.images) for page in reader.pages)
    assert figures > 10 and images >= figures, f"{images} images in the PDF, {figures} figures in the chapters"


def test_the_site_links_the_pdf():
    intro = (Path(SITE).resolve() / "book" / "intro.html").read_text()
    assert 'href="../nn-from-scratch.pdf"' in intro, "the intro page does not link the PDF"
    for page in chapter_pages():
        html = (Path(SITE).resolve() / page).read_text()
        assert "nn-from-scratch.pdf" in html and "book-pdf-button" in html, f"{page}: no PDF button in its header"
