"""kill -9 in the middle of a plan import, a large template import and a report build: nothing half-done.

Each command runs in its own process (``kill_runner.py``), stops at a chosen point inside its
work (an INSERT inside its transaction, or half-way into writing its output file) and is killed
with SIGKILL there. Then the database must be exactly as before, intact, and the same command must
succeed when run again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from builders import PlanBuilder
from tanfeng.db.base import Base
from tanfeng.db.session import Database
from tanfeng.services.plan_import import import_plan
from tanfeng.services.templates import write_template

RUNNER = Path(__file__).with_name("kill_runner.py")
UNIT = "县林业局"


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def _intact(db: Database) -> None:
    with db.engine.connect() as conn:
        if db.is_sqlite:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        else:  # no transaction of the killed process is left open on the server
            left = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND state LIKE 'idle in transaction%'")).scalar()
            assert left == 0


def _run_and_kill(tmp_path: Path, kind: str, arg: str, *args: str) -> None:
    marker = tmp_path / f"paused-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, str(RUNNER), str(marker), kind, arg, "--", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the command ended before its pause point (exit {proc.returncode}): {out}{err}")
        assert time.monotonic() < deadline, "the command never reached its pause point"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]


def _tanfeng(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tanfeng", *args], capture_output=True, text=True, timeout=300)


def _big_plan(region: str, n: int) -> PlanBuilder:
    """A plan with ``n`` level targets, all led by one unit (a workbook of ``n`` rows for it)."""
    builder = PlanBuilder(region=region, title=f"{region}碳达峰实施方案")
    builder.tasks = [*builder.tasks, *({"id": f"A1.{i + 3}", "action": "A1", "title": f"重点工程{i + 3}",
                                        "text": "推进实施。", "lead": UNIT, "units": [UNIT, "县发改委"],
                                        "target_ids": [f"T{i + 6}"]} for i in range(n))]
    builder.targets = [*builder.targets, *({"id": f"T{i + 6}", "indicator": f"重点工程{i + 3}完成率",
                                            "code": None, "change": "level", "value": 100, "unit": "%",
                                            "year": 2025, "task_id": f"A1.{i + 3}",
                                            "sentence": f"重点工程{i + 3}完成率达到100%"} for i in range(n))]
    return builder


@pytest.mark.parametrize("after", [3, 400])
def test_killed_plan_import_leaves_no_partial_plan(db_url: str, db: Database, tmp_path: Path, after: int) -> None:
    import_plan(db, _big_plan("示例县", 20).plan(), actor="office")  # a stored plan the kill must not touch
    path = tmp_path / "乙市.json"
    path.write_text(_big_plan("乙市", 150).plan().to_json(), encoding="utf-8")
    before = _counts(db)
    _run_and_kill(tmp_path, "sql", str(after), "plan", "import", str(path), "--db", db_url)
    assert _counts(db) == before
    _intact(db)
    again = _tanfeng("plan", "import", str(path), "--db", db_url)
    assert again.returncode == 0 and "已导入过" not in again.stdout, again.stderr  # stored now, not "already"
    assert _counts(db)["targets"] == before["targets"] + 155


def _filled_template(db: Database, path: Path) -> int:
    write_template(db, unit=UNIT, period="2024", path=path)
    wb = load_workbook(path)
    ws = wb["指标填报"]
    cols = {str(c.value).split("\n")[1]: c.column for c in ws[1] if c.value}
    rows = 0
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=cols["indicator_id"]).value is not None:
            ws.cell(row=row, column=cols["value"]).value = 50 + row % 40
            rows += 1
    wb.save(path)
    return rows


def test_killed_template_import_stores_no_half_batch(db_url: str, db: Database, tmp_path: Path) -> None:
    import_plan(db, _big_plan("示例县", 200).plan(), actor="office")
    path = tmp_path / f"{UNIT}-2024.xlsx"
    rows = _filled_template(db, path)
    assert rows >= 200
    before = _counts(db)
    _run_and_kill(tmp_path, "sql", str(rows // 2), "data", "import", str(path), "--db", db_url)
    assert _counts(db) == before and before["observations"] == 0
    _intact(db)
    again = _tanfeng("data", "import", str(path), "--db", db_url)
    assert again.returncode == 0, again.stderr
    assert _counts(db)["observations"] == rows


def _opens(path: Path) -> Any:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    return Document(str(path))


def test_killed_report_build_leaves_no_half_file(db_url: str, db: Database, tmp_path: Path) -> None:
    import_plan(db, _big_plan("示例县", 5).plan(), actor="office")
    before = _counts(db)
    out = tmp_path / "年度评估报告.docx"
    _run_and_kill(tmp_path, "write", ".docx", "report", "annual", "--year", "2024", "-o", str(out), "--db", db_url)
    assert not out.exists()  # a half-written file never stands under the name the office opens
    assert _counts(db) == before
    _intact(db)
    again = _tanfeng("report", "annual", "--year", "2024", "-o", str(out), "--db", db_url)
    assert again.returncode == 0, again.stderr
    assert "示例县" in "\n".join(p.text for p in _opens(out).paragraphs)
    assert [p.name for p in tmp_path.iterdir() if ".docx" in p.name] == [out.name]  # no partial left behind
