"""The workspace's audit log: every write through the web or the API, with user, time and client.

A write records its entry with ``add`` inside the transaction of the change itself, so that the
change and its entry commit together or not at all. ``record`` (its own transaction) is for
events that change nothing else: a failed login, a report download.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanfeng.db.account_models import AuditEntry
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


def recent(db: Database, *, limit: int = 50, offset: int = 0, username: str | None = None) -> list[AuditInfo]:
    """Newest first."""
    with db.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        if username:
            query = query.where(AuditEntry.username == username)
        return [AuditInfo(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.detail, e.client)
                for e in session.scalars(query)]


def count(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
