"""The ``tanfeng parse`` command as users run it: real files, real process, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tanfeng.plans import example_plan_path


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tanfeng", *args], input=stdin, capture_output=True, timeout=120)


def test_parse_json_follows_the_contract() -> None:
    out = _run("parse", "--format", "json", str(example_plan_path()))
    assert out.returncode == 0, out.stderr.decode()
    doc = json.loads(out.stdout.decode("utf-8"))
    assert doc["schema_version"] == "1"
    assert set(doc) >= {"source", "meta", "parents", "actions", "tasks", "targets"}
    assert set(doc["source"]) >= {"path", "sha256", "format", "encoding", "script"}
    assert set(doc["meta"]) >= {"title", "region", "issuer", "doc_number", "date", "status", "peak_year"}
    target_keys = {"id", "indicator", "code", "change", "value", "unit", "stretch_value", "bound", "commitment",
                   "year", "baseline_year", "assigned", "task_id", "sentence"}
    assert all(set(t) >= target_keys for t in doc["targets"])
    task_ids = {t["id"] for t in doc["tasks"]}
    assert all(t["task_id"] is None or t["task_id"] in task_ids for t in doc["targets"])
    assert "发" in out.stdout.decode("utf-8")  # ensure_ascii=False


def test_parse_markdown_outline() -> None:
    out = _run("parse", "--format", "markdown", str(example_plan_path()))
    text = out.stdout.decode("utf-8")
    assert out.returncode == 0
    assert text.startswith("# 上犹县碳达峰实施方案")
    assert "## A1 能源绿色低碳转型行动" in text and "牵头 县发改委" in text and "| 森林覆盖率 |" in text


def test_stdin_and_out_dir(tmp_path: Path) -> None:
    data = example_plan_path().read_bytes()
    out = _run("parse", "-", "--out", str(tmp_path), stdin=data)
    assert out.returncode == 0, out.stderr.decode()
    doc = json.loads((tmp_path / "stdin.json").read_text(encoding="utf-8"))
    assert doc["meta"]["title"] == "上犹县碳达峰实施方案"


def test_bad_files_exit_2_with_one_line_each_and_good_files_still_parse(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    out = _run("parse", str(empty), str(example_plan_path()), str(binary), str(tmp_path / "missing.txt"))
    assert out.returncode == 2
    errors = out.stderr.decode("utf-8").strip().splitlines()
    assert len(errors) == 3
    assert str(empty) in errors[0] and "empty" in errors[0] and "为空" in errors[0]
    assert str(binary) in errors[1]
    assert "missing.txt" in errors[2]
    doc = json.loads(out.stdout.decode("utf-8"))
    assert doc["meta"]["title"] == "上犹县碳达峰实施方案"
