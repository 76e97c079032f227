"""Regions as a tree, a plan library (explicit current version, archive), quota documents, account regions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("regions") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_regions_parent_id_regions"), "regions", ["parent_id"], ["id"])
        batch.create_index(op.f("ix_regions_parent_id"), ["parent_id"])
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("current_version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("current_pinned", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("targets") as batch:
        batch.add_column(sa.Column("quota_doc", sa.String(length=100), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_users_region_id_regions"), "regions", ["region_id"], ["id"])
    _choose_current_versions()
    with op.batch_alter_table("plans") as batch:
        batch.alter_column("current_pinned", server_default=None)


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
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("fk_users_region_id_regions"), type_="foreignkey")
        batch.drop_column("region_id")
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("quota_doc")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("archived_at")
        batch.drop_column("current_pinned")
        batch.drop_column("current_version_id")
    with op.batch_alter_table("regions") as batch:
        batch.drop_index(op.f("ix_regions_parent_id"))
        batch.drop_constraint(op.f("fk_regions_parent_id_regions"), type_="foreignkey")
        batch.drop_column("parent_id")
