"""Sphinx extension: every chapter page offers its notebook live, in the reader's browser.

With live code on (``make book``; ``LIVE=0 make book`` turns it off) this extension

* loads ``jupyterlite_sphinx``, which runs ``jupyter lite build`` at the end of the HTML build:
  a JupyterLite site in ``_build/html/lite`` with the chapters' notebooks, built from the folder
  ``tools/live_assets.py`` assembled (``_build/lite_dir``: the Pyodide runtime, its packages
  and an ``rnnlib`` wheel of the working tree, all verified, no CDN);
* writes the live copies of the chapters (``tools/myst_plain.py``: no stored outputs, and the
  MyST references written out as the pages print them, since JupyterLite shows Markdown
  without MyST);
* puts a "Run this chapter live" link under each chapter's title.  The link opens the chapter
  in JupyterLite's notebook view in a new tab; nothing is loaded until the reader follows it,
  so the page itself costs nothing extra;
* drops what ``jupyterlite_sphinx`` adds to every page (a Google Fonts stylesheet, and the CSS
  and JavaScript of its iframe directives, which the course does not use): the site makes no
  request to another host, and a page without live code loads nothing of it.
"""
import json
import os
import pathlib
import re
import sys

from pybtex.database import parse_file

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import myst_plain  # noqa: E402

LITE_SOURCE = "_build/lite_dir"       # written by tools/live_assets.py (`make book`)
CHAPTERS = "chapters"
ABOUT_PAGE, ABOUT_ANCHOR = "running", "live-code"   # running.md's section on it
FIRST_DOWNLOAD_MB = 40   # to the first result, measured by tests/site/test_live_browser.py


def live_enabled():
    return os.environ.get("LIVE", "1") != "0"


def configure(app, config):
    source = pathlib.Path(app.srcdir) / LITE_SOURCE
    if not (source / "static" / "pyodide" / "pyodide-lock.json").exists():
        raise RuntimeError(f"live code: {source} is missing or incomplete; `make book` "
                           "assembles it (tools/live_assets.py), `LIVE=0 make book` builds "
                           "the site without live code")
    config.jupyterlite_dir = str(source)
    config.jupyterlite_config = str(source / "jupyter_lite_config.json")
    # Written per build, next to its output (so that two builds into different folders do not
    # share them): the live notebooks, and jupyterlite_sphinx's staging folder
    work = pathlib.Path(app.outdir).parent
    config.jupyterlite_contents = [str(work / "lite_notebooks" / "*.ipynb")]
    config.jupyterlite_content_dir = os.path.relpath(work / "lite_contents", app.srcdir)
    config.jupyterlite_bind_ipynb_suffix = False   # myst-nb renders the notebooks
    config.jupyterlite_silence = True
    config.html_static_path.append(str(pathlib.Path(__file__).with_name("static")))


def live_link(app, pagename, templatename, context, doctree):
    if doctree is None or not pagename.startswith(CHAPTERS + "/") or "body" not in context:
        return
    notebook = pagename.split("/", 1)[1] + ".ipynb"
    href = context["pathto"]("lite/notebooks/index.html", 1) + "?path=" + notebook
    about = context["pathto"](ABOUT_PAGE) + "#" + ABOUT_ANCHOR
    link = (
        f'<p class="live-code"><a class="live-code-link" href="{href}" target="_blank" '
        'rel="noopener">&#9654; Run this chapter live</a> <span class="live-code-note">'
        "in your browser: Python and <code>rnnlib</code> run on your own machine, nothing to "
        f"install. The first start downloads about {FIRST_DOWNLOAD_MB}&nbsp;MB "
        f'(<a href="{about}">how it works</a>).</span></p>')
    body = context["body"]
    end = body.find("</h1>")
    if end >= 0:
        context["body"] = body[:end + 5] + link + body[end + 5:]


EQNO = re.compile(r'<span class="eqno">\(([^)<]+)\)<a class="headerlink" '
                  r'href="#equation-([^"]+)"')
FIGURE = re.compile(r'<figure[^>]*\bid="([^"]+)"[^>]*>(.*?)</figure>', re.S)
CAPTION = re.compile(r'<span class="caption-number">(.*?)\s*</span>')
SECTION = re.compile(r'<section id="([^"]+)"[^>]*>\s*((?:<span id="[^"]+"></span>)*)\s*<h\d>'
                     r'<span class="section-number">([\d.]+?)\.? </span>')
SPAN_ID = re.compile(r'<span id="([^"]+)"></span>')
EXERCISE = re.compile(r'<div class="exercise admonition" id="([^"]+)">\s*'
                      r'<p class="admonition-title"><span class="caption-number">(.*?)\s*</span>')


def citations(bib):
    """bibtex key -> (authors as the author-year style prints them, year)."""
    out = {}
    for key, entry in parse_file(bib).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [re.sub(r"[{}]", "", " ".join(p.last_names)) for p in people]
        names = (last[0] if len(last) == 1 else " and ".join(last) if len(last) == 2
                 else f"{last[0]} et al." if last else entry.fields.get("title", key))
        out[key] = (names, entry.fields.get("year", "n.d."))
    return out


def book_lookup(app):
    """What the build resolved, as the pages print it: equation and figure numbers (read off the
    chapters' HTML), section and page titles, citations."""
    equations, figures, exercises, sections = {}, {}, {}, {}
    for page in (pathlib.Path(app.outdir) / CHAPTERS).glob("*.html"):
        html = page.read_text(encoding="utf-8")
        equations.update({label: number for number, label in EQNO.findall(html)})
        for label, body in FIGURE.findall(html):
            caption = CAPTION.search(body)
            if caption:
                figures[label] = caption.group(1)
        exercises.update(dict(EXERCISE.findall(html)))
        for section_id, spans, number in SECTION.findall(html):
            for label in [section_id, *SPAN_ID.findall(spans)]:
                sections[label] = number
    labels = app.env.domaindata["std"]["labels"]
    return myst_plain.Lookup(
        equations=equations, figures=figures,
        sections={label: sectname for label, (_, _, sectname) in labels.items()},
        docs={doc: title.astext() for doc, title in app.env.titles.items()},
        citations=citations(pathlib.Path(app.srcdir) / "references.bib"),
        exercises=exercises, section_numbers=sections, folder=CHAPTERS)


TIMINGS = "benchmarks/results/live_chapters.json"   # benchmarks/live_chapters.py
CHAPTER_NUMBER = re.compile(r'<h1><span class="section-number">(\d+)\. </span>')


def timing_sentence(stem, srcdir):
    """How long running the chapter took in Pyodide, as measured by benchmarks/live_chapters.py
    (empty if it was not measured)."""
    path = pathlib.Path(srcdir) / TIMINGS
    entry = json.loads(path.read_text()).get(stem) if path.exists() else None
    if not entry or "pyodide" not in entry:
        return ""
    live, native = entry["pyodide"], entry.get("native", {})
    here = f" ({native['wall_s']:.0f} s in the course's own Python)" if "wall_s" in native else ""
    if live.get("runs_fully"):
        took = live["wall_s"]
        took = f"{took:.0f} s" if took < 120 else f"{took / 60:.0f} min"
        return f"Running the whole chapter took {took} in Pyodide when it was measured{here}."
    if live.get("timed_out"):
        return (f"**This chapter is slow in the browser:** when it was measured, only "
                f"{live['cells_run']} of its {live['code_cells']} code cells had run after "
                f"{live['wall_s'] / 60:.0f} min in Pyodide{here}. Its long training runs are the "
                "slow part: to try one here, lower its number of updates, and expect numbers "
                "other than the page's; for the whole chapter use Colab or a clone.")
    return ""


def banner(number, stem, srcdir):
    lock = pathlib.Path(srcdir) / LITE_SOURCE / "static" / "pyodide" / "pyodide-lock.json"
    python = json.loads(lock.read_text())["info"]["python"]      # the Python the site ships
    return (
        f"> **This is the live copy of chapter {number}**, running in your browser (Python "
        f"{python} on Pyodide, with `rnnlib`). It opens without outputs, which the chapter's "
        "page shows: run the cells in order from the top (*Run → Run All Cells*, or "
        "Shift+Enter cell by cell); a cell that uses a name from an earlier one fails until "
        "that one has run. The first `import` takes about 10 s, and the first figure may "
        "print \"Matplotlib is "
        f"building the font cache\". {timing_sentence(stem, srcdir)}\n>\n"
        "> Your edits are kept in this browser only: save with Ctrl+S (there is an autosave "
        "too). To get the site's version back, open *File → Open...*, right-click this notebook "
        "and choose *Delete*; *Revert Notebook to Checkpoint* only goes back to your own last "
        "save.\n")


def write_live_notebooks(app, exception):
    """Before jupyterlite-sphinx's build (priority 500): the chapters' live copies."""
    if exception is not None or app.builder.format != "html":
        return
    lookup = book_lookup(app)
    out = pathlib.Path(app.outdir)
    for chapter in sorted((pathlib.Path(app.srcdir) / CHAPTERS).glob("*.ipynb")):
        html = (out / CHAPTERS / (chapter.stem + ".html")).read_text(encoding="utf-8")
        number = CHAPTER_NUMBER.search(html).group(1)
        myst_plain.live_notebook(chapter, out.parent / "lite_notebooks" / chapter.name, lookup,
                                 banner=banner(number, chapter.stem, app.srcdir))


def drop_page_assets(app):
    """Remove the stylesheet from fonts.googleapis.com and the directives' CSS and JS."""
    unused = ("fonts.googleapis.com", "jupyterlite_sphinx.css", "jupyterlite_sphinx.js")
    for files in (app.registry.css_files, app.registry.js_files):
        files[:] = [f for f in files if not any(u in f[0] for u in unused)]


def setup(app):
    if live_enabled():
        app.setup_extension("jupyterlite_sphinx")
        drop_page_assets(app)
        app.connect("config-inited", configure, priority=400)
        app.connect("html-page-context", live_link)
        app.connect("build-finished", write_live_notebooks, priority=400)
        app.add_css_file("live_code.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
