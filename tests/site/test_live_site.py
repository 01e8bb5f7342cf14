"""The live code as built into the site (``make book``): files, settings and size.

What runs in the browser is tested by ``test_live_browser.py`` and ``test_live_pyodide.py``;
this checks, without a browser, that every chapter page offers its notebook live, that the
JupyterLite app has the extensions it needs and its kernel the site's Pyodide, that every file
the Pyodide lock lists is in the site with the lock's sha256, that the live notebooks carry the
chapters' code without outputs and their Markdown without MyST markup (JupyterLite would show
it raw), that the shipped ``rnnlib`` wheel is the working tree's code, and that the whole site
stays under its size budget.
"""
import hashlib
import json
import pathlib
import re
import urllib.parse
import zipfile

import pytest
from bs4 import BeautifulSoup

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
LITE = SITE / "lite"
PYODIDE = LITE / "static" / "pyodide"
SIZE_BUDGET_MB = 90

@pytest.fixture(scope="module", autouse=True)
def built():
    assert (LITE / "jupyter-lite.json").exists(), (
        f"no live code in {SITE}: run `make book` (LIVE=0 builds without it)")


def chapters():
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def live_links(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.select("a.live-code-link")]


def test_every_chapter_page_offers_its_notebook_live():
    assert chapters(), "no chapters: the check checks nothing"
    for nb in chapters():
        page = SITE / "chapters" / (nb.stem + ".html")
        links = live_links(page)
        assert len(links) == 1, f"{page.name}: {len(links)} live-code links, expected 1"
        url = urllib.parse.urlparse(links[0])
        assert (page.parent / url.path).resolve() == LITE / "notebooks" / "index.html"
        assert urllib.parse.parse_qs(url.query) == {"path": [nb.name]}
        live = json.loads((LITE / "files" / nb.name).read_text(encoding="utf-8"))
        stored = json.loads(nb.read_text(encoding="utf-8"))
        code = [[c["source"] for c in n["cells"] if c["cell_type"] == "code"]
                for n in (live, stored)]
        assert code[0] == code[1], f"{nb.name}: the live copy's code differs from the chapter's"
        assert not any(c.get("outputs") for c in live["cells"]), f"{nb.name}: live outputs"
        markdown = "\n".join("".join(c["source"]) for c in live["cells"]
                             if c["cell_type"] == "markdown")
        myst = re.findall(r"\{[a-z:\-]+\}`|^\([\w\-]+\)=|^(?:`{3,}|:{3,}|~{3,})\{|"
                          r"\$\$ *\([\w\-]+\) *$|^:(?:label|class|name):|\[\^", markdown, re.M)
        assert not myst, f"{nb.name}: MyST markup left in the live copy: {myst[:5]}"


def test_pages_that_are_not_chapters_have_no_live_link():
    for page in SITE.glob("*.html"):
        assert not live_links(page), f"{page.name} has a live-code link"


def test_the_jupyterlite_app_has_exactly_the_extensions_it_needs():
    """The federated extensions come from what is installed in .venv (pinned in
    requirements.txt): the widget manager, the Pyodide kernel and the code colours, no more."""
    config = json.loads((LITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    names = sorted(e["name"] for e in config["federated_extensions"])
    assert names == ["@jupyter-widgets/jupyterlab-manager",
                     "@jupyterlite/pyodide-kernel-extension", "jupyterlab_pygments"], names


def test_the_kernel_uses_the_sites_pyodide_and_never_pypi():
    config = json.loads((LITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js"
    assert (LITE / kernel["pyodideUrl"]).exists()


def test_every_package_in_the_lock_is_in_the_site_with_its_sha256():
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    packages = lock["packages"]
    for name in ("numpy", "matplotlib", "ipython", "ipywidgets", "rnnlib"):
        assert name in packages, f"{name} is not in the site's pyodide-lock.json"
    for name, entry in packages.items():
        path = PYODIDE / entry["file_name"]
        assert path.exists(), f"{name}: {entry['file_name']} is listed but not in the site"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], name
        for dep in entry["depends"]:
            assert dep.replace("_", "-").lower() in packages, f"{name} needs {dep}: not shipped"


def test_the_shipped_rnnlib_is_the_working_trees():
    wheel = PYODIDE / json.loads((PYODIDE / "pyodide-lock.json").read_text())[
        "packages"]["rnnlib"]["file_name"]
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n: zf.read(n) for n in zf.namelist() if n.startswith("rnnlib/")}
    tree = {p.relative_to(ROOT).as_posix(): p.read_bytes()
            for p in (ROOT / "rnnlib").rglob("*")
            if p.is_file() and (p.suffix == ".py" or p.match("rnnlib/data/*.txt"))
            and "__pycache__" not in p.parts}
    assert shipped == tree, (f"the site's rnnlib wheel differs from rnnlib/: "
                             f"{sorted(set(shipped) ^ set(tree))[:5]} (run make book)")


def test_the_site_stays_under_its_size_budget():
    size = sum(p.stat().st_size for p in SITE.rglob("*") if p.is_file())
    live = sum(p.stat().st_size for p in LITE.rglob("*") if p.is_file())
    print(f"site: {size / 1e6:.1f} MB, of which live code {live / 1e6:.1f} MB")
    assert size < SIZE_BUDGET_MB * 1e6, f"the site is {size / 1e6:.1f} MB, over {SIZE_BUDGET_MB}"
