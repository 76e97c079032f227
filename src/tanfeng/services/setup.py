"""Plan set-up the office does on the web: a task's units, adding a unit to the registry, and the set-up view.

Base-year values, indicator units, reporting frequency and quotas are in ``plan_admin`` (shared with the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import ChangeLog, Indicator, Region, Responsibility, Target, Task, Unit
from tanfeng.db.session import Database
from tanfeng.regions.departments import clean, display_name, unit_key
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions, responsible_units
from tanfeng.services.registry import require_unit


def split_units(raw: str) -> list[str]:
    """Unit names typed in one field, separated by 、，, ; or new lines."""
    for sep in "，,;；\n":
        raw = raw.replace(sep, "、")
    return [n.strip() for n in raw.split("、") if n.strip()]


def set_task_units(db: Database, *, plan_id: int, task: str, lead: str, co: list[str], actor: str) -> int:
    """Replace the lead and co-units of a task of the plan's current version; returns the task id."""
    if not lead.strip():
        raise StoreError("请填写牵头单位", "name the lead unit")
    with db.write() as session:
        return set_task_units_in(session, plan_id=plan_id, task=task, lead=lead, co=co, actor=actor)


def set_task_units_in(session: Session, *, plan_id: int, task: str, lead: str, co: list[str], actor: str) -> int:
    """``set_task_units`` in the caller's write transaction."""
    ref = next(iter(current_versions(session, plan_ids=[plan_id])), None)
    if ref is None:
        raise StoreError(f"没有编号为{plan_id}的方案", f"no plan {plan_id}")
    row = session.scalar(select(Task).where(Task.version_id == ref.version.id, Task.code == task.strip())
                         .with_for_update())
    if row is None:
        raise StoreError(f"方案中没有任务“{task}”", f"no task '{task}' in the plan")
    units = [require_unit(session, ref.region, name) for name in [lead, *co]]
    old = [(r.unit_id, r.role) for r in row.responsibilities]
    for resp in list(row.responsibilities):
        session.delete(resp)
    session.flush()
    seen: set[int] = set()
    for pos, (written, unit) in enumerate(zip([lead, *co], units, strict=True)):
        if unit.id in seen:
            continue
        seen.add(unit.id)
        session.add(Responsibility(task_id=row.id, unit_id=unit.id, role="lead" if pos == 0 else "co",
                                   position=pos, written_as=written.strip()))
    session.add(ChangeLog(actor=actor, entity="task", entity_id=row.id, action="units",
                          detail={"task": row.code, "old": old, "lead": units[0].name,
                                  "co": [u.name for u in units[1:]]}))
    return row.id


def add_unit(db: Database, *, region_id: int, name: str, actor: str) -> int:
    """Register a new unit in a region (e.g. for a plan uploaded without units); returns its id."""
    with db.write() as session:
        return add_unit_in(session, region_id=region_id, name=name, actor=actor)


def add_unit_in(session: Session, *, region_id: int, name: str, actor: str) -> int:
    """``add_unit`` in the caller's write transaction."""
    written = clean(name or "")
    if len(written) < 2:
        raise StoreError("单位名称至少两个字", "a unit name needs at least two characters")
    region = session.get(Region, region_id)
    if region is None:
        raise StoreError(f"没有编号为{region_id}的地区", f"no region {region_id}")
    key = unit_key(written, region.name)
    if session.scalar(select(Unit.id).where(Unit.region_id == region.id, Unit.key == key)) is not None:
        raise StoreError(f"{region.name}已有单位“{written}”", f"{region.name} already has the unit '{written}'")
    unit = Unit(region_id=region.id, key=key, name=display_name(key, region.name))
    session.add(unit)
    session.flush()
    session.add(ChangeLog(actor=actor, entity="unit", entity_id=unit.id, action="add",
                          detail={"region": region.name, "name": unit.name}))
    return unit.id


@dataclass(frozen=True)
class SetupIndicator:
    indicator_id: int
    target: str
    name: str
    unit: str | None
    shape: str
    frequency: str
    baseline_year: int | None
    baseline_value: float | None
    assigned: bool
    quota_value: float | None
    quota_doc: str | None
    lead: str | None
    co: list[str]


@dataclass(frozen=True)
class SetupTask:
    code: str
    title: str
    lead: str | None
    co: list[str]


@dataclass
class PlanSetup:
    plan_id: int
    title: str
    region_id: int
    region: str
    indicators: list[SetupIndicator] = field(default_factory=list)
    tasks: list[SetupTask] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # the region's registry


def plan_setup(db: Database, plan_id: int) -> PlanSetup:
    """What the set-up page shows: each indicator's base year, frequency, units and quota; each task's units."""
    with db.transaction() as session:
        ref = next(iter(current_versions(session, plan_ids=[plan_id], include_archived=True)), None)
        if ref is None:
            raise StoreError(f"没有编号为{plan_id}的方案", f"no plan {plan_id}")
        names = {uid: name for uid, name in session.execute(
            select(Unit.id, Unit.name).where(Unit.region_id == ref.region.id, Unit.merged_into_id.is_(None)))}
        out = PlanSetup(ref.plan.id, ref.plan.title, ref.region.id, ref.region.name,
                        units=sorted(names.values()))
        units = responsible_units(session, [ref.version.id])
        seen: set[int] = set()
        for t, ind in session.execute(select(Target, Indicator).join(Indicator, Indicator.id == Target.indicator_id)
                                      .where(Target.version_id == ref.version.id).order_by(Target.position)):
            if ind.id in seen:
                continue
            seen.add(ind.id)
            resp = units.get(ind.id, [])
            out.indicators.append(SetupIndicator(
                ind.id, t.code, ind.name, ind.unit, ind.shape, ind.frequency, ind.baseline_year, ind.baseline_value,
                t.assigned, t.quota_value, t.quota_doc, next((names.get(u) for u, r in resp if r == "lead"), None),
                [names.get(u, "") for u, r in resp if r == "co"]))
        for task in session.scalars(select(Task).where(Task.version_id == ref.version.id).order_by(Task.position)):
            lead = next((names.get(r.unit_id) for r in task.responsibilities if r.role == "lead"), None)
            out.tasks.append(SetupTask(task.code, task.title, lead,
                                       [names.get(r.unit_id, "") for r in task.responsibilities if r.role == "co"]))
        return out
