"""The annual report's subsections 动态监控, 用能空间 and 一企一策 (built, laid out, written to docx and read back)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from docx import Document

from enterprise_data_fixtures import account, populate_enterprises
from tanfeng.db.session import Database
from tanfeng.reports.annual import build_annual_content, build_annual_report
from tanfeng.reports.layout import Figure, Section, Table, build_outline
from tanfeng.services import enterprise_data as data
from tanfeng.services import enterprise_energy as energy
from web.multiplan_fixtures import COUNTY_A, COUNTY_B


def test_subsections_of_the_enterprise_section(db: Database) -> None:
    ef = populate_enterprises(db)
    office, rid, eid = account(db, "countya"), ef.region_id[COUNTY_A], ef.enterprise[COUNTY_A]
    gdp = 120.0
    for year in range(2020, 2026):
        data.set_region_year(db, office, rid, year, gdp=gdp, energy_tce={2020: 600_000.0, 2024: 650_000.0}.get(year),
                             feedstock_tce=None, new_renewable_tce=None, source="示例数据")
        gdp *= 1.06
    for m in range(1, 13):  # 11,500 tce a year against an approved 10,000 (当量值)
        energy.submit_month(db, account(db, "enta"), eid, f"2024-{m:02d}", {"electricity": (11_500 / 0.1229 / 12 * 1000,
                                                                                             "kWh")})
    data.add_measure(db, office, eid, title="余热发电（示例）", expected_tce=800.0, expected_co2_t=2000.0,
                     deadline=date(2026, 6, 30), responsible="王工")
    data.add_measure(db, account(db, "entb"), ef.enterprise[COUNTY_B], title="崇义的措施（示例）", expected_tce=5.0,
                     expected_co2_t=1.0, deadline=None, responsible=None)
    report = build_annual_content(db, 2025, region=COUNTY_A)
    section = next(s for s in build_outline(report).sections if s.title == "重点用能单位与“两高”项目")
    subs = {b.title: b for b in section.blocks if isinstance(b, Section)}
    assert {"节能审查意见落实情况（动态监控）", "用能空间", "“一企一策”减排措施"} <= set(subs)
    monitoring = next(b for b in subs["节能审查意见落实情况（动态监控）"].blocks if isinstance(b, Table))
    assert monitoring.rows[0][-1] == "超出审批，需核查"
    room = subs["用能空间"]
    assert any(isinstance(b, Figure) for b in room.blocks)
    table = next(b for b in room.blocks if isinstance(b, Table))
    assert [row[0] for row in table.rows] == list(range(2020, 2026))
    measures = next(b for b in subs["“一企一策”减排措施"].blocks if isinstance(b, Table))
    assert [row[1] for row in measures.rows] == ["余热发电（示例）"]  # 崇义县's measure is not in 上犹县's report
    # the English report: the same subsections, rows and numbers; the names people entered as written
    en = next(s for s in build_outline(report, "en").sections
              if s.title == "Key energy users and energy-intensive, high-emission projects")
    en_subs = [b for b in en.blocks if isinstance(b, Section)]
    assert [b.title for b in en_subs] == ["Register and handling",
                                          "Energy-saving review decisions in practice (monitoring)",
                                          "Energy-use headroom", "Measures of each enterprise (one enterprise, one policy)"]
    en_tables = {b.sheet: b for sub in en_subs for b in sub.blocks if isinstance(b, Table)}
    assert en_tables["Monitoring"].rows[0][-1] == "over the approval: to be checked"
    assert en_tables["Monitoring"].rows[0][:6] == monitoring.rows[0][:6]  # enterprise, project, document, figures
    assert en_tables["Headroom"].rows == table.rows
    assert en_tables["Measures"].rows[0][:7] == measures.rows[0][:7] and en_tables["Measures"].rows[0][7] == "planned"
    assert any(isinstance(b, Figure) for sub in en_subs for b in sub.blocks)
    doc = Document(BytesIO(build_annual_report(db, 2025, region=COUNTY_A, fmt="docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "用能空间" in text and "发改环资〔2022〕803号" in text and "余热发电（示例）" in "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert len(doc.inline_shapes) >= 1
