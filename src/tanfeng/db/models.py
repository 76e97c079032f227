"""Tables of the plan store and implementation tracker.

Plan structure (actions, tasks, responsibilities, targets) is a snapshot per plan
*version*; what is measured and collected (indicators, observations, task progress)
hangs off the *plan* so that it survives a new version (draft → final).
Collected values are never deleted: every change appends an ``ObservationRevision``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tanfeng.db.base import Base, CreatedMixin, UTCDateTime, utcnow


class Region(CreatedMixin, Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[str | None] = mapped_column(String(20))
    adcode: Mapped[str | None] = mapped_column(String(12))
    parent: Mapped[str | None] = mapped_column(String(100))
    # The region one level up (a county's city, a city's province); known from the gazetteer
    # before any of the parent's plans is imported.
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)  # regions.id (no FK: see migration 0007)


class Unit(CreatedMixin, Base):
    """A responsible unit (责任单位) of a region; ``key`` is its normalised short form."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("region_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    # Merging two units keeps the old row (its history) and points it at the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    region: Mapped[Region] = relationship()


class UnitAlias(CreatedMixin, Base):
    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("region_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="auto")  # auto | manual


class PlanRecord(CreatedMixin, Base):
    """A plan of a region across its versions (identified by its normalised title)."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("region_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    # The version work is tracked against: chosen by rule (final over draft, then issue date) unless
    # the office pinned one. No FK: plans and plan_versions would reference each other.
    current_version_id: Mapped[int | None] = mapped_column(Integer)
    current_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Archived plans keep every value and revision but leave the work lists.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    region: Mapped[Region] = relationship()


class PlanVersion(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"), UniqueConstraint("plan_id", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # draft | final
    title: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(String(1000))
    source_format: Mapped[str | None] = mapped_column(String(10))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    issued_date: Mapped[str | None] = mapped_column(String(10))
    peak_year: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))

    plan: Mapped[PlanRecord] = relationship()


class Action(Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)


class Task(Base):
    """A task item of one version; ``lineage`` is shared by the same task across versions."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    action_code: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    lineage: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int] = mapped_column(Integer)

    responsibilities: Mapped[list[Responsibility]] = relationship(
        order_by="Responsibility.position", back_populates="task"
    )


class Responsibility(Base):
    __tablename__ = "responsibilities"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(4))  # lead | co
    position: Mapped[int] = mapped_column(Integer)
    written_as: Mapped[str] = mapped_column(String(200))

    task: Mapped[Task] = relationship(back_populates="responsibilities")
    unit: Mapped[Unit] = relationship()


class Indicator(CreatedMixin, Base):
    """What is measured for a plan (persists across versions); observations attach here."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300))
    code: Mapped[str | None] = mapped_column(String(50))
    unit: Mapped[str | None] = mapped_column(String(50))
    shape: Mapped[str] = mapped_column(String(10))  # linear | compound | milestone
    direction: Mapped[str] = mapped_column(String(4))  # up | down
    frequency: Mapped[str] = mapped_column(String(8), default="year")  # year | quarter | month
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline_value: Mapped[float | None] = mapped_column(Float)


class Target(Base):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    code: Mapped[str] = mapped_column(String(20))
    indicator_text: Mapped[str] = mapped_column(String(300))
    change: Mapped[str | None] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    stretch_value: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[str | None] = mapped_column(String(8))
    commitment: Mapped[str | None] = mapped_column(String(8))
    year: Mapped[int | None] = mapped_column(Integer)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    assigned: Mapped[bool] = mapped_column(Boolean, default=False)
    quota_value: Mapped[float | None] = mapped_column(Float)
    quota_unit: Mapped[str | None] = mapped_column(String(50))
    quota_note: Mapped[str | None] = mapped_column(String(500))
    quota_doc: Mapped[str | None] = mapped_column(String(100))  # 文号 of the document assigning the quota
    # Bumped by every quota change; the quota form carries it so that a stale edit is refused.
    quota_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sentence: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    indicator: Mapped[Indicator] = relationship()


class IndicatorAssignment(CreatedMixin, Base):
    """Units the office assigns to an indicator explicitly; overrides those of the target's task."""

    __tablename__ = "indicator_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(4))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))


class Observation(Base):
    """The current value of an indicator for one period; its history is in ``observation_revisions``."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # 2024 | 2024Q1 | 2024M03
    period_key: Mapped[int] = mapped_column(Integer)  # year * 100 + last month of the period
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))  # as reported; converted when read
    reporter_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    source: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # draft | submitted | accepted | returned
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class ObservationRevision(Base):
    """Append-only: one row per change of an observation (who, when, old → new); ``seq`` runs 1..n.

    The latest ``seq`` is the observation's version: a form carries it, and an edit made from an
    older version is refused (see ``services.collection``).
    """

    __tablename__ = "observation_revisions"
    __table_args__ = (Index("uq_observation_revisions_obs_seq", "observation_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))  # create | update | accept | return | submit
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    old_unit: Mapped[str | None] = mapped_column(String(50))
    new_unit: Mapped[str | None] = mapped_column(String(50))
    old_status: Mapped[str | None] = mapped_column(String(10))
    new_status: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String(1000))


class TaskProgress(Base):
    """A progress report on a task for a period; append-only, the latest row per period counts."""

    __tablename__ = "task_progress"
    __table_args__ = (Index("ix_task_progress_lineage_period", "plan_id", "task_lineage", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    task_lineage: Mapped[str] = mapped_column(String(36))
    task_code: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))  # not_started | on_track | late | done | cancelled
    text: Mapped[str | None] = mapped_column(Text)
    reporter_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    source_file: Mapped[str | None] = mapped_column(String(1000))


class ChangeLog(Base):
    """Append-only audit of changes other than observation values (imports, aliases, quotas …)."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
