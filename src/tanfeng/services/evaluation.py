"""Read-only facts for a year's evaluation of one plan: outline, progress in the year, missing reports.

Used by the annual report (``tanfeng.reports``); everything here only reads the store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tanfeng.db.models import (
    Action,
    Indicator,
    Observation,
    Responsibility,
    Target,
    Task,
    TaskProgress,
    Unit,
)
from tanfeng.db.session import Database
from tanfeng.services.progress import STATUS_LABELS
from tanfeng.services.queries import PlanRef, find_plan
from tanfeng.services.registry import get_region
from tanfeng.services.responsibility import due_periods
from tanfeng.services.tracked import load_tracked, observed_periods
from tanfeng.tracking.periods import parse_period

DEMO_MARK = "示例"  # 示例数据 / 示例县: data entered for demonstration says so in its text


@dataclass(frozen=True)
class ProgressReport:
    period: str
    status: str
    status_label: str
    text: str | None
    reporter: str


@dataclass
class TaskFacts:
    code: str
    action_code: str | None
    title: str
    lead_unit: str | None
    co_units: list[str]
    report: ProgressReport | None  # latest report for a period inside the year
    previous: ProgressReport | None  # latest report for a period inside the year before


@dataclass
class ActionFacts:
    code: str
    name: str
    tasks: list[TaskFacts] = field(default_factory=list)


@dataclass(frozen=True)
class MissingReport:
    unit: str
    kind: str  # value | progress
    item: str  # indicator name or "task code title"
    period: str


@dataclass(frozen=True)
class TargetText:
    sentence: str
    task: str | None  # code of the task the target sits in
    indicator_code: str | None  # canonical code (energy_intensity …) or None
    commitment: str | None  # ensure | strive


@dataclass
class PlanFacts:
    plan_id: int
    region: str
    title: str
    version: int
    version_status: str  # draft | final
    doc_number: str | None
    issued_date: str | None
    peak_year: int | None
    actions: list[ActionFacts]
    missing: list[MissingReport]
    values_in_year: int  # submitted/accepted values for periods inside the year
    progress_in_year: int  # task progress reports for periods inside the year
    demo: bool  # plan, region or any value/progress text is marked 示例
    targets: dict[str, TargetText] = field(default_factory=dict)  # target code → its words in the plan


def _year_bounds(year: int) -> tuple[int, int]:
    return year * 100 + 1, year * 100 + 12


def _in_year(period: str, year: int) -> bool:
    parsed = parse_period(period)
    return parsed is not None and parsed.year == year


def _latest_reports(session: Session, plan_id: int, year: int) -> dict[str, ProgressReport]:
    """task lineage → the latest progress report for a period of ``year``."""
    found: dict[str, tuple[tuple[int, int], ProgressReport]] = {}
    rows = session.execute(
        select(TaskProgress, Unit.name).join(Unit, Unit.id == TaskProgress.reporter_unit_id)
        .where(TaskProgress.plan_id == plan_id, TaskProgress.period.like(f"{year}%"))
    )
    for report, unit_name in rows:
        parsed = parse_period(report.period)
        if parsed is None or parsed.year != year:
            continue
        order = (parsed.key, report.id)
        if report.task_lineage not in found or order > found[report.task_lineage][0]:
            found[report.task_lineage] = (order, ProgressReport(
                report.period, report.status, STATUS_LABELS.get(report.status, report.status), report.text, unit_name))
    return {lineage: rep for lineage, (_, rep) in found.items()}


def _actions(session: Session, ref: PlanRef, year: int) -> list[ActionFacts]:
    current, previous = _latest_reports(session, ref.plan.id, year), _latest_reports(session, ref.plan.id, year - 1)
    actions = {a.code: ActionFacts(a.code, a.name) for a in session.scalars(
        select(Action).where(Action.version_id == ref.version.id).order_by(Action.position))}
    units: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for task_id, role, name in session.execute(
        select(Responsibility.task_id, Responsibility.role, Unit.name).join(Unit, Unit.id == Responsibility.unit_id)
        .join(Task, Task.id == Responsibility.task_id).where(Task.version_id == ref.version.id)
        .order_by(Responsibility.task_id, Responsibility.position)
    ):
        units[task_id].append((role, name))
    loose = ActionFacts("", "")
    for task in session.scalars(select(Task).where(Task.version_id == ref.version.id).order_by(Task.position)):
        roles = units.get(task.id, [])
        facts = TaskFacts(task.code, task.action_code, task.title,
                          next((n for r, n in roles if r == "lead"), None), [n for r, n in roles if r == "co"],
                          current.get(task.lineage), previous.get(task.lineage))
        actions.get(task.action_code or "", loose).tasks.append(facts)
    return list(actions.values()) + ([loose] if loose.tasks else [])


def _missing(session: Session, ref: PlanRef, year: int, grace_days: int, actions: list[ActionFacts]) -> list[MissingReport]:
    """Lead units without a value for a period of ``year`` they owe, or without progress on a task they lead."""
    out: list[MissingReport] = []
    tracked = [t for t in load_tracked(session, ref.region) if t.ref.plan.id == ref.plan.id]
    reported = observed_periods(session, [ref.plan.id])
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.region_id == ref.region.id)).all())
    seen: set[tuple[int, str]] = set()
    closing = date(year + 1, 12, 31)  # every period of the year, whatever the grace, is closed by then
    for item in tracked:
        lead = item.lead_unit_id
        for period in due_periods(item, closing, grace_days):
            key = (item.indicator.id, period.label)
            if lead is None or period.year != year or key in seen or period.label in reported[item.indicator.id]:
                continue
            seen.add(key)
            out.append(MissingReport(names.get(lead, "?"), "value", item.indicator.name, period.label))
    for action in actions:
        for task in action.tasks:
            if task.report is None and task.lead_unit:
                out.append(MissingReport(task.lead_unit, "progress", f"{task.code} {task.title}", str(year)))
    return sorted(out, key=lambda m: (m.unit, m.kind != "value", m.item))


def _counts(session: Session, plan_id: int, year: int) -> tuple[int, int]:
    low, high = _year_bounds(year)
    values = session.scalar(
        select(func.count()).select_from(Observation).join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.plan_id == plan_id, Observation.status.in_(("submitted", "accepted")),
               Observation.period_key.between(low, high))) or 0
    progress = sum(1 for p in session.scalars(select(TaskProgress.period).where(TaskProgress.plan_id == plan_id))
                   if _in_year(p, year))
    return values, progress


def _is_demo(session: Session, ref: PlanRef) -> bool:
    if DEMO_MARK in ref.plan.title or DEMO_MARK in ref.region.name:
        return True
    pattern = f"%{DEMO_MARK}%"
    marked_value = session.scalar(
        select(Observation.id).join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.plan_id == ref.plan.id, or_(Observation.source.like(pattern), Observation.note.like(pattern)))
        .limit(1))
    marked_progress = session.scalar(select(TaskProgress.id).where(
        TaskProgress.plan_id == ref.plan.id, TaskProgress.text.like(pattern)).limit(1))
    return marked_value is not None or marked_progress is not None


def _targets(session: Session, ref: PlanRef) -> dict[str, TargetText]:
    rows = session.execute(
        select(Target.code, Target.sentence, Task.code, Indicator.code, Target.commitment)
        .join(Indicator, Indicator.id == Target.indicator_id).outerjoin(Task, Task.id == Target.task_id)
        .where(Target.version_id == ref.version.id).order_by(Target.position))
    return {code: TargetText(sentence, task, ind_code, commitment) for code, sentence, task, ind_code, commitment in rows}


def plan_facts(
    db: Database, year: int, *, region: str | None = None, plan: str | int | None = None, grace_days: int = 90,
) -> PlanFacts:
    """Outline, progress reports of ``year`` (and the year before) and missing reports of one plan.

    ``plan`` (id or title) may be omitted when the region (or the database) holds exactly one plan.
    """
    with db.transaction() as session:
        ref = find_plan(session, plan, get_region(session, region) if region else None)
        actions = _actions(session, ref, year)
        values, progress = _counts(session, ref.plan.id, year)
        v = ref.version
        return PlanFacts(
            ref.plan.id, ref.region.name, ref.plan.title, v.number, v.status, v.doc_number, v.issued_date,
            v.peak_year, actions, _missing(session, ref, year, grace_days, actions), values, progress,
            _is_demo(session, ref), _targets(session, ref))
