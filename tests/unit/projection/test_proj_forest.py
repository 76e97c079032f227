"""Forest stock and coverage: the linked sink follows the stock, targets checked, P(met) analytic."""

from __future__ import annotations

import numpy as np
import pytest

from tanfeng.plans.model import Target
from tanfeng.projection import ScenarioError, check_targets, loads, project, simulate

FOREST = """
[base_year.sinks.forest]
name = "森林"
gas = "CO2"
value = 12.0
unit = "万吨"
source = "测试"
verified = false

[base_year.forest]
stock = { value = 1000.0, unit = "万立方米", source = "测试", verified = false }
coverage = { value = 80.0, unit = "%", source = "测试", verified = false }
co2_per_m3 = { value = 1.2, unit = "tCO2/立方米", source = "测试", verified = false }
sink = "forest"
"""



def _text(known_peak_text: str, extra: str = "") -> str:
    head, scenarios = known_peak_text.split("[scenarios.rising]")
    drivers = ('forest_stock = { milestones = { 2030 = 1100.0 } }\n'
               'forest_coverage = { milestones = { 2030 = 81.0 } }\n')
    scenarios = scenarios.replace("[scenarios.rising.drivers]\n", "[scenarios.rising.drivers]\n" + drivers)
    return head + FOREST + "[scenarios.rising]" + scenarios + extra


def test_linked_sink_follows_the_stock(known_peak_text: str) -> None:
    p = project(loads(_text(known_peak_text), "f.toml"), "rising")
    sink = p.drivers.sinks[0]
    assert sink[0] == pytest.approx(12.0e4)  # the base year as given
    # 10 万m³ a year to 2030 × 1.2 tCO2/m³ = 12 万t; then the stock is held: no growth, no sink
    assert sink[1:11] == pytest.approx(np.full(10, 12.0e4))
    assert sink[11:] == pytest.approx(np.zeros(10))
    assert p.series("net")[15] == pytest.approx(p.series("energy_co2")[15])


def test_forest_targets(known_peak_text: str) -> None:
    p = project(loads(_text(known_peak_text), "f.toml"), "rising")
    stock = Target(id="s", indicator="活立木蓄积量", code="forest_stock", change="level", value=1101.72,
                   unit="万立方米", year=2030, sentence="…")
    cover = Target(id="c", indicator="森林覆盖率", code="forest_coverage", change="level", value=80.5, unit="%",
                   bound="min", year=2030, sentence="…")
    checks = {c.target.id: c for c in check_targets(p, [stock, cover])}
    assert checks["s"].met is False and checks["s"].gap == pytest.approx(1100.0 - 1101.72)
    assert checks["c"].met is True and checks["c"].projected == pytest.approx(81.0)


def test_probability_of_the_stock_target(known_peak_text: str) -> None:
    extra = '[scenarios.rising.uncertainty]\nforest_stock = { dist = "triangular", min = 0.6, mode = 1.0, max = 1.1 }\n'
    scn = loads(_text(known_peak_text, extra), "f.toml")
    t = Target(id="s", indicator="蓄积量", code="forest_stock", change="level", value=1100.0, unit="万立方米",
               year=2030, sentence="…")
    mc = simulate(scn, "rising", 20000, seed=11, targets=[t])
    # the stock target is met when the draw k ≥ 1: for triangular(0.6, 1.0, 1.1) that is 0.1² / (0.5 × 0.1) = 0.2
    [(_, prob)] = mc.target_probability
    assert prob == pytest.approx(0.2, abs=0.015)


def test_linked_sink_cannot_be_set_and_coverage_stays_below_100(known_peak_text: str) -> None:
    sink_set = '[scenarios.rising.drivers.sink]\nforest = { milestones = { 2030 = 5.0 } }\n'
    with pytest.raises(ScenarioError, match=r"scenarios\.rising\.drivers\.sink\.forest: .*forest_stock"):
        loads(_text(known_peak_text, sink_set), "f.toml")
    over = _text(known_peak_text).replace("2030 = 81.0", "2030 = 101.0")
    with pytest.raises(ScenarioError, match=r"forest_coverage.* (100|above)"):
        loads(over, "f.toml")
