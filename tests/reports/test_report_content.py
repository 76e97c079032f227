"""The annual report's content and files, checked against the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from openpyxl import load_workbook

from tanfeng.accounting import compute, example_inventory_path, read_inventory
from tanfeng.db.session import Database
from tanfeng.reports import charts
from tanfeng.reports.annual import build_annual_content, build_annual_report, render
from tanfeng.reports.layout import NO_FONT_NOTE, TARGET_HEADERS, build_outline, chinese, fmt_num, zh_number
from tanfeng.services.demo import populate_demo
from tanfeng.services.review import list_observations
from tanfeng.services.status import compute_status

from .conftest import DEMO_TODAY


def _demo(db: Database) -> int:
    """The demo users see, in ``db``; returns its plan id."""
    populate_demo(db, today=DEMO_TODAY, other_regions=False)
    return compute_status(db)[0].plan_id


def _progress(db: Database) -> dict[tuple[str, str], str]:
    """(task code, period) → the stored meaning of the latest progress report."""
    from tanfeng.db.models import TaskProgress

    with db.transaction() as session:
        rows = session.query(TaskProgress).order_by(TaskProgress.id).all()
        return {(r.task_code, r.period): r.status for r in rows}


def _tables_by_header(doc: object, headers: list[str]) -> list[list[list[str]]]:
    out = []
    for table in doc.tables:  # type: ignore[attr-defined]
        rows = [[c.text.replace("\u200b", "") for c in r.cells] for r in table.rows]  # break opportunities dropped
        if rows and rows[0][:len(headers)] == headers:
            out.append(rows)
    return out


def test_zh_numbers() -> None:
    assert [zh_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
    assert fmt_num(1101.72) == "1,101.72" and fmt_num(13.0) == "13" and fmt_num(None) == "—" and fmt_num(-0.001) == "0"


def test_docx_matches_the_database(db: Database) -> None:
    plan_id = _demo(db)
    doc = Document(io.BytesIO(build_annual_report(db, 2024, fmt="docx")))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    texts = [p.text for p in doc.paragraphs]
    assert any("示例数据" in t for t in texts[:3])  # the demo data is labelled on the first page
    assert any(t.startswith("上犹县碳达峰实施方案2024年度实施情况评估报告") for t in texts)
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [h[:2] for h in h1[:5]] == ["一、", "二、", "三、", "四、", "五、"]
    assert h1[:2] == ["一、总体情况", "二、主要指标完成情况"] and h1[-1].startswith("附件")
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[0] == "（一）基本情况" and any(h.endswith("能源绿色低碳转型行动") for h in h2)
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"

    status = {r.target: r for r in compute_status(db, as_of=2024) if r.plan_id == plan_id}
    (headline,) = _tables_by_header(doc, TARGET_HEADERS)
    assert headline[0] == TARGET_HEADERS
    assert len(headline) > 4
    for row in headline[1:]:
        s = status[row[0]]
        assert row[1] == s.indicator
        # reductions read 下降13%（力争13.5%） (from the target's own verb), others the number and any stretch value
        verb = {"decrease": "下降", "increase": "提高"}.get(s.reading, "")
        target = fmt_num(s.target_value)
        if s.target_value is not None and verb:
            target = f"{verb}{target}{s.unit}"
        if s.stretch_value is not None:
            stretch = fmt_num(s.stretch_value) + (s.unit or "" if verb else "")
            target += f"（力争{stretch}）"
        assert row[6] == target

        # a cumulative rate reads 下降12.12%, a level as the number
        rate = {"decrease": "下降", "increase": "提高"}.get(s.value_reading, "")
        shown = [f"{rate}{fmt_num(v)}{s.unit}" if rate and v is not None else fmt_num(v)
                 for v in (s.latest_value, s.expected_value)]
        assert row[8] == shown[0] and row[9] == shown[1] and row[10] == fmt_num(s.gap)
        if s.level != "none":
            assert row[11] == s.level_label
    assert {"energy_intensity", "renewable_capacity", "forest_coverage"} <= {status[r[0]].code for r in headline[1:]}

    (appendix,) = _tables_by_header(doc, ["编号", "指标", "目标年"])
    assert [r[0] for r in appendix[1:]] == list(status)  # every target, in plan order
    sentences = {r[0]: r[-1] for r in appendix[1:]}
    with db.transaction() as session:
        from tanfeng.db.models import Target

        for target in session.query(Target).all():
            assert sentences[target.code] == target.sentence
    assert len(doc.inline_shapes) >= 1 + sum(1 for r in headline[1:] if status[r[0]].latest_value is not None)


def test_levels_changes_and_missing_reports(db: Database) -> None:
    _demo(db)
    report = build_annual_content(db, 2024)
    values_2024 = [o for o in list_observations(db) if o.period.startswith("2024") and o.status in ("submitted", "accepted")]
    progress = _progress(db)
    assert report.facts.values_in_year == len(values_2024) > 0
    assert report.facts.progress_in_year == sum(period == "2024" for _, period in progress) > 0
    now = {t.code: t for t in report.targets}
    before = {r.target: r for r in compute_status(db, as_of=2023)}
    counts = {code: n for code, _, n in report.level_counts()}
    assert counts["red"] == sum(1 for t in report.targets if t.level == "red") >= 1
    level_changes = {c.item.split()[0] for c in report.changes if c.kind == "level"}
    assert level_changes == {code for code, t in now.items() if code in before and before[code].level != t.level}
    assert level_changes  # the demo values move at least one target
    task_changes = {c.item.split()[0]: (c.before, c.after) for c in report.changes if c.kind == "task"}
    changed = {task for (task, period), status in progress.items()
               if period == "2024" and progress.get((task, "2023"), status) != status}
    assert set(task_changes) == changed and changed  # the demo moves some tasks, the report says which
    assert {("按计划推进", "已完成"), ("按计划推进", "进展滞后")} <= set(task_changes.values())
    missing = {(m.unit, m.kind, m.item.split()[0]) for m in report.missing}
    reported = {t.code for a in report.actions for t in a.tasks if t.report}
    for action in report.actions:
        for task in action.tasks:
            if task.lead_unit:
                assert ((task.lead_unit, "progress", task.code) in missing) == (task.code not in reported)
    # a level indicator with a 2020 baseline but no 2024 value is owed by its lead unit
    owed = [t for t in report.targets if t.latest_period != "2024" and t.shape == "linear"
            and t.baseline_value is not None and t.lead_unit]
    for t in owed:
        assert any(m.kind == "value" and m.item == t.indicator and m.period == "2024" for m in report.missing)


def test_as_of_an_earlier_year_ignores_later_values(demo_db: Database) -> None:
    report = build_annual_content(demo_db, 2023)
    assert all(t.latest_period is None or t.latest_period[:4] <= "2023" for t in report.targets)
    ei = next(t for t in report.targets if t.indicator_code == "energy_intensity")
    stored = next(o for o in list_observations(demo_db) if o.indicator_id == ei.indicator_id and o.period == "2023")
    assert ei.latest_value == pytest.approx(stored.value)
    assert all(v[0] <= 2023 for s in report.series for v in s.values)


def test_xlsx_has_the_same_tables_as_numbers(demo_db: Database) -> None:
    wb = load_workbook(io.BytesIO(build_annual_report(demo_db, 2024, fmt="xlsx")))
    assert wb.sheetnames[0] == "说明" and {"主要指标", "目标清单", "未报送"} <= set(wb.sheetnames)
    status = {r.target: r for r in compute_status(demo_db, as_of=2024)}
    ws = wb["主要指标"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows.index(tuple(TARGET_HEADERS))
    assert "示例数据" in str(rows[1][0])
    for row in rows[head + 1:]:
        s = status[row[0]]
        for got, want in ((row[6], s.target_value), (row[8], s.latest_value), (row[9], s.expected_value)):
            assert got == (None if want is None else pytest.approx(want, rel=1e-12))
        assert isinstance(row[8], float | int | type(None))
    codes = [r[0] for r in list(wb["目标清单"].iter_rows(values_only=True))[3:]]
    assert codes == list(status)


def test_html_page(demo_db: Database) -> None:
    page = build_annual_report(demo_db, 2024, fmt="html").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<h2>一、总体情况</h2>" in page
    assert page.count("data:image/png;base64,") >= 2
    for row in compute_status(demo_db):
        assert f"<td>{row.target}</td>" in page


def test_inventory_section_from_the_example_file(demo_db: Database) -> None:
    path = example_inventory_path()
    report = build_annual_content(demo_db, 2024, inventory=path)
    assert report.inventory is not None and report.inventory.demo
    result = compute(read_inventory(path))
    energy = next(vals for code, _, vals in report.inventory.sectors if code == "energy")
    assert energy == [pytest.approx(result.years[y].totals()["energy_co2_direct"] / 1e4) for y in sorted(result.years)]
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = [r for r in wb["清单"].iter_rows(values_only=True)]
    row = next(r for r in sheet if r[0] == "能源活动（不含调入电力）")
    assert list(row[1:]) == pytest.approx(energy)
    assert report.inventory.indicator_year == 2024


def test_without_a_cjk_font_the_report_says_so(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    outline = build_outline(build_annual_content(demo_db, 2024))
    first = outline.sections[0].blocks[0]
    assert getattr(first, "text", "") == NO_FONT_NOTE
    doc = Document(io.BytesIO(render(build_annual_content(demo_db, 2024), "docx")))
    assert any(p.text == NO_FONT_NOTE for p in doc.paragraphs) and len(doc.inline_shapes) >= 2


def test_demo_is_not_claimed_for_plain_data(db: Database, tmp_path: Path) -> None:
    from tanfeng.plans import example_plan_path, read
    from tanfeng.services.plan_import import import_plan

    import_plan(db, read(example_plan_path()), actor="office")
    report = build_annual_content(db, 2024)
    assert not report.demo and report.facts.values_in_year == 0
    doc = Document(io.BytesIO(render(report, "docx")))
    assert not any("示例数据" in p.text for p in doc.paragraphs)
    assert len(report.missing) > 0  # nobody reported anything


def test_returned_values_are_left_out(db: Database) -> None:
    from tanfeng.services.review import review

    _demo(db)
    stored = {(o.indicator_id, o.period): o for o in list_observations(db)}
    rc = next(t for t in build_annual_content(db, 2024).targets
              if t.latest_period == "2024" and (t.indicator_id, "2023") in stored)
    review(db, [stored[(rc.indicator_id, "2024")].id], action="return", reason="口径不对", actor="office")
    report = build_annual_content(db, 2024)
    rc = next(t for t in report.targets if t.code == rc.code)
    assert (rc.latest_period, rc.latest_value) == ("2023", pytest.approx(stored[(rc.indicator_id, "2023")].value))
    series = next(s for s in report.series if s.code == rc.code)
    assert max(y for y, _ in series.values) == 2023.0


def test_projection_base_year_is_the_inventorys(demo_db: Database) -> None:
    """With an inventory-based scenario file the projection starts from the inventory's own figure."""
    from tanfeng.projection.scenarios import example_inventory_scenarios_path

    path = example_inventory_path()
    report = build_annual_content(demo_db, 2024, inventory=path, scenarios=example_inventory_scenarios_path())
    pr = report.projection
    assert pr is not None and pr.base_from_inventory and pr.base_year == 2020
    energy = compute(read_inventory(path)).years[2020].totals()["energy_co2_with_indirect"] / 1e4
    assert pr.base_value == pytest.approx(energy, rel=1e-12)
    assert pr.metric_zh == "能源活动（含调入电力）"
    inventory_row = next(vals for zh, vals in report.inventory.totals if zh == pr.metric_zh)  # type: ignore[union-attr]
    assert inventory_row[0] == pytest.approx(pr.base_value, rel=1e-12)
    text = "\n".join(p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs)
    assert f"预测基准年2020年能源活动（含调入电力）为{energy:.2f}万吨（取自清单" in text
    # a scenario file with its own base year is said to be so
    from tanfeng.projection import example_scenarios_path

    own = build_annual_content(demo_db, 2024, inventory=path, scenarios=example_scenarios_path()).projection
    assert own is not None and not own.base_from_inventory and any("未取自清单" in n for n in own.notes)


def test_report_says_which_dual_control_deductions_were_applied(demo_db: Database) -> None:
    from tanfeng.accounting.indicators import FEEDSTOCK_ZH, NEW_RENEWABLE_ZH

    report = build_annual_content(demo_db, 2024, inventory=example_inventory_path())
    inv = report.inventory
    assert inv is not None
    rows = dict(inv.indicators)
    assert rows[f"{FEEDSTOCK_ZH}（万吨标准煤）"] < 0 and rows[f"{NEW_RENEWABLE_ZH}（万吨标准煤）"] < 0
    assert rows["考核口径能源消费量（万吨标准煤）"] == pytest.approx(
        rows["能源消费总量（万吨标准煤）"] + rows[f"{FEEDSTOCK_ZH}（万吨标准煤）"] + rows[f"{NEW_RENEWABLE_ZH}（万吨标准煤）"])
    text = "\n".join(p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs)
    assert f"能耗双控指标口径：{FEEDSTOCK_ZH}、{NEW_RENEWABLE_ZH}" in text


def test_mixed_factor_sets_are_listed_in_the_report_notes(demo_db: Database, tmp_path: Path) -> None:
    from tanfeng.accounting import InventoryInputError

    coal = tmp_path / "coal.csv"
    coal.write_bytes(example_inventory_path().read_bytes().replace("烟煤".encode(), "原煤".encode()))
    with pytest.raises(InventoryInputError, match="原煤"):
        build_annual_content(demo_db, 2024, inventory=coal)
    report = build_annual_content(demo_db, 2024, inventory=coal, fallback="ipcc2006")
    assert report.inventory is not None
    warnings = [n for n in report.inventory.notes if n.startswith("警告")]
    assert len(warnings) == 2 and all("碳氧化率取自ipcc2006" in w for w in warnings)  # 2020 and 2024
    text = "\n".join(p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs).replace("\u200b", "")
    assert all(chinese(w) in text for w in warnings)  # the Chinese report carries the Chinese half
