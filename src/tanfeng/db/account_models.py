"""Tables of the web workspace: login accounts (with a role and, for 责任单位, their unit) and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tanfeng.db.base import Base, CreatedMixin, UTCDateTime, utcnow


class User(CreatedMixin, Base):
    """A login. ``role``: admin | office | unit | viewer | enterprise; a unit account belongs to one unit,
    an enterprise account to one enterprise (it reads and writes that enterprise's data only)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    # The region an office or viewer account works for (its children are read too); None: every region.
    region_id: Mapped[int | None] = mapped_column(Integer)  # regions.id (no FK: see migration 0007)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change or deactivation: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email: Mapped[str | None] = mapped_column(String(200))  # where reminders (催报) go


class AuditEntry(Base):
    """Append-only: who did what through the workspace, when, from where."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    client: Mapped[str | None] = mapped_column(String(64))


class WebSession(Base):
    """A server-side login session: the cookie carries only a random token whose SHA-256 is ``id``.

    Logout deletes the row; a password change or deactivation deletes all the user's rows, so a
    copied cookie stops working at once.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[float] = mapped_column(Float)  # epoch seconds: compared the same on both databases
    client: Mapped[str | None] = mapped_column(String(64))


class LoginThrottle(Base):
    """Login attempts per client address or account name, with the back-off they earned."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_attempt: Mapped[float] = mapped_column(Float)  # epoch seconds
    next_allowed: Mapped[float] = mapped_column(Float)


class ApiToken(Base):
    """A credential of a machine client (an enterprise's energy monitoring platform, a statistics system) for
    /api/v1: it sends ``Authorization: Bearer <token>`` and acts as the token's account. Only the token's SHA-256
    is stored; a revoked or expired token is kept (the audit log names it)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))  # the token's first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(100))
