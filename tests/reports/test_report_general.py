"""Plans other than the reference one: a small built plan, several plans in one database."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from builders import PlanBuilder
from tanfeng.db.session import Database
from tanfeng.errors import TanfengError
from tanfeng.reports.annual import build_annual_content, build_annual_report
from tanfeng.services.collection import submit_values
from tanfeng.services.plan_import import import_plan
from tanfeng.services.status import compute_status


def test_small_plan_every_format(db: Database, builder: PlanBuilder) -> None:
    import_plan(db, builder.plan(), actor="office")
    forest = next(r for r in compute_status(db) if r.code == "forest_coverage")
    submit_values(db, [{"indicator_id": forest.indicator_id, "period": "2020", "value": 80},
                       {"indicator_id": forest.indicator_id, "period": "2024", "value": 81.5}],
                  reporter="县林业局", actor="clerk")
    report = build_annual_content(db, 2024)
    assert report.demo  # 示例县: the builder's plan is demonstration data
    assert [a.code for a in report.actions] == ["A1"] and len(report.actions[0].tasks) == 2
    assert {t.code for t in report.targets} == {t["id"] for t in builder.targets}
    line = next(t for t in report.targets if t.indicator_code == "forest_coverage")
    assert line.latest_value == pytest.approx(81.5) and line.level == "green"
    doc = Document(io.BytesIO(build_annual_report(db, 2024, fmt="docx")))
    appendix = doc.tables[-2]  # the target list; the last table is the data sources
    assert [r.cells[0].text for r in appendix.rows][1:] == [t["id"] for t in builder.targets]
    assert [r.cells[-1].text.replace("\u200b", "") for r in appendix.rows][1:] == [t["sentence"] for t in builder.targets]
    peak = next(t for t in builder.targets if t["code"] == "carbon_peak")
    assert any(peak["sentence"] in p.text for p in doc.paragraphs)
    wb = load_workbook(io.BytesIO(build_annual_report(db, 2024, fmt="xlsx")))
    assert "示例数据" in str(wb["说明"]["A1"].value)
    assert b"<h1>" in build_annual_report(db, 2024, fmt="html")


def test_several_plans_need_a_choice(db: Database, builder: PlanBuilder) -> None:
    import_plan(db, builder.plan(), actor="office")
    other = PlanBuilder(region="另一县", title="另一县碳达峰实施方案")
    import_plan(db, other.plan(), actor="office")
    with pytest.raises(TanfengError, match="--plan"):
        build_annual_content(db, 2024)
    assert build_annual_content(db, 2024, region="另一县").facts.title == "另一县碳达峰实施方案"
    chosen = build_annual_content(db, 2024, plan="示例县碳达峰实施方案")
    assert chosen.facts.region == "示例县" and chosen.title.startswith("示例县碳达峰实施方案2024年度")
