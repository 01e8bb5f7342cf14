"""The chapters' MyST Markdown as plain Jupyter Markdown, for the live notebooks.

JupyterLite renders Markdown as Jupyter does, without MyST: a reference such as
``{eq}`lstm-eq-cell``` or a label line ``(lstm-intro)=`` would show as raw markup.  The live copy
of a chapter therefore gets each such construct written out as the book prints it: an equation
reference as its number ``(4.9)``, with ``\\tag{4.9}`` on the equation itself; a figure reference
as ``Fig. 4.2``; a section or page reference as its title in italics (the book prints a link); a
citation as ``[Hochreiter and Schmidhuber, 1997]``; an exercise as ``**Exercise 4.1 (Title)**``.
The numbers and titles come from the book's own build (``Lookup``), so they are the ones the page
beside it shows.  Code (fenced blocks and inline spans) is left exactly as it is.  A label the
build does not know, or a directive with no plain form here, stops the build with a message that
names the chapter and the cell, rather than leave raw markup in a live notebook.
"""
import dataclasses
import json
import posixpath
import re

ROLE = re.compile(r"\{(eq|ref|numref|doc|cite:p|cite:t)\}`([^`]*)`")
ROLE_OR_CODE = re.compile(ROLE.pattern + r"|(`+)(?:.+?)\3", re.S)   # inline code is kept
FOOTNOTE = re.compile(r"\[\^([\w\-]+)\](:?)")
LABEL_LINE = re.compile(r"^\([\w\-:.]+\)=[ \t]*(\n|$)", re.M)
# $$ ... $$ (label): the label after a closing $$ (the maths between contains no $$)
EQ_LABEL = re.compile(r"\$\$((?:(?!\$\$).)*)\$\$[ \t]*\(([\w\-:.]+)\)", re.S)
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{([\w\-]+)\})?\s*(.*)$")
OPTION = re.compile(r"^:[\w\-]+:")
SENTENCE_SECTION = re.compile(r"(\A|\n\n|[.!?:]\s+)section(?= \d)")
DIRECTIVES = ("exercise", "solution-start", "solution-end", "note", "admonition")


class MystError(ValueError):
    pass


@dataclasses.dataclass
class Lookup:
    """What the book's build resolved: label -> text as printed."""
    equations: dict      # label -> "4.9"
    sections: dict       # label -> section title
    figures: dict        # label -> "Fig. 4.2"
    docs: dict           # document name, e.g. "chapters/03_vanishing_gradients" -> title
    citations: dict      # bibtex key -> (authors as printed, year)
    exercises: dict = dataclasses.field(default_factory=dict)   # label -> "Exercise 4.1"
    section_numbers: dict = dataclasses.field(default_factory=dict)   # label -> "4.2"
    footnotes: dict = dataclasses.field(default_factory=dict)   # label -> 1, 2, ... (per notebook)
    folder: str = "chapters"   # where the notebooks are: {doc} targets are relative to it


def _target(text):
    """``title <target>`` -> (title, target); ``target`` -> (None, target)."""
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", text, re.S)
    return (m.group(1), m.group(2)) if m else (None, text.strip())


def _known(table, key, what):
    if key not in table:
        raise MystError(f"{what} {key!r} is not known to the book's build")
    return table[key]


def _cite(keys, lookup, textual):
    cited = [_known(lookup.citations, k.strip(), "citation key") for k in keys.split(",")]
    if textual:
        return ", ".join(f"{authors} [{year}]" for authors, year in cited)
    return "[" + ", ".join(f"{authors}, {year}" for authors, year in cited) + "]"


def _role(role, text, lookup):
    if role in ("cite:p", "cite:t"):
        return _cite(text, lookup, textual=role == "cite:t")
    title, target = _target(text)
    if role == "eq":
        return f"({_known(lookup.equations, target, 'equation label')})"
    if role == "numref":
        number = _known(lookup.figures, target, "figure label")
        if not title:
            return number
        return title.replace("%s", number.split()[-1]).replace("{number}", number.split()[-1])
    if role == "doc":
        doc = posixpath.normpath(posixpath.join(lookup.folder, target.removesuffix(".ipynb")))
        return f"*{title or _known(lookup.docs, doc.lstrip('/'), 'page')}*"
    if title:
        return f"*{title}*"
    name = _known(lookup.sections, target, "section label")
    number = lookup.section_numbers.get(target)
    return f"section {number}, *{name}*" if number else f"*{name}*"


def _footnote(m, lookup):
    """``[^x]`` -> a superscript number; ``[^x]:`` at a definition -> the number, then its text."""
    return f"<sup>{_known(lookup.footnotes, m.group(1), 'footnote')}</sup>"


def footnote_numbers(texts):
    """Footnote label -> number, in the order the labels first appear in ``texts``."""
    numbers = {}
    for text in texts:
        for m in FOOTNOTE.finditer(text):
            numbers.setdefault(m.group(1), len(numbers) + 1)
    return numbers


def _prose(text, lookup):
    """References and labels in Markdown that is not code."""
    text = EQ_LABEL.sub(lambda m: f"$${m.group(1)}\\tag{{"
                        f"{_known(lookup.equations, m.group(2), 'equation label')}}}\n$$", text)
    text = LABEL_LINE.sub("", text)
    text = FOOTNOTE.sub(lambda m: _footnote(m, lookup), text)
    text = ROLE_OR_CODE.sub(lambda m: _role(m.group(1), m.group(2), lookup) if m.group(1)
                            else m.group(0), text)
    # a section reference that starts a sentence: "Section 2.9, *Title* ended with ..."
    return SENTENCE_SECTION.sub(lambda m: m.group(1) + "Section", text)


def _directive(name, argument, options, lookup):
    if name == "exercise":
        number = lookup.exercises.get(options.get("label"), "Exercise")
        return f"**{number} ({argument})**" if argument else f"**{number}**"
    if name == "solution-start":
        return "**Solution**"
    if name == "solution-end":
        return "*End of the solution.*"
    if name == "note":
        return "**Note.**" + (f" {argument}" if argument else "")
    return f"**{argument}**" if argument else ""      # admonition


def plain_markdown(text, lookup):
    """One Markdown cell's MyST ``text`` as plain Jupyter Markdown."""
    out, prose, stack = [], [], []      # stack: (fence, is_directive) of the open blocks
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m and stack and m.group(1) == stack[-1][0] and not m.group(2) \
                and not m.group(4).strip():
            if not stack.pop()[1]:
                out.append(line)                   # the end of a code fence, kept
            i += 1
            continue
        if stack and not stack[-1][1]:
            out.append(line)                       # inside a code fence: code, kept
            i += 1
            continue
        if m and (m.group(2) or m.group(1)[0] in "`~"):
            if prose:
                out.append(_prose("\n".join(prose), lookup))
                prose = []
            if not m.group(2):                     # a code fence opens
                stack.append((m.group(1), False))
                out.append(line)
                i += 1
                continue
            name = m.group(3)
            if name not in DIRECTIVES:
                raise MystError(f"directive {{{name}}} has no plain form in tools/myst_plain.py")
            options = {}
            i += 1
            while i < len(lines) and OPTION.match(lines[i]):
                key, _, value = lines[i][1:].partition(":")
                options[key] = value.strip()
                i += 1
            stack.append((m.group(1), True))
            out += ["", _directive(name, _prose(m.group(4).strip(), lookup), options, lookup),
                    ""]
            continue
        prose.append(line)
        i += 1
    if prose:
        out.append(_prose("\n".join(prose), lookup))
    return "\n".join(out)


SOLUTION_START, SOLUTION_END = "**Solution**", "*End of the solution.*"   # _directive's
SOLUTION_MARK = re.compile(re.escape(SOLUTION_START) + "|" + re.escape(SOLUTION_END))


def _markdown_cell(text, cell_id, **metadata):
    return {"cell_type": "markdown", "id": cell_id, "metadata": metadata,
            "source": text.splitlines(keepends=True)}


def _hide(cell):
    cell.setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
    if cell["cell_type"] == "code":
        cell["metadata"]["jupyter"]["outputs_hidden"] = True


def live_notebook(source, dest, lookup, banner=None):
    """Write the live copy of chapter ``source``.

    Its code cells have no stored outputs (the page beside it shows those); its Markdown is
    plain Jupyter Markdown; ``banner`` (Markdown: how to use the live copy) comes after the
    title; each captioned figure gets its caption below the cell that draws it; and solutions
    are collapsed, as the page has them, behind a visible "Solution" line."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    lookup = dataclasses.replace(lookup, footnotes=footnote_numbers(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"))
    cells, in_solution = [], False
    for i, cell in enumerate(nb["cells"]):
        cid = cell.get("id", f"cell-{i}")
        if cell["cell_type"] != "markdown":
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
            if in_solution:
                _hide(cell)
            cells.append(cell)
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
            if figure.get("caption"):
                number = lookup.figures.get(figure.get("name"), "Figure")
                caption = plain_markdown(figure["caption"], lookup)
                cells.append(_markdown_cell(f"*{number}.* {caption}", f"{cid}-caption"))
                if in_solution:
                    _hide(cells[-1])
            continue
        try:
            text = plain_markdown("".join(cell["source"]), lookup)
        except MystError as e:
            raise MystError(f"{source.name}, cell {i}: {e}") from None
        # split at the solution markers: the solution's own text is collapsed
        pieces, pos = [], 0
        for m in SOLUTION_MARK.finditer(text):
            pieces += [text[pos:m.start()], m.group(0)]
            pos = m.end()
        pieces.append(text[pos:])
        for k, piece in enumerate(pieces):
            if piece == SOLUTION_START:
                cells.append(_markdown_cell(
                    "**Solution** (collapsed: click the bar at the left of the cell below to "
                    "show it)", f"{cid}-solution"))
                in_solution = True
            elif piece == SOLUTION_END:
                in_solution = False
            elif piece.strip():
                new = dict(cell, id=cid if k == 0 else f"{cid}-{k}",
                           metadata=dict(cell.get("metadata", {})),
                           source=piece.strip("\n").splitlines(keepends=True))
                if in_solution:
                    _hide(new)
                cells.append(new)
        if i == 0 and banner:             # right under the title
            title = cells[-1]["source"][:1]
            rest = "".join(cells[-1]["source"][1:]).strip("\n")
            cells[-1]["source"] = title
            cells.append(_markdown_cell(banner, "live-banner"))
            if rest:
                cells.append(_markdown_cell(rest, f"{cid}-intro"))
    nb["cells"] = cells
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
