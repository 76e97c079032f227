"""A scenario file's base year taken from a computed inventory (tanfeng.accounting → tanfeng.projection)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanfeng.accounting import compute, read_inventory
from tanfeng.accounting.factors import library
from tanfeng.accounting.results import InventoryResult
from tanfeng.cli import app
from tanfeng.projection.errors import ScenarioError
from tanfeng.projection.scenarios import example_scenarios_path, loads

INVENTORY = Path(str(resources.files("tanfeng") / "data" / "examples" / "shangyou-xian-inventory-example.csv"))
MAPPING = """
[base_year.from_inventory]
sectors = { agriculture = "primary", energy_industries = "secondary", industry = "secondary", transport = "tertiary", services = "tertiary", residential = "residential" }
fuels = { bituminous = "coal", diesel = "diesel", gasoline = "gasoline", lpg = "lpg", natural_gas = "natural_gas", electricity = "electricity", biomass_briquette = "biomass" }
non_energy = { ippu = "industrial_processes" }
sinks = { lulucf = "forest" }
"""
OWN = """[base_year]
population = { value = 26.0, unit = "万人", source = "示例数据", verified = false }
structure = { primary = 0.15, secondary = 0.38, tertiary = 0.47 }
electricity_non_fossil = { value = 0.35, unit = "1", source = "示例数据", verified = false }
"""


def _file(own: str = OWN, mapping: str = MAPPING) -> str:
    """The bundled example with its base year replaced by the population/structure part plus the mapping."""
    text = example_scenarios_path().read_text(encoding="utf-8")
    start, end = text.index("\n[base_year]") + 1, text.index("\n[base_year.forest]") + 1
    return text[:start] + own + mapping + "\n" + text[end:]


@pytest.fixture(scope="module")
def inventory() -> InventoryResult:
    return compute(read_inventory(INVENTORY), library([]), "AR5")


def test_base_year_comes_from_the_inventory(inventory: InventoryResult) -> None:
    s = loads(_file(), "x.toml", inventory=inventory, inventory_year=2020)
    base = s.base
    assert base.year == 2020
    assert base.gdp == pytest.approx(120 * 1e4)  # 120 亿元 = 1,200,000 万元 (the projection's GDP unit)
    y = inventory.years[2020]
    non_energy = {i.code: i.value for i in base.non_energy}
    assert non_energy["industrial_processes"] == pytest.approx(y.total(sector="ippu", scope="direct"))
    assert non_energy["waste"] == pytest.approx(y.total(sector="waste", scope="direct"))
    assert {i.code: i.value for i in base.sinks}["forest"] == pytest.approx(-y.total(sector="lulucf", scope="direct"))
    assert base.grid_factor.value == pytest.approx(0.5835) and "清单" in base.grid_factor.source
    # energy by hand: 18 万吨 bituminous coal in industry → coal (万吨, its standard-coal coefficient)
    coal = next(f for f in base.fuels if f.code == "coal")
    i_sec = [s.code for s in base.sectors].index("secondary")
    i_coal = [f.code for f in base.fuels].index("coal")
    assert base.energy[i_sec, i_coal] == pytest.approx(18 * coal.tce_per_unit)
    # electricity: industry 60,000 + energy industries (if any) 万千瓦时 in the secondary sector
    rows = [r for r in inventory.input.rows if r.section == "energy" and r.year == 2020 and r.item == "electricity"
            and r.category in ("industry", "energy_industries")]
    elec = next(f for f in base.fuels if f.code == "electricity")
    i_elec = [f.code for f in base.fuels].index("electricity")
    assert base.energy[i_sec, i_elec] == pytest.approx(sum(r.amount for r in rows) / 1e4 * elec.tce_per_unit)


def test_a_field_given_twice_or_an_unmapped_fuel_is_refused(inventory: InventoryResult) -> None:
    twice = OWN + 'gdp = { value = 110.0, unit = "亿元", source = "x", verified = false }\n'
    with pytest.raises(ScenarioError) as err:
        loads(_file(own=twice), "x.toml", inventory=inventory, inventory_year=2020)
    assert "base_year.gdp" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        loads(_file(mapping=MAPPING.replace('bituminous = "coal", ', "")), "x.toml", inventory=inventory,
              inventory_year=2020)
    assert "bituminous" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        loads(_file(mapping=""), "x.toml", inventory=inventory, inventory_year=2020)
    assert "from_inventory" in str(err.value)


def test_peak_cli_with_an_inventory(tmp_path: Path) -> None:
    scenarios = tmp_path / "s.toml"
    scenarios.write_text(_file(), encoding="utf-8")
    result = CliRunner().invoke(app, ["peak", str(scenarios), "--inventory", str(INVENTORY), "--inventory-year", "2020",
                                      "-s", "policy"])
    assert result.exit_code == 0, result.output
    assert "示例数据" in result.output and "达峰 / peak" in result.output
