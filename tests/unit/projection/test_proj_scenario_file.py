"""Scenario files: inheritance and override, driver paths, and one clear error for a bad file."""

from __future__ import annotations

import numpy as np
import pytest

from tanfeng.projection import ScenarioError, loads, project
from tanfeng.projection.paths import PathSpec, Period, evaluate

CHILDREN = """
[scenarios.policy]
parent = "rising"
title = "政策"
[scenarios.policy.drivers]
intensity = { industry = { milestones = { 2030 = 0.5, 2040 = 0.25 }, relative = true } }
[scenarios.policy.uncertainty]
gdp = { dist = "normal", mean = 0.0, sd = 0.01 }

[scenarios.enhanced]
parent = "policy"
[scenarios.enhanced.drivers]
gdp = { steps = { 2031 = 300.0 } }
[scenarios.enhanced.uncertainty]
gdp = { dist = "none" }
"""


def test_child_overrides_one_driver_and_inherits_the_rest(known_peak_text: str) -> None:
    scn = loads(known_peak_text + CHILDREN, "x.toml")
    base, policy, enhanced = (project(scn, n) for n in ("rising", "policy", "enhanced"))
    # inherited GDP path unchanged in the child
    assert np.allclose(policy.drivers.gdp, base.drivers.gdp)
    # overridden intensity: relative milestones, linear in between
    i0 = base.drivers.intensity[0, 0]
    assert policy.drivers.intensity[0, 10] == pytest.approx(0.5 * i0)
    assert policy.drivers.intensity[0, 5] == pytest.approx(0.75 * i0)
    assert policy.drivers.intensity[0, 20] == pytest.approx(0.25 * i0)
    # grandchild inherits policy's intensity and overrides GDP with a step to 300 亿元 from 2031
    assert np.allclose(enhanced.drivers.intensity, policy.drivers.intensity)
    assert enhanced.drivers.gdp[11] == pytest.approx(300.0 * 1e4)
    assert enhanced.drivers.gdp[10] == pytest.approx(1e6)  # base-year value held before the step
    # uncertainty inherited by policy, removed in enhanced
    assert set(scn.scenarios["policy"].uncertainty) == {"gdp"}
    assert scn.scenarios["enhanced"].uncertainty == {}
    assert scn.scenarios["enhanced"].own_drivers == ("gdp",)


def test_paths_growth_milestones_steps() -> None:
    years = np.arange(2020, 2026)
    base = np.array([100.0])
    g = PathSpec("growth", periods=(Period(2021, 2022, 0.1), Period(2023, 2025, -0.5)))
    assert evaluate(g, base, years)[0].tolist() == pytest.approx([100, 110, 121, 60.5, 30.25, 15.125])
    m = PathSpec("milestones", points=((2022, (120.0,)), (2024, (80.0,))))
    assert evaluate(m, base, years)[0].tolist() == pytest.approx([100, 110, 120, 100, 80, 80])
    s = PathSpec("steps", points=((2022, (2.0,)),), relative=True)
    assert evaluate(s, base, years)[0].tolist() == pytest.approx([100, 100, 200, 200, 200, 200])
    shares = PathSpec("milestones", points=((2025, (0.0, 1.0)),))
    v = evaluate(shares, np.array([1.0, 0.0]), years)
    assert np.allclose(v.sum(axis=0), 1.0) and v[1, 1] == pytest.approx(0.2)


BAD_CASES = [
    # (what to change, key that must be named, words that must appear)
    (('gdp = { growth = { "2021-2040" = 0.05 } }', 'gdp = { growth = { "2021-2040" = 0.05 } }\ngdp_per_head = { growth = { "2021-2040" = 0.05 } }'),
     "scenarios.rising.drivers.gdp_per_head", "unknown driver"),
    (("structure = { industry = 1.0 }", "structure = { industry = 0.9 }"),
     "base_year.structure", "sum to 1"),
    (("industry = { coal = 50000.0 }", "industry = { coal = -5.0 }"),
     "base_year.energy.industry.coal", "negative"),
    (('"2026-2040" = -0.08', '"2027-2040" = -0.08'),
     "scenarios.rising.drivers.intensity.industry.growth", "missing 2026"),
    (('co2 = { value = 1.9, unit = "tCO2/t", source = "测试", verified = false }',
      'co2 = { value = 1.9, unit = "tCO2/t", verified = false }'),
     "fuels.coal.co2.source", "missing"),
    (('activity = "gdp"', 'activity = "gpd"'), "sectors.industry.activity", "invalid value"),
    (('"2021-2040" = 0.05', '"2021-2040" = -1.5'), "scenarios.rising.drivers.gdp.growth.2021-2040", "greater than -1"),
    (("industry = { coal = 50000.0 }", "industry = { coal = 50000.0, oil = 3.0 }"),
     "base_year.energy.industry.oil", "unknown fuel"),
    (('gdp = { growth = { "2021-2040" = 0.05 } }', 'gdp = { milestones = { 2045 = 120.0 } }'),
     "scenarios.rising.drivers.gdp.milestones.2045", "within 2021–2040"),
    (('gdp = { growth = { "2021-2040" = 0.05 } }', 'gdp = { milestones = { 2030 = 0.0 } }'),
     "scenarios.rising.drivers.gdp", "GDP not positive in 2030"),
    (('gdp = { value = 100.0, unit = "亿元"', 'gdp = { value = 100.0, unit = "万吨"'),
     "base_year.gdp.unit", "does not convert"),
]


@pytest.mark.parametrize(("change", "key", "words"), BAD_CASES)
def test_bad_file_gives_one_message_with_file_and_key(known_peak_text: str, change: tuple[str, str],
                                                       key: str, words: str) -> None:
    assert change[0] in known_peak_text
    with pytest.raises(ScenarioError) as info:
        loads(known_peak_text.replace(change[0], change[1]), "bad.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"bad.toml: {key}: ")
    assert words in message


def test_parent_cycle_is_named(known_peak_text: str) -> None:
    text = known_peak_text + '\n[scenarios.a]\nparent = "b"\n[scenarios.b]\nparent = "a"\n'
    with pytest.raises(ScenarioError) as info:
        loads(text, "cycle.toml")
    message = str(info.value)
    assert message.startswith("cycle.toml: scenarios.")
    assert "parent cycle" in message and ("a → b → a" in message or "b → a → b" in message)


def test_unknown_parent_and_negative_milestone(known_peak_text: str) -> None:
    text = known_peak_text + (
        '\n[scenarios.c]\nparent = "nobody"\n'
        '[scenarios.d]\nparent = "rising"\n[scenarios.d.drivers]\ngdp = { milestones = { 2030 = -1.0 } }\n')
    with pytest.raises(ScenarioError) as info:
        loads(text, "x.toml")
    lines = info.value.lines()
    assert any("scenarios.c.parent" in line and "nobody" in line for line in lines)
    assert any("scenarios.d.drivers.gdp.milestones.2030" in line and "negative" in line for line in lines)


def test_shares_at_a_milestone_must_sum_to_one(known_peak_text: str) -> None:
    text = known_peak_text + '[scenarios.rising.drivers.mix]\nindustry = { milestones = { 2030 = { coal = 0.7 } } }\n'
    with pytest.raises(ScenarioError, match=r"scenarios\.rising\.drivers\.mix\.industry\.milestones\.2030: .*sum to 1"):
        loads(text, "x.toml")


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(ScenarioError, match=r"broken\.toml: .*line 2"):
        loads("[meta]\ntitle = \n", "broken.toml")


def test_uncertainty_is_validated(known_peak_text: str) -> None:
    text = known_peak_text + (
        '\n[scenarios.rising.uncertainty]\n'
        '"intensity.industry" = { dist = "triangular", min = 1.2, mode = 1.0, max = 1.5 }\n'
        'gdp = { dist = "lognormal", mean = 0, sd = 1 }\n"intensity.nowhere" = { dist = "uniform", min = 0, max = 1 }\n')
    with pytest.raises(ScenarioError) as info:
        loads(text, "u.toml")
    lines = info.value.lines()
    assert any("intensity.industry\".mode" in x or "intensity.industry.mode" in x for x in lines), lines
    assert any("uncertainty.gdp.dist" in x for x in lines), lines
    assert any("unknown driver 'intensity.nowhere'" in x for x in lines), lines


def test_energy_without_activity_is_refused(two_year_text: str) -> None:
    text = two_year_text.replace('population = { value = 1.0, unit = "万人"', 'population = { value = 0.0, unit = "万人"')
    with pytest.raises(ScenarioError, match=r"x\.toml: base_year\.population: .*no activity"):
        loads(text, "x.toml")


def test_electricity_takes_no_own_co2_factor(two_year_text: str) -> None:
    text = two_year_text.replace(
        'standard_coal = { value = 0.125, unit = "kgce/kWh", source = "测试", verified = false }',
        'standard_coal = { value = 0.125, unit = "kgce/kWh", source = "测试", verified = false }\n'
        'co2 = { value = 0.5, unit = "kgCO2/kWh", source = "测试", verified = false }')
    with pytest.raises(ScenarioError, match=r"x\.toml: fuels\.electricity\.co2: .*grid_factor"):
        loads(text, "x.toml")


def test_uncertainty_on_a_driver_without_path_must_be_a_rate(known_peak_text: str) -> None:
    bad = known_peak_text + '[scenarios.rising.uncertainty]\npopulation = { dist = "uniform", min = 0.5, max = 1.5, apply = "change" }\n'
    with pytest.raises(ScenarioError, match=r"scenarios\.rising\.uncertainty\.population: .*no effect"):
        loads(bad, "x.toml")
    ok = known_peak_text + '[scenarios.rising.uncertainty]\npopulation = { dist = "uniform", min = -0.01, max = 0.01 }\n'
    assert loads(ok, "x.toml").scenarios["rising"].uncertainty["population"].apply == "rate"
