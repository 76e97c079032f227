"""The targets of a stored plan's current version as contract ``Target`` objects (read-only).

Used where a pure engine checks numbers against the plan (``tanfeng peak --db``). A target deferred
to a quota (``assigned``) becomes an ordinary numeric target once the office has entered the quota
with ``tanfeng plan quota``; until then it stays ``assigned`` with no value.
"""

from __future__ import annotations

from sqlalchemy import select

from tanfeng.db.models import Indicator
from tanfeng.db.models import Target as TargetRow
from tanfeng.db.session import Database
from tanfeng.plans.model import Target
from tanfeng.services.queries import find_plan
from tanfeng.services.registry import get_region

_REDUCTIONS = ("energy_intensity", "carbon_intensity")


def stored_targets(db: Database, *, region: str | None = None, plan: str | None = None) -> list[Target]:
    """Targets of the current version of a stored plan (the only plan, or the one named)."""
    with db.transaction() as session:
        ref = find_plan(session, plan, get_region(session, region) if region else None)
        rows = session.execute(
            select(TargetRow, Indicator).join(Indicator, Indicator.id == TargetRow.indicator_id)
            .where(TargetRow.version_id == ref.version.id).order_by(TargetRow.id)
        ).all()
        out: list[Target] = []
        for row, indicator in rows:
            value, unit, assigned = row.value, row.unit, row.assigned
            change, baseline = row.change, row.baseline_year
            if row.assigned and row.quota_value is not None:
                value, unit, assigned = row.quota_value, row.quota_unit or row.unit or indicator.unit, False
                baseline = baseline or indicator.baseline_year
                if indicator.code in _REDUCTIONS and (unit or "").strip() in ("%", "％"):
                    change = "decrease"  # 完成上级下达的强度下降指标: the quota is a reduction
            out.append(Target(
                id=row.code, indicator=row.indicator_text, code=indicator.code, change=change,  # type: ignore[arg-type]
                value=value, unit=unit, stretch_value=row.stretch_value, bound=row.bound,  # type: ignore[arg-type]
                commitment=row.commitment, year=row.year, baseline_year=baseline,  # type: ignore[arg-type]
                assigned=assigned, task_id=None, sentence=row.sentence,
            ))
        return out
