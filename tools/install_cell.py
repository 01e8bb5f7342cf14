"""Give every chapter notebook the same first code cell: install rnnlib where it is missing.

On Colab (or any Python without the course's environment) the cell installs ``rnnlib`` from
the course's repository, ``repository.url`` in ``_config.yml`` (the one place the URL is set;
the launch buttons read it too).  In the course's own environment ``rnnlib`` is installed, so
the cell does nothing and prints nothing, and nbval compares nothing; in the browser (the
site's live code, Pyodide, ``sys.platform == "emscripten"``) it does nothing either, since
the site's Pyodide lock lists ``rnnlib`` and the kernel loads it when a cell imports it.
It first sets one BLAS thread (unless the environment already sets a number), before NumPy
is imported, so that a reader's run reproduces the stored numbers (``make`` sets the same).
It is tagged ``remove-cell``: the website leaves it out (a reader there runs nothing); a
downloaded or launched notebook has it.  ``make execute`` runs this first, so a changed URL
reaches every notebook; the hygiene tests check it did.
"""
import json
import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
TAG = "install-rnnlib"
TAGS = [TAG, "remove-cell"]


def repository_url():
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def cell_source(url):
    return [
        "# One BLAS thread, set before NumPy is imported: the stored outputs were computed\n",
        "# so, and with more threads training results differ in their later digits.\n",
        "import importlib.util, os, subprocess, sys\n",
        "for var in (\"OPENBLAS_NUM_THREADS\", \"OMP_NUM_THREADS\", \"MKL_NUM_THREADS\"):\n",
        "    os.environ.setdefault(var, \"1\")\n",
        "# On Colab or any Python without the course's environment: install rnnlib.\n",
        "# (Where rnnlib is installed, as in the course's own setup, this does nothing;\n",
        "# in the browser, the site's live code, rnnlib loads when it is imported.)\n",
        "if sys.platform != \"emscripten\" and importlib.util.find_spec(\"rnnlib\") is None:\n",
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\",\n",
        f"                    \"git+{url}\"], check=True)",
    ]


def install_cell(url):
    return {"cell_type": "code", "execution_count": None, "id": "install-rnnlib",
            "metadata": {"tags": TAGS}, "outputs": [],
            "source": cell_source(url)}


def first_code_index(cells):
    return next(i for i, c in enumerate(cells) if c["cell_type"] == "code")


def update(path, url):
    """Put the install cell first among the code cells of ``path``; return True if changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    i = first_code_index(cells)
    if TAG in cells[i].get("metadata", {}).get("tags", []):
        if cells[i]["source"] == cell_source(url) and cells[i]["metadata"]["tags"] == TAGS:
            return False
        cells[i]["source"] = cell_source(url)
        cells[i]["metadata"]["tags"] = list(TAGS)
    else:
        cells.insert(i, install_cell(url))
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main():
    url = repository_url()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if update(path, url):
            print(f"install cell updated in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
