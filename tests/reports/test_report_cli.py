"""``tanfeng report annual``: files by format, and bad input → one-line message, exit 2, no file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from tanfeng.cli import app


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_annual_report_in_each_format(demo_path: Path, tmp_path: Path) -> None:
    db = str(demo_path)
    code, out = _run("report", "annual", "--year", "2024", "-o", str(tmp_path / "r.docx"), "--db", db)
    assert code == 0, out
    doc = Document(str(tmp_path / "r.docx"))
    assert any(p.text == "一、总体情况" for p in doc.paragraphs)
    code, out = _run("report", "annual", "--year", "2024", "-o", str(tmp_path / "r.xlsx"), "--db", db,
                     "--region", "上犹县")
    assert code == 0, out
    assert "主要指标" in load_workbook(tmp_path / "r.xlsx").sheetnames
    code, out = _run("report", "annual", "-y", "2024", "--format", "html", "-o", str(tmp_path / "r.htm"), "--db", db)
    assert code == 0, out
    assert (tmp_path / "r.htm").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_accepted_only_uses_accepted_values(demo_path: Path, tmp_path: Path) -> None:
    # the demo accepts values up to 2023 (one returned), 2024 is submitted: judged on accepted values only,
    # 2024 shows figures of 2023 or earlier
    code, out = _run("report", "annual", "--year", "2024", "--accepted-only", "--format", "xlsx",
                     "-o", str(tmp_path / "a.xlsx"), "--db", str(demo_path))
    assert code == 0, out
    rows = list(load_workbook(tmp_path / "a.xlsx")["主要指标"].iter_rows(values_only=True))
    periods = {r[7] for r in rows[3:]}
    assert all(p is None or p <= "2023" for p in periods) and "2023" in periods


@pytest.mark.parametrize(("extra", "message"), [
    (["--year", "1900"], "1990"),
    (["--year", "2024", "--region", "不存在县"], "不存在县"),
    (["--year", "2024", "--inventory", "missing.csv"], "missing.csv"),
    (["--year", "2024", "--format", "pdf"], "pdf"),
])
def test_bad_input_exits_2_without_a_file(demo_path: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    out_file = tmp_path / "r.docx"
    code, out = _run("report", "annual", "-o", str(out_file), "--db", str(demo_path), *extra)
    assert code == 2, out
    assert message in out
    assert not out_file.exists()


def test_bad_inventory_file_names_the_row(demo_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("表,类别,子类,年份,数量,单位,用途\n基本信息,地区名称,某县,,,,\n基本信息,基准年,2020,,,,\n"
                   "能源消费,工业和建筑业,不存在的燃料,2020,5,吨,燃料\n", encoding="utf-8")
    out_file = tmp_path / "r.docx"
    code, out = _run("report", "annual", "--year", "2024", "-o", str(out_file), "--db", str(demo_path),
                     "--inventory", str(bad))
    assert code == 2, out
    assert "bad.csv" in out and not out_file.exists()


def test_the_report_bytes_open(demo_path: Path) -> None:
    from tanfeng.db.session import Database
    from tanfeng.reports.annual import build_annual_report

    db = Database(f"sqlite:///{demo_path}")
    try:
        doc = Document(io.BytesIO(build_annual_report(db, 2024, "上犹县", "docx")))
    finally:
        db.dispose()
    assert doc.core_properties.title == "上犹县碳达峰实施方案2024年度实施情况评估报告"


def test_default_file_name_is_the_title(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run("report", "annual", "--year", "2024", "--format", "xlsx", "--db", str(demo_path))
    assert code == 0, out
    assert (tmp_path / "上犹县碳达峰实施方案2024年度实施情况评估报告.xlsx").is_file()
