"""An enterprise moved to another region by re-importing the list takes its accounts along (SQLite and
PostgreSQL): in the move's transaction, audited; the account's scope follows and the old region's office no
longer reaches the enterprise or its account; a check (dry run) moves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from integration.enterprise_helpers import (
    COUNTY_A,
    COUNTY_B,
    USCC_A,
    USCC_A2,
    enterprise_rows,
    two_counties,
    write_enterprises,
)
from tanfeng.cli import app
from tanfeng.db.account_models import AuditEntry
from tanfeng.db.enterprise_models import Enterprise
from tanfeng.db.session import Database
from tanfeng.services import accounts, enterprises
from tanfeng.services.enterprise_scope import enterprise_scope
from tanfeng.services.errors import NotAllowed
from tanfeng.services.regions import find_region_id

PASSWORD = "correct-horse-1"


def _moved_rows() -> list[dict[str, object]]:
    """The list again, with 示例水泥 (USCC_A) now under the other county."""
    return [dict(r, region=COUNTY_B) if r["uscc"] == USCC_A else r for r in enterprise_rows()]


def _moves(db: Database) -> list[AuditEntry]:
    with db.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "move_enterprise_account")
                                    .order_by(AuditEntry.id)))


def _enterprise_id(db: Database, uscc: str) -> int:
    with db.transaction() as session:
        found = session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))
        assert found is not None
        return found


@pytest.fixture
def moved_setup(db: Database, tmp_path: Path) -> tuple[Database, dict[str, accounts.Account]]:
    two_counties(db)
    enterprises.import_enterprises(db, write_enterprises(tmp_path / "e.xlsx"), actor="office")
    a, b = find_region_id(db, COUNTY_A), find_region_id(db, COUNTY_B)
    made = {
        "ent-a": accounts.create_user(db, username="ent-a", password=PASSWORD, role="enterprise",
                                      enterprise_id=_enterprise_id(db, USCC_A)),
        "ent-a2": accounts.create_user(db, username="ent-a2", password=PASSWORD, role="enterprise",
                                       enterprise_id=_enterprise_id(db, USCC_A2)),
        "office-a": accounts.create_user(db, username="office-a", password=PASSWORD, role="office", region_id=a),
        "office-b": accounts.create_user(db, username="office-b", password=PASSWORD, role="office", region_id=b),
    }
    assert made["ent-a"].region_id == a
    return db, made


def test_the_account_follows_its_enterprise_into_the_new_region(
        moved_setup: tuple[Database, dict[str, accounts.Account]], db_url: str, tmp_path: Path) -> None:
    db, made = moved_setup
    a, b = find_region_id(db, COUNTY_A), find_region_id(db, COUNTY_B)
    own = _enterprise_id(db, USCC_A)
    office_a, office_b = made["office-a"], made["office-b"]
    assert own in [e.id for e in enterprises.list_enterprises(db, office_a)]

    moved_file = write_enterprises(tmp_path / "moved.xlsx", _moved_rows())
    runner = CliRunner()
    # a check stores nothing: the enterprise and its account stay where they are
    result = runner.invoke(app, ["enterprises", "check", str(moved_file), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert accounts.get_account(db, made["ent-a"].id).region_id == a and not _moves(db)  # type: ignore[union-attr]

    result = runner.invoke(app, ["enterprises", "import", str(moved_file), "--db", db_url, "--actor", "office"])
    assert result.exit_code == 0, result.output
    assert "1个企业账号随企业迁入新地区" in result.output and "1 enterprise account(s) moved" in result.output

    account = accounts.get_account(db, made["ent-a"].id)
    assert account is not None and (account.region_id, account.region) == (b, COUNTY_B)
    other = accounts.get_account(db, made["ent-a2"].id)  # the enterprise that stayed: its account too
    assert other is not None and other.region_id == a
    # the account's scope: still its own enterprise, now in the new county
    scope = enterprise_scope(db, account)
    assert scope.reads(own, b) and not scope.reads(_enterprise_id(db, USCC_A2), a)
    assert [(e.id, e.region) for e in enterprises.list_enterprises(db, account)] == [(own, COUNTY_B)]
    # the old county's office no longer sees it; the new county's does
    assert own not in [e.id for e in enterprises.list_enterprises(db, office_a)]
    with pytest.raises(NotAllowed):
        enterprises.get_enterprise(db, office_a, own)
    assert enterprises.get_enterprise(db, office_b, own).region == COUNTY_B
    # one audit entry, in words the audit page names (the account, its enterprise, both regions)
    [entry] = _moves(db)
    assert (entry.entity, entry.entity_id, entry.username) == ("user", made["ent-a"].id, "office")
    assert entry.detail == {"enterprise_id": own, "old_region_id": a, "region_id": b, "file": "moved.xlsx"}

    # importing the same list again moves nothing more
    again = enterprises.import_enterprises(db, moved_file, actor="office")
    assert again.accounts_moved == 0 and len(_moves(db)) == 1


def test_the_move_and_the_accounts_commit_together(
        moved_setup: tuple[Database, dict[str, accounts.Account]], tmp_path: Path) -> None:
    """The accounts are moved inside the import's transaction: when the import fails after them (here its
    audit step), neither the enterprise nor its account has moved."""
    db, made = moved_setup
    a = find_region_id(db, COUNTY_A)

    def failing_audit(_session: object, _result: object) -> None:
        raise RuntimeError("audit store unavailable")

    with pytest.raises(RuntimeError):
        enterprises.import_enterprises(db, write_enterprises(tmp_path / "moved.xlsx", _moved_rows()),
                                       actor="office", audit=failing_audit)
    assert enterprises.get_enterprise(db, None, _enterprise_id(db, USCC_A)).region == COUNTY_A
    assert accounts.get_account(db, made["ent-a"].id).region_id == a  # type: ignore[union-attr]
    assert not _moves(db)


def test_an_office_moving_an_enterprise_into_a_region_it_does_not_write_is_refused(
        moved_setup: tuple[Database, dict[str, accounts.Account]], tmp_path: Path) -> None:
    db, made = moved_setup
    with pytest.raises(Exception, match="崇义县"):
        enterprises.import_enterprises(db, write_enterprises(tmp_path / "moved.xlsx", _moved_rows()),
                                       actor="office-a", account=made["office-a"])
    assert accounts.get_account(db, made["ent-a"].id).region_id == find_region_id(db, COUNTY_A)  # type: ignore[union-attr]
