"""The site's live code, in a real browser, with every request outside the local server refused.

Headless Chromium, driven by playwright-core (``tests/live_browser/live_check.mjs``), opens a
chapter page of the built site, follows its "Run this chapter live" link into JupyterLite,
waits for the Pyodide kernel, inserts a code cell that imports ``rnnlib`` and prints a number
computed with it, runs it, edits it and runs it again. The printed numbers must be the ones the
repository's own CPython ``rnnlib`` prints for the same code. A second cell shows an
ipywidgets slider (as the chapters' explorations do) whose callback prints an ``rnnlib``
number; the test moves the slider (a click on its track) and the printed number must follow.
Then it saves, reloads (the edit must survive, kept in the browser's storage) and deletes the
saved copy in JupyterLite's file browser (the chapter must be back as the site serves it): the
reset the course documents.

It also checks what the reader is told: the download the chapter pages state
(``FIRST_DOWNLOAD_MB``) against what the browser fetched up to the first result; and that the
pages raise no JavaScript error and log no console error beyond a short allow-list (``ALLOWED``,
each entry with its reason). Console warnings are printed, not failed on.

Two walls keep the browser off the network: Playwright aborts every request not to the local
server, and Chromium resolves no host name but 127.0.0.1. Any request to another host that the
site even attempts (a font, a CDN, PyPI) fails the test, which names it.

Needs: the built site (``make book``), Node.js 20 or later, ``npm ci --prefix tests/live_browser``
(playwright-core, pinned in its package-lock.json; ``make test`` runs it) and Debian's chromium
(``make browser``). ``LIVE_SITE_DIR`` points the test at another built site (a copy of
``_build/html``) while the test itself is being developed. The run's times and download sizes
go to ``_build/reports/live_browser.json`` and into one line of the test log.
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
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("LIVE_SITE_DIR", ROOT / "_build" / "html"))
DRIVER_DIR = ROOT / "tests" / "live_browser"
DRIVER = DRIVER_DIR / "live_check.mjs"
REPORTS = ROOT / "_build" / "reports"
sys.path.insert(0, str(ROOT / "tools"))
from sphinx_live_code import FIRST_DOWNLOAD_MB  # noqa: E402  (the size the chapter pages state)
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

# The widget cell, inserted below the first: an interact() slider whose callback prints an LSTM
# sum for the chosen hidden size. The driver clicks the slider one step right (2 -> 3).
WIDGET_SETUP = """import numpy as np
import rnnlib

x = np.random.default_rng(1).standard_normal((20, 2, 3))


def show(hidden):
    out, _ = rnnlib.LSTM(3, hidden, rng=0).forward(x)
    print(f"hidden {hidden}: LSTM sum {out.sum():.6f}")"""
WIDGET = ("import ipywidgets as widgets\n" + WIDGET_SETUP + "\n\n\nwidgets.interact(show, "
          'hidden=widgets.IntSlider(value=2, min=1, max=6, description="hidden"));')
WIDGET_RESULT = re.compile(r"^hidden \d+: LSTM sum .*$", re.MULTILINE)

# The driver's steps, in order (a failed step means none after it ran).
STEPS = ["open chapter", "follow the live link", "wait for the kernel", "insert and run a cell",
         "edit and rerun the cell", "run a widget cell and move its slider", "save and reload",
         "delete the saved copy in the file browser", "done"]

# Page errors (uncaught JavaScript exceptions) and console errors the test accepts; any other
# fails it. Each: (kind, message pattern, where), its reason in the comment above it; where is
# matched against the page's path for a page error, against the logging script's (or the failed
# resource's) path for a console error.
ALLOWED = [
    # Notebook 7's checkpoint indicator reads the last checkpoint of a notebook that has none
    # yet (a fresh browser storage): the indicator stays empty, nothing else is affected.
    ("page error", r"Cannot read properties of undefined \(reading 'last_modified'\)",
     r"^/lite/"),
    # sphinx-thebe's inline configuration is in every page's head twice (so the second
    # `const` fails); it predates the live code and is there with LIVE=0 as well.
    ("page error", r"Identifier 'THEBE_JS_URL' has already been declared", r"^/chapters/"),
    # pydata-sphinx-theme 0.17.1 (under sphinx-book-theme 1.3.0): its default_mode is empty,
    # so on a fresh profile (no stored mode) it logs this and uses "auto"; also with LIVE=0.
    ("console error", r"^Got invalid theme mode: \. Resetting to auto\.$",
     r"/_static/scripts/pydata-sphinx-theme\.js$"),
    # Chromium asks every origin for /favicon.ico; the site has none at the server's root.
    ("console error", r"^Failed to load resource: .* 404 ", r"^/favicon\.ico$"),
]


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
    else:
        version = subprocess.run([NODE, "--version"], capture_output=True,
                                 text=True).stdout.strip()
        major = re.match(r"v(\d+)\.", version)
        if not major or int(major.group(1)) < 20:   # playwright-core 1.64 needs Node.js 20
            missing.append(f"Node.js 20 or later is needed, found {version or '?'} ({NODE})")
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


def cpython_result(code, pattern=RESULT):
    """The lines ``code`` prints (those ``pattern`` matches) when CPython's rnnlib runs it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<live cell>", "exec"), {})
    return pattern.findall(out.getvalue())


@pytest.fixture(scope="module")
def run(server, request):
    """Run the browser scenario once; return its report, the server's records, expected lines."""
    missing = missing_requirements()
    if missing:
        pytest.fail("the live-code browser test cannot run; missing:\n  " + "\n  ".join(missing))
    httpd, base = server
    expected = cpython_result(FIRST), cpython_result(SECOND)
    widget = [cpython_result(WIDGET_SETUP + f"\nshow({k})", WIDGET_RESULT) for k in (2, 3)]
    REPORTS.mkdir(parents=True, exist_ok=True)
    config = {"base": base, "chapter": CHAPTER, "first": FIRST, "second": SECOND,
              "widget": WIDGET, "widgetFirst": r"^hidden 2: ", "widgetSecond": r"^hidden 3: ",
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
    report["timings"] = timings(report, httpd)
    record = dict(report, served=[{"time": t, "path": p, "bytes": n} for t, p, n in httpd.served])
    (REPORTS / "live_browser.json").write_text(json.dumps(record, indent=1))
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + summarize(report))
    return {"report": report, "server": httpd, "base": base, "expected": expected,
            "widget": widget}


def timings(report, httpd):
    """The run's times (s) and downloads (MB, from the click on the live link), None for what
    the run did not get to."""
    def mb(until):
        return round(downloaded(report, httpd, until)[1] / 1e6, 2) if until in report else None
    return {"seconds_click_to_kernel_ready": report.get("secondsToReady"),
            "seconds_first_run": report.get("firstRunSeconds"),
            "seconds_rerun": report.get("secondRunSeconds"),
            "seconds_widget_cell": report.get("widgetRunSeconds"),
            "seconds_slider_to_new_output": report.get("sliderSeconds"),
            "mb_to_kernel_ready": mb("readyAt"), "mb_to_first_result": mb("firstRunDoneAt"),
            "mb_stated_on_the_pages": FIRST_DOWNLOAD_MB,
            "seconds_whole_browser_run": round(report["seconds"], 1)}


def summarize(report):
    """One line with what the run measured, then the console's warnings and errors and the
    pages' errors, each once with its count (printed with the test results)."""
    t = report["timings"]
    def num(value, unit):
        return "-" if value is None else f"{value:.1f} {unit}"
    lines = [f"live code in Chromium: kernel ready {num(t['seconds_click_to_kernel_ready'], 's')}"
             f" after the click ({num(t['mb_to_kernel_ready'], 'MB')}), first run "
             f"{num(t['seconds_first_run'], 's')}, rerun {num(t['seconds_rerun'], 's')}, widget "
             f"{num(t['seconds_widget_cell'], 's')} + slider "
             f"{num(t['seconds_slider_to_new_output'], 's')}; click to first result "
             f"{num(t['mb_to_first_result'], 'MB')} (pages say {FIRST_DOWNLOAD_MB} MB); whole "
             f"run {t['seconds_whole_browser_run']:.0f} s; refused requests: "
             f"{len(report['refused'])}"]
    seen = {}   # (kind, first line of the text, verdict) -> the pages, one per occurrence
    for kind, text, page, where in messages(report):
        verdict = ("" if kind == "console warning" else
                   " (allowed)" if allowed(kind, text, where) else " (NOT ALLOWED)")
        seen.setdefault((kind, text.splitlines()[0][:160], verdict), []).append(page)
    for (kind, text, verdict), pages in seen.items():
        count = f" {len(pages)}x" if len(pages) > 1 else ""
        lines.append(f"  {kind}{count}{verdict} on {', '.join(sorted(set(pages)))}: {text}")
    if report.get("error"):
        lines.append(f"  STOPPED at {report['failedStep']!r}: {report['error'][:300]}")
    return "\n".join(lines)


def path_of(url):
    return urllib.parse.urlsplit(url or "").path


def messages(report):
    """(kind, text, page path, where) of each console warning and error and each page error;
    where is what ALLOWED matches: the page's path (page error) or the source's (console)."""
    for c in report["console"]:
        yield f"console {c['type']}", c["text"], path_of(c["page"]), path_of(c["source"])
    for e in report["pageErrors"]:
        yield "page error", e["text"], path_of(e["page"]), path_of(e["page"])


def allowed(kind, text, where):
    return any(kind == k and re.search(pattern, text) and re.search(place, where)
               for k, pattern, place in ALLOWED)


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
    """A check of the test's own harness, not of the site: the local server (Python's
    http.server) sends the .wasm files as application/wasm, which browsers require to compile
    WebAssembly as it streams in. A static host must do the same (GitHub Pages does)."""
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
    assert report["kernelName"] == "Python (Pyodide)", (
        f"the notebook's kernel is {report['kernelName']!r}, not JupyterLite's Pyodide kernel")


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


def test_widget_renders_and_its_slider_drives_the_kernel(run):
    """An ipywidgets slider renders in the live notebook (jupyterlab_widgets' widget manager
    works in JupyterLite 0.5.1, whose shared JupyterLab modules are older than it asks for) and
    moving it (a click on its track) reruns the Python callback: the printed number follows."""
    report, (before, after) = run["report"], run["widget"]
    reached(report, "run a widget cell and move its slider")
    assert len(before) == len(after) == 1 and before != after, (before, after)
    assert report["sliderShown"], (
        "no slider rendered (the widget manager did not show the widget); the cell shows "
        f"{report['widgetOutput']!r}")
    assert WIDGET_RESULT.findall(report["widgetOutput"]) == before, (
        f"before moving the slider the cell shows {report['widgetOutput']!r}, "
        f"CPython prints {before}")
    assert (report["readoutBefore"], report["readoutAfter"]) == ("2", "3"), (
        f"the slider's readout went {report['readoutBefore']!r} -> {report['readoutAfter']!r}")
    assert WIDGET_RESULT.findall(report["widgetOutputAfter"]) == after, (
        f"after moving the slider to 3 the cell shows {report['widgetOutputAfter']!r}, "
        f"CPython prints {after}")


def test_first_start_downloads_what_the_pages_state(run):
    """The chapter page tells the reader how much the first start downloads; that is what the
    browser fetched from the click on the live link to the first cell's result (a fresh
    profile), within 15 %."""
    report = run["report"]
    reached(report, "insert and run a cell")
    note = " ".join(report["linkNote"].split())   # the page writes "40&nbsp;MB"
    assert f"downloads about {FIRST_DOWNLOAD_MB} MB" in note, (
        f"the chapter page's live-code note does not state {FIRST_DOWNLOAD_MB} MB: {note!r}")
    measured = report["timings"]["mb_to_first_result"]
    assert abs(measured - FIRST_DOWNLOAD_MB) <= 0.15 * FIRST_DOWNLOAD_MB, (
        f"the first start downloads {measured:.1f} MB, the pages say about {FIRST_DOWNLOAD_MB} "
        f"MB: update FIRST_DOWNLOAD_MB in tools/sphinx_live_code.py to {round(measured)}")


def test_no_page_errors_or_console_errors(run):
    """No page raises an uncaught JavaScript error or logs a console error, beyond ALLOWED (each
    with its reason). Console warnings are printed with the summary, not failed on."""
    report = run["report"]
    reached(report, "open chapter")   # a run that stopped early fails elsewhere; its errors here
    unexpected = [f"{kind} on {page}: {text[:300]}" for kind, text, page, where
                  in messages(report) if kind in ("page error", "console error")
                  and not allowed(kind, text, where)]
    assert not unexpected, "errors in the pages:\n  " + "\n  ".join(unexpected)


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
