"""Backup and restore of the whole database: SQLite's online backup API, ``pg_dump``/``pg_restore``.

A backup is taken while the application runs (a consistent snapshot) and written under a temporary
name first, so a half-written backup never stands under the chosen name. A restore checks the file
first (a tanfeng database, a schema revision this version knows), then replaces the database in one
step; an older backup is migrated to the current schema afterwards. ``tanfeng.services.backup`` puts
this file and the supporting documents its rows name into one archive.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from tanfeng.db.migrate import alembic_config, current_revision, upgrade
from tanfeng.db.roles import grant_app_role, granted_roles
from tanfeng.db.session import Database
from tanfeng.errors import TanfengError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
REQUIRED_TABLES = ("alembic_version", "plans", "observations", "observation_revisions")


class BackupError(TanfengError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    backend: str  # sqlite | postgresql
    revision: str | None  # schema revision of the backup
    size: int
    upgraded_to: str | None = None  # after a restore of an older backup


def _sqlite_path(db: Database) -> Path:
    return Path(make_url(db.url).database or "")


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _known_revisions(db: Database) -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config(db)).walk_revisions()}


def _pg_env(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password (that goes through PGPASSWORD, not the process list)."""
    url = make_url(db.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    tool = args[0]
    if shutil.which(tool) is None:
        raise BackupError(f"找不到{tool}（PostgreSQL客户端），请安装 postgresql-client / {tool} not found: "
                          "install the PostgreSQL client tools")
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["?"])[0]
        raise BackupError(f"{what}失败：{first} / {what} failed: {first}")
    return done.stdout


def backup(db: Database, dest: Path) -> BackupInfo:
    """Write a consistent copy of the whole database to ``dest`` (replaced if it exists)."""
    dest = dest.expanduser()
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(dest)
    try:
        if db.is_sqlite:
            source = sqlite3.connect(_sqlite_path(db))
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                target.close()
                source.close()
        else:
            uri, env = _pg_env(db)
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={uri}"], env,
                 "pg_dump 备份 / backup")
        info = inspect_backup(partial)
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(dest, info.backend, info.revision, dest.stat().st_size)


def _sqlite_revision(path: Path, shown: Path) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{shown}: SQLite文件已损坏 / {shown}: the SQLite file is damaged")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BackupError(f"{shown}: 不是碳峰数据库（缺少表{'、'.join(missing)}）/ {shown}: not a tanfeng "
                              f"database (no table {', '.join(missing)})")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{shown}: 无法读取（{err}）/ {shown}: cannot be read ({err})") from err
    finally:
        conn.close()


def _pg_revision(path: Path, shown: Path) -> str | None:
    listing = _run(["pg_restore", "--list", str(path)], dict(os.environ), "读取备份 / reading the backup")
    missing = [t for t in REQUIRED_TABLES if not re.search(rf"TABLE DATA \S+ {t} ", listing)]
    if missing:
        raise BackupError(f"{shown}: 不是碳峰数据库备份（缺少表{'、'.join(missing)}）/ {shown}: not a tanfeng "
                          f"backup (no table {', '.join(missing)})")
    data = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)],
                dict(os.environ), "读取备份 / reading the backup")
    rows = re.search(r"COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.", data, re.S)
    return rows.group(1).strip().splitlines()[0] if rows and rows.group(1).strip() else None


def database_kind(path: Path) -> str | None:
    """``sqlite`` or ``postgresql`` if the file starts like a database backup, else None (unreadable: an error)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise BackupError(f"{path}: 无法打开（{err.strerror}）/ {path}: cannot be opened ({err.strerror})") from err
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return None


def inspect_backup(path: Path, shown: Path | None = None) -> BackupInfo:
    """What a backup file holds (backend, schema revision); refuses anything else with a clear message.

    ``shown`` names the file in messages (the backup archive a database file was taken out of).
    """
    shown = shown or path
    kind = database_kind(path)
    if kind == "sqlite":
        return BackupInfo(shown, "sqlite", _sqlite_revision(path, shown), path.stat().st_size)
    if kind == "postgresql":
        return BackupInfo(shown, "postgresql", _pg_revision(path, shown), path.stat().st_size)
    raise BackupError(f"{shown}: 不是碳峰备份文件（SQLite文件或pg_dump归档）/ {shown}: not a tanfeng backup "
                      "(a SQLite file or a pg_dump archive)")


def check_restore(db: Database, source: Path, shown: Path | None = None) -> BackupInfo:
    """Everything a restore of ``source`` into ``db`` checks before it changes anything (the file, its revision)."""
    shown = shown or source
    info = inspect_backup(source, shown)
    backend = "sqlite" if db.is_sqlite else "postgresql"
    if info.backend != backend:
        raise BackupError(f"{shown}: 这是{info.backend}备份，不能恢复到{backend}数据库 / {shown}: a {info.backend} "
                          f"backup cannot be restored into a {backend} database")
    known = _known_revisions(db)
    if info.revision is not None and info.revision not in known:
        raise BackupError(f"{shown}: 备份的数据库版本{info.revision}比本程序新，请先升级 tanfeng / {shown}: schema "
                          f"revision {info.revision} is newer than this tanfeng")
    if not db.is_sqlite:
        current = current_revision(db)
        if current is not None and info.revision is not None and current != info.revision:
            raise BackupError(f"{shown}: 备份版本{info.revision}与数据库版本{current}不同：请恢复到一个空数据库（之后自动迁移）/ "
                              f"{shown}: backup revision {info.revision} differs from the database's {current}: "
                              "restore into an empty database (it is migrated afterwards)")
    return info


def restore(db: Database, source: Path, shown: Path | None = None) -> BackupInfo:
    """Replace the whole database by the backup ``source`` (checked first); migrate it if it is older."""
    source = source.expanduser()
    shown = shown or source
    info = check_restore(db, source, shown)
    db.dispose()
    if db.is_sqlite:
        _restore_sqlite(db, source)
    else:
        _restore_pg(db, source)
    upgraded = None
    if info.revision != _head(db):  # an older backup: migrated to this version's schema
        upgrade(db)
        upgraded = current_revision(db)
    db.dispose()
    return BackupInfo(shown, info.backend, info.revision, info.size, upgraded)


def _head(db: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def _restore_sqlite(db: Database, source: Path) -> None:
    path = _sqlite_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    backup_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(path, timeout=30)
    try:
        backup_conn.backup(target)  # page by page into the live file, under its write lock; all or nothing
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        backup_conn.close()


def _restore_pg(db: Database, source: Path) -> None:
    with db.engine.connect() as conn:  # the revision was checked (check_restore)
        roles = granted_roles(conn) if current_revision(db) is not None else []
    db.dispose()
    uri, env = _pg_env(db)
    _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
          "--no-acl", f"--dbname={uri}", str(source)], env, "pg_restore 恢复 / restore")
    with db.engine.begin() as conn:  # the tables are new objects: the application role needs its grants again
        for role in roles:
            grant_app_role(conn, role)
