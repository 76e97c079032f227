"""Report fixtures: the store's database fixtures (SQLite and PostgreSQL) and the demo database built once.

The demo is the one users get from ``tanfeng demo`` (``services.demo.populate_demo``), built as of
March 2025: values accepted up to 2023, the 2024 values submitted, progress for 2023 and 2024.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from integration.conftest import builder, db, db_url, pg_url, sqlite_template  # noqa: F401  (shared fixtures)
from tanfeng.db.session import Database
from tanfeng.services.demo import populate_demo

DEMO_TODAY = date(2025, 3, 1)  # the 2024 report is due: 2024 is the open period of the demo

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:  # noqa: F811
    """A SQLite file with the reference plan and the demonstration values (built once per module)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    populate_demo(database, today=DEMO_TODAY, other_regions=False)
    database.dispose()
    return path


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{demo_path}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
