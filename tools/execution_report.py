"""Write ``execution.md``, the book's execution report, from what the project's commands recorded.

For each notebook of the book: when its stored outputs were produced (the date of the last
commit that changed the notebook, from git; "not committed" for local changes), and, from the
nbval run of ``make test`` in the same checkout (``_build/reports/pytest.xml``), how long its
re-execution took and whether every output matched.  ``make book`` runs this before the build,
so the page never contains a number typed by hand.
"""
import datetime
import pathlib
import subprocess
import xml.etree.ElementTree as ET

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPORT = ROOT / "_build" / "reports" / "pytest.xml"
OUT = ROOT / "execution.md"


def notebooks():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [e["file"] for part in toc["parts"] for e in part["chapters"]]
    return [f + ".ipynb" for f in files if (ROOT / (f + ".ipynb")).exists()]


def produced(nb):
    """Date of the outputs: the last commit of the notebook, unless it has local changes."""
    dirty = subprocess.run(["git", "status", "--porcelain", "--", nb], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    if dirty:
        return "not committed yet"
    date = subprocess.run(["git", "log", "-1", "--format=%cs", "--", nb], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()
    return date or "unknown (no git history)"


def nbval_results(report=REPORT):
    """({notebook: (seconds, cells, failed cells)}, time of the run) from ``make test``'s report."""
    if not report.exists():
        return {}, None
    tree = ET.parse(report)
    results = {}
    for case in tree.iter("testcase"):
        # nbval's test ids: classname "chapters.02_bptt.ipynb", name "Cell 3"
        file = case.get("classname", "").replace("chapters.", "chapters/", 1)
        if not file.startswith("chapters/") or not file.endswith(".ipynb"):
            continue
        seconds, cells, failed = results.get(file, (0.0, 0, 0))
        bad = case.find("failure") is not None or case.find("error") is not None
        results[file] = (seconds + float(case.get("time", 0)), cells + 1, failed + bad)
    stamp = datetime.datetime.fromtimestamp(report.stat().st_mtime, datetime.timezone.utc)
    return results, stamp.strftime("%Y-%m-%d %H:%M UTC")


def report_text(report=REPORT):
    """The Markdown of the execution report."""
    results, when = nbval_results(report)
    lines = ["# Execution report", "",
             "Every chapter is a notebook stored with its outputs, and the website shows those",
             "outputs. This page is written by `make book` (`tools/execution_report.py`) from what",
             "the project's own commands recorded: the date of each notebook's outputs is the date",
             "of the last commit that changed it; the time and the result are those of the nbval",
             "run of `make test` in the same checkout, which re-executed every notebook in a fresh",
             "kernel (one BLAS thread, two notebooks at a time on two cores) and compared every",
             "text output with the stored one.", ""]
    if when is None:
        lines += ["No nbval run was recorded in this build (`make book` alone does not run the",
                  "notebooks); `make test` records one.", ""]
    else:
        lines += [f"nbval run: {when}.", ""]
    lines += ["| notebook | outputs produced | re-execution under nbval | cells | outputs match |",
              "| --- | --- | ---: | ---: | --- |"]
    for nb in notebooks():
        seconds, cells, failed = results.get(nb, (None, None, None))
        if seconds is None:
            row = ["not run", "", "not checked"]
        else:
            row = [f"{seconds:.1f} s", str(cells),
                   "yes" if failed == 0 else f"**no: {failed} cell(s) differ**"]
        name = pathlib.Path(nb).stem
        lines.append(f"| {{doc}}`{nb[:-6]}` (`{name}`) | {produced(nb)} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def main():
    OUT.write_text(report_text(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
