"""One backup holds everything a restore needs: the database and the supporting documents (佐证材料) its rows name.

A backup is a zip archive (written as ``.NAME.partial``, renamed when complete):

- ``tanfeng-backup.json``, the manifest: format version, backend, schema revision, the database member
  (name, size, SHA-256), every document file (SHA-256, size), and the files rows named that were missing
  from (or damaged in) the attachments directory when the backup was taken;
- ``database.sqlite`` or ``database.pgdump``: exactly the file ``tanfeng.db.backup`` writes (SQLite online
  backup, or ``pg_dump --format=custom``), so ``unzip`` gives back a plain database backup;
- ``attachments/ab/abcdef…``: the documents, named by their SHA-256 as in the attachments directory.

The database is copied first and the files it names are listed afterwards (a file is stored before its
row is written and never deleted), so every row of the backup has its file in it. A restore reads the
whole archive first — each file's SHA-256 against its name and the manifest, the database against the
manifest, into a staging directory — and changes nothing if anything is wrong. Then the database is
replaced and the staged files are renamed into the attachments directory; files there that the backup
does not hold are left alone (content-addressed: harmless). A database-only backup file (written before
documents were included) still restores as before; the result says the backup held no documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import inspect, select

from tanfeng.db import backup as db_backup
from tanfeng.db.attachment_models import Attachment
from tanfeng.db.backup import BackupError, BackupInfo
from tanfeng.db.session import Database
from tanfeng.services.attachments import AttachmentStore, file_sha256, fsync_path, missing_files

MANIFEST = "tanfeng-backup.json"
FORMAT = "tanfeng-backup"
VERSION = 1
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
_SHA = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveInfo:
    path: Path
    backend: str  # sqlite | postgresql
    revision: str | None
    size: int  # of the backup file
    attachments: int | None  # document files in the backup; None: a database-only backup (no documents)
    attachment_bytes: int = 0
    missing: int = 0  # files rows named that were missing or damaged when the backup was taken
    created_at: str | None = None  # UTC, ISO 8601


@dataclass(frozen=True)
class RestoreResult:
    database: BackupInfo
    attachments: int | None  # document files in the backup; None: a database-only backup
    written: int  # files put back into the attachments directory
    present: int  # already there with the right bytes
    still_missing: int  # files the restored rows name that the attachments directory does not have
    directory: Path


def attachment_member(sha256: str) -> str:
    return f"attachments/{sha256[:2]}/{sha256}"


def referenced_files(db: Database) -> list[str]:
    """The SHA-256 of every file an ``attachments`` row names (withdrawn ones too: their files stay)."""
    with db.transaction() as session:
        if not inspect(session.connection()).has_table(Attachment.__tablename__):
            return []  # a database of a schema before documents
        return sorted(session.scalars(select(Attachment.sha256).distinct()))


def backup(db: Database, dest: Path, store: AttachmentStore) -> ArchiveInfo:
    """Write the database and the documents its rows name to the archive ``dest`` (replaced if it exists).

    A file a row names that is missing from the store (or no longer has the bytes its name says) is left
    out and counted in ``missing``; the backup goes on.
    """
    dest = dest.expanduser()
    try:
        return _backup(db, dest, store)
    except OSError as err:
        where = err.filename or dest
        raise BackupError(f"{where}: 无法读写（{err.strerror}），未写出备份 / {where}: cannot be read or written "
                          f"({err.strerror}); no backup was written") from err


def _backup(db: Database, dest: Path, store: AttachmentStore) -> ArchiveInfo:
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent) as work:
            database = db_backup.backup(db, Path(work) / "database")
            files: list[tuple[str, int]] = []
            missing: list[str] = []
            for sha in referenced_files(db):  # after the copy: each of its rows' files is in the store by now
                if store.holds(sha):
                    files.append((sha, store.path(sha).stat().st_size))
                else:
                    missing.append(sha)
            member = DATABASE_MEMBERS[database.backend]
            manifest = {
                "format": FORMAT, "version": VERSION, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "backend": database.backend, "revision": database.revision,
                "database": {"name": member, "size": database.size, "sha256": file_sha256(database.path)},
                "attachments": [{"sha256": sha, "size": size} for sha, size in files],
                "missing": missing,
            }
            with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
                # a SQLite file shrinks a lot; a pg_dump archive and most documents are compressed already
                archive.write(database.path, member, compress_type=zipfile.ZIP_DEFLATED
                              if database.backend == "sqlite" else zipfile.ZIP_STORED)
                for sha, _size in files:
                    archive.write(store.path(sha), attachment_member(sha), compress_type=zipfile.ZIP_STORED)
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1),
                                 compress_type=zipfile.ZIP_DEFLATED)
            fsync_path(partial)
        os.replace(partial, dest)
        fsync_path(dest.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ArchiveInfo(dest, database.backend, database.revision, dest.stat().st_size, len(files),
                       sum(size for _, size in files), len(missing), str(manifest["created_at"]))


def _damaged(path: Path, zh: str, en: str) -> BackupError:
    return BackupError(f"{path}: 备份文件已损坏或被改动（{zh}），未作任何更改 / {path}: the backup is damaged or "
                       f"altered ({en}); nothing was changed")


class _Archive:
    """A backup archive, its manifest checked against its members; reading a member checks its bytes."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.zip = archive
        try:
            raw = archive.read(MANIFEST)
        except KeyError:
            raise BackupError(f"{path}: 不是碳峰备份文件（压缩包中没有{MANIFEST}）/ {path}: not a tanfeng backup "
                              f"(the archive has no {MANIFEST})") from None
        try:
            manifest = json.loads(raw)
        except ValueError:
            raise _damaged(path, "清单无法读取", "the manifest cannot be read") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: 不是碳峰备份文件 / {path}: not a tanfeng backup")
        version = manifest.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise BackupError(f"{path}: 备份格式版本{version}比本程序新，请先升级 tanfeng / {path}: backup format "
                              f"version {version} is newer than this tanfeng")
        self.manifest = manifest
        self.backend = str(manifest.get("backend"))
        database = manifest.get("database")
        if (self.backend not in DATABASE_MEMBERS or not isinstance(database, dict)
                or database.get("name") != DATABASE_MEMBERS[self.backend]
                or not isinstance(database.get("size"), int) or not _SHA.match(str(database.get("sha256")))):
            raise _damaged(path, "清单中的数据库项无效", "the manifest's database entry is invalid")
        self.database: dict[str, Any] = database
        self.files = self._files(manifest.get("attachments"))
        missing = manifest.get("missing", [])
        self.missing = len(missing) if isinstance(missing, list) else 0
        names = archive.namelist()
        expected = {MANIFEST, database["name"], *(attachment_member(sha) for sha in self.files)}
        if len(names) != len(set(names)) or set(names) != expected:
            extra = sorted(set(names) - expected)[:1] or sorted(expected - set(names))[:1] or ["?"]
            raise _damaged(path, f"成员与清单不符：{extra[0]}", f"members do not match the manifest: {extra[0]}")
        sizes = {attachment_member(sha): size for sha, size in self.files.items()}
        sizes[database["name"]] = database["size"]
        for item in archive.infolist():
            if item.filename != MANIFEST and item.file_size != sizes[item.filename]:
                raise _damaged(path, f"{item.filename}的大小与清单不符", f"{item.filename}: size differs from the manifest")

    def _files(self, entries: object) -> dict[str, int]:
        if not isinstance(entries, list):
            raise _damaged(self.path, "清单中没有佐证材料列表", "the manifest has no attachment list")
        files: dict[str, int] = {}
        for entry in entries:
            sha = entry.get("sha256") if isinstance(entry, dict) else None
            size = entry.get("size") if isinstance(entry, dict) else None
            if not isinstance(sha, str) or not _SHA.match(sha) or not isinstance(size, int) or size < 0 or sha in files:
                raise _damaged(self.path, "清单中的佐证材料项无效", "an attachment entry of the manifest is invalid")
            files[sha] = size
        return files

    @property
    def revision(self) -> str | None:
        value = self.manifest.get("revision")
        return None if value is None else str(value)

    def _copy(self, member: str, size: int, sha256: str, out: BinaryIO | None) -> None:
        """Read a member through (into ``out``), checking its size and SHA-256; raise if either differs."""
        digest = hashlib.sha256()
        seen = 0
        try:
            with self.zip.open(member) as src:
                while chunk := src.read(_CHUNK):
                    seen += len(chunk)
                    if seen > size:
                        break
                    digest.update(chunk)
                    if out is not None:
                        out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
            raise _damaged(self.path, f"{member}无法读取：{err}", f"{member} cannot be read: {err}") from err
        if seen != size or digest.hexdigest() != sha256:
            raise _damaged(self.path, f"{member}的内容与SHA-256不符", f"{member} does not match its SHA-256")

    def extract_database(self, directory: Path) -> Path:
        target = directory / str(self.database["name"])
        with target.open("wb") as out:
            self._copy(str(self.database["name"]), int(self.database["size"]), str(self.database["sha256"]), out)
        return target

    def check_files(self, stage: Path | None = None) -> None:
        """Every document's bytes against its name and size (and into ``stage``/<sha256>, fsynced, if given)."""
        for sha, size in self.files.items():
            if stage is None:
                self._copy(attachment_member(sha), size, sha, None)
                continue
            with (stage / sha).open("wb") as out:
                self._copy(attachment_member(sha), size, sha, out)
                out.flush()
                os.fsync(out.fileno())

    def info(self, revision: str | None = None) -> ArchiveInfo:
        return ArchiveInfo(self.path, self.backend, revision if revision is not None else self.revision,
                           self.path.stat().st_size, len(self.files), sum(self.files.values()), self.missing,
                           str(self.manifest.get("created_at") or "") or None)


@contextmanager
def _opened(path: Path) -> Iterator[_Archive]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with path.open("rb") as fh:
            if fh.read(2) == b"PK":  # a zip archive, cut short or damaged
                raise _damaged(path, "压缩包无法读取", "the archive cannot be read") from None
        raise BackupError(f"{path}: 不是碳峰备份文件（SQLite文件、pg_dump归档或碳峰备份压缩包）/ {path}: not a tanfeng "
                          "backup (a SQLite file, a pg_dump archive or a tanfeng backup archive)") from None
    except OSError as err:
        raise BackupError(f"{path}: 无法打开（{err.strerror}）/ {path}: cannot be opened ({err.strerror})") from err
    with archive:
        try:
            opened = _Archive(path, archive)
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            raise _damaged(path, f"清单无法读取：{err}", f"the manifest cannot be read: {err}") from err
        yield opened


def inspect_archive(path: Path, *, verify: bool = True) -> ArchiveInfo:
    """What a backup holds. ``verify``: read every member and check it (the database too), as a restore does."""
    path = path.expanduser()
    if db_backup.database_kind(path) is not None:  # a database-only backup: no documents in it
        info = db_backup.inspect_backup(path)
        return ArchiveInfo(path, info.backend, info.revision, info.size, None)
    with _opened(path) as archive:
        if not verify:
            return archive.info()
        with tempfile.TemporaryDirectory(prefix="tanfeng-inspect-") as work:
            database = db_backup.inspect_backup(archive.extract_database(Path(work)), path)
        if database.backend != archive.backend or database.revision != archive.revision:
            raise _damaged(path, "数据库与清单不符", "the database does not match the manifest")
        archive.check_files()
        return archive.info(database.revision)


def restore(db: Database, source: Path, store: AttachmentStore) -> RestoreResult:
    """Replace the database by the backup and put its documents back into the store; all checked first."""
    source = source.expanduser()
    if db_backup.database_kind(source) is not None:  # a database-only backup, restored as always
        done = db_backup.restore(db, source)
        return RestoreResult(done, None, 0, 0, missing_files(db, store), store.root)
    with _opened(source) as archive, tempfile.TemporaryDirectory(prefix="tanfeng-restore-") as work:
        database = archive.extract_database(Path(work))
        checked = db_backup.check_restore(db, database, source)
        if checked.backend != archive.backend or checked.revision != archive.revision:
            raise _damaged(source, "数据库与清单不符", "the database does not match the manifest")
        stage = _stage(store) if archive.files else None
        try:
            if stage is not None:
                archive.check_files(stage)
            done = db_backup.restore(db, database, source)
            written = present = 0
            try:
                directories: set[Path] = set()
                for sha in archive.files:
                    if store.holds(sha):
                        present += 1
                    else:
                        assert stage is not None  # files imply a stage
                        directories.add(store.place(stage / sha, sha, sync=False))
                        written += 1
                for directory in directories:  # the renames survive a crash
                    fsync_path(directory)
            except OSError as err:
                raise BackupError(f"数据库已恢复，但佐证材料未能全部放回{store.root}（{err.strerror}）：请修正后再恢复一次 / "
                                  f"the database was restored but not every document could be put back into "
                                  f"{store.root} ({err.strerror}): fix that and restore again") from err
        finally:
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
    return RestoreResult(done, len(archive.files), written, present, missing_files(db, store), store.root)


def _stage(store: AttachmentStore) -> Path:
    """A staging directory inside the store (the same file system: the files are renamed into place)."""
    try:
        store.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".restore-", dir=store.root))
    except OSError as err:
        raise BackupError(f"无法写入佐证材料目录{store.root}（{err.strerror}），未作任何更改 / cannot write to the "
                          f"attachments directory {store.root} ({err.strerror}); nothing was changed") from err
