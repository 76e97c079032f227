"""End to end on the bundled reference plan (上犹县碳达峰实施方案, a public 2023 draft)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tanfeng.cli import app


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_reference_plan_import_collect_and_status(db_url: str, reference_plan_path: Path, tmp_path: Path) -> None:
    first = _run("plan", "import", str(reference_plan_path), "--db", db_url)
    assert "上犹县" in first and "第1版" in first
    assert "未作改动" in _run("plan", "import", str(reference_plan_path), "--db", db_url)
    units = _run("units", "alias", "list", "--region", "上犹县", "--db", db_url)
    # the plan writes both 市场监管局 and 市场监督局: one unit
    market = [line for line in units.splitlines() if "市场监" in line]
    assert len(market) == 1 and "市场监督局" in market[0]

    status = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db_url)) if r["code"]}
    ei, rc = status["energy_intensity"], status["renewable_capacity"]
    assert (ei["shape"], ei["target_value"], ei["stretch_value"], ei["baseline_year"]) == ("compound", 13, 13.5, 2020)
    assert rc["shape"] == "linear" and rc["unit"] == "万千瓦" and rc["lead_unit"] == "县发改委"
    assert status["carbon_intensity"]["note"].startswith("待录入")

    _run("plan", "assign", ei["target"], "--lead", "县发展和改革委员会", "--co", "县统计局", "--db", db_url)
    _run("plan", "baseline", rc["target"], "2020", "20", "--db", db_url)
    book = tmp_path / "发改委-2024.xlsx"
    _run("data", "template", "--unit", "发改委", "--period", "2024", "-o", str(book), "--db", db_url)
    wb = load_workbook(book)
    ws = wb["指标填报"]
    filled = {ei["indicator_id"]: 11.0, rc["indicator_id"]: 41.0}
    found = set()
    for row in range(2, ws.max_row + 1):
        ident = ws.cell(row=row, column=1).value
        if ident in filled:
            ws.cell(row=row, column=4).value = filled[ident]
            found.add(ident)
    assert found == set(filled)
    wb.save(book)
    assert "新增2" in _run("data", "import", str(book), "--db", db_url)

    status = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db_url)) if r["code"]}
    ei, rc = status["energy_intensity"], status["renewable_capacity"]
    assert ei["latest_value"] == 11.0 and ei["expected_value"] == pytest.approx(100 * (1 - 0.87 ** 0.8))
    assert ei["level"] == "green" and ei["lead_unit"] == "县发改委" and ei["co_units"] == ["县统计局"]
    assert rc["latest_value"] == 41.0 and rc["expected_value"] == pytest.approx(44.0)
    assert rc["level"] == "yellow"
