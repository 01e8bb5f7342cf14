"""Run the chapters' code in the site's browser runtime (Pyodide) and compare with the book.

For each chapter notebook, ``live_chapters.mjs`` starts Pyodide 0.27.7 in Node from the built
site's files (``SITE/lite/static/pyodide``), installs the JupyterLite kernel's Python side from
the site (``pyodide_kernel``: IPython's InteractiveShell, matplotlib's inline backend, i.e.
Agg, and ``loadPackagesFromImports`` before every cell) and runs every code cell in order,
the first (``install-rnnlib``) included.  This script then compares each cell's text with the
text stored in the notebook: stdout and the ``text/plain`` of results and displays (images
and HTML are ignored, a widget counts as being there), and records per chapter the wall
time, the slowest cells, the cells that raised and a short diff for every cell whose text
differs.

``--native`` runs the same cells with the same capture in this interpreter's environment (the
course's own: CPython 3.11, numpy 2.4.6), in a subprocess; this checks the comparison itself
(natively every cell's text matches) and gives native times measured under the same load.
Without it the native times are taken from the "Time budget" table of running.md.

    .venv/bin/python benchmarks/live_chapters.py [CHAPTER ...] [--site DIR] [--native]
        CHAPTER: 1 .. 6 or a notebook name; default all six, one after another
        --site: default ROOT/_build/html (``make book``)
        --timeout S: stop a chapter after S seconds (default 1200) and record how far it got
        --rate-probe: instead, time chapter 6's main model's update in both runtimes

Results are merged into ``benchmarks/results/live_chapters.json`` (one entry per chapter and
runtime, so chapters can be run one at a time) and a summary table is printed.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
HELPER = pathlib.Path(__file__).with_name("live_chapters.mjs")
RESULTS = pathlib.Path(__file__).with_name("results") / "live_chapters.json"
WIDGET = "application/vnd.jupyter.widget-view+json"
NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


# --- the notebook side -------------------------------------------------------------------------

def chapter_path(spec):
    """The notebook for ``spec``: a chapter number (1 .. 6) or a file name."""
    if spec.isdigit():
        found = sorted(CHAPTERS.glob(f"{int(spec):02d}_*.ipynb"))
    else:
        found = [p for p in sorted(CHAPTERS.glob("*.ipynb")) if p.stem.startswith(spec)
                 or p.name == spec]
    if len(found) != 1:
        raise SystemExit(f"no single chapter notebook for {spec!r} in {CHAPTERS}")
    return found[0]


def code_cells(nb_path):
    nb = json.loads(nb_path.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def first_line(src):
    lines = [ln for ln in src.splitlines() if ln.strip()]
    return lines[0][:90] if lines else ""


def text(value):
    return "".join(value) if isinstance(value, list) else value


def stored_items(cell):
    """The cell's stored text: [("stdout", text) | ("text/plain", text)], streams merged."""
    items = []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream" and out.get("name") == "stdout":
            add_stream(items, text(out["text"]))
        elif kind in ("execute_result", "display_data") and WIDGET in out["data"]:
            items.append(("widget", ""))        # a widget view: compared as being there
        elif kind in ("execute_result", "display_data") and "text/plain" in out["data"]:
            items.append(("text/plain", text(out["data"]["text/plain"])))
        elif kind == "error":
            items.append(("error", f"{out['ename']}: {out['evalue']}"))
    return items


def add_stream(items, chunk):
    if items and items[-1][0] == "stdout":
        items[-1] = ("stdout", items[-1][1] + chunk)
    else:
        items.append(("stdout", chunk))


# --- running -----------------------------------------------------------------------------------

def run_cells(cmd, n_cells, timeout, env=None):
    """Run ``cmd`` (which prints JSON-line events) for at most ``timeout`` seconds.

    Returns a dict: per-cell records (items, seconds, error, stderr), the startup time, the
    wall time, and whether (and where) it was stopped or died."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    cells = [{"items": [], "stderr": "", "seconds": None, "error": None, "comms": 0}
             for _ in range(n_cells)]
    run = {"cells": cells, "startup_s": None, "timed_out": False, "fatal": None,
           "versions": None, "current": None, "current_started": None, "log_tail": ""}
    buffers = {"out": b"", "err": b""}
    open_streams = 2
    while open_streams:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            run["timed_out"] = True
            os.killpg(proc.pid, 9)          # our own child's process group, by its id
            break
        for key, _ in sel.select(timeout=min(left, 5.0)):
            chunk = os.read(key.fileobj.fileno(), 1 << 16)
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
                continue
            buffers[key.data] += chunk
            *lines, buffers[key.data] = buffers[key.data].split(b"\n")
            for line in lines:
                if key.data == "err":
                    run["log_tail"] = (run["log_tail"] + line.decode(errors="replace")
                                       + "\n")[-3000:]
                elif line.strip():
                    handle_event(run, json.loads(line), start)
    proc.wait()
    run["wall_s"] = round(time.monotonic() - start, 2)
    run["returncode"] = proc.returncode
    return run


def handle_event(run, ev, start):
    kind = ev["ev"]
    cell = run["cells"][ev["cell"]] if "cell" in ev and ev["cell"] >= 0 else None
    if kind == "ready":
        run["startup_s"] = round(time.monotonic() - start, 2)
        run["versions"] = ev["versions"]
    elif kind == "start":
        run["current"], run["current_started"] = ev["cell"], time.monotonic()
    elif kind == "stream" and cell is not None:
        if ev["name"] == "stdout":
            add_stream(cell["items"], ev["text"])
        else:
            cell["stderr"] += ev["text"]
    elif kind in ("display", "result") and cell is not None:
        if ev.get("update"):
            cell["updates"] = cell.get("updates", 0) + 1
        elif WIDGET in ev.get("mimes", []):
            cell["items"].append(("widget", ""))
        elif ev.get("text") is not None:
            cell["items"].append(("text/plain", ev["text"]))
    elif kind == "clear" and cell is not None:
        cell["items"] = []
    elif kind == "done":
        cell["seconds"] = ev["seconds"]
        cell["error"] = ev["error"]
        cell["comms"] = ev.get("comms", 0)
        run["current"] = None
        note = f", raised {ev['error']['evalue'][:60]}" if ev["error"] else ""
        print(f"  cell {ev['cell']:2d}: {ev['seconds']:6.1f} s at {ev['t']:6.0f} s{note}",
              file=sys.stderr, flush=True)
    elif kind == "end":
        run["versions"] = ev["versions"]
    elif kind == "fatal":
        run["fatal"] = ev["error"]


def pyodide_cmd(site, cells_file):
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node (Node.js >= 18) is needed: apt-get install nodejs")
    pyodide = site / "lite" / "static" / "pyodide" / "pyodide.mjs"
    if not pyodide.exists():
        raise SystemExit(f"{pyodide} is missing: build the site with `make book` "
                         "(or give --site DIR of a built site)")
    return [node, str(HELPER), str(site), str(cells_file)]


# --- a rate probe: the work of chapter 6's long cells, timed in a few units --------------------

PROBE = [
    """import time
import numpy as np
from rnnlib import LSTM, Adam, SequenceModel, Stacked, fit, lm, softmax_cross_entropy, text
corpus = text.shakespeare()
vocab = text.CharVocab(corpus)
K = vocab.size
train_ids, valid_ids = (vocab.encode(t) for t in text.shakespeare_split(corpus))
eye = np.eye(K, dtype=np.float32)


def timed(f, n):
    f()                                       # once first: buffers, caches
    t = time.perf_counter()
    for _ in range(n):
        f()
    return (time.perf_counter() - t) / n""",
    """gen = np.random.default_rng(0)           # chapter 6's main model: 239,297 parameters
model = SequenceModel(Stacked([LSTM(K, 128, rng=gen, dtype=np.float32),
                               LSTM(128, 128, rng=gen, dtype=np.float32)]),
                      K, rng=gen, dtype=np.float32)
stream = text.char_stream(train_ids, 32, 16)
opt = Adam(2e-2)


def batch(i):
    x, y = next(stream)
    return eye[x], y


s = timed(lambda: fit(model, batch, softmax_cross_entropy, opt, 10, clip_norm=1.0,
                      carry_state=True), 2) / 10
print(f"ch6 main model, one update (T = 32, B = 16): {s * 1e3:.1f} ms; "
      f"2400 updates: {2400 * s / 60:.1f} min")""",
    """s = timed(lambda: lm.stream_nll(model, valid_ids[:16385]), 1) * 111540 / 16384
print(f"ch6 main model, loss on the whole validation text: {s:.1f} s")""",
    """for dt in (np.float32, np.float64):
    a, w = np.ones((16, 128), dt), np.ones((128, 512), dt)
    s = timed(lambda: a @ w, 200)
    print(f"(16, 128) @ (128, 512) {np.dtype(dt).name}: {s * 1e6:.0f} us")""",
]


def rate_probe(args):
    """Time the probe in both runtimes: {runtime: {"stdout": [...], "wall_s": ...}}."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        cells_file = pathlib.Path(tmp) / "cells.json"
        cells_file.write_text(json.dumps(PROBE))
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        for runtime, cmd in (("pyodide", pyodide_cmd(args.site, cells_file)),
                             ("native", native_cmd(cells_file))):
            print(f"rate probe: {runtime} ...", flush=True)
            run = run_cells(cmd, len(PROBE), args.timeout, env=env)
            lines = [ln for c in run["cells"] for ln in lines_of(c["items"])]
            errors = [c["error"]["evalue"] for c in run["cells"] if c["error"]]
            out[runtime] = {"stdout": lines, "errors": errors, "wall_s": run["wall_s"],
                            "versions": run["versions"]}
            print("\n".join("    " + ln for ln in lines + errors))
    out["date"] = datetime.datetime.now().isoformat(timespec="seconds")
    return out


# --- the native worker: the same capture in this interpreter -----------------------------------

def native_worker(cells_file):
    """Run the cells in an IPython InteractiveShell here, printing the helper's events."""
    cells = json.loads(pathlib.Path(cells_file).read_text())
    events = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)                            # stray writes to fd 1 must not break the events
    t0 = time.monotonic()
    state = {"cell": -1}

    def emit(**ev):
        events.write(json.dumps({"t": time.monotonic() - t0, **ev}) + "\n")

    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Stream:
        encoding = "utf-8"

        def __init__(self, name):
            self.name = name

        def write(self, s):
            emit(ev="stream", cell=state["cell"], name=self.name, text=s)
            return len(s)

        def flush(self):
            pass

        def isatty(self):
            return False

    class Hook(DisplayHook):                 # as pyodide_kernel's LiteDisplayHook
        def start_displayhook(self):
            self.data = {}

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.data = format_dict

        def finish_displayhook(self):
            emit(ev="result", cell=state["cell"], mimes=sorted(self.data),
                 text=self.data.get("text/plain"))

    class Pub(DisplayPublisher):             # as pyodide_kernel's LiteDisplayPublisher
        def publish(self, data, metadata=None, source=None, *, transient=None,
                    update=False, **kwargs):
            emit(ev="display", cell=state["cell"], update=update, mimes=sorted(data),
                 text=data.get("text/plain"))

        def clear_output(self, wait=False):
            emit(ev="clear", cell=state["cell"])

    class Shell(InteractiveShell):
        def _showtraceback(self, etype, evalue, stb):
            self.last_tb = {"ename": str(etype), "evalue": str(evalue),
                            "traceback": re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(stb))}

    shell = Shell.instance(displayhook_class=Hook, display_pub_class=Pub)
    import importlib.metadata as md
    versions = {"python": sys.version.split()[0], "platform": sys.platform}
    sys.stdout, sys.stderr = Stream("stdout"), Stream("stderr")
    emit(ev="ready", versions=versions, cells=len(cells))
    for i, src in enumerate(cells):
        state["cell"] = i
        shell.last_tb = None
        emit(ev="start", cell=i)
        start = time.perf_counter()
        shell.run_cell(src, store_history=True)
        emit(ev="done", cell=i, seconds=time.perf_counter() - start, error=shell.last_tb)
    for p in ("numpy", "matplotlib", "ipython", "ipywidgets", "rnnlib"):
        try:
            versions[p] = md.version(p)
        except md.PackageNotFoundError:      # e.g. rnnlib on PYTHONPATH
            versions[p] = None
    emit(ev="end", versions=versions)


def native_cmd(cells_file):
    return [sys.executable, str(pathlib.Path(__file__).resolve()), "--native-worker",
            str(cells_file)]


# --- comparing ---------------------------------------------------------------------------------

def lines_of(items):
    out = []
    for kind, txt in items:
        body = txt.splitlines() or [""]
        if kind == "stdout":
            out += body
        else:
            out += [f"[{kind}] {body[0]}"] + body[1:]
    return out


def numeric_gap(a, b):
    """For two lines equal but for their numbers: the largest difference in units of the
    last printed digit, else None."""
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return None
    worst = 0.0
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)):
        if x == y:
            continue
        try:
            fx, fy = float(x.replace(",", "")), float(y.replace(",", ""))
        except ValueError:
            return None
        mant = x.replace(",", "").lower().split("e")[0]
        digits = len(mant.split(".")[1]) if "." in mant else 0
        exp = int(x.lower().split("e")[1]) if "e" in x.lower() else 0
        unit = 10.0 ** (exp - digits)
        worst = max(worst, abs(fx - fy) / unit)
    return worst


def compare(stored, live):
    """None if the texts are equal, else a short description of the difference."""
    if stored == live:
        return None
    a, b = lines_of(stored), lines_of(live)
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    gaps = [numeric_gap(x, y) for x, y in zip(a, b) if x != y]
    if len(a) == len(b) and all(g is not None for g in gaps):
        nature = f"numbers only, in {len(gaps)} line(s); at most {max(gaps):g} in the last digit"
    else:
        nature = "text"
    return {"line": first + 1, "stored": a[first] if first < len(a) else "<end>",
            "live": b[first] if first < len(b) else "<end>",
            "stored_lines": len(a), "live_lines": len(b), "nature": nature}


def summarize(nb_path, cells, run):
    """The chapter's record: times, errors, text matches and diffs."""
    records = []
    for i, (cell, got) in enumerate(zip(cells, run["cells"])):
        src = source(cell)
        rec = {"cell": i, "first_line": first_line(src), "seconds": got["seconds"]}
        if got["seconds"] is not None:
            rec["diff"] = compare(stored_items(cell), got["items"])
            rec["has_text"] = bool(stored_items(cell))
        rec["error"] = got["error"]
        rec["stderr"] = got["stderr"][:400]
        rec["after_error"] = any(r["error"] for r in records)
        rec["widgets"] = sum(kind == "widget" for kind, _ in got["items"])
        rec["comms"] = got["comms"] - (run["cells"][i - 1]["comms"] if i else 0)
        records.append(rec)
    done = [r for r in records if r["seconds"] is not None]
    raised = [{"cell": r["cell"], "first_line": r["first_line"],
               "exception": f"{r['error']['ename']}: {r['error']['evalue']}",
               "traceback_tail": r["error"]["traceback"].splitlines()[-12:]}
              for r in done if r["error"]]
    mismatches = [{"cell": r["cell"], "first_line": r["first_line"], **r["diff"],
                   "raised": bool(r["error"]), "after_error": r["after_error"]}
                  for r in done if r["diff"] is not None]
    widgets = [{"cell": r["cell"], "first_line": r["first_line"], "widget_views": r["widgets"],
                "comm_messages": r["comms"], "raised": bool(r["error"])}
               for r in done if r["widgets"] or r["comms"]]
    stderr = [{"cell": r["cell"], "stderr": r["stderr"]} for r in done if r["stderr"]]
    slowest = sorted(done, key=lambda r: -r["seconds"])[:5]
    result = {
        "notebook": str(nb_path.relative_to(ROOT)),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "versions": run["versions"],
        "code_cells": len(cells),
        "cells_run": len(done),
        "runs_fully": (len(done) == len(cells) and not raised and not run["timed_out"]
                       and run["fatal"] is None),
        "wall_s": run["wall_s"],
        "startup_s": run["startup_s"],
        "cells_s": round(sum(r["seconds"] for r in done), 2),
        "slowest": [{"cell": r["cell"], "first_line": r["first_line"],
                     "seconds": round(r["seconds"], 2)} for r in slowest],
        "raised": raised,
        "text_cells": sum(r["has_text"] for r in done),
        "matched": sum(r["diff"] is None for r in done),
        "text_matched": sum(r["diff"] is None and r["has_text"] for r in done),
        "mismatches": mismatches,
        "stderr": stderr,
        "widget_cells": widgets,
        "timed_out": run["timed_out"],
        "fatal": run["fatal"],
    }
    if run["timed_out"] and run["current"] is not None:
        i = run["current"]
        result["stopped_in"] = {"cell": i, "first_line": first_line(source(cells[i])),
                                "seconds_in_cell": round(time.monotonic()
                                                         - run["current_started"], 1),
                                "stdout_so_far": lines_of(run["cells"][i]["items"])[-10:]}
    if run["fatal"] or run["returncode"] not in (0, None) and not run["timed_out"]:
        result["log_tail"] = run["log_tail"][-1500:]
    return result


def running_md_times():
    """Native wall times from running.md's "Time budget" table: {stem: "27 s"}."""
    times = {}
    for line in (ROOT / "running.md").read_text().splitlines():
        m = re.match(r"\|\s*`chapters/(\w+)\.ipynb`\s*\|\s*([^|]+)\|\s*([^|/]+)/", line)
        if m:
            times[m.group(1)] = m.group(3).strip()
    return times


# --- main --------------------------------------------------------------------------------------

def run_chapter(nb_path, args, native):
    cells = code_cells(nb_path)
    with tempfile.TemporaryDirectory() as tmp:
        cells_file = pathlib.Path(tmp) / "cells.json"
        cells_file.write_text(json.dumps([source(c) for c in cells]))
        if native:
            env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                       MKL_NUM_THREADS="1")
            run = run_cells(native_cmd(cells_file), len(cells), args.timeout, env=env)
        else:
            run = run_cells(pyodide_cmd(args.site, cells_file), len(cells), args.timeout)
    return summarize(nb_path, cells, run)


def print_table(results, native_md):
    head = (f"{'chapter':24s} {'runtime':8s} {'full':5s} {'raised':6s} {'text ok':9s} "
            f"{'startup':>8s} {'wall':>8s} {'native (running.md)':>20s}")
    print(head)
    print("-" * len(head))
    for stem, entry in sorted(results.items()):
        for runtime in ("pyodide", "native"):
            r = entry.get(runtime)
            if not r:
                continue
            full = "yes" if r["runs_fully"] else ("STOP" if r["timed_out"] else "no")
            ok = f"{r['text_matched']}/{r['text_cells']}"
            start = f"{r['startup_s']:.0f} s" if r["startup_s"] is not None else "-"
            print(f"{stem:24s} {runtime:8s} {full:5s} {len(r['raised']):6d} {ok:9s} "
                  f"{start:>8s} {r['wall_s']:6.0f} s {native_md.get(stem, '?'):>20s}")
            for e in r["raised"]:
                print(f"    cell {e['cell']} raised {e['exception'][:80]}  ({e['first_line']})")
            for m in r["mismatches"]:
                print(f"    cell {m['cell']} differs at line {m['line']} ({m['nature']}):")
                print(f"        stored: {m['stored'][:85]}")
                print(f"        live:   {m['live'][:85]}")
            if r.get("stopped_in"):
                s = r["stopped_in"]
                print(f"    stopped after {r['wall_s']:.0f} s in cell {s['cell']} "
                      f"({s['first_line']}), {s['seconds_in_cell']} s into it")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="1 .. 6 or notebook names; default all")
    parser.add_argument("--site", type=pathlib.Path, default=ROOT / "_build" / "html")
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--native", action="store_true",
                        help="also run natively (this Python) with the same capture")
    parser.add_argument("--rate-probe", action="store_true",
                        help="time chapter 6's main model's update in both runtimes instead")
    parser.add_argument("--native-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--native-worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS)
    args = parser.parse_args()
    if args.native_worker:
        return native_worker(args.native_worker)
    args.site = args.site.resolve()
    notebooks = [chapter_path(c) for c in args.chapters] or sorted(CHAPTERS.glob("*.ipynb"))
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    if args.rate_probe:
        results["_rate_probe"] = rate_probe(args)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        return
    native_md = running_md_times()
    for nb_path in notebooks:
        entry = results.setdefault(nb_path.stem, {})
        entry["native_running_md"] = native_md.get(nb_path.stem)
        runtimes = (["native"] if args.native_only else
                    ["pyodide"] + (["native"] if args.native else []))
        for runtime in runtimes:
            print(f"{nb_path.name}: running in {runtime} ...", flush=True)
            entry[runtime] = run_chapter(nb_path, args, native=runtime == "native")
            if runtime == "pyodide":
                entry[runtime]["site"] = str(args.site)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print_table({nb.stem: results[nb.stem] for nb in notebooks}, native_md)


if __name__ == "__main__":
    main()
