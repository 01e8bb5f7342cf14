"""The PDF of the whole course (``make pdf``): every page of the book, maths typeset."""
import pathlib
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "book.pdf"


def pdf_text():
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_exists_and_has_the_whole_book():
    assert PDF.exists(), "no PDF: run make pdf (make test does)"
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo is missing (make browser installs poppler-utils)")
    info = subprocess.run(["pdfinfo", str(PDF)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [e for part in toc["parts"] for e in part["chapters"]]
    assert pages >= 2 * len(chapters), f"only {pages} pages for {len(chapters)} toc entries"
    text = " ".join(pdf_text().split())          # headings may wrap across lines
    for title in ("From feed-forward to recurrent networks", "Backpropagation through time"):
        assert title.lower() in text.lower(), f"{title!r} is not in the PDF"


def test_pdf_maths_is_typeset():
    """The page's maths delimiters (MathJax's ``\\(`` and ``\\[``) are gone once typeset.
    (TeX commands such as ``\\partial`` may appear in code cells, e.g. matplotlib labels.)"""
    text = pdf_text()
    for raw in ("\\(", "\\)", "\\["):
        assert raw not in text, f"raw TeX {raw!r} in the PDF's text: maths not typeset"
