"""Status of every target: latest value, expected value, gap, warning level, lead unit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import Indicator, Observation, Target
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import unit_names
from tanfeng.services.registry import get_region
from tanfeng.services.tracked import (
    VISIBLE_STATUSES,
    ObservedValue,
    TrackedTarget,
    baseline_observations,
    in_indicator_unit,
    latest_observations,
    load_tracked,
)
from tanfeng.tracking.periods import Period, parse_period, year_period
from tanfeng.tracking.trajectory import Direction, Shape, Trajectory, target_reading, value_reading
from tanfeng.tracking.warnings import LEVEL_LABELS, Level, Thresholds, assess


@dataclass(frozen=True)
class StatusRow:
    region: str
    plan_id: int
    plan: str
    version: int
    version_status: str
    target: str
    indicator_id: int
    indicator: str
    code: str | None
    shape: str
    direction: str
    change: str | None  # the plan's verb (下降 decrease / 提高 increase / 达到 level), plan JSON ``change``
    unit: str | None
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    stretch_value: float | None
    assigned: bool
    latest_period: str | None
    latest_value: float | None
    latest_status: str | None
    expected_value: float | None
    gap: float | None
    progress_ratio: float | None
    level: str
    level_label: str
    lead_unit: str | None
    co_units: list[str]
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def reading(self) -> str:
        """How the target reads: decrease (下降13%), increase (提高) or level (tanfeng.tracking.trajectory)."""
        return target_reading(self.change, self.shape)

    @property
    def value_reading(self) -> str:
        """How its latest and expected values read (a cumulative rate as 下降8.2%)."""
        return value_reading(self.change, self.shape)


def target_value(target: Target, indicator: Indicator) -> float | None:
    """The number to reach: the plan's, or the quota the office entered for a deferred target."""
    if target.assigned or target.value is None:
        return in_indicator_unit(target.quota_value, target.quota_unit or indicator.unit, indicator)
    return in_indicator_unit(target.value, target.unit or indicator.unit, indicator)


def trajectory_for(
    target: Target, indicator: Indicator, goal: float, baseline_value: float | None,
    waypoints: tuple[tuple[int, float], ...] = (),
) -> tuple[Trajectory | None, str | None]:
    """The expected path of one target, or None and the reason (in Chinese / English)."""
    base_year = indicator.baseline_year or target.baseline_year
    if base_year is None or target.year is None:
        return None, "缺少基期年或目标年 / no base year or target year"
    shape = Shape(indicator.shape)
    if shape is Shape.compound:
        baseline_value = 0.0
    if baseline_value is None:
        return None, f"缺少{base_year}年基期值 / no {base_year} baseline value"
    return Trajectory(shape, Direction(indicator.direction), base_year, baseline_value, target.year, goal,
                      reduction=(target.change != "increase"), waypoints=waypoints), None


def _stretches(tracked: list[TrackedTarget]) -> dict[int, list[tuple[int, float]]]:
    """indicator id → (year, stretch value 力争) of each of its targets that states one."""
    out: dict[int, list[tuple[int, float]]] = {}
    for item in tracked:
        t, ind = item.target, item.indicator
        stretch = in_indicator_unit(t.stretch_value, t.unit or ind.unit, ind)
        if t.year is not None and stretch is not None and not t.assigned:
            out.setdefault(ind.id, []).append((t.year, stretch))
    return out


def _milestones(tracked: list[TrackedTarget]) -> dict[int, list[tuple[int, float]]]:
    """indicator id → (year, value) of each of its targets that has both."""
    out: dict[int, list[tuple[int, float]]] = {}
    for item in tracked:
        goal = target_value(item.target, item.indicator)
        if item.target.year is not None and goal is not None:
            out.setdefault(item.indicator.id, []).append((item.target.year, goal))
    return out


def _row_note_and_assessment(
    item: TrackedTarget, latest: ObservedValue | None, baseline: ObservedValue | None, thresholds: Thresholds,
    today: date, milestones: list[tuple[int, float]],
) -> dict[str, Any]:
    target, indicator = item.target, item.indicator
    out: dict[str, Any] = {"expected_value": None, "gap": None, "progress_ratio": None, "level": Level.none,
                           "note": None, "baseline_value": None, "target_value": None, "latest_value": None}
    if indicator.shape == Shape.milestone.value:
        out["note"] = f"里程碑目标，不按数值跟踪 / milestone ({target.year or '?'}), not tracked by value"
        return out
    goal = target_value(target, indicator)
    out["target_value"] = goal
    base_value = indicator.baseline_value
    if base_value is None and baseline is not None:
        base_value = in_indicator_unit(baseline.value, baseline.unit, indicator)
    out["baseline_value"] = 0.0 if indicator.shape == Shape.compound.value else base_value
    if latest is not None:
        out["latest_value"] = in_indicator_unit(latest.value, latest.unit, indicator)
    if goal is None:
        out["note"] = "待录入上级下达指标 / awaiting the quota" if target.assigned else "无目标值 / no target value"
        return out
    earlier = tuple(m for m in milestones if target.year is not None and m[0] < target.year)
    trajectory, reason = trajectory_for(target, indicator, goal, base_value, earlier)
    if trajectory is None:
        out["note"] = reason
        return out
    period = parse_period(latest.period) if latest is not None else None
    when: Period = period or year_period(today.year)
    out["expected_value"] = trajectory.expected(when.as_year)
    if latest is None or out["latest_value"] is None:
        out["note"] = "尚无填报数据 / no value reported yet"
        return out
    if when.as_year <= trajectory.baseline_year:
        out["note"] = "仅有基期数据 / only base-year data"
        return out
    result = assess(trajectory, out["latest_value"], when.as_year, thresholds)
    out.update(gap=result.gap, progress_ratio=result.progress_ratio, level=result.level)
    if result.target_met:
        out["note"] = "已达到目标值 / target reached"
    return out


def compute_status(
    db: Database, *, region: str | None = None, thresholds: Thresholds | None = None,
    accepted_only: bool = False, today: date | None = None, as_of: int | None = None,
    plan_ids: Collection[int] | None = None,
) -> list[StatusRow]:
    """One row per target of the current version of every plan (optionally of one region).

    ``as_of`` (a year) judges the position at the end of that year, ignoring later values — for an
    annual evaluation written after more data came in.
    """
    thresholds = thresholds or Thresholds()
    today = today or (date(as_of, 12, 31) if as_of else date.today())
    statuses = ("accepted",) if accepted_only else ("submitted", "accepted")
    with db.transaction() as session:
        region_row = get_region(session, region) if region else None
        tracked = load_tracked(session, region_row, plan_ids)
        plan_ids = sorted({t.ref.plan.id for t in tracked})
        until = as_of * 100 + 12 if as_of else None
        latest = latest_observations(session, plan_ids, statuses, until) if plan_ids else {}
        baselines = baseline_observations(session, plan_ids, statuses) if plan_ids else {}
        names = unit_names(session, sorted({t.ref.region.id for t in tracked}))
        milestones = _milestones(tracked)
        rows = []
        for item in tracked:
            ind, tgt = item.indicator, item.target
            obs = latest.get(ind.id)
            computed = _row_note_and_assessment(item, obs, baselines.get(ind.id), thresholds, today,
                                                milestones.get(ind.id, []))
            level = Level(computed.pop("level"))
            rows.append(StatusRow(
                region=item.ref.region.name, plan_id=item.ref.plan.id, plan=item.ref.plan.title,
                version=item.ref.version.number, version_status=item.ref.version.status, target=tgt.code,
                indicator_id=ind.id, indicator=ind.name, code=ind.code, shape=ind.shape, direction=ind.direction, change=tgt.change,
                unit=ind.unit, baseline_year=ind.baseline_year or tgt.baseline_year, target_year=tgt.year,
                stretch_value=in_indicator_unit(tgt.stretch_value, tgt.unit or ind.unit, ind),
                assigned=tgt.assigned, latest_period=obs.period if obs else None,
                latest_status=obs.status if obs else None, level=level.value, level_label=LEVEL_LABELS[level],
                lead_unit=names.get(item.lead_unit_id) if item.lead_unit_id else None,
                co_units=[names[u] for u, role in item.units if role == "co" and u in names],
                **computed,
            ))
        return rows


def expected_path(indicator: Indicator, tracked: list[TrackedTarget], base_value: float | None) -> Trajectory | None:
    """The indicator's expected path through all its milestones to the last one (None if it has none)."""
    milestones = sorted(_milestones(tracked).get(indicator.id, []))
    if indicator.shape == Shape.compound.value:
        base_value = 0.0
    if not milestones or not tracked or indicator.baseline_year is None or base_value is None:
        return None
    last = max(tracked, key=lambda t: t.target.year or 0).target
    path, _ = trajectory_for(last, indicator, milestones[-1][1], base_value, tuple(milestones[:-1]))
    return path


def expected_at(session: Session, indicator: Indicator, items: list[TrackedTarget], period: Period | None) -> float | None:
    """The expected path's value at the end of ``period`` (the tracker's trajectory), in the indicator's unit;
    the entry form and the Excel template show it next to the value being entered."""
    if period is None:
        return None
    base_value = indicator.baseline_value
    if base_value is None and indicator.baseline_year is not None:
        found = session.execute(select(Observation.value, Observation.unit).where(
            Observation.indicator_id == indicator.id, Observation.period == str(indicator.baseline_year),
            Observation.status.in_(VISIBLE_STATUSES))).first()
        base_value = in_indicator_unit(found[0], found[1], indicator) if found else None
    path = expected_path(indicator, items, base_value)
    if path is None or period.as_year < path.baseline_year:
        return None
    return path.expected(period.as_year)


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    year: float  # position on the year axis (2024Q1 → 2023.25)
    value: float | None  # in the indicator's unit
    status: str


@dataclass(frozen=True)
class IndicatorSeries:
    """An indicator's reported values and expected path, for charts (web, annual report)."""

    indicator_id: int
    indicator: str
    unit: str | None
    shape: str
    direction: str
    baseline_year: int | None
    baseline_value: float | None
    milestones: list[tuple[int, float]]
    expected: list[tuple[int, float]]  # one point per year from the base year to the last milestone
    values: list[SeriesPoint]
    stretches: list[tuple[int, float]] = field(default_factory=list)  # 力争 values by target year
    reading: str = "level"  # how the values read: decrease (累计下降 %), increase or level (value_reading)


def indicator_series(db: Database, indicator_id: int, *, accepted_only: bool = False) -> IndicatorSeries:
    """Reported values (every non-draft status) and the expected yearly path of one indicator."""
    with db.transaction() as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise StoreError(f"没有编号为{indicator_id}的指标", f"no indicator {indicator_id}")
        # only the indicator's own plan: with many regions stored, loading every plan would dominate
        tracked = [t for t in load_tracked(session, plan_ids=[indicator.plan_id]) if t.indicator.id == indicator_id]
        statuses = ("accepted",) if accepted_only else ("submitted", "accepted")
        rows = session.execute(
            select(Observation.period, Observation.value, Observation.unit, Observation.status)
            .where(Observation.indicator_id == indicator_id, Observation.status != "draft")
            .order_by(Observation.period_key, Observation.period)
        ).all()
        values = [SeriesPoint(p, parsed.as_year if (parsed := parse_period(p)) else 0.0,
                              in_indicator_unit(v, u, indicator), st) for p, v, u, st in rows]
        milestones = sorted(_milestones(tracked).get(indicator_id, []))
        base_value = indicator.baseline_value
        if indicator.shape == Shape.compound.value:
            base_value = 0.0
        elif base_value is None and indicator.baseline_year is not None:
            base_value = next((pt.value for pt in values if pt.period == str(indicator.baseline_year)
                               and pt.status in statuses), None)
        expected: list[tuple[int, float]] = []
        last_target = max(tracked, key=lambda t: t.target.year or 0).target if tracked else None
        reading = value_reading(last_target.change if last_target else None, indicator.shape)
        path = expected_path(indicator, tracked, base_value)
        if path is not None and indicator.baseline_year is not None:
            expected = [(y, path.expected(y)) for y in range(indicator.baseline_year, milestones[-1][0] + 1)]
        return IndicatorSeries(indicator.id, indicator.name, indicator.unit, indicator.shape, indicator.direction,
                               indicator.baseline_year, base_value, milestones, expected, values,
                               sorted(_stretches(tracked).get(indicator_id, [])), reading)
