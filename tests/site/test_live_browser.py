"""The site's live code, in a real browser, with every request outside the local server refused.

Headless Chromium, driven by playwright-core (``tests/live_browser/live_check.mjs``), opens a
chapter page of the built site, follows its "Run this chapter live" link into JupyterLite,
waits for the Pyodide kernel, inserts a code cell that imports ``rnnlib`` and prints a number
computed with it, runs it, edits it and runs it again. The printed numbers must be the ones the
repository's own CPython ``rnnlib`` prints for the same code. Then it saves, reloads (the edit
must survive, kept in the browser's storage) and deletes the saved copy in JupyterLite's file
browser (the chapter must be back as the site serves it): the reset the course documents.

Two walls keep the browser off the network: Playwright aborts every request not to the local
server, and Chromium resolves no host name but 127.0.0.1. Any request to another host that the
site even attempts (a font, a CDN, PyPI) fails the test, which names it.

Needs: the built site (``make book``), Node.js, ``npm ci --prefix tests/live_browser``
(playwright-core, pinned in its package-lock.json; ``make test`` runs it) and Debian's chromium
(``make browser``). ``LIVE_SITE_DIR`` points the test at another built site (a copy of
``_build/html``) while the test itself is being developed.
"""
import contextlib
import functools
import http.server
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import threading
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("LIVE_SITE_DIR", ROOT / "_build" / "html"))
DRIVER_DIR = ROOT / "tests" / "live_browser"
DRIVER = DRIVER_DIR / "live_check.mjs"
REPORTS = ROOT / "_build" / "reports"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
CHAPTER = "chapters/04_lstm_gru.html"
NOTEBOOK = "04_lstm_gru.ipynb"
CHAPTER_TITLE = "Long short-term memory and the GRU"

# The cell the browser runs, before and after the edit: an LSTM forward pass on seeded weights
# and inputs, summed. Pyodide's NumPy (2.0.2) and the course's agree to the 6 decimals printed.
FIRST = """import numpy as np
import rnnlib

lstm = rnnlib.LSTM(3, 8, rng=0)
x = np.random.default_rng(1).standard_normal((20, 2, 3))
out, _ = lstm.forward(x)
print(f"LSTM sum: {out.sum():.6f}")"""
SECOND = FIRST.replace("rnnlib.LSTM(3, 8, rng=0)", "rnnlib.LSTM(3, 5, rng=7)")
RESULT = re.compile(r"^LSTM sum: .*$", re.MULTILINE)
# The driver's steps, in order (a failed step means none after it ran).
STEPS = ["open chapter", "follow the live link", "wait for the kernel", "insert and run a cell",
         "edit and rerun the cell", "save and reload",
         "delete the saved copy in the file browser", "done"]


def missing_requirements():
    """What the test needs and does not find, each with how to get it."""
    missing = []
    if not (SITE / CHAPTER).exists():
        missing.append(f"the built site ({SITE / CHAPTER} is missing): run make book")
    elif not (SITE / "lite" / "notebooks" / "index.html").exists():
        missing.append(f"the site's live code ({SITE}/lite): the site was built without it "
                       "(LIVE=0?); run make book")
    if NODE is None:
        missing.append("Node.js (node, version 20 or later) is not installed")
    if not (DRIVER_DIR / "node_modules" / "playwright-core" / "package.json").exists():
        missing.append("playwright-core: run npm ci --prefix tests/live_browser "
                       "(make test runs it)")
    if CHROMIUM is None:
        missing.append("Chromium is not installed (make browser installs Debian's chromium)")
    return missing


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site quietly, recording each response: (time, path, status, body bytes)."""

    def log_request(self, code="-", size="-"):
        self.server.statuses.append((self.path, int(code)))

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        sent = 0
        while chunk := source.read(1 << 16):
            outputfile.write(chunk)
            sent += len(chunk)
        self.server.served.append((time.time(), self.path, sent))


class SiteServer(http.server.ThreadingHTTPServer):
    def __init__(self, *args):
        super().__init__(*args)
        self.served, self.statuses = [], []

    def handle_error(self, request, client_address):
        pass  # the browser cancels some requests (a closed connection), which is harmless


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(CountingHandler, directory=str(SITE))
    httpd = SiteServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def cpython_result(code):
    """The line ``code`` prints when the repository's CPython rnnlib runs it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<live cell>", "exec"), {})
    return RESULT.findall(out.getvalue())


@pytest.fixture(scope="module")
def run(server, request):
    """Run the browser scenario once; return its report, the server's records, expected lines."""
    missing = missing_requirements()
    if missing:
        pytest.fail("the live-code browser test cannot run; missing:\n  " + "\n  ".join(missing))
    httpd, base = server
    expected = cpython_result(FIRST), cpython_result(SECOND)
    REPORTS.mkdir(parents=True, exist_ok=True)
    config = {"base": base, "chapter": CHAPTER, "first": FIRST, "second": SECOND,
              "chromium": CHROMIUM, "screenshot": str(REPORTS / "live_browser.png")}
    try:
        proc = subprocess.run([NODE, str(DRIVER), json.dumps(config)], cwd=DRIVER_DIR,
                              capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the browser run did not finish in 300 s; its log:\n{e.stderr}")
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, (
        f"the driver failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    report = json.loads(lines[-1])
    record = dict(report, served=[{"time": t, "path": p, "bytes": n} for t, p, n in httpd.served])
    (REPORTS / "live_browser.json").write_text(json.dumps(record, indent=1))
    summary = summarize(report, httpd)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + summary)
    return {"report": report, "server": httpd, "base": base, "expected": expected}


def summarize(report, httpd):
    """What the run measured, in a few lines (printed with the test results)."""
    lines = ["live code in Chromium (tests/site/test_live_browser.py):"]
    if "readyAt" in report:
        count, size = downloaded(report, httpd, "readyAt")
        lines.append(f"  kernel ready {report['secondsToReady']:.1f} s after the click; "
                     f"{size / 1e6:.1f} MB in {count} responses from the local server")
    if "firstRunDoneAt" in report:
        count, size = downloaded(report, httpd, "firstRunDoneAt")
        lines.append(f"  click to the first cell's result: {size / 1e6:.1f} MB in {count} "
                     "responses")
    if "secondRunSeconds" in report:
        lines.append(f"  first run (imports rnnlib) {report['firstRunSeconds']:.1f} s, "
                     f"rerun {report['secondRunSeconds']:.1f} s")
    lines.append(f"  whole browser run {report['seconds']:.0f} s; refused requests: "
                 f"{report['refused'] or 'none'}")
    def short(url):  # the path on the local server
        return url.split("/", 3)[-1]
    for c in report["console"]:
        if c["type"] == "error":
            lines.append(f"  console error on {short(c['page'])}: {c['text'][:150]} "
                         f"({short(c['source'] or '?')})")
    for e in report["pageErrors"]:
        lines.append(f"  page error on {short(e['page'])}: {e['text'].splitlines()[0][:150]}")
    if report.get("error"):
        lines.append(f"  STOPPED at {report['failedStep']!r}: {report['error'][:300]}")
    return "\n".join(lines)


def downloaded(report, httpd, until):
    """(responses, body bytes) the local server sent from the click on the live link to the
    driver's timestamp ``until`` (a fresh browser profile: nothing is cached)."""
    start, end = report["clickAt"] / 1000, report[until] / 1000
    sizes = [n for t, _, n in httpd.served if start <= t <= end]
    return len(sizes), sum(sizes)


def reached(report, step):
    """Fail, saying where and why, unless the browser run got through ``step``."""
    failed = report.get("failedStep")
    if failed is not None and STEPS.index(failed) <= STEPS.index(step):
        pytest.fail(f"the browser run stopped at step {failed!r}: {report['error']}")


def printed(outputs):
    return RESULT.findall("".join(outputs or []))


def test_no_request_to_another_host(run):
    """The live code needs no network and tries none: no font, CDN or package index."""
    report = run["report"]
    reached(report, "open chapter")
    assert not report["refused"], f"requests to other hosts were attempted: {report['refused']}"
    foreign = [f for f in report["failed"] if not f["url"].startswith(run["base"] + "/")]
    assert not foreign, f"requests to other hosts failed: {foreign}"


def test_wasm_is_served_as_application_wasm(run):
    """Browsers compile WebAssembly while it streams in only if it comes as application/wasm."""
    with urllib.request.urlopen(run["base"] + "/lite/static/pyodide/pyodide.asm.wasm") as r:
        assert r.headers["Content-Type"] == "application/wasm"
    report = run["report"]
    reached(report, "wait for the kernel")
    assert report["wasmTypes"], "the browser loaded no .wasm file"
    assert all(w["type"] == "application/wasm" for w in report["wasmTypes"]), report["wasmTypes"]


def test_live_link_opens_the_chapter_with_a_ready_kernel(run):
    """The chapter's link opens its notebook in JupyterLite, in a new tab, and Pyodide starts."""
    report = run["report"]
    reached(report, "wait for the kernel")
    assert report["link"]["target"] == "_blank"
    assert report["liveUrl"].endswith(f"/lite/notebooks/index.html?path={NOTEBOOK}")
    assert report["title"] == NOTEBOOK.removesuffix(".ipynb")
    assert CHAPTER_TITLE in report["firstCellOnOpen"]["text"]
    assert report["kernelStatuses"][-1]["status"] == "idle"


def test_cell_prints_what_cpython_rnnlib_prints(run):
    """A new cell that imports rnnlib prints, in the page, the number CPython computes."""
    report, (first, _) = run["report"], run["expected"]
    reached(report, "insert and run a cell")
    assert len(first) == 1, f"CPython printed {first}"
    assert printed(report["firstOutput"]) == first, (
        f"the page shows {report['firstOutput']}, CPython prints {first}")


def test_edited_cell_prints_the_new_number(run):
    """Edited and rerun, the cell shows the new number (CPython's) and no longer the old one."""
    report, (first, second) = run["report"], run["expected"]
    reached(report, "edit and rerun the cell")
    assert first != second, "the edit does not change the number: the test would check nothing"
    assert "rnnlib.LSTM(3, 5, rng=7)" in report["secondSource"]
    assert "rnnlib.LSTM(3, 8, rng=0)" not in report["secondSource"]
    assert printed(report["secondOutput"]) == second, (
        f"the page shows {report['secondOutput']}, CPython prints {second}")


def test_saved_edit_persists_and_deleting_it_restores_the_chapter(run):
    """Saved (Ctrl+S), the edit is kept in the browser (IndexedDB "JupyterLite Storage") and is
    there after a reload; deleting the file in JupyterLite's file browser drops that copy and
    the chapter opens as the site serves it again (the reset the course documents)."""
    report = run["report"]
    reached(report, "delete the saved copy in the file browser")
    assert report["savedBeforeSave"] is None, "an edit was stored before it was saved"
    assert report["savedAfterSave"] and report["savedAfterSave"][0] == SECOND, (
        "the saved notebook in the browser's storage does not start with the edited cell")
    assert "rnnlib.LSTM(3, 5, rng=7)" in report["firstCellAfterReload"]["text"], (
        f"after a reload the first cell is {report['firstCellAfterReload']['text'][:200]!r}")
    assert report["savedAfterDelete"] is None, "the browser still holds the edited copy"
    after = report["firstCellAfterDelete"]
    assert "jp-MarkdownCell" in after["classes"] and CHAPTER_TITLE in after["text"], (
        f"after deleting the saved copy the first cell is {after['text'][:200]!r}")


def test_no_missing_files_on_the_local_server(run):
    """Every file the live code asks the local server for exists (Chromium's automatic
    /favicon.ico request, which the site does not serve, aside)."""
    report = run["report"]
    reached(report, "open chapter")
    errors = [(p, c) for p, c in run["server"].statuses if c >= 400 and p != "/favicon.ico"]
    assert not errors, f"the local server answered with errors: {errors}"
