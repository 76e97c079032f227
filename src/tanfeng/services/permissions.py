"""Who is responsible for what, read inside the caller's transaction (so a write checks and writes at once)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import Indicator, Responsibility, Task, Unit
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions
from tanfeng.services.registry import find_unit, get_region
from tanfeng.services.tracked import load_tracked


def unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    if unit is None or unit.merged_into_id is not None:
        raise StoreError(f"没有编号为{unit_id}的单位", f"no unit {unit_id}")
    return unit.name


def indicator_unit_ids(session: Session, indicator_id: int) -> set[int]:
    """Units responsible (lead or co) for an indicator in the current plan versions."""
    plan_id = session.scalar(select(Indicator.plan_id).where(Indicator.id == indicator_id))
    if plan_id is None:
        return set()
    return {u for t in load_tracked(session, plan_ids=[plan_id]) if t.indicator.id == indicator_id for u, _ in t.units}


def task_unit_ids(session: Session, plan_id: int, task_code: str) -> set[int]:
    ref = next((r for r in current_versions(session) if r.plan.id == plan_id), None)
    if ref is None:
        return set()
    return set(session.scalars(select(Responsibility.unit_id).join(Task, Task.id == Responsibility.task_id)
                               .where(Task.version_id == ref.version.id, Task.code == task_code)))


def unit_ids_for_names(session: Session, names: set[str], region: str | None = None) -> dict[str, int | None]:
    """Written unit names (aliases, short forms) → unit id, in the region (or any region with a current plan)."""
    regions = [get_region(session, region)] if region else list(
        {r.region.id: r.region for r in current_versions(session)}.values())
    out: dict[str, int | None] = {}
    for name in names:
        found = next((u for reg in regions if (u := find_unit(session, reg, name)) is not None), None)
        out[name] = found.id if found else None
    return out
