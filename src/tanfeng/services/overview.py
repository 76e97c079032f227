"""The office's overview: peak commitment, headline targets with warning lights and charts, overdue units."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tanfeng.db.models import ChangeLog, ObservationRevision, PlanVersion, TaskProgress
from tanfeng.db.session import Database
from tanfeng.services.queries import current_versions
from tanfeng.services.responsibility import unit_matrix
from tanfeng.services.status import StatusRow, compute_status, indicator_series
from tanfeng.tracking.warnings import Thresholds

# Shown first (and charted) when a plan has them: the indicators of the national dual-control barometer.
HEADLINE_CODES = ("energy_intensity", "carbon_intensity", "non_fossil_share", "renewable_capacity",
                  "forest_coverage", "forest_stock")
MAX_CHARTS = 8
DEMO_ENTITY = "demo"


@dataclass(frozen=True)
class PeakInfo:
    plan_id: int
    plan: str
    region: str
    peak_year: int | None
    version: int
    status: str


@dataclass(frozen=True)
class OverdueUnit:
    unit_id: int
    unit: str
    overdue: int
    returned: int
    periods: list[str]


@dataclass
class Overview:
    peaks: list[PeakInfo]
    rows: list[StatusRow]
    charts: list[dict[str, Any]]
    overdue: list[OverdueUnit]
    counts: dict[str, int] = field(default_factory=dict)


def data_stamp(db: Database) -> tuple[int, ...]:
    """Changes whenever anything the overview shows changes (cheap: a few max(id))."""
    columns = (ObservationRevision.id, ChangeLog.id, PlanVersion.id, TaskProgress.id)
    with db.transaction() as session:
        row = session.execute(select(*(select(func.coalesce(func.max(c), 0)).scalar_subquery() for c in columns))).one()
        return tuple(int(v) for v in row)


def is_demo(db: Database) -> bool:
    """True when the database was built by ``tanfeng demo`` (its data is illustrative, 示例数据)."""
    with db.transaction() as session:
        return session.scalar(select(ChangeLog.id).where(ChangeLog.entity == DEMO_ENTITY).limit(1)) is not None


def series_chart(db: Database, indicator_id: int, title: str | None = None) -> dict[str, Any]:
    """Chart data (plain JSON) of an indicator: reported values by status, the expected path, targets and
    stretch values (力争); ``reading`` says how the values read (decrease: a cumulative reduction, titled as
    one) and ``missing`` what is lacking (no_values, no_base_year, no_base_value, no_target) so the page can
    say so in words, and draws nothing when there is nothing to draw (``empty``)."""
    s = indicator_series(db, indicator_id)
    missing = []
    if not s.values:
        missing.append("no_values")
    if not s.milestones:
        missing.append("no_target")
    if s.baseline_year is None:
        missing.append("no_base_year")
    elif s.baseline_value is None:
        missing.append("no_base_value")
    return {
        "id": s.indicator_id, "title": title or s.indicator, "unit": s.unit or "", "reading": s.reading,
        "base_year": s.baseline_year,
        "expected": {"x": [y for y, _ in s.expected], "y": [round(v, 4) for _, v in s.expected]},
        "observed": {"x": [p.year for p in s.values], "y": [p.value for p in s.values],
                     "status": [p.status for p in s.values], "period": [p.period for p in s.values]},
        "milestones": {"x": [y for y, _ in s.milestones], "y": [v for _, v in s.milestones]},
        "stretch": {"x": [y for y, _ in s.stretches], "y": [v for _, v in s.stretches]},
        "missing": missing, "empty": not s.values and not s.expected,
    }


def _headline(rows: list[StatusRow]) -> list[StatusRow]:
    def rank(row: StatusRow) -> tuple[int, int]:
        code_rank = HEADLINE_CODES.index(row.code) if row.code in HEADLINE_CODES else len(HEADLINE_CODES)
        return code_rank, 0 if row.latest_value is not None else 1

    return sorted((r for r in rows if r.shape != "milestone"), key=rank)


def build_overview(db: Database, *, thresholds: Thresholds | None = None, today: date | None = None,
                   grace_days: int = 90, plan_ids: Collection[int] | None = None) -> Overview:
    """The overview of the given plans (None: every current plan)."""
    with db.transaction() as session:
        peaks = [PeakInfo(r.plan.id, r.plan.title, r.region.name, r.version.peak_year, r.version.number,
                          r.version.status) for r in current_versions(session, plan_ids=plan_ids)]
    rows = compute_status(db, thresholds=thresholds, today=today, plan_ids=plan_ids)
    headline = _headline(rows)
    charted: list[int] = []
    for row in headline:
        if row.indicator_id not in charted and (row.latest_value is not None or row.expected_value is not None):
            charted.append(row.indicator_id)
        if len(charted) == MAX_CHARTS:
            break
    charts = [series_chart(db, i) for i in charted]
    overdue = []
    for unit in unit_matrix(db, today=today, grace_days=grace_days, plan_ids=plan_ids):
        late = [r for r in unit.open_reports if r.kind == "overdue"]
        back = [r for r in unit.open_reports if r.kind == "returned"]
        if late or back:
            overdue.append(OverdueUnit(unit.unit_id, unit.unit, len(late), len(back),
                                       sorted({r.period for r in late})))
    overdue.sort(key=lambda u: (-u.overdue, -u.returned, u.unit))
    counts = {level: sum(1 for r in rows if r.level == level) for level in ("green", "yellow", "red", "none")}
    return Overview(peaks, headline, charts, overdue, counts)

