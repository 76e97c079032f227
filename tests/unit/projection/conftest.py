"""Small scenario files whose results can be worked out by hand."""

from __future__ import annotations

import pytest

from tanfeng.projection import ScenarioSet, loads

# Two sectors, two fuels, base 2020, horizon 2021. Worked by hand in test_model.py.
TWO_YEAR = """
[meta]
title = "两年手算例"
region = "测试县"
label = "测试数据"
end_year = 2021

[sectors.industry]
name = "工业"
activity = "gdp"

[sectors.households]
name = "居民"
activity = "population"

[fuels.coal]
name = "煤"
kind = "fossil"
unit = "t"
standard_coal = { value = 0.5, unit = "tce/t", source = "测试", verified = false }
co2 = { value = 2.0, unit = "tCO2/t", source = "测试", verified = false }

[fuels.electricity]
name = "电力"
kind = "electricity"
unit = "万千瓦时"
standard_coal = { value = 0.125, unit = "kgce/kWh", source = "测试", verified = false }

[base_year]
year = 2020
gdp = { value = 10.0, unit = "亿元", source = "测试", verified = false }
population = { value = 1.0, unit = "万人", source = "测试", verified = false }
structure = { industry = 1.0 }
grid_factor = { value = 0.5, unit = "kgCO2/kWh", source = "测试", verified = false }
electricity_non_fossil = { value = 0.3, unit = "1", source = "测试", verified = false }

[base_year.energy]
source = "测试"
verified = false
industry = { coal = 1000.0, electricity = 400.0 }
households = { electricity = 80.0 }

[base_year.non_energy.process]
name = "工业过程"
gas = "CO2"
value = 100
unit = "t"
source = "测试"
verified = false

[base_year.non_energy.farming]
name = "农业"
gas = "CO2e"
value = 50
unit = "t"
source = "测试"
verified = false

[base_year.sinks.forest]
name = "森林"
gas = "CO2"
value = 30
unit = "t"
source = "测试"
verified = false

[scenarios.base]
title = "基准"

[scenarios.base.drivers]
gdp = { growth = { "2021" = 0.10 } }
population = { steps = { 2021 = 1.02 }, relative = true }
grid_factor = { milestones = { 2021 = 0.4 } }
electricity_non_fossil = { milestones = { 2021 = 0.5 } }
intensity = { industry = { growth = { "2021" = -0.05 } } }
mix = { industry = { milestones = { 2021 = { coal = 0.4, electricity = 0.6 } } } }
"""

# One sector, one fuel: emissions grow by 1.05 × 0.98 a year to 2025, then fall by 1.05 × 0.92.
KNOWN_PEAK = """
[meta]
title = "已知达峰年份"
region = "测试县"
end_year = 2040
peak_by = 2030

[sectors.industry]
name = "工业"
activity = "gdp"

[fuels.coal]
name = "煤"
kind = "fossil"
unit = "t"
standard_coal = { value = 0.7143, unit = "kgce/kg", source = "GB/T 2589-2020 附录A", verified = true }
co2 = { value = 1.9, unit = "tCO2/t", source = "测试", verified = false }

[base_year]
year = 2020
gdp = { value = 100.0, unit = "亿元", source = "测试", verified = false }
population = { value = 10.0, unit = "万人", source = "测试", verified = false }
structure = { industry = 1.0 }

[base_year.energy]
source = "测试"
verified = false
industry = { coal = 50000.0 }

[scenarios.rising]
[scenarios.rising.drivers]
gdp = { growth = { "2021-2040" = 0.05 } }
intensity = { industry = { growth = { "2021-2025" = -0.02, "2026-2040" = -0.08 } } }
"""


@pytest.fixture
def two_year() -> ScenarioSet:
    return loads(TWO_YEAR, "two-year.toml")


@pytest.fixture
def known_peak() -> ScenarioSet:
    return loads(KNOWN_PEAK, "known-peak.toml")


@pytest.fixture
def known_peak_text() -> str:
    return KNOWN_PEAK


@pytest.fixture
def two_year_text() -> str:
    return TWO_YEAR
