"""``tanfeng enterprises|projects template|import|check|list`` on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from integration.enterprise_helpers import enterprise_rows, two_counties, write_enterprises, write_projects
from tanfeng.cli import app
from tanfeng.db.session import Database


def test_cli_round_trip(db: Database, db_url: str, tmp_path: Path) -> None:
    two_counties(db)
    runner = CliRunner()
    out = tmp_path / "template.xlsx"
    result = runner.invoke(app, ["enterprises", "template", "-o", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "企业名录" and wb["企业名录"].data_validations.dataValidation  # lists and checks

    bad = enterprise_rows()
    bad[0]["uscc"] = bad[0]["uscc"][:17] + ("1" if bad[0]["uscc"][17] != "1" else "2")  # wrong check character
    result = runner.invoke(app, ["enterprises", "check", str(write_enterprises(tmp_path / "bad.xlsx", bad)),
                                 "--db", db_url])
    assert result.exit_code == 2
    assert "第2行" in result.output and "row 2" in result.output and "校验位" in result.output

    good = write_enterprises(tmp_path / "e.xlsx")
    result = runner.invoke(app, ["enterprises", "check", str(good), "--db", db_url])
    assert result.exit_code == 0 and "would create 3" in result.output
    result = runner.invoke(app, ["enterprises", "list", "--format", "json", "--db", db_url])
    assert json.loads(result.output) == []  # the check stored nothing
    result = runner.invoke(app, ["enterprises", "import", str(good), "--db", db_url, "--actor", "office"])
    assert result.exit_code == 0 and "created 3" in result.output, result.output
    result = runner.invoke(app, ["projects", "import", str(write_projects(tmp_path / "p.xlsx")), "--db", db_url])
    assert result.exit_code == 0 and "created 3" in result.output, result.output

    result = runner.invoke(app, ["projects", "list", "--class", "entry", "--format", "json", "--db", db_url])
    listed = json.loads(result.output)
    assert [(p["code"], p["class"], p["entry_flag"]) for p in listed] == [
        ("2024-360724-30-01-000001", "below_baseline", True)]
    result = runner.invoke(app, ["projects", "list", "--db", db_url])
    assert "低于基准水平（限期改造或淘汰）" in result.output and "118 kgce/t" in result.output
    export = tmp_path / "export.xlsx"
    result = runner.invoke(app, ["projects", "list", "-f", "xlsx", "-o", str(export), "--db", db_url])
    assert result.exit_code == 0
    values = [c for row in load_workbook(export).active.iter_rows(values_only=True) for c in row]
    assert "低于基准水平（限期改造或淘汰）" in values and "标杆与基准之间（改造升级）" in values


def test_users_add_an_enterprise_account(db: Database, db_url: str, tmp_path: Path) -> None:
    from integration.enterprise_helpers import USCC_A
    from tanfeng.services import enterprises
    from tanfeng.services.accounts import list_accounts

    two_counties(db)
    enterprises.import_enterprises(db, write_enterprises(tmp_path / "e.xlsx"), actor="office")
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "ent", "--role", "enterprise", "--enterprise", USCC_A,
                                 "--password-stdin", "--db", db_url], input="correct-horse-1\n")
    assert result.exit_code == 0, result.output
    account = next(a for a in list_accounts(db) if a.username == "ent")
    assert account.role == "enterprise" and account.enterprise_id is not None
    result = runner.invoke(app, ["users", "add", "ent2", "--role", "enterprise", "--password-stdin", "--db", db_url],
                           input="correct-horse-1\n")
    assert result.exit_code == 2 and "an enterprise account needs its enterprise" in result.output
