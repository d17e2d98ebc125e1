"""The whole book as one PDF, printed from the built site by the browser test's Chromium, offline.

    python tools/pdf.py SITE [OUT]      # default OUT: SITE/nn-from-scratch.pdf (`make pdf`)

Each page of _toc.yml, in order, is opened from a local server in headless Chromium (Debian's
/usr/bin/chromium or $CHROMIUM, driven by Playwright; nothing is downloaded), with MathJax
typeset and every image loaded, and printed (the site's print styles: no sidebars or buttons);
pypdf merges the pages' PDFs into one with a bookmark per page. The site links the file from its
intro page and its header (book/_ext/nnbook.py).
"""
from __future__ import annotations

import functools
import http.server
import io
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDF_NAME = "nn-from-scratch.pdf"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page of the book in reading order, as paths relative to the site (.html)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            if "glob" in entry:
                files.extend(str(p.relative_to(root).with_suffix("")) for p in sorted(root.glob(entry["glob"] + ".md")))
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return [f + ".html" for f in files]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


READY = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    await Promise.all(Array.from(document.images).map(img => img.complete ? null :
        new Promise(done => { img.onload = img.onerror = done; })));
    document.querySelectorAll("details").forEach(d => d.open = true);  // solutions and hidden code print open
    return {math: document.querySelectorAll("mjx-container").length,
            title: (document.querySelector("article h1") || document.querySelector("h1") || {}).textContent || document.title};
}"""


def build(site: Path, out: Path, pages: list[str] | None = None) -> dict:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    site = site.resolve()
    pages = pages or toc_pages()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    writer = PdfWriter()
    start = time.monotonic()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1000, "height": 1200})
            page.route(lambda url: not url.startswith(origin), lambda route: route.abort())  # offline
            for path in pages:
                page.goto(f"{origin}/{path}")
                page.wait_for_load_state("networkidle")
                info = page.evaluate(READY)
                page.emulate_media(media="print", color_scheme="light")
                data = page.pdf(format="A4", print_background=True, outline=False,
                                margin={"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"})
                reader = PdfReader(io.BytesIO(data))
                first = len(writer.pages)
                writer.append(reader)
                writer.add_outline_item(title=" ".join(info["title"].replace("#", "").split()), page_number=first)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    writer.add_metadata({"/Title": "Neural Networks from Scratch"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    return {"pages": len(writer.pages), "html_pages": len(pages), "seconds": time.monotonic() - start}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    site = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else site / PDF_NAME
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM=...", file=sys.stderr)
        return 1
    result = build(site, out)
    print(f"{out}: {result['pages']} pages from {result['html_pages']} site pages in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
