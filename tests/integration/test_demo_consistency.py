"""The demo database's base-year values are the example scenario's (森林覆盖率, 活立木蓄积量)."""

from __future__ import annotations

from datetime import date

import pytest

from tanfeng.db.session import Database
from tanfeng.plans import example_plan_path, read
from tanfeng.projection import example_scenarios_path, load
from tanfeng.services.demo import populate_demo
from tanfeng.services.status import compute_status


def test_demo_base_values_agree_with_the_example_scenario(db: Database) -> None:
    populate_demo(db, today=date(2025, 3, 1))
    forest = load(example_scenarios_path()).base.forest
    assert forest is not None and forest.coverage is not None
    county = read(example_plan_path()).meta.region
    assert county is not None  # the reference plan's own rows (the demo also stores other regions' plans)
    rows = {r.code: r for r in compute_status(db, region=county.name) if r.code in ("forest_coverage", "forest_stock")}
    assert rows["forest_coverage"].baseline_value == forest.coverage.value == 81.8
    assert rows["forest_stock"].baseline_value == pytest.approx(forest.stock_m3 / 1e4)
