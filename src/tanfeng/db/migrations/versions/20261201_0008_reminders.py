"""Reminders (催报): deadlines per reporting period, the messages sent, a per-unit lock row, account e-mail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=200), nullable=True))
    op.create_table(
        "reporting_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_reporting_deadlines_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_deadlines")),
        sa.UniqueConstraint("plan_id", "period", name=op.f("uq_reporting_deadlines_plan_id_period")),
    )
    op.create_index(op.f("ix_reporting_deadlines_plan_id"), "reporting_deadlines", ["plan_id"], unique=False)
    op.create_table(
        "reminder_state",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_reminder_state_unit_id_units")),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_reminder_state")),
    )
    op.create_table(
        "reminder_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_reminder_messages_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_messages")),
    )
    op.create_index(op.f("ix_reminder_messages_unit_id"), "reminder_messages", ["unit_id"], unique=False)
    op.create_index(op.f("ix_reminder_messages_created_at"), "reminder_messages", ["created_at"], unique=False)
    op.create_table(
        "reminder_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["reminder_messages.id"], ondelete="CASCADE",
                                name=op.f("fk_reminder_events_message_id_reminder_messages")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_reminder_events_unit_id_units")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_reminder_events_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_events")),
        sa.UniqueConstraint("unit_id", "plan_id", "period", "kind", "round",
                            name=op.f("uq_reminder_events_unit_id_plan_id_period_kind_round")),
    )
    op.create_index(op.f("ix_reminder_events_message_id"), "reminder_events", ["message_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reminder_events_message_id"), table_name="reminder_events")
    op.drop_table("reminder_events")
    op.drop_index(op.f("ix_reminder_messages_created_at"), table_name="reminder_messages")
    op.drop_index(op.f("ix_reminder_messages_unit_id"), table_name="reminder_messages")
    op.drop_table("reminder_messages")
    op.drop_table("reminder_state")
    op.drop_index(op.f("ix_reporting_deadlines_plan_id"), table_name="reporting_deadlines")
    op.drop_table("reporting_deadlines")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
