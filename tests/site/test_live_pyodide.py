"""rnnlib's own test suite, run with pytest inside Pyodide in Node.js, from the built site's files.

The site's live code runs rnnlib in the reader's browser on Pyodide 0.27.7 (CPython 3.12, numpy
2.0.2, matplotlib 3.8.4, a 32-bit WebAssembly platform), not on the versions the course is
developed with. This test starts Pyodide from ``_build/html/lite/static/pyodide`` and loads
rnnlib the way the site's kernel does (``loadPackagesFromImports`` against the site's
``pyodide-lock.json``, the site's rnnlib wheel), with Node's network cut off, then runs the
repository's ``tests/test_*.py`` inside it with pytest (tests/live/run_in_pyodide.mjs).

pytest, pluggy and iniconfig are pinned pure-Python wheels from PyPI, fetched once and checked
by ``tools/live_assets.fetch`` (same cache, same sha256 check); they are test-only, never part
of the site. Every test file runs except the explicit, explained list below; any failure, error
or skip inside Pyodide fails this test, and so does a file that passes no test at all.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import live_assets  # noqa: E402

PYODIDE = ROOT / "_build" / "html" / "lite" / "static" / "pyodide"
RUNNER = ROOT / "tests" / "live" / "run_in_pyodide.mjs"
TESTS = ROOT / "tests"
# pytest as in requirements.txt, and what it needs beyond the site's packaging and pygments.
PYTEST_WHEELS = [
    ("pytest==9.2.0", "pytest-9.2.0-py3-none-any.whl",
     "07acdcf88ec174f907dc01af70bf52d49b014bbab03faeeade31c96b18c2e588"),
    ("pluggy==1.7.0", "pluggy-1.7.0-py3-none-any.whl",
     "7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec"),
    ("iniconfig==2.3.1", "iniconfig-2.3.1-py3-none-any.whl",
     "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7"),
]
# Test files that cannot run in Pyodide: they check the repository, not the library, and read
# files that are not in the rnnlib wheel (the site ships the wheel, not the repository).
EXCLUDE = {
    "test_notebooks.py": "reads chapters/*.ipynb, _toc.yml, _config.yml; needs PyYAML",
    "test_publishing.py": "reads .github/, .ci/, README.md, binder/; needs PyYAML",
    "test_execution_report.py": "loads tools/execution_report.py (build tooling)",
    "test_live_assets.py": "tests tools/live_assets.py (build tooling)",
    "test_myst_plain.py": "tests tools/myst_plain.py (build tooling)",
}
# Single tests that cannot run in Pyodide.
DESELECT = {
    "tests/test_viz.py::test_import_rnnlib_leaves_the_backend_to_the_user":
        "starts a fresh Python with subprocess; Emscripten has no processes",
}
NODE_TIMEOUT = 300      # seconds; the run takes about 100 s on a shared 2-core machine


def node():
    """The ``node`` executable (Node.js >= 18, as Pyodide 0.27 needs), or a clear failure."""
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("Node.js is needed to run Pyodide outside a browser and was not found: "
                    "install it (Debian: apt-get install nodejs), then rerun", pytrace=False)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    major = int(re.match(r"v(\d+)", version).group(1))
    if major < 18:
        pytest.fail(f"Node.js {version.strip()} found, Pyodide 0.27 needs Node.js >= 18",
                    pytrace=False)
    return exe


def pytest_report(output):
    """pytest's output inside Pyodide, cut to its first tracebacks and its summary lines."""
    lines = [line for line in output.splitlines() if len(line) < 2000]   # no minified JS
    text = "\n".join(lines)
    head = text.find("= FAILURES =") if "= FAILURES =" in text else text.find("= ERRORS =")
    tail = text.find("short test summary info")
    if head < 0 or tail < 0:
        return text[-8000:]
    head, tail = text.rfind("\n", 0, head) + 1, text.rfind("\n", 0, tail) + 1
    return text[head:head + 8000] + "\n[...]\n" + text[tail:]


def test_rnnlib_suite_passes_inside_pyodide_from_the_site(capsys):
    exe = node()
    missing = [p for p in (PYODIDE / "pyodide.mjs", PYODIDE / "pyodide-lock.json") if
               not p.exists()]
    if missing:
        pytest.fail(f"the built site has no live code ({missing[0]} is missing): run make book "
                    "(with LIVE=1, the default)", pytrace=False)
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    assert "rnnlib" in lock["packages"], "the site's pyodide-lock.json does not list rnnlib"
    wheels = [str(live_assets.fetch(*wheel, how="pip")) for wheel in PYTEST_WHEELS]

    files = sorted(p.name for p in TESTS.glob("test_*.py"))
    stale = sorted(set(EXCLUDE) - set(files))
    assert not stale, f"EXCLUDE names test files that no longer exist: {stale}"
    run = [f for f in files if f not in EXCLUDE]
    args = ["-p", "no:cacheprovider", "--rootdir=/repo", "-q", "-rfEs", "--durations=5",
            # fd-level capture needs os.fstat on a temporary file, which Emscripten lacks
            "--capture=sys"]
    args += [f"--deselect={test}" for test in DESELECT] + [f"/repo/tests/{f}" for f in run]

    start = time.perf_counter()
    try:
        done = subprocess.run([exe, str(RUNNER), str(PYODIDE), str(TESTS), *wheels, "--",
                               *args], capture_output=True, text=True, timeout=NODE_TIMEOUT,
                              cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
        pytest.fail(f"Pyodide run did not finish in {NODE_TIMEOUT} s; output so far:\n"
                    f"{(out or '')[-6000:]}", pytrace=False)
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    found = re.findall(r"^PYODIDE-SUMMARY (.*)$", done.stdout, re.M)
    if not found:
        pytest.fail(f"node exited with {done.returncode} before reporting; its output (tail):\n"
                    f"{output[-6000:]}", pytrace=False)
    summary = json.loads(found[-1])
    stats = summary["stats"]
    passed = stats.get("passed", [])

    with capsys.disabled():
        print(f"\nInside Pyodide (Python {summary['python']}, numpy {summary['numpy']}, "
              f"matplotlib {summary['matplotlib']}): {len(passed)} passed, "
              f"{len(stats.get('failed', []))} failed, {len(stats.get('error', []))} errors "
              f"in {len(run)} test files; Pyodide start {summary['startup_seconds']} s, "
              f"packages {summary['load_seconds']} s, tests {summary['seconds']} s, "
              f"{seconds:.0f} s in all")

    bad = {k: stats.get(k, []) for k in ("failed", "error", "skipped", "xfailed", "xpassed")}
    if any(bad.values()) or done.returncode:
        pytest.fail("rnnlib's tests inside Pyodide (the site's live code): "
                    + "; ".join(f"{len(v)} {k}" for k, v in bad.items() if v)
                    + f" (pytest exit code {summary['exit_code']})\n{pytest_report(output)}",
                    pytrace=False)
    assert sorted(stats.get("deselected", [])) == sorted(DESELECT), \
        f"deselected {stats.get('deselected')}, expected {sorted(DESELECT)}"
    empty = [f for f in run if not any(t.startswith(f"tests/{f}::") for t in passed)]
    assert not empty, f"these test files passed no test inside Pyodide: {empty}"
