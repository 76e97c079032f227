"""The driver model against a case worked out by hand, and the peak of a known trajectory."""

from __future__ import annotations

import numpy as np
import pytest

from tanfeng.plans.model import Target
from tanfeng.projection import ScenarioSet, check_targets, loads, project


def test_two_year_case_by_hand(two_year: ScenarioSet) -> None:
    p = project(two_year, "base")
    # 2020: industry coal 1000 t × 0.5 = 500 tce; electricity 400 万kWh × 1.25 tce = 500 tce;
    # households 80 万kWh = 100 tce.  CO2: coal 1000 t × 2 = 2000 t; electricity 480 万kWh × 5 t = 2400 t.
    # 2021: GDP 100 000 × 1.1 = 110 000 万元; industry intensity 0.01 × 0.95 = 0.0095 tce/万元 → 1045 tce,
    # coal 40 % = 418 tce × 4 tCO2/tce = 1672 t; electricity 627 tce = 501.6 万kWh × 4 t = 2006.4 t;
    # households 10 200 persons × 0.01 tce = 102 tce = 81.6 万kWh × 4 t = 326.4 t.
    assert p.series("energy").tolist() == pytest.approx([1100.0, 1147.0])
    assert p.series("energy_co2").tolist() == pytest.approx([4400.0, 4004.8])
    assert p.co2[0, 0].tolist() == pytest.approx([2000.0, 1672.0])  # industry coal
    assert p.co2[0, 1].tolist() == pytest.approx([2000.0, 2006.4])  # industry electricity
    assert p.co2[1, 1].tolist() == pytest.approx([400.0, 326.4])  # households electricity
    # co2 = energy + CO2 process; gross adds CO2e; net subtracts the sink.
    assert p.series("co2").tolist() == pytest.approx([4500.0, 4104.8])
    assert p.series("net").tolist() == pytest.approx([4520.0, 4124.8])
    # Energy intensity 0.011 → 1147/110000; reduction 5.2066 %.  Non-fossil: 600×0.3/1100, 729×0.5/1147.
    assert p.energy_intensity().tolist() == pytest.approx([0.011, 1147 / 110000])
    assert p.non_fossil_share().tolist() == pytest.approx([180 / 1100, 364.5 / 1147])
    assert p.peak.year == 2020 and p.peak.status == "declining"


def test_two_year_case_target_check(two_year: ScenarioSet) -> None:
    p = project(two_year, "base")
    reduction = (1 - (1147 / 110000) / 0.011) * 100
    met = Target(id="a", indicator="能耗", code="energy_intensity", change="decrease", value=5, unit="%",
                 stretch_value=6, year=2021, baseline_year=2020, sentence="…")
    missed = met.model_copy(update={"id": "b", "value": 5.5, "stretch_value": None})
    level = Target(id="c", indicator="非化石", code="non_fossil_share", change="level", value=30, unit="%",
                   year=2021, sentence="…")
    assigned = Target(id="d", indicator="碳强度", code="carbon_intensity", change="decrease", assigned=True,
                      year=2021, baseline_year=2020, sentence="…")
    outside = met.model_copy(update={"id": "e", "baseline_year": 2005})
    checks = {c.target.id: c for c in check_targets(p, [met, missed, level, assigned, outside])}
    assert checks["a"].met is True and checks["a"].gap == pytest.approx(reduction - 5)
    assert checks["a"].stretch_met is False
    assert checks["b"].met is False and checks["b"].gap == pytest.approx(reduction - 5.5)
    assert checks["c"].met is True and checks["c"].projected == pytest.approx(364.5 / 1147 * 100)
    assert checks["d"].met is None and "上级" in checks["d"].note_zh
    assert checks["e"].met is None and "2005" in checks["e"].note_zh


def test_known_peak_year(known_peak: ScenarioSet) -> None:
    p = project(known_peak, "rising")
    e = p.series("energy_co2")
    assert p.peak.year == 2025 and p.peak.status == "peaked"
    assert e[5] / e[0] == pytest.approx((1.05 * 0.98) ** 5)
    assert e[6] / e[5] == pytest.approx(1.05 * 0.92)
    assert check_targets(p, [Target(id="p", indicator="碳达峰", code="carbon_peak", year=2024, sentence="…")])[0].met \
        is False


def test_still_rising_at_the_end_is_not_a_peak(known_peak_text: str) -> None:
    text = known_peak_text.replace('"2026-2040" = -0.08', '"2026-2040" = -0.01')
    p = project(loads(text, "x.toml"), "rising")
    assert p.peak.status == "not_peaked" and p.peak.year == 2040
    assert not p.peak.by(2040)


def test_constant_drivers_keep_base_year_values(known_peak: ScenarioSet) -> None:
    p = project(known_peak, "rising")
    # population and structure were never set: they stay at the base year's values
    assert np.allclose(p.drivers.population, 100000.0)
    assert np.allclose(p.drivers.structure, 1.0)
