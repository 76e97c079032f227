"""A scenario file's base year taken from a computed inventory (``tanfeng.accounting``).

The inventory gives what it measures — the base year, GDP, energy use by sector and fuel, the grid
factor it used, the non-energy emissions and the forest sink; the scenario file keeps its own
sectors, fuels (with their coefficients) and what an inventory does not hold (population, the
value-added structure, the non-fossil share of electricity, forest stock). The file maps the
inventory's sector and fuel codes onto its own in ``[base_year.from_inventory]``::

    [base_year.from_inventory]
    sectors = { industry = "secondary", transport = "tertiary", services = "tertiary", residential = "residential" }
    fuels = { bituminous = "coal", diesel = "diesel", electricity = "electricity" }
    non_energy = { ippu = "industrial_processes" }   # optional: codes of the file's drivers
    sinks = { lulucf = "forest" }
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pint

from tanfeng.accounting.results import InventoryResult
from tanfeng.projection.baseyear import Fuel
from tanfeng.projection.inventory_source import NON_ENERGY
from tanfeng.projection.toml_reader import Checker
from tanfeng.units import convert

# base_year fields the inventory supplies; the file must not state them as well
INVENTORY_FIELDS = ("year", "gdp", "energy", "grid_factor", "non_energy", "sinks")
_KEY = "base_year.from_inventory"


def _source(result: InventoryResult, what: str) -> str:
    label = f"（{result.label}）" if result.label else ""
    return f"温室气体清单{label} {Path(result.input.source).name}：{what}"


def _mapping(ck: Checker, table: Any, name: str, required: bool = True) -> dict[str, str]:
    value = ck.table(table.get(name) if isinstance(table, dict) else None, f"{_KEY}.{name}", required)
    if value is None:
        return {}
    out: dict[str, str] = {}
    for k, v in value.items():
        if isinstance(v, str):
            out[k] = v
        else:
            ck.add(f"{_KEY}.{name}.{k}", "应为情景文件中的代码（文字）", "must be a code of this file (text)")
    return out


def fill_base_year(ck: Checker, base_table: dict[str, Any], result: InventoryResult, year: int | None,
                   sector_codes: tuple[str, ...], fuels: tuple[Fuel, ...]) -> None:
    """Add the inventory's fields to ``base_table`` (the file's ``[base_year]``), in place."""
    mapping = base_table.pop("from_inventory", None)
    if mapping is None:
        ck.add(_KEY, "用清单作基准年时须给出部门与燃料对应表", "an inventory base year needs the sector and fuel mapping")
        return
    for field in INVENTORY_FIELDS:
        if field in base_table:
            ck.add(f"base_year.{field}", "已由清单给出，文件中不应再写", "comes from the inventory; remove it from the file")
    year = year or result.input.base_year or min(result.years)
    if year not in result.years:
        ck.add(_KEY, f"清单中没有 {year} 年", f"the inventory has no year {year}")
        return
    sectors, fuel_map = _mapping(ck, mapping, "sectors"), _mapping(ck, mapping, "fuels")
    units = {f.code: f.unit for f in fuels}
    for key, codes, known in ((f"{_KEY}.sectors", sectors, set(sector_codes)), (f"{_KEY}.fuels", fuel_map, set(units))):
        for src, dst in codes.items():
            if dst not in known:
                ck.add(f"{key}.{src}", f"“{dst}”不是本文件中的代码", f"'{dst}' is not a code of this file")
    base_table["year"] = year
    annual = result.input.annual.get(year)
    if annual is None or annual.gdp is None:
        ck.add(_KEY, f"清单缺少 {year} 年地区生产总值", f"the inventory has no GDP for {year}")
    else:
        base_table["gdp"] = {"value": annual.gdp, "unit": "亿元", "verified": False,
                             "source": _source(result, f"{year}年地区生产总值（可比价）")}
    base_table["energy"] = _energy(ck, result, year, sectors, fuel_map, units)
    grid = _grid_factor(result, year)
    if grid is not None:
        base_table["grid_factor"] = grid
    codes = {**_mapping(ck, mapping, "non_energy", required=False), **_mapping(ck, mapping, "sinks", required=False)}
    base_table["non_energy"], base_table["sinks"] = _other_emissions(result, year, codes)


def _energy(ck: Checker, result: InventoryResult, year: int, sectors: dict[str, str], fuel_map: dict[str, str],
            units: dict[str, str]) -> dict[str, Any]:
    energy: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in result.input.rows:
        if row.section != "energy" or row.year != year or row.use != "fuel":
            continue  # feedstock (原料用能) is not burnt: it has no place in the driver model
        sector, fuel = sectors.get(row.category), fuel_map.get(row.item)
        if sector is None:
            ck.add(f"{_KEY}.sectors", f"清单部门“{row.category}”未对应到本文件的部门",
                   f"inventory sector '{row.category}' is not mapped")
            continue
        if fuel is None or fuel not in units:
            ck.add(f"{_KEY}.fuels", f"清单燃料“{row.item}”未对应到本文件的燃料", f"inventory fuel '{row.item}' is not mapped")
            continue
        try:
            energy[sector][fuel] += convert(row.amount, row.base_unit, units[fuel])
        except (pint.errors.PintError, AttributeError, ValueError):
            ck.add(f"fuels.{fuel}.unit", f"无法把清单单位“{row.base_unit}”换算为“{units[fuel]}”",
                   f"cannot convert the inventory's '{row.base_unit}' to '{units[fuel]}'")
    out: dict[str, Any] = {s: dict(f) for s, f in energy.items()}
    out["source"] = _source(result, f"{year}年能源消费（实物量）")
    out["verified"] = False
    return out


def _grid_factor(result: InventoryResult, year: int) -> dict[str, Any] | None:
    for line in result.years[year].lines:
        for f in line.factors:
            if f.parameter == "grid_ef":
                # the factor library writes a mass per kWh; the projection wants CO₂ per kWh
                unit = re.sub(r"^(k?g|t)\s*/", r"\1CO2/", f.unit.replace(" ", ""))
                return {"value": f.value, "unit": unit, "verified": f.verified,
                        "source": f"{f.source} {f.table}".strip() + f"（经清单 {Path(result.input.source).name}）"}
    return None


def _other_emissions(result: InventoryResult, year: int, codes: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Non-energy sources (IPPU, agriculture, waste) and the LULUCF sink, under the file's codes
    (``non_energy = { ippu = "industrial_processes" }``, ``sinks = { lulucf = "forest" }``)."""
    y = result.years[year]
    non_energy: dict[str, Any] = {}
    for sector, name in NON_ENERGY:
        total = y.total(sector=sector, scope="direct")
        if total:
            non_energy[codes.get(sector, sector)] = {"name": name, "gas": "CO2e", "value": total / 1e4, "unit": "万吨", "verified": False,
                                  "source": _source(result, f"{year}年{name}（{result.gwp_metric}）")}
    sinks: dict[str, Any] = {}
    lulucf = y.total(sector="lulucf", scope="direct")
    if lulucf < 0:
        sinks[codes.get("lulucf", "lulucf")] = {"name": "土地利用变化和林业碳汇", "gas": "CO2", "value": -lulucf / 1e4, "unit": "万吨",
                           "verified": False, "source": _source(result, f"{year}年土地利用变化和林业")}
    return non_energy, sinks
