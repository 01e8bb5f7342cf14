"""Sphinx extension: every chapter page offers its notebook live, in the reader's browser.

With live code on (``make book``; ``LIVE=0 make book`` turns it off) this extension

* loads ``jupyterlite_sphinx``, which runs ``jupyter lite build`` at the end of the HTML build:
  a JupyterLite site in ``_build/html/lite`` with the chapters' notebooks, built from the folder
  ``tools/live_assets.py`` assembled (``_build/lite_dir``: the Pyodide runtime, its packages
  and an ``rnnlib`` wheel of the working tree, all verified, no CDN);
* puts a "Run this chapter live" link under each chapter's title.  The link opens the chapter
  in JupyterLite's notebook view in a new tab; nothing is loaded until the reader follows it,
  so the page itself costs nothing extra;
* drops what ``jupyterlite_sphinx`` adds to every page (a Google Fonts stylesheet, and the CSS
  and JavaScript of its iframe directives, which the course does not use): the site makes no
  request to another host, and a page without live code loads nothing of it.
"""
import os
import pathlib

LITE_SOURCE = "_build/lite_dir"       # written by tools/live_assets.py
CONTENT_DIR = "_build/lite_contents"  # jupyterlite_sphinx's staging folder (emptied each build)
CHAPTERS = "chapters"


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
    config.jupyterlite_contents = [f"{LITE_SOURCE}/notebooks/*.ipynb"]
    config.jupyterlite_content_dir = CONTENT_DIR
    config.jupyterlite_bind_ipynb_suffix = False   # myst-nb renders the notebooks
    config.jupyterlite_silence = True
    config.html_static_path.append(str(pathlib.Path(__file__).with_name("static")))


def live_link(app, pagename, templatename, context, doctree):
    if doctree is None or not pagename.startswith(CHAPTERS + "/") or "body" not in context:
        return
    notebook = pagename.split("/", 1)[1] + ".ipynb"
    href = context["pathto"]("lite/notebooks/index.html", 1) + "?path=" + notebook
    link = (
        '<p class="live-code"><a class="live-code-link" href="%s" target="_blank" '
        'rel="noopener">&#9654; Run this chapter live</a> <span class="live-code-note">'
        "in your browser: Python and <code>rnnlib</code> run on your own machine, nothing to "
        "install. The first start downloads about 30&nbsp;MB (see <em>Running the course</em>"
        ").</span></p>" % href)
    body = context["body"]
    end = body.find("</h1>")
    if end >= 0:
        context["body"] = body[:end + 5] + link + body[end + 5:]


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
        app.add_css_file("live_code.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
