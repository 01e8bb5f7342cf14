"""List the notebook cells whose output nbval does not compare, with the reason each gives.

A cell tagged ``nbval-ignore-output`` (or ``nbval-skip``) must say why in a comment; the hygiene
tests check that it does.  ``make test`` prints this list so that nothing is hidden silently.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
TAGS = ("nbval-ignore-output", "nbval-skip")
MARKERS = {"# NBVAL_IGNORE_OUTPUT": "nbval-ignore-output", "# NBVAL_SKIP": "nbval-skip"}


def hidden_cells():
    """(notebook, cell number counted as nbval does, tag, reason) for every hidden cell."""
    rows = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        for n, cell in enumerate(code):
            tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in TAGS]
            tags += [tag for marker, tag in MARKERS.items()
                     if any(line.strip() == marker for line in cell["source"])]
            if tags:
                comments = [line.strip().lstrip("#").strip() for line in cell["source"]
                            if line.strip().startswith("#") and line.strip() not in MARKERS]
                reason = comments[0] if comments else "(no reason given)"
                rows.append((path.relative_to(ROOT).as_posix(), n, tags[0], reason))
    return rows


def main():
    rows = hidden_cells()
    print(f"cells hidden from nbval: {len(rows)}")
    for nb, n, tag, reason in rows:
        print(f"  {nb}::Cell {n} [{tag}]: {reason}")


if __name__ == "__main__":
    main()
