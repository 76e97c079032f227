"""What an account may read and write across regions, and which plans it sees.

- admin, and office / viewer accounts without a region: every region;
- an office account of a region reads that region and every region below it (a city reads its
  counties), writes only its own region, and enters quotas for the regions below (the quotas it assigns);
- a viewer of a region reads the same as its office, writes nothing;
- a unit account reads and writes its unit's region only (and within it only its own indicators and tasks);
- an enterprise account reads no plan data: only its own enterprise's (see ``services.enterprise_scope``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from tanfeng.db.models import Indicator, Observation, PlanRecord, PlanVersion, Region, Unit
from tanfeng.db.session import Database
from tanfeng.services.accounts import Account
from tanfeng.services.regions import descendant_ids


@dataclass(frozen=True)
class Scope:
    read: frozenset[int] | None  # region ids the account reads (None: all)
    write: frozenset[int] | None  # region ids whose data it writes
    quota: frozenset[int] | None  # region ids whose assigned targets it enters quotas for

    def reads(self, region_id: int) -> bool:
        return self.read is None or region_id in self.read

    def writes(self, region_id: int) -> bool:
        return self.write is None or region_id in self.write

    def assigns(self, region_id: int) -> bool:
        return self.quota is None or region_id in self.quota


NOTHING: frozenset[int] = frozenset()


def account_scope(db: Database, account: Account, catalog: Catalog | None = None) -> Scope:
    """``catalog``: a region tree already read (see ``load_catalog``), else the database is asked."""
    if account.role == "admin" or (account.region_id is None and account.role in ("office", "viewer")):
        return Scope(None, None if account.role != "viewer" else NOTHING, None if account.role != "viewer" else NOTHING)
    if account.role == "enterprise":  # an enterprise reads its own data only (services.enterprise_scope), no plan
        return Scope(NOTHING, NOTHING, NOTHING)
    if account.region_id is None:  # a unit account whose unit is gone: sees nothing
        return Scope(NOTHING, NOTHING, NOTHING)
    own = frozenset({account.region_id})
    if account.role == "unit":
        return Scope(own, own, NOTHING)
    if catalog is not None:
        below = catalog.descendants(account.region_id)
    else:
        with db.transaction() as session:
            below = frozenset(descendant_ids(session, account.region_id))
    if account.role == "viewer":
        return Scope(below, NOTHING, NOTHING)
    return Scope(below, own, below)


@dataclass(frozen=True)
class PlanChoice:
    plan_id: int
    title: str
    region_id: int
    region: str
    level: str | None
    version: int
    status: str


LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


# columns only: this runs on every page, and a version row carries the whole plan document
PLAN_COLUMNS = (select(PlanRecord.id, PlanRecord.title, Region.id, Region.name, Region.level, PlanVersion.number,
                       PlanVersion.status)
                .join(PlanVersion, PlanVersion.id == PlanRecord.current_version_id)
                .join(Region, Region.id == PlanRecord.region_id))


def _ordered(plans: Iterable[PlanChoice]) -> list[PlanChoice]:
    """The highest level first (province, city, county), then by region and plan."""
    return sorted(plans, key=lambda p: (LEVEL_ORDER.get(p.level or "", 3), p.region, p.plan_id))


def visible_plans(db: Database, scope: Scope, *, include_archived: bool = False) -> list[PlanChoice]:
    """The current plans the scope reads, the highest level first (province, city, county)."""
    query = PLAN_COLUMNS
    if not include_archived:
        query = query.where(PlanRecord.archived_at.is_(None))
    if scope.read is not None:
        query = query.where(PlanRecord.region_id.in_(list(scope.read)))
    with db.transaction() as session:
        return _ordered(PlanChoice(*row) for row in session.execute(query))


@dataclass(frozen=True)
class Catalog:
    """Every current plan and the region tree, read at once: what scoping a request needs, for a cache that
    is read again whenever the data stamp (``services.overview.data_stamp``) moves (an import, a new version,
    archiving, a deleted plan: each adds a plan version or a change-log row; regions come only with imports)."""

    plans: tuple[PlanChoice, ...]  # ordered as ``visible_plans`` orders them
    archived: frozenset[int]  # ids of the archived plans among them
    children: Mapping[int, tuple[int, ...]]  # region id → the ids of the regions right below it

    def descendants(self, region_id: int) -> frozenset[int]:
        """The region and every region below it (as ``regions.descendant_ids``)."""
        out, frontier = {region_id}, [region_id]
        while frontier:
            below = {c for r in frontier for c in self.children.get(r, ())} - out
            out |= below
            frontier = list(below)
        return frozenset(out)

    def visible(self, scope: Scope, *, include_archived: bool = False) -> list[PlanChoice]:
        """The same plans as ``visible_plans(db, scope)``, from what was read."""
        return [p for p in self.plans if (include_archived or p.plan_id not in self.archived)
                and (scope.read is None or p.region_id in scope.read)]


def load_catalog(db: Database) -> Catalog:
    children: dict[int, list[int]] = {}
    with db.transaction() as session:
        rows = session.execute(PLAN_COLUMNS.add_columns(PlanRecord.archived_at.is_not(None))).all()
        for region_id, parent_id in session.execute(select(Region.id, Region.parent_id)):
            if parent_id is not None:
                children.setdefault(parent_id, []).append(region_id)
    plans = _ordered(PlanChoice(*row[:-1]) for row in rows)
    archived = frozenset(int(row[0]) for row in rows if row[-1])
    return Catalog(tuple(plans), archived, {k: tuple(v) for k, v in children.items()})


def default_plan(plans: list[PlanChoice], own_region_id: int | None) -> PlanChoice | None:
    """The plan a page opens with: the first plan of the account's own region, else the first one stored."""
    own = [p for p in plans if p.region_id == own_region_id]
    return min(own or plans, key=lambda p: p.plan_id) if plans else None


def indicator_region(db: Database, indicator_id: int) -> int | None:
    with db.transaction() as session:
        return session.scalar(select(PlanRecord.region_id).join(Indicator, Indicator.plan_id == PlanRecord.id)
                              .where(Indicator.id == indicator_id))


def indicator_plan_id(db: Database, indicator_id: int) -> int | None:
    with db.transaction() as session:
        return session.scalar(select(Indicator.plan_id).where(Indicator.id == indicator_id))


def observation_region(db: Database, observation_id: int) -> int | None:
    with db.transaction() as session:
        return session.scalar(select(PlanRecord.region_id).join(Indicator, Indicator.plan_id == PlanRecord.id)
                              .join(Observation, Observation.indicator_id == Indicator.id)
                              .where(Observation.id == observation_id))


def plan_indicator_ids(db: Database, plan_ids: list[int]) -> set[int]:
    with db.transaction() as session:
        return set(session.scalars(select(Indicator.id).where(Indicator.plan_id.in_(plan_ids))))


def region_ids_by_name(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {name: rid for name, rid in session.execute(select(Region.name, Region.id))}


def unit_region_id(db: Database, unit_id: int) -> int | None:
    with db.transaction() as session:
        return session.scalar(select(Unit.region_id).where(Unit.id == unit_id))
