"""Tables of reminders (催报): reporting deadlines per period, what was sent to whom, and a per-unit lock row."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tanfeng.db.base import Base, CreatedMixin, UTCDateTime, utcnow


class ReportingDeadline(CreatedMixin, Base):
    """The office's dates for one reporting period of a plan (otherwise: period end + the grace days)."""

    __tablename__ = "reporting_deadlines"
    __table_args__ = (UniqueConstraint("plan_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # 2024, 2024Q1, 2024M03
    opens_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(100))


class ReminderState(Base):
    """One row per unit: taken with an UPDATE first, so two reminder runs never mail a unit twice."""

    __tablename__ = "reminder_state"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    runs: Mapped[int] = mapped_column(Integer, default=0)


class ReminderMessage(Base):
    """One reminder to one unit: the in-app notice, and the mail when it has addresses and SMTP is set."""

    __tablename__ = "reminder_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # the most urgent: overdue | closing | opened
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))  # sending | sent | failed | app_only
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))


class ReminderEvent(Base):
    """What a message reminded of: (unit, plan, period, kind, round) is reminded once, whoever runs it."""

    __tablename__ = "reminder_events"
    __table_args__ = (UniqueConstraint("unit_id", "plan_id", "period", "kind", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("reminder_messages.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    period: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    round: Mapped[int] = mapped_column(Integer, default=0)  # overdue: one more every N days
    items: Mapped[list[str]] = mapped_column(JSON)
