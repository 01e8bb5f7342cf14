"""Print the built website as one PDF of the whole course: ``make pdf`` -> ``_build/pdf/book.pdf``.

Each page of the book, in the order of ``_toc.yml``, is printed by headless Chromium from a
local server after MathJax has typeset its maths (Chromium's virtual time lets the page's
scripts finish first); ``pdfunite`` (poppler-utils) joins the pages into one file.  No LaTeX.
"""
import functools
import http.server
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "pdf" / "book.pdf"


def toc_pages():
    """The book's pages in reading order: the root, then every ``file`` of every part."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [entry["file"] for entry in part.get("chapters", [])]
    return [p + ".html" for p in pages]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def print_page(chromium, url, pdf):
    profile = tempfile.mkdtemp()
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}",
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           "--virtual-time-budget=30000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not pdf.exists() or pdf.stat().st_size == 0:
        sys.exit(f"make pdf: Chromium printed nothing for {url}")


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("pdfunite") is None:
        sys.exit("make pdf: needs chromium and pdfunite (make browser installs both)")
    pages = toc_pages()
    missing = [p for p in pages if not (SITE / p).exists()]
    if missing:
        sys.exit(f"make pdf: build the website first (make book); missing {missing}")
    handler = functools.partial(Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    tmp = pathlib.Path(tempfile.mkdtemp())
    try:
        parts = [tmp / f"{i:02d}.pdf" for i in range(len(pages))]
        with ThreadPoolExecutor(max_workers=2) as pool:       # two pages at a time (2 cores)
            list(pool.map(lambda job: print_page(chromium, f"{base}/{job[0]}", job[1]),
                          zip(pages, parts)))
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdfunite", *map(str, parts), str(OUT)], check=True)
    finally:
        httpd.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(pages)} pages of the book)")


if __name__ == "__main__":
    main()
