"""``tanfeng demo --db PATH`` rebuilds only a demo database; anything else at PATH is left exactly as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from builders import PlanBuilder
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.services.plan_import import import_plan


def _demo(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tanfeng", "demo", "--no-serve", "--db", str(path)],
                          capture_output=True, text=True, timeout=300)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_refuses_a_real_database_and_other_files(tmp_path: Path) -> None:
    real = tmp_path / "tanfeng.db"  # the office's own database, with a plan in it
    db = Database(f"sqlite:///{real}")
    upgrade(db)
    import_plan(db, PlanBuilder().plan(), actor="office")
    db.dispose()
    wal = Path(f"{real}-wal")
    wal.write_bytes(b"")  # a side file of the live database
    notes = tmp_path / "笔记.docx"
    notes.write_bytes(b"PK\x03\x04 some document")
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (real, notes, folder):
        before = _digest(target) if target.is_file() else None
        result = _demo(target)
        assert result.returncode == 2, result.stdout
        assert "不是 tanfeng demo 建立的示例数据库，未作任何改动" in result.stderr
        assert (_digest(target) if target.is_file() else None) == before
    assert wal.exists()
    orphan_wal = tmp_path / "gone.db-wal"  # the main file is gone, its journal is not: leave it alone too
    orphan_wal.write_bytes(b"x")
    assert _demo(tmp_path / "gone.db").returncode == 2 and orphan_wal.read_bytes() == b"x"


def test_demo_replaces_its_own_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    first = _demo(path)
    assert first.returncode == 0, first.stderr
    second = _demo(path)
    assert second.returncode == 0, second.stderr
