from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.models import Indicator
from tanfeng.db.session import Database
from tanfeng.services.collection import import_collection
from tanfeng.services.plan_admin import assign_units, set_baseline
from tanfeng.services.plan_import import import_plan
from tanfeng.services.responsibility import unit_matrix
from tanfeng.services.status import compute_status, indicator_series
from tanfeng.tracking.warnings import Thresholds

EI_2023 = 100 * (1 - 0.87 ** 0.6)  # expected cumulative reduction by 2023 on a 13% (2020→2025) path


def _prepare(db: Database, builder: PlanBuilder) -> dict[str, int]:
    import_plan(db, builder.plan(), actor="office")
    assign_units(db, plan=None, target="T1", lead="县发改委", co=[], actor="office")
    assign_units(db, plan=None, target="T2", lead="县发改委", co=[], actor="office")
    with db.transaction() as s:
        return {code: i for i, code in s.execute(select(Indicator.id, Indicator.code))}


def _report(db: Database, tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / f"r{len(list(tmp_path.iterdir()))}.csv"
    path.write_text("填报单位,指标ID,填报期间,本期值,计量单位\n" + "\n".join(lines) + "\n", encoding="utf-8")
    import_collection(db, path, actor="clerk")


def _status(db_url: str, *extra: str) -> dict[str, dict[str, object]]:
    out = CliRunner().invoke(app, ["status", "--format", "json", "--db", db_url, *extra])
    assert out.exit_code == 0, out.output
    return {r["code"]: r for r in json.loads(out.output)}


@pytest.mark.parametrize(("value", "level"), [(8.5, "green"), (0.75 * EI_2023, "yellow"), (3.0, "red"),
                                              (-0.5, "red")])
def test_compound_levels(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path, value: float,
                         level: str) -> None:
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县发改委,{ids['energy_intensity']},2023,{value},%"])
    row = _status(db_url)["energy_intensity"]
    assert row["shape"] == "compound"
    assert row["expected_value"] == pytest.approx(EI_2023)
    assert row["gap"] == pytest.approx(value - EI_2023)
    assert row["level"] == level


@pytest.mark.parametrize(("value", "level"), [(81.2, "green"), (80.8, "yellow"), (80.3, "red"), (82.0, "green")])
def test_linear_levels_with_a_reported_baseline(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path,
                                                value: float, level: str) -> None:
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县林业局,{ids['forest_coverage']},2020,80,%",
                           f"县林业局,{ids['forest_coverage']},2023,{value},%"])
    row = _status(db_url)["forest_coverage"]
    assert row["shape"] == "linear" and row["baseline_value"] == pytest.approx(80)
    assert row["expected_value"] == pytest.approx(80 + 1.8 * 0.6)
    assert row["level"] == level
    assert row["lead_unit"] == "县林业局" and set(row["co_units"]) == {"县发改委", "县市场监管局"}


def test_units_convert_and_thresholds_apply(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _prepare(db, builder)
    set_baseline(db, plan=None, target="T3", year=2020, value=10, actor="office")
    _report(db, tmp_path, [f"县发改委,{ids['renewable_capacity']},2023,300,MW"])
    row = _status(db_url)["renewable_capacity"]
    assert row["latest_value"] == pytest.approx(30.0)  # 300 MW = 30 万千瓦
    assert row["expected_value"] == pytest.approx(34.0)
    assert row["progress_ratio"] == pytest.approx(20 / 24)
    assert row["level"] == "yellow"
    assert _status(db_url, "--green", "0.8")["renewable_capacity"]["level"] == "green"
    assert _status(db_url, "--green", "1", "--red", "0.9")["renewable_capacity"]["level"] == "red"


def test_quota_deferred_target_becomes_trackable(db_url: str, db: Database, builder: PlanBuilder,
                                                 tmp_path: Path) -> None:
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县发改委,{ids['carbon_intensity']},2023,12,%"])
    row = _status(db_url)["carbon_intensity"]
    assert row["level"] == "none" and "待录入" in str(row["note"])
    result = CliRunner().invoke(app, ["plan", "quota", "T2", "18", "--unit", "%", "--db", db_url])
    assert result.exit_code == 0, result.output
    row = _status(db_url)["carbon_intensity"]
    assert row["target_value"] == 18
    assert row["expected_value"] == pytest.approx(100 * (1 - 0.82 ** 0.6))
    assert row["level"] == "green"


def test_status_xlsx_and_table(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    _prepare(db, builder)
    out = tmp_path / "status.xlsx"
    result = CliRunner().invoke(app, ["status", "--format", "xlsx", "-o", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    assert ws.cell(1, 1).value == "方案" and ws.max_row == 1 + len(builder.targets)
    table = CliRunner().invoke(app, ["status", "--db", db_url, "--region", "示例县"])
    assert "单位地区生产总值能源消耗" in table.output and "预警" in table.output
    unknown = CliRunner().invoke(app, ["status", "--db", db_url, "--region", "无此县"])
    assert unknown.exit_code == 2 and "未知地区" in unknown.output


def test_overdue_reports_are_listed_per_unit(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县发改委,{ids['renewable_capacity']},2022,20,万千瓦"])
    units = {u.unit: u for u in unit_matrix(db, today=date(2024, 6, 1))}
    fagai = units["县发改委"]
    overdue = {(o.subject, o.period) for o in fagai.open_reports if o.kind == "overdue"}
    # plan issued 2023 → reporting from 2022; by mid-2024 the years 2022 and 2023 are closed
    assert ("光伏发电装机容量", "2023") in overdue and ("光伏发电装机容量", "2022") not in overdue
    assert ("单位地区生产总值能源消耗", "2022") in overdue
    assert all(o.period in ("2022", "2023") for o in fagai.open_reports)
    assert fagai.lead_tasks == ["A1.1 大力发展可再生能源"] and fagai.co_tasks == ["A1.2 提升森林碳汇能力"]
    assert {o.period for o in units["县林业局"].open_reports} == {"2022", "2023"}
    # task progress is owed by the lead unit from the year of issue (2023) on
    progress = {(o.task, o.period) for o in fagai.open_reports if o.kind == "progress_overdue"}
    assert progress == {("A1.1", "2023")}
    path = tmp_path / "p.csv"
    path.write_text("填报单位,方案ID,任务编号,填报期间,进展状态,进展说明\n"
                    f"县发改委,{fagai_plan_id(db)},A1.1,2023,按计划推进,完成\n", encoding="utf-8")
    import_collection(db, path, actor="clerk")
    fagai = {u.unit: u for u in unit_matrix(db, today=date(2024, 6, 1))}["县发改委"]
    assert not [o for o in fagai.open_reports if o.kind == "progress_overdue"]
    result = CliRunner().invoke(app, ["units", "--format", "json", "--db", db_url])
    assert result.exit_code == 0, result.output
    names = {u["unit"] for u in json.loads(result.output)}
    assert names == {"县发改委", "县住建局", "县市场监管局", "县林业局"}


def test_python_api_thresholds(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县发改委,{ids['energy_intensity']},2023,{0.75 * EI_2023}"])
    rows = {r.code: r for r in compute_status(db, thresholds=Thresholds(green=0.7, red=0.2))}
    assert rows["energy_intensity"].level == "green"
    assert rows["energy_intensity"].to_dict()["indicator"] == "单位地区生产总值能源消耗"


def test_later_milestone_follows_the_earlier_one(db_url: str, db: Database, builder: PlanBuilder,
                                                 tmp_path: Path) -> None:
    builder.targets.append(dict(builder.target("T4"), id="T6", value=82.4, year=2030))
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县林业局,{ids['forest_coverage']},2020,80,%",
                           f"县林业局,{ids['forest_coverage']},2026,81.9,%"])
    out = CliRunner().invoke(app, ["status", "--format", "json", "--db", db_url])
    rows = {r["target"]: r for r in json.loads(out.output)}
    assert rows["T4"]["expected_value"] == pytest.approx(81.8) and rows["T4"]["level"] == "green"
    # 2030 path runs 80 → 81.8 (2025) → 82.4 (2030): by 2026, 81.8 + 0.6 × 1/5
    assert rows["T6"]["expected_value"] == pytest.approx(81.92)
    assert rows["T6"]["level"] == "yellow"


def test_status_as_of_an_earlier_year(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县发改委,{ids['energy_intensity']},2022,6.0,%",
                           f"县发改委,{ids['energy_intensity']},2023,6.5,%"])
    now = _status(db_url)["energy_intensity"]
    then = _status(db_url, "--as-of", "2022")["energy_intensity"]
    assert (now["latest_period"], now["level"]) == ("2023", "yellow")  # 6.5 of 8.0 expected
    assert (then["latest_period"], then["latest_value"]) == ("2022", 6.0)
    assert then["expected_value"] == pytest.approx(100 * (1 - 0.87 ** 0.4)) and then["level"] == "green"


def test_indicator_series_for_charts(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    builder.targets.append(dict(builder.target("T4"), id="T6", value=82.4, year=2030))
    ids = _prepare(db, builder)
    _report(db, tmp_path, [f"县林业局,{ids['forest_coverage']},2020,80,%",
                           f"县林业局,{ids['forest_coverage']},2022,80.5,%"])
    series = indicator_series(db, ids["forest_coverage"])
    assert series.milestones == [(2025, 81.8), (2030, 82.4)]
    assert [y for y, _ in series.expected] == list(range(2020, 2031))
    assert dict(series.expected)[2025] == pytest.approx(81.8) and dict(series.expected)[2030] == pytest.approx(82.4)
    assert [(p.period, p.value) for p in series.values] == [("2020", 80.0), ("2022", 80.5)]
    assert series.baseline_value == 80.0


def fagai_plan_id(db: Database) -> int:
    with db.transaction() as s:
        return s.scalars(select(Indicator.plan_id)).first() or 0
