from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from builders import PlanBuilder
from integration.conftest import owner_url
from tanfeng.cli import app
from tanfeng.db.base import Base
from tanfeng.db.migrate import alembic_config, current_revision, head_revision, upgrade
from tanfeng.db.roles import grant_app_role
from tanfeng.db.session import Database
from tanfeng.services.plan_import import import_plan


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert current_revision(db) == head_revision(db)


def test_upgrade_twice_is_harmless(db: Database) -> None:
    upgrade(db)
    upgrade(db)
    assert set(inspect(db.engine).get_table_names()) >= {t.name for t in Base.metadata.sorted_tables}


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_db_upgrade_and_info_from_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "store.db"
    runner = CliRunner()
    up = runner.invoke(app, ["db", "upgrade", "--db", str(path)])
    assert up.exit_code == 0, up.output
    assert path.exists()
    info = runner.invoke(app, ["db", "info", "--db", str(path), "--json"])
    assert info.exit_code == 0, info.output
    data = json.loads(info.output)
    assert data["path"] == str(path.resolve())
    assert data["backend"] == "sqlite"
    assert data["revision"] == data["head_revision"] is not None
    assert data["rows"]["plans"] == 0


def test_database_url_from_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "env.db"
    monkeypatch.setenv("TANFENG_DATABASE_URL", f"sqlite:///{path}")
    result = CliRunner().invoke(app, ["db", "info"])
    assert result.exit_code == 0
    assert str(path) in result.output


def test_history_is_append_only_and_values_are_never_deleted(db: Database) -> None:
    import_plan(db, PlanBuilder().plan(), actor="office")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO observations (indicator_id, period, period_key, value, status, updated_at, "
                          "updated_by) VALUES (1, '2023', 202312, 1.0, 'submitted', CURRENT_TIMESTAMP, 'x')"))
        conn.execute(text("INSERT INTO observation_revisions (observation_id, seq, at, actor, action) "
                          "VALUES (1, 1, CURRENT_TIMESTAMP, 'x', 'create')"))
    for statement in ("UPDATE observation_revisions SET actor = 'y'", "DELETE FROM observation_revisions",
                      "DELETE FROM observations", "DELETE FROM change_log", "UPDATE change_log SET actor = 'y'"):
        # refused by the trigger, or on PostgreSQL already by the application role's privileges
        with pytest.raises(DBAPIError, match=r"refused|permission denied"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.engine.begin() as conn:  # the current value itself may change (its history records how)
        conn.execute(text("UPDATE observations SET value = 2.0"))
        assert conn.execute(text("SELECT count(*) FROM observation_revisions")).scalar() == 1


def test_downgrade_and_upgrade_round_trip(db_url: str) -> None:
    db = Database(db_url if db_url.startswith("sqlite") else owner_url(db_url))  # migrations are the owner's
    command.downgrade(alembic_config(db), "base")
    assert current_revision(db) is None
    assert "observations" not in inspect(db.engine).get_table_names()
    upgrade(db)
    assert current_revision(db) == head_revision(db) is not None
    import_plan(db, PlanBuilder().plan(), actor="office")  # the rebuilt schema works, triggers included
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            grant_app_role(conn)  # the tables are new: the application role needs its grants again
    db.dispose()


def test_duplicated_revision_numbers_are_renumbered_by_the_upgrade(db_url: str) -> None:
    """Histories written by concurrent writers before 0004 may repeat a seq: the upgrade numbers them 1..n."""
    db = Database(db_url if db_url.startswith("sqlite") else owner_url(db_url))  # migrations are the owner's
    import_plan(db, PlanBuilder().plan(), actor="office")
    command.downgrade(alembic_config(db), "0003")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO observations (indicator_id, period, period_key, value, status, updated_at, "
                          "updated_by) VALUES (1, '2023', 202312, 3.0, 'submitted', CURRENT_TIMESTAMP, 'x')"))
        for seq, value in ((1, 1.0), (2, 2.0), (2, 3.0)):
            conn.execute(text("INSERT INTO observation_revisions (observation_id, seq, at, actor, action, new_value) "
                              "VALUES (1, :seq, CURRENT_TIMESTAMP, 'x', 'update', :v)"), {"seq": seq, "v": value})
    upgrade(db)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, new_value FROM observation_revisions ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, 1.0), (2, 2.0), (3, 3.0)]
    with pytest.raises(DBAPIError, match="refused"), db.engine.begin() as conn:  # still append-only
        conn.execute(text("UPDATE observation_revisions SET actor = 'y'"))
    with pytest.raises(DBAPIError), db.engine.begin() as conn:  # and unique
        conn.execute(text("INSERT INTO observation_revisions (observation_id, seq, at, actor, action) "
                          "VALUES (1, 3, CURRENT_TIMESTAMP, 'x', 'update')"))
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            grant_app_role(conn)
    db.dispose()
