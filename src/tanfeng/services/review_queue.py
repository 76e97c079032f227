"""The office's review list: each submission with what it is judged by, filtered and paged in the database.

Beside every value: the previous period's value, the value expected now on the target's path, the
unit's data source and note, what it replaced (when resubmitted with another figure) and its
supporting documents. Filters by unit, indicator, period and status; one page at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tanfeng.db.models import Indicator, Observation, ObservationRevision, Unit
from tanfeng.db.session import Database
from tanfeng.formatting import format_number
from tanfeng.services import attachments
from tanfeng.services.status import target_value, trajectory_for
from tanfeng.services.tracked import TrackedTarget, baseline_observations, in_indicator_unit, load_tracked
from tanfeng.tracking.periods import parse_period
from tanfeng.tracking.trajectory import Shape, Trajectory, value_reading

STATUSES = ("submitted", "returned", "accepted", "draft")
PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_EXPORT = 20_000  # one "page" of everything, for the Excel export of the filtered list


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    """Two-column rows as a mapping."""
    return {a: b for a, b in rows}


@dataclass(frozen=True)
class Filters:
    status: str = "submitted"
    unit_id: int | None = None
    indicator_id: int | None = None
    period: str | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Previous:
    period: str
    value: float
    unit: str | None
    status: str


@dataclass(frozen=True)
class ReviewItem:
    observation_id: int  # for the forms only; never shown
    version: int
    indicator_id: int
    indicator: str
    indicator_unit: str | None
    direction: str
    period: str
    value: float
    unit: str | None
    status: str
    reason: str | None
    reporter: str | None
    source: str | None
    note: str | None
    updated_at: datetime
    updated_by: str
    previous: Previous | None
    replaced_value: float | None  # this period's figure before its latest change, when it changed
    expected: float | None  # on the target's path at this period, in the indicator's unit
    attachments: list[attachments.AttachmentInfo] = field(default_factory=list)
    reading: str = "level"  # how its values read: a cumulative rate as 下降8.2% (tracking.trajectory.value_reading)


@dataclass(frozen=True)
class Option:
    id: int | str
    name: str


@dataclass(frozen=True)
class ReviewPage:
    items: list[ReviewItem]
    total: int
    page: int
    pages: int
    per_page: int
    counts: dict[str, int]  # status → how many (under the other filters)
    units: list[Option]
    indicators: list[Option]
    periods: list[str]

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def _conditions(plan_ids: Collection[int], filters: Filters, *, status: bool = True) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Indicator.plan_id.in_(sorted(plan_ids))]
    if status:
        where.append(Observation.status == filters.status)
    if filters.unit_id is not None:
        where.append(Observation.reporter_unit_id == filters.unit_id)
    if filters.indicator_id is not None:
        where.append(Observation.indicator_id == filters.indicator_id)
    if filters.period:
        parsed = parse_period(filters.period)
        where.append(Observation.period == (parsed.label if parsed else filters.period))
    return where


def review_page(db: Database, plan_ids: Collection[int], filters: Filters) -> ReviewPage:
    """One page of the plans' values in one status, with their context; the filter choices of the plans."""
    per_page = max(1, min(filters.per_page, MAX_EXPORT))
    with db.transaction() as session:
        base = select(Observation).join(Indicator, Indicator.id == Observation.indicator_id)
        counts = {s: 0 for s in STATUSES}
        if plan_ids:
            for st, n in session.execute(select(Observation.status, func.count()).join(
                    Indicator, Indicator.id == Observation.indicator_id)
                    .where(*_conditions(plan_ids, filters, status=False)).group_by(Observation.status)):
                counts[st] = int(n)
        total = counts.get(filters.status, 0)
        pages = max(1, -(-total // per_page))
        page = max(1, min(filters.page, pages))
        rows: list[Observation] = []
        if plan_ids and total:
            rows = list(session.scalars(base.where(*_conditions(plan_ids, filters))
                                        .order_by(Indicator.id, Observation.period_key, Observation.period,
                                                  Observation.id)
                                        .limit(per_page).offset((page - 1) * per_page)))
        items = _items(session, rows, plan_ids)
        units, indicators, periods = _options(session, plan_ids)
        return ReviewPage(items, total, page, pages, per_page, counts, units, indicators, periods)


def _options(session: Session, plan_ids: Collection[int]) -> tuple[list[Option], list[Option], list[str]]:
    if not plan_ids:
        return [], [], []
    plans = sorted(plan_ids)
    units = [Option(i, n) for i, n in session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(
            select(Observation.reporter_unit_id).join(Indicator, Indicator.id == Observation.indicator_id)
            .where(Indicator.plan_id.in_(plans)))).order_by(Unit.name))]
    indicators = [Option(i, n) for i, n in session.execute(
        select(Indicator.id, Indicator.name).where(Indicator.plan_id.in_(plans)).order_by(Indicator.id))]
    periods = [p for p, _k in session.execute(
        select(Observation.period, Observation.period_key).join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.plan_id.in_(plans)).distinct().order_by(Observation.period_key.desc(),
                                                                 Observation.period.desc()))]
    return units, indicators, list(dict.fromkeys(periods))


def _period_kind(period: str) -> str:
    return "Y" if period.isdigit() else period[4:5]


def _items(session: Session, rows: list[Observation], plan_ids: Collection[int]) -> list[ReviewItem]:
    if not rows:
        return []
    indicator_ids = sorted({o.indicator_id for o in rows})
    indicators = {i.id: i for i in session.scalars(select(Indicator).where(Indicator.id.in_(indicator_ids)))}
    reporters = _pairs(session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_({o.reporter_unit_id for o in rows if o.reporter_unit_id}))).all())
    obs_ids = [o.id for o in rows]
    versions = _pairs(session.execute(select(ObservationRevision.observation_id, func.max(ObservationRevision.seq))
                                    .where(ObservationRevision.observation_id.in_(obs_ids))
                                    .group_by(ObservationRevision.observation_id)).all())
    replaced: dict[int, float] = {}
    for obs_id, old, new in session.execute(
            select(ObservationRevision.observation_id, ObservationRevision.old_value, ObservationRevision.new_value)
            .where(ObservationRevision.observation_id.in_(obs_ids), ObservationRevision.action == "update")
            .order_by(ObservationRevision.seq)):
        if old is not None and old != new:
            replaced[obs_id] = old  # the last change wins
    history: dict[int, list[tuple[int, str, float, str | None, str]]] = {}
    for ind_id, key, period, value, unit, status in session.execute(
            select(Observation.indicator_id, Observation.period_key, Observation.period, Observation.value,
                   Observation.unit, Observation.status)
            .where(Observation.indicator_id.in_(indicator_ids), Observation.status != "draft")
            .order_by(Observation.period_key)):
        history.setdefault(ind_id, []).append((key, period, value, unit, status))
    paths = expected_paths(session, {indicators[i].plan_id for i in indicator_ids} & set(plan_ids), indicator_ids)
    docs = attachments.for_values(session, [(o.indicator_id, o.period) for o in rows])
    out = []
    for o in rows:
        indicator = indicators[o.indicator_id]
        earlier = [h for h in history.get(o.indicator_id, []) if h[0] < o.period_key
                   and _period_kind(h[1]) == _period_kind(o.period)]
        previous = Previous(*earlier[-1][1:]) if earlier else None
        parsed = parse_period(o.period)
        path = paths.get(o.indicator_id)
        expected = path.expected(parsed.as_year) if path is not None and parsed is not None else None
        # a cumulative rate reads the way its path runs (下降 / 提高); without a path, as a reduction
        change = ("decrease" if path.reduction else "increase") if path is not None else None
        out.append(ReviewItem(
            o.id, versions.get(o.id, 0), o.indicator_id, indicator.name, indicator.unit, indicator.direction,
            o.period, o.value, o.unit, o.status, o.reason, reporters.get(o.reporter_unit_id or 0), o.source, o.note,
            o.updated_at, o.updated_by, previous, replaced.get(o.id), expected,
            docs.get((o.indicator_id, o.period), []), value_reading(change, indicator.shape)))
    return out


def expected_paths(session: Session, plan_ids: Collection[int],
                   indicator_ids: Collection[int] | None = None) -> dict[int, Trajectory]:
    """indicator id → its expected path (through every target year, as the charts draw it)."""
    if not plan_ids:
        return {}
    tracked = load_tracked(session, plan_ids=sorted(plan_ids))
    by_indicator: dict[int, list[TrackedTarget]] = {}
    for item in tracked:
        if indicator_ids is None or item.indicator.id in indicator_ids:
            by_indicator.setdefault(item.indicator.id, []).append(item)
    baselines = baseline_observations(session, sorted(plan_ids))
    out: dict[int, Trajectory] = {}
    for indicator_id, items in by_indicator.items():
        indicator = items[0].indicator
        if indicator.shape == Shape.milestone.value:
            continue
        milestones = sorted((t.target.year, goal) for t in items
                            if t.target.year is not None and (goal := target_value(t.target, indicator)) is not None)
        if not milestones:
            continue
        base_value = indicator.baseline_value
        observed = baselines.get(indicator_id)
        if base_value is None and observed is not None:
            base_value = in_indicator_unit(observed.value, observed.unit, indicator)
        last = max(items, key=lambda t: t.target.year or 0).target
        path, _reason = trajectory_for(last, indicator, milestones[-1][1], base_value, tuple(milestones[:-1]))
        if path is not None:
            out[indicator_id] = path
    return out


_STATUS_ZH = {"draft": "草稿", "submitted": "待审核", "accepted": "已采纳", "returned": "已退回"}


def describe(db: Database, observation_id: int) -> str:
    """A value as the office names it: 森林覆盖率 2024 · 县林业局 — never its row id."""
    with db.transaction() as session:
        row = session.execute(select(Indicator.name, Observation.period, Unit.name)
                              .join(Indicator, Indicator.id == Observation.indicator_id)
                              .outerjoin(Unit, Unit.id == Observation.reporter_unit_id)
                              .where(Observation.id == observation_id)).first()
    if row is None:
        return "—"
    name, period, unit = row
    return f"{name} {period}" + (f" · {unit}" if unit else "")


def stale_words(db: Database, current: list[dict[str, object]]) -> str:
    """The message when values changed after the office opened the page: which, and what they are now."""
    with db.transaction() as session:
        ids = {int(str(c["indicator_id"])) for c in current if c.get("indicator_id") is not None}
        names = _pairs(session.execute(select(Indicator.id, Indicator.name).where(Indicator.id.in_(ids))).all())

    def one(c: dict[str, object], lang: str) -> str:
        name = names.get(int(str(c.get("indicator_id") or 0)), "—")
        value = c.get("value")
        shown = format_number(value) if isinstance(value, int | float) else "—"
        status = str(c.get("status") or "")
        if lang == "zh":
            return f"{name} {c.get('period', '')}（现为{shown}，{_STATUS_ZH.get(status, status)}）"
        return f"{name} {c.get('period', '')} (now {shown}, {status})"

    zh = "；".join(one(c, "zh") for c in current)
    en = "; ".join(one(c, "en") for c in current)
    return (f"以下{len(current)}项在您打开本页后已被修改，本次未采纳任何一项，请核对后重试：{zh} / "
            f"{len(current)} changed after you opened this page, so none was accepted; check and retry: {en}")
