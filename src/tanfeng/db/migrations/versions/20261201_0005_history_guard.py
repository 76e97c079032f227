"""History stays history: TRUNCATE refused on PostgreSQL; INSERT OR REPLACE refused on SQLite.

The row triggers of 0002/0003 refuse UPDATE and DELETE. Two paths went around them: TRUNCATE fires
no row trigger (PostgreSQL), and SQLite's REPLACE conflict resolution deletes the old row without
firing delete triggers (unless recursive_triggers is on). A statement trigger closes the first;
a BEFORE INSERT trigger that refuses any insert colliding with a stored row closes the second for
every connection, whatever its pragmas.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table → the column sets whose collision REPLACE would resolve by deleting the stored row
GUARDED: dict[str, tuple[tuple[str, ...], ...]] = {
    "observation_revisions": (("id",), ("observation_id", "seq")),
    "change_log": (("id",),),
    "task_progress": (("id",),),
    "audit_log": (("id",),),
    "observations": (("id",), ("indicator_id", "period")),
}


def _collision(table: str, keys: tuple[tuple[str, ...], ...]) -> str:
    tests = [f"EXISTS (SELECT 1 FROM {table} WHERE " + " AND ".join(f"{c} = NEW.{c}" for c in cols) + ")"
             for cols in keys]
    return " OR ".join(tests)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in GUARDED:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION tanfeng_append_only()")
        return
    for table, keys in GUARDED.items():
        op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {_collision(table, keys)} "
                   f"BEGIN SELECT RAISE(ABORT, '{table} keeps its history: INSERT over a stored row "
                   "(REPLACE) refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        return
    for table in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
