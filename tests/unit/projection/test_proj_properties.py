"""Properties over random scenarios: LMDI is exact, and the engine agrees with a per-cell sum."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tanfeng.projection import decompose, loads, project

TEMPLATE = """
[meta]
title = "随机"
region = "测试县"
end_year = 2030

[sectors.a]
name = "甲"
activity = "gdp"
[sectors.b]
name = "乙"
activity = "gdp"
[sectors.h]
name = "居民"
activity = "population"

[fuels.coal]
name = "煤"
kind = "fossil"
unit = "t"
standard_coal = {{ value = 0.7, unit = "tce/t", source = "测试", verified = false }}
co2 = {{ value = 1.9, unit = "tCO2/t", source = "测试", verified = false }}
[fuels.gas]
name = "气"
kind = "fossil"
unit = "万立方米"
standard_coal = {{ value = 12.0, unit = "tce/万立方米", source = "测试", verified = false }}
co2 = {{ value = 21.6, unit = "tCO2/万立方米", source = "测试", verified = false }}
[fuels.electricity]
name = "电"
kind = "electricity"
unit = "万千瓦时"
standard_coal = {{ value = 0.1229, unit = "kgce/kWh", source = "测试", verified = false }}

[base_year]
year = 2020
gdp = {{ value = 50.0, unit = "亿元", source = "测试", verified = false }}
population = {{ value = 20.0, unit = "万人", source = "测试", verified = false }}
structure = {{ a = {sa}, b = {sb} }}
grid_factor = {{ value = 0.55, unit = "kgCO2/kWh", source = "测试", verified = false }}
electricity_non_fossil = {{ value = 0.3, unit = "1", source = "测试", verified = false }}
[base_year.energy]
source = "测试"
verified = false
a = {{ coal = {ea}, electricity = 5000.0 }}
b = {{ gas = 300.0, electricity = {eb} }}
h = {{ electricity = 8000.0, coal = 1.0 }}

[scenarios.s.drivers]
gdp = {{ growth = {{ "2021-2030" = {g} }} }}
population = {{ growth = {{ "2021-2030" = {pg} }} }}
structure = {{ milestones = {{ 2030 = {{ a = {sa30}, b = {sb30} }} }} }}
grid_factor = {{ milestones = {{ 2030 = {grid} }} }}
intensity = {{ a = {{ growth = {{ "2021-2030" = {ia} }} }}, h = {{ milestones = {{ 2030 = {ih} }}, relative = true }} }}
mix = {{ b = {{ milestones = {{ 2026 = {{ gas = {gas26}, electricity = {elec26}, coal = {coal26} }} }} }} }}
"""

share = st.floats(0.05, 0.95)
rate = st.floats(-0.08, 0.1)


@st.composite
def scenario_text(draw: st.DrawFn) -> str:
    sa, sa30 = draw(share), draw(share)
    gas = draw(st.floats(0.0, 1.0))
    elec = draw(st.floats(0.0, 1.0 - gas))
    return TEMPLATE.format(
        sa=sa, sb=1 - sa, sa30=sa30, sb30=1 - sa30, ea=draw(st.floats(0.0, 5e4)), eb=draw(st.floats(1.0, 5e4)),
        g=draw(rate), pg=draw(st.floats(-0.02, 0.02)), grid=draw(st.floats(0.0, 0.8)), ia=draw(rate),
        ih=draw(st.floats(0.2, 2.0)), gas26=gas, elec26=elec, coal26=max(0.0, 1 - gas - elec))


@settings(max_examples=60, deadline=None)
@given(scenario_text(), st.integers(2020, 2030), st.integers(2020, 2030))
def test_lmdi_effects_sum_to_the_change(text: str, y0: int, y1: int) -> None:
    p = project(loads(text, "r.toml"), "s")
    if y0 == y1:
        return
    d = decompose(p, y0, y1)
    scale = max(d.start, d.end, 1.0)
    assert abs(d.residual) <= 1e-9 * scale
    assert np.isfinite(list(d.effects.values())).all()


@settings(max_examples=40, deadline=None)
@given(scenario_text())
def test_totals_equal_the_sum_of_sector_fuel_cells(text: str) -> None:
    p = project(loads(text, "r.toml"), "s")
    assert np.allclose(p.series("energy_co2"), p.co2.sum(axis=(0, 1)), rtol=1e-12)
    assert np.allclose(p.series("energy"), p.energy.sum(axis=(0, 1)), rtol=1e-12)
    assert np.all(p.non_fossil_share() >= 0) and np.all(p.non_fossil_share() <= 1)
