"""Roll-up: a city's (or province's) lower regions × headline indicators, with warning lights and latest values.

Read-only; each cell links to the region's target page. Computed in one pass of ``compute_status``
over all the lower regions' current plans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tanfeng.db.models import Region
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError
from tanfeng.services.overview import HEADLINE_CODES
from tanfeng.services.queries import current_versions
from tanfeng.services.regions import descendant_ids
from tanfeng.services.status import StatusRow, compute_status


@dataclass(frozen=True)
class RollupCell:
    indicator_id: int
    target: str
    level: str
    latest_value: float | None
    latest_period: str | None
    target_value: float | None
    target_year: int | None
    unit: str | None
    stretch_value: float | None = None
    reading: str = "level"  # how the target reads (decrease: 下降13%), tracking.target_reading
    value_reading: str = "level"  # how its latest value reads (a cumulative rate: 下降8.2%)


@dataclass
class RollupRow:
    region_id: int
    region: str
    level: str | None
    plan_id: int
    plan: str
    cells: dict[str, RollupCell] = field(default_factory=dict)  # indicator code → cell
    counts: dict[str, int] = field(default_factory=dict)  # warning level → targets


@dataclass
class Rollup:
    region: str
    level: str | None
    codes: list[tuple[str, str]]  # (code, indicator name) columns
    rows: list[RollupRow]


def _cell(rows: list[StatusRow]) -> RollupCell:
    """The target of an indicator that decides its light: the nearest target year with a value to reach."""
    tracked = [r for r in rows if r.target_value is not None] or rows
    row = min(tracked, key=lambda r: r.target_year or 9999)
    return RollupCell(row.indicator_id, row.target, row.level, row.latest_value, row.latest_period,
                      row.target_value, row.target_year, row.unit, row.stretch_value, row.reading,
                      row.value_reading)


def rollup(db: Database, region: str, *, today: date | None = None, max_codes: int = 12) -> Rollup:
    """The regions below ``region`` that have plans × the headline indicators they share."""
    with db.transaction() as session:
        top = session.scalar(select(Region).where(Region.name == region))
        if top is None:
            raise StoreError(f"未知地区“{region}”", f"unknown region '{region}'")
        below = descendant_ids(session, top.id) - {top.id}
        refs = [r for r in current_versions(session) if r.region.id in below]
        top_level = top.level
    # one plan per region: its first 碳达峰 plan, else its first plan
    chosen: dict[int, int] = {}
    for ref in sorted(refs, key=lambda r: ("碳达峰" not in r.plan.title, r.plan.id)):
        chosen.setdefault(ref.region.id, ref.plan.id)
    rows = compute_status(db, today=today, plan_ids=list(chosen.values())) if chosen else []
    by_plan: dict[int, list[StatusRow]] = {}
    for row in rows:
        by_plan.setdefault(row.plan_id, []).append(row)
    names: dict[str, str] = {}
    frequency: dict[str, int] = {}
    for row in rows:
        if row.code and row.shape != "milestone":
            names.setdefault(row.code, row.indicator)
            frequency[row.code] = frequency.get(row.code, 0) + 1
    order = sorted(frequency, key=lambda c: (HEADLINE_CODES.index(c) if c in HEADLINE_CODES else 99,
                                             -frequency[c], c))[:max_codes]
    out = Rollup(region, top_level, [(c, names[c]) for c in order], [])
    region_of = {ref.plan.id: ref for ref in refs}
    for plan_id in chosen.values():
        ref = region_of[plan_id]
        plan_rows = by_plan.get(plan_id, [])
        item = RollupRow(ref.region.id, ref.region.name, ref.region.level, plan_id, ref.plan.title)
        for code in order:
            matching = [r for r in plan_rows if r.code == code]
            if matching:
                item.cells[code] = _cell(matching)
        for row in plan_rows:
            item.counts[row.level] = item.counts.get(row.level, 0) + 1
        out.rows.append(item)
    out.rows.sort(key=lambda r: ({"city": 0, "county": 1}.get(r.level or "", 2), r.region))
    return out
