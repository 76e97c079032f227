"""Base year from an inventory (``projection.inventory_source``) and ``tanfeng peak --inventory``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanfeng.accounting import example_inventory_path
from tanfeng.cli import app
from tanfeng.projection import ScenarioError, load, loads, project
from tanfeng.projection.inventory_source import inventory_source

SCENARIOS = """
[meta]
title = "清单基准年测试（示例数据）"
region = "示例县"
end_year = 2035
peak_by = 2030

[base_year]
population = { value = 26.0, unit = "万人", source = "示例数据", verified = false }
structure = { STRUCTURE }

[scenarios.base]
drivers.gdp = { growth = { "YEARS" = 0.05 } }
"""
EXAMPLE_STRUCTURE = "energy_industries = 0.05, industry = 0.35, transport = 0.05, services = 0.40, agriculture = 0.15"

SMALL = """表,类别,子类,年份,数量,单位,用途,年生长率（%）,年消耗量（立方米）,备注
基本信息,地区名称,甲县（示例）,,,,,,,
基本信息,基准年,2021,,,,,,,
基本信息,电网排放因子区域,全国,,,,,,,
基本信息,电网排放因子年份,2021,,,,,,,
基本信息,数据性质,示例数据,,,,,,,
年度数据,地区生产总值（可比价）,,2021,10,亿元,,,,
年度数据,火电发电煤耗,,2021,300,克标准煤/千瓦时,,,,
年度数据,调入电力中非化石能源比重,,2021,30,%,,,,
能源消费,工业和建筑业,柴油,2021,1000,吨,燃料,,,
能源消费,居民生活,电力,2021,100,万千瓦时,燃料,,,
能源消费,服务业,汽油,2021,0,吨,燃料,,,
本地发电,水电,,2021,20,万千瓦时,,,,
"""


def _scenarios(structure: str, first: int, extra: str = "") -> str:
    return SCENARIOS.replace("STRUCTURE", structure).replace("YEARS", f"{first + 1}-2035") + extra


@pytest.mark.parametrize("year", [2020, 2024])
def test_example_inventory_base_year_matches_the_inventory(year: int) -> None:
    src = inventory_source(example_inventory_path(), year)
    totals, bal = src.yr.totals(), src.yr.balance
    scn = loads(_scenarios(EXAMPLE_STRUCTURE, year), "s.toml", base=src)
    p = project(scn, "base")
    assert scn.base.year == year
    # energy CO₂ (direct + indirect electricity), total energy (当量值), non-fossil share (等价值)
    assert p.series("energy_co2")[0] == pytest.approx(totals["energy_co2_with_indirect"], rel=1e-12)
    assert p.series("energy")[0] == pytest.approx(bal.total_cal_tce, rel=1e-12)
    assert p.non_fossil_share()[0] == pytest.approx(bal.nonfossil_eq_tce / bal.total_eq_tce, rel=1e-12)
    assert p.series("gdp")[0] == pytest.approx(src.inp.annual[year].gdp * 1e4)  # 亿元 → 万元
    assert p.series("non_energy")[0] == pytest.approx(
        totals["ippu_co2e"] + totals["agriculture_co2e"] + totals["waste_co2e"])
    assert p.series("sinks")[0] == pytest.approx(-totals["lulucf_co2e"])
    # provenance: the factors the inventory used, with their verified flags
    coal = next(f for f in scn.base.fuels if f.code == "bituminous")
    assert coal.co2 is not None and "附录二" in coal.co2.source and coal.co2.verified is False
    feed = next(f for f in scn.base.fuels if f.code == "natural_gas_feedstock")
    assert feed.co2_per_tce == 0 and feed.tce_per_unit > 0


def test_small_inventory_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text(SMALL, encoding="utf-8")
    src = inventory_source(path)
    assert src.year == 2021
    scn = loads(_scenarios("industry = 1.0", 2021), "s.toml", base=src)
    b = scn.base
    assert [s.code for s in b.sectors] == ["industry", "residential"]  # the zero 服务业 row adds nothing
    assert [f.code for f in b.fuels] == ["diesel", "electricity"]
    assert b.population == pytest.approx(260_000) and b.gdp == pytest.approx(100_000)  # 10 亿元 = 100000 万元
    # diesel: 1000 t × 42.652 GJ/t ÷ 1000 × 20.2 tC/TJ × 0.98 × 44/12 (省级/企业指南缺省值)
    diesel_co2 = 1000 * 42.652 / 1000 * 20.2 * 0.98 * 44 / 12
    # electricity: net import (100 − 20) 万kWh × 0.5568 kgCO₂/kWh (全国 2021)
    elec_co2 = 800_000 * 0.5568 / 1000
    assert b.grid_t_per_kwh == pytest.approx(elec_co2 / 1_000_000)
    # non-fossil electricity: local hydro 20 万kWh + 30 % of the 80 万kWh imported
    assert b.electricity_non_fossil.value == pytest.approx((200_000 + 0.3 * 800_000) / 1_000_000)
    p = project(scn, "base")
    assert p.series("energy_co2")[0] == pytest.approx(diesel_co2 + elec_co2)
    assert p.series("energy")[0] == pytest.approx(1000 * 1.4571 + 1_000_000 * 0.0001229)
    # 等价值: electricity at 300 gce/kWh
    assert p.non_fossil_share()[0] == pytest.approx(440_000 * 0.0003 / (1000 * 1.4571 + 1_000_000 * 0.0003))
    assert p.energy_intensity()[0] == pytest.approx((1457.1 + 122.9) / 100_000)
    assert b.non_energy == () and b.sinks == ()


def test_file_may_only_add_missing_fields(tmp_path: Path) -> None:
    src = inventory_source(example_inventory_path(), 2020)
    doubled = _scenarios(EXAMPLE_STRUCTURE, 2020).replace(
        "[scenarios.base]", 'gdp = { value = 1.0, unit = "亿元", source = "x", verified = false }\n\n[scenarios.base]')
    with pytest.raises(ScenarioError) as err:
        loads(doubled, "s.toml", base=src)
    assert "base_year.gdp" in str(err.value) and "清单已给出" in str(err.value)
    missing = _scenarios(EXAMPLE_STRUCTURE, 2020).replace(f"structure = {{ {EXAMPLE_STRUCTURE} }}", "")
    with pytest.raises(ScenarioError) as err:
        loads(missing, "s.toml", base=src)
    assert "base_year.structure" in str(err.value) and "industry" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        loads(_scenarios(EXAMPLE_STRUCTURE, 2020).replace("[scenarios.base]", "gdp_extra = 1\n\n[scenarios.base]"),
              "s.toml", base=src)
    assert "base_year.gdp_extra" in str(err.value) and "未知的键" in str(err.value)
    sectors = "[sectors.a]\nname = \"甲\"\nactivity = \"gdp\"\n" + _scenarios(EXAMPLE_STRUCTURE, 2020)
    with pytest.raises(ScenarioError) as err:
        loads(sectors, "s.toml", base=src)
    assert "sectors" in str(err.value)


def test_peak_cli_inventory(tmp_path: Path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text(_scenarios(EXAMPLE_STRUCTURE, 2024), encoding="utf-8")
    inv = str(example_inventory_path())
    result = CliRunner().invoke(app, ["peak", str(toml), "--inventory", inv, "--inventory-year", "2024", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["base_year"] == 2024 and doc["label"] == "示例数据"  # the inventory's label carries over
    grid = next(f for f in doc["factors"] if f["factor"] == "grid")
    assert "公告2024年第12号" in grid["source"] and grid["verified"] is False
    src = inventory_source(example_inventory_path(), 2024)
    expected = load(toml, base=src)
    assert doc["scenarios"][0]["peak"]["value_mt"] == pytest.approx(project(expected, "base").peak.value / 1e6)
    bad = CliRunner().invoke(app, ["peak", str(toml), "--inventory", inv, "--inventory-year", "2019"])
    assert bad.exit_code == 2 and "2019" in bad.output
    wrong_year = CliRunner().invoke(app, ["peak", str(toml), "--inventory", inv])  # 2020: paths start 2025
    assert wrong_year.exit_code == 2 and "2021" in wrong_year.output
