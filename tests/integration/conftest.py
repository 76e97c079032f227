"""Database fixtures: every integration test runs on SQLite and on the real PostgreSQL.

PostgreSQL: a throwaway database ``tanfeng_test_<random>`` on 127.0.0.1:5432 (user postgres,
trust auth) is created once per session, migrated, truncated before each test and dropped at
the end. Where no server answers the PostgreSQL half is skipped with the reason — unless
``TANFENG_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from builders import PlanBuilder
from tanfeng.db.base import Base
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database

PG_ADMIN_URL = os.environ.get("TANFENG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin() -> Database | str:
    db = Database(PG_ADMIN_URL)
    try:
        with db.engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as err:
        db.dispose()
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(err).splitlines()[0]}"
    return db


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    admin = _pg_admin()
    if isinstance(admin, str):
        if os.environ.get("TANFENG_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{admin} (TANFENG_REQUIRE_POSTGRES=1)")
        pytest.skip(admin)
    name = f"tanfeng_test_{uuid.uuid4().hex[:10]}"
    autocommit = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    try:
        yield url
    finally:
        with autocommit.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database URL (a copied SQLite file, or the truncated PostgreSQL database)."""
    if request.param == "sqlite":
        path = tmp_path / "tanfeng.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    db = Database(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def builder() -> PlanBuilder:
    return PlanBuilder()
