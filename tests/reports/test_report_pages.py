"""Render the Word report to PDF and PNG pages (LibreOffice headless + pdftoppm) so a person can look at them.

The PDF's text lines are checked too: no number or code of the report is broken across two lines.

The pages are written to ``tests/artifacts/`` (gitignored). In CI (``CI=true``) the tools must be
present (``.ci/run`` installs them); elsewhere the test skips with the reason when they are missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from PIL import Image

from tanfeng.accounting import example_inventory_path
from tanfeng.db.session import Database
from tanfeng.projection import example_scenarios_path
from tanfeng.reports import charts
from tanfeng.reports.annual import build_annual_report


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"{name} not installed (Debian: libreoffice-writer-nogui, poppler-utils)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; .ci/run should install it")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def rendered(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's 2024 report (with inventory and projection) as docx, and LibreOffice's PDF of it."""
    soffice = _tool("soffice")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        assert charts.cjk_font() is not None, "no CJK font: .ci/run should install fonts-noto-cjk"
    tmp = tmp_path_factory.mktemp("rendered")
    docx = tmp / "annual-2024.docx"
    db = Database(f"sqlite:///{demo_path}")
    try:
        docx.write_bytes(build_annual_report(db, 2024, fmt="docx", inventory=example_inventory_path(),
                                             scenarios=example_scenarios_path()))
    finally:
        db.dispose()
    profile = tmp / "lo-profile"  # a private profile: no clash with another soffice running
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(docx)], check=True, capture_output=True, timeout=180)
    return docx, tmp / "annual-2024.pdf"


def test_docx_renders_to_png_pages(rendered: tuple[Path, Path], artifacts: Path) -> None:
    pdftoppm = _tool("pdftoppm")
    _, pdf = rendered
    assert pdf.stat().st_size > 10_000
    for old in artifacts.glob("annual-2024-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-r", "70", "-png", str(pdf), str(artifacts / "annual-2024")], check=True, timeout=120)
    pages = sorted(artifacts.glob("annual-2024-*.png"))
    assert len(pages) >= 5
    with Image.open(pages[0]) as first:
        width, height = first.size
        assert height / width == pytest.approx(29.7 / 21, rel=0.01)  # A4 portrait
        # the page is not blank: the title and text darken a share of the pixels
        grey = first.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 0.002 * width * height


# A number (1,101.72, 13.5, 2024) or a code (T21, A10.3) as a whole, not a piece of a longer one.
TOKEN = re.compile(r"(?<![A-Za-z0-9.,])(?:[A-Z]+\d+(?:\.\d+)*|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{2,})"
                   r"(?![A-Za-z0-9])")


def _tokens(lines: list[str]) -> Counter[str]:
    return Counter(m.group(0).rstrip(".") for line in lines for m in TOKEN.finditer(line))


def test_no_number_or_code_is_split_across_lines(rendered: tuple[Path, Path]) -> None:
    """Every number and code of the docx's table cells and paragraphs appears whole on one line of the PDF."""
    docx, pdf = rendered
    doc = Document(str(docx))
    words = [p.text.replace("\u200b", "") for p in doc.paragraphs]
    words += [c.text.replace("\u200b", "") for t in doc.tables for r in t.rows for c in r.cells]
    wanted = _tokens(words)
    assert wanted["1,101.72"] >= 1 and any(re.fullmatch(r"T\d{2}", k) for k in wanted)  # the check has teeth
    with pdfplumber.open(pdf) as opened:
        lines = [line["text"] for page in opened.pages for line in page.extract_text_lines()]
    found = _tokens(lines)
    # table cells repeat across a row; a token broken in two is missing from the PDF's lines
    missing = {k: n - found[k] for k, n in wanted.items() if found[k] < n}
    first = sorted(missing)[0] if missing else ""
    context = [line for line in lines if first and first.split(".")[0] in line][:6]
    assert not missing, f"split across lines in the PDF: {sorted(missing)[:10]}; lines with {first}: {context}"
