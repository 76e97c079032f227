"""Task progress: the latest report per task of the current plan versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tanfeng.db.models import Responsibility, Task, TaskProgress, Unit
from tanfeng.db.session import Database
from tanfeng.services.queries import current_versions
from tanfeng.services.registry import get_region
from tanfeng.services.templates import PROGRESS_STATUSES
from tanfeng.tracking.periods import parse_period

STATUS_LABELS = {code: zh for zh, code in PROGRESS_STATUSES.items()}


@dataclass(frozen=True)
class TaskProgressInfo:
    plan_id: int
    plan: str
    task: str
    title: str
    lead_unit: str | None
    period: str | None
    status: str | None
    status_label: str | None
    text: str | None
    reporter: str | None
    reported_at: datetime | None


def task_progress(db: Database, *, region: str | None = None, period: str | None = None) -> list[TaskProgressInfo]:
    """Every task of the current versions with its latest progress report (of ``period`` if given)."""
    parsed = parse_period(period) if period else None
    wanted = parsed.label if parsed else period
    with db.transaction() as session:
        refs = current_versions(session, get_region(session, region) if region else None)
        out = []
        for ref in refs:
            tasks = session.scalars(select(Task).where(Task.version_id == ref.version.id).order_by(Task.position))
            reports: dict[str, tuple[TaskProgress, str]] = {}
            query = (select(TaskProgress, Unit.name).join(Unit, Unit.id == TaskProgress.reporter_unit_id)
                     .where(TaskProgress.plan_id == ref.plan.id).order_by(TaskProgress.id))
            if wanted:
                query = query.where(TaskProgress.period == wanted)
            for report, unit_name in session.execute(query):
                current = reports.get(report.task_lineage)
                if current is None or _order(report) >= _order(current[0]):
                    reports[report.task_lineage] = (report, unit_name)
            for task in tasks:
                lead = session.scalar(select(Unit.name).join(Responsibility, Responsibility.unit_id == Unit.id)
                                      .where(Responsibility.task_id == task.id, Responsibility.role == "lead"))
                found = reports.get(task.lineage)
                r = found[0] if found else None
                out.append(TaskProgressInfo(
                    ref.plan.id, ref.plan.title, task.code, task.title, lead, r.period if r else None,
                    r.status if r else None, STATUS_LABELS.get(r.status) if r else None, r.text if r else None,
                    found[1] if found else None, r.at if r else None))
        return out


def _order(report: TaskProgress) -> tuple[int, int]:
    """Latest period first, then the latest report for that period."""
    period = parse_period(report.period)
    return (period.key if period else 0, report.id)
