"""Attachments (佐证材料) of values and progress reports: metadata rows; the files live outside the database.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("task_lineage", sa.String(length=36), nullable=True),
        sa.Column("task_code", sa.String(length=20), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_attachments_plan_id_plans")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_attachments_unit_id_units")),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"], name=op.f("fk_attachments_indicator_id_indicators")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("subject", "unit_id", "sha256", name=op.f("uq_attachments_subject_unit_id_sha256")),
    )
    op.create_index(op.f("ix_attachments_subject"), "attachments", ["subject"], unique=False)
    op.create_index("ix_attachments_indicator_period", "attachments", ["indicator_id", "period"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_attachments_indicator_period", table_name="attachments")
    op.drop_index(op.f("ix_attachments_subject"), table_name="attachments")
    op.drop_table("attachments")
