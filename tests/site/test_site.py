"""The built website, read in a real browser with no network access.

Headless Chromium loads every page of ``_build/html`` from a local server while every other host
is unresolvable. Each page must load, its maths must be typeset by the local MathJax (no raw TeX),
its figures must be present, saved widgets must render, no resource may come from another host,
and every internal link must resolve to an existing file and anchor.
"""
import functools
import http.server
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from bs4 import BeautifulSoup

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CHECK_PAGE = pathlib.Path(__file__).with_name("check.html")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Pages Sphinx generates that are not course content.
SKIP = {"genindex.html", "search.html", "index.html"}


def site_pages():
    if not SITE.exists():
        return []
    # lite/ is the live code's JupyterLite app (test_live_*.py), not a page of the book
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                  if not {"_static", "_sources", "lite"} & set(p.relative_to(SITE).parts)
                  and p.relative_to(SITE).as_posix() not in SKIP)


@pytest.fixture(scope="module")
def server():
    root = pathlib.Path(tempfile.mkdtemp())
    (root / "site").symlink_to(SITE)
    shutil.copy(CHECK_PAGE, root / "check.html")
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    shutil.rmtree(root)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def read_in_browser(base, page):
    """Load ``page`` through check.html in headless Chromium and return what it reported."""
    profile = tempfile.mkdtemp()
    url = f"{base}/check.html?page=" + urllib.parse.quote(f"/site/{page}")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}",
           # No network: every host name but the local server's address fails to resolve.
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           "--virtual-time-budget=30000", "--dump-dom", url]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pre = BeautifulSoup(proc.stdout, "html.parser").find(id="result")
    assert pre is not None, f"{page}: Chromium returned no page (stderr: {proc.stderr[-500:]})"
    text = pre.get_text()
    assert text.startswith("{"), f"{page}: the check did not finish: {text[:300]}"
    return json.loads(text)


@pytest.fixture(scope="module")
def reports(server):
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed (make browser installs Debian's chromium)")
    pages = site_pages()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(functools.partial(read_in_browser, server), pages)
        return dict(zip(pages, results)), server


def test_site_was_built():
    assert (SITE / "intro.html").exists(), "build the site first (make book)"
    assert any(p.startswith("chapters/") for p in site_pages()), "no chapter page was built"


def test_every_page_loads(reports):
    for page, r in reports[0].items():
        assert r["title"], f"{page}: no title, the page did not load"


def test_maths_is_rendered_offline(reports):
    for page, r in reports[0].items():
        if r["math"]:
            assert r["mathjax"], f"{page}: MathJax did not load"
            assert r["mathRendered"] == r["math"], (
                f"{page}: {r['math'] - r['mathRendered']} of {r['math']} formulas not typeset")
        assert r["rawTex"] == 0, f"{page}: raw TeX delimiters visible in the text"
    assert any(r["math"] for r in reports[0].values()), "no page has maths: the check checks nothing"


def test_figures_are_present(reports):
    for page, r in reports[0].items():
        broken = [i["src"] for i in r["images"] if not i["ok"]]
        assert not broken, f"{page}: figures that did not load: {broken}"
    assert any(r["images"] for r in reports[0].values()), "no page has a figure"


def test_saved_widgets_render(reports):
    for page, r in reports[0].items():
        if r["widgetStates"]:
            assert r["widgetViews"] > 0, f"{page}: saved widget state but no widget rendered"


def test_nothing_is_loaded_from_other_hosts(reports):
    base = reports[1]
    for page, r in reports[0].items():
        foreign = [u for u in r["resources"] if not u.startswith(base)]
        assert not foreign, f"{page}: loads resources from other hosts: {foreign[:5]}"


@functools.lru_cache(maxsize=None)
def element_ids(path):
    """The set of element ids in an HTML file (parsed once per file)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset(tag["id"] for tag in soup.find_all(id=True))


def test_internal_links_resolve(reports):
    base = reports[1] + "/site/"
    for page, r in reports[0].items():
        for href in r["links"]:
            if not href.startswith(base):
                continue
            parsed = urllib.parse.urlparse(href[len(base):])
            target = SITE / urllib.parse.unquote(parsed.path or page)
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page}: link to missing file {href}"
            if parsed.fragment and target.suffix == ".html":
                assert urllib.parse.unquote(parsed.fragment) in element_ids(target), (
                    f"{page}: link to missing anchor #{parsed.fragment} in {target.name}")


def test_every_page_states_the_licences():
    """The footer names the text licence (CC BY 4.0) and the code licence (MIT)."""
    for page in site_pages():
        soup = BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "html.parser")
        footer = " ".join(f.get_text(" ") for f in soup.find_all("footer"))
        assert "CC BY 4.0" in footer and "MIT" in footer, f"{page}: no licence in the footer"


def test_every_animation_player_moves_its_picture(reports):
    """A precomputed player (rnnlib.viz.animation_html) works on the static page: the next-frame
    button and the slider change the picture and the slider's position, first frame returns."""
    players = [(page, p) for page, r in reports[0].items() for p in r["players"]]
    assert players, "no animation player on any page: the check checks nothing"
    for page, p in players:
        assert p["frames"] >= 2, f"{page}: a player with {p['frames']} frame(s)"
        assert p["alt"], f"{page}: a player without alt text"
        for key in ("nextChangesPicture", "nextMovesSlider", "sliderChangesPicture",
                    "firstRestoresPicture"):
            assert p.get(key), f"{page}: player check {key} failed: {p}"


def test_no_saved_widget_controls_that_cannot_work_without_a_kernel(reports):
    """Saved ipywidgets state renders controls whose readout moves while the picture, computed by
    an absent kernel, stays put: an exploration on the page must be a precomputed player."""
    for page, r in reports[0].items():
        assert r["widgetControls"] == 0, (f"{page}: {r['widgetControls']} ipywidgets control(s) "
                                          f"on the static page")
