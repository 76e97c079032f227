"""Revision numbers unique per observation; a version number on quotas (optimistic concurrency).

Databases written before this revision may hold duplicated ``seq`` values (concurrent writers
both took max + 1). They are renumbered 1..n in insertion order before the unique index is made;
the append-only trigger of ``observation_revisions`` is lifted for that one statement and put back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_DUPLICATES = ("SELECT 1 FROM observation_revisions GROUP BY observation_id, seq HAVING COUNT(*) > 1 LIMIT 1")
_RENUMBER = ("UPDATE observation_revisions SET seq = (SELECT COUNT(*) FROM observation_revisions AS r "
             "WHERE r.observation_id = observation_revisions.observation_id AND "
             "(r.seq < observation_revisions.seq OR (r.seq = observation_revisions.seq AND r.id <= observation_revisions.id)))")


def _renumber() -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql(_DUPLICATES).first() is None:
        return
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE observation_revisions DISABLE TRIGGER observation_revisions_append_only")
        op.execute(_RENUMBER)
        op.execute("ALTER TABLE observation_revisions ENABLE TRIGGER observation_revisions_append_only")
        return
    op.execute("DROP TRIGGER IF EXISTS observation_revisions_no_update")
    op.execute(_RENUMBER)
    op.execute("CREATE TRIGGER observation_revisions_no_update BEFORE UPDATE ON observation_revisions "
               "BEGIN SELECT RAISE(ABORT, 'observation_revisions is append-only: UPDATE refused'); END")


def upgrade() -> None:
    _renumber()
    op.drop_index("ix_observation_revisions_obs_seq", table_name="observation_revisions")
    op.create_index("uq_observation_revisions_obs_seq", "observation_revisions", ["observation_id", "seq"],
                    unique=True)
    op.add_column("targets", sa.Column("quota_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("quota_version")
    op.drop_index("uq_observation_revisions_obs_seq", table_name="observation_revisions")
    op.create_index("ix_observation_revisions_obs_seq", "observation_revisions", ["observation_id", "seq"])
