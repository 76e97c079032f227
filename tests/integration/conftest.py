"""Database fixtures: every integration test runs on SQLite and on the real PostgreSQL.

PostgreSQL: a throwaway database ``tanfeng_test_<random>`` on 127.0.0.1:5432 (user postgres,
trust auth) is created once per session, migrated by postgres (the owner), truncated before each
test and dropped at the end. The tests connect as the application role ``tanfeng_app`` (no
superuser, owns no table: ``tanfeng db app-role``), as the application does in production. Where no server answers the PostgreSQL half is skipped with the reason — unless
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
from sqlalchemy.engine import make_url

from builders import PlanBuilder
from tanfeng.db.base import Base
from tanfeng.db.migrate import upgrade
from tanfeng.db.roles import DEFAULT_ROLE, grant_app_role
from tanfeng.db.session import Database

PG_ADMIN_URL = os.environ.get("TANFENG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def app_url(url: str) -> str:
    """The same database as the application role."""
    return str(make_url(url).set(username=DEFAULT_ROLE, password=None).render_as_string(hide_password=False))


def owner_url(url: str) -> str:
    """The same database as its owner (the admin user that migrated it): for what the app may not do."""
    admin = make_url(PG_ADMIN_URL)
    return str(make_url(url).set(username=admin.username, password=admin.password)
               .render_as_string(hide_password=False))


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
    owner = owner_url(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    db = Database(owner)
    upgrade(db)
    with db.engine.begin() as conn:
        grant_app_role(conn, DEFAULT_ROLE)
    db.dispose()
    try:
        yield app_url(owner)
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
    return _emptied(request.getfixturevalue("pg_url"))


def _emptied(url: str) -> str:
    db = Database(owner_url(url))
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # the owner, past the history triggers
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


@pytest.fixture
def pg_db_url(pg_url: str) -> str:
    """The emptied PostgreSQL database only (as the application role), for PostgreSQL-only behaviour."""
    return _emptied(pg_url)


@pytest.fixture
def sqlite_db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite file only, for SQLite-only behaviour."""
    path = tmp_path / "tanfeng.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def builder() -> PlanBuilder:
    return PlanBuilder()
