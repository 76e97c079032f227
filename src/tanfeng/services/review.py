"""The office's review of reported values (accept / return with a reason) and their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tanfeng.db.models import Indicator, Observation, ObservationRevision, Unit
from tanfeng.db.session import Database
from tanfeng.services.errors import StoreError
from tanfeng.services.registry import get_region, require_unit
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
        query = (select(Observation, Indicator.name, Unit.name)
                 .join(Indicator, Indicator.id == Observation.indicator_id)
                 .outerjoin(Unit, Unit.id == Observation.reporter_unit_id)
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
        return [ObservationInfo(o.id, o.indicator_id, name, o.period, o.value, o.unit, o.status, o.reason, reporter)
                for o, name, reporter in session.execute(query)]


def review(db: Database, observation_ids: list[int], *, action: str, actor: str, reason: str | None = None) -> int:
    """Submit (a draft), accept, or return (with a reason) observations; all or none. Returns how many."""
    if action not in REVIEWABLE:
        raise StoreError(f"未知操作“{action}”", f"unknown review action '{action}'")
    if action == "return" and not (reason and reason.strip()):
        raise StoreError("退回必须说明理由（--reason）", "returning a value needs a reason (--reason)")
    allowed, new_status = REVIEWABLE[action]
    with db.transaction() as session:
        rows = []
        for obs_id in observation_ids:
            obs = session.get(Observation, obs_id)
            if obs is None:
                raise StoreError(f"没有编号为{obs_id}的填报值", f"no observation {obs_id}")
            if obs.status not in allowed:
                raise StoreError(f"填报值{obs_id}状态为{obs.status}，不能{ACTION_ZH[action]}",
                                 f"observation {obs_id} is {obs.status}; cannot {action}")
            rows.append(obs)
        for obs in rows:
            last = session.scalar(select(ObservationRevision.seq).where(ObservationRevision.observation_id == obs.id)
                                  .order_by(ObservationRevision.seq.desc()).limit(1)) or 0
            session.add(ObservationRevision(observation_id=obs.id, seq=last + 1, actor=actor, action=action,
                                            old_value=obs.value, new_value=obs.value, old_unit=obs.unit,
                                            new_unit=obs.unit, old_status=obs.status, new_status=new_status,
                                            reason=reason))
            obs.status, obs.reason, obs.updated_by = new_status, reason, actor
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
