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
from tanfeng.cli import app
from tanfeng.db.base import Base
from tanfeng.db.migrate import alembic_config, current_revision, head_revision, upgrade
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
        with pytest.raises(DBAPIError, match="refused"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.engine.begin() as conn:  # the current value itself may change (its history records how)
        conn.execute(text("UPDATE observations SET value = 2.0"))
        assert conn.execute(text("SELECT count(*) FROM observation_revisions")).scalar() == 1


def test_downgrade_and_upgrade_round_trip(db: Database) -> None:
    command.downgrade(alembic_config(db), "base")
    assert current_revision(db) is None
    assert "observations" not in inspect(db.engine).get_table_names()
    upgrade(db)
    assert current_revision(db) == head_revision(db)  # the head, whichever migration is the latest
    import_plan(db, PlanBuilder().plan(), actor="office")  # the rebuilt schema works, triggers included
