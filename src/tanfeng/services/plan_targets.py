"""The current plan's targets of a region, as plan-contract ``Target`` objects (read-only).

Used by ``tanfeng peak --db`` to check projections against the stored plan. A target the
plan defers to a higher level (``assigned``) carries the quota the office entered with
``tanfeng plan quota``; with a quota it becomes an ordinary checkable target.
"""

from __future__ import annotations

from sqlalchemy import select

from tanfeng.db.models import Indicator
from tanfeng.db.models import Target as TargetRow
from tanfeng.db.session import Database
from tanfeng.plans.model import Target
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions
from tanfeng.services.registry import get_region

REDUCTION_CODES = ("energy_intensity", "carbon_intensity")


def _baseline_year(row: TargetRow, indicator: Indicator) -> int | None:
    """The target's own baseline year; an intensity reduction (a quota says only "18 %") takes the
    indicator's, since a reduction has no meaning without one. Levels keep none."""
    if row.baseline_year is not None or indicator.code not in REDUCTION_CODES:
        return row.baseline_year
    return indicator.baseline_year


def _as_target(row: TargetRow, indicator: Indicator) -> Target:
    quota = row.assigned and row.quota_value is not None
    return Target.model_validate({
        "id": row.code, "indicator": row.indicator_text or indicator.name, "code": indicator.code,
        "change": row.change, "value": row.quota_value if quota else row.value,
        "unit": (row.quota_unit or row.unit) if quota else row.unit,
        "stretch_value": None if quota else row.stretch_value, "bound": row.bound, "commitment": row.commitment,
        "year": row.year, "baseline_year": _baseline_year(row, indicator),
        "assigned": row.assigned and not quota, "sentence": row.sentence,
    })


def plan_targets(db: Database, region: str | None = None) -> list[Target]:
    """Targets of the current version of the region's plan (the only plan's, when no region is given)."""
    with db.transaction() as session:
        region_row = get_region(session, region) if region else None
        refs = current_versions(session, region_row)
        regions = {ref.region.name for ref in refs}
        if not refs:
            where = f"地区“{region}”" if region else "数据库"
            raise StoreError(f"{where}中没有方案，请先运行 tanfeng plan import",
                             f"no plan stored{f' for {region}' if region else ''}; run tanfeng plan import first")
        if len(regions) > 1:
            raise StoreError(f"数据库中有多个地区的方案（{'、'.join(sorted(regions))}），请用 --region 指定",
                             "plans of several regions are stored; choose one with --region")
        rows = session.execute(
            select(TargetRow, Indicator)
            .join(Indicator, Indicator.id == TargetRow.indicator_id)
            .where(TargetRow.version_id.in_([ref.version.id for ref in refs]))
            .order_by(TargetRow.version_id, TargetRow.position)
        ).all()
        return [_as_target(t, ind) for t, ind in rows]
