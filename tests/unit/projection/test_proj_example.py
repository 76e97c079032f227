"""The shipped scenario file for the reference plan's county (示例数据)."""

from __future__ import annotations

import pytest

from tanfeng.projection import ScenarioSet, example_scenarios_path, load, project, simulate
from tanfeng.projection.export import factor_provenance, to_csv, to_iamc, to_json
from tanfeng.projection.render import to_table
from tanfeng.projection.report import build
from tanfeng.units import convert


@pytest.fixture(scope="module")
def example() -> ScenarioSet:
    return load(example_scenarios_path())


def test_example_is_labelled_illustrative(example: ScenarioSet) -> None:
    assert example.label == "示例数据"
    text = example_scenarios_path().read_text(encoding="utf-8")
    assert text.count("示例数据") > 10
    assert set(example.scenarios) == {"baseline", "policy", "enhanced"}
    assert example.scenarios["policy"].parent == "baseline" and example.scenarios["enhanced"].parent == "policy"


def test_every_factor_has_a_source_and_a_unit_that_parses(example: ScenarioSet) -> None:
    rows = factor_provenance(build(example, ["baseline"])[0])
    assert len(rows) >= 8
    for row in rows:
        assert row["source"].strip() and isinstance(row["verified"], bool)
    for fuel in example.base.fuels:
        assert fuel.tce_per_unit > 0
        if fuel.kind == "fossil":
            assert 1.5 < fuel.co2_per_tce < 3.5  # tCO2/tce for coal, oil and gas
    # the grid factor is the cited 2021 national value
    assert convert(example.base.grid_factor.value, example.base.grid_factor.unit, "t_CO2/MWh") == pytest.approx(0.5568)
    # every illustrative input says so in its source
    for item in (*example.base.non_energy, *example.base.sinks):
        assert "示例" in item.source.source or item.source.verified


def test_example_targets_are_the_plans(example: ScenarioSet) -> None:
    ei = next(t for t in example.targets if t.code == "energy_intensity")
    assert (ei.value, ei.stretch_value, ei.year, ei.baseline_year) == (13, 13.5, 2025, 2020)
    peak = next(t for t in example.targets if t.code == "carbon_peak")
    assert peak.year == 2030


def test_scenarios_order_as_designed(example: ScenarioSet) -> None:
    peaks = {n: project(example, n).peak for n in example.scenarios}
    assert peaks["baseline"].status == "not_peaked"
    assert peaks["policy"].by(2030) and peaks["enhanced"].year <= peaks["policy"].year
    p_policy = simulate(example, "policy", 2000, seed=1).p_peak_by
    p_enhanced = simulate(example, "enhanced", 2000, seed=1).p_peak_by
    p_baseline = simulate(example, "baseline", 2000, seed=1).p_peak_by
    assert p_baseline < p_policy < p_enhanced


def test_label_in_every_output(example: ScenarioSet) -> None:
    reports = build(example, runs=100, seed=0)
    assert to_table(reports).startswith("【示例数据】")
    assert all("〔示例数据〕" in line for line in to_table(reports).splitlines() if line.startswith("== "))
    assert '"label": "示例数据"' in to_json(reports)
    assert all(line.startswith("示例数据,") for line in to_csv(reports).splitlines()[1:])
    assert all("[示例数据]" in line.split(",")[0] for line in to_iamc(reports).splitlines()[1:])


def test_child_scenarios_are_explained_against_their_parent(example: ScenarioSet) -> None:
    import json

    doc = json.loads(to_json(build(example)))
    by_name = {s["name"]: s for s in doc["scenarios"]}
    assert "versus_parent" not in by_name["baseline"]
    v = by_name["policy"]["versus_parent"]
    assert (v["scenario_from"], v["scenario_to"], v["to"]) == ("baseline", "policy", 2030)
    assert v["end"] - v["start"] == pytest.approx(sum(v["effects"].values()))
    assert v["end"] < v["start"]  # the plan's measures lower 2030 emissions
