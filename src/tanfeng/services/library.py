"""The plan library: any number of plans per region, each with versions; current version, archive, delete.

The current version is chosen by rule — a final version over a draft, then the later issue date,
then the later version number — never by import order alone, unless the office pins one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tanfeng.db.base import utcnow
from tanfeng.db.models import (
    Action,
    ChangeLog,
    Indicator,
    IndicatorAssignment,
    Observation,
    PlanRecord,
    PlanVersion,
    Region,
    Responsibility,
    Target,
    Task,
    TaskProgress,
)
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError


def _rank(version: PlanVersion) -> tuple[int, str, int]:
    return (1 if version.status == "final" else 0, version.issued_date or "", version.number)


def choose_current(session: Session, record: PlanRecord) -> PlanVersion | None:
    """Set the plan's current version by rule (kept when the office pinned one); returns it."""
    versions = list(session.scalars(select(PlanVersion).where(PlanVersion.plan_id == record.id)))
    if record.current_pinned and any(v.id == record.current_version_id for v in versions):
        return next(v for v in versions if v.id == record.current_version_id)
    best = max(versions, key=_rank, default=None)
    record.current_version_id = best.id if best else None
    record.current_pinned = False
    session.flush()
    return best


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    status: str
    issued_date: str | None
    doc_number: str | None
    imported_at: datetime
    imported_by: str
    current: bool


@dataclass
class LibraryPlan:
    plan_id: int
    title: str
    region: str
    region_id: int
    archived: bool
    pinned: bool
    values: int  # reported values (any status) of the plan's indicators
    progress_reports: int
    versions: list[VersionInfo] = field(default_factory=list)

    @property
    def deletable(self) -> bool:
        return self.values == 0 and self.progress_reports == 0


def _counts(session: Session, plan_id: int) -> tuple[int, int]:
    values = session.scalar(select(func.count()).select_from(Observation).join(
        Indicator, Indicator.id == Observation.indicator_id).where(Indicator.plan_id == plan_id)) or 0
    progress = session.scalar(select(func.count()).select_from(TaskProgress)
                              .where(TaskProgress.plan_id == plan_id)) or 0
    return values, progress


def library(db: Database, region_ids: set[int] | None = None) -> list[LibraryPlan]:
    """Every plan (archived ones too) with its versions, of the given regions (None: all)."""
    with db.transaction() as session:
        query = select(PlanRecord, Region).join(Region, Region.id == PlanRecord.region_id).order_by(
            Region.adcode, Region.name, PlanRecord.id)
        if region_ids is not None:
            query = query.where(PlanRecord.region_id.in_(region_ids))
        out = []
        for record, region in session.execute(query).all():
            values, progress = _counts(session, record.id)
            item = LibraryPlan(record.id, record.title, region.name, region.id, record.archived_at is not None,
                               record.current_pinned, values, progress)
            for v in session.scalars(select(PlanVersion).where(PlanVersion.plan_id == record.id)
                                     .order_by(PlanVersion.number)):
                item.versions.append(VersionInfo(v.id, v.number, v.status, v.issued_date, v.doc_number,
                                                 v.imported_at, v.imported_by, v.id == record.current_version_id))
            out.append(item)
        return out


def _plan(session: Session, plan_id: int, *, lock: bool = True) -> PlanRecord:
    query = select(PlanRecord).where(PlanRecord.id == plan_id)
    record = session.scalar(query.with_for_update() if lock else query)
    if record is None:
        raise StoreError(f"没有编号为{plan_id}的方案", f"no plan {plan_id}")
    return record


def plan_region_id(db: Database, plan_id: int) -> int:
    with db.transaction() as session:
        return _plan(session, plan_id, lock=False).region_id


def set_current(db: Database, plan_id: int, version: int | None, *, actor: str) -> int:
    """Pin version ``version`` as current; ``None`` returns to the rule. Returns the current version's number."""
    with db.write() as session:
        return set_current_in(session, plan_id, version, actor=actor)


def set_current_in(session: Session, plan_id: int, version: int | None, *, actor: str) -> int:
    """``set_current`` in the caller's write transaction (the plan row locked)."""
    record = _plan(session, plan_id)
    old = record.current_version_id
    if version is None:
        record.current_pinned = False
        chosen = choose_current(session, record)
    else:
        chosen = session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan_id,
                                                          PlanVersion.number == version))
        if chosen is None:
            raise StoreError(f"方案{plan_id}没有第{version}版", f"plan {plan_id} has no version {version}")
        record.current_version_id, record.current_pinned = chosen.id, True
    assert chosen is not None
    session.add(ChangeLog(actor=actor, entity="plan", entity_id=plan_id, action="set_current",
                          detail={"old_version_id": old, "version": chosen.number, "pinned": version is not None}))
    return chosen.number


def archive(db: Database, plan_id: int, *, actor: str, archived: bool = True) -> None:
    """Archive (or restore) a plan: every value and revision stays; it leaves the work lists."""
    with db.write() as session:
        archive_in(session, plan_id, actor=actor, archived=archived)


def archive_in(session: Session, plan_id: int, *, actor: str, archived: bool = True) -> None:
    record = _plan(session, plan_id)
    if (record.archived_at is not None) == archived:
        return
    record.archived_at = utcnow() if archived else None
    session.add(ChangeLog(actor=actor, entity="plan", entity_id=plan_id,
                          action="archive" if archived else "unarchive", detail={"title": record.title}))


def delete_plan(db: Database, plan_id: int, *, actor: str, confirm: str) -> str:
    """Delete a plan that has nothing reported; ``confirm`` must repeat its title. Returns the title."""
    with db.write() as session:
        return delete_plan_in(session, plan_id, actor=actor, confirm=confirm)


def delete_plan_in(session: Session, plan_id: int, *, actor: str, confirm: str) -> str:
    """``delete_plan`` in the caller's write transaction (the plan row locked: no value can arrive meanwhile)."""
    record = _plan(session, plan_id)
    if confirm.strip() != record.title:
        raise StoreError(f"请输入方案标题“{record.title}”以确认删除",
                         f"type the plan's title '{record.title}' to confirm the deletion")
    values, progress = _counts(session, plan_id)
    if values or progress:
        raise StoreError(f"方案已有{values}个填报值、{progress}条任务进展，不能删除（可归档）",
                         f"the plan has {values} reported values and {progress} progress reports; "
                         "it cannot be deleted (archive it instead)")
    version_ids = list(session.scalars(select(PlanVersion.id).where(PlanVersion.plan_id == plan_id)))
    indicator_ids = list(session.scalars(select(Indicator.id).where(Indicator.plan_id == plan_id)))
    task_ids = select(Task.id).where(Task.version_id.in_(version_ids))
    session.execute(delete(Target).where(Target.version_id.in_(version_ids)))
    session.execute(delete(Responsibility).where(Responsibility.task_id.in_(task_ids)))
    session.execute(delete(Task).where(Task.version_id.in_(version_ids)))
    session.execute(delete(Action).where(Action.version_id.in_(version_ids)))
    session.execute(delete(IndicatorAssignment).where(IndicatorAssignment.indicator_id.in_(indicator_ids)))
    session.execute(delete(Indicator).where(Indicator.plan_id == plan_id))
    session.execute(delete(PlanVersion).where(PlanVersion.plan_id == plan_id))
    title = record.title
    session.delete(record)
    session.add(ChangeLog(actor=actor, entity="plan", entity_id=plan_id, action="delete",
                          detail={"title": title, "versions": len(version_ids)}))
    return title
