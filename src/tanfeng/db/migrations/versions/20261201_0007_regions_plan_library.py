"""Regions as a tree, a plan library (explicit current version, archive), quota documents, account regions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): SQLite cannot copy a table other rows still reference.
    # The two new id columns carry no database foreign key for the same reason; the services check them.
    op.add_column("regions", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_regions_parent_id"), "regions", ["parent_id"])
    op.add_column("plans", sa.Column("current_version_id", sa.Integer(), nullable=True))
    op.add_column("plans", sa.Column("current_pinned", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("plans", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("targets", sa.Column("quota_doc", sa.String(length=100), nullable=True))
    op.add_column("users", sa.Column("region_id", sa.Integer(), nullable=True))
    _choose_current_versions()


def _choose_current_versions() -> None:
    """Existing plans: the current version by the rule the services apply (final over draft, then date)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, plan_id, number, status, issued_date FROM plan_versions")).all()
    best: dict[int, tuple[tuple[int, str, int], int]] = {}
    for vid, plan_id, number, status, issued in rows:
        key = (1 if status == "final" else 0, issued or "", number)
        if plan_id not in best or key > best[plan_id][0]:
            best[plan_id] = (key, vid)
    for plan_id, (_, vid) in best.items():
        conn.execute(sa.text("UPDATE plans SET current_version_id = :v WHERE id = :p"), {"v": vid, "p": plan_id})


def downgrade() -> None:
    op.drop_column("users", "region_id")
    op.drop_column("targets", "quota_doc")
    op.drop_column("plans", "archived_at")
    op.drop_column("plans", "current_pinned")
    op.drop_column("plans", "current_version_id")
    op.drop_index(op.f("ix_regions_parent_id"), table_name="regions")
    op.drop_column("regions", "parent_id")
