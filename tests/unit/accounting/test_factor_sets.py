"""One factor set per combustion line, hand-checked: 1,000 t raw coal, 1,000 t diesel, 100 万m³ natural gas and
100 万kWh electricity in Jiangxi, 2022 and 2023, with each shipped set on top (arithmetic written out digit by digit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanfeng.accounting import InventoryInput, InventoryInputError, compute, validate
from tanfeng.accounting.factors import BUILTIN_SETS
from tanfeng.accounting.readers import read_csv_records
from tanfeng.accounting.results import EmissionLine, InventoryResult

HEADER = "表,类别,子类,年份,数量,单位,用途,年生长率（%）,年消耗量（立方米）,备注"


def jiangxi(year: int, fuels: tuple[str, ...] = ("原煤", "柴油", "天然气", "电力")) -> InventoryInput:
    rows = {"原煤": "1000,吨", "柴油": "1000,吨", "天然气": "100,万立方米", "电力": "100,万千瓦时", "焦炉煤气": "10,万立方米"}
    text = "\n".join([
        HEADER, "基本信息,地区名称,核对县,,,,,,,", "基本信息,省份,江西,,,,,,,", f"基本信息,基准年,{year},,,,,,,",
        "基本信息,电网排放因子区域,江西,,,,,,,", f"年度数据,地区生产总值（可比价）,,{year},100,亿元,,,,",
        f"年度数据,火电发电煤耗,,{year},300,克标准煤/千瓦时,,,,",
        *(f"能源消费,工业和建筑业,{f},{year},{rows[f]},燃料,,," for f in fuels)])
    return validate(read_csv_records(text.encode("utf-8"), f"jiangxi-{year}.csv"), f"jiangxi-{year}.csv")


def _line(result: InventoryResult, year: int, fuel_zh: str) -> EmissionLine:
    return next(ln for ln in result.year(year).lines if fuel_zh in ln.activity)


def _sets(line: EmissionLine) -> dict[str, str]:
    return {f.parameter: f.factor_set for f in line.factors}


# Enterprise guideline set (cn_enterprise_2015), carbon-content method:
# diesel: 1000 t × 42.652 GJ/t = 42652 GJ = 42.652 TJ; × 20.2 tC/TJ = 861.5704 tC; × 0.98 = 844.338992 tC;
#         × 44/12 = 3095.909637… tCO2
DIESEL_ENTERPRISE = 3095.909637
# natural gas: 100 × 10^4 m³ × 389.31 GJ/10^4 m³ = 38931 GJ = 38.931 TJ; × 15.3 tC/TJ = 595.6443 tC;
#              × 0.99 = 589.687857 tC; × 44/12 = 2162.188809 tCO2
GAS_ENTERPRISE = 2162.188809
# IPCC 2006 emission-factor method (kg CO2/TJ already assumes full oxidation, so no oxidation rate):
# diesel: 42.652 TJ × 74100 kg/TJ = 3160513.2 kg = 3160.5132 tCO2
DIESEL_IPCC = 3160.5132
# natural gas: 38.931 TJ × 56100 kg/TJ = 2184029.1 kg = 2184.0291 tCO2
GAS_IPCC = 2184.0291
# raw coal, enterprise heating value and carbon content with the IPCC oxidation 1.0 (only with --fallback ipcc2006):
# 1000 t × 20.908 GJ/t = 20.908 TJ; × 26.37 tC/TJ = 551.34396 tC; × 1.0 × 44/12 = 2021.59452 tCO2
COAL_FALLBACK = 2021.59452
# electricity: 100 万kWh = 1,000,000 kWh; 2022 Jiangxi 0.5752 kg/kWh → 575200 kg = 575.2 tCO2;
# 2023 Jiangxi 0.5836 kg/kWh (evidence: none — the figure the outside check cites) → 583.6 tCO2
ELECTRICITY = {2022: (0.5752, "江西", 575.2), 2023: (0.5836, "江西", 583.6)}


@pytest.mark.parametrize("year", [2022, 2023])
def test_default_sets_stop_on_raw_coal_naming_the_parameter(year: int) -> None:
    with pytest.raises(InventoryInputError) as err:
        compute(jiangxi(year))
    text = str(err.value.problems[0])
    assert "原煤" in text and "cn_enterprise_2015" in text and "碳氧化率" in text and "--fallback" in text


@pytest.mark.parametrize("year", [2022, 2023])
@pytest.mark.parametrize("on_top", [None, "cn_enterprise_2015", "cn_provincial_2025", "cn_provincial_2011",
                                    "gbt2589_2020", "mee_nbs_grid"])
def test_enterprise_lines_are_one_set(year: int, on_top: str | None) -> None:
    # none of these sets has diesel or natural gas factors of its own, except the enterprise set itself
    result = compute(jiangxi(year, ("柴油", "天然气", "电力")), [on_top] if on_top else [])
    diesel, gas = _line(result, year, "柴油"), _line(result, year, "天然气")
    assert diesel.emission_t == pytest.approx(DIESEL_ENTERPRISE, abs=1e-6)
    assert gas.emission_t == pytest.approx(GAS_ENTERPRISE, abs=1e-6)
    for line in (diesel, gas):
        assert set(_sets(line).values()) == {"cn_enterprise_2015"} and not line.warnings
    value, region, tonnes = ELECTRICITY[year]
    grid = next(ln for ln in result.year(year).lines if ln.category == "electricity.net_import")
    assert grid.factors[0].value == value and grid.factors[0].region == region and grid.factors[0].year == year
    assert grid.emission_t == pytest.approx(tonnes, abs=1e-9)
    assert result.warnings == []


@pytest.mark.parametrize("year", [2022, 2023])
def test_ipcc_set_needs_its_missing_heating_value_allowed(year: int) -> None:
    with pytest.raises(InventoryInputError, match="ipcc2006 缺少低位发热量"):
        compute(jiangxi(year, ("柴油", "天然气")), ["ipcc2006"])
    result = compute(jiangxi(year, ("柴油", "天然气")), ["ipcc2006"], fallback="cn_enterprise_2015")
    diesel, gas = _line(result, year, "柴油"), _line(result, year, "天然气")
    assert diesel.emission_t == pytest.approx(DIESEL_IPCC, abs=1e-6)
    assert gas.emission_t == pytest.approx(GAS_IPCC, abs=1e-6)
    assert [f.parameter for f in diesel.factors] == ["ncv", "co2_ef_energy"]  # no oxidation rate
    assert len(result.warnings) == 2 and all("cn_enterprise_2015" in w for w in result.warnings)


@pytest.mark.parametrize("year", [2022, 2023])
def test_raw_coal_with_named_fallback_is_a_warning_everywhere(year: int, tmp_path: Path) -> None:
    from tanfeng.accounting import render

    result = compute(jiangxi(year), fallback="ipcc2006")
    coal = _line(result, year, "原煤")
    assert coal.emission_t == pytest.approx(COAL_FALLBACK, abs=1e-6)
    assert _sets(coal) == {"ncv": "cn_enterprise_2015", "carbon_content": "cn_enterprise_2015",
                           "oxidation": "ipcc2006"}
    assert len(result.warnings) == 1 and "碳氧化率取自ipcc2006" in result.warnings[0]
    # the same warning in the table, the JSON, the workbook and the notes the report prints
    assert result.warnings[0] in render.to_table(result)
    assert render.to_dict(result)["warnings"] == result.warnings
    assert any(result.warnings[0] in n for n in result.notes)
    from openpyxl import load_workbook

    render.write_xlsx(result, tmp_path / "out.xlsx")
    wb = load_workbook(tmp_path / "out.xlsx")
    cells = [str(c) for row in wb["排放明细"].iter_rows(values_only=True) for c in row if c]
    assert any(result.warnings[0] in c for c in cells)


def test_user_kg_per_tj_factor_is_used_as_is(tmp_path: Path) -> None:
    user = tmp_path / "county.csv"
    user.write_text("parameter,item,value,unit,table\nco2_ef_energy,diesel,74100,kg/TJ,county study 2024\n",
                    encoding="utf-8")
    result = compute(jiangxi(2022, ("柴油",)), [user])
    diesel = _line(result, 2022, "柴油")
    # 42.652 TJ × 74100 kg/TJ = 3160.5132 t: never × 0.98
    assert diesel.emission_t == pytest.approx(DIESEL_IPCC, abs=1e-6)
    assert "oxidation" not in _sets(diesel)
    assert _sets(diesel) == {"ncv": "cn_enterprise_2015", "co2_ef_energy": "county"}
    assert diesel.warnings  # the heating value comes from another set: said so


def test_user_file_supplies_the_missing_oxidation(tmp_path: Path) -> None:
    user = tmp_path / "plant.csv"
    user.write_text("parameter,item,value,unit,table\noxidation,raw_coal,0.94,,boiler test 2023\n", encoding="utf-8")
    result = compute(jiangxi(2023, ("原煤",)), [user])
    coal = _line(result, 2023, "原煤")
    # 551.34396 tC × 0.94 = 518.2633224 tC; × 44/12 = 1900.298849 tCO2
    assert coal.emission_t == pytest.approx(1900.298849, abs=1e-6)
    assert _sets(coal)["oxidation"] == "plant" and coal.warnings


def test_every_shipped_set_is_known() -> None:
    assert set(BUILTIN_SETS) == {"cn_enterprise_2015", "cn_provincial_2025", "gbt2589_2020", "mee_nbs_grid",
                                 "cn_provincial_2011", "ipcc2006"}


def test_coke_oven_gas_comes_whole_from_the_2025_edition() -> None:
    result = compute(jiangxi(2022, ("焦炉煤气",)))
    line = result.year(2022).lines[0]
    assert set(_sets(line).values()) == {"cn_provincial_2025"}
    # 10 × 179.81 GJ = 1.7981 TJ × 13.58 tC/TJ = 24.418198 tC × 0.99 = 24.17401602 tC × 44/12 = 88.63805874 tCO2
    assert line.emission_t == pytest.approx(88.63805874, abs=1e-6)


def test_evidence_counts_are_reported() -> None:
    result = compute(jiangxi(2022, ("柴油", "电力")))
    counts = result.evidence_counts()
    # diesel's three enterprise parameters have no checkable evidence; the 2022 Jiangxi grid factor neither
    # (only marked V3 in the reference); the standard-coal coefficients are not emission factors of a line
    assert counts == {"official": 0, "copy": 0, "none": 4}
    assert any("无可核对依据4个" in n for n in result.notes)


def test_a_province_without_its_own_2023_factor_takes_its_grid_regions_2023_factor() -> None:
    """Same year in the wider region before an earlier year of the province (湖南 has no 2023 row: 华中 0.5271)."""
    from tanfeng.accounting.factors import grid_chain, library

    found = library().resolve_current("grid_ef", "electricity", grid_chain("湖南"), 2023)
    assert found is not None and found.factor.region == "华中" and found.factor.year == 2023
    assert found.factor.value == pytest.approx(0.5271)
