"""Make the widget parts of executed notebooks the same on every run (run by ``make execute``).

An ipywidgets output stores a ``model_id``, a random uuid drawn anew by every run. Where the
widget state is not stored (``make execute`` runs with ``store_widget_state=False``: saved
controls cannot work on the static page), that id refers to nothing in the file, so replacing it
by a name made from the cell's position changes nothing a reader or nbval sees, and two runs of
``make execute`` then store the same bytes.

    python tools/stable_widget_ids.py chapters/04_lstm_gru.ipynb ...
"""
import json
import pathlib
import sys

VIEW = "application/vnd.jupyter.widget-view+json"


def stabilise(nb):
    """Replace every widget view's model_id by ``cell<i>-view<j>``; drop stored widget state."""
    nb.get("metadata", {}).pop("widgets", None)
    for i, cell in enumerate(nb["cells"]):
        views = [o["data"][VIEW] for o in cell.get("outputs", []) if VIEW in o.get("data", {})]
        for j, view in enumerate(views):
            view["model_id"] = f"cell{i}-view{j}"
    return nb


def main(paths):
    for path in map(pathlib.Path, paths):
        text = path.read_text(encoding="utf-8")
        nb = stabilise(json.loads(text))
        new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new != text:
            path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
