"""The unit registry refuses destructive edits and shows a merge before doing it (service and CLI)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.session import Database
from tanfeng.services import registry
from tanfeng.services.errors import StoreError
from tanfeng.services.plan_import import import_plan


@pytest.fixture(params=[PlanBuilder(), PlanBuilder(region="样例区", title="样例区碳达峰实施方案")],
                ids=["county", "district"])
def region(request: pytest.FixtureRequest, db: Database) -> str:
    builder: PlanBuilder = request.param
    import_plan(db, builder.plan(), actor="office")
    return builder.region


def _names(db: Database, region: str) -> set[str]:
    return {u.name for u in registry.units_with_aliases(db, region)}


@pytest.mark.parametrize("name", ["", "  ", "\u200b", "林业局\u200d", "林\u2066业局", "\u202e局业林", "林业\x0b局",
                                  "PM2.5\u0410办"])  # Latin P, M next to Cyrillic А
def test_empty_and_invisible_names_are_refused(db: Database, region: str, name: str) -> None:
    before = _names(db, region)
    with pytest.raises(StoreError):
        registry.rename(db, region=region, unit="林业局", new_name=name, actor="office")
    with pytest.raises(StoreError):
        registry.alias_unit(db, region=region, alias=name, unit="林业局", actor="office")
    assert _names(db, region) == before


def test_latin_names_and_full_width_forms_are_fine(db: Database, region: str) -> None:
    info = registry.rename(db, region=region, unit="林业局", new_name="林业局（ＧＩＳ中心）", actor="office")
    assert info.name == "林业局（ＧＩＳ中心）"


def test_renaming_to_another_units_name_is_refused(db: Database, region: str) -> None:
    with pytest.raises(StoreError, match="已是单位"):
        registry.rename(db, region=region, unit="林业局", new_name="发展和改革委员会", actor="office")


def test_a_merge_needs_confirmation_and_says_what_moves(db: Database, region: str, db_url: str) -> None:
    with pytest.raises(StoreError, match="任务职责"):
        registry.alias_unit(db, region=region, alias="发改委", unit="林业局", actor="office", confirm=False)
    assert len(_names(db, region)) == 4
    cli = CliRunner().invoke(app, ["units", "alias", "add", "发改委", "林业局", "--region", region, "--db", db_url])
    assert cli.exit_code == 2 and "合并" in cli.output
    assert len(_names(db, region)) == 4
    cli = CliRunner().invoke(app, ["units", "alias", "add", "发改委", "林业局", "--region", region, "--yes",
                                   "--db", db_url])
    assert cli.exit_code == 0, cli.output
    assert len(_names(db, region)) == 3
