"""The chapters in JupyterLab, as students see them, in headless Chromium.

Run by `make lab-test` (part of `make test`), which sets NNBOOK_LAB=1; skipped otherwise. It starts
a real `jupyter lab` on 127.0.0.1 with a token, in a scratch folder holding copies of the chapters
(so nothing it runs is saved into notebooks/), and checks, per chapter:

- the book's markup is rendered (jupyterlab-myst): no raw `:class:` or `{admonition}` text, and
  every dropdown (the exercise solutions) is there and closed until clicked;
- before the notebook is run, a precomputed explorer shows its figure and a note, no dead sliders;
- after Run All, each control of the live explorer, moved as a user does (arrow keys on a slider,
  a click on a toggle button), redraws the figure within a few seconds.

Chapter 6's live explorer needs a minute of MNIST training first; chapters 1, 3 and 7 use the same
LiveExplorer and stand in for it (its render function is tested in tests/test_mnist_mlp.py). A
fixture notebook whose slider callback is broken proves that the check can fail. Screenshots of
the live explorers land in _build/lab-screenshots/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RUN = ["01_single_neuron.ipynb", "03_layer_of_neurons.ipynb", "07_gaussian_clusters.ipynb"]  # see above
SHOTS = ROOT / "_build" / "lab-screenshots"  # each live explorer after its controls moved
REDRAW_SECONDS = 20  # one retraining takes well under a second; JupyterLab and a busy machine add to it
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(os.environ.get("NNBOOK_LAB") != "1",
                                reason="JupyterLab test: run `make lab-test` (sets NNBOOK_LAB=1)")

BROKEN = '''\
import matplotlib.pyplot as plt
import ipywidgets as widgets
from nnlib.widgets import LiveExplorer


def render(lr):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, f"lr = {lr:.3g}", ha="center")
    return fig


explorer = LiveExplorer(render, lr=widgets.FloatLogSlider(value=0.1, base=10, min=-2, max=0, step=0.5))
explorer.sliders["lr"].unobserve_all()  # the bug: moving the slider no longer retrains
explorer'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """A JupyterLab server on a scratch folder; yields (base URL with token, folder)."""
    folder = Path(tempfile.mkdtemp(prefix="nnbook-lab-"))
    for chapter in CHAPTERS:
        shutil.copy(chapter, folder / chapter.name)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BROKEN)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "broken_explorer.ipynb")
    settings = folder / ".settings"
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    # every cell rendered at once (no windowing), so the whole notebook can be read
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), "nnbook-test-token"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config"), "JUPYTER_RUNTIME_DIR": str(folder / ".run"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(folder / ".workspaces")}
    log = open(folder / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not start: {(folder / 'jupyterlab.log').read_text()[-2000:]}")
        yield f"http://127.0.0.1:{port}", token, folder
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _shut_down_kernels(lab):
    """Stop every kernel the server runs (each test starts from an idle server)."""
    url, token, _ = lab
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/kernels", headers=headers), timeout=10) as r:
        kernels = json.load(r)
    for kernel in kernels:
        request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _open(browser, lab, name):
    """A page (in a fresh browser context and workspace) with the notebook open and its markdown
    rendered; console errors are collected. Close it with _close."""
    url, token, _ = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    workspace = re.sub(r"\W", "-", Path(name).stem)  # its own layout: no other notebook is restored
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    page.wait_for_function(  # every markdown cell rendered (by jupyterlab-myst)
        """() => [...document.querySelectorAll('.jp-MarkdownCell')].every(
                     c => c.querySelector('.myst') && c.querySelector('.myst').children.length > 0)""",
        timeout=60_000)
    page.wait_for_timeout(500)
    return page


def _run_all(page, timeout=300):
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    page.wait_for_timeout(1000)
    # every code cell has run once its prompt holds a number (not "*" or blank)
    page.wait_for_function(
        """() => { const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                   return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)); }""",
        timeout=timeout * 1000)


def _figure(explorer):
    """The src of the live explorer's figure (a PNG data URL), or None while there is none."""
    images = explorer.locator(".widget-output img, .jp-OutputArea-output img")
    return images.first.get_attribute("src") if images.count() else None


def _wait_for_new_figure(page, explorer, before, seconds) -> float | None:
    """Seconds until the figure differs from `before`, or None if it does not within `seconds`."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        now = _figure(explorer)
        if now and now != before:
            return time.perf_counter() - start
        page.wait_for_timeout(200)
    return None


def _move_every_control(page, explorer, seconds=REDRAW_SECONDS):
    """Move each slider by an arrow key and click another toggle button; {control: seconds or None}."""
    results = {}
    sliders = explorer.locator(".widget-slider, .widget-hslider")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        name = slider.locator(".widget-label").first.inner_text() or f"slider {i}"
        before = _figure(explorer)
        slider.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        results[name] = _wait_for_new_figure(page, explorer, before, seconds)
    toggles = explorer.locator(".widget-toggle-buttons")
    for i in range(toggles.count()):
        group = toggles.nth(i)
        name = group.locator("xpath=..").locator(".widget-label").first.inner_text() or f"buttons {i}"
        before = _figure(explorer)
        group.locator("button:not(.mod-active)").first.click()
        results[name] = _wait_for_new_figure(page, explorer, before, seconds)
    return results


def _live_explorer(page):
    cell = page.locator(".jp-CodeCell").filter(has_text="LiveExplorer(").filter(
        has=page.locator(".widget-vbox"))
    assert cell.count() == 1, f"expected one live explorer, found {cell.count()}"
    return cell.first


@pytest.mark.parametrize("chapter", [c.name for c in CHAPTERS])
def test_markup_is_rendered_and_solutions_are_hidden(browser, lab, chapter):
    page = _open(browser, lab, chapter)
    try:
        source = (ROOT / "notebooks" / chapter).with_suffix(".md").read_text()
        expected = source.count(":class: dropdown")
        try:  # jupyterlab-myst renders cell by cell: give the last ones a moment
            page.wait_for_function(f"() => document.querySelectorAll('.jp-MarkdownCell details.dropdown').length "
                                   f">= {expected}", timeout=20_000)
        except Exception:
            pass  # the assertion below says how many there are
        text = page.inner_text(".jp-NotebookPanel .jp-Notebook")
        for raw in (":class:", "{admonition}", "```"):
            assert raw not in text, f"{chapter}: raw MyST markup {raw!r} shows in JupyterLab"
        assert "Unknown Directive" not in text, f"{chapter}: a directive jupyterlab-myst cannot render"
        dropdowns = page.locator(".jp-MarkdownCell details.dropdown")
        assert dropdowns.count() == expected, (
            f"{chapter}: {dropdowns.count()} dropdowns rendered, the chapter has {expected}")
        for i in range(dropdowns.count()):
            details = dropdowns.nth(i)
            assert details.get_attribute("open") is None, f"{chapter}: dropdown {i} is open before it is clicked"
            body = details.locator(".myst-admonition-body")
            assert body.count() == 0 or not body.first.is_visible(), f"{chapter}: solution {i} is visible"
        if dropdowns.count():  # a click opens a solution
            dropdowns.first.locator("summary").click()
            assert dropdowns.first.locator(".myst-admonition-body").first.is_visible()
        # a precomputed explorer before the notebook is trusted: its figure and a note, no dead sliders
        for explorer in page.locator(".nnlib-explorer").all():
            assert explorer.locator("img").first.is_visible()
            assert explorer.locator(".nnx-noscript").first.is_visible()
            assert not any(r.is_visible() for r in explorer.locator("input[type=range]").all()), (
                f"{chapter}: the precomputed explorer shows sliders that cannot work before the notebook runs")
        assert page.locator("text=Would you like to get notified about").count() == 0, "the news pop-up shows"
        assert not page.errors, f"{chapter}: console errors: {page.errors}"
    finally:
        page.context.close()
        _shut_down_kernels(lab)


@pytest.mark.parametrize("chapter", RUN)
def test_live_explorer_redraws_when_each_control_moves(browser, lab, chapter):
    page = _open(browser, lab, chapter)
    try:
        start = time.perf_counter()
        _run_all(page)
        run_seconds = time.perf_counter() - start
        explorer = _live_explorer(page)
        page.wait_for_function("el => el.querySelector('img') !== null", arg=explorer.element_handle(),
                               timeout=60_000)
        results = _move_every_control(page, explorer)
        SHOTS.mkdir(parents=True, exist_ok=True)
        explorer.screenshot(path=str(SHOTS / f"{Path(chapter).stem}.explorer.png"))
        assert results, f"{chapter}: the live explorer has no control"
        slow = {name: s for name, s in results.items() if s is None}
        assert not slow, f"{chapter}: moving {sorted(slow)} did not redraw the figure within {REDRAW_SECONDS} s"
        print(f"{chapter}: Run All {run_seconds:.0f} s; redraws " +
              ", ".join(f"{name} {s:.1f} s" for name, s in results.items()))
        # after the run the outputs are trusted: the precomputed explorer's sliders work
        for explorer in page.locator(".nnlib-explorer").all():
            assert explorer.locator("input[type=range]").first.is_visible()
            assert explorer.locator(".nnx-noscript").count() == 0
        errors = [e for e in page.errors if not re.search(r"favicon", e)]
        assert not errors, f"{chapter}: console errors: {errors}"
    finally:
        page.context.close()
        _shut_down_kernels(lab)


def test_a_broken_slider_callback_is_caught(browser, lab):
    """The check above can fail: a live explorer whose slider no longer retrains is reported."""
    page = _open(browser, lab, "broken_explorer.ipynb")
    try:
        _run_all(page)
        explorer = _live_explorer(page)
        page.wait_for_function("el => el.querySelector('img') !== null", arg=explorer.element_handle(),
                               timeout=60_000)
        assert list(_move_every_control(page, explorer, seconds=5).values()) == [None]
    finally:
        page.context.close()
        _shut_down_kernels(lab)
