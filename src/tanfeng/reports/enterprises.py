"""The annual report's section 重点用能单位与“两高”项目: the key energy users of the plan's region (and the
regions below it), the 两高 project list and its 分类处置 against the national benchmark table.

``enterprise_summary`` collects the numbers (stored on ``AnnualReport.enterprises``); ``enterprise_section``
lays them out in the report's language (names, codes and units people entered stay as written). Further
subsections (monitoring, 用能空间, 一企一策) are added by appending builders to ``SUBSECTIONS``: each takes the
report and its language (``tanfeng.reports.layout.Tr``) and returns a Section or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tanfeng.db.session import Database
from tanfeng.enterprises import benchmarks
from tanfeng.services import enterprises, projects
from tanfeng.services.enterprise_sheets import STATUS_EN, STATUS_ZH
from tanfeng.services.regions import descendant_ids, region_by_name

if TYPE_CHECKING:
    from tanfeng.reports.content import AnnualReport
    from tanfeng.reports.layout import Section, Tr

DEMO_LABEL = "示例数据"
TITLE = "重点用能单位与“两高”项目"
TITLE_EN = "Key energy users and energy-intensive, high-emission projects"
UNCLASSIFIED = ("未分类（无对应标杆或未填单耗）", "not classified (no benchmark row or no unit energy use given)")


@dataclass(frozen=True)
class ProjectLine:
    region: str
    code: str
    name: str
    enterprise: str
    status: str  # proposed | construction | operating | retrofit | exited (STATUS_ZH / STATUS_EN say it)
    energy_tce: float | None
    unit_energy: float | None  # the worst line's, in the benchmark row's unit
    unit: str | None
    klass: str | None  # benchmark | upgrade | below_baseline (CLASS_ZH / CLASS_EN say it); None unclassified
    entry_flag: bool
    document: str | None
    deadline: str | None
    verified: bool


@dataclass
class EnterpriseSummary:
    region: str
    edition: str
    enterprises: int
    key_energy_users: int
    key_emitters: int
    carbon_market: int
    projects: list[ProjectLine]
    counts: dict[str, int]  # benchmark / upgrade / below_baseline / none / entry
    energy_by_status: dict[str, float]  # annual energy (等价值, tce) of the projects per status (its code)
    demo: bool
    extra: dict[str, Any] = field(default_factory=dict)  # what further subsections collect


def enterprise_summary(db: Database, region: str, edition: str = benchmarks.LATEST_EDITION) -> EnterpriseSummary | None:
    """The enterprises and projects of ``region`` and the regions below it; None when none is stored."""
    with db.transaction() as session:
        ids = descendant_ids(session, region_by_name(session, region).id)
    rows = [e for e in enterprises.list_enterprises(db, None) if e.region_id in ids]
    views = [v for v in projects.list_projects(db, None, edition=edition) if v.region_id in ids]
    if not rows and not views:
        return None
    lines = []
    energy: dict[str, float] = {}
    for v in views:
        worst = v.worst
        energy[v.status] = energy.get(v.status, 0.0) + (v.energy_equivalent_tce or 0.0)
        lines.append(ProjectLine(v.region, v.code, v.name, v.enterprise, v.status, v.energy_equivalent_tce,
                                 worst.value if worst else None, worst.row.unit if worst else None, v.klass,
                                 v.entry_flag, worst.row.document if worst else None,
                                 worst.deadline.isoformat() if worst and worst.deadline else None,
                                 worst.row.verified if worst else False))
    demo = any(DEMO_LABEL in (e.name + (e.note or "")) for e in rows) or any(DEMO_LABEL in v.name for v in views)
    summary = EnterpriseSummary(region, edition, len(rows), sum(e.key_energy_user for e in rows),
                                sum(e.key_emitter for e in rows), sum(e.carbon_market for e in rows), lines,
                                projects.class_counts(views), energy, demo)
    for collect in COLLECTORS:  # further subsections' numbers (ent-data: monitoring, 用能空间, 一企一策)
        collect(db, summary, ids)
    return summary


def status_word(status: str, tr: Tr) -> str:
    """A project status (operating) in the report's language: 投产（存量） / in operation."""
    return tr(STATUS_ZH.get(status, status), STATUS_EN.get(status, status))


def class_word(klass: str | None, tr: Tr) -> str:
    """A project's 分类处置 in the report's language."""
    if klass is None:
        return tr(*UNCLASSIFIED)
    return tr(benchmarks.CLASS_ZH[klass], benchmarks.CLASS_EN[klass])


def _overview_text(s: EnterpriseSummary, tr: Tr) -> str:
    c = s.counts
    total = len(s.projects)
    if tr.en:
        return (f"{s.region} (with the areas below) has {s.enterprises} enterprises on record: key energy users "
                f"{s.key_energy_users}, key emitters {s.key_emitters}, in the national carbon market {s.carbon_market}; "
                f"energy-intensive, high-emission projects: {total}. Against the national energy-efficiency benchmark "
                f"and baseline levels ({s.edition} edition): at the benchmark {c['benchmark']}; between benchmark and "
                f"baseline, to be upgraded {c['upgrade']}; worse than the baseline, to be retrofitted by the deadline "
                f"or to exit {c['below_baseline']}; not classifiable {c['none']}. Proposed projects short of the "
                f"benchmark, to be checked at entry: {c['entry']}.")
    return (f"{s.region}（含下辖地区）在库企业{s.enterprises}家，其中重点用能单位{s.key_energy_users}家、重点排放单位"
            f"{s.key_emitters}家、纳入全国碳市场{s.carbon_market}家；“两高”项目{total}个。对照国家能效标杆水平和基准水平"
            f"（{s.edition}年版），达到标杆水平{c['benchmark']}个，处于标杆与基准之间、需改造升级{c['upgrade']}个，"
            f"低于基准水平、需限期改造或淘汰{c['below_baseline']}个，未能分类{c['none']}个；拟建项目能效未达标杆水平、"
            f"须在准入环节把关的{c['entry']}个。")


def _overview(report: AnnualReport, tr: Tr) -> Section:
    from tanfeng.reports.layout import Cell, Para, Section, Table, fmt_num

    s = report.enterprises
    assert s is not None
    blocks: list[Any] = [Para(_overview_text(s, tr))]
    if s.energy_by_status:
        blocks.append(Table(tr("“两高”项目年综合能耗（等价值）按状态",
                               "Annual energy use of the projects by status (equivalent value)"),
                            tr("两高项目能耗", "Project energy use"),
                            [tr("项目状态", "Status"), tr("年综合能耗（吨标准煤）", "Annual energy use (tce)")],
                            [[status_word(k, tr), v] for k, v in s.energy_by_status.items()]))
    rows: list[list[Cell]] = [[p.region, p.code, p.name, p.enterprise, status_word(p.status, tr), p.energy_tce,
             f"{fmt_num(p.unit_energy)} {p.unit}" if p.unit_energy is not None else "—", class_word(p.klass, tr),
             tr("是", "yes") if p.entry_flag else "", p.deadline or "—"] for p in s.projects]
    if rows:
        blocks.append(Table(tr("“两高”项目清单与分类处置", "Energy-intensive, high-emission projects and their handling"),
                            tr("两高项目", "Projects"),
                            [tr("地区", "Region"), tr("项目代码", "Project code"), tr("项目", "Project"),
                             tr("企业", "Enterprise"), tr("状态", "Status"),
                             tr("年综合能耗（吨标准煤）", "Annual energy use (tce)"),
                             tr("单位产品能耗", "Unit energy use"), tr("分类处置", "Handling"),
                             tr("准入预警", "Entry warning"), tr("改造或退出期限", "Retrofit or exit by")], rows,
                            [0.8, 1.6, 2.2, 1.8, 0.8, 1.1, 1.1, 1.8, 0.7, 1.0]))
    unverified = sum(1 for p in s.projects if p.document and not p.verified)
    if unverified:
        blocks.append(Para(tr(f"注：{unverified}个项目所对照的标杆表数值尚未与文件原文核对，仅供参考。",
                              f"Note: the benchmark values {unverified} projects are compared with have not yet been "
                              "checked against the documents themselves; for reference only."), "note"))
    if s.demo:
        blocks.append(Para(tr("注：本节企业和项目为示例数据。",
                              "Note: the enterprises and projects of this section are demo data."), "note"))
    return Section(tr("名录与分类处置", "Register and handling"), level=2, blocks=blocks)


# Builders of the section's subsections, in order; ent-data appends monitoring, 用能空间 and 一企一策.
SUBSECTIONS: list[Callable[[AnnualReport, Tr], Section | None]] = [_overview]


def enterprise_section(report: AnnualReport, tr: Tr) -> Section:
    from tanfeng.reports.layout import Para, Section

    title = tr(TITLE, TITLE_EN)
    if report.enterprises is None:
        return Section(title, blocks=[Para(tr("尚未录入本地区的重点用能单位名录和“两高”项目清单。",
                                              "No register of key energy users and no list of energy-intensive, "
                                              "high-emission projects has been entered for this region yet."), "note")])
    blocks: list[Any] = [b for b in (build(report, tr) for build in SUBSECTIONS) if b is not None]
    return Section(title, blocks=blocks)


# Collectors of further subsections' numbers: each takes (db, summary, region ids) and fills ``summary.extra``.
COLLECTORS: list[Callable[[Database, EnterpriseSummary, set[int]], None]] = []

# ---- ent-data: 动态监控, 用能空间, 一企一策 (tanfeng.reports.enterprise_data) ----
from tanfeng.reports import enterprise_data as _enterprise_data  # noqa: E402  (after the lists it extends)

_enterprise_data.register(SUBSECTIONS, COLLECTORS)
