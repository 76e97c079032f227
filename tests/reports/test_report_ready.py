"""The Word report is ready to send: Chinese only, no internal names, units in prose, 四舍五入 everywhere."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from builders import PlanBuilder
from tanfeng.accounting import example_inventory_path
from tanfeng.db.session import Database
from tanfeng.formatting import excel_format, format_number, format_quantity, format_reduction, format_time
from tanfeng.projection import example_scenarios_path
from tanfeng.reports.annual import build_annual_report
from tanfeng.reports.docx import column_widths
from tanfeng.services.collection import submit_values
from tanfeng.services.plan_import import import_plan
from tanfeng.services.status import compute_status


def _texts(doc: object) -> list[str]:
    texts = [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]  # type: ignore[attr-defined]
    return [t.replace("\u200b", "") for t in texts]


def test_half_up_rounding_and_one_format() -> None:
    assert format_number(0.125) == "0.13" and format_number(2.675) == "2.68" and format_number(-0.125) == "-0.13"
    assert format_number(1101.72) == "1,101.72" and format_number(1234567) == "1,234,567"
    assert format_number(13.0) == "13" and format_number(12.5, fixed=True) == "12.50" and format_number(None) == "—"
    assert format_quantity(47, "万吨") == "47万吨" and format_quantity(13.5, "%") == "13.5%"
    assert format_reduction(13, 13.5) == "下降13%（力争13.5%）"
    assert excel_format(1101.7) == "#,##0.0" and excel_format(3.0) == "#,##0"


def test_times_in_the_office_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    noon_utc = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert format_time(noon_utc) == "2024-05-01 20:00"  # Asia/Shanghai by default
    assert format_time(noon_utc.replace(tzinfo=None)) == "2024-05-01 20:00"  # the store's naive UTC
    monkeypatch.setenv("TANFENG_TIMEZONE", "Asia/Urumqi")
    assert format_time(noon_utc) == "2024-05-01 18:00"


def test_column_widths_keep_numbers_whole() -> None:
    widths = column_widths(["编号", "说明"], [["T21", "很长的中文说明" * 10], ["A10.3", "—"]], [0.1, 10], 9, 15.6)
    assert widths[0] > 15.6 * 0.1 / 10.1 and sum(widths) == pytest.approx(15.6)


@pytest.mark.parametrize("region", ["示例县", "示例市南湖区"])
def test_small_plan_report_reads_as_sent(db: Database, region: str) -> None:
    builder = PlanBuilder(region=region, title=f"{region}碳达峰实施方案")
    import_plan(db, builder.plan(), actor="office")
    rows = {r.code: r for r in compute_status(db)}
    forest, solar = rows["forest_coverage"], rows["renewable_capacity"]
    submit_values(db, [{"indicator_id": forest.indicator_id, "period": "2020", "value": 80},
                       {"indicator_id": forest.indicator_id, "period": "2024", "value": 80.125}],
                  reporter="县林业局", actor="clerk")
    submit_values(db, [{"indicator_id": solar.indicator_id, "period": "2020", "value": 10},
                       {"indicator_id": solar.indicator_id, "period": "2024", "value": 12.5}],
                  reporter="县发改委", actor="clerk")
    doc = Document(io.BytesIO(build_annual_report(db, 2024, fmt="docx")))
    texts = _texts(doc)
    body = "\n".join(texts)
    assert "80.13" in body and "80.12" not in body  # 四舍五入, not the float's half-to-even
    assert "下降13%（力争13.5%）" in body  # the reduction target with its stretch value
    # the far-behind solar target is named in prose with its unit: 最新值12.5万千瓦，应达…万千瓦
    assert re.search(r"最新值12\.5万千瓦，应达[\d.,]+万千瓦", body), body[:2000]
    assert not re.search(r"(最新值|应达)-?[\d.,]+[，。；）]", body)  # a number in prose always has its unit
    wb = load_workbook(io.BytesIO(build_annual_report(db, 2024, fmt="xlsx")))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert 80.125 in values and 13 in values  # Excel keeps the numbers


def test_demo_report_has_no_internal_names_or_english(demo_db: Database) -> None:
    data = build_annual_report(demo_db, 2024, fmt="docx", inventory=example_inventory_path(),
                               scenarios=example_scenarios_path())
    texts = _texts(Document(io.BytesIO(data)))
    body = "\n".join(texts)
    assert "tanfeng." not in body and ".toml" not in body and ".py" not in body and ".csv" not in body
    assert not re.search(r" / [A-Za-z]", body), re.findall(r".{20} / [A-Za-z].{20}", body)[:3]
    assert not re.search(r"\b(UTC|illustrative|expected|observed)\b", body)
    assert "北京时间" in body and "示例数据" in texts[0]
    # provenance goes to the appendix: the data sources table names each input by its fingerprint
    sources = Document(io.BytesIO(data)).tables[-1]
    assert sources.rows[0].cells[0].text == "内容"
    kinds = [r.cells[0].text for r in sources.rows[1:]]
    assert {"实施方案", "温室气体清单", "达峰预测"} <= set(kinds)
    assert all(re.fullmatch(r"[0-9a-f]{12}|—", r.cells[-1].text) for r in sources.rows[1:])
    for split in (t for t in texts if re.search(r"\d[.,]?\n\d|[A-Z]\d*\n\d", t)):
        pytest.fail(f"a number or code split by a line break: {split!r}")
