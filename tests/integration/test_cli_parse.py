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


def test_explain_prints_sentence_rule_and_rejected_readings(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("某县碳达峰实施方案\n一、主要目标\n到2025年，全县单位地区生产总值能源消耗下降14%（力争下降15%）。"
                    "2022年，全县森林覆盖率为60%。\n二、重点任务\n（一）能源绿色低碳转型行动\n"
                    "1.大力发展光伏。推进屋顶光伏。（牵头单位：县发改委；完成时限：2025年底前）\n", encoding="utf-8")
    out = _run("parse", "--explain", str(plan))
    assert out.returncode == 0, out.stderr.decode()
    text = out.stdout.decode("utf-8")
    assert "T1 [verb-number, 0.9] 单位地区生产总值能源消耗 · 2025" in text
    assert "句子 sentence: 到2025年，全县单位地区生产总值能源消耗下降14%（力争下降15%）" in text
    assert "未采用 rejected: 「15%」 力争值" in text  # the stretch figure is not a second target
    assert "「60%」" in text and "history" in text  # 2022年 in a plan without a date before its first deadline
    assert "A1.1 [heading+annotation, 0.9] 大力发展光伏 — 牵头 lead: 县发改委；完成时限 due: 2025年底前" in text
    missing = _run("parse", "--explain", str(tmp_path / "absent.txt"))
    assert missing.returncode == 2 and b"absent.txt" in missing.stderr


def test_json_carries_rule_confidence_and_due_as_optional_fields(tmp_path: Path) -> None:
    out = _run("parse", "--format", "json", str(example_plan_path()))
    doc = json.loads(out.stdout.decode("utf-8"))
    assert all(t["rule"] and 0 < t["confidence"] <= 1 for t in doc["targets"])
    assert all(t["rule"] and 0 < t["confidence"] <= 1 and "due" in t for t in doc["tasks"])
    # the optional fields round-trip through the model, and a document without them still loads
    from tanfeng.plans import Plan

    for t in doc["targets"]:
        del t["rule"], t["confidence"]
    assert Plan.model_validate(doc).targets[0].confidence is None
