"""How fast does the site's playground train while it draws? (issue 17)

    python -m benchmarks.playground [--site _build/stored/_build/html] [--seconds 5]

Opens chapter 7's playground in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM)
from the built site (`make site` or `make book` builds it), sets a 2-16-16-3 network on the
chapter's 600 clusters points (450 to train on, 150 to test), presses play and counts the
training steps the page makes in `--seconds` of wall time. Every animation frame the page
trains (at most one epoch, at most 12 ms), measures the training and test loss, and redraws the
decision regions, the 32 neuron pictures and the loss curves, so the count is steps per second
*while drawing*. Printed for full-batch steps (one step is all 450 points) and for batches
of 32, with the page's own time per step and per redraw.

The goal (issue 17): at least 30 steps per second on a modest laptop. Nothing asserts it: the
benchmark prints the figure (tests/browser/test_playground.py only checks that this runs).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "notebooks/07_gaussian_clusters.html"
SETTINGS = {
    "full batch (450 points a step)": "?data=clusters&layers=16-16&act=relu&opt=adam&lr=0.01&batch=all&seed=2",
    "batches of 32": "?data=clusters&layers=16-16&act=relu&opt=adam&lr=0.01&batch=32&seed=2",
}
GOAL = 30  # steps per second, while drawing


def measure(browser, base_url: str, setting: str, seconds: float = 5.0, width: int = 1280) -> dict:
    """Play the playground at `setting` for `seconds`; return steps/s, frames/s and the page's timings."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{base_url}/{PAGE}{setting}")
        page.wait_for_selector(".nn-playground.nn-pg-ready", timeout=10000)
        sizes = page.evaluate("() => { const p = document.querySelector('.nn-playground').nnPlayground;"
                              " return {layers: p.settings.layers, train: p.data.train.y.length,"
                              " test: p.data.test.y.length, tiles: document.querySelectorAll('.nn-pg-tile').length}; }")
        page.evaluate("""() => { const p = document.querySelector('.nn-playground').nnPlayground;
                                 window.frames_drawn = 0; const draw = p.draw.bind(p);
                                 p.draw = () => { window.frames_drawn += 1; draw(); }; }""")
        page.click(".nn-pg-play")
        page.wait_for_timeout(500)  # let the JIT warm up
        count = "() => [Number(document.querySelector('.nn-playground').dataset.steps), window.frames_drawn, performance.now()]"
        steps0, frames0, t0 = page.evaluate(count)
        page.wait_for_timeout(seconds * 1000)
        steps1, frames1, t1 = page.evaluate(count)
        timing = page.evaluate("() => document.querySelector('.nn-playground').nnPlayground.timing")
        page.click(".nn-pg-play")
        elapsed = (t1 - t0) / 1000
        return {"steps_per_second": (steps1 - steps0) / elapsed, "frames_per_second": (frames1 - frames0) / elapsed,
                "step_ms": timing["stepMs"], "draw_ms": timing["drawMs"], "seconds": elapsed, **sizes}
    finally:
        page.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.playground", description=__doc__.split("\n\n")[0])
    p.add_argument("--site", default=str(ROOT / "_build" / "stored" / "_build" / "html"),
                   help="the built site (default: the one `make site` builds)")
    p.add_argument("--seconds", type=float, default=5.0, help="how long to play each setting (default 5)")
    args = p.parse_args(argv)
    site = Path(args.site)
    if not (site / PAGE).exists():
        raise SystemExit(f"no {PAGE} under {site}: build the site first (`make site`) or pass --site")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            print(f"Playground speed: chapter 7, a 2-16-16-3 ReLU network with Adam, in headless Chromium "
                  f"({browser.version}), {args.seconds:g} s of play per setting")
            for label, setting in SETTINGS.items():
                r = measure(browser, f"http://127.0.0.1:{httpd.server_address[1]}", setting, args.seconds)
                verdict = "meets" if r["steps_per_second"] >= GOAL else "MISSES"
                print(f"  {label:32s} {r['steps_per_second']:8.0f} steps/s while drawing "
                      f"({r['frames_per_second']:.0f} redraws/s; {r['step_ms']:.2f} ms a step, "
                      f"{r['draw_ms']:.1f} ms a redraw of {r['tiles']} neuron pictures): {verdict} the goal of {GOAL}")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
