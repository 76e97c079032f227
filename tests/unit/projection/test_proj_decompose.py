"""LMDI decomposition: exact, and each effect where the hand-worked case puts it."""

from __future__ import annotations

import math

import pytest

from tanfeng.projection import ProjectionError, ScenarioSet, decompose, loads, project


def test_effects_add_up_to_the_change(two_year: ScenarioSet) -> None:
    d = decompose(project(two_year, "base"), 2020, 2021)
    assert d.start == pytest.approx(4400.0) and d.end == pytest.approx(4004.8)
    assert abs(d.residual) < 1e-9
    assert sum(sum(e.values()) for e in d.by_sector.values()) == pytest.approx(d.end - d.start)


def test_effects_match_lmdi_by_hand(two_year: ScenarioSet) -> None:
    d = decompose(project(two_year, "base"), 2020, 2021)

    def lm(a: float, b: float) -> float:
        return (a - b) / (math.log(a) - math.log(b))

    # industry cells (coal, electricity) and the households electricity cell
    w_coal, w_elec, w_home = lm(1672.0, 2000.0), lm(2006.4, 2000.0), lm(326.4, 400.0)
    assert d.effects["gdp"] == pytest.approx((w_coal + w_elec) * math.log(1.1))
    assert d.effects["population"] == pytest.approx(w_home * math.log(1.02))
    assert d.effects["intensity"] == pytest.approx((w_coal + w_elec) * math.log(0.95))
    assert d.effects["mix"] == pytest.approx(w_coal * math.log(0.4 / 0.5) + w_elec * math.log(0.6 / 0.5))
    assert d.effects["emission_factor"] == pytest.approx((w_elec + w_home) * math.log(0.4 / 0.5))
    assert d.effects["structure"] == pytest.approx(0.0)


def test_a_fuel_that_appears_is_a_mix_effect(known_peak_text: str) -> None:
    coal_co2 = 'co2 = { value = 1.9, unit = "tCO2/t", source = "测试", verified = false }'
    assert coal_co2 in known_peak_text
    text = known_peak_text.replace(
        coal_co2,
        coal_co2 + '\n'
        '[fuels.gas]\nname = "气"\nkind = "fossil"\nunit = "t"\n'
        'standard_coal = { value = 1.0, unit = "tce/t", source = "测试", verified = false }\n'
        'co2 = { value = 2.0, unit = "tCO2/t", source = "测试", verified = false }\n')
    text += '[scenarios.rising.drivers.mix]\nindustry = { milestones = { 2030 = { coal = 0.5, gas = 0.5 } } }\n'
    p = project(loads(text, "gas.toml"), "rising")
    d = decompose(p, 2020, 2030)
    assert abs(d.residual) < 1e-6 * d.start
    gas_2030 = p.co2[0, 1, 10]
    assert gas_2030 > 0
    # the gas cell is zero in 2020: all of it is a mix effect; coal's share falling adds a negative one
    coal_part = d.effects["mix"] - gas_2030
    assert coal_part < 0


def test_years_outside_the_horizon(two_year: ScenarioSet) -> None:
    with pytest.raises(ProjectionError, match="2019"):
        decompose(project(two_year, "base"), 2019, 2021)


def test_compare_two_scenarios_in_one_year(known_peak_text: str) -> None:
    from tanfeng.projection import compare

    text = known_peak_text + (
        '[scenarios.cleaner]\nparent = "rising"\n[scenarios.cleaner.drivers]\n'
        'intensity = { industry = { steps = { 2021 = 0.5 }, relative = true } }\n')
    scn = loads(text, "k.toml")
    base, cleaner = project(scn, "rising"), project(scn, "cleaner")
    d = compare(base, 2030, cleaner, 2030)
    assert (d.scenario_from, d.scenario_to) == ("rising", "cleaner")
    assert d.end - d.start == pytest.approx(cleaner.series("energy_co2")[10] - base.series("energy_co2")[10])
    # only the intensity differs between the two scenarios in 2030
    assert d.effects["intensity"] == pytest.approx(d.end - d.start)
    assert all(abs(v) < 1e-9 for k, v in d.effects.items() if k != "intensity")
