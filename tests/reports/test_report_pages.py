"""Render the Word report to PNG pages (LibreOffice headless + pdftoppm) so a person can look at them.

The pages are written to ``tests/artifacts/`` (gitignored). In CI (``CI=true``) the tools must be
present (``.ci/run`` installs them); elsewhere the test skips with the reason when they are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
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


def test_docx_renders_to_png_pages(demo_db: Database, artifacts: Path, tmp_path: Path) -> None:
    soffice, pdftoppm = _tool("soffice"), _tool("pdftoppm")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        assert charts.cjk_font() is not None, "no CJK font: .ci/run should install fonts-noto-cjk"
    docx = tmp_path / "annual-2024.docx"
    docx.write_bytes(build_annual_report(demo_db, 2024, fmt="docx", inventory=example_inventory_path(),
                                         scenarios=example_scenarios_path()))
    profile = tmp_path / "lo-profile"  # a private profile: no clash with another soffice running
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "annual-2024.pdf"
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
