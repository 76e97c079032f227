"""Read helpers shared by the services (no commits, no transactions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from tanfeng.db.models import (
    IndicatorAssignment,
    PlanRecord,
    PlanVersion,
    Region,
    Responsibility,
    Target,
    Task,
    Unit,
)
from tanfeng.services.errors import StoreError


@dataclass(frozen=True)
class PlanRef:
    plan: PlanRecord
    version: PlanVersion
    region: Region


def current_versions(
    session: Session, region: Region | None = None, *, plan_ids: Collection[int] | None = None,
    include_archived: bool = False,
) -> list[PlanRef]:
    """The current version of every plan (the library's choice: final over draft, then date).

    Optionally of one region or of the given plans; archived plans only when asked for.
    """
    query = (
        select(PlanRecord, PlanVersion, Region)
        .join(PlanVersion, PlanVersion.id == PlanRecord.current_version_id)
        .join(Region, Region.id == PlanRecord.region_id)
        .order_by(PlanRecord.id)
        # the plan document (often ~100 kB of JSON) loads only when read, inside the caller's session
        .options(defer(PlanVersion.document))
    )
    if region is not None:
        query = query.where(PlanRecord.region_id == region.id)
    if plan_ids is not None:
        query = query.where(PlanRecord.id.in_(list(plan_ids)))
    if not include_archived:
        query = query.where(PlanRecord.archived_at.is_(None))
    return [PlanRef(p, v, r) for p, v, r in session.execute(query)]


def find_plan(session: Session, ref: str | int | None, region: Region | None = None) -> PlanRef:
    """A plan by id or title (or the only plan, when there is exactly one)."""
    plans = current_versions(session, region)
    if ref is None:
        if len(plans) == 1:
            return plans[0]
        raise StoreError(
            f"请用 --plan 指定方案（共{len(plans)}个）", f"specify the plan with --plan ({len(plans)} plans stored)"
        )
    for item in plans:
        if str(item.plan.id) == str(ref) or item.plan.title == ref or item.plan.key == ref:
            return item
    raise StoreError(f"未找到方案“{ref}”", f"no plan '{ref}'")


def responsible_units(session: Session, version_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """indicator id → [(unit id, 'lead'|'co')]: the office's assignments, else the target's task units."""
    result: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not version_ids:
        return result
    rows = session.execute(
        select(Target.indicator_id, Responsibility.unit_id, Responsibility.role, Unit.merged_into_id)
        .join(Task, Task.id == Target.task_id)
        .join(Responsibility, Responsibility.task_id == Task.id)
        .join(Unit, Unit.id == Responsibility.unit_id)
        .where(Target.version_id.in_(version_ids))
        .order_by(Target.indicator_id, Target.position, Responsibility.position)
    )
    for indicator_id, unit_id, role, merged in rows:
        uid = merged or unit_id
        if all(uid != u for u, _ in result[indicator_id]):
            result[indicator_id].append((uid, role))
    assigned: dict[int, list[tuple[int, str]]] = defaultdict(list)
    indicator_ids = session.scalars(select(Target.indicator_id).where(Target.version_id.in_(version_ids))).all()
    for chunk_start in range(0, len(indicator_ids), 500):
        chunk = indicator_ids[chunk_start:chunk_start + 500]
        for a in session.scalars(
            select(IndicatorAssignment)
            .where(IndicatorAssignment.indicator_id.in_(chunk), IndicatorAssignment.active.is_(True))
            .order_by(IndicatorAssignment.position)
        ):
            if all(a.unit_id != u for u, _ in assigned[a.indicator_id]):
                assigned[a.indicator_id].append((a.unit_id, a.role))
    result.update(assigned)
    return result


def unit_names(session: Session, region_ids: list[int] | None = None) -> dict[int, str]:
    query = select(Unit.id, Unit.name)
    if region_ids is not None:
        query = query.where(Unit.region_id.in_(region_ids))
    return dict(session.execute(query).all())
