"""The built site in a real browser: every chapter page works offline, math, images and sliders included.

Run by `make browser` (part of `make test`), which builds the site from the stored
notebook outputs and sets NNBOOK_SITE to its folder; skipped without NNBOOK_SITE.
Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM), driven by Playwright for Python;
no browser is downloaded. Screenshots of every page land in <site>/../screenshots/: at 1280 px in
the light and the dark colour scheme (NAME.png, NAME.dark.png) and at 390 px (NAME.phone.png).

Each page is loaded twice, no more: once at 1280 px (everything, then the same page switched to
the dark scheme: screenshots, the figures' contrast, and axe-core's audit in each scheme) and once
as a phone (390 px, touch): nothing wider than the screen, explorers and playgrounds work by tap.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tools.pdf import toc_pages  # the one walk of _toc.yml (the repository's root is on the path)

SITE = os.environ.get("NNBOOK_SITE")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not SITE, reason="browser test: run `make browser` (builds the site and sets NNBOOK_SITE)"
)

# Console errors that are expected and harmless, each as (pattern, reason). None is known today:
# the embed manager's "strict mode: use allowUnionTypes" is logged as a warning, not an error, and
# sphinx-thebe's doubled THEBE_JS_URL script does not appear with this configuration.
HARMLESS_CONSOLE: list[tuple[re.Pattern, str]] = []

# Precomputed slider explorers (nnlib.widgets.static_explorer) each page must show; every other
# page shows none. A chapter that loses its explorer, or gains one, fails here until this is updated.
EXPLORERS = {
    "notebooks/01_single_neuron.html": 1,
    "notebooks/03_layer_of_neurons.html": 1,
    "notebooks/06_mnist_mlp.html": 1,
    "notebooks/07_gaussian_clusters.html": 1,
}
# Tables that code prints as Markdown (rendered only if myst-nb parses Markdown output as MyST).
OUTPUT_TABLES = {}  # (page: tables rendered from cell outputs) none since chapter 6 prints its Keras comparison
# Words a page rendered from code must show (book/_ext/nnbook.py's directives).
PAGE_WORDS = {
    "book/nnlib/handwritten.html": ["whole_number", "load_mnist", "read_idx", "mnist_files", "keras_twin",
                                    "train_keras", "train_nnlib", "LiveExplorer", "static_explorer", "DenseA", "SoftplusE"],
}
# A Markdown table's separator row, left as text: the Markdown was not parsed.
RAW_TABLE = re.compile(r"\|\s*:?-{3,}:?\s*\|")

# The accessibility audit: axe-core from npm (package.json's devDependencies, pinned by
# package-lock.json), injected into each page; a violation of these impacts fails the page.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILS = {"serious", "critical"}
# Images (one line each) whose alt text is missing or names a file: collected by test_page and
# reported by test_every_image_has_alt_text, so that the other checks of a page still run.
ALT_PROBLEMS: dict[str, list[str]] = {}
PHONE = {"width": 390, "height": 844}
# A figure must stand out from what it is drawn on: contrast of its darkest ink to its
# background (its most common colour, composited over the card it sits on), in both schemes.
FIGURE_CONTRAST = 4.5


def chapter_pages() -> list[str]:
    """Every page the toc lists under notebooks/ and book/, as paths relative to the site."""
    return toc_pages()


@pytest.fixture(scope="module")
def server():
    site = Path(SITE).resolve()
    if not (site / "index.html").exists():
        pytest.fail(f"no site at {site}: build it with `make site`")
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


class PageLog:
    """Everything a page asked for and complained about while it loaded."""

    def __init__(self, page, origin: str):
        self.origin = origin
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", self.on_request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("console", lambda m: m.type == "error" and self.on_error(m.text))
        page.on("pageerror", lambda e: self.on_error(str(e)))

    def on_request(self, request):
        url = urlparse(request.url)
        if url.scheme in {"data", "blob", "about"}:
            return
        if url.hostname != "127.0.0.1":
            self.foreign.append(request.url)

    def on_error(self, text: str):
        if not any(pattern.search(text) for pattern, _ in HARMLESS_CONSOLE):
            self.errors.append(text)


def settle(page):
    """Wait until MathJax (if the page loads it) has typeset and the widgets have rendered."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """async () => {
            if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
                await window.MathJax.startup.promise;
            }
        }"""
    )
    page.wait_for_timeout(300)


def set_theme(page, theme: str):
    """Switch the page to the light or dark colour scheme, as the theme's button or the system does."""
    page.emulate_media(color_scheme=theme)
    page.evaluate("""theme => { document.documentElement.dataset.mode = theme;
                                document.documentElement.dataset.theme = theme; }""", theme)
    page.wait_for_timeout(400)  # the theme's colour transitions
    assert page.evaluate("document.documentElement.dataset.theme") == theme


def audit(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (one run)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async fails => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => fails.includes(v.impact)).map(v => ({
                id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 160)),
            }));
        }""", sorted(AXE_FAILS))


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['impact']} {v['id']} ({v['count']}x): {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations)


# The contrast of each figure (a cell's image or an explorer's): the image drawn over the colour
# it sits on (its own background or the nearest ancestor's), then the relative luminance (WCAG)
# of its most common colour (the background) against its ink (the 0.2 % of pixels farthest from it).
FIGURE_CONTRASTS = """() => Array.from(document.querySelectorAll("article .cell_output img, article .nnlib-explorer img"))
  .filter(img => img.complete && img.naturalWidth > 0)
  .map(img => {
    let bg = null;
    for (let e = img; e && !bg; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(c)) bg = c;
    }
    bg = bg || "rgb(255, 255, 255)";
    const w = img.naturalWidth, h = img.naturalHeight;
    const canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    const g = canvas.getContext("2d");
    g.fillStyle = bg; g.fillRect(0, 0, w, h); g.drawImage(img, 0, 0, w, h);
    const d = g.getImageData(0, 0, w, h).data;
    const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    const L = [], counts = new Map();
    for (let i = 0; i < d.length; i += 4) {
      const l = 0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]);
      L.push(l);
      const k = Math.round(l * 100);
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    let mode = 0, most = -1;
    for (const [k, n] of counts) if (n > most) { most = n; mode = k; }
    const back = mode / 100;
    L.sort((a, b) => Math.abs(b - back) - Math.abs(a - back));
    const ink = L[Math.floor(L.length * 0.002)];
    return {alt: img.alt.slice(0, 70), card: bg, filter: getComputedStyle(img).filter,
            background: back, ink, ratio: (Math.max(back, ink) + 0.05) / (Math.min(back, ink) + 0.05)};
  })"""


def check_figures(page, path: str, theme: str):
    figures = page.evaluate(FIGURE_CONTRASTS)
    faint = [f for f in figures if f["ratio"] < FIGURE_CONTRAST]
    assert not faint, f"{path} ({theme}): figures without contrast to their background: {faint}"
    if theme == "dark":
        # on a light card, undimmed (the theme's brightness filter would grey the white out)
        dark_cards = [f for f in figures if f["background"] < 0.5 or f["filter"] != "none"]
        assert not dark_cards, f"{path} (dark): figures not on a light, unfiltered card: {dark_cards}"


def image_alt_problems(page) -> list[str]:
    from tests.test_figures import alt_problem

    images = page.evaluate("() => Array.from(document.querySelectorAll('article img')).map(i => [i.getAttribute('alt'), i.src.slice(-40)])")
    return [f"{src}: {why}" for alt, src in images if (why := alt_problem(alt)) is not None]


@pytest.mark.parametrize("path", chapter_pages())
def test_page(server, browser, path):
    shots = Path(SITE).resolve().parent / "screenshots"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog(page, server)
    try:
        response = page.goto(f"{server}/{path}")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        settle(page)
        name = path.replace("/", "__")
        page.screenshot(path=str(shots / (name + ".png")), full_page=True)

        assert not log.foreign, f"{path} made requests to other hosts: {log.foreign}"
        assert not log.failed, f"{path} had failed requests: {log.failed}"
        assert not log.errors, f"{path} logged console errors: {log.errors}"

        # Math: no raw TeX left in the prose or in widget labels (code blocks may show TeX
        # source), and MathJax output wherever the source had math.
        text = page.evaluate(
            """() => { const article = document.querySelector("article").cloneNode(true);
                       article.querySelectorAll("pre, code, script").forEach(e => e.remove());
                       return article.textContent; }"""
        )
        raw = re.findall(r"\\\(.{0,40}|\\\[.{0,40}", text)
        assert not raw, f"{path} shows raw TeX: {raw[:3]}"
        labels = " ".join(page.locator(".jupyter-widgets .widget-label, .jupyter-widgets .widget-htmlmath").all_inner_texts())
        assert not re.search(r"\$[^$]+\$", labels), f"{path}: widget labels show raw TeX: {labels[:200]}"
        # Markdown: no table left as raw pipes, and the tables that code prints are real tables.
        unparsed = [line.strip()[:80] for line in text.splitlines() if RAW_TABLE.search(line)]
        assert not unparsed, f"{path} shows unrendered Markdown tables: {unparsed[:3]}"
        tables = page.locator("article .cell_output table").count()
        assert tables == OUTPUT_TABLES.get(path, 0), (
            f"{path}: {tables} tables in cell outputs, expected {OUTPUT_TABLES.get(path, 0)}")
        for word in PAGE_WORDS.get(path, []):
            assert word in page.locator("article").inner_text(), f"{path} does not show {word}"
        math_sources = page.locator("article .math").count()
        if math_sources:
            assert page.locator("mjx-container").count() >= math_sources, (
                f"{path}: {math_sources} math elements but only "
                f"{page.locator('mjx-container').count()} typeset by MathJax"
            )

        # Images: every one loaded and has a size.
        broken = page.evaluate(
            """() => Array.from(document.images)
                 .filter(img => !img.complete || img.naturalWidth === 0)
                 .map(img => img.src.slice(0, 80))"""
        )
        assert not broken, f"{path} has images that did not load: {broken}"
        ALT_PROBLEMS[path] = image_alt_problems(page)

        # Chapters have launch buttons (Binder, Colab) and every page links the repository.
        links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        if path.startswith("notebooks/"):
            notebook = path.replace(".html", ".ipynb")
            assert any("mybinder.org" in link and notebook in link for link in links), f"{path}: no Binder button"
            assert any("colab.research.google.com" in link and notebook in link for link in links), f"{path}: no Colab button"
        assert any(link.startswith("https://github.com/") for link in links), f"{path}: no repository link"

        # Widgets saved in the notebook are drawn by the offline embed manager.
        views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if views:
            assert page.locator(".jupyter-widgets").count() > 0, f"{path}: widget views were not rendered"
            # No stored widget has math in its label today (so the label check above finds no $),
            # but a label like description="$\eta$" must work: ipywidgets 8 typesets a label by
            # calling MathJax 2's MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), which the
            # site's MathJax 3 only understands through nnbook-widgets.js. Make that very call on a
            # label-like element and check that it comes out typeset.
            typeset = page.evaluate(
                """async () => {
                    const box = document.createElement("div");
                    box.className = "jupyter-widgets";
                    const label = document.createElement("label");
                    label.className = "widget-label";
                    label.textContent = "$\\\\eta$ and $x^2$";
                    box.appendChild(label);
                    document.querySelector("article").appendChild(box);
                    MathJax.Hub.Queue(["Typeset", MathJax.Hub, label]);
                    for (let i = 0; i < 100 && label.querySelectorAll("mjx-container").length < 2; i++) {
                        await new Promise(done => setTimeout(done, 50));
                    }
                    const result = {math: label.querySelectorAll("mjx-container").length, text: label.textContent};
                    box.remove();
                    return result;
                }"""
            )
            assert typeset["math"] == 2 and "$" not in typeset["text"], (
                f"{path}: a widget label with $...$ was not typeset: {typeset}")

        # Precomputed explorers: the page has the ones it should, and moving each slider changes the figure.
        explorers = page.locator(".nnlib-explorer")
        assert explorers.count() == EXPLORERS.get(path, 0), (
            f"{path}: {explorers.count()} precomputed explorers, expected {EXPLORERS.get(path, 0)}")
        for i in range(explorers.count()):
            explorer = explorers.nth(i)
            image = explorer.locator("img")
            for j in range(explorer.locator("input[type=range]").count()):
                slider = explorer.locator("input[type=range]").nth(j)
                low, high, value = (int(slider.get_attribute(a)) for a in ("min", "max", "value"))
                if high == low:
                    continue
                target = low if value != low else high
                before = image.get_attribute("src")
                label_before = slider.evaluate("s => s.nextElementSibling.textContent")
                slider.focus()
                for _ in range(abs(target - value)):
                    page.keyboard.press("ArrowLeft" if target < value else "ArrowRight")
                assert int(slider.input_value()) == target
                assert image.get_attribute("src") != before, f"{path}: explorer {i} slider {j} did not change the figure"
                assert slider.evaluate("s => s.nextElementSibling.textContent") != label_before
                assert image.evaluate("img => img.complete && img.naturalWidth > 0")
            explorer.screenshot(path=str(shots / (path.replace("/", "__") + f".explorer{i}.png")))
        assert not log.errors, f"{path} logged console errors while using the sliders: {log.errors}"

        # Both colour schemes: legible figures, a screenshot, and no serious accessibility violation.
        problems = {}
        for theme in ("light", "dark"):
            set_theme(page, theme)
            check_figures(page, path, theme)
            if theme == "dark":
                page.screenshot(path=str(shots / (name + ".dark.png")), full_page=True)
            if found := audit(page):
                problems[theme] = found
        assert not problems, f"{path}: axe-core finds serious or critical violations:\n" + "\n".join(
            f" {theme}:\n{describe(found)}" for theme, found in problems.items())
        assert not log.errors, f"{path} logged console errors in the dark scheme: {log.errors}"
    finally:
        page.close()


# Anything in a page's article wider than the screen, outside a box that scrolls it (code,
# tables and display math scroll inside their own box); inline math must fit as it is.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, wide = [];
  const scrolled = el => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("article *")) {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || (r.right <= width + 1 && r.left >= -1)) continue;
    if (scrolled(el)) continue;
    wide.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "")
              + " " + Math.round(r.left) + ".." + Math.round(r.right) + " px: " + (el.textContent || "").trim().slice(0, 50));
  }
  return {page: document.documentElement.scrollWidth, body: document.body.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


@pytest.mark.parametrize("path", chapter_pages())
def test_page_on_a_phone(server, browser, path):
    """390 px wide, touch: the page never scrolls sideways (its wide parts scroll in their boxes),
    and the explorers and playgrounds answer a tap."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    log = PageLog(page, server)
    try:
        response = page.goto(f"{server}/{path}")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        settle(page)
        page.screenshot(path=str(Path(SITE).resolve().parent / "screenshots" / (path.replace("/", "__") + ".phone.png")),
                        full_page=True)
        layout = page.evaluate(OVERFLOW)
        assert layout["page"] <= PHONE["width"] and layout["body"] <= PHONE["width"] and not layout["wide"], (
            f"{path} is wider than a {PHONE['width']} px phone: {layout}")
        # The sliders of every explorer are wide enough to use and move where they are tapped.
        explorers = page.locator(".nnlib-explorer")
        for i in range(explorers.count()):
            image = explorers.nth(i).locator("img")
            for j in range(explorers.nth(i).locator("input[type=range]").count()):
                slider = explorers.nth(i).locator("input[type=range]").nth(j)
                box = slider.bounding_box()
                assert box["width"] >= 150 and box["height"] >= 24, f"{path}: explorer {i} slider {j} is {box} (too small to tap)"
                low, high, value = (int(slider.get_attribute(a)) for a in ("min", "max", "value"))
                if high == low:
                    continue
                target = low if value != low else high
                before = image.get_attribute("src")
                slider.tap(position={"x": 2 if target == low else box["width"] - 2, "y": box["height"] / 2})
                assert int(slider.input_value()) == target, f"{path}: a tap did not move explorer {i} slider {j}"
                assert image.get_attribute("src") != before, f"{path}: explorer {i} slider {j}: a tap did not change the figure"
        # A playground's buttons answer a tap.
        if page.locator(".nn-playground").count():
            page.wait_for_selector(".nn-playground.nn-pg-ready", timeout=5000)
            for button in page.locator(".nn-playground button").all():
                box = button.bounding_box()
                assert box and box["height"] >= 24 and box["width"] >= 24, f"{path}: a playground button is {box}"
            page.locator(".nn-pg-buttons >> text=one step").tap()
            assert page.get_attribute(".nn-playground", "data-steps") == "1", f"{path}: tapping 'one step' did nothing"
        assert not log.errors and not log.failed, f"{path} on a phone: {log.errors} {log.failed}"
    finally:
        context.close()


def test_every_image_has_alt_text():
    """Every <img> of every page says what it shows (collected by test_page; chapters give each
    figure cell an `:alt:` option, explorers an alt=)."""
    checked = [p for p in chapter_pages() if p in ALT_PROBLEMS]
    if not checked:
        pytest.skip("test_page did not run")
    lines = [f"{path}: {line}" for path in checked for line in ALT_PROBLEMS[path]]
    assert not lines, f"{len(lines)} images without a proper alt text:\n" + "\n".join(lines)


def test_every_chapter_page_is_checked():
    """The browser test covers every chapter: the toc lists each one, and only those."""
    pages = chapter_pages()
    chapters = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    listed = [Path(p).stem for p in pages if p.startswith("notebooks/")]
    assert listed, "no chapter page in _toc.yml"
    assert sorted(listed) == chapters, f"_toc.yml lists {sorted(listed)}, the notebooks are {chapters}"
    assert set(EXPLORERS) | set(OUTPUT_TABLES) | set(PAGE_WORDS) <= set(pages), "an expectation names no page"
