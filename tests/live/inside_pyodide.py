"""Run inside Pyodide by run_in_pyodide.mjs: install pytest, check rnnlib's origin, run pytest.

pytest and its pure-Python dependencies come as wheels the caller wrote into Pyodide's file
system; they are unpacked into site-packages (test-only, never part of the site). rnnlib, numpy
and matplotlib must already be loaded from the site's own lock and wheels.
"""
import importlib
import json
import site
import sys
import time
import zipfile


def install(wheels):
    """Unpack pure-Python wheels into site-packages (what pip does for a py3-none-any wheel)."""
    target = site.getsitepackages()[0]
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(target)
    importlib.invalidate_caches()


def versions():
    """What the tests run on; rnnlib must be the site's wheel, not a copy of the repository."""
    import matplotlib
    import numpy
    import pytest
    import rnnlib
    where = rnnlib.__file__
    if not where.startswith(site.getsitepackages()[0]):
        raise RuntimeError(f"rnnlib was imported from {where}, not from the site's wheel")
    return {"python": sys.version.split()[0], "numpy": numpy.__version__,
            "matplotlib": matplotlib.__version__, "backend": matplotlib.get_backend(),
            "pytest": pytest.__version__, "rnnlib": where}


class Outcomes:
    """pytest plugin: each test's outcome, by node id (for the summary the caller checks)."""

    def __init__(self):
        self.stats = {}

    def pytest_terminal_summary(self, terminalreporter):
        for key, reports in terminalreporter.stats.items():
            if key:
                self.stats[key] = sorted({getattr(r, "nodeid", "") for r in reports})


def main(wheels_json, args_json):
    install(json.loads(wheels_json))
    import pytest
    sys.dont_write_bytecode = True
    info = versions()
    print("inside Pyodide:", ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    outcomes = Outcomes()
    start = time.perf_counter()
    code = int(pytest.main(json.loads(args_json), plugins=[outcomes]))
    return json.dumps({"exit_code": code, "seconds": round(time.perf_counter() - start, 1),
                       "stats": outcomes.stats, **info})
