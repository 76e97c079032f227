"""``tanfeng db info``, ``db backup`` and ``db restore`` run as a user runs them: a fresh process each time."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from builders import PlanBuilder
from integration.conftest import owner_url
from tanfeng.db.base import Base
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.services.collection import submit_values
from tanfeng.services.plan_import import import_plan
from tanfeng.services.review import list_observations, review
from tanfeng.services.status import compute_status


def tanfeng(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command in its own interpreter: nothing imported by the test process hides a missing import."""
    return subprocess.run([sys.executable, "-m", "tanfeng", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_db_info_counts_every_table_in_a_fresh_process(db_url: str) -> None:
    result = tanfeng("db", "info", "--db", db_url, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "error" not in data, data["error"]
    assert data["revision"] == data["head_revision"]
    assert data["rows"]["users"] == 0 and data["rows"]["units"] == 0 and data["rows"]["observations"] == 0


def test_db_info_of_an_unreachable_database_says_so_and_fails() -> None:
    result = tanfeng("db", "info", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "错误 error: OperationalError" in result.stdout


def _snapshot(db: Database) -> dict[str, object]:
    """Everything a restore must bring back: row counts, current values, the full history."""
    with db.engine.connect() as conn:
        counts = {t.name: conn.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
        values = conn.execute(text("SELECT indicator_id, period, value, status FROM observations ORDER BY id")).all()
        revisions = conn.execute(text("SELECT observation_id, seq, action, old_value, new_value "
                                      "FROM observation_revisions ORDER BY id")).all()
    return {"counts": counts, "values": [tuple(v) for v in values], "revisions": [tuple(r) for r in revisions]}


def _owner(url: str) -> str:
    return url if url.startswith("sqlite") else owner_url(url)


def test_backup_and_restore_round_trip(db_url: str, db: Database, tmp_path: Path) -> None:
    import_plan(db, PlanBuilder().plan(), actor="office")
    forest = next(r.indicator_id for r in compute_status(db) if r.code == "forest_coverage")
    submit_values(db, [{"indicator_id": forest, "period": "2023", "value": 81.0}], reporter="县林业局", actor="c",
                  region="示例县")
    review(db, [o.id for o in list_observations(db)], action="accept", actor="office")
    saved = _snapshot(db)
    file = tmp_path / "备份" / "tanfeng.backup"
    done = tanfeng("db", "backup", str(file), "--db", db_url)  # as the application (role) itself
    assert done.returncode == 0, done.stderr
    assert "已备份到" in done.stdout and file.exists() and not list(file.parent.glob(".*partial"))

    # life goes on: another plan, more values
    import_plan(db, PlanBuilder(region="乙县", title="乙县碳达峰实施方案").plan(), actor="office")
    submit_values(db, [{"indicator_id": forest, "period": "2024", "value": 81.5}], reporter="县林业局", actor="c",
                  region="示例县")
    assert _snapshot(db) != saved
    db.dispose()

    back = tanfeng("db", "restore", str(file), "--yes", "--db", _owner(db_url))
    assert back.returncode == 0, back.stderr
    assert "已恢复" in back.stdout
    assert _snapshot(db) == saved
    with pytest.raises(DBAPIError, match=r"refused|permission denied"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM observation_revisions"))  # the guards came back with it
    # the application (role) works on the restored database
    submit_values(db, [{"indicator_id": forest, "period": "2024", "value": 81.6}], reporter="县林业局", actor="c",
                  region="示例县")
    assert _snapshot(db)["counts"]["observations"] == 2  # type: ignore[index]


def test_restore_refuses_what_is_not_a_backup(db_url: str, db: Database, tmp_path: Path) -> None:
    import_plan(db, PlanBuilder().plan(), actor="office")
    saved = _snapshot(db)
    text_file = tmp_path / "notes.backup"
    text_file.write_text("not a database", encoding="utf-8")
    foreign = tmp_path / "other.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    for bad, message in ((text_file, "不是碳峰备份文件"), (foreign, "不是碳峰数据库"),
                         (tmp_path / "missing.backup", "无法打开")):
        result = tanfeng("db", "restore", str(bad), "--yes", "--db", _owner(db_url))
        assert result.returncode == 2 and message in result.stderr, result.stderr
    assert _snapshot(db) == saved
    if not db.is_sqlite:  # a SQLite backup is no PostgreSQL backup
        sqlite_file = tmp_path / "sqlite.db"
        sdb = Database(f"sqlite:///{sqlite_file}")
        upgrade(sdb)
        sdb.dispose()
        result = tanfeng("db", "restore", str(sqlite_file), "--yes", "--db", _owner(db_url))
        assert result.returncode == 2 and "不能恢复到postgresql数据库" in result.stderr
    unconfirmed = subprocess.run([sys.executable, "-m", "tanfeng", "db", "restore", str(text_file), "--db", db_url],
                                 capture_output=True, text=True, input="", timeout=60)
    assert unconfirmed.returncode == 2  # checked before anything is asked
