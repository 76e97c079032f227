"""``tanfeng inventory compute --record``: the example county's indicators become observations of the plan."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tanfeng.accounting import compute, read_inventory
from tanfeng.accounting.factors import library
from tanfeng.accounting.observations import plan_observations
from tanfeng.cli import app
from tanfeng.db.models import Observation
from tanfeng.db.session import Database
from tanfeng.services.inventory_record import record_inventory

EXAMPLE = Path(str(resources.files("tanfeng") / "data" / "examples" / "shangyou-xian-inventory-example.csv"))


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_record_writes_the_inventory_indicators_onto_the_targets(db_url: str, reference_plan_path: Path) -> None:
    _run("plan", "import", str(reference_plan_path), "--db", db_url)
    status = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db_url)) if r["code"]}
    ei = status["energy_intensity"]
    # the forest stock is reported by its task's lead unit; the plan's own goals (no task) need a
    # responsible unit first and are listed with the reason
    preview = _run("inventory", "compute", str(EXAMPLE), "--year", "2024", "--record", "--db", db_url)
    assert "预览" in preview and "未写入" in preview and "新增" not in preview  # nothing written without --yes
    out = _run("inventory", "compute", str(EXAMPLE), "--year", "2024", "--record", "--yes", "--db", db_url)
    assert "单位地区生产总值能源消耗: 没有责任单位" in out
    assert "1 新增" in out
    mid = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db_url)) if r["code"]}
    assert mid["energy_intensity"]["latest_value"] is None
    assert mid["forest_stock"]["latest_value"] is not None

    _run("plan", "assign", ei["target"], "--lead", "县统计局", "--db", db_url)
    expected = plan_observations(compute(read_inventory(EXAMPLE), library([]), "AR5"), 2024)["energy_intensity"]
    out = _run("inventory", "compute", str(EXAMPLE), "--year", "2024", "--record", "--yes", "--db", db_url,
               "--reporter", "县统计局", "--actor", "统计员")
    assert "1 新增" in out and "县统计局" in out

    after = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db_url)) if r["code"]}
    assert after["energy_intensity"]["latest_value"] == round(expected.value, 6)
    assert after["energy_intensity"]["latest_period"] == "2024"
    history = _run("data", "history", str(ei["indicator_id"]), "--db", db_url)
    assert "统计员" in history

    # recording the same inventory again changes nothing
    again = _run("inventory", "compute", str(EXAMPLE), "--year", "2024", "--record", "--yes", "--db", db_url,
                 "--reporter", "县统计局")
    assert "0 新增" in again and "0 更新" in again


def test_record_service_keeps_provenance(db: Database, reference_plan_path: Path) -> None:
    from tanfeng.plans import read
    from tanfeng.services.plan_admin import assign_units
    from tanfeng.services.plan_import import import_plan
    from tanfeng.services.review import list_observations

    import_plan(db, read(reference_plan_path), actor="t")
    status = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db.url)) if r["code"]}
    assign_units(db, plan=None, target=status["energy_intensity"]["target"], lead="县发改委", co=[], actor="t")
    values = plan_observations(compute(read_inventory(EXAMPLE), library([]), "AR5"), 2024)
    result = record_inventory(db, values, actor="t", confirm=True)
    assert sorted(r.code for r in result.recorded) == ["energy_intensity", "forest_stock"]
    assert sorted(r.reporter for r in result.recorded) == ["县发改委", "县林业局"]
    assert any("非化石能源消费比重" in why for why in result.skipped)
    assert len(list_observations(db)) == 2
    with db.transaction() as session:
        stored = session.scalars(select(Observation)).all()
        for obs in stored:
            assert "示例数据" in (obs.source or "") and "shangyou-xian-inventory-example.csv" in (obs.source or "")
            assert json.loads(obs.note or "{}")["gwp"] == "AR5"


def test_recording_goes_through_review_and_never_silently_replaces_accepted(db: Database,
                                                                           reference_plan_path: Path) -> None:
    """Preview → confirm → submitted (source: the inventory) → review; replacing an accepted value needs who and why."""
    import pytest

    from tanfeng.plans import read
    from tanfeng.services.collection import submit_values
    from tanfeng.services.errors import StoreError
    from tanfeng.services.inventory_record import preview_inventory
    from tanfeng.services.plan_import import import_plan
    from tanfeng.services.review import history, list_observations, review

    import_plan(db, read(reference_plan_path), actor="t")
    values = plan_observations(compute(read_inventory(EXAMPLE), library([]), "AR5"), 2024)
    stock = values["forest_stock"]
    first = preview_inventory(db, values)
    item = next(i for i in first.items if i.code == "forest_stock")
    # a department's value, accepted by the office
    submit_values(db, [{"indicator_id": item.indicator_id, "period": "2024", "value": 943.08}], reporter=item.reporter,
                  actor="林业局填报员", source="form")
    review(db, [o.id for o in list_observations(db)], action="accept", actor="办公室审核员")

    shown = next(i for i in preview_inventory(db, values).items if i.code == "forest_stock")
    assert (shown.current, shown.current_status, shown.new) == (943.08, "accepted", round(stock.value, 6))
    assert shown.difference == pytest.approx(stock.value - 943.08) and shown.replaces_accepted
    with pytest.raises(StoreError, match="确认"):
        record_inventory(db, values, actor="办公室", confirm=False)
    with pytest.raises(StoreError, match="须说明理由"):
        record_inventory(db, values, actor="办公室", confirm=True)
    with pytest.raises(StoreError, match="重新预览"):
        record_inventory(db, values, actor="办公室", confirm=True, reason="x", expected=first.fingerprint)
    assert [(o.value, o.status) for o in list_observations(db)] == [(943.08, "accepted")]  # untouched

    fresh = preview_inventory(db, values)
    record_inventory(db, values, actor="办公室张三", confirm=True, reason="按2024年清单核算更正",
                     expected=fresh.fingerprint)
    (obs,) = list_observations(db)
    assert (obs.value, obs.status) == (round(stock.value, 6), "submitted")  # back in the review queue
    last = history(db, item.indicator_id, "2024")[-1]
    assert (last.actor, last.reason, last.old_value, last.old_status) == ("办公室张三", "按2024年清单核算更正", 943.08,
                                                                           "accepted")
    with db.transaction() as session:
        stored = session.scalars(select(Observation)).one()
        assert "温室气体清单核算" in (stored.source or "") and "办公室张三" in (stored.source or "")
    review(db, [obs.id], action="accept", actor="办公室审核员")
    # the same inventory again: nothing changes, the accepted value stays accepted
    again = record_inventory(db, values, actor="办公室", confirm=True)
    assert again.recorded == [] and [o.status for o in list_observations(db)] == ["accepted"]

