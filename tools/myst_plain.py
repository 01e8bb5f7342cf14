"""The chapters' MyST Markdown as plain Jupyter Markdown, for the live notebooks.

JupyterLite renders Markdown as Jupyter does, without MyST: a reference such as
``{eq}`lstm-eq-cell``` or a label line ``(lstm-intro)=`` would show as raw markup.  The live copy
of a chapter therefore gets each such construct written out as the book prints it: an equation
reference as its number ``(4.9)``, with ``\\tag{4.9}`` on the equation itself; a section
reference as the section's title; a figure reference as ``Fig. 4.2``; a citation as
``(Hochreiter and Schmidhuber, 1997)``; an exercise as a bold heading.  The numbers and titles
come from the book's own build (``Lookup``), so they are the ones the page beside it shows.
"""
import dataclasses
import json
import posixpath
import re

ROLE = re.compile(r"\{(eq|ref|numref|doc|cite:p|cite:t)\}`([^`]*)`")
LABEL_LINE = re.compile(r"^\([\w\-:.]+\)=[ \t]*\n?", re.M)
EQ_LABEL = re.compile(r"\$\$[ \t]*\(([\w\-:.]+)\)")
FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{([\w\-]+)\})?\s*(.*)$")
OPTION = re.compile(r"^:[\w\-]+:")


@dataclasses.dataclass
class Lookup:
    """What the book's build resolved: label -> text as printed."""
    equations: dict      # label -> "4.9"
    sections: dict       # label -> section title
    figures: dict        # label -> "Fig. 4.2"
    docs: dict           # document path as written, e.g. "03_vanishing_gradients" -> title
    citations: dict      # bibtex key -> (authors as printed, year)
    folder: str = "chapters"   # where the notebooks are: {doc} targets are relative to it


def _target(text):
    """``title <target>`` -> (title, target); ``target`` -> (None, target)."""
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", text, re.S)
    return (m.group(1), m.group(2)) if m else (None, text.strip())


def _cite(keys, lookup, textual):
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        authors, year = lookup.citations[key]
        parts.append(f"{authors} ({year})" if textual else f"{authors}, {year}")
    return "; ".join(parts) if textual else "(" + "; ".join(parts) + ")"


def _role(m, lookup):
    role, text = m.group(1), m.group(2)
    if role == "cite:p":
        return _cite(text, lookup, textual=False)
    if role == "cite:t":
        return _cite(text, lookup, textual=True)
    title, target = _target(text)
    if role == "eq":
        return f"({lookup.equations[target]})"
    if role == "numref":
        number = lookup.figures[target]
        return title.replace("%s", number.split()[-1]) if title else number
    if role == "doc":
        doc = posixpath.normpath(posixpath.join(lookup.folder, target.removesuffix(".ipynb")))
        return title or lookup.docs[doc]
    return title or lookup.sections[target]


def _directive(name, argument):
    if name == "exercise":
        return f"**Exercise: {argument}**" if argument else "**Exercise**"
    if name == "solution-start":
        return "**Solution**"
    if name == "solution-end":
        return "*End of the solution.*"
    if name == "note":
        return "**Note.**" + (f" {argument}" if argument else "")
    return f"**{argument}**" if argument else ""       # admonition and the rest


def _directives(text):
    """Fenced MyST directives -> their heading in bold; code fences are left as they are."""
    out, stack, options = [], [], False      # stack: (fence, is_directive) of open blocks
    for line in text.split("\n"):
        if options:
            if OPTION.match(line):
                continue                     # :label: and :class: lines of a directive
            options = False
        m = FENCE.match(line)
        if m and stack and m.group(1) == stack[-1][0] and not m.group(2) \
                and not m.group(4).strip():
            if not stack.pop()[1]:
                out.append(line)             # the end of a code fence
            continue
        if m and stack and not stack[-1][1]:
            out.append(line)                 # inside a code fence everything is code
            continue
        if m and m.group(2):
            stack.append((m.group(1), True))
            out += ["", _directive(m.group(3), m.group(4).strip()), ""]   # a paragraph
            options = True
            continue
        if m:
            stack.append((m.group(1), False))
        out.append(line)
    return "\n".join(out)


def plain_markdown(text, lookup):
    """One Markdown cell's MyST ``text`` as plain Jupyter Markdown."""
    text = EQ_LABEL.sub(lambda m: f"\\tag{{{lookup.equations[m.group(1)]}}}\n$$", text)
    text = LABEL_LINE.sub("", text)
    text = ROLE.sub(lambda m: _role(m, lookup), text)
    return _directives(text)


def live_notebook(source, dest, lookup):
    """Write the live copy of chapter ``source``: its code cells without stored outputs (the
    page beside it shows those), its Markdown as plain Jupyter Markdown."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        elif cell["cell_type"] == "markdown":
            text = plain_markdown("".join(cell["source"]), lookup)
            cell["source"] = text.splitlines(keepends=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
