"""``tanfeng consult`` end to end on SQLite and PostgreSQL: open, enter, dispose, final, link, report."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from tanfeng.cli import app
from tanfeng.plans import example_plan_path
from tanfeng.services.consultation import today_cn

from .consultation_helpers import draft_text, final_text


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_consult_commands(db_url: str, tmp_path: Path) -> None:
    assert example_plan_path().exists()
    _run("plan", "import", str(example_plan_path()), "--db", db_url)
    closes = (today_cn() + timedelta(days=10)).isoformat()
    out = _run("consult", "open", "--closes", closes, "--channels", "web,email,letter", "--office", "县发改委",
               "--email", "fgw@example.gov.cn", "--db", db_url)
    assert "已发起征求意见 #1" in out
    _run("consult", "notice", "1", "-o", str(tmp_path / "notice.docx"), "--db", db_url)
    assert "fgw@example.gov.cn" in "".join(p.text for p in Document(str(tmp_path / "notice.docx")).paragraphs)
    _run("consult", "add", "1", "--channel", "email", "--text", "建议提高风电、光伏发电装机容量目标",
         "--name", "李四", "--contact", "lisi@example.cn", "--db", db_url)
    letter = tmp_path / "letter.txt"
    letter.write_text("森林覆盖率目标可再提高", encoding="utf-8")
    _run("consult", "add", "1", "--channel", "letter", "--file", str(letter), "--db", db_url)
    bad = CliRunner().invoke(app, ["consult", "add", "1", "--channel", "phone", "--text", "x", "--db", db_url])
    assert bad.exit_code == 2 and "未开放" in bad.output
    comments = json.loads(_run("consult", "comments", "1", "--format", "json", "--db", db_url))
    assert [c["about"] for c in comments] == ["T5", "T22"]
    assert "lisi@example.cn" not in json.dumps(comments, ensure_ascii=False)
    _run("consult", "dispose", "YJ1-0001", "--as", "采纳", "--reason", "已提高", "--ref", "T5", "--db", db_url)
    _run("consult", "dispose", "YJ1-0002", "--as", "未采纳", "--reason", "已为较高水平", "--db", db_url)

    final = tmp_path / "final.txt"
    final.write_text(final_text(draft_text()), encoding="utf-8")
    _run("plan", "import", str(final), "--db", db_url)
    _run("consult", "final", "1", "--db", db_url)
    changes = json.loads(_run("consult", "changes", "1", "--format", "json", "--db", db_url))
    target = next(c for c in changes if c["key"].startswith("target:"))
    assert target["draft"] == "T5" and "YJ1-0001" in target["related"]
    _run("consult", "link", "YJ1-0001", target["key"], "--db", db_url)
    _run("consult", "report", "1", "-o", str(tmp_path / "report.xlsx"), "--db", db_url)
    _run("consult", "report", "1", "-o", str(tmp_path / "report.docx"), "--db", db_url)
    cells = [str(c.value) for ws in load_workbook(tmp_path / "report.xlsx") for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert any("YJ1-0001" in c for c in cells) and "采纳" in cells and "未采纳" in cells
    assert not any("lisi@example.cn" in c for c in cells)
    doc = Document(str(tmp_path / "report.docx"))
    assert any("YJ1-0001" in cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    refused = CliRunner().invoke(app, ["consult", "purge", "1", "--db", db_url])
    assert refused.exit_code == 2 and "截止后" in refused.output
