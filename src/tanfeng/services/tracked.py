"""The current targets with their indicators, responsible units and observations, loaded in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import pint
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tanfeng.db.models import Indicator, Observation, Region, Target
from tanfeng.services.queries import PlanRef, current_versions, responsible_units
from tanfeng.tracking.entry import Basis, basis_of
from tanfeng.units import convert

VISIBLE_STATUSES = ("submitted", "accepted")


@dataclass
class TrackedTarget:
    ref: PlanRef
    target: Target
    indicator: Indicator
    units: list[tuple[int, str]] = field(default_factory=list)

    @property
    def lead_unit_id(self) -> int | None:
        return next((u for u, role in self.units if role == "lead"), self.units[0][0] if self.units else None)


@dataclass(frozen=True)
class ObservedValue:
    period: str
    period_key: int
    value: float
    unit: str | None
    status: str


@lru_cache(maxsize=512)
def unit_factor(from_unit: str | None, to_unit: str | None) -> float | None:
    """Multiplier from one unit to another; None when they do not convert."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return 1.0
    try:
        return convert(1.0, from_unit, to_unit)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError):
        return None


def units_match(unit: str | None, indicator_unit: str | None) -> bool:
    """A reported unit fits an indicator: identical text, or a unit pint can convert (兆瓦 ↔ 万千瓦)."""
    if not unit or not indicator_unit or unit.strip() == indicator_unit.strip():
        return True
    return unit_factor(unit, indicator_unit) is not None


def indicator_basis(items: list[TrackedTarget]) -> Basis:
    """The 填报口径 of an indicator from its data and the changes its current targets state."""
    ind = items[0].indicator
    base_year = ind.baseline_year or next((t.target.baseline_year for t in items if t.target.baseline_year), None)
    return basis_of(ind.shape, ind.unit, [t.target.change for t in items], base_year, ind.baseline_value)


def in_indicator_unit(value: float | None, unit: str | None, indicator: Indicator) -> float | None:
    if value is None:
        return None
    factor = unit_factor(unit, indicator.unit)
    return None if factor is None else value * factor


def load_tracked(
    session: Session, region: Region | None = None, plan_ids: Collection[int] | None = None
) -> list[TrackedTarget]:
    """Every target of the current version of each plan (of one region, or of the given plans), in plan order."""
    refs = {ref.version.id: ref for ref in current_versions(session, region, plan_ids=plan_ids)}
    if not refs:
        return []
    rows = session.execute(
        select(Target, Indicator)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Target.version_id.in_(list(refs)))
        .order_by(Target.version_id, Target.position)
    )
    units = responsible_units(session, list(refs))
    return [TrackedTarget(refs[t.version_id], t, ind, units.get(ind.id, [])) for t, ind in rows]


def latest_observations(
    session: Session, plan_ids: list[int], statuses: tuple[str, ...] = VISIBLE_STATUSES,
    until_key: int | None = None,
) -> dict[int, ObservedValue]:
    """indicator id → its observation with the latest period (among the given statuses, up to a period key)."""
    conditions: list[ColumnElement[bool]] = [Indicator.plan_id.in_(plan_ids), Observation.status.in_(statuses)]
    if until_key is not None:
        conditions.append(Observation.period_key <= until_key)
    latest = (
        select(Observation.indicator_id, func.max(Observation.period_key).label("pk"))
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(*conditions)
        .group_by(Observation.indicator_id)
        .subquery()
    )
    rows = session.execute(
        select(Observation.indicator_id, Observation.period, Observation.period_key, Observation.value,
               Observation.unit, Observation.status)
        .join(latest, (latest.c.indicator_id == Observation.indicator_id) & (latest.c.pk == Observation.period_key))
        .where(Observation.status.in_(statuses))
        # 2024, 2024M12 and 2024Q4 share a key; the yearly value ("2024", sorted last here) wins
        .order_by(Observation.period.desc())
    )
    return {r[0]: ObservedValue(*r[1:]) for r in rows}


def baseline_observations(
    session: Session, plan_ids: list[int], statuses: tuple[str, ...] = VISIBLE_STATUSES
) -> dict[int, ObservedValue]:
    """indicator id → its observation for the base year (a base-year value the units reported)."""
    rows = session.execute(
        select(Observation.indicator_id, Observation.period, Observation.period_key, Observation.value,
               Observation.unit, Observation.status)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.plan_id.in_(plan_ids), Observation.status.in_(statuses),
               Observation.period_key == Indicator.baseline_year * 100 + 12)
    )
    return {r[0]: ObservedValue(*r[1:]) for r in rows}


def observed_periods(session: Session, plan_ids: list[int]) -> dict[int, set[str]]:
    """indicator id → periods with a submitted or accepted value."""
    out: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        select(Observation.indicator_id, Observation.period)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.plan_id.in_(plan_ids), Observation.status.in_(VISIBLE_STATUSES))
    )
    for indicator_id, period in rows:
        out[indicator_id].add(period)
    return out
