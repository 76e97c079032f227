from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.base import Base
from tanfeng.db.models import Indicator, Responsibility, Target, Unit
from tanfeng.db.session import Database
from tanfeng.services.collection import import_collection
from tanfeng.services.errors import StoreError
from tanfeng.services.plan_admin import list_versions, set_quota
from tanfeng.services.plan_import import import_plan, load_plan_file
from tanfeng.services.registry import alias_unit, rename, units_with_aliases
from tanfeng.services.status import compute_status


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def test_import_stores_structure_and_resolves_units(db: Database, builder: PlanBuilder) -> None:
    result = import_plan(db, builder.plan(), actor="office")
    assert (result.created, result.version, result.tasks, result.targets) == (True, 1, 2, 5)
    with db.transaction() as s:
        units = {u.key: u for u in s.scalars(select(Unit))}
        # 县发改委 / 县发展和改革委员会 and 市场监督局 / 市场监管局 are one unit each
        assert set(units) == {"发改委", "住建局", "市场监管局", "林业局"}
        assert units["发改委"].name == "县发改委"
        roles = s.execute(select(Unit.key, Responsibility.role, Responsibility.written_as)
                          .join(Responsibility, Responsibility.unit_id == Unit.id)).all()
        assert ("发改委", "lead", "县发改委") in roles
        assert ("发改委", "co", "县发展和改革委员会") in roles
        shapes = {i.code: (i.shape, i.direction, i.unit, i.baseline_year) for i in s.scalars(select(Indicator))}
        assert shapes["energy_intensity"] == ("compound", "up", "%", 2020)
        assert shapes["forest_coverage"] == ("linear", "up", "%", 2020)  # plan-wide base year
        assert shapes["carbon_peak"][0] == "milestone"


def test_same_file_twice_changes_nothing(db: Database, builder: PlanBuilder) -> None:
    import_plan(db, builder.plan(), actor="office")
    before = _counts(db)
    again = import_plan(db, builder.plan(), actor="someone else")
    assert not again.created
    assert _counts(db) == before


def test_draft_then_final_keeps_collected_values(db: Database, builder: PlanBuilder, tmp_path: Path) -> None:
    builder.status = "draft"
    draft = import_plan(db, builder.plan(), actor="office")
    set_quota(db, plan=None, target="T2", value=18.0, unit="%", note="市下达", actor="office")
    csv_path = tmp_path / "fagai.csv"
    ind = _indicator_ids(db)
    csv_path.write_text(
        "填报单位,指标ID,填报期间,本期值,计量单位\n"
        f"县发改委,{ind['renewable_capacity']},2023,30,万千瓦\n"
        f"县林业局,{ind['forest_coverage']},2020,80.0,%\n"
        f"县林业局,{ind['forest_coverage']},2023,81.0,%\n", encoding="utf-8")
    import_collection(db, csv_path, actor="clerk")
    before = _counts(db)

    # The final: targets renumbered and reordered, a value raised, a new target, the milestone dropped.
    builder.status = "final"
    builder.targets = [dict(builder.target("T4"), id="T1"), dict(builder.target("T1"), id="T2", value=13.5),
                       dict(builder.target("T3"), id="T3"), dict(builder.target("T2"), id="T4"),
                       {"id": "T5", "indicator": "非化石能源消费比重", "code": "non_fossil_share", "change": "level",
                        "value": 25, "unit": "%", "year": 2025, "sentence": "非化石能源消费比重达到25%"}]
    final = import_plan(db, builder.plan(), actor="office")
    assert final.plan_id == draft.plan_id and final.version == 2 and final.status == "final"
    assert (final.targets_carried, final.targets_new, final.indicators_dropped) == (4, 1, 1)
    after = _counts(db)
    assert after["observations"] == before["observations"] == 3
    assert after["observation_revisions"] == before["observation_revisions"]
    assert after["indicators"] == before["indicators"] + 1
    rows = {r.code: r for r in compute_status(db)}
    assert rows["renewable_capacity"].latest_value == pytest.approx(30)
    assert rows["forest_coverage"].latest_value == pytest.approx(81.0)
    assert rows["forest_coverage"].baseline_value == pytest.approx(80.0)
    assert rows["energy_intensity"].target_value == pytest.approx(13.5)  # the final's figure
    assert rows["carbon_intensity"].target_value == pytest.approx(18.0)  # quota carried across
    assert rows["carbon_intensity"].target == "T4"
    assert "carbon_peak" not in rows
    versions = list_versions(db, plan=None)
    assert [(v.number, v.status, v.targets) for v in versions] == [(1, "draft", 5), (2, "final", 5)]


def _indicator_ids(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {code: id_ for id_, code in s.execute(select(Indicator.id, Indicator.code))}


def test_alias_edit_merges_units(db: Database, builder: PlanBuilder) -> None:
    builder.tasks[1]["units"] = ["县林业局", "县林草局", "县发改委"]  # 林草局 is a known long form of 林业局
    builder.tasks[0]["units"] = ["县发改委", "县能源办"]
    import_plan(db, builder.plan(), actor="office")
    names = {u.name for u in units_with_aliases(db, "示例县")}
    assert "县林草局" not in names and "县能源办" in names
    info = alias_unit(db, region="示例县", alias="县能源办", unit="县发改委", actor="office")
    assert "县能源办" in info.aliases
    names = {u.name for u in units_with_aliases(db, "示例县")}
    assert "县能源办" not in names
    with db.transaction() as s:
        merged = s.scalar(select(Unit).where(Unit.key == "能源办"))
        assert merged is not None and merged.merged_into_id == info.id  # kept, pointed at the survivor
    with pytest.raises(StoreError):
        alias_unit(db, region="示例县", alias="x", unit="县不存在局", actor="office")
    renamed = rename(db, region="示例县", unit="林草局", new_name="县林业和草原局", actor="office")
    assert renamed.name == "县林业和草原局" and "县林业局" in renamed.aliases


def test_plan_import_cli_reads_contract_json(db_url: str, builder: PlanBuilder, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(builder.document(), ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["plan", "import", str(path), "--db", db_url])
    assert first.exit_code == 0, first.output
    assert "第1版" in first.output
    second = runner.invoke(app, ["plan", "import", str(path), "--db", db_url])
    assert second.exit_code == 0 and "未作改动" in second.output
    listed = runner.invoke(app, ["plan", "list", "--db", db_url])
    assert "示例县碳达峰实施方案" in listed.output


def test_bad_plan_json_is_a_clear_error(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": "1"}', encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", "import", str(path), "--db", db_url])
    assert result.exit_code == 2
    assert "broken.json" in result.output and "不是有效的方案JSON" in result.output
    with pytest.raises(Exception, match="文件不存在"):
        load_plan_file(tmp_path / "missing.json")


def test_quota_only_for_deferred_targets(db: Database, builder: PlanBuilder) -> None:
    import_plan(db, builder.plan(), actor="office")
    with pytest.raises(StoreError, match="不是待下达指标"):
        set_quota(db, plan=None, target="T1", value=10, unit="%", note=None, actor="office")
    with pytest.raises(StoreError, match="不一致"):
        set_quota(db, plan=None, target="T2", value=10, unit="万吨", note=None, actor="office")
    set_quota(db, plan=None, target="T2", value=18, unit="%", note="赣市发〔2023〕1号", actor="office")
    with db.transaction() as s:
        t2 = s.scalar(select(Target).where(Target.code == "T2"))
        assert t2 is not None and t2.quota_value == 18
    assert _counts(db)["observation_revisions"] == 0


def test_revision_with_a_new_title_joins_the_plan_when_named(db: Database, builder: PlanBuilder) -> None:
    first = import_plan(db, builder.plan(), actor="office")
    builder.title = "示例县碳达峰行动方案"
    builder.targets[0]["value"] = 14
    with pytest.raises(StoreError, match="no plan 99"):
        import_plan(db, builder.plan(), actor="office", plan_id=99)
    revised = import_plan(db, builder.plan(), actor="office", plan_id=first.plan_id)
    assert (revised.plan_id, revised.version, revised.targets_carried) == (first.plan_id, 2, 5)
    assert len(list_versions(db, plan=str(first.plan_id))) == 2
