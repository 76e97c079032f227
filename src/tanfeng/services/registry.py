"""Regions and their unit registries (data access: flushes, never commits)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import ChangeLog, IndicatorAssignment, Region, Responsibility, Unit, UnitAlias
from tanfeng.db.session import Database
from tanfeng.plans.model import Region as PlanRegion
from tanfeng.regions.departments import clean, display_name, unit_key
from tanfeng.services.errors import StoreError
from tanfeng.services.regions import ensure_region_tree


@dataclass(frozen=True)
class UnitInfo:
    id: int
    region: str
    name: str
    key: str
    aliases: list[str]


def get_region(session: Session, name: str) -> Region:
    region = session.scalar(select(Region).where(Region.name == name))
    if region is None:
        known = "、".join(session.scalars(select(Region.name)).all()) or "无 / none"
        raise StoreError(f"未知地区“{name}”（已有：{known}）", f"unknown region '{name}'")
    return region


def ensure_region(session: Session, info: PlanRegion) -> Region:
    """The plan's region, created with its parents from the gazetteer (services.regions)."""
    return ensure_region_tree(session, info)


def _follow(session: Session, unit: Unit) -> Unit:
    seen = set()
    while unit.merged_into_id is not None and unit.id not in seen:
        seen.add(unit.id)
        unit = session.get_one(Unit, unit.merged_into_id)
    return unit


def find_unit(session: Session, region: Region, written: str) -> Unit | None:
    """The unit a written name refers to: a registered alias first, then the normalised key."""
    alias = session.scalar(
        select(UnitAlias).where(UnitAlias.region_id == region.id, UnitAlias.alias == clean(written))
    )
    if alias is not None:
        return _follow(session, session.get_one(Unit, alias.unit_id))
    key = unit_key(written, region.name)
    unit = session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.key == key))
    return _follow(session, unit) if unit is not None else None


def require_unit(session: Session, region: Region, written: str) -> Unit:
    unit = find_unit(session, region, written)
    if unit is None:
        raise StoreError(f"{region.name}没有单位“{written}”", f"no unit '{written}' in {region.name}")
    return unit


def resolve_unit(session: Session, region: Region, written: str) -> Unit:
    """Find or register the unit for a written name; records the written form as an alias."""
    unit = find_unit(session, region, written)
    if unit is None:
        key = unit_key(written, region.name)
        unit = Unit(region_id=region.id, key=key, name=display_name(key, region.name))
        session.add(unit)
        session.flush()
    _remember_alias(session, region, unit, clean(written), "auto")
    return unit


def _remember_alias(session: Session, region: Region, unit: Unit, alias: str, source: str) -> None:
    existing = session.scalar(select(UnitAlias).where(UnitAlias.region_id == region.id, UnitAlias.alias == alias))
    if existing is None:
        session.add(UnitAlias(region_id=region.id, unit_id=unit.id, alias=alias, source=source))
        session.flush()


def add_alias(session: Session, region: Region, alias: str, unit_name: str, actor: str) -> UnitInfo:
    """Make ``alias`` name ``unit_name``; if it named another unit, merge that unit into this one."""
    unit = require_unit(session, region, unit_name)
    alias = clean(alias)
    other = find_unit(session, region, alias)
    if other is not None and other.id != unit.id:
        merge_units(session, other, unit, actor)
    row = session.scalar(select(UnitAlias).where(UnitAlias.region_id == region.id, UnitAlias.alias == alias))
    if row is None:
        session.add(UnitAlias(region_id=region.id, unit_id=unit.id, alias=alias, source="manual"))
    elif row.unit_id != unit.id:
        row.unit_id, row.source = unit.id, "manual"
    session.add(ChangeLog(actor=actor, entity="unit", entity_id=unit.id, action="alias_add",
                          detail={"alias": alias, "unit": unit.name}))
    session.flush()
    return unit_info(session, unit)


def merge_units(session: Session, source: Unit, target: Unit, actor: str) -> None:
    """Point ``source`` (its aliases and responsibilities) at ``target``; the source row stays as history."""
    for alias in session.scalars(select(UnitAlias).where(UnitAlias.unit_id == source.id)):
        alias.unit_id = target.id
    target_tasks = set(session.scalars(select(Responsibility.task_id).where(Responsibility.unit_id == target.id)))
    for resp in session.scalars(select(Responsibility).where(Responsibility.unit_id == source.id)):
        if resp.task_id not in target_tasks:
            resp.unit_id = target.id
    for assignment in session.scalars(select(IndicatorAssignment).where(IndicatorAssignment.unit_id == source.id)):
        assignment.unit_id = target.id
    source.merged_into_id = target.id
    session.add(ChangeLog(actor=actor, entity="unit", entity_id=source.id, action="merge",
                          detail={"from": source.name, "into": target.name}))
    session.flush()


def rename_unit(session: Session, region: Region, unit_name: str, new_name: str, actor: str) -> UnitInfo:
    unit = require_unit(session, region, unit_name)
    old = unit.name
    unit.name = new_name.strip()
    _remember_alias(session, region, unit, clean(new_name), "manual")
    session.add(ChangeLog(actor=actor, entity="unit", entity_id=unit.id, action="rename",
                          detail={"old": old, "new": unit.name}))
    session.flush()
    return unit_info(session, unit)


def unit_info(session: Session, unit: Unit) -> UnitInfo:
    aliases = sorted(session.scalars(select(UnitAlias.alias).where(UnitAlias.unit_id == unit.id)))
    region = session.get_one(Region, unit.region_id)
    return UnitInfo(id=unit.id, region=region.name, name=unit.name, key=unit.key, aliases=aliases)


def list_units(session: Session, region: Region | None = None) -> list[UnitInfo]:
    query = select(Unit).where(Unit.merged_into_id.is_(None)).order_by(Unit.region_id, Unit.id)
    if region is not None:
        query = query.where(Unit.region_id == region.id)
    return [unit_info(session, unit) for unit in session.scalars(query)]


def alias_unit(db: Database, *, region: str, alias: str, unit: str, actor: str) -> UnitInfo:
    """Service: register ``alias`` for ``unit`` in ``region`` (one transaction)."""
    with db.transaction() as session:
        return add_alias(session, get_region(session, region), alias, unit, actor)


def units_with_aliases(db: Database, region: str | None = None) -> list[UnitInfo]:
    """Service: the registry of one region (or all)."""
    with db.transaction() as session:
        return list_units(session, get_region(session, region) if region else None)


def rename(db: Database, *, region: str, unit: str, new_name: str, actor: str) -> UnitInfo:
    """Service: change how a unit is shown (the old name stays an alias)."""
    with db.transaction() as session:
        region_row = get_region(session, region)
        old = require_unit(session, region_row, unit)
        _remember_alias(session, region_row, old, clean(old.name), "manual")
        return rename_unit(session, region_row, unit, new_name, actor)
