"""API tokens: how a machine client (an enterprise's energy monitoring platform, a statistics system) calls
/api/v1 without a login session.

The client sends ``Authorization: Bearer tfk_…``; the token acts as its account, with that account's role and
scope (an enterprise account's token reaches only its enterprise). The token is shown once when it is made and
stored only as its SHA-256. It ends when it is revoked, when it expires or when its account is deactivated.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanfeng.db.account_models import ApiToken, User
from tanfeng.db.base import utcnow
from tanfeng.db.models import Unit
from tanfeng.db.session import Database
from tanfeng.services import audit
from tanfeng.services.accounts import Account, account_from_row, account_region, region_join
from tanfeng.services.errors import NotAllowed, StoreError
from tanfeng.services.sessions import token_digest

PREFIX = "tfk_"
MAX_DAYS = 3650
# A token's last use is written at most this often: a platform pushing every minute should not make a write
# of every request.
USE_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    hint: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime | None = None) -> str:
        """active | expired | revoked"""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or utcnow()):
            return "expired"
        return "active"


def _info(row: ApiToken, username: str) -> TokenInfo:
    return TokenInfo(row.id, username, row.name, row.hint, row.created_at, row.created_by, row.expires_at,
                     row.last_used_at, row.revoked_at)


def create_in(session: Session, *, username: str, name: str, days: int | None, created_by: str
              ) -> tuple[TokenInfo, str]:
    """A new token of account ``username`` in the caller's write transaction: (its record, the token itself)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise StoreError("令牌名称须为1–100个字符（例如“能耗在线监测平台”）",
                         "a token needs a name of 1–100 characters (e.g. 'energy monitoring platform')")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise StoreError(f"有效期须为1–{MAX_DAYS}天", f"the validity must be 1–{MAX_DAYS} days")
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None:
        raise StoreError(f"没有用户“{username}”", f"no user '{username}'")
    if not user.active:
        raise StoreError(f"账号“{username}”已停用，不能签发令牌", f"account '{username}' is inactive: no token")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, digest=token_digest(token), hint=token[:10], created_by=created_by,
                   expires_at=utcnow() + timedelta(days=days) if days else None)
    session.add(row)
    session.flush()
    return _info(row, user.username), token


def create(db: Database, *, username: str, name: str, days: int | None, actor: str) -> tuple[TokenInfo, str]:
    """``create_in`` with its audit entry, in one transaction (the command line's door)."""
    with db.write() as session:
        info, token = create_in(session, username=username, name=name, days=days, created_by=actor)
        audit.add(session, user_id=None, username=actor, action="create_api_token", entity="api_token",
                  entity_id=info.id, detail={"owner": username, "name": info.name, "hint": info.hint,
                                             "days": days})
    return info, token


def list_tokens(db: Database, username: str | None = None) -> list[TokenInfo]:
    """Every token (of ``username`` when given), newest first."""
    with db.transaction() as session:
        query = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id.desc())
        if username is not None:
            query = query.where(User.username == username)
        return [_info(row, name) for row, name in session.execute(query)]


def revoke_in(session: Session, token_id: int, *, revoked_by: str, owner: Account | None = None) -> TokenInfo:
    """Revoke a token in the caller's write transaction; ``owner``: only a token of that account (403 else)."""
    found = session.execute(select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
                            .where(ApiToken.id == token_id).with_for_update(of=ApiToken)).first()
    if found is None or (owner is not None and found[0].user_id != owner.id):
        if found is not None:
            raise NotAllowed("这不是您的令牌", "this is not your token")
        raise StoreError(f"没有编号为{token_id}的令牌", f"no API token {token_id}")
    row, username = found
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = utcnow(), revoked_by
        session.flush()
    return _info(row, username)


def revoke(db: Database, token_id: int, *, actor: str) -> TokenInfo:
    with db.write() as session:
        info = revoke_in(session, token_id, revoked_by=actor)
        audit.add(session, user_id=None, username=actor, action="revoke_api_token", entity="api_token",
                  entity_id=info.id, detail={"owner": info.username, "name": info.name, "hint": info.hint})
    return info


def resolve(db: Database, token: str) -> Account | None:
    """The active account of a live token, else None. Its last use is noted (at most every few minutes)."""
    if not token.startswith(PREFIX) or not 20 <= len(token) <= 100:
        return None
    now = utcnow()
    with db.transaction() as session:
        row = session.execute(region_join(
            select(User, Unit.name, *account_region(), ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id).outerjoin(Unit, Unit.id == User.unit_id))
            .where(ApiToken.digest == token_digest(token), ApiToken.revoked_at.is_(None))
            .where((ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))).first()
    if row is None or not row[0].active:
        return None
    *account_row, token_id, last_used = row
    if last_used is None or now - last_used >= USE_RESOLUTION:
        with db.write() as session:  # conditional: two requests at once write it once
            session.execute(update(ApiToken).where(ApiToken.id == token_id)
                            .where((ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < now - USE_RESOLUTION))
                            .values(last_used_at=now))
    return account_from_row(*account_row)
