"""Server-side login sessions: a random token in the cookie, its SHA-256 in ``web_sessions``.

A session is valid while its row exists, has not expired and its account is active; logout,
a password change and deactivation delete rows, so a copied cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tanfeng.db.account_models import User, WebSession
from tanfeng.db.models import Unit
from tanfeng.db.session import Database
from tanfeng.services.accounts import Account, account_from_row, account_region, region_join


def token_digest(token: str) -> str:
    """What is stored of a credential (a session or API token): its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(db: Database, user_id: int, max_age: float, client: str | None = None) -> str:
    """A new session for ``user_id``; returns the token the cookie carries (stored only as a digest)."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with db.transaction() as session:
        # Expired rows of this user go on every login, so the table stays as small as the live sessions.
        session.execute(delete(WebSession).where(WebSession.user_id == user_id, WebSession.expires_at <= now))
        session.add(WebSession(id=token_digest(token), user_id=user_id, expires_at=now + max_age,
                               client=(client or "")[:64] or None))
    return token


def resolve(db: Database, token: object) -> Account | None:
    """The active account of a live session token, else None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    with db.transaction() as session:
        row = session.execute(region_join(
            select(User, Unit.name, *account_region()).join(WebSession, WebSession.user_id == User.id)
            .outerjoin(Unit, Unit.id == User.unit_id))
            .where(WebSession.id == token_digest(token), WebSession.expires_at > time.time())).first()
    if row is None or not row[0].active:
        return None
    return account_from_row(*row)


def end(db: Database, token: object) -> None:
    """Logout: the token stops working (and every copy of the cookie with it)."""
    if isinstance(token, str):
        with db.transaction() as session:
            session.execute(delete(WebSession).where(WebSession.id == token_digest(token)))



def end_others_in(session: Session, user_id: int, keep: object) -> int:
    """End every session of ``user_id`` except the one of token ``keep`` (after a password change); how many."""
    others = select(WebSession).where(WebSession.user_id == user_id)
    if isinstance(keep, str):
        others = others.where(WebSession.id != token_digest(keep))
    rows = session.scalars(others.with_for_update()).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
