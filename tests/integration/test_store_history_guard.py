"""History stays history: no SQL path rewrites the history tables, on either database.

PostgreSQL: the tests connect as the application role (see conftest); it cannot TRUNCATE, disable or
drop triggers, or switch them off for its session; the triggers refuse TRUNCATE even to the owner.
SQLite: REPLACE and UPSERT over a stored history row are refused, with or without the app's pragmas.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from builders import PlanBuilder
from integration.conftest import owner_url
from tanfeng.cli import app
from tanfeng.db.roles import HISTORY_TABLES, RoleError, grant_app_role
from tanfeng.db.session import Database
from tanfeng.services.collection import submit_values
from tanfeng.services.plan_import import import_plan
from tanfeng.services.review import history


def _with_history(db: Database) -> int:
    """A plan, one value and its first revision; returns the indicator id."""
    import_plan(db, PlanBuilder().plan(), actor="office")
    with db.engine.connect() as conn:
        forest = conn.execute(text("SELECT id FROM indicators WHERE code = 'forest_coverage'")).scalar_one()
    submit_values(db, [{"indicator_id": forest, "period": "2023", "value": 81.0}], reporter="县林业局", actor="clerk")
    return int(forest)


def _refused(db: Database, statement: str) -> None:
    with pytest.raises(DBAPIError, match=r"refused|permission denied|must be owner"), db.engine.begin() as conn:
        conn.execute(text(statement))


@pytest.mark.postgres
def test_the_app_role_cannot_truncate_or_switch_triggers_off(pg_db_url: str) -> None:
    db = Database(pg_db_url)
    _with_history(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar() is False
    for table in (*HISTORY_TABLES, "observations"):
        _refused(db, f"TRUNCATE {table}")
        _refused(db, f"TRUNCATE {table} CASCADE")
        _refused(db, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        _refused(db, f"ALTER TABLE {table} DISABLE TRIGGER USER")
    _refused(db, "DROP TRIGGER observation_revisions_append_only ON observation_revisions")
    _refused(db, "SET session_replication_role = replica")
    _refused(db, "DROP FUNCTION tanfeng_append_only() CASCADE")
    _refused(db, "UPDATE observation_revisions SET actor = 'x'")
    _refused(db, "DELETE FROM change_log")
    _refused(db, "INSERT INTO observation_revisions SELECT * FROM observation_revisions "
                 "ON CONFLICT (id) DO UPDATE SET actor = 'x'")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM observation_revisions")).scalar() == 1
    db.dispose()


@pytest.mark.postgres
def test_even_the_owner_cannot_truncate_history(pg_db_url: str) -> None:
    owner = Database(owner_url(pg_db_url))
    _with_history(owner)
    for table in (*HISTORY_TABLES, "observations"):
        with pytest.raises(DBAPIError, match="TRUNCATE refused"), owner.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
    owner.dispose()


@pytest.mark.postgres
def test_a_role_that_owns_tables_is_refused_as_app_role(pg_db_url: str) -> None:
    owner = Database(owner_url(pg_db_url))
    with owner.engine.begin() as conn, pytest.raises(RoleError, match="superuser"):
        grant_app_role(conn, "postgres")
    with owner.engine.begin() as conn:
        assert grant_app_role(conn) is False  # exists already: idempotent
    owner.dispose()


def test_sqlite_refuses_replace_and_upsert_over_history(sqlite_db_url: str) -> None:
    db = Database(sqlite_db_url)  # PostgreSQL has no REPLACE; its UPSERT is refused above
    forest = _with_history(db)
    before = [(h.action, h.new_value) for h in history(db, forest)]
    revision = "SELECT id, observation_id, seq, at, 'forger', action, old_value, 99.0 FROM observation_revisions"
    columns = "(id, observation_id, seq, at, actor, action, old_value, new_value)"
    statements = [
        f"INSERT OR REPLACE INTO observation_revisions {columns} {revision}",
        f"REPLACE INTO observation_revisions {columns} {revision}",
        f"INSERT INTO observation_revisions {columns} {revision} WHERE true ON CONFLICT (id) DO UPDATE SET actor = 'x'",
        "INSERT OR REPLACE INTO change_log (id, at, actor, entity, action, detail) "
        "SELECT id, at, 'forger', entity, action, detail FROM change_log",
        "INSERT OR REPLACE INTO observations (indicator_id, period, period_key, value, status, updated_at, updated_by) "
        "SELECT indicator_id, period, period_key, 1.0, 'accepted', updated_at, 'forger' FROM observations",
    ]
    for statement in statements:  # through the application's engine (its pragmas) …
        _refused(db, statement)
    path = sqlite_db_url.split("///", 1)[1]
    raw = sqlite3.connect(path)  # … and through a bare connection without them
    try:
        for statement in statements:
            with pytest.raises(sqlite3.DatabaseError, match="refused"):
                raw.execute(statement)
            raw.rollback()
    finally:
        raw.close()
    assert [(h.action, h.new_value) for h in history(db, forest)] == before
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM change_log WHERE actor = 'forger'")).scalar() == 0
    db.dispose()


@pytest.mark.postgres
def test_db_app_role_command_sets_up_the_role(pg_db_url: str, sqlite_db_url: str) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["db", "app-role", "--db", owner_url(pg_db_url)])
    assert done.exit_code == 0, done.output
    assert "tanfeng_app" in done.output and "TANFENG_DATABASE_URL=postgresql+psycopg://tanfeng_app@" in done.output
    owner = Database(owner_url(pg_db_url))
    with owner.engine.connect() as conn:
        def can(table: str, privilege: str) -> bool:
            return bool(conn.execute(text("SELECT has_table_privilege('tanfeng_app', :t, :p)"),
                                     {"t": table, "p": privilege}).scalar())

        assert can("observation_revisions", "INSERT") and not can("observation_revisions", "UPDATE")
        assert not any(can(t, "TRUNCATE") or can(t, "DELETE") for t in (*HISTORY_TABLES, "observations"))
        assert can("observations", "UPDATE") and can("responsibilities", "DELETE")
    owner.dispose()
    on_sqlite = runner.invoke(app, ["db", "app-role", "--db", sqlite_db_url])
    assert on_sqlite.exit_code == 2 and "PostgreSQL" in on_sqlite.output


@pytest.mark.postgres
def test_db_upgrade_gives_the_app_role_the_new_tables(pg_db_url: str) -> None:
    owner = Database(owner_url(pg_db_url))
    with owner.engine.begin() as conn:  # what a later migration does: a new table, owned by the owner
        conn.execute(text("CREATE TABLE later_feature (id integer PRIMARY KEY)"))
    try:
        done = CliRunner().invoke(app, ["db", "upgrade", "--db", owner_url(pg_db_url)])
        assert done.exit_code == 0, done.output
        assert "tanfeng_app" in done.output
        app_db = Database(pg_db_url)
        with app_db.engine.begin() as conn:
            conn.execute(text("INSERT INTO later_feature VALUES (1)"))
        app_db.dispose()
    finally:
        with owner.engine.begin() as conn:
            conn.execute(text("DROP TABLE later_feature"))
        owner.dispose()
