"""Regions and their unit registries (data access: flushes, never commits)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.db.account_models import User
from tanfeng.db.models import ChangeLog, IndicatorAssignment, Observation, Region, Responsibility, Unit, UnitAlias
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


def lock_region(session: Session, region: Region) -> Region:
    """Registry changes of one region run one at a time (PostgreSQL row lock; SQLite's write lock already does)."""
    session.execute(select(Region.id).where(Region.id == region.id).with_for_update())
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


MAX_NAME = 200
# Zero-width characters, bidi controls and other format/control characters make two different
# strings look alike (or a name look like another); a unit name never needs them.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def checked_name(text: str, what_zh: str, what_en: str) -> str:
    """A unit name or alias as typed, refused if empty, over-long or holding invisible/direction characters."""
    name = (text or "").strip()
    if not name or not clean(unicodedata.normalize("NFKC", name)):
        raise StoreError(f"{what_zh}不能为空", f"the {what_en} is empty")
    if len(name) > MAX_NAME:
        raise StoreError(f"{what_zh}超过{MAX_NAME}字", f"the {what_en} is longer than {MAX_NAME} characters")
    bad = sorted({f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in _INVISIBLE})
    if bad:
        raise StoreError(f"{what_zh}含有不可见字符或文字方向控制符（{'、'.join(bad)}），请重新输入",
                         f"the {what_en} holds invisible or text-direction characters ({', '.join(bad)})")
    scripts = {_script(c) for c in unicodedata.normalize("NFKC", name)} & _CONFUSABLE_SCRIPTS
    if len(scripts) > 1:  # Latin "A" next to Cyrillic "А": two names that look the same
        raise StoreError(f"{what_zh}混用了外形相似的拉丁、西里尔或希腊字母，请重新输入",
                         f"the {what_en} mixes look-alike Latin, Cyrillic or Greek letters")
    return name


_CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ")[0] if char.isalpha() else ""


def _look_alike(session: Session, region: Region, name: str) -> Unit | None:
    """The unit a name refers to, compared in NFKC form (full-width letters and digits = ASCII ones)."""
    return find_unit(session, region, name) or find_unit(session, region, unicodedata.normalize("NFKC", name))


@dataclass(frozen=True)
class MergePreview:
    """What registering an alias would move from one unit to another, shown before it is done."""

    alias: str
    source: str
    target: str
    aliases: list[str]
    responsibilities: int
    assignments: int
    observations: int
    accounts: int

    def moves(self) -> dict[str, object]:
        return {"from": self.source, "into": self.target, "aliases": self.aliases,
                "responsibilities": self.responsibilities, "assignments": self.assignments,
                "observations": self.observations, "accounts": self.accounts}

    def message(self) -> tuple[str, str]:
        zh = (f"别名“{self.alias}”已属于“{self.source}”：登记后将把“{self.source}”合并到“{self.target}”，"
              f"移交别名{len(self.aliases)}个（{'、'.join(self.aliases)}）、任务职责{self.responsibilities}项、"
              f"指标分工{self.assignments}项；其填报值{self.observations}个、账号{self.accounts}个随之归入")
        en = (f"the alias '{self.alias}' names '{self.source}': registering it merges '{self.source}' into "
              f"'{self.target}', moving {len(self.aliases)} aliases, {self.responsibilities} task responsibilities, "
              f"{self.assignments} indicator assignments ({self.observations} values, {self.accounts} accounts follow)")
        return zh, en


def merge_preview(session: Session, region: Region, alias: str, unit_name: str) -> MergePreview | None:
    """None when ``alias`` names no other unit; else what ``add_alias`` would merge (nothing is changed)."""
    unit = require_unit(session, region, unit_name)
    alias = checked_name(alias, "别名", "alias")
    other = _look_alike(session, region, alias)
    if other is None or other.id == unit.id:
        return None
    def count(column: Any) -> int:
        return session.scalar(select(func.count()).where(column == other.id)) or 0

    return MergePreview(
        clean(alias), other.name, unit.name,
        sorted(session.scalars(select(UnitAlias.alias).where(UnitAlias.unit_id == other.id))),
        count(Responsibility.unit_id), count(IndicatorAssignment.unit_id), count(Observation.reporter_unit_id),
        count(User.unit_id))


def add_alias(session: Session, region: Region, alias: str, unit_name: str, actor: str) -> UnitInfo:
    """Make ``alias`` name ``unit_name``; if it named another unit, merge that unit into this one.

    Callers that act for a person show ``merge_preview`` first and call this once it is confirmed.
    """
    unit = require_unit(session, region, unit_name)
    alias = clean(checked_name(alias, "别名", "alias"))
    other = _look_alike(session, region, alias)
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
    """Refuses an empty name, invisible characters and a name (or look-alike) of another unit."""
    unit = require_unit(session, region, unit_name)
    new_name = checked_name(new_name, "单位名称", "unit name")
    other = _look_alike(session, region, new_name)
    if other is not None and other.id != unit.id:
        raise StoreError(f"“{new_name}”已是单位“{other.name}”的名称或别名，不能重名（要合并请登记别名）",
                         f"'{new_name}' already names the unit '{other.name}' (to merge them, add an alias)")
    old = unit.name
    unit.name = new_name
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


def alias_unit(db: Database, *, region: str, alias: str, unit: str, actor: str, confirm: bool = True) -> UnitInfo:
    """Service: register ``alias`` for ``unit`` in ``region`` (one transaction).

    With ``confirm=False`` an alias that would merge another unit is refused with what would move.
    """
    with db.write() as session:
        region_row = lock_region(session, get_region(session, region))
        preview = merge_preview(session, region_row, alias, unit)
        if preview is not None and not confirm:
            raise StoreError(*preview.message())
        return add_alias(session, region_row, alias, unit, actor)


def units_with_aliases(db: Database, region: str | None = None) -> list[UnitInfo]:
    """Service: the registry of one region (or all)."""
    with db.transaction() as session:
        return list_units(session, get_region(session, region) if region else None)


def rename(db: Database, *, region: str, unit: str, new_name: str, actor: str) -> UnitInfo:
    """Service: change how a unit is shown (the old name stays an alias)."""
    with db.write() as session:
        return rename_in(session, region=region, unit=unit, new_name=new_name, actor=actor)


def rename_in(session: Session, *, region: str, unit: str, new_name: str, actor: str) -> UnitInfo:
    """``rename`` in the caller's write transaction."""
    region_row = lock_region(session, get_region(session, region))
    old = require_unit(session, region_row, unit)
    _remember_alias(session, region_row, old, clean(old.name), "manual")
    return rename_unit(session, region_row, unit, new_name, actor)
