"""Tables of public consultation (征求意见) on a draft plan version and what became of each comment.

Contact data of a commenter (``submitter_name``, ``submitter_contact``) is read only by office pages
and internal exports, and erased by the purge action after the round; the audit log never holds it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tanfeng.db.base import Base, CreatedMixin, utcnow


class ConsultationRound(CreatedMixin, Base):
    """One consultation on one stored draft version: public (社会公众) or departments (部门征求意见)."""

    __tablename__ = "consultation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))
    kind: Mapped[str] = mapped_column(String(12))  # public | departments
    opens_on: Mapped[date] = mapped_column(Date)  # dates in Asia/Shanghai, both inclusive
    closes_on: Mapped[date] = mapped_column(Date)
    channels: Mapped[list[str]] = mapped_column(JSON)  # web | email | phone | letter | official
    contact_policy: Mapped[str] = mapped_column(String(10), default="optional")  # optional | required
    office_name: Mapped[str | None] = mapped_column(String(200))  # who receives: 县发改委
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    public_url: Mapped[str | None] = mapped_column(String(300))
    final_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    next_seq: Mapped[int] = mapped_column(Integer, default=1)  # receipt counter, bumped under the row lock
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class ConsultationComment(Base):
    """One comment (意见建议); ``merged_into_id`` points a duplicate at the head of its group."""

    __tablename__ = "consultation_comments"
    __table_args__ = (UniqueConstraint("round_id", "seq"), UniqueConstraint("receipt"),
                      UniqueConstraint("form_nonce"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("consultation_rounds.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    receipt: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))  # web | email | phone | letter | official
    received_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    submitter_org: Mapped[str | None] = mapped_column(String(200))  # a unit's name (public: shown)
    submitter_name: Mapped[str | None] = mapped_column(String(100))  # office only; purged after the round
    submitter_contact: Mapped[str | None] = mapped_column(String(200))  # office only; purged after the round
    # Where the comment points: a task (A1.1), a target (T5), an action (A1), "goals" or "general".
    suggested_ref: Mapped[str | None] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(20))  # confirmed by the office
    assigned_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    unit_opinion: Mapped[str | None] = mapped_column(Text)
    unit_opinion_by: Mapped[str | None] = mapped_column(String(100))
    disposition: Mapped[str | None] = mapped_column(String(10))  # adopted | partly | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_comments.id"))
    form_nonce: Mapped[str | None] = mapped_column(String(40))  # the public form's one-time token
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every change (stale edits refused)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ConsultationLink(CreatedMixin, Base):
    """The office's link between a comment and a draft→final change (``change_key``: target:…/task:…)."""

    __tablename__ = "consultation_links"
    __table_args__ = (UniqueConstraint("comment_id", "change_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("consultation_comments.id"), index=True)
    change_key: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(String(100))


class ConsultationHit(Base):
    """Submissions per client and window (public page rate limit, shared by every worker)."""

    __tablename__ = "consultation_hits"
    __table_args__ = (UniqueConstraint("client_key", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64))  # keyed hash of the client address, not the address
    window_start: Mapped[int] = mapped_column(Integer)  # unix seconds // window
    count: Mapped[int] = mapped_column(Integer, default=0)
