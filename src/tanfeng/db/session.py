"""Engine and transactions. Services open one transaction per command with ``Database.transaction()``.

A transaction that writes uses ``Database.write()``: on SQLite it starts with ``BEGIN IMMEDIATE`` (it
takes the write lock before reading, so a read-then-write can never fail with "database is locked"
half-way and two writers never interleave); on PostgreSQL the services lock the rows they change
(``SELECT … FOR UPDATE``) inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tanfeng.config import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (web, status) run while an import writes; FKs are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # REPLACE then fires the delete triggers of the rows it removes (history tables refuse it).
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """A write transaction takes the write lock at once (pysqlite would begin only at the first change,
    deferred, after the reads the change depends on). Other transactions keep pysqlite's behaviour.

    Sent straight to the driver: pysqlite sees the open transaction and adds no BEGIN of its own.
    """
    if conn.get_execution_options().get(_WRITE):
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("BEGIN IMMEDIATE")


_WRITE = "tanfeng_write"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; creates the SQLite file's directory when needed."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})  # wait for a concurrent writer
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """A configured database: an engine (made lazily) and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._writes: sessionmaker[Session] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.database_url)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed if the block succeeds, rolled back entirely otherwise."""
        if self._sessions is None:
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        with self._run(self._sessions) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work that changes data: like ``transaction()``, holding SQLite's write lock from the start."""
        if self._writes is None:
            self._writes = sessionmaker(self.engine.execution_options(**{_WRITE: True}), expire_on_commit=False)
        with self._run(self._writes) as session:
            yield session

    @staticmethod
    @contextmanager
    def _run(factory: sessionmaker[Session]) -> Iterator[Session]:
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = self._writes = None
