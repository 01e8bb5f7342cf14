"""tools/myst_plain.py: the live notebooks' Markdown, MyST written out as the book prints it."""
import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import myst_plain  # noqa: E402

LOOKUP = myst_plain.Lookup(
    equations={"lstm-eq-cell": "4.3"},
    sections={"lstm-cell": "The cell", "lstm-cell-n": "The cell"},
    section_numbers={"lstm-cell-n": "4.2"},
    figures={"fig-lstm-adding": "Fig. 4.2"},
    docs={"chapters/03_vanishing_gradients": "Vanishing and exploding gradients",
          "bibliography": "Bibliography"},
    citations={"hochreiter1997": ("Hochreiter and Schmidhuber", "1997"),
               "cho2014": ("Cho et al.", "2014")},
    exercises={"lstm-ex-peep": "Exercise 4.1"})


@pytest.mark.parametrize("myst, plain", [
    ("as in {eq}`lstm-eq-cell`.", "as in (4.3)."),
    ("see {ref}`lstm-cell` and {ref}`this part <lstm-cell>`",
     "see *The cell* and *this part*"),
    ("{ref}`lstm-cell-n` ended. And {ref}`lstm-cell-n`.",
     "Section 4.2, *The cell* ended. And section 4.2, *The cell*."),
    ("as in {ref}`lstm-cell-n`", "as in section 4.2, *The cell*"),
    ("{numref}`fig-lstm-adding` and {numref}`Figure %s <fig-lstm-adding>`",
     "Fig. 4.2 and Figure 4.2"),
    ("{doc}`03_vanishing_gradients`, {doc}`../bibliography`, {doc}`list <../bibliography>`",
     "*Vanishing and exploding gradients*, *Bibliography*, *list*"),
    ("LSTM {cite:p}`hochreiter1997,cho2014`",
     "LSTM [Hochreiter and Schmidhuber, 1997, Cho et al., 2014]"),
    ("{cite:t}`hochreiter1997` showed", "Hochreiter and Schmidhuber [1997] showed"),
    ("(lstm-cell)=\n## The cell", "## The cell"),
    ("$$\nc_t = f_t c_{t-1}\n$$ (lstm-eq-cell)\n\nnext",
     "$$\nc_t = f_t c_{t-1}\n\\tag{4.3}\n$$\n\nnext"),
    # an unlabelled display before a labelled one, and a bracket right after an opening $$
    ("$$ a $$ and $$ (a+b)^2 $$ (lstm-eq-cell)",
     "$$ a $$ and $$ (a+b)^2 \\tag{4.3}\n$$"),
    # code is left alone: inline spans and fenced blocks
    ("write `{eq}`x`` to cite", "write `{eq}`x`` to cite"),
    ("```python\n(not-a-label)=\n{eq}`nope`\n```\n{eq}`lstm-eq-cell`",
     "```python\n(not-a-label)=\n{eq}`nope`\n```\n(4.3)"),
])
def test_references_become_what_the_book_prints(myst, plain):
    assert myst_plain.plain_markdown(myst, LOOKUP) == plain


def test_directives_become_bold_headings_and_code_fences_stay():
    myst = ("```{exercise} Peepholes\n:label: lstm-ex-peep\n\nDerive it.\n```\n"
            "```{solution-start} lstm-ex-peep\n:class: dropdown\n```\nIt is so.\n"
            "```python\nx = 1\n```\n```{solution-end}\n```")
    assert myst_plain.plain_markdown(myst, LOOKUP).split("\n") == [
        "", "**Exercise 4.1 (Peepholes)**", "", "", "Derive it.",
        "", "**Solution**", "", "It is so.",
        "```python", "x = 1", "```", "", "*End of the solution.*", ""]


def test_colon_fences_are_directives_too():
    assert myst_plain.plain_markdown(":::{note}\nMind it.\n:::", LOOKUP).split("\n") == [
        "", "**Note.**", "", "Mind it."]


@pytest.mark.parametrize("myst, message", [
    ("{eq}`no-such-label`", "equation label 'no-such-label' is not known"),
    ("{cite:p}`nobody2020`", "citation key 'nobody2020' is not known"),
    ("```{figure} a.png\n```", r"directive \{figure\} has no plain form"),
])
def test_what_cannot_be_written_out_fails_loudly(myst, message):
    with pytest.raises(myst_plain.MystError, match=message):
        myst_plain.plain_markdown(myst, LOOKUP)


def test_footnotes_become_numbers_in_order_of_first_use():
    lookup = myst_plain.Lookup(**{**LOOKUP.__dict__, "footnotes": myst_plain.footnote_numbers(
        ["A claim.[^b] And one[^a].", "[^a]: The first note.\n[^b]: The second."])})
    assert myst_plain.plain_markdown("A claim.[^b] And one[^a].", lookup) == (
        "A claim.<sup>1</sup> And one<sup>2</sup>.")
    assert myst_plain.plain_markdown("[^a]: The first note.", lookup) == (
        "<sup>2</sup> The first note.")


def test_live_notebook_collapses_solutions_and_keeps_captions(tmp_path):
    def md(text):
        return {"cell_type": "markdown", "id": text[:5], "metadata": {}, "source": [text]}
    nb = {"cells": [
        md("# Title\nIntro."),
        md("```{exercise} Peepholes\n:label: lstm-ex-peep\n\nDerive it.\n```\n"
           "```{solution-start} lstm-ex-peep\n:class: dropdown\n```\nIt is so."),
        {"cell_type": "code", "id": "code1", "metadata": {"mystnb": {"figure": {
            "name": "fig-lstm-adding", "caption": "Loss, as in {eq}`lstm-eq-cell`."}}},
         "execution_count": 1, "outputs": [], "source": ["plot()"]},
        md("```{solution-end}\n```\nAfter the solution."),
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    myst_plain.live_notebook(tmp_path / "a.ipynb", tmp_path / "b.ipynb", LOOKUP, banner="Hi")
    cells = json.loads((tmp_path / "b.ipynb").read_text())["cells"]
    shown = [("".join(c["source"]), c["metadata"].get("jupyter", {}).get("source_hidden", False))
             for c in cells]
    assert shown == [
        ("# Title\n", False), ("Hi", False), ("Intro.", False),
        ("**Exercise 4.1 (Peepholes)**\n\n\nDerive it.", False),
        ("**Solution** (collapsed: click the bar at the left of the cell below to show it)",
         False),
        ("It is so.", True), ("plot()", True), ("*Fig. 4.2.* Loss, as in (4.3).", True),
        ("After the solution.", False)]
    assert len({c["id"] for c in cells}) == len(cells)


def test_live_notebook_has_no_outputs_and_plain_markdown(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["(lstm-cell)=\n", "## The cell"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": ["1 + 1"],
         "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["2"]},
                      "execution_count": 3, "metadata": {}}]},
        {"cell_type": "markdown", "metadata": {}, "source": ["{eq}`unknown`"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    with pytest.raises(myst_plain.MystError, match=r"a\.ipynb, cell 2: equation label"):
        myst_plain.live_notebook(tmp_path / "a.ipynb", tmp_path / "live" / "a.ipynb", LOOKUP)
    nb["cells"].pop()
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    myst_plain.live_notebook(tmp_path / "a.ipynb", tmp_path / "live" / "a.ipynb", LOOKUP)
    live = json.loads((tmp_path / "live" / "a.ipynb").read_text())
    assert live["cells"][0]["source"] == ["## The cell"]
    assert live["cells"][1]["source"] == ["1 + 1"]
    assert live["cells"][1]["outputs"] == [] and live["cells"][1]["execution_count"] is None
