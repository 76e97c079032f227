"""The responsibility matrix (unit × task, lead/co) and each unit's open reports (overdue, returned)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from tanfeng.db.models import Indicator, Observation, Responsibility, Task, TaskProgress, Unit
from tanfeng.db.session import Database
from tanfeng.services.queries import PlanRef, current_versions
from tanfeng.services.registry import get_region
from tanfeng.services.tracked import TrackedTarget, load_tracked, observed_periods
from tanfeng.tracking.periods import Period


@dataclass(frozen=True)
class OpenReport:
    """Something a unit still owes: a value (overdue, returned, draft) or a task progress report."""

    kind: str  # overdue | progress_overdue | returned | draft
    subject: str  # the indicator's name, or "A1.1 task title"
    period: str
    indicator_id: int | None = None
    task: str | None = None
    reason: str | None = None


@dataclass
class UnitResponsibilities:
    unit_id: int
    unit: str
    region: str
    lead_tasks: list[str] = field(default_factory=list)
    co_tasks: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    open_reports: list[OpenReport] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def due_periods(item: TrackedTarget, today: date, grace_days: int) -> list[Period]:
    """Yearly (or quarterly/monthly) periods a lead unit owes a value for, closed by ``today``.

    Reporting starts with the year before the plan was issued (the first year the office can ask
    for), never before the year after the base year, and ends with the target year.
    """
    ind, version = item.indicator, item.ref.version
    if ind.shape == "milestone" or ind.baseline_year is None or item.target.year is None:
        return []
    start = ind.baseline_year + 1
    if version.issued_date and version.issued_date[:4].isdigit():
        start = max(start, int(version.issued_date[:4]) - 1)
    months = {"year": [12], "quarter": [3, 6, 9, 12], "month": list(range(1, 13))}[ind.frequency]
    kind = ind.frequency
    out = []
    for year in range(start, item.target.year + 1):
        for month in months:
            period = Period(year, month, kind)
            if period.is_closed(today, grace_days):
                out.append(period)
    return out


def overdue_reports(
    items: list[TrackedTarget], reported: dict[int, set[str]], today: date, grace_days: int
) -> dict[int, list[OpenReport]]:
    """lead unit id → periods closed without a submitted or accepted value."""
    out: dict[int, list[OpenReport]] = {}
    seen: set[tuple[int, str]] = set()
    for item in items:
        lead = item.lead_unit_id
        if lead is None:
            continue
        for period in due_periods(item, today, grace_days):
            key = (item.indicator.id, period.label)
            if key in seen or period.label in reported.get(item.indicator.id, set()):
                continue
            seen.add(key)
            out.setdefault(lead, []).append(
                OpenReport("overdue", item.indicator.name, period.label, indicator_id=item.indicator.id))
    return out


def unit_matrix(
    db: Database, *, region: str | None = None, today: date | None = None, grace_days: int = 90,
    plan_ids: Collection[int] | None = None,
) -> list[UnitResponsibilities]:
    """Every unit with its tasks (lead/co), indicators and open reports, for the current plan versions."""
    today = today or date.today()
    with db.transaction() as session:
        region_row = get_region(session, region) if region else None
        refs = current_versions(session, region_row, plan_ids=plan_ids)
        version_ids = [r.version.id for r in refs]
        units: dict[int, UnitResponsibilities] = {}

        def entry(unit: Unit) -> UnitResponsibilities:
            if unit.id not in units:
                units[unit.id] = UnitResponsibilities(unit.id, unit.name, unit.region.name)
            return units[unit.id]

        rows = session.execute(
            select(Task.code, Task.title, Responsibility.role, Unit)
            .join(Responsibility, Responsibility.task_id == Task.id)
            .join(Unit, Unit.id == Responsibility.unit_id)
            .where(Task.version_id.in_(version_ids))
            .order_by(Task.version_id, Task.position, Responsibility.position)
        )
        for code, title, role, unit in rows:
            label = f"{code} {title}"
            (entry(unit).lead_tasks if role == "lead" else entry(unit).co_tasks).append(label)
        tracked = load_tracked(session, region_row, plan_ids)
        for item in tracked:
            for unit_id, role in item.units:
                name = f"{item.indicator.name}（{'牵头' if role == 'lead' else '配合'}）"
                e = entry(session.get_one(Unit, unit_id))
                if name not in e.indicators:
                    e.indicators.append(name)
        plan_ids = [r.plan.id for r in refs]
        overdue = overdue_reports(tracked, observed_periods(session, plan_ids), today, grace_days)
        for unit_id, reports in overdue.items():
            entry(session.get_one(Unit, unit_id)).open_reports.extend(reports)
        _pending(session, [item.indicator.id for item in tracked], entry)
        for ref in refs:
            for unit_id, report in progress_overdue(session, ref, tracked, today, grace_days):
                entry(session.get_one(Unit, unit_id)).open_reports.append(report)
        return sorted(units.values(), key=lambda u: (u.region, -len(u.lead_tasks), u.unit))


def _pending(session: Any, indicator_ids: list[int], entry: Any) -> None:
    """Returned and draft values wait for their reporting unit."""
    if not indicator_ids:
        return
    rows = session.execute(
        select(Observation, Indicator.name)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Observation.indicator_id.in_(sorted(set(indicator_ids))),
               Observation.status.in_(("returned", "draft")), Observation.reporter_unit_id.is_not(None))
    )
    for obs, name in rows:
        entry(session.get_one(Unit, obs.reporter_unit_id)).open_reports.append(
            OpenReport(obs.status, name, obs.period, indicator_id=obs.indicator_id, reason=obs.reason))


def progress_years(ref: PlanRef, tracked: list[TrackedTarget], today: date, grace_days: int) -> list[int]:
    """Closed years a plan's tasks owe a progress report for: from the year of issue to its last target year."""
    version = ref.version
    years = [t.target.year for t in tracked if t.ref.plan.id == ref.plan.id and t.target.year]
    if version.issued_date and version.issued_date[:4].isdigit():
        start = int(version.issued_date[:4])
    else:
        bases = [t.indicator.baseline_year for t in tracked if t.ref.plan.id == ref.plan.id and t.indicator.baseline_year]
        if not bases:
            return []
        start = min(bases) + 1
    end = max([*years, version.peak_year or 0]) or start
    return [y for y in range(start, end + 1) if Period(y, 12, "year").is_closed(today, grace_days)]


def progress_overdue(
    session: Any, ref: PlanRef, tracked: list[TrackedTarget], today: date, grace_days: int
) -> list[tuple[int, OpenReport]]:
    """(lead unit id, report) for every task of the version without a progress report for a closed year."""
    years = progress_years(ref, tracked, today, grace_days)
    if not years:
        return []
    reported = set(session.execute(
        select(TaskProgress.task_lineage, TaskProgress.period).where(TaskProgress.plan_id == ref.plan.id)
    ).all())
    leads = session.execute(
        select(Task.code, Task.title, Task.lineage, Responsibility.unit_id)
        .join(Responsibility, Responsibility.task_id == Task.id)
        .where(Task.version_id == ref.version.id, Responsibility.role == "lead")
        .order_by(Task.position)
    ).all()
    out = []
    for code, title, lineage, unit_id in leads:
        for year in years:
            if (lineage, str(year)) not in reported:
                out.append((unit_id, OpenReport("progress_overdue", f"{code} {title}", str(year), task=code)))
    return out
