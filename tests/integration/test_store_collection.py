from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.base import Base
from tanfeng.db.models import Indicator, TaskProgress
from tanfeng.db.session import Database
from tanfeng.services.collection import import_collection, submit_values
from tanfeng.services.errors import ImportValidationError, StoreError
from tanfeng.services.plan_admin import assign_units
from tanfeng.services.plan_import import import_plan
from tanfeng.services.progress import task_progress
from tanfeng.services.review import history, list_observations, review
from tanfeng.services.status import compute_status
from tanfeng.services.templates import write_template


def _setup(db: Database, builder: PlanBuilder) -> dict[str, int]:
    import_plan(db, builder.plan(), actor="office")
    assign_units(db, plan=None, target="T1", lead="县发改委", co=[], actor="office")
    with db.transaction() as s:
        return {code: i for i, code in s.execute(select(Indicator.id, Indicator.code))}


def _fill(path: Path, values: dict[str, Any], sheet: str = "指标填报", key: str = "indicator_id") -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    cols = {str(c.value).split("\n")[1]: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):
        ident = str(ws.cell(row=row, column=cols[key]).value)
        for column, value in values.get(ident, {}).items():
            ws.cell(row=row, column=cols[column]).value = value
    wb.save(path)


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def test_template_holds_exactly_the_units_indicators_and_tasks(db: Database, builder: PlanBuilder,
                                                                 tmp_path: Path) -> None:
    ids = _setup(db, builder)
    path = tmp_path / "发改委-2023.xlsx"
    info = write_template(db, unit="发展和改革委员会", period="2023", path=path)
    assert (info.unit, info.period, info.indicators, info.tasks) == ("县发改委", "2023", 3, 2)
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "指标填报", "任务进展", "_meta"]
    assert wb["_meta"].sheet_state == "hidden"
    assert "填报说明" in "".join(str(c.value) for c in wb["说明"]["A"])
    ws = wb["指标填报"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    # lead of T1 (assigned) and of A1.1's target, co-unit of A1.2's target; not the milestone or the quota target
    assert sorted(r[0] for r in rows) == sorted([ids["energy_intensity"], ids["renewable_capacity"],
                                                 ids["forest_coverage"]])
    roles = {r[0]: r[12] for r in rows}
    assert roles[ids["forest_coverage"]] == "配合" and roles[ids["renewable_capacity"]] == "牵头"
    units = {r[0]: r[4] for r in rows}
    assert units[ids["renewable_capacity"]] == "万千瓦"
    assert all(r[2] == "2023" for r in rows)
    basis = {r[0]: r[7] for r in rows}
    assert "累计" in basis[ids["energy_intensity"]]
    validations = ws.data_validations.dataValidation
    assert any(v.type == "decimal" for v in validations)
    tasks = list(wb["任务进展"].iter_rows(min_row=2, values_only=True))
    assert {(t[1], t[6]) for t in tasks} == {("A1.1", "牵头"), ("A1.2", "配合")}
    assert any(v.type == "list" and "按计划推进" in v.formula1 for v in wb["任务进展"].data_validations.dataValidation)
    forestry = write_template(db, unit="县林业局", period="2023", path=tmp_path / "林业局.xlsx")
    assert forestry.indicators == 1 and forestry.tasks == 1


def test_filled_template_imports_and_status_shows_it(db_url: str, db: Database, builder: PlanBuilder,
                                                      tmp_path: Path) -> None:
    ids = _setup(db, builder)
    path = tmp_path / "fagai.xlsx"
    write_template(db, unit="县发改委", period="2023", path=path)
    _fill(path, {str(ids["energy_intensity"]): {"value": 8.5, "source": "县统计局"},
                 str(ids["renewable_capacity"]): {"value": 300, "unit": "兆瓦"}})
    _fill(path, {"A1.1": {"status": "按计划推进", "text": "新增光伏10万千瓦"}}, sheet="任务进展", key="task")
    result = import_collection(db, path, actor="clerk")
    assert (result.created, result.updated, result.task_reports) == (2, 0, 1)
    again = import_collection(db, path, actor="clerk")
    assert (again.created, again.updated, again.unchanged, again.task_reports) == (0, 0, 2, 0)
    out = CliRunner().invoke(app, ["status", "--format", "json", "--db", db_url])
    assert out.exit_code == 0, out.output
    rows = {r["code"]: r for r in json.loads(out.output)}
    ei = rows["energy_intensity"]
    assert ei["latest_period"] == "2023" and ei["latest_value"] == pytest.approx(8.5)
    assert ei["expected_value"] == pytest.approx(100 * (1 - 0.87 ** 0.6))
    assert ei["level"] == "green" and ei["lead_unit"] == "县发改委"
    rc = rows["renewable_capacity"]
    assert rc["latest_value"] == pytest.approx(30.0)  # 300 MW = 30 万千瓦
    assert rc["level"] == "none" and "基期" in rc["note"]
    with db.transaction() as s:
        progress = s.scalars(select(TaskProgress)).all()
        assert [(p.task_code, p.status, p.text) for p in progress] == [("A1.1", "on_track", "新增光伏10万千瓦")]


def test_any_bad_row_rejects_the_whole_file(db_url: str, db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _setup(db, builder)
    path = tmp_path / "bad.csv"
    path.write_text(
        "填报单位,指标ID,填报期间,本期值,计量单位\n"
        f"县发改委,{ids['renewable_capacity']},2023,30,万千瓦\n"  # good
        "县发改委,99999,2023,1,%\n"  # unknown indicator
        f"县发改委,{ids['renewable_capacity']},2023Q9,31,万千瓦\n"  # not a period
        f"县发改委,{ids['energy_intensity']},2023,8,万吨\n"  # wrong unit
        f"县发改委,{ids['energy_intensity']},2022,abc,%\n"  # not a number
        f"县发改委,{ids['energy_intensity']},2031,9,%\n"  # outside the plan
        f"县林业局,{ids['renewable_capacity']},2024,40,万千瓦\n"  # not responsible
        f"县发改委,{ids['renewable_capacity']},2023,32,万千瓦\n"  # duplicate of row 2
        f"县发改委,{ids['renewable_capacity']},2024,nan,万千瓦\n",  # not a number either
        encoding="utf-8")
    before = _counts(db)
    with pytest.raises(ImportValidationError) as caught:
        import_collection(db, path, actor="clerk")
    errors = caught.value.errors
    assert [e.row for e in errors] == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = "\n".join(caught.value.details())
    for fragment in ("未知指标", "无法识别", "单位“万吨”", "不是数字", "2031", "不是“光伏发电装机容量”的责任单位", "重复"):
        assert fragment in messages
    assert _counts(db) == before
    out = CliRunner().invoke(app, ["data", "import", str(path), "--db", db_url])
    assert out.exit_code == 2
    assert "bad.csv" in out.output and "第3行" in out.output and "row 3" in out.output
    assert _counts(db) == before


def test_values_keep_their_history_and_go_through_review(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _setup(db, builder)
    rc = ids["renewable_capacity"]
    for value in (30, 33):
        path = tmp_path / f"v{value}.csv"
        path.write_text(f"填报单位,指标ID,填报期间,本期值\n县发改委,{rc},2023,{value}\n", encoding="utf-8")
        import_collection(db, path, actor="clerk")
    (obs,) = list_observations(db)
    assert (obs.value, obs.status) == (33, "submitted")
    with pytest.raises(StoreError, match="理由"):
        review(db, [obs.id], action="return", actor="office")
    assert review(db, [obs.id], action="return", actor="office", reason="与统计公报不符") == 1
    assert compute_status(db)[2].latest_value is None  # a returned value does not count
    path = tmp_path / "v34.csv"
    path.write_text(f"填报单位,指标ID,填报期间,本期值\n县发改委,{rc},2023,34\n", encoding="utf-8")
    import_collection(db, path, actor="clerk")
    review(db, [obs.id], action="accept", actor="office")
    steps = [(r.action, r.old_value, r.new_value, r.old_status, r.new_status, r.actor) for r in history(db, rc)]
    assert steps == [
        ("create", None, 30, None, "submitted", "clerk"),
        ("update", 30, 33, "submitted", "submitted", "clerk"),
        ("return", 33, 33, "submitted", "returned", "office"),
        ("update", 33, 34, "returned", "submitted", "clerk"),
        ("accept", 34, 34, "submitted", "accepted", "office"),
    ]
    assert history(db, rc)[2].reason == "与统计公报不符"
    rows = {r.code: r for r in compute_status(db, accepted_only=True)}
    assert rows["renewable_capacity"].latest_value == 34


def test_task_progress_rejects_unknown_status_and_foreign_tasks(db: Database, builder: PlanBuilder,
                                                               tmp_path: Path) -> None:
    _setup(db, builder)
    with db.transaction() as s:
        plan_id = s.execute(select(Indicator.plan_id)).scalars().first()
    path = tmp_path / "tasks.csv"
    path.write_text("填报单位,方案ID,任务编号,填报期间,进展状态,进展说明\n"
                    f"县林业局,{plan_id},A1.2,2023,已完成,完成造林1万亩\n"
                    f"县林业局,{plan_id},A1.1,2023,已完成,不是本单位任务\n"
                    f"县林业局,{plan_id},A1.2,2023,差不多,?\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_collection(db, path, actor="clerk")
    assert [e.row for e in caught.value.errors] == [3, 4]
    path.write_text("填报单位,方案ID,任务编号,填报期间,进展状态,进展说明\n"
                    f"县林业局,{plan_id},A1.2,2023,已完成,完成造林1万亩\n", encoding="utf-8")
    assert import_collection(db, path, actor="clerk").task_reports == 1
    later = tmp_path / "later.csv"
    later.write_text("填报单位,方案ID,任务编号,填报期间,进展状态,进展说明\n"
                     f"县林业局,{plan_id},A1.2,2024,进展滞后,资金未到位\n", encoding="utf-8")
    import_collection(db, later, actor="clerk")
    rows = {p.task: p for p in task_progress(db)}
    assert (rows["A1.2"].period, rows["A1.2"].status_label, rows["A1.2"].reporter) == ("2024", "进展滞后", "县林业局")
    assert rows["A1.1"].status is None and rows["A1.1"].lead_unit == "县发改委"
    assert task_progress(db, period="2023")[1].text == "完成造林1万亩"


def test_percent_typed_in_excel_is_read_as_percent(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    ids = _setup(db, builder)
    path = tmp_path / "pct.xlsx"
    write_template(db, unit="县发改委", period="2024", path=path)
    wb = load_workbook(path)
    ws = wb["指标填报"]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == ids["energy_intensity"]:
            ws.cell(row=row, column=4).value = 0.105  # what Excel stores when someone types 10.5%
            ws.cell(row=row, column=4).number_format = "0.0%"
    wb.save(path)
    assert import_collection(db, path, actor="clerk").created == 1
    (obs,) = list_observations(db)
    assert obs.value == pytest.approx(10.5) and obs.period == "2024"


def test_units_pint_cannot_parse_must_match_exactly(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    builder.targets.append({"id": "T6", "indicator": "规上工业单位增加值能耗", "code": None, "change": "decrease",
                            "value": 0.5, "unit": "吨标准煤/万元", "year": 2025, "task_id": "A1.1",
                            "sentence": "规上工业单位增加值能耗下降到0.5吨标准煤/万元"})
    ids = _setup(db, builder)
    with db.transaction() as s:
        ind = s.scalar(select(Indicator.id).where(Indicator.name == "规上工业单位增加值能耗"))
    bad = tmp_path / "bad.csv"
    bad.write_text(f"填报单位,指标ID,填报期间,本期值,计量单位\n县发改委,{ind},2023,0.6,万吨\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="万吨"):
        import_collection(db, bad, actor="clerk")
    good = tmp_path / "good.csv"
    good.write_text("填报单位,指标ID,填报期间,本期值,计量单位\n"
                    f"县发改委,{ind},2023,0.6,吨标准煤/万元\n县发改委,{ind},2024,0.58,\n", encoding="utf-8")
    assert import_collection(db, good, actor="clerk").created == 2
    row = next(r for r in compute_status(db) if r.indicator_id == ind)
    assert (row.direction, row.latest_value, row.unit) == ("down", 0.58, "吨标准煤/万元")
    assert ids["energy_intensity"] != ind


def test_values_entered_in_a_form_go_through_the_same_checks(db: Database, builder: PlanBuilder) -> None:
    ids = _setup(db, builder)
    with pytest.raises(ImportValidationError, match="不是数字") as caught:
        submit_values(db, [{"indicator_id": ids["renewable_capacity"], "period": "2023", "value": "30"},
                           {"indicator_id": ids["renewable_capacity"], "period": "2024", "value": "很多"}],
                      reporter="县发改委", actor="web-user")
    assert [e.row for e in caught.value.errors] == [2]
    assert list_observations(db) == []
    result = submit_values(db, [{"indicator_id": ids["renewable_capacity"], "period": "2023", "value": 30,
                                 "unit": "万千瓦", "source": "供电公司台账"}],
                           reporter="发改委", actor="web-user", draft=True)
    assert result.created == 1
    (obs,) = list_observations(db)
    assert (obs.status, obs.reporter) == ("draft", "县发改委")
    assert compute_status(db)[2].latest_value is None  # drafts do not count
    with pytest.raises(StoreError, match="不能采纳"):
        review(db, [obs.id], action="accept", actor="office")
    assert review(db, [obs.id], action="submit", actor="web-user") == 1
    assert compute_status(db)[2].latest_value == 30


def test_missing_columns_are_reported_once(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    _setup(db, builder)
    path = tmp_path / "cols.csv"
    path.write_text("填报单位,指标,年份,数\n县发改委,x,2023,1\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as caught:
        import_collection(db, path, actor="clerk")
    first = caught.value.errors[0]
    assert first.row == 1 and "缺少列" in first.zh and "指标ID" in first.zh and "本期值" in first.zh


def _sheet(path: Path) -> tuple[Any, dict[str, int]]:
    wb = load_workbook(path)
    ws = wb["指标填报"]
    return ws, {str(c.value).split("\n")[1]: c.column for c in ws[1]}


def test_template_shows_the_expected_value_and_its_import_ignores_it(db_url: str, db: Database, builder: PlanBuilder,
                                                                   tmp_path: Path) -> None:
    """Two regions' plans (−13 % and −14 % energy intensity by 2025 from 2020): the 预期值 column holds the
    trajectory's value at the end of 2024 as a number in the formatter's format; filled, it imports (the column
    is never read); a workbook without the column (made before it existed) imports as well."""
    other = PlanBuilder(region="另一县", title="另一县碳达峰实施方案")
    other.target("T1").update(value=14, stretch_value=None, sentence="到2025年，单位地区生产总值能源消耗较2020年下降14%")
    for plan_builder, plan in ((builder, "示例县碳达峰实施方案"), (other, "另一县碳达峰实施方案")):
        import_plan(db, plan_builder.plan(), actor="office")
        assign_units(db, plan=plan, target="T1", lead="县发改委", co=[], actor="office")
    # by hand: the remaining factor (1 − R) falls geometrically, 4 of 5 years → 100·(1 − (1 − R)^0.8)
    for region, reduction in (("示例县", 0.13), ("另一县", 0.14)):
        expected = 100 * (1 - (1 - reduction) ** 0.8)
        path = tmp_path / f"{region}.xlsx"
        out = CliRunner().invoke(app, ["data", "template", "--unit", "县发改委", "--period", "2024", "--region", region,
                                       "--out", str(path), "--db", db_url])
        assert out.exit_code == 0, out.output
        ws, cols = _sheet(path)
        assert ws.cell(row=1, column=cols["expected"]).value.startswith("预期值")
        assert cols["basis"] < cols["expected"] and cols["unit"] < cols["expected"]  # 计量单位 and 填报口径 are there too
        rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
        ids = {r.code: r.indicator_id for r in compute_status(db, region=region)}
        energy, solar = ids["energy_intensity"], ids["renewable_capacity"]
        shown = ws.cell(row=rows[energy], column=cols["expected"])
        assert isinstance(shown.value, float) and shown.value == pytest.approx(expected)  # a number, not text
        assert shown.number_format == "#,##0.00"  # as format_number writes it: 四舍五入 to 2 decimals
        assert ws.cell(row=rows[energy], column=cols["unit"]).value == "%"
        assert "累计" in ws.cell(row=rows[energy], column=cols["basis"]).value
        assert ws.cell(row=rows[solar], column=cols["expected"]).value is None  # no base value: no path, blank
        instructions = "".join(str(c.value) for c in load_workbook(path)["说明"]["A"])
        assert "预期值" in instructions and "导入时不读取" in instructions
        # filled in, with the expected value overwritten by mistake: the import stores the value only
        _fill(path, {str(energy): {"value": 9.5, "expected": "not a number"}})
        result = import_collection(db, path, actor="clerk")
        assert (result.created, result.updated) == (1, 0)
        stored = {(o.indicator_id, o.period): o.value for o in list_observations(db)}
        assert stored[(energy, "2024")] == pytest.approx(9.5)
        # a workbook from before the column: the same file without it imports too
        old = tmp_path / f"{region}-old.xlsx"
        wb = load_workbook(path)
        wb["指标填报"].delete_cols(cols["expected"])
        wb.save(old)
        _fill(old, {str(energy): {"value": 9.75}})
        again = import_collection(db, old, actor="clerk")
        assert (again.created, again.updated) == (0, 1)
        assert {(o.indicator_id, o.period): o.value for o in list_observations(db)}[(energy, "2024")] == 9.75
