"""A new plan version maps its targets onto stored indicators: exact first, similar only when the office says so."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.models import Indicator, PlanVersion
from tanfeng.db.session import Database
from tanfeng.services.collection import submit_values
from tanfeng.services.errors import StoreError
from tanfeng.services.plan_import import MappingChoices, import_plan
from tanfeng.services.status import compute_status

GREEN = "城镇新建建筑中绿色建筑占比"
STAR = "城镇新建建筑中星级绿色建筑占比"


def _target(tid: str, indicator: str, value: float, code: str | None, task: str | None = "A1.1") -> dict[str, Any]:
    return {"id": tid, "indicator": indicator, "code": code, "change": "level", "value": value, "unit": "%",
            "year": 2025, "task_id": task, "sentence": f"到2025年，{indicator}达到{value:g}%"}


def _indicators(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {name: id_ for id_, name in s.execute(select(Indicator.id, Indicator.name))}


def _count(db: Database, model: type) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# Two regions in the style of different provinces; the green-building code may or may not be recognised.
@pytest.mark.parametrize("region", [("示例县", "示例县碳达峰实施方案"), ("乙市", "乙市碳达峰实施方案")])
@pytest.mark.parametrize("code", [None, "green_building_share"])
def test_an_added_similar_indicator_keeps_its_own_indicator(db: Database, region: tuple[str, str],
                                                            code: str | None) -> None:
    v1 = PlanBuilder(region=region[0], title=region[1])
    v1.targets = [*v1.targets, _target("T6", GREEN, 100, code)]
    first = import_plan(db, v1.plan(), actor="office")
    green = _indicators(db)[GREEN]
    submit_values(db, [{"indicator_id": green, "period": "2023", "value": 96.0}], reporter="县发改委", actor="clerk",
                  region=region[0])

    # version 2 adds the 星级 share *before* the existing share (document order used to decide)
    v2 = PlanBuilder(region=region[0], title=region[1], date="2024-03-01")
    v2.targets = [*v2.targets, _target("T6", STAR, 30, code), _target("T7", GREEN, 100, code)]
    second = import_plan(db, v2.plan(), actor="office")
    assert second.plan_id == first.plan_id and second.version == 2

    ids = _indicators(db)
    assert ids[GREEN] == green and STAR in ids and ids[STAR] != green  # two indicators, the old one not renamed
    rows = {r.target: r for r in compute_status(db) if r.plan_id == second.plan_id}
    assert (rows["T7"].indicator, rows["T7"].indicator_id, rows["T7"].latest_value) == (GREEN, green, 96.0)
    assert (rows["T6"].indicator, rows["T6"].latest_value, rows["T6"].target_value) == (STAR, None, 30)
    by_target = {m.targets[0]: m for m in second.mapping}
    assert (by_target["T7"].how, by_target["T6"].how) == ("name", "new")


def test_similar_names_are_only_proposed(db: Database, builder: PlanBuilder) -> None:
    builder.targets[0] = dict(builder.targets[0], code=None)  # no code to go by: only the names
    import_plan(db, builder.plan(), actor="office")
    before = _indicators(db)
    old = before["单位地区生产总值能源消耗"]
    builder.targets[0] = dict(builder.targets[0], indicator="单位地区生产总值能耗", value=14)

    preview = import_plan(db, builder.plan(), actor="office", dry_run=True)
    entry = next(m for m in preview.mapping if m.targets == ("T1",))
    assert entry.indicator_id is None and entry.proposal is not None and entry.proposal.indicator_id == old
    assert _count(db, PlanVersion) == 1 and _indicators(db) == before  # the preview stored nothing

    confirmed = import_plan(db, builder.plan(), actor="office", choices=MappingChoices(accept_proposals=True))
    entry = next(m for m in confirmed.mapping if m.targets == ("T1",))
    assert (entry.indicator_id, entry.carried_from, entry.how) == (old, "单位地区生产总值能源消耗", "proposal")
    assert _indicators(db)["单位地区生产总值能耗"] == old and len(_indicators(db)) == len(before)


def test_unconfirmed_proposal_becomes_a_new_indicator(db: Database, builder: PlanBuilder) -> None:
    builder.targets[0] = dict(builder.targets[0], code=None)
    import_plan(db, builder.plan(), actor="office")
    before = _indicators(db)
    builder.targets[0] = dict(builder.targets[0], indicator="单位地区生产总值能耗")
    result = import_plan(db, builder.plan(), actor="office")
    assert len(_indicators(db)) == len(before) + 1
    assert _indicators(db)["单位地区生产总值能源消耗"] == before["单位地区生产总值能源消耗"]  # not renamed
    assert (result.targets_carried, result.targets_new) == (4, 1)


def test_the_office_can_map_or_split_and_never_two_onto_one(db: Database, builder: PlanBuilder) -> None:
    import_plan(db, builder.plan(), actor="office")
    ids = _indicators(db)
    forest = ids["森林覆盖率"]
    builder.targets[3] = dict(builder.targets[3], indicator="林木覆盖率")  # the office knows it is the same
    builder.targets[2] = dict(builder.targets[2], value=60)
    with pytest.raises(StoreError, match="同一指标"):  # 光伏 (same name) and T4 cannot both be the 森林 indicator
        import_plan(db, builder.plan(), actor="office", choices=MappingChoices({"T4": forest, "T3": forest}))
    with pytest.raises(StoreError, match="T9"):
        import_plan(db, builder.plan(), actor="office", choices=MappingChoices({"T9": forest}))
    assert _count(db, PlanVersion) == 1  # refused as a whole
    result = import_plan(db, builder.plan(), actor="office", choices=MappingChoices({"T4": forest, "T3": "new"}))
    by_target = {m.targets[0]: m for m in result.mapping}
    assert (by_target["T4"].indicator_id, by_target["T4"].how) == (forest, "office")
    assert by_target["T3"].indicator_id is None and _indicators(db)["光伏发电装机容量"] != ids["光伏发电装机容量"]


def test_the_cli_shows_the_mapping_and_takes_the_office_choice(db_url: str, db: Database, builder: PlanBuilder,
                                                              tmp_path: Any) -> None:
    builder.targets[0] = dict(builder.targets[0], code=None)
    import_plan(db, builder.plan(), actor="office")
    old = _indicators(db)["单位地区生产总值能源消耗"]
    builder.targets[0] = dict(builder.targets[0], indicator="单位地区生产总值能耗")
    path = tmp_path / "v2.json"
    path.write_text(builder.plan().to_json(), encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(app, ["plan", "import", str(path), "--db", db_url, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"建议沿用「单位地区生产总值能源消耗」（指标#{old}" in dry.output and f"--map T1={old}" in dry.output
    assert "T4 森林覆盖率: 沿用指标" in dry.output and _count(db, PlanVersion) == 1
    bad = runner.invoke(app, ["plan", "import", str(path), "--db", db_url, "--map", "T1:5"])
    assert bad.exit_code == 2 and "TARGET=INDICATOR_ID" in bad.output
    done = runner.invoke(app, ["plan", "import", str(path), "--db", db_url, "--map", f"T1={old}"])
    assert done.exit_code == 0, done.output
    assert "沿用「单位地区生产总值能源消耗」" in done.output and "carried over from" in done.output
    assert _indicators(db)["单位地区生产总值能耗"] == old
