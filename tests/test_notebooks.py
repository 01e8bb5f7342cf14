"""Notebook hygiene: what nbval alone does not check.

Each notebook in chapters/ must have been executed in one clean top-to-bottom run, store no
error unless the cell is tagged ``raises-exception`` (and then store exactly that error), hide no
cell from nbval without a comment giving the reason, use the ``python3`` kernel, print no
absolute paths or user names, keep every code line and printed line within the page column
(``MAX_LINE`` characters), and be listed in ``_toc.yml`` (whose entries must all exist).
"""
import getpass
import json
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(p for p in CHAPTERS.glob("*.ipynb"))
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")
# Absolute paths of this machine or any other (POSIX home/work/tmp folders, Windows drives).
PATH_PATTERN = re.compile(r"(/(home|root|work|tmp|Users|usr|opt|var)/[\w.-]+|[A-Za-z]:\\\\)")
# The website's code column is about 88 characters wide (at 1920 px; about 80 at 1280 px):
# longer code or printed lines are cut off or hidden behind a scroll bar on the page.
MAX_LINE = 88


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    """(index, cell) for every code cell with source."""
    return [(i, c) for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def where(path, i):
    """Name cell i (an index into all cells) as nbval does, ``nb.ipynb::Cell N`` (N counts the
    code cells from 0), and as an index into the file's cells."""
    cells = load(path)["cells"]
    n = sum(c["cell_type"] == "code" for c in cells[:i])
    return f"{path.name}::Cell {n} (cell {i} of the file)"


def output_text(output):
    """All text a reader could see in one output, including tracebacks."""
    parts = []
    if "text" in output:
        parts.append("".join(output["text"]))
    for key, value in output.get("data", {}).items():
        if key.startswith("text/") or key.endswith("json"):
            parts.append(value if isinstance(value, str) else json.dumps(value))
    parts.extend(output.get("traceback", []))
    parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def printed_text(output):
    """What a page shows as text for one output: a stream, or the text/plain of a result
    (not of a figure or of HTML, which the page shows instead of the text)."""
    if output["output_type"] == "stream":
        return "".join(output["text"])
    data = output.get("data", {})
    if "text/plain" in data and not any(k.startswith("image/") or k == "text/html"
                                        for k in data):
        value = data["text/plain"]
        return value if isinstance(value, str) else "".join(value)
    return ""


def long_lines(path):
    """(cell index, 'code' or 'output', length, line) for every line over MAX_LINE."""
    found = []
    for i, cell in code_cells(load(path)):
        for line in "".join(cell["source"]).splitlines():
            if len(line) > MAX_LINE:
                found.append((i, "code", len(line), line))
        for o in cell.get("outputs", []):
            for line in printed_text(o).splitlines():
                if len(line) > MAX_LINE:
                    found.append((i, "output", len(line), line))
    return found


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook found in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_once_top_to_bottom(path):
    counts = [c.get("execution_count") for _, c in code_cells(load(path))]
    assert None not in counts, f"{path.name}: some code cells were never executed: {counts}"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(counts)}: "
        "outputs are not from one clean top-to-bottom run (use `make execute`)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stdout_is_stored_as_one_stream_per_cell(path):
    # The kernel splits a cell's printing into messages by timing; unmerged, two runs of
    # `make execute` store different bytes. `make execute` merges them (nbconvert's
    # CoalesceStreamsPreprocessor); this finds a notebook stored some other way.
    for i, cell in code_cells(load(path)):
        kinds = [(o["output_type"], o.get("name")) for o in cell.get("outputs", [])]
        for a, b in zip(kinds, kinds[1:]):
            assert not (a == b and a[0] == "stream"), (
                f"{where(path, i)}: consecutive {a[1]} outputs are not merged "
                "(store the outputs with `make execute`)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_store_no_state_and_no_random_ids(path):
    # Saved widget state renders controls that cannot work without a kernel, and its random
    # ids (like those of the views) change on every run; `make execute` stores neither.
    nb = load(path)
    assert "widgets" not in nb.get("metadata", {}), (
        f"{path.name}: stores ipywidgets state in its metadata (store it with `make execute`)")
    view = "application/vnd.jupyter.widget-view+json"
    for i, cell in code_cells(nb):
        for output in cell.get("outputs", []):
            model_id = output.get("data", {}).get(view, {}).get("model_id")
            assert model_id is None or re.fullmatch(r"cell\d+-view\d+", model_id), (
                f"{where(path, i)}: widget view with the random id {model_id} "
                "(store the outputs with `make execute`)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_unexpected_errors(path):
    for i, cell in code_cells(load(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        if "raises-exception" in tags:
            assert errors, (f"{where(path, i)} is tagged raises-exception but stores no error: "
                            "the tag would let nbval pass a cell that no longer raises")
        else:
            assert not errors, (f"{where(path, i)} stores an error output "
                                f"({errors[0].get('ename')}: {errors[0].get('evalue')})")
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream" and o.get("name") == "stderr":
                text = "".join(o["text"])
                assert "Traceback" not in text and "Error" not in text, (
                    f"{where(path, i)} prints an error on stderr: {text[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hidden_cells_give_a_reason(path):
    for i, cell in code_cells(load(path)):
        src = "".join(cell["source"])
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & IGNORE_TAGS or any(m in src for m in IGNORE_MARKERS):
            comments = [line for line in src.splitlines() if line.strip().startswith("#")]
            reasons = [c for c in comments if "nbval" in c.lower() and len(c.split()) >= 5]
            assert reasons, (f"{where(path, i)} is hidden from nbval without a comment "
                             "saying why (expected a line like '# nbval-ignore-output: <reason>')")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_is_python3(path):
    spec = load(path).get("metadata", {}).get("kernelspec", {})
    assert spec.get("name") == "python3", f"{path.name}: kernelspec {spec!r}, expected name 'python3'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_paths_or_user_names_in_outputs(path):
    user = getpass.getuser()
    for i, cell in code_cells(load(path)):
        for o in cell.get("outputs", []):
            text = output_text(o)
            match = PATH_PATTERN.search(text)
            assert not match, f"{where(path, i)}: output shows an absolute path {match.group(0)!r}"
            if user not in ("root", ""):
                assert user not in text, f"{where(path, i)}: output shows the user name {user!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_and_printed_lines_fit_the_page_column(path):
    found = long_lines(path)
    report = "\n".join(f"  {where(path, i)} {kind}, {n} characters: {line[:60]}..."
                       for i, kind, n, line in found)
    assert not found, (f"{path.name}: {len(found)} line(s) longer than {MAX_LINE} characters "
                       f"are cut off on the page:\n{report}")


def test_the_line_check_sees_long_code_and_long_output(tmp_path):
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {},
            "source": ["x = 1\n", "y = " + "1 + " * 30 + "1\n"],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["ok\n", "-" * 89]},
                        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                         "data": {"text/plain": ["'" + "a" * 95 + "'"]}},
                        {"output_type": "display_data", "metadata": {},
                         "data": {"image/png": "", "text/plain": ["<Figure " + "x" * 90 + ">"]}}]}
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                              "nbformat_minor": 5}), encoding="utf-8")
    assert [(i, kind, n) for i, kind, n, _ in long_lines(nb)] == [
        (0, "code", 125), (0, "output", 89), (0, "output", 97)]


# Pages that `make book` writes before the build (never by hand, never committed).
GENERATED = {"execution": "tools/execution_report.py"}


def test_every_notebook_is_in_the_toc_and_every_entry_exists():
    entries = toc_files()
    listed = {e for e in entries}
    for path in NOTEBOOKS:
        rel = path.relative_to(ROOT).with_suffix("").as_posix()
        assert rel in listed, f"{rel}.ipynb is not in _toc.yml"
    for entry in entries:
        if entry in GENERATED:
            assert (ROOT / GENERATED[entry]).exists(), f"{entry}: its generator is missing"
            continue
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), f"_toc.yml entry {entry!r} has no .md or .ipynb file"


def test_cells_are_named_as_nbval_names_them():
    """nbval counts code cells only, from 0: the hygiene messages use the same name."""
    path = NOTEBOOKS[0]
    cells = load(path)["cells"]
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    assert where(path, first_code).startswith(f"{path.name}::Cell 0 ")
    second_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and i > first_code)
    assert where(path, second_code).startswith(f"{path.name}::Cell 1 ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_rnnlib_from_the_configured_repository(path):
    """Colab and other hosted Pythons: the first code cell installs rnnlib from repository.url
    in _config.yml (tools/install_cell.py writes it; make execute runs that), and prints
    nothing where rnnlib is installed."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    first = next(c for c in load(path)["cells"] if c["cell_type"] == "code")
    assert "install-rnnlib" in first["metadata"].get("tags", []), \
        f"{path.name}: the first code cell is not the install cell (run tools/install_cell.py)"
    assert f"git+{url}" in "".join(first["source"]), \
        f"{path.name}: the install cell does not use repository.url {url!r}"
    assert first["outputs"] == [], f"{path.name}: the install cell printed something"
