"""Storing observations and task progress under concurrency: row locks, revision numbers, who may change what.

Every write runs in ``Database.write()`` (SQLite: ``BEGIN IMMEDIATE``). On PostgreSQL the rows
written are locked first, always in one order — indicator rows by id, then task rows by id — so
two writers of one value wait for each other instead of both reading the same old state, and two
writers of different values never deadlock. Revision numbers are derived inside that lock and a
unique index on (observation, seq) backs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.db.base import utcnow
from tanfeng.db.models import Indicator, Observation, ObservationRevision, Task, TaskProgress
from tanfeng.services.errors import RowError, StaleEdit
from tanfeng.tracking.periods import Period


@dataclass(frozen=True)
class ObservationRow:
    indicator_id: int
    period: Period
    value: float
    unit: str | None
    source: str | None
    note: str | None
    reporter_id: int
    lead: bool = True  # the reporter leads this indicator
    version: int | None = None  # the version the form showed (None: not checked)
    row: int = 0
    sheet: str | None = None


@dataclass(frozen=True)
class ProgressRow:
    plan_id: int
    task: Task
    period: Period
    status: str
    text: str | None
    reporter_id: int
    version: int | None = None  # id of the latest report the form showed (0: none)
    row: int = 0


@dataclass(frozen=True)
class StoredValue:
    observation_id: int
    indicator_id: int
    period: str
    value: float
    status: str
    version: int


def lock_indicators(session: Session, indicator_ids: Iterable[int]) -> None:
    """``SELECT … FOR UPDATE`` on the indicators (ignored on SQLite, where BEGIN IMMEDIATE already serialises)."""
    ids = sorted(set(indicator_ids))
    if ids:
        session.execute(select(Indicator.id).where(Indicator.id.in_(ids)).order_by(Indicator.id).with_for_update())


def lock_tasks(session: Session, task_ids: Iterable[int]) -> None:
    ids = sorted(set(task_ids))
    if ids:
        session.execute(select(Task.id).where(Task.id.in_(ids)).order_by(Task.id).with_for_update())


def current_seq(session: Session, observation_id: int) -> int:
    """The observation's version: its latest revision number (read inside the lock)."""
    return session.scalar(select(func.max(ObservationRevision.seq))
                          .where(ObservationRevision.observation_id == observation_id)) or 0


def lock_observations(session: Session, observation_ids: list[int]) -> dict[int, Observation]:
    """Lock observations for a review: their indicators first (the one lock order), then the rows, re-read."""
    found = session.execute(select(Observation.id, Observation.indicator_id)
                            .where(Observation.id.in_(observation_ids))).all()
    lock_indicators(session, [ind for _, ind in found])
    rows = session.scalars(select(Observation).where(Observation.id.in_(observation_ids))
                           .order_by(Observation.id).with_for_update().execution_options(populate_existing=True))
    return {o.id: o for o in rows}


def _describe(obs: Observation, seq: int) -> dict[str, Any]:
    return {"observation_id": obs.id, "indicator_id": obs.indicator_id, "period": obs.period, "value": obs.value,
            "unit": obs.unit, "status": obs.status, "version": seq, "updated_by": obs.updated_by}


def stale(what_zh: str, what_en: str, current: list[dict[str, Any]]) -> StaleEdit:
    shown = "；".join(f"{c.get('period', '')} 当前值 {c.get('value')}（{c.get('status')}，版本{c.get('version')}）"
                     for c in current)
    shown_en = "; ".join(f"{c.get('period', '')} now {c.get('value')} ({c.get('status')}, version "
                         f"{c.get('version')})" for c in current)
    return StaleEdit(f"{what_zh}已被他人修改，未保存。{shown}。请刷新后重试",
                     f"{what_en} was changed by someone else meanwhile; not saved. {shown_en}. Reload and retry",
                     current)


def store_observations(
    session: Session, rows: list[ObservationRow], *, status: str, actor: str, source_file: str, office: bool,
    reason: str | None = None,
) -> tuple[dict[str, int], list[StoredValue], list[RowError]]:
    """Store validated rows (locks taken here). Returns counts, what was stored, and refused rows.

    Who may change what: an accepted value is changed only by its lead unit or the office (``office``),
    only as a submission (never back to a draft), and the change goes back to review.
    """
    lock_indicators(session, [r.indicator_id for r in rows])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    stored: list[StoredValue] = []
    refused: list[RowError] = []
    conflicts: list[dict[str, Any]] = []
    for row in rows:
        obs = session.scalar(select(Observation).where(Observation.indicator_id == row.indicator_id,
                                                       Observation.period == row.period.label)
                             .execution_options(populate_existing=True))
        seq = current_seq(session, obs.id) if obs is not None else 0
        if row.version is not None and row.version != seq:
            conflicts.append(_describe(obs, seq) if obs is not None else
                             {"indicator_id": row.indicator_id, "period": row.period.label, "value": None,
                              "status": None, "version": 0})
            continue
        error = _refusal(obs, row, status, office)
        if error is not None:
            refused.append(RowError(row.row, "本期值", *error, row.sheet))
            continue
        outcome, obs, seq = _write_observation(session, obs, seq, row, status, actor, source_file, reason)
        counts[outcome] += 1
        stored.append(StoredValue(obs.id, obs.indicator_id, obs.period, obs.value, obs.status, seq))
    if conflicts:
        raise stale("填报值", "the value", conflicts)
    return counts, stored, refused


def _refusal(obs: Observation | None, row: ObservationRow, status: str, office: bool) -> tuple[str, str] | None:
    if obs is None or obs.status != "accepted":
        return None
    if status == "draft":
        return (f"{row.period.label}的值已采纳，不能改为草稿（修改请直接提交，将重新审核）",
                f"the {row.period.label} value is accepted; it cannot become a draft (submit a change instead)")
    if not office and not row.lead:
        return (f"{row.period.label}的值已采纳，只有牵头单位或办公室能修改",
                f"the {row.period.label} value is accepted; only the lead unit or the office may change it")
    return None


def _write_observation(
    session: Session, obs: Observation | None, seq: int, row: ObservationRow, status: str, actor: str,
    source_file: str, reason: str | None = None,
) -> tuple[str, Observation, int]:
    if obs is None:
        obs = Observation(indicator_id=row.indicator_id, period=row.period.label, period_key=row.period.key,
                          value=row.value, unit=row.unit, reporter_unit_id=row.reporter_id, source=row.source,
                          note=row.note, status=status, updated_by=actor)
        session.add(obs)
        session.flush()
        session.add(ObservationRevision(observation_id=obs.id, seq=1, actor=actor, action="create",
                                        new_value=row.value, new_unit=row.unit, new_status=status,
                                        source_file=source_file))
        session.flush()
        return "created", obs, 1
    same = (obs.value, obs.unit, obs.source, obs.note) == (row.value, row.unit, row.source, row.note)
    if same and (obs.status == status or (obs.status == "accepted" and status == "submitted")):
        return "unchanged", obs, seq
    session.add(ObservationRevision(observation_id=obs.id, seq=seq + 1, actor=actor, action="update",
                                    old_value=obs.value, new_value=row.value, old_unit=obs.unit, new_unit=row.unit,
                                    old_status=obs.status, new_status=status, source_file=source_file,
                                    reason=reason))
    obs.value, obs.unit, obs.source, obs.note, obs.status = row.value, row.unit, row.source, row.note, status
    obs.reporter_unit_id, obs.updated_by, obs.reason, obs.updated_at = row.reporter_id, actor, None, utcnow()
    session.flush()
    return "updated", obs, seq + 1


def latest_progress(session: Session, plan_id: int, lineage: str, period: str, reporter_id: int) -> TaskProgress | None:
    return session.scalar(
        select(TaskProgress).where(TaskProgress.plan_id == plan_id, TaskProgress.task_lineage == lineage,
                                   TaskProgress.period == period, TaskProgress.reporter_unit_id == reporter_id)
        .order_by(TaskProgress.id.desc()).limit(1))


def store_progress(session: Session, rows: list[ProgressRow], *, actor: str, source_file: str) -> int:
    """Append progress reports (tasks locked); a report made from an older latest report is refused."""
    lock_tasks(session, [r.task.id for r in rows])
    stored, conflicts = 0, []
    for row in rows:
        last = latest_progress(session, row.plan_id, row.task.lineage, row.period.label, row.reporter_id)
        if row.version is not None and row.version != (last.id if last else 0):
            conflicts.append({"task": row.task.code, "period": row.period.label,
                              "value": last.text if last else None, "status": last.status if last else None,
                              "version": last.id if last else 0})
            continue
        if last is not None and (last.status, last.text) == (row.status, row.text):
            continue
        session.add(TaskProgress(plan_id=row.plan_id, task_lineage=row.task.lineage, task_code=row.task.code,
                                 period=row.period.label, status=row.status, text=row.text,
                                 reporter_unit_id=row.reporter_id, actor=actor, source_file=source_file))
        stored += 1
    if conflicts:
        raise stale("任务进展", "the task progress", conflicts)
    session.flush()
    return stored
