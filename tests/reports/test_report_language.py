"""Targets read the right way round in the report, in one language at a time (Chinese or English).

Two plans in two regions, each with its own targets (a reduction with a stretch value, a cumulative
increase, a level with a stretch value): the Word and Excel files are opened back; the English report has no
Chinese interface word once the plan's own text (title, indicators, sentences, units, tasks) is taken out,
and the Chinese one no English word. Each region has enterprises and projects (示例数据) with monthly energy
data, yearly figures and a measure, so the section 重点用能单位与“两高”项目 with all its subsections is in both
languages; the names, codes and units people entered stay as written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.session import Database
from tanfeng.reports.annual import build_annual_content, render
from tanfeng.reports.content import AnnualReport
from tanfeng.services.collection import submit_progress, submit_values
from tanfeng.services.plan_admin import assign_units
from tanfeng.services.plan_import import import_plan
from tanfeng.services.progress import task_progress
from tanfeng.services.status import compute_status

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
CODE = re.compile(r"\b[A-Z]\d+(?:\.\d+)*\b")  # target and task codes (T1, A1.2) are the plan's own
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE_ALLOWED = {"SHA"}  # 文件校验码（SHA-256）: the checksum's own name


def _other_plan() -> PlanBuilder:
    other = PlanBuilder(region="另一县", title="另一县碳达峰实施方案")
    other.targets = [
        {"id": "T1", "indicator": "单位地区生产总值能源消耗", "code": "energy_intensity", "change": "decrease",
         "value": 14, "unit": "%", "stretch_value": 14.5, "year": 2025, "baseline_year": 2020,
         "sentence": "到2025年，单位地区生产总值能源消耗较2020年下降14%，力争下降14.5%"},
        # a cumulative rate that rises: the same shape as an intensity, read from its own verb (提高)
        {"id": "T2", "indicator": "规模以上工业增加值", "code": None, "change": "increase", "value": 30, "unit": "%",
         "year": 2025, "baseline_year": 2020, "sentence": "规模以上工业增加值较2020年提高30%"},
        {"id": "T3", "indicator": "光伏发电装机容量", "code": "renewable_capacity", "change": "level",
         "value": 40, "unit": "万千瓦", "stretch_value": 45, "year": 2025, "task_id": "A1.1",
         "sentence": "光伏发电装机容量达到40万千瓦，力争45万千瓦"},
        {"id": "T4", "indicator": "二氧化碳排放达峰", "code": "carbon_peak", "change": None, "value": None,
         "unit": None, "year": 2030, "sentence": "2030年前实现碳达峰"},
    ]
    other.tasks = [dict(other.tasks[0], target_ids=["T3"]), dict(other.tasks[1], target_ids=[])]
    return other


def _add_enterprises(db: Database, regions: list[str]) -> None:
    """The demo's enterprises and 两高 projects in ``regions``; monthly energy, yearly figures and a measure."""
    from tanfeng.services import enterprises
    from tanfeng.services.demo import add_demo_enterprises
    from tanfeng.services.enterprise_demo import add_demo_energy

    add_demo_enterprises(db, regions)
    for region in regions:
        cement = next(e for e in enterprises.list_enterprises(db, None) if e.name == f"{region}示例水泥有限公司（示例数据）")
        add_demo_energy(db, cement.id, region, last_year=2024)


@pytest.fixture
def two_plans(db: Database, builder: PlanBuilder) -> Iterator[Database]:
    import_plan(db, builder.plan(), actor="office")
    import_plan(db, _other_plan().plan(), actor="office")
    for plan, target in (("示例县碳达峰实施方案", "T1"), ("另一县碳达峰实施方案", "T1"), ("另一县碳达峰实施方案", "T2")):
        assign_units(db, plan=plan, target=target, lead="县发改委", co=[], actor="office")
    for region in ("示例县", "另一县"):
        values = []
        for row in compute_status(db, region=region):
            if row.code == "energy_intensity":
                values += [{"indicator_id": row.indicator_id, "period": "2020", "value": 0},
                           {"indicator_id": row.indicator_id, "period": "2023", "value": 6.5}]
            elif row.indicator == "规模以上工业增加值":
                values += [{"indicator_id": row.indicator_id, "period": "2023", "value": 15}]
        submit_values(db, values, reporter="县发改委", actor="clerk", region=region)
        # progress: a task behind schedule this year, not reported the year before (a change)
        plan_id = next(p.plan_id for p in task_progress(db, region=region))
        submit_progress(db, [{"plan_id": plan_id, "task": "A1.2", "period": "2024", "status": "进展滞后",
                              "text": "造林500亩", "version": 0}], reporter="县林业局", actor="clerk", region=region)
    _add_enterprises(db, ["示例县", "另一县"])
    yield db


def _docx_text(data: bytes) -> list[str]:
    """Every piece of text of a .docx a person reads: paragraphs, table cells, header and footer."""
    doc = Document(io.BytesIO(data))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out += [c.text for c in row.cells]
    for section in doc.sections:
        out += [p.text for p in section.footer.paragraphs] + [p.text for p in section.header.paragraphs]
    return [t.replace("\u200b", "") for t in out if t.strip()]


def _plan_text(report: AnnualReport) -> list[str]:
    """The plan's own words and the names people entered: they stay as written in either language."""
    f = report.facts
    words: list[Any] = [f.title, f.region, f.doc_number]
    for a in f.actions:
        words += [a.name]
        for t in a.tasks:
            words += [t.title, t.lead_unit, *t.co_units]
            for r in (t.report, t.previous):
                if r is not None:
                    words += [r.text, r.reporter]
    for t in report.targets:
        words += [t.indicator, t.sentence, t.unit, t.lead_unit]
    words += [m.unit for m in f.missing] + [m.item for m in f.missing]
    words += _enterprise_text(report)
    return sorted({w for w in words if w}, key=len, reverse=True)


def _enterprise_text(report: AnnualReport) -> list[Any]:
    """What people entered about enterprises (names, project codes, document numbers, benchmark units, the
    plan's target sentence): data, as written in either language."""
    s = report.enterprises
    if s is None:
        return []
    words: list[Any] = [s.region]
    for p in s.projects:
        words += [p.region, p.code, p.name, p.enterprise, p.unit]
    if "monitoring" in s.extra:
        words += [w for r in s.extra["monitoring"][1] for w in (r.enterprise, r.check.name, r.document_no)]
    if "headroom" in s.extra:
        words += [s.extra["headroom"].target]
    if "measures" in s.extra:
        words += [w for v in s.extra["measures"][0] for w in (v.enterprise, v.title, v.responsible)]
    return words


def _without(texts: list[str], remove: list[str]) -> str:
    joined = "\n".join(texts)
    for w in remove:
        joined = joined.replace(w, " ")
    return CODE.sub(" ", joined)


@pytest.mark.parametrize("region", ["示例县", "另一县"])
def test_reductions_and_stretch_values_read_the_right_way_in_both_languages(two_plans: Database, region: str) -> None:
    report = build_annual_content(two_plans, 2024, region=region)
    expected = {"示例县": ("下降13%（力争13.5%）", "down 13 % (stretch 13.5 %)"),
                "另一县": ("下降14%（力争14.5%）", "down 14 % (stretch 14.5 %)")}[region]
    zh, en = _docx_text(render(report, "docx", "zh")), _docx_text(render(report, "docx", "en"))
    assert expected[0] in zh and expected[1] in en
    # the chart of the reduction rate is titled as one (not as consumption rising from 0 to 13)
    assert any(re.fullmatch(r"图\d+ T1 单位地区生产总值能源消耗：较2020年累计下降（%），实际值与应达进度", t) for t in zh)
    assert any("T1 单位地区生产总值能源消耗: cumulative reduction vs 2020 (%)" in t for t in en)
    assert not any("下降" in t for t in en if "stretch" in t)
    if region == "另一县":
        # the cumulative increase reads 提高30% (its own verb), its value 提高15%; the level keeps its stretch value
        assert "提高30%" in zh and "up 30 %" in en and "提高15%" in zh and "up 15 %" in en
        assert "40（力争45）" in zh and "40 (stretch 45)" in en
        assert not any("下降30" in t for t in zh)
    else:
        assert "下降6.5%" in zh and "down 6.5 %" in en  # a cumulative reduction reported, read as one


@pytest.mark.parametrize("region", ["示例县", "另一县"])
def test_english_report_has_no_chinese_interface_words_and_chinese_no_english(two_plans: Database,
                                                                              region: str) -> None:
    report = build_annual_content(two_plans, 2024, region=region)
    plan_words = _plan_text(report)
    en = _without(_docx_text(render(report, "docx", "en")), plan_words)
    leftover = sorted({m.group(0) for m in re.finditer(r"\S*" + CJK.pattern + r"\S*", en)})
    assert leftover == [], leftover
    assert "Main indicators" in en and "Annex table 1 Targets of the plan" in en and "Table 1 " in en
    assert "behind schedule" in en and "not reported" in en  # the task's change: not reported → behind schedule
    zh = _without(_docx_text(render(report, "docx", "zh")), plan_words)
    words = {m.group(0) for m in LATIN_WORD.finditer(zh)} - CHINESE_ALLOWED
    assert words == set(), words
    assert "主要指标完成情况" in zh
    # the enterprise section and its subsections, in both languages, with the region's own enterprises
    s = report.enterprises
    assert s is not None and s.region == region and len(s.projects) == 4
    en_titles = ["Key energy users and energy-intensive, high-emission projects", "Register and handling",
                 "Energy-saving review decisions in practice (monitoring)", "Energy-use headroom",
                 "Measures of each enterprise (one enterprise, one policy)"]
    zh_titles = ["重点用能单位与“两高”项目", "名录与分类处置", "节能审查意见落实情况（动态监控）", "用能空间", "“一企一策”减排措施"]
    en_full, zh_full = (_docx_text(render(report, "docx", lang)) for lang in ("en", "zh"))
    for texts, titles in ((en_full, en_titles), (zh_full, zh_titles)):
        assert all(any(t.endswith(title) and len(t) < len(title) + 8 for t in texts) for title in titles), titles
    assert f"{region}示例水泥有限公司（示例数据）" in en_full and f"{region}示例水泥有限公司（示例数据）" in zh_full
    assert any(f"{region} (with the areas below) has 3 enterprises on record" in t for t in en_full)
    assert any(f"{region}（含下辖地区）在库企业3家" in t for t in zh_full)
    assert "worse than the baseline (retrofit by the deadline or exit)" in en_full
    assert "低于基准水平（限期改造或淘汰）" in zh_full
    assert "in operation" in en_full and "投产（存量）" in zh_full
    assert any("窑炉余热回收发电（示例数据）" in t for t in en_full)
    # the sections after it are numbered on, and the summary's references follow
    assert any(t.startswith("5. Main problems") for t in en_full) and any(t.startswith("五、存在的主要问题") for t in zh_full)
    assert not any("see part 4" in t for t in en_full) and not any("详见第四部分" in t for t in zh_full)


def test_english_excel_has_english_sheets_and_numbers_stay_numbers(two_plans: Database) -> None:
    report = build_annual_content(two_plans, 2024, region="示例县")
    wb = load_workbook(io.BytesIO(render(report, "xlsx", "en")))
    assert wb.sheetnames[0] == "About" and "Main indicators" in wb.sheetnames
    ws = wb["Main indicators"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "Code")
    assert header[6] == "Target"
    energy = next(r for r in rows if r[1] == "单位地区生产总值能源消耗")
    assert energy[6] == 13 and isinstance(energy[8], float)  # Excel gets the numbers, not the words
    interface = [str(v) for r in rows[:3] for v in r if v] + wb.sheetnames + [str(c.value) for c in wb["About"]["A"]
                                                                            if c.value]
    assert not any(CJK.search(_without([t], _plan_text(report))) for t in interface)
    zh = load_workbook(io.BytesIO(render(report, "xlsx", "zh")))
    assert zh.sheetnames[0] == "说明" and "主要指标" in zh.sheetnames
    # the enterprise section's tables: English sheets and headers, the same numbers and names as the Chinese
    pairs = (("Projects", "两高项目"), ("Headroom", "用能空间"), ("Measures", "一企一策"))
    for en_name, zh_name in pairs:
        en_rows = [[c.value for c in row] for row in wb[en_name].iter_rows()]
        zh_rows = [[c.value for c in row] for row in zh[zh_name].iter_rows()]
        assert len(en_rows) == len(zh_rows) > 3
        header = next(i for i, r in enumerate(en_rows) if r[0] in ("Region", "Enterprise", "Year"))
        assert not any(CJK.search(str(v)) for r in en_rows[:header + 1] for v in r if v), en_rows[:header + 1]
        numbers = [[v for v in r if isinstance(v, int | float)] for r in en_rows[header + 1:]]
        assert numbers == [[v for v in r if isinstance(v, int | float)] for r in zh_rows[header + 1:]]
        assert any(numbers)
        body = [str(v) for r in en_rows[header + 1:] for v in r if v]
        assert not any(CJK.search(_without([t], _plan_text(report))) for t in body), body


def test_cli_writes_the_english_report(two_plans: Database, tmp_path: Path) -> None:
    url = two_plans.url
    out = tmp_path / "report-en.docx"
    result = CliRunner().invoke(app, ["report", "annual", "--year", "2024", "--region", "另一县", "--lang", "en",
                                      "--out", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    text = "\n".join(_docx_text(out.read_bytes()))
    assert "down 14 % (stretch 14.5 %)" in text and "assessment of the implementation in 2024" in text
    bad = CliRunner().invoke(app, ["report", "annual", "--year", "2024", "--region", "另一县", "--lang", "fr",
                                   "--out", str(tmp_path / "x.docx"), "--db", url])
    assert bad.exit_code == 2 and not (tmp_path / "x.docx").exists()


def test_english_report_with_inventory_and_projection(demo_db: Database) -> None:
    from tanfeng.accounting import example_inventory_path
    from tanfeng.projection.scenarios import example_inventory_scenarios_path

    report = build_annual_content(demo_db, 2024, inventory=example_inventory_path(),
                                  scenarios=example_inventory_scenarios_path())
    assert report.inventory is not None and report.projection is not None
    # the data files' own words (their label, scenario titles) stay as written, like the plan's
    data_words = [report.inventory.label, report.inventory.region, report.projection.title,
                  report.projection.label, *(s.title for s in report.projection.scenarios)]
    en = _without(_docx_text(render(report, "docx", "en")), sorted(
        {w for w in [*_plan_text(report), *data_words] if w}, key=len, reverse=True))
    leftover = sorted({m.group(0) for m in re.finditer(r"\S*" + CJK.pattern + r"\S*", en)})
    assert leftover == [], leftover
    assert "Greenhouse gas emissions (10^4 t CO2e)" in en and "Energy dual-control indicators as assessed" in en
    zh = "\n".join(_docx_text(render(report, "docx", "zh")))
    assert "温室气体排放（万吨二氧化碳当量）" in zh and "Greenhouse" not in zh and "dual-control" not in zh


def test_english_report_reads_as_sent(db: Database, builder: PlanBuilder) -> None:
    """The same checks as the Chinese report: 四舍五入, units in prose, no internal names."""
    import_plan(db, builder.plan(), actor="office")
    rows = {r.code: r for r in compute_status(db)}
    forest, solar = rows["forest_coverage"], rows["renewable_capacity"]
    submit_values(db, [{"indicator_id": forest.indicator_id, "period": "2020", "value": 80},
                       {"indicator_id": forest.indicator_id, "period": "2024", "value": 80.125}],
                  reporter="县林业局", actor="clerk")
    submit_values(db, [{"indicator_id": solar.indicator_id, "period": "2020", "value": 10},
                       {"indicator_id": solar.indicator_id, "period": "2024", "value": 12.5}],
                  reporter="县发改委", actor="clerk")
    body = "\n".join(_docx_text(render(build_annual_content(db, 2024), "docx", "en")))
    assert "80.13" in body and "80.12" not in body
    assert re.search(r"latest 12\.5 万千瓦, due [\d.,]+ 万千瓦", body), body[:2000]
    assert not re.search(r"(latest|due) -?[\d.,]+[,;)]", body)  # a number in prose has its unit
    assert "tanfeng." not in body and ".toml" not in body and ".py" not in body
    assert "Beijing time" in body and "UTC" not in body
