"""Web fixtures: a database with the small example plan and one account per role; logged-in API clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from builders import PlanBuilder
from integration.conftest import db_url, pg_url, sqlite_template  # noqa: F401  (the store's database fixtures)
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.plan_import import import_plan
from tanfeng.services.workspace import list_units
from tanfeng.web import WebSettings, create_app

PASSWORD = "correct-horse-battery"
OWN_UNIT = "县林业局"  # leads task A1.2 and its indicator 森林覆盖率
OTHER_UNIT = "县发改委"  # leads A1.1 (光伏发电装机容量), where 县林业局 has no part


@dataclass(frozen=True)
class Fixture:
    db: Database
    unit_ids: dict[str, int]
    indicator: dict[str, int]  # code → indicator id


def populate(db: Database) -> Fixture:
    """The example plan and accounts admin / office / unit (县林业局) / unit2 (县发改委) / viewer."""
    import_plan(db, PlanBuilder().plan(), actor="test")
    units = {name: uid for uid, name, _ in list_units(db)}
    for username, role, unit in (("admin", "admin", None), ("office", "office", None), ("unit", "unit", OWN_UNIT),
                                 ("unit2", "unit", OTHER_UNIT), ("viewer", "viewer", None)):
        accounts.create_user(db, username=username, password=PASSWORD, role=role,
                             unit_id=units[unit] if unit else None)
    from tanfeng.services.status import compute_status

    indicators = {row.code or row.target: row.indicator_id for row in compute_status(db)}
    return Fixture(db, units, indicators)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """argon2's cheapest parameters in tests only (the default costs ~0.3 s per login on the test machine)."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    original = accounts._hasher
    accounts._hasher = PasswordHasher.from_parameters(CHEAPEST)
    yield
    accounts._hasher = original


@pytest.fixture(scope="session")
def web_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    populate(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def fx(web_template: Path, tmp_path: Path) -> Iterator[Fixture]:
    path = tmp_path / "web.db"
    shutil.copy(web_template, path)
    db = Database(f"sqlite:///{path}")
    units = {name: uid for uid, name, _ in list_units(db)}
    from tanfeng.services.status import compute_status

    yield Fixture(db, units, {row.code or row.target: row.indicator_id for row in compute_status(db)})
    db.dispose()


def settings() -> WebSettings:
    return WebSettings(mode="development", secret_key="test-secret-key-that-is-long-enough-0123456789")


@pytest.fixture
def app(fx: Fixture) -> FastAPI:
    return create_app(settings(), fx.db)


def login(app: FastAPI, username: str | None) -> TestClient:
    """A client logged in through the API (``None``: logged out), sending the CSRF header on every request."""
    client = TestClient(app, follow_redirects=False)
    if username is not None:
        response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.fixture
def client_for(app: FastAPI) -> Callable[[str | None], TestClient]:
    return lambda username: login(app, username)


@pytest.fixture(autouse=True)
def _no_blocking_on_the_event_loop() -> Iterator[None]:
    """Every web test fails if a request ran SQL or opened a file on the event loop (see loop_guard)."""
    from .loop_guard import guarded

    with guarded() as found:
        yield
    assert not found, "blocking work in an async handler:\n" + "\n".join(dict.fromkeys(found))
