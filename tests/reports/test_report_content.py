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
from tanfeng.reports.demo import DEMO_PROGRESS, DEMO_VALUES, build_demo_database
from tanfeng.reports.layout import NO_FONT_NOTE, TARGET_HEADERS, build_outline, fmt_num, zh_number
from tanfeng.services.status import compute_status


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
    plan_id = build_demo_database(db)
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
        # reductions read 下降13%（力争13.5%）, others the number and any stretch value
        target = fmt_num(s.target_value)
        if s.target_value is not None and s.shape == "compound":
            target = f"下降{target}{s.unit}"
        if s.stretch_value is not None:
            stretch = fmt_num(s.stretch_value) + (s.unit or "" if s.shape == "compound" else "")
            target += f"（力争{stretch}）"
        assert row[6] == target and row[8] == fmt_num(s.latest_value)
        assert row[9] == fmt_num(s.expected_value) and row[10] == fmt_num(s.gap)
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
    build_demo_database(db)
    report = build_annual_content(db, 2024)
    assert report.facts.values_in_year == sum(2024 in v for v in DEMO_VALUES.values())
    assert report.facts.progress_in_year == sum(p[1] == "2024" for p in DEMO_PROGRESS)
    now = {t.code: t for t in report.targets}
    before = {r.target: r for r in compute_status(db, as_of=2023)}
    counts = {code: n for code, _, n in report.level_counts()}
    assert counts["red"] == sum(1 for t in report.targets if t.level == "red") >= 1
    level_changes = {c.item.split()[0] for c in report.changes if c.kind == "level"}
    assert level_changes == {code for code, t in now.items() if code in before and before[code].level != t.level}
    assert level_changes  # the demo values move at least one target
    task_changes = {c.item.split()[0]: (c.before, c.after) for c in report.changes if c.kind == "task"}
    assert task_changes["A1.1"] == ("按计划推进", "已完成") and task_changes["A2.1"] == ("按计划推进", "进展滞后")
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
    assert all(t.latest_period in (None, "2023", "2020") for t in report.targets)
    ei = next(t for t in report.targets if t.indicator_code == "energy_intensity")
    assert ei.latest_value == pytest.approx(8.1)
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
    assert energy == [pytest.approx(result.years[y].totals()["energy_co2e"] / 1e4) for y in sorted(result.years)]
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = [r for r in wb["清单"].iter_rows(values_only=True)]
    row = next(r for r in sheet if r[0] == "能源活动")
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
    from tanfeng.services.review import list_observations, review

    build_demo_database(db)
    rc = next(t for t in build_annual_content(db, 2024).targets if t.indicator_code == "renewable_capacity")
    assert rc.latest_period == "2024"
    obs = next(o for o in list_observations(db) if o.indicator_id == rc.indicator_id and o.period == "2024")
    review(db, [obs.id], action="return", reason="口径不对", actor="office")
    report = build_annual_content(db, 2024)
    rc = next(t for t in report.targets if t.indicator_code == "renewable_capacity")
    assert (rc.latest_period, rc.latest_value) == ("2023", pytest.approx(38.0))
    series = next(s for s in report.series if s.code == rc.code)
    assert [y for y, _ in series.values] == [2023.0]
