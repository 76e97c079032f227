"""``tanfeng db backup`` / ``restore`` / ``inspect`` carry the supporting documents (佐证材料) with the database.

Documents are uploaded through the web workspace, backed up and restored by the command in its own
process, on SQLite and PostgreSQL; the restored files are compared byte for byte and downloaded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from integration.conftest import _emptied, db_url, owner_url, pg_url, sqlite_template  # noqa: F401
from tanfeng.db import backup as db_backup
from tanfeng.db.attachment_models import Attachment
from tanfeng.db.base import Base
from tanfeng.db.session import Database
from tanfeng.services.attachments import AttachmentStore
from tanfeng.services.backup import MANIFEST, backup
from tanfeng.web import WebSettings, create_app

from .conftest import OTHER_UNIT, OWN_UNIT, Fixture, login, populate
from .test_review_attachments import PDF, PNG, _docx, _submit, _upload


def tanfeng(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tanfeng", *args], capture_output=True, text=True, timeout=180,
                          env=None if env is None else {**os.environ, **env})


def _owner(url: str) -> str:
    return url if url.startswith("sqlite") else owner_url(url)


def _app(db: Database, store_dir: Path) -> TestClient:
    return create_app(WebSettings(mode="development", secret_key="test-secret-key-that-is-long-enough-0123456789",
                                  attachments_dir=store_dir), db)


def _upload_documents(db: Database, fx: Fixture, store_dir: Path) -> dict[int, bytes]:
    """Documents of two units, on a value and on a progress report (one file on two items): id → bytes."""
    app = _app(db, store_dir)
    reporter, forestry = login(app, "unit2"), login(app, "unit")
    _submit(reporter, fx.unit_ids[OTHER_UNIT], fx.indicator["renewable_capacity"], "2024", 31.5)
    _submit(forestry, fx.unit_ids[OWN_UNIT], fx.indicator["forest_coverage"], "2024", 81.0)
    plan_id = reporter.get("/api/v1/status").json()[0]["plan_id"]
    document = _docx()
    for client, name, data, fields in (
            (reporter, "2024年光伏并网容量统计.pdf", PDF, {"indicator_id": fx.indicator["renewable_capacity"]}),
            (reporter, "项目验收报告.docx", document, {"plan_id": plan_id, "task": "A1.1"}),
            (reporter, "现场照片.png", PNG, {"plan_id": plan_id, "task": "A1.1"}),
            (forestry, "造林现场.png", PNG, {"indicator_id": fx.indicator["forest_coverage"]})):
        response = _upload(client, name, data, period="2024", **fields)
        assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    by_sha = {hashlib.sha256(b).hexdigest(): b for b in (PDF, PNG, document)}
    with db.transaction() as session:
        by_id = {r.id: by_sha[r.sha256] for r in session.scalars(select(Attachment).order_by(Attachment.id))}
    assert len(by_id) == 4 and len({hashlib.sha256(b).hexdigest() for b in by_id.values()}) == 3
    return by_id


def _read(store_dir: Path, sha: str) -> bytes:
    return (store_dir / sha[:2] / sha).read_bytes()


def _snapshot(db: Database) -> dict[str, object]:
    with db.engine.connect() as conn:
        counts = {t.name: conn.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
        docs = conn.execute(text("SELECT id, filename, sha256, size FROM attachments ORDER BY id")).all()
    return {"counts": counts, "attachments": [tuple(d) for d in docs]}


def _files(store_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(store_dir)): p.read_bytes() for p in sorted(store_dir.rglob("*")) if p.is_file()}


def _lose_database(db: Database, url: str) -> None:
    db.dispose()
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for lost in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            lost.unlink(missing_ok=True)
    else:
        _emptied(url)


def test_documents_come_back_byte_identical_and_are_served(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    db = Database(db_url)
    store_dir = tmp_path / "documents"
    try:
        documents = _upload_documents(db, populate(db), store_dir)
        saved = _snapshot(db)
        file = tmp_path / "备份" / "tanfeng-2024-12-01.backup"
        done = tanfeng("db", "backup", str(file), "--db", db_url, "--attachments-dir", str(store_dir))
        assert done.returncode == 0, done.stderr
        assert "佐证材料 / documents 3" in done.stdout and not done.stderr
        assert not [p for p in file.parent.iterdir() if p.name.startswith(".")]  # no partial left beside it
        with zipfile.ZipFile(file) as archive:  # the database member is the plain database backup
            manifest = json.loads(archive.read(MANIFEST))
            member = manifest["database"]["name"]
            head = archive.read(member)[:16]
        assert head.startswith(b"SQLite format 3" if db.is_sqlite else b"PGDMP")
        assert {a["sha256"] for a in manifest["attachments"]} == {hashlib.sha256(b).hexdigest()
                                                                   for b in documents.values()}
        shown = tanfeng("db", "inspect", str(file), "--json")
        assert shown.returncode == 0, shown.stderr
        facts = json.loads(shown.stdout)
        assert (facts["attachments"], facts["missing"], facts["backend"]) == (
            3, 0, "sqlite" if db.is_sqlite else "postgresql")
        assert facts["attachment_bytes"] == sum(len(b) for b in {hashlib.sha256(b).digest(): b
                                                                 for b in documents.values()}.values())

        asked = subprocess.run([sys.executable, "-m", "tanfeng", "db", "restore", str(file), "--db", _owner(db_url),
                                "--attachments-dir", str(store_dir)], capture_output=True, text=True, input="n\n",
                               timeout=120)
        assert asked.returncode == 1 and "佐证材料 / documents 3" in asked.stdout, asked.stdout
        assert _snapshot(db) == saved

        _lose_database(db, db_url)
        shutil.rmtree(store_dir)
        store_dir.mkdir()
        unrelated = AttachmentStore(store_dir).put(b"%PDF-1.4 another office's file")  # not in the backup

        back = tanfeng("db", "restore", str(file), "--yes", "--db", _owner(db_url),
                       env={"TANFENG_ATTACHMENTS_DIR": str(store_dir)})  # the directory from the environment
        assert back.returncode == 0, back.stderr
        assert "已恢复" in back.stdout and "备份中3个，放回3个，已在目录中0个" in back.stdout and not back.stderr
        assert _snapshot(db) == saved
        for data in documents.values():  # byte-identical under their names
            assert _read(store_dir, hashlib.sha256(data).hexdigest()) == data
        assert _read(store_dir, unrelated) == b"%PDF-1.4 another office's file"  # left alone
        assert not [p for p in store_dir.iterdir() if p.name.startswith(".")]  # no staging left
        office = login(_app(db, store_dir), "office")
        for attachment_id, data in documents.items():  # served again by the workspace
            download = office.get(f"/attachments/{attachment_id}/file")
            assert download.status_code == 200 and download.content == data

        again = tanfeng("db", "restore", str(file), "--yes", "--db", _owner(db_url), "--attachments-dir",
                        str(store_dir))
        assert again.returncode == 0 and "放回0个，已在目录中3个" in again.stdout, again.stderr
    finally:
        db.dispose()


def test_a_damaged_or_altered_backup_is_refused_and_nothing_changes(db_url: str,  # noqa: F811
                                                                    tmp_path: Path) -> None:
    db = Database(db_url)
    store_dir = tmp_path / "documents"
    try:
        fx = populate(db)
        _upload_documents(db, fx, store_dir)
        good = tmp_path / "good.backup"
        backup(db, good, AttachmentStore(store_dir))
        # an altered document: same name and size, valid zip checksums, other bytes
        altered = tmp_path / "altered.backup"
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(altered, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename.startswith("attachments/") and data == PNG:
                    data = data[:-1] + bytes([data[-1] ^ 0xFF])
                dst.writestr(item, data)
        other_database = tmp_path / "other-database.backup"  # the database member changed, the manifest not
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(other_database, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename.startswith("database."):
                    data = data[:-1] + bytes([data[-1] ^ 0x01])
                dst.writestr(item, data)
        cut = tmp_path / "cut.backup"
        cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])

        # life goes on, and the directory changes: one file lost, so a refused restore must not bring it back
        _submit(login(_app(db, store_dir), "unit"), fx.unit_ids[OWN_UNIT], fx.indicator["forest_coverage"], "2025",
                82.0)
        lost = hashlib.sha256(PDF).hexdigest()
        (store_dir / lost[:2] / lost).unlink()
        saved, files = _snapshot(db), _files(store_dir)
        db.dispose()
        for bad, words in ((altered, "的内容与SHA-256不符"), (other_database, "database."), (cut, "压缩包无法读取")):
            for command in (("restore", str(bad), "--yes", "--db", _owner(db_url), "--attachments-dir",
                             str(store_dir)), ("inspect", str(bad))):
                result = tanfeng("db", *command)
                assert result.returncode == 2, result.stdout
                lines = result.stderr.strip().splitlines()
                assert len(lines) == 1 and "备份文件已损坏或被改动" in lines[0] and words in lines[0], lines
                assert "the backup is damaged or altered" in lines[0] and str(bad) in lines[0]
        assert _snapshot(db) == saved
        assert _files(store_dir) == files
        assert not [p for p in store_dir.iterdir() if p.name.startswith(".")]
    finally:
        db.dispose()


def test_missing_files_are_reported_at_backup_and_after_restore(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    db = Database(db_url)
    store_dir = tmp_path / "documents"
    try:
        _upload_documents(db, populate(db), store_dir)
        lost = hashlib.sha256(PDF).hexdigest()
        (store_dir / lost[:2] / lost).unlink()
        damaged = hashlib.sha256(PNG).hexdigest()
        (store_dir / damaged[:2] / damaged).write_bytes(PNG[:-4])  # no longer what its name says
        info = tanfeng("db", "info", "--json", "--db", db_url, "--attachments-dir", str(store_dir))
        assert info.returncode == 0, info.stderr
        assert json.loads(info.stdout)["attachments_missing"] == 2  # seen before any backup is taken
        assert json.loads(info.stdout)["attachments_dir"] == str(store_dir)
        file = tmp_path / "tanfeng.backup"
        done = tanfeng("db", "backup", str(file), "--db", db_url, "--attachments-dir", str(store_dir))
        assert done.returncode == 0, done.stderr
        assert "警告：2个佐证材料文件" in done.stderr and "2 document file(s) missing" in done.stderr
        assert "佐证材料 / documents 1" in done.stdout
        shown = tanfeng("db", "inspect", str(file))
        assert shown.returncode == 0 and "佐证材料 / documents 1" in shown.stdout and "2个佐证材料文件缺失" in shown.stdout
        assert "备份完好 / backup intact" in shown.stdout and "备份时间 / taken at: 20" in shown.stdout
        _lose_database(db, db_url)
        shutil.rmtree(store_dir)
        back = tanfeng("db", "restore", str(file), "--yes", "--db", _owner(db_url), "--attachments-dir",
                       str(store_dir))
        assert back.returncode == 0, back.stderr
        assert "放回1个" in back.stdout and "警告：恢复后的数据库中有2个佐证材料文件" in back.stderr
    finally:
        db.dispose()


def test_a_database_only_backup_still_restores(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    db = Database(db_url)
    store_dir = tmp_path / "documents"
    try:
        fx = populate(db)
        documents = _upload_documents(db, fx, store_dir)
        old = tmp_path / "old.backup"
        db_backup.backup(db, old)  # the database file alone, as backups were written before
        saved, files = _snapshot(db), _files(store_dir)
        _submit(login(_app(db, store_dir), "unit"), fx.unit_ids[OWN_UNIT], fx.indicator["forest_coverage"], "2025",
                82.0)
        assert _snapshot(db) != saved
        db.dispose()
        shown = tanfeng("db", "inspect", str(old))
        assert shown.returncode == 0 and "不含佐证材料" in shown.stdout, shown.stderr
        back = tanfeng("db", "restore", str(old), "--yes", "--db", _owner(db_url), "--attachments-dir",
                       str(store_dir))
        assert back.returncode == 0, back.stderr
        assert "此备份不含佐证材料" in back.stdout and "this backup holds no documents" in back.stdout
        assert _snapshot(db) == saved and _files(store_dir) == files
        office = login(_app(db, store_dir), "office")
        attachment_id, data = next(iter(documents.items()))
        assert office.get(f"/attachments/{attachment_id}/file").content == data
    finally:
        db.dispose()
