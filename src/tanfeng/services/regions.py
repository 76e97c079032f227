"""Regions as a tree (province → city → county) from the gazetteer, and who sees which region.

A region is created when its first plan is imported; its city and province are created with it
(from the gazetteer, with adcodes) so a county's parents are known before their plans arrive.
Data access only: these helpers flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import Region, Unit
from tanfeng.db.session import Database
from tanfeng.plans.model import Region as PlanRegion
from tanfeng.regions.departments import unit_key
from tanfeng.regions.gazetteer import Division, gazetteer
from tanfeng.services.errors import StoreError

LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级"}


def _division(info: PlanRegion) -> Division | None:
    """The gazetteer entry of a plan's region: by adcode, else by name (disambiguated by the parent's name)."""
    g = gazetteer()
    if info.adcode and info.adcode[:6] in g.by_code:
        return g.by_code[info.adcode[:6]]
    candidates = g.by_name.get(info.name or "", [])
    if len(candidates) > 1 and info.parent:
        candidates = [d for d in candidates if (p := g.parent(d)) is not None and info.parent in (p.name, p.adcode)]
    return candidates[0] if len(candidates) == 1 else None


def _ensure_division(session: Session, d: Division) -> Region:
    """The stored region of a gazetteer division, created (with its parents) when missing."""
    parent_div = gazetteer().parent(d)
    parent = _ensure_division(session, parent_div) if parent_div is not None else None
    region = session.scalar(select(Region).where(Region.adcode == d.adcode)) or session.scalar(
        select(Region).where(Region.name == d.name))
    if region is None:
        region = Region(name=d.name, level=d.level, adcode=d.adcode)
        session.add(region)
    region.level, region.adcode = region.level or d.level, region.adcode or d.adcode
    if parent is not None and region.parent_id is None:
        region.parent_id, region.parent = parent.id, parent.name
    session.flush()
    return region


def ensure_region_tree(session: Session, info: PlanRegion) -> Region:
    """The plan's region, created if new, linked to its city and province from the gazetteer."""
    d = _division(info)
    if d is not None and (info.name is None or info.name == d.name):
        return _ensure_division(session, d)
    region = session.scalar(select(Region).where(Region.name == info.name))
    if region is None:
        # Not in the gazetteer (a development zone, a new district): stored as written, no parent link.
        region = Region(name=info.name, level=info.level, adcode=info.adcode, parent=info.parent)
        session.add(region)
        session.flush()
    return region


def descendant_ids(session: Session, region_id: int) -> set[int]:
    """The region and every region below it."""
    out, frontier = {region_id}, [region_id]
    while frontier:
        children = set(session.scalars(select(Region.id).where(Region.parent_id.in_(frontier)))) - out
        out |= children
        frontier = list(children)
    return out


def children(session: Session, region: Region) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.adcode,
                                                                                              Region.name)))


def ancestors(session: Session, region: Region) -> list[Region]:
    """The parent, the grandparent … (nearest first)."""
    out: list[Region] = []
    current = region
    while current.parent_id is not None and len(out) < 5:
        parent = session.get(Region, current.parent_id)
        if parent is None:
            break
        out.append(parent)
        current = parent
    return out


@dataclass(frozen=True)
class RegionNode:
    id: int
    name: str
    level: str | None
    adcode: str | None
    parent_id: int | None
    parent: str | None


def region_tree(db: Database) -> list[RegionNode]:
    """Every stored region with its parent, ordered by adcode (province, its cities, their counties)."""
    with db.transaction() as session:
        rows = session.scalars(select(Region).order_by(Region.adcode, Region.name))
        names = {}
        out = []
        for r in rows:
            names[r.id] = r.name
            out.append(r)
        return [RegionNode(r.id, r.name, r.level, r.adcode, r.parent_id, names.get(r.parent_id or -1, r.parent))
                for r in out]


def regions_of_unit_names(db: Database, names: set[str]) -> set[str]:
    """Regions where every one of the written unit names is registered (to place a file naming no region)."""
    with db.transaction() as session:
        found: set[str] | None = None
        for region in session.scalars(select(Region)):
            keys = {unit_key(n, region.name) for n in names}
            have = set(session.scalars(select(Unit.key).where(Unit.region_id == region.id, Unit.key.in_(keys))))
            if names and keys <= have:
                found = (found or set()) | {region.name}
        return found or set()


def region_by_name(session: Session, name: str) -> Region:
    region = session.scalar(select(Region).where(Region.name == name))
    if region is None:
        raise StoreError(f"未知地区“{name}”", f"unknown region '{name}'")
    return region


def find_region_id(db: Database, name: str) -> int:
    with db.transaction() as session:
        return region_by_name(session, name).id
