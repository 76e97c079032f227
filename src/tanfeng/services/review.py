"""The office's review of reported values (accept / return with a reason) and their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.db.base import utcnow
from tanfeng.db.models import Indicator, Observation, ObservationRevision, Unit
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError
from tanfeng.services.registry import get_region, require_unit
from tanfeng.services.writes import current_seq, lock_observations, stale
from tanfeng.tracking.periods import parse_period

# action → (statuses it applies to, resulting status)
REVIEWABLE = {
    "submit": (("draft",), "submitted"),
    "accept": (("submitted", "returned"), "accepted"),
    "return": (("submitted", "accepted"), "returned"),
}
ACTION_ZH = {"submit": "提交", "accept": "采纳", "return": "退回"}


@dataclass(frozen=True)
class ObservationInfo:
    id: int
    indicator_id: int
    indicator: str
    period: str
    value: float
    unit: str | None
    status: str
    reason: str | None
    reporter: str | None
    version: int = 0  # the latest revision number: what a review form carries back


@dataclass(frozen=True)
class RevisionInfo:
    observation_id: int
    period: str
    seq: int
    at: datetime
    actor: str
    action: str
    old_value: float | None
    new_value: float | None
    old_unit: str | None
    new_unit: str | None
    old_status: str | None
    new_status: str | None
    reason: str | None
    source_file: str | None


def list_observations(
    db: Database, *, status: str | None = None, unit: str | None = None, period: str | None = None,
    region: str | None = None,
) -> list[ObservationInfo]:
    with db.transaction() as session:
        latest = (select(ObservationRevision.observation_id, func.max(ObservationRevision.seq).label("seq"))
                  .group_by(ObservationRevision.observation_id).subquery())
        query = (select(Observation, Indicator.name, Unit.name, latest.c.seq)
                 .join(Indicator, Indicator.id == Observation.indicator_id)
                 .outerjoin(Unit, Unit.id == Observation.reporter_unit_id)
                 .outerjoin(latest, latest.c.observation_id == Observation.id)
                 .order_by(Observation.indicator_id, Observation.period_key))
        if status:
            query = query.where(Observation.status == status)
        if unit:
            if not region:
                raise StoreError("按单位筛选需要 --region", "filtering by unit needs --region")
            query = query.where(Observation.reporter_unit_id == require_unit(session, get_region(session, region), unit).id)
        if period:
            parsed = parse_period(period)
            query = query.where(Observation.period == (parsed.label if parsed else period))
        return [ObservationInfo(o.id, o.indicator_id, name, o.period, o.value, o.unit, o.status, o.reason, reporter,
                                seq or 0)
                for o, name, reporter, seq in session.execute(query)]


def review(
    db: Database, observation_ids: list[int], *, action: str, actor: str, reason: str | None = None,
    versions: dict[int, int] | None = None,
) -> int:
    """Submit (a draft), accept, or return (with a reason) observations; all or none. Returns how many.

    ``versions`` (observation id → the version the reviewer saw) makes the review act on exactly that
    revision: if the value changed since, nothing is done and ``StaleEdit`` says what it is now.
    """
    with db.write() as session:
        return review_in(session, observation_ids, action=action, actor=actor, reason=reason, versions=versions)


def review_in(
    session: Session, observation_ids: list[int], *, action: str, actor: str, reason: str | None = None,
    versions: dict[int, int] | None = None,
) -> int:
    """``review`` inside the caller's write transaction; the observations are locked before they are read."""
    if action not in REVIEWABLE:
        raise StoreError(f"未知操作“{action}”", f"unknown review action '{action}'")
    if action == "return" and not (reason and reason.strip()):
        raise StoreError("退回必须说明理由（--reason）", "returning a value needs a reason (--reason)")
    allowed, new_status = REVIEWABLE[action]
    found = lock_observations(session, observation_ids)
    rows, conflicts = [], []
    for obs_id in dict.fromkeys(observation_ids):
        obs = found.get(obs_id)
        if obs is None:
            raise StoreError(f"没有编号为{obs_id}的填报值", f"no observation {obs_id}")
        seq = current_seq(session, obs.id)
        if versions and obs_id in versions and versions[obs_id] != seq:
            conflicts.append({"observation_id": obs.id, "indicator_id": obs.indicator_id, "period": obs.period,
                              "value": obs.value, "status": obs.status, "version": seq})
            continue
        if obs.status not in allowed:
            raise StoreError(f"填报值{obs_id}状态为{obs.status}，不能{ACTION_ZH[action]}",
                             f"observation {obs_id} is {obs.status}; cannot {action}")
        rows.append((obs, seq))
    if conflicts:
        raise stale("填报值", "the value", conflicts)
    for obs, seq in rows:
        session.add(ObservationRevision(observation_id=obs.id, seq=seq + 1, actor=actor, action=action,
                                        old_value=obs.value, new_value=obs.value, old_unit=obs.unit,
                                        new_unit=obs.unit, old_status=obs.status, new_status=new_status,
                                        reason=reason))
        obs.status, obs.reason, obs.updated_by, obs.updated_at = new_status, reason, actor, utcnow()
    session.flush()
    return len(rows)


def history(db: Database, indicator_id: int, period: str | None = None) -> list[RevisionInfo]:
    """Every recorded change of an indicator's values, oldest first."""
    with db.transaction() as session:
        if session.get(Indicator, indicator_id) is None:
            raise StoreError(f"没有编号为{indicator_id}的指标", f"no indicator {indicator_id}")
        query = (select(ObservationRevision, Observation.period)
                 .join(Observation, Observation.id == ObservationRevision.observation_id)
                 .where(Observation.indicator_id == indicator_id)
                 .order_by(Observation.period_key, ObservationRevision.seq))
        if period:
            parsed = parse_period(period)
            query = query.where(Observation.period == (parsed.label if parsed else period))
        return [RevisionInfo(r.observation_id, p, r.seq, r.at, r.actor, r.action, r.old_value, r.new_value,
                             r.old_unit, r.new_unit, r.old_status, r.new_status, r.reason, r.source_file)
                for r, p in session.execute(query)]
