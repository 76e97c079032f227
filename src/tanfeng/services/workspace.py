"""Read models for the web workspace: the plan tree, a unit's work, the responsibility matrix, target detail.

Each function opens one read transaction and returns plain dataclasses (the pages only render them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import (
    Action,
    Indicator,
    Observation,
    PlanVersion,
    Region,
    Responsibility,
    Target,
    Task,
    TaskProgress,
    Unit,
)
from tanfeng.db.session import Database
from tanfeng.formatting import format_quantity
from tanfeng.services import permissions
from tanfeng.services.progress import STATUS_LABELS
from tanfeng.services.queries import current_versions
from tanfeng.services.status import expected_at
from tanfeng.services.tracked import VISIBLE_STATUSES, TrackedTarget, in_indicator_unit, indicator_basis, load_tracked
from tanfeng.services.writes import current_seq
from tanfeng.tracking.entry import base_text, basis_text
from tanfeng.tracking.periods import Period, parse_period, year_period
from tanfeng.tracking.trajectory import target_reading

DEMO_MARK = "示例数据"


@dataclass(frozen=True)
class UnitRole:
    unit_id: int
    unit: str
    role: str  # lead | co


@dataclass(frozen=True)
class TargetItem:
    code: str
    indicator_id: int
    indicator: str
    value: float | None
    unit: str | None
    year: int | None
    change: str | None
    assigned: bool
    sentence: str
    stretch_value: float | None = None  # 力争
    shape: str = "linear"  # the indicator's (with change: how the target reads, tracking.target_reading)

    @property
    def reading(self) -> str:
        return target_reading(self.change, self.shape)


@dataclass
class TaskItem:
    id: int
    code: str
    title: str
    text: str
    units: list[UnitRole] = field(default_factory=list)
    targets: list[TargetItem] = field(default_factory=list)


@dataclass
class ActionItem:
    code: str
    name: str
    tasks: list[TaskItem] = field(default_factory=list)


@dataclass
class PlanTree:
    plan_id: int
    title: str
    region: str
    version: int
    status: str
    peak_year: int | None
    doc_number: str | None
    is_example: bool
    actions: list[ActionItem] = field(default_factory=list)
    plan_targets: list[TargetItem] = field(default_factory=list)  # targets of the plan as a whole


def _is_example(version: PlanVersion) -> bool:
    return DEMO_MARK in (version.source_path or "") or DEMO_MARK in str(version.document.get("meta", {}))


def plan_trees(db: Database, query: str | None = None, plan_ids: Collection[int] | None = None) -> list[PlanTree]:
    """Actions → tasks (with lead and co units) → targets of every current plan (or the given ones); ``query``
    filters tasks."""
    needle = (query or "").strip()
    with db.transaction() as session:
        out = []
        for ref in current_versions(session, plan_ids=plan_ids):
            v = ref.version
            tree = PlanTree(ref.plan.id, ref.plan.title, ref.region.name, v.number, v.status, v.peak_year,
                            v.doc_number, _is_example(v))
            actions = {a.code: ActionItem(a.code, a.name) for a in session.scalars(
                select(Action).where(Action.version_id == v.id).order_by(Action.position))}
            tasks: dict[int, TaskItem] = {}
            for task in session.scalars(select(Task).where(Task.version_id == v.id).order_by(Task.position)):
                item = TaskItem(task.id, task.code, task.title, task.text)
                for r, unit in session.execute(select(Responsibility, Unit).join(Unit, Unit.id == Responsibility.unit_id)
                                               .where(Responsibility.task_id == task.id)
                                               .order_by(Responsibility.position)):
                    item.units.append(UnitRole(unit.id, unit.name, r.role))
                tasks[task.id] = item
                action = actions.setdefault(task.action_code or "-", ActionItem(task.action_code or "-", "其他 / other"))
                action.tasks.append(item)
            for t, shape in session.execute(select(Target, Indicator.shape)
                                            .join(Indicator, Indicator.id == Target.indicator_id)
                                            .where(Target.version_id == v.id).order_by(Target.position)):
                target = TargetItem(t.code, t.indicator_id, t.indicator_text, t.value, t.unit, t.year, t.change,
                                    t.assigned, t.sentence, t.stretch_value, shape)
                (tasks[t.task_id].targets if t.task_id in tasks else tree.plan_targets).append(target)
            for action in actions.values():
                if needle:
                    action.tasks = [t for t in action.tasks if _matches(t, needle)]
                if action.tasks or not needle:
                    tree.actions.append(action)
            out.append(tree)
        return out


def _matches(task: TaskItem, needle: str) -> bool:
    haystack = [task.code, task.title, task.text, *(u.unit for u in task.units), *(t.indicator for t in task.targets)]
    return any(needle in text for text in haystack)


@dataclass(frozen=True)
class PreviousValue:
    period: str
    value: float | None  # in the indicator's unit
    status: str


@dataclass(frozen=True)
class UnitIndicator:
    indicator_id: int
    indicator: str
    unit: str | None
    role: str
    targets: str
    frequency: str
    period_value: float | None
    period_status: str | None
    reason: str | None
    version: int = 0  # of this period's value (0: none yet); the form carries it back
    note: str | None = None  # of this period's value
    basis: tuple[str, str] = ("", "")  # 填报口径 (Chinese, English)
    base: tuple[str, str] | None = None  # base year and value (Chinese, English)
    kind: str = "level"  # share | count | cumulative | rate | level (tracking.entry.ValueKind)
    previous: tuple[PreviousValue, ...] = ()  # the latest earlier values, newest first
    expected: float | None = None  # where the expected path stands at the end of the period
    targets_en: str = ""  # ``targets`` in English


@dataclass(frozen=True)
class UnitTask:
    plan_id: int
    code: str
    title: str
    role: str
    status: str | None
    status_label: str | None
    text: str | None
    version: int = 0  # id of the unit's latest report for the period (0: none)


@dataclass(frozen=True)
class ReturnedItem:
    observation_id: int
    indicator_id: int
    indicator: str
    period: str
    value: float
    unit: str | None
    reason: str | None


@dataclass
class UnitWork:
    unit_id: int
    unit: str
    period: str
    indicators: list[UnitIndicator] = field(default_factory=list)
    tasks: list[UnitTask] = field(default_factory=list)
    returned: list[ReturnedItem] = field(default_factory=list)


def unit_work(db: Database, unit_id: int, period: str) -> UnitWork:
    """A unit's indicators (lead or co) with this period's value and status, its tasks with their latest progress.

    Each indicator comes with what the form needs to explain it: its 填报口径, base, earlier values
    and the value its expected path reaches at the end of the period.
    """
    parsed = parse_period(period)
    with db.transaction() as session:
        unit = session.get_one(Unit, unit_id)
        work = UnitWork(unit.id, unit.name, period)
        by_indicator: dict[int, list[str]] = defaultdict(list)
        by_indicator_en: dict[int, list[str]] = defaultdict(list)
        roles: dict[int, str] = {}
        # a unit belongs to one region: only that region's plans can name it
        tracked = [t for t in load_tracked(session, unit.region) if any(u == unit_id for u, _ in t.units)]
        for item in tracked:
            goal = format_quantity(item.target.value, item.target.unit) if item.target.value is not None else None
            by_indicator[item.indicator.id].append(f"{item.target.year or ''}年 {goal or '待下达'}")
            by_indicator_en[item.indicator.id].append(f"{item.target.year or ''}: {goal or 'quota pending'}")
            roles[item.indicator.id] = next(r for u, r in item.units if u == unit_id)
        seen: set[int] = set()
        observations = {o.indicator_id: o for o in session.scalars(
            select(Observation).where(Observation.indicator_id.in_(list(by_indicator)), Observation.period == period))}
        items_of: dict[int, list[TrackedTarget]] = defaultdict(list)
        for item in tracked:
            items_of[item.indicator.id].append(item)
        for item in tracked:
            ind = item.indicator
            if ind.id in seen or ind.shape == "milestone":
                continue
            seen.add(ind.id)
            obs = observations.get(ind.id)
            basis = indicator_basis(items_of[ind.id])
            base_zh, base_en = base_text(basis, "zh"), base_text(basis, "en")
            base = (base_zh, base_en) if base_zh is not None and base_en is not None else None
            earlier = _earlier_values(session, ind, parsed.key if parsed else None)
            work.indicators.append(UnitIndicator(
                ind.id, ind.name, ind.unit, roles[ind.id], "；".join(by_indicator[ind.id]), ind.frequency,
                obs.value if obs else None, obs.status if obs else None, obs.reason if obs else None,
                current_seq(session, obs.id) if obs else 0, obs.note if obs else None,
                (basis_text(basis, "zh"), basis_text(basis, "en")), base, basis.kind.value, earlier,
                expected_at(session, ind, items_of[ind.id], parsed), "; ".join(by_indicator_en[ind.id])))
        for obs, name in session.execute(
                select(Observation, Indicator.name).join(Indicator, Indicator.id == Observation.indicator_id)
                .where(Observation.reporter_unit_id == unit_id, Observation.status == "returned")
                .order_by(Observation.period_key)):
            work.returned.append(ReturnedItem(obs.id, obs.indicator_id, name, obs.period, obs.value, obs.unit,
                                              obs.reason))
        work.tasks = _unit_tasks(session, unit_id, period)
        return work


def _earlier_values(session: Session, indicator: Indicator, before_key: int | None,
                    limit: int = 3) -> tuple[PreviousValue, ...]:
    if before_key is None:
        return ()
    rows = session.execute(
        select(Observation.period, Observation.value, Observation.unit, Observation.status)
        .where(Observation.indicator_id == indicator.id, Observation.period_key < before_key,
               Observation.status.in_(VISIBLE_STATUSES))
        .order_by(Observation.period_key.desc(), Observation.period.desc()).limit(limit))
    return tuple(PreviousValue(p, in_indicator_unit(v, u, indicator), st) for p, v, u, st in rows)


def entry_periods(db: Database, unit_id: int | None, today: date | None = None) -> list[str]:
    """The periods a unit can report for, newest first: from its indicators' base year to the last target
    year, never one that has not begun; quarters and months where an indicator is reported so often."""
    today = today or date.today()
    with db.transaction() as session:
        tracked = []
        if unit_id is not None:
            unit = session.get(Unit, unit_id)
            tracked = [t for t in load_tracked(session, unit.region) if any(u == unit_id for u, _ in t.units)] \
                if unit is not None else []
    lows = [t.indicator.baseline_year or t.target.baseline_year for t in tracked]
    highs = [t.target.year for t in tracked if t.target.year]
    first = min((y for y in lows if y), default=today.year - 6)
    last = min(max(highs, default=today.year), today.year)
    periods: list[Period] = [year_period(y) for y in range(first, last + 1)]
    frequencies = {t.indicator.frequency for t in tracked}
    for year in range(max(first, today.year - 1), last + 1):  # sub-year periods of the last two years
        if "quarter" in frequencies:
            periods += [Period(year, 3 * q, "quarter") for q in range(1, 5)]
        if "month" in frequencies:
            periods += [Period(year, m, "month") for m in range(1, 13)]
    return [p.label for p in sorted({p for p in periods if p.start_date() <= today},
                                    key=lambda p: (p.key, p.kind == "year"), reverse=True)]


def _unit_tasks(session: Session, unit_id: int, period: str) -> list[UnitTask]:
    out = []
    for ref in current_versions(session, session.get_one(Unit, unit_id).region):
        rows = session.execute(select(Task, Responsibility.role).join(Responsibility, Responsibility.task_id == Task.id)
                               .where(Task.version_id == ref.version.id, Responsibility.unit_id == unit_id)
                               .order_by(Task.position))
        for task, role in rows:
            last = session.scalar(select(TaskProgress).where(
                TaskProgress.plan_id == ref.plan.id, TaskProgress.task_lineage == task.lineage,
                TaskProgress.period == period, TaskProgress.reporter_unit_id == unit_id)
                .order_by(TaskProgress.id.desc()).limit(1))
            out.append(UnitTask(ref.plan.id, task.code, task.title, role, last.status if last else None,
                                STATUS_LABELS.get(last.status) if last else None, last.text if last else None,
                                last.id if last else 0))
    return out


@dataclass
class Matrix:
    actions: list[tuple[str, str]]
    rows: list[tuple[int, str, list[tuple[int, int]]]]  # unit id, unit, per action: (tasks led, tasks supported)


def responsibility_matrix(db: Database, plan_ids: Collection[int] | None = None) -> Matrix:
    """Unit × action: how many of the action's tasks each unit leads or supports (current versions)."""
    with db.transaction() as session:
        refs = current_versions(session, plan_ids=plan_ids)
        version_ids = [r.version.id for r in refs]
        actions = [(a.code, a.name) for a in session.scalars(
            select(Action).where(Action.version_id.in_(version_ids)).order_by(Action.version_id, Action.position))]
        counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        units: dict[int, str] = {}
        for action_code, role, unit in session.execute(
                select(Task.action_code, Responsibility.role, Unit).join(Responsibility, Responsibility.task_id == Task.id)
                .join(Unit, Unit.id == Responsibility.unit_id).where(Task.version_id.in_(version_ids))):
            units[unit.id] = unit.name
            counts[(unit.id, action_code or "-")][role] += 1
        rows = []
        for uid, name in units.items():
            cells = [(counts.get((uid, code), {}).get("lead", 0), counts.get((uid, code), {}).get("co", 0))
                     for code, _ in actions]
            rows.append((uid, name, cells))
        rows.sort(key=lambda r: (-sum(1 for lead, _ in r[2] if lead), r[1]))
        return Matrix(actions, rows)


def indicator_unit_ids(db: Database, indicator_id: int) -> set[int]:
    """Units responsible (lead or co) for an indicator in the current plan versions."""
    with db.transaction() as session:
        return permissions.indicator_unit_ids(session, indicator_id)


def task_unit_ids(db: Database, plan_id: int, task_code: str) -> set[int]:
    with db.transaction() as session:
        return permissions.task_unit_ids(session, plan_id, task_code)


def observation_reporter(db: Database, observation_id: int) -> int | None:
    with db.transaction() as session:
        obs = session.get(Observation, observation_id)
        return obs.reporter_unit_id if obs else None


def list_units(db: Database) -> list[tuple[int, str, str]]:
    """(id, name, region) of every unit still in use (merged units left out)."""
    with db.transaction() as session:
        rows = session.execute(select(Unit.id, Unit.name, Unit.region_id).where(Unit.merged_into_id.is_(None))
                               .order_by(Unit.region_id, Unit.id))
        regions = dict(session.execute(select(Region.id, Region.name)).all())
        return [(uid, name, regions.get(rid, "")) for uid, name, rid in rows]


@dataclass(frozen=True)
class TargetVersion:
    version: int
    status: str
    issued_date: str | None
    imported_by: str
    code: str
    value: float | None
    unit: str | None
    year: int | None
    assigned: bool
    quota_value: float | None
    sentence: str
    quota_version: int = 0
    stretch_value: float | None = None
    reading: str = "level"  # decrease | increase | level (tracking.target_reading)


def target_versions(db: Database, indicator_id: int) -> list[TargetVersion]:
    """The indicator's targets in every stored plan version (draft → final …), oldest first."""
    with db.transaction() as session:
        rows = session.execute(select(Target, PlanVersion, Indicator.shape)
                               .join(PlanVersion, PlanVersion.id == Target.version_id)
                               .join(Indicator, Indicator.id == Target.indicator_id)
                               .where(Target.indicator_id == indicator_id)
                               .order_by(PlanVersion.number, Target.position))
        return [TargetVersion(v.number, v.status, v.issued_date, v.imported_by, t.code, t.value, t.unit, t.year,
                              t.assigned, t.quota_value, t.sentence, t.quota_version, t.stretch_value,
                              target_reading(t.change, shape)) for t, v, shape in rows]


def unit_ids_for_names(db: Database, names: set[str], region: str | None = None) -> dict[str, int | None]:
    """Written unit names (aliases, short forms) → unit id, in the region (or any region with a current plan)."""
    with db.transaction() as session:
        return permissions.unit_ids_for_names(session, names, region)
