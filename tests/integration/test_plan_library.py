"""The plan library: current version by rule (not import order), pinning, archive keeps values, delete refuses."""

from __future__ import annotations

import pytest

from builders import PlanBuilder
from tanfeng.db.session import Database
from tanfeng.services import library
from tanfeng.services.collection import submit_values
from tanfeng.services.errors import StoreError
from tanfeng.services.plan_import import import_plan
from tanfeng.services.queries import current_versions
from tanfeng.services.review import history
from tanfeng.services.status import compute_status


def _current(db: Database) -> dict[str, tuple[int, str]]:
    with db.transaction() as session:
        return {r.region.name: (r.version.number, r.version.status) for r in current_versions(session)}


def test_a_draft_imported_after_the_final_stays_non_current(db: Database) -> None:
    final = import_plan(db, PlanBuilder(region="上犹县").plan(), actor="t")
    draft = import_plan(db, PlanBuilder(region="上犹县", status="draft", date="2024-02-01").plan(), actor="t")
    assert (final.plan_id, final.version, final.current) == (draft.plan_id, 1, True)
    assert (draft.version, draft.current) == (2, False)
    assert _current(db) == {"上犹县": (1, "final")}
    # two finals: the later issue date wins, whatever the import order
    later = PlanBuilder(region="上犹县", date="2024-06-01")
    later.target("T3")["value"] = 60
    import_plan(db, later.plan(), actor="t")
    earlier = PlanBuilder(region="上犹县", date="2022-01-01")
    earlier.target("T3")["value"] = 40
    import_plan(db, earlier.plan(), actor="t")
    assert _current(db) == {"上犹县": (3, "final")}
    assert {r.target_value for r in compute_status(db) if r.code == "renewable_capacity"} == {60}
    # the office pins a version explicitly; returning to the rule picks version 3 again
    assert library.set_current(db, final.plan_id, 2, actor="office") == 2
    assert _current(db) == {"上犹县": (2, "draft")}
    import_plan(db, PlanBuilder(region="上犹县", date="2025-01-01").plan(), actor="t")
    assert _current(db)["上犹县"] == (2, "draft"), "a pinned choice survives a new import"
    assert library.set_current(db, final.plan_id, None, actor="office") == 5


def test_archive_keeps_values_and_hides_the_plan(db: Database) -> None:
    a = import_plan(db, PlanBuilder(region="上犹县").plan(), actor="t")
    import_plan(db, PlanBuilder(region="崇义县").plan(), actor="t")
    forest = next(r.indicator_id for r in compute_status(db, region="上犹县") if r.code == "forest_coverage")
    submit_values(db, [{"indicator_id": forest, "period": "2024", "value": 80.1}], reporter="县林业局",
                  region="上犹县", actor="unit")
    library.archive(db, a.plan_id, actor="office")
    assert set(_current(db)) == {"崇义县"}
    plans = {p.plan_id: p for p in library.library(db)}
    assert plans[a.plan_id].archived and plans[a.plan_id].values == 1
    assert [h.new_value for h in history(db, forest)] == [80.1]
    library.archive(db, a.plan_id, actor="office", archived=False)
    row = next(r for r in compute_status(db, region="上犹县") if r.code == "forest_coverage")
    assert row.latest_value == 80.1


def test_delete_refuses_a_plan_with_values_and_needs_the_title(db: Database) -> None:
    a = import_plan(db, PlanBuilder(region="上犹县").plan(), actor="t")
    b = import_plan(db, PlanBuilder(region="崇义县", title="崇义县碳达峰实施方案").plan(), actor="t")
    forest = next(r.indicator_id for r in compute_status(db, region="上犹县") if r.code == "forest_coverage")
    submit_values(db, [{"indicator_id": forest, "period": "2024", "value": 80.1}], reporter="县林业局",
                  region="上犹县", actor="unit", draft=True)
    with pytest.raises(StoreError, match="不能删除"):
        library.delete_plan(db, a.plan_id, actor="office", confirm="示例县碳达峰实施方案")
    with pytest.raises(StoreError, match="以确认删除"):
        library.delete_plan(db, b.plan_id, actor="office", confirm="别的方案")
    assert library.delete_plan(db, b.plan_id, actor="office", confirm="崇义县碳达峰实施方案") == "崇义县碳达峰实施方案"
    assert {p.plan_id for p in library.library(db)} == {a.plan_id}
    assert _current(db) == {"上犹县": (1, "final")}
