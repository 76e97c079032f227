"""The workspace's audit log: every write through the web or the API, with user, time and client.

A write records its entry with ``add`` inside the transaction of the change itself, so that the
change and its entry commit together or not at all. ``record`` (its own transaction) is for
events that change nothing else: a failed login, a report download.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tanfeng.db.account_models import AuditEntry, User
from tanfeng.db.attachment_models import Attachment
from tanfeng.db.consultation_models import ConsultationComment, ConsultationRound
from tanfeng.db.enterprise_models import Enterprise, Project
from tanfeng.db.models import Indicator, Observation, PlanRecord, PlanVersion, Region, Task, Unit
from tanfeng.db.session import Database


@dataclass(frozen=True)
class AuditInfo:
    id: int
    at: datetime
    username: str
    action: str
    entity: str | None
    entity_id: int | None
    detail: dict[str, Any]
    client: str | None


def add(
    session: Session, *, user_id: int | None, username: str, action: str, entity: str | None = None,
    entity_id: int | None = None, detail: dict[str, Any] | None = None, client: str | None = None,
) -> None:
    """Append an entry in the caller's transaction (flushed now, so a failure aborts the change too)."""
    session.add(AuditEntry(user_id=user_id, username=username, action=action, entity=entity,
                           entity_id=entity_id, detail=detail or {}, client=client))
    session.flush()


def record(
    db: Database, *, user_id: int | None, username: str, action: str, entity: str | None = None,
    entity_id: int | None = None, detail: dict[str, Any] | None = None, client: str | None = None,
) -> None:
    with db.write() as session:
        add(session, user_id=user_id, username=username, action=action, entity=entity, entity_id=entity_id,
            detail=detail, client=client)


def recent(db: Database, *, limit: int = 50, offset: int = 0, username: str | None = None,
           regions: frozenset[int] | None = None) -> list[AuditInfo]:
    """Newest first. ``regions``: only what accounts of those regions (or of their units) did; None: everything,
    including the command line's and failed logins' entries, which belong to no account."""
    with db.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        if username:
            query = query.where(AuditEntry.username == username)
        if regions is not None:
            members = (select(User.id).outerjoin(Unit, Unit.id == User.unit_id)
                       .where(or_(User.region_id.in_(regions), Unit.region_id.in_(regions))))
            query = query.where(AuditEntry.user_id.in_(members))
        return [AuditInfo(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.detail, e.client)
                for e in session.scalars(query)]


def count(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@dataclass(frozen=True)
class ObservationName:
    """A reported value as people know it: the indicator, the reporting unit, the period and the plan."""

    indicator: str
    unit: str | None
    period: str
    plan: str


@dataclass
class AuditNames:
    """The names behind the ids an audit entry keeps (entity_id, ``unit_id``, ``ids`` …), found in one go for a
    page of entries; an id that names nothing any more (a deleted plan) is simply absent."""

    users: dict[str, str] = field(default_factory=dict)  # username → display name
    user_ids: dict[int, str] = field(default_factory=dict)  # users.id → display name
    observations: dict[int, ObservationName] = field(default_factory=dict)
    indicators: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    plans: dict[int, str] = field(default_factory=dict)
    regions: dict[int, str] = field(default_factory=dict)
    tasks: dict[int, str] = field(default_factory=dict)  # "A1.2 title"
    attachments: dict[int, str] = field(default_factory=dict)  # the file's name
    enterprises: dict[int, str] = field(default_factory=dict)
    projects: dict[int, str] = field(default_factory=dict)
    versions: dict[int, tuple[str, int]] = field(default_factory=dict)  # plan_versions.id → (plan title, number)
    rounds: dict[int, tuple[str, int]] = field(default_factory=dict)  # a consultation round: its draft's plan, number
    comments: dict[int, str] = field(default_factory=dict)  # a consultation comment: its receipt (回执号)


# which of AuditNames an entry's entity, or a key of its details, refers to
ENTITY_NAMES = {"user": "user_ids", "observation": "observations", "indicator": "indicators", "unit": "units",
                "plan": "plans", "region": "regions", "task": "tasks", "attachment": "attachments",
                "enterprise": "enterprises", "project": "projects", "consultation": "rounds",
                "consultation_comment": "comments"}
DETAIL_NAMES = {"user_id": "user_ids", "indicator_id": "indicators", "unit_id": "units", "plan_id": "plans",
                "region_id": "regions", "old_region_id": "regions", "enterprise_id": "enterprises",
                "project_id": "projects", "version_id": "versions", "round_id": "rounds"}
_CHUNK = 500  # ids per IN (…) query


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def observation_ids(entry: AuditInfo) -> list[int]:
    """The reported values a review entry is about: its entity and its ``ids`` / ``versions`` details."""
    if entry.entity != "observation":
        return []
    found = [entry.entity_id] if entry.entity_id is not None else []
    ids = entry.detail.get("ids")
    found += [i for i in (_int(v) for v in (ids if isinstance(ids, list) else [])) if i is not None]
    versions = entry.detail.get("versions")
    found += [i for i in (_int(k) for k in (versions if isinstance(versions, dict) else {})) if i is not None]
    return list(dict.fromkeys(found))


def _wanted(entries: Iterable[AuditInfo]) -> tuple[dict[str, set[int]], set[str]]:
    wanted: dict[str, set[int]] = {name: set() for name in AuditNames.__dataclass_fields__ if name != "users"}
    usernames: set[str] = set()
    for entry in entries:
        usernames.add(entry.username)
        kind = ENTITY_NAMES.get(entry.entity or "")
        if kind is not None and entry.entity_id is not None:
            wanted[kind].add(entry.entity_id)
        wanted["observations"].update(observation_ids(entry))
        for key, kind in DETAIL_NAMES.items():
            value = _int(entry.detail.get(key))
            if value is not None:
                wanted[kind].add(value)
    return wanted, usernames


def _rows(session: Session, columns: Sequence[Any], key: Any, ids: Iterable[Any]) -> list[Any]:
    values = sorted(ids)
    rows: list[Any] = []
    for start in range(0, len(values), _CHUNK):
        rows += session.execute(select(*columns).where(key.in_(values[start:start + _CHUNK]))).all()
    return rows


def names_in(session: Session, entries: Sequence[AuditInfo]) -> AuditNames:
    """The names of everything ``entries`` refer to by id (a few queries, whatever the number of entries)."""
    wanted, usernames = _wanted(entries)
    names = AuditNames()
    names.users = {u: d for u, d in _rows(session, (User.username, User.display_name), User.username, usernames)}
    names.user_ids = {i: d for i, d in _rows(session, (User.id, User.display_name), User.id, wanted["user_ids"])}
    observed = _rows(session, (Observation.id, Observation.indicator_id, Observation.period,
                               Observation.reporter_unit_id), Observation.id, wanted["observations"])
    wanted["indicators"].update(row[1] for row in observed)
    wanted["units"].update(row[3] for row in observed if row[3] is not None)
    indicators = _rows(session, (Indicator.id, Indicator.name, Indicator.plan_id), Indicator.id,
                       wanted["indicators"])
    names.indicators = {i: n for i, n, _plan in indicators}
    wanted["plans"].update(plan for _i, _n, plan in indicators)
    names.plans = {i: t for i, t in _rows(session, (PlanRecord.id, PlanRecord.title), PlanRecord.id, wanted["plans"])}
    names.units = {i: n for i, n in _rows(session, (Unit.id, Unit.name), Unit.id, wanted["units"])}
    plan_of = {i: plan for i, _n, plan in indicators}
    names.observations = {
        i: ObservationName(names.indicators.get(indicator, ""), names.units.get(unit) if unit else None, period,
                           names.plans.get(plan_of.get(indicator, -1), ""))
        for i, indicator, period, unit in observed}
    names.regions = {i: n for i, n in _rows(session, (Region.id, Region.name), Region.id, wanted["regions"])}
    names.tasks = {i: f"{c} {t}" for i, c, t in _rows(session, (Task.id, Task.code, Task.title), Task.id,
                                                       wanted["tasks"])}
    names.attachments = {i: f for i, f in _rows(session, (Attachment.id, Attachment.filename), Attachment.id,
                                                 wanted["attachments"])}
    names.enterprises = {i: n for i, n in _rows(session, (Enterprise.id, Enterprise.name), Enterprise.id,
                                                 wanted["enterprises"])}
    names.projects = {i: n for i, n in _rows(session, (Project.id, Project.name), Project.id, wanted["projects"])}
    names.comments = {i: r for i, r in _rows(session, (ConsultationComment.id, ConsultationComment.receipt),
                                              ConsultationComment.id, wanted["comments"])}
    rounds = _rows(session, (ConsultationRound.id, ConsultationRound.version_id), ConsultationRound.id,
                   wanted["rounds"])
    wanted["versions"].update(v for _i, v in rounds)
    names.versions = _versions(session, wanted["versions"])
    names.rounds = {i: names.versions[v] for i, v in rounds if v in names.versions}
    return names


def _versions(session: Session, ids: set[int]) -> dict[int, tuple[str, int]]:
    """A plan version's title (the version's own, e.g. with （征求意见稿）, else its plan's) and number."""
    values = sorted(ids)
    found: dict[int, tuple[str, int]] = {}
    for start in range(0, len(values), _CHUNK):
        query = (select(PlanVersion.id, func.coalesce(PlanVersion.title, PlanRecord.title), PlanVersion.number)
                 .join(PlanRecord, PlanRecord.id == PlanVersion.plan_id)
                 .where(PlanVersion.id.in_(values[start:start + _CHUNK])))
        found |= {i: (t, n) for i, t, n in session.execute(query)}
    return found


def recent_named(db: Database, *, limit: int = 50, offset: int = 0, regions: frozenset[int] | None = None
                 ) -> tuple[list[AuditInfo], AuditNames]:
    """``recent`` with the names its entries refer to (for the audit page and its export)."""
    entries = recent(db, limit=limit, offset=offset, regions=regions)
    with db.transaction() as session:
        return entries, names_in(session, entries)
