"""The workspace's audit log: every write through the web or the API, with user, time and client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

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


def record(
    db: Database, *, user_id: int | None, username: str, action: str, entity: str | None = None,
    entity_id: int | None = None, detail: dict[str, Any] | None = None, client: str | None = None,
) -> None:
    with db.transaction() as session:
        session.add(AuditEntry(user_id=user_id, username=username, action=action, entity=entity,
                               entity_id=entity_id, detail=detail or {}, client=client))


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
