"""The live playgrounds (chapters 1 and 7) on the built site, in headless Chromium.

Run by `make browser` with test_site.py (whose server, browser and page log this file uses).
Each check is one thing a reader does: open the page (offline, at 1280 and 390 px), move a
control, press play, follow a link; and the twin's parity with nnlib is checked again here,
in the browser's own JavaScript engine, on fixtures nnlib writes now.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from test_site import CHROMIUM, ROOT, SITE, PageLog, browser, server  # noqa: F401 (fixtures)
from tests.playground import make_fixtures  # the repository's root is on the path (conftest.py lives there)

pytestmark = pytest.mark.skipif(
    not SITE, reason="browser test: run `make browser` (builds the site and sets NNBOOK_SITE)"
)

PLAYGROUNDS = {"notebooks/01_single_neuron.html": "neuron", "notebooks/07_gaussian_clusters.html": "clusters"}
CHAPTER7 = "notebooks/07_gaussian_clusters.html"
PARITY = ROOT / "tests" / "playground" / "parity.js"

# The pixels of a canvas, as a data URL: equal pictures give equal strings.
PIXELS = "selector => document.querySelector(selector).toDataURL()"


def open_playground(browser, url, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    log = PageLog(page, url)
    response = page.goto(url)
    assert response is None or response.ok, f"{url}: HTTP {response and response.status}"
    page.wait_for_selector(".nn-playground.nn-pg-ready", timeout=5000)
    return page, log


def assert_clean(log, what):
    assert not log.foreign, f"{what} made requests to other hosts: {log.foreign}"
    assert not log.failed, f"{what} had failed requests: {log.failed}"
    assert not log.errors, f"{what} logged console errors: {log.errors}"


def steps(page) -> int:
    return int(page.get_attribute(".nn-playground", "data-steps"))


def test_only_the_chapters_with_a_playground_load_its_files():
    for page in Path(SITE).resolve().rglob("*.html"):
        if "_static" in page.parts:
            continue
        relative = page.relative_to(Path(SITE).resolve()).as_posix()
        html = page.read_text(encoding="utf-8")
        has = 'class="nn-playground"' in html
        assert has == (relative in PLAYGROUNDS), f"{relative}: playground {'present' if has else 'missing'}"
        assert ("playground/nn.js" in html) == has, f"{relative} links the playground's scripts: {not has}"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", sorted(PLAYGROUNDS))
def test_playground_works_offline_at_this_width(server, browser, path, width):
    page, log = open_playground(browser, f"{server}/{path}#playground", width)
    try:
        shots = Path(SITE).resolve().parent / "screenshots"
        shots.mkdir(exist_ok=True)
        page.wait_for_timeout(200)
        page.locator(".nn-playground").screenshot(path=str(shots / f"{path.replace('/', '__')}.playground-{width}.png"))
        assert_clean(log, path)
        assert page.get_attribute(".nn-playground", "data-preset") == PLAYGROUNDS[path]
        # nothing sticks out of the screen, and every control is there to be used
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways at {width} px"
        box = page.locator(".nn-playground").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (path, width, box)
        for control in page.locator(".nn-playground select, .nn-playground input, .nn-playground button").all():
            b = control.bounding_box()
            assert b and b["width"] > 0 and b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5, (path, width, b)
        # the picture is drawn: the decision regions hold more than one colour, the loss curve a line
        colours = page.evaluate(
            """() => { const c = document.querySelector('.nn-pg-regions');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       const seen = new Set();
                       for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
                       return seen.size; }""")
        assert colours > 10, f"{path}: the decision regions look blank ({colours} colours)"
        regions = page.locator(".nn-pg-regions").bounding_box()
        assert regions["width"] >= min(250, width - 60), f"{path}: the picture is only {regions['width']} px wide"
        if PLAYGROUNDS[path] == "clusters":
            assert page.locator(".nn-pg-tile").count() == 5, "one picture per hidden neuron of the 2-5-3 network"
        page.click(".nn-pg-buttons >> text=one step")
        assert steps(page) == 1
        assert_clean(log, path)
    finally:
        page.close()


def redraws_within_a_second(page, action):
    """Do `action` (a control moved) and wait at most a second for the decision regions to change."""
    before = page.evaluate(PIXELS, ".nn-pg-regions")
    start = time.monotonic()
    action()
    page.wait_for_function(f"before => ({PIXELS})('.nn-pg-regions') !== before", arg=before, timeout=1000)
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("path", sorted(PLAYGROUNDS))
def test_a_control_changes_the_picture_within_a_second(server, browser, path):
    page, log = open_playground(browser, f"{server}/{path}")
    try:
        redraws_within_a_second(page, lambda: page.select_option(".nn-playground select >> nth=0", "xor"))
        assert "data=xor" in page.evaluate("location.search")
        if PLAYGROUNDS[path] == "clusters":
            tiles = page.locator(".nn-pg-tile").count()
            redraws_within_a_second(page, lambda: page.click("button[aria-label='more neurons in layer 1']"))
            assert page.locator(".nn-pg-tile").count() == tiles + 1
            page.click("button[aria-label='more hidden layers']")
            assert page.locator(".nn-pg-neuron-row").count() == 2
            assert "layers=6-6" in page.evaluate("location.search")
        assert_clean(log, path)
    finally:
        page.close()


@pytest.mark.parametrize("path", sorted(PLAYGROUNDS))
def test_play_advances_the_loss_curve_and_pause_stops_it(server, browser, path):
    page, log = open_playground(browser, f"{server}/{path}")
    try:
        curve = page.evaluate(PIXELS, ".nn-pg-loss")
        status = page.inner_text(".nn-pg-status")
        assert page.inner_text(".nn-pg-play") == "▶ play"
        page.click(".nn-pg-play")
        assert page.get_attribute(".nn-pg-play", "aria-pressed") == "true"
        assert page.inner_text(".nn-pg-play") == "❚❚ pause"
        page.wait_for_function("() => Number(document.querySelector('.nn-playground').dataset.steps) >= 30", timeout=3000)
        page.wait_for_timeout(300)
        assert page.evaluate(PIXELS, ".nn-pg-loss") != curve, "the loss curve did not move"
        assert page.inner_text(".nn-pg-status") != status
        history = page.evaluate("() => document.querySelector('.nn-playground').nnPlayground.history")
        assert len(history) > 5 and history[-1]["train"] < history[0]["train"], "training did not lower the loss"
        page.click(".nn-pg-play")
        assert page.get_attribute(".nn-pg-play", "aria-pressed") == "false"
        paused = steps(page)
        page.wait_for_timeout(300)
        assert steps(page) == paused, "pause did not stop training"
        page.click(".nn-pg-buttons >> text=reset")
        assert steps(page) == 0
        assert_clean(log, path)
    finally:
        page.close()


def test_a_link_reproduces_a_setting(server, browser):
    setting = "?data=spiral&noise=0.5&test=0.2&layers=8-4&act=tanh&lr=0.0316&l2=0.0002&batch=16&opt=sgd&seed=7"
    page, log = open_playground(browser, f"{server}/{CHAPTER7}{setting}")
    other, other_log = open_playground(browser, f"{server}/{CHAPTER7}{setting}")
    default, _ = open_playground(browser, f"{server}/{CHAPTER7}")
    try:
        controls = page.evaluate(
            """() => Object.fromEntries(Array.from(document.querySelectorAll('.nn-playground select, .nn-playground input'))
                     .map(e => [e.getAttribute('aria-label') || e.id.replace(/^nn-pg-\\d+-/, ''), e.value]))""")
        assert controls["data"] == "spiral" and controls["act"] == "tanh" and controls["opt"] == "sgd"
        assert controls["batch"] == "16" and controls["seed"] == "7" and controls["noise"] == "0.5"
        assert controls["lr value"] == "0.0316" and controls["l2 value"] == "0.0002" and controls["test"] == "0.2"
        assert page.locator(".nn-pg-count").all_inner_texts() == ["2", "8", "4"]
        assert page.get_attribute(".nn-pg-link", "href").startswith(setting)
        # the same link, the same data and start: the very same pixels; the defaults look different
        assert page.evaluate(PIXELS, ".nn-pg-regions") == other.evaluate(PIXELS, ".nn-pg-regions")
        assert page.evaluate(PIXELS, ".nn-pg-regions") != default.evaluate(PIXELS, ".nn-pg-regions")
        # and ten steps later still the same
        for p in (page, other):
            for _ in range(10):
                p.click(".nn-pg-buttons >> text=one step")
        assert page.inner_text(".nn-pg-status") == other.inner_text(".nn-pg-status")
        assert page.evaluate(PIXELS, ".nn-pg-regions") == other.evaluate(PIXELS, ".nn-pg-regions")
        # a setting made with the controls lands in the address, and that address brings it back
        default.fill("input[aria-label='lr value']", "0.2")
        default.press("input[aria-label='lr value']", "Enter")
        default.select_option(".nn-playground select >> nth=0", "circles")
        address = default.evaluate("location.href")
        assert "lr=0.2" in address and "data=circles" in address
        again, again_log = open_playground(browser, address)
        try:
            assert again.evaluate(PIXELS, ".nn-pg-regions") == default.evaluate(PIXELS, ".nn-pg-regions")
            assert again.input_value("input[aria-label='lr value']") == "0.2"
            assert_clean(again_log, address)
        finally:
            again.close()
        assert_clean(log, setting)
        assert_clean(other_log, setting)
    finally:
        for p in (page, other, default):
            p.close()


def test_the_twin_matches_nnlib_in_chromium(server, browser):
    """The parity check of tests/playground/twin.test.js, on the twin the page itself loaded."""
    page, log = open_playground(browser, f"{server}/{CHAPTER7}")
    try:
        page.add_script_tag(path=str(PARITY))
        results = page.evaluate(
            "fixtures => nnParity.check(nnTwin, fixtures).map(r => ({...r, relative: String(r.relative)}))",
            make_fixtures.fixtures())
        assert len(results) > 50
        missed = [r for r in results if not float(r["relative"]) <= 1e-9]
        assert not missed, "the twin differs from nnlib in Chromium:\n" + "\n".join(
            f"{r['name']} / {r['what']}: {r['relative']}" for r in missed)
        assert page.evaluate("navigator.userAgent").find("Chrome") >= 0
        assert_clean(log, CHAPTER7)
    finally:
        page.close()


def test_the_playground_works_opened_from_a_file(browser):
    """The README says to open _build/html/index.html directly: the playground is plain scripts
    (an ES module would not load from file://), so it works there too."""
    page, log = open_playground(browser, (Path(SITE).resolve() / CHAPTER7).as_uri() + "?layers=3-3")
    try:
        assert page.locator(".nn-pg-count").all_inner_texts() == ["2", "3", "3"]
        page.click(".nn-pg-buttons >> text=one step")
        assert steps(page) == 1
        assert not [e for e in log.errors if "playground" in e or "nnTwin" in e], log.errors
    finally:
        page.close()


def test_the_speed_benchmark_runs(server, browser):
    """python -m benchmarks.playground measures the speed; here only that it measures what it says
    (a 2-16-16-3 network on the 600 cluster points, all 32 neuron pictures drawn): no time is asserted."""
    from benchmarks.playground import SETTINGS, measure

    result = measure(browser, server, SETTINGS["full batch (450 points a step)"], seconds=0.5)
    assert result["layers"] == [16, 16] and result["train"] + result["test"] == 600 and result["tiles"] == 32
    assert result["steps_per_second"] > 0 and result["frames_per_second"] > 0 and result["draw_ms"] > 0
