"""Subsections of 重点用能单位与“两高”项目 from the enterprise data: 动态监控 (approved projects against their
节能审查 figure), 用能空间 (year by year, with its chart), 一企一策 (expected and achieved savings).

``collect`` runs when the section's numbers are gathered (it has the database); the builders only lay out
what it put in ``EnterpriseSummary.extra``. Both register themselves with ``tanfeng.reports.enterprises``.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from tanfeng.db.session import Database
from tanfeng.formatting import format_number as f
from tanfeng.services import enterprise_data as data
from tanfeng.services.enterprise_energy import cli_account
from tanfeng.services.regions import region_by_name

if TYPE_CHECKING:
    from tanfeng.reports.content import AnnualReport
    from tanfeng.reports.enterprises import EnterpriseSummary
    from tanfeng.reports.layout import Section, Tr


def collect(db: Database, summary: EnterpriseSummary, region_ids: set[int]) -> None:
    """Monitoring of the latest year with data, the region's 用能空间, and its measures' sums."""
    reader = cli_account("report")  # the report covers the region and everything below it
    with db.transaction() as session:
        region_id = region_by_name(session, summary.region).id
    room = data.region_headroom(db, reader, region_id)
    year = max((y.year for y in room.years if y.actual), default=date.today().year - 1)
    summary.extra["monitoring"] = (year, data.monitoring(db, reader, year, region_ids=sorted(region_ids)))
    summary.extra["headroom"] = room
    with db.transaction() as session:
        from sqlalchemy import select

        from tanfeng.db.enterprise_models import Enterprise

        in_region = set(session.scalars(select(Enterprise.id).where(Enterprise.region_id.in_(sorted(region_ids)))))
    views = [v for v in data.list_measures(db, reader) if v.enterprise_id in in_region]
    summary.extra["measures"] = (views, data.measure_totals(views, date.today()))


def _monitoring(report: AnnualReport, tr: Tr) -> Section | None:
    from tanfeng.reports.layout import Para, Section, Table

    s = report.enterprises
    if s is None or "monitoring" not in s.extra:
        return None
    year, rows = s.extra["monitoring"]
    title = tr("节能审查意见落实情况（动态监控）", "Energy-saving review decisions in practice (monitoring)")
    if not rows:
        return Section(title, level=2, blocks=[Para(tr(
            f"{year}年没有已投产、有节能审查记录并报送了能源数据的项目。",
            f"In {year} no project in operation had both an energy-saving review record and reported energy data."),
            "note")])
    over = [r for r in rows if r.check.flagged]
    threshold = f(rows[0].check.threshold * 100, 0)
    blocks: list[Any] = [Para(tr(
        f"{year}年已投产并有节能审查记录的项目{len(rows)}个，实际综合能耗超出审批能耗"
        f"{threshold}%以上的{len(over)}个，须核查节能审查意见落实情况。",
        f"Projects in operation in {year} with an energy-saving review record: {len(rows)}; of these, the actual "
        f"energy use exceeded the approved figure by more than {threshold} % in {len(over)}, where whether the "
        "review decision is being followed must be checked.")),
        Table(tr("已审批项目实际能耗与审批能耗", "Approved projects: actual and approved energy use"),
              tr("动态监控", "Monitoring"),
              [tr("企业", "Enterprise"), tr("项目", "Project"), tr("文号", "Document no."),
               tr("审批能耗（吨标准煤）", "Approved (tce)"), tr("实际能耗（吨标准煤）", "Actual (tce)"),
               tr("超出比例（%）", "Over by (%)"), tr("结论", "Finding")],
              [[r.enterprise, r.check.name, r.document_no or "—", r.check.approved_tce, r.check.actual_tce,
                r.check.over_share * 100,
                tr("超出审批，需核查", "over the approval: to be checked") if r.check.flagged else tr("符合", "within")]
               for r in rows])]
    if any(r.check.shared for r in rows):
        blocks.append(Para(tr("注：同一企业有多个已审批项目时，按审批能耗合计与企业实际能耗比较。",
                              "Note: where an enterprise has several approved projects, their approved figures "
                              "together are compared with the enterprise's actual energy use."), "note"))
    return Section(title, level=2, blocks=blocks)


def headroom_chart(years: list[int], allowed: list[float], counted: list[float], room: list[float],
                   english: bool = False) -> bytes:
    from tanfeng.reports.charts import _figure, _png, _style

    with _style() as has_font:
        zh = has_font and not english
        fig = _figure()
        ax = fig.add_subplot()
        ax.bar(years, [v / 1e4 for v in room], color=["#dc2626" if v < 0 else "#94a3b8" for v in room],
               label="剩余用能空间" if zh else "room left")
        ax.plot(years, [v / 1e4 for v in allowed], marker="o", color="#0b6e4f", label="目标允许能耗" if zh else "allowed")
        ax.plot(years, [v / 1e4 for v in counted], marker="o", linestyle="--", color="#b45309",
                label="计入考核能耗" if zh else "counted")
        ax.set_ylabel("万吨标准煤" if zh else "10^4 tce")
        ax.set_xticks(years)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        return _png(fig)


def _headroom(report: AnnualReport, tr: Tr) -> Section | None:
    from tanfeng.reports.layout import Figure, Para, Section, Table

    s = report.enterprises
    room = s.extra.get("headroom") if s is not None else None
    if room is None:
        return None
    title = tr("用能空间", "Energy-use headroom")
    if room.error or not room.years:
        reason = tr.note(room.error) if room.error else tr("没有逐年数据", "no yearly figures")
        return Section(title, level=2, blocks=[Para(tr(
            f"未能计算用能空间：{reason}。（可在“用能空间”页录入地区生产总值和能耗。）",
            f"The energy-use headroom could not be computed: {reason}. (GDP and energy use can be entered on the "
            "Energy headroom page.)"), "note")])
    last = room.years[-1]
    chart = room.chart()
    if tr.en:
        text = (f"Under the plan's target “{room.target}”, the energy use allowed in {last.year} is "
                f"{f(last.allowed_tce / 1e4)} × 10^4 tce; the energy use counted in the assessment is "
                f"{f(last.counted_tce / 1e4)} × 10^4 tce (including {f(last.approved_tce / 1e4)} × 10^4 tce of approved "
                f"projects and {f(last.planned_tce / 1e4)} × 10^4 tce of proposed ones), leaving "
                f"{f(last.room_tce / 1e4)} × 10^4 tce of headroom. Energy used as feedstock and the consumption of new "
                "renewable electricity are not counted in the total and intensity assessment (NDRC Fagai Huanzi "
                "[2022] No. 803).")
    else:
        text = (f"按方案目标“{room.target}”，{last.year}年允许能耗{f(last.allowed_tce / 1e4)}万吨标准煤，计入考核的能耗"
                f"（含已审批项目{f(last.approved_tce / 1e4)}万吨、拟建项目{f(last.planned_tce / 1e4)}万吨）"
                f"{f(last.counted_tce / 1e4)}万吨，剩余用能空间{f(last.room_tce / 1e4)}万吨标准煤。原料用能和新增可再生能源"
                "电力消费量不纳入能源消费总量和强度考核（发改环资〔2022〕803号）。")
    blocks: list[Any] = [
        Para(text),
        Figure(tr("用能空间逐年变化", "Energy-use headroom year by year"),
               partial(headroom_chart, chart["year"], chart["allowed"], chart["counted"], chart["room"],
                       english=tr.en)),
        Table(tr("用能空间逐年测算", "Energy-use headroom by year"), tr("用能空间", "Headroom"),
              [tr("年份", "Year"), tr("地区生产总值（亿元）", "GDP (10^8 yuan)"), tr("允许能耗", "Allowed"),
               tr("现有能耗", "Existing use"), tr("扣除原料用能", "Less feedstock"),
               tr("扣除新增可再生能源电力", "Less new renewable electricity"), tr("已审批项目", "Approved projects"),
               tr("拟建项目", "Proposed projects"), tr("剩余用能空间", "Headroom left")],
              [[y.year, y.gdp, y.allowed_tce, y.existing_tce, y.feedstock_tce, y.new_renewable_tce, y.approved_tce,
                y.planned_tce, y.room_tce] for y in room.years]),
        Para(tr("注：能耗单位为吨标准煤；无当年实际值的年份沿用最近实际值；能耗强度按基准年至目标年匀速下降。",
                "Note: energy in tce; a year without its own actual figure carries the latest actual one forward; "
                "the energy intensity falls evenly from the base year to the target year."), "note")]
    sources = {r.source for r in room.inputs if r.source}
    if any("示例" in x for x in sources):
        blocks.append(Para(tr("注：本小节的地区生产总值和能耗为示例数据。",
                              "Note: the GDP and energy figures of this subsection are demo data."), "note"))
    return Section(title, level=2, blocks=blocks)


def _measures(report: AnnualReport, tr: Tr) -> Section | None:
    from tanfeng.reports.layout import Para, Section, Table

    s = report.enterprises
    if s is None or "measures" not in s.extra:
        return None
    views, totals = s.extra["measures"]
    title = tr("“一企一策”减排措施", "Measures of each enterprise (one enterprise, one policy)")
    if not views:
        return Section(title, level=2, blocks=[Para(tr("尚未录入重点企业的减排措施。",
                                                       "No measures of the key enterprises have been entered yet."),
                                                    "note")])
    from tanfeng.enterprises.measures import STATUS_EN, STATUS_ZH

    if tr.en:
        text = (f"Measures entered: {totals.measures}, expected to save {f(totals.expected_tce)} tce of energy and "
                f"{f(totals.expected_co2_t)} t of CO2; achieved so far: {f(totals.achieved_tce)} tce and "
                f"{f(totals.achieved_co2_t)} t; overdue and not done: {totals.overdue}.")
    else:
        text = (f"录入措施{totals.measures}项，预期节能{f(totals.expected_tce)}吨标准煤、减排二氧化碳{f(totals.expected_co2_t)}吨；"
                f"已实现节能{f(totals.achieved_tce)}吨标准煤、减排{f(totals.achieved_co2_t)}吨；逾期未完成{totals.overdue}项。")
    return Section(title, level=2, blocks=[
        Para(text),
        Table(tr("重点企业减排措施及进展", "Measures of the key enterprises and their progress"),
              tr("一企一策", "Measures"),
              [tr("企业", "Enterprise"), tr("措施", "Measure"), tr("预期节能（吨标准煤）", "Expected saving (tce)"),
               tr("预期减排（吨二氧化碳）", "Expected reduction (t CO2)"), tr("已实现节能（吨标准煤）", "Achieved saving (tce)"),
               tr("完成时限", "Deadline"), tr("责任人", "Responsible"), tr("状态", "Status")],
              [[v.enterprise, v.title, v.expected_tce, v.expected_co2_t, v.achieved_tce,
                v.deadline.isoformat() if v.deadline else "—", v.responsible or "—",
                tr(STATUS_ZH.get(v.status, v.status), STATUS_EN.get(v.status, v.status))]
               for v in views])])


def register(subsections: list[Any], collectors: list[Any]) -> None:
    subsections.extend([_monitoring, _headroom, _measures])
    collectors.append(collect)
