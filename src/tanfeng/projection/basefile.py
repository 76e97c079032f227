"""Reading the base-year part of a scenario file: ``[meta]``, ``[sectors]``, ``[fuels]``, ``[base_year]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from tanfeng.projection.baseyear import (
    GDP_UNIT,
    BaseYear,
    EnergyUse,
    Factor,
    Forest,
    Fuel,
    Item,
    Sector,
    energy_matrix,
    per_activity_unit,
    to_tonnes,
)
from tanfeng.projection.engine import PEAK_METRICS
from tanfeng.projection.toml_reader import Checker, join
from tanfeng.units import convert

SHARE_TOLERANCE = 1e-6
FACTOR_KEYS = ("value", "unit", "source", "verified", "note")


@dataclass(frozen=True)
class Meta:
    """File-level settings."""

    title: str
    region: str
    label: str  # e.g. 示例数据; shown on every output when set
    end_year: int
    peak_metric: str
    peak_by: int
    notes: tuple[str, ...]


def read_meta(ck: Checker, doc: dict[str, Any], base_year: int | None) -> Meta | None:
    t = ck.table(doc.get("meta"), "meta")
    if t is None:
        return None
    ck.known(t, "meta", ("title", "region", "label", "end_year", "peak_metric", "peak_by", "notes"))
    end = ck.integer(t.get("end_year"), "meta.end_year")
    if end is not None and base_year is not None and not base_year < end <= base_year + 200:
        ck.add("meta.end_year", f"应在基准年 {base_year} 之后", f"must be after the base year {base_year}")
        end = None
    notes = t.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        ck.add("meta.notes", "应为文字列表", "must be a list of strings")
        notes = []
    metric = ck.choice(t.get("peak_metric"), "meta.peak_metric", PEAK_METRICS, default="energy_co2")
    peak_by = ck.integer(t.get("peak_by", 2030), "meta.peak_by")
    title, region = ck.text(t.get("title"), "meta.title"), ck.text(t.get("region"), "meta.region")
    label = ck.text(t.get("label"), "meta.label", required=False) or ""
    if None in (end, metric, peak_by, title, region):
        return None
    assert end is not None and metric is not None and peak_by is not None
    return Meta(str(title), str(region), label, end, metric, peak_by, tuple(notes))


def read_factor(ck: Checker, value: Any, key: str, *, maximum: float | None = None) -> Factor | None:
    """A coefficient table ``{value, unit, source, verified, note}``; the source is mandatory."""
    t = ck.table(value, key)
    if t is None:
        return None
    ck.known(t, key, FACTOR_KEYS)
    number = ck.number(t.get("value"), join(key, "value"), maximum=maximum)
    unit = ck.text(t.get("unit"), join(key, "unit"))
    source = ck.text(t.get("source"), join(key, "source"))
    if "verified" not in t:
        ck.add(join(key, "verified"), "缺少核实标记（true/false）", "missing verified flag (true/false)")
    verified = ck.boolean(t.get("verified"), join(key, "verified"), False)
    note = ck.text(t.get("note"), join(key, "note"), required=False) or ""
    if number is None or unit is None or source is None:
        return None
    return Factor(number, unit, source, verified, note)


def read_sectors(ck: Checker, doc: dict[str, Any]) -> tuple[Sector, ...]:
    t = ck.table(doc.get("sectors"), "sectors") or {}
    out = []
    for code, body in t.items():
        key = join("sectors", code)
        b = ck.table(body, key)
        if b is None:
            continue
        ck.known(b, key, ("name", "activity"))
        name = ck.text(b.get("name"), join(key, "name"))
        act = ck.choice(b.get("activity"), join(key, "activity"), ("gdp", "population"))
        if name and act:
            out.append(Sector(code, name, "gdp" if act == "gdp" else "population"))
    if t and not any(s.activity == "gdp" for s in out):
        ck.add("sectors", "至少需要一个以增加值为活动水平的部门（activity = \"gdp\"）",
               'at least one sector with activity = "gdp" is needed')
    return tuple(out)


def read_fuels(ck: Checker, doc: dict[str, Any]) -> tuple[Fuel, ...]:
    t = ck.table(doc.get("fuels"), "fuels") or {}
    out = []
    for code, body in t.items():
        key = join("fuels", code)
        b = ck.table(body, key)
        if b is None:
            continue
        ck.known(b, key, ("name", "kind", "unit", "standard_coal", "co2", "standard_coal_non_fossil"))
        name = ck.text(b.get("name"), join(key, "name"))
        kind = ck.choice(b.get("kind"), join(key, "kind"), ("fossil", "non_fossil", "electricity"))
        unit = ck.text(b.get("unit"), join(key, "unit"))
        coal = read_factor(ck, b.get("standard_coal"), join(key, "standard_coal"))
        co2 = read_factor(ck, b.get("co2"), join(key, "co2")) if kind == "fossil" else None
        if kind in ("electricity", "non_fossil") and "co2" in b:
            ck.add(join(key, "co2"), "电力的排放因子由 base_year.grid_factor 给出，非化石能源计为零，此处不应填写",
                   "electricity takes base_year.grid_factor and non-fossil fuels count as zero; remove this factor")
        nf = b.get("standard_coal_non_fossil")
        coal_nf = read_factor(ck, nf, join(key, "standard_coal_non_fossil")) if nf is not None else None
        if not (name and kind and unit and coal) or (kind == "fossil" and co2 is None):
            continue
        fuel = Fuel(code, name, kind, unit, coal, co2, coal_nf)  # type: ignore[arg-type]
        if _check_fuel_units(ck, key, fuel):
            out.append(fuel)
    if sum(f.kind == "electricity" for f in out) > 1:
        ck.add("fuels", "电力（kind = \"electricity\"）只能有一种", 'only one fuel may have kind = "electricity"')
    return tuple(out)


def _check_fuel_units(ck: Checker, key: str, fuel: Fuel) -> bool:
    checks: list[tuple[str, Factor | None, str]] = [
        ("standard_coal", fuel.standard_coal, "tce"), ("co2", fuel.co2, "t_CO2"),
        ("standard_coal_non_fossil", fuel.standard_coal_non_fossil, "tce")]
    ok = True
    for name, factor, result in checks:
        if factor is None:
            continue
        try:
            x = per_activity_unit(factor, fuel.unit, result)
        except (pint.errors.PintError, AttributeError, ValueError):
            ck.add(join(key, name) + ".unit", f"单位 '{factor.unit}' 与燃料单位 '{fuel.unit}' 不匹配或无法识别",
                   f"unit '{factor.unit}' does not fit the fuel unit '{fuel.unit}' or is unknown")
            ok = False
            continue
        if name == "standard_coal" and x <= 0:
            ck.add(join(key, name) + ".value", "折标系数必须大于零", "the standard-coal coefficient must be positive")
            ok = False
    if ok and fuel.kind == "electricity":
        try:
            convert(1.0, fuel.unit, "kWh")
        except (pint.errors.PintError, AttributeError):
            ck.add(join(key, "unit"), f"电力单位 '{fuel.unit}' 不是电量单位", f"'{fuel.unit}' is not an energy unit")
            ok = False
    return ok


def _quantity(ck: Checker, value: Any, key: str, target: str) -> tuple[float, Factor] | None:
    f = read_factor(ck, value, key)
    if f is None:
        return None
    try:
        return convert(f.value, f.unit, target), f
    except (pint.errors.PintError, AttributeError):
        ck.add(join(key, "unit"), f"单位 '{f.unit}' 无法换算为 {target}", f"unit '{f.unit}' does not convert to {target}")
        return None


def read_shares(ck: Checker, value: Any, key: str, labels: tuple[str, ...]) -> np.ndarray | None:
    """A table of shares over ``labels``: non-negative, summing to 1; missing labels are 0."""
    t = ck.table(value, key)
    if t is None:
        return None
    ck.known(t, key, labels)
    out = np.zeros(len(labels))
    bad = False
    for i, lab in enumerate(labels):
        if lab in t:
            x = ck.number(t[lab], join(key, lab), maximum=1.0)
            bad = bad or x is None
            out[i] = x or 0.0
    if bad or any(k not in labels for k in t):
        return None
    if abs(out.sum() - 1.0) > SHARE_TOLERANCE:
        ck.add(key, f"各项比重之和应为 1，实为 {out.sum():.6g}", f"shares must sum to 1, got {out.sum():.6g}")
        return None
    return out


def read_items(ck: Checker, value: Any, key: str) -> tuple[Item, ...]:
    t = ck.table(value, key, required=False) or {}
    out = []
    for code, body in t.items():
        k = join(key, code)
        b = ck.table(body, k)
        if b is None:
            continue
        ck.known(b, k, ("name", "gas", *FACTOR_KEYS))
        name = ck.text(b.get("name"), join(k, "name"))
        gas = ck.text(b.get("gas"), join(k, "gas"))
        f = read_factor(ck, {x: b[x] for x in FACTOR_KEYS if x in b}, k)
        if not (name and gas and f):
            continue
        try:
            out.append(Item(code, name, gas, to_tonnes(f.value, f.unit), f))
        except (pint.errors.PintError, AttributeError):
            ck.add(join(k, "unit"), f"单位 '{f.unit}' 不是质量单位", f"unit '{f.unit}' is not a mass unit")
    return tuple(out)


def read_energy(ck: Checker, value: Any, sectors: tuple[Sector, ...], fuels: tuple[Fuel, ...]) -> list[EnergyUse]:
    """``[base_year.energy.<sector>] <fuel> = amount`` in the fuel's unit, plus ``source``/``verified``."""
    key = "base_year.energy"
    t = ck.table(value, key)
    if t is None:
        return []
    ck.text(t.get("source"), join(key, "source"))
    if not isinstance(t.get("verified"), bool):
        ck.add(join(key, "verified"), "缺少核实标记（true/false）", "missing verified flag (true/false)")
    sector_codes = {s.code for s in sectors}
    fuel_units = {f.code: f.unit for f in fuels}
    uses = []
    for sector, body in t.items():
        if sector in ("source", "verified", "note"):
            continue
        k = join(key, sector)
        if sector not in sector_codes:
            ck.add(k, f"未知部门 '{sector}'", f"unknown sector '{sector}'")
            continue
        b = ck.table(body, k)
        for fuel, amount in (b or {}).items():
            if fuel not in fuel_units:
                ck.add(join(k, fuel), f"未知燃料 '{fuel}'", f"unknown fuel '{fuel}'")
                continue
            x = ck.number(amount, join(k, fuel))
            if x is not None:
                uses.append(EnergyUse(sector, fuel, x, fuel_units[fuel]))
    return uses


def read_forest(ck: Checker, value: Any, sinks: tuple[Item, ...]) -> Forest | None:
    """``[base_year.forest]``: stock, coverage (%), co2_per_m3, and the sink that follows the stock."""
    key = "base_year.forest"
    t = ck.table(value, key)
    if t is None:
        return None
    ck.known(t, key, ("stock", "coverage", "co2_per_m3", "sink"))
    stock = _quantity(ck, t.get("stock"), join(key, "stock"), "m ** 3")
    coverage = read_factor(ck, t["coverage"], join(key, "coverage"), maximum=100.0) if "coverage" in t else None
    if coverage is not None and coverage.unit not in ("%", "％"):
        ck.add(join(key, "coverage.unit"), "森林覆盖率单位应为 %", "forest coverage must be in %")
    linked = ck.text(t.get("sink"), join(key, "sink"), required=False)
    if linked is not None and linked not in {i.code for i in sinks}:
        ck.add(join(key, "sink"), f"未知的碳汇项 '{linked}'", f"unknown sink item '{linked}'")
    factor = read_factor(ck, t.get("co2_per_m3"), join(key, "co2_per_m3")) if linked or "co2_per_m3" in t else None
    if stock is None or ck.problems:
        return None
    forest = Forest(stock[1], stock[0], coverage, factor, linked)
    try:
        forest.t_co2_per_m3  # noqa: B018 — the unit must convert
    except (pint.errors.PintError, AttributeError):
        ck.add(join(key, "co2_per_m3.unit"), "单位应为 tCO2/立方米 之类", "unit must be like tCO2/立方米")
        return None
    return forest


def read_base_year(ck: Checker, doc: dict[str, Any], sectors: tuple[Sector, ...],
                   fuels: tuple[Fuel, ...]) -> BaseYear | None:
    key = "base_year"
    t = ck.table(doc.get(key), key)
    if t is None:
        return None
    ck.known(t, key, ("year", "gdp", "population", "structure", "energy", "grid_factor",
                      "electricity_non_fossil", "non_energy", "sinks", "forest"))
    year = ck.integer(t.get("year"), "base_year.year")
    gdp = _quantity(ck, t.get("gdp"), "base_year.gdp", GDP_UNIT)
    if gdp is not None and gdp[0] <= 0:
        ck.add("base_year.gdp.value", "GDP 必须大于零", "GDP must be positive")
        gdp = None
    pop = _quantity(ck, t.get("population"), "base_year.population", "person")
    gdp_codes = tuple(s.code for s in sectors if s.activity == "gdp")
    structure = read_shares(ck, t.get("structure"), "base_year.structure", gdp_codes)
    uses = read_energy(ck, t.get("energy"), sectors, fuels)
    has_elec = any(f.kind == "electricity" for f in fuels)
    grid = read_factor(ck, t.get("grid_factor"), "base_year.grid_factor") if has_elec or "grid_factor" in t else None
    if grid is not None:
        try:
            convert(grid.value, grid.unit, "t_CO2/kWh")
        except (pint.errors.PintError, AttributeError):
            ck.add("base_year.grid_factor.unit", f"单位 '{grid.unit}' 不是排放因子单位（如 kgCO2/kWh）",
                   f"unit '{grid.unit}' is not an emission factor unit (e.g. kgCO2/kWh)")
            grid = None
    nf_raw = t.get("electricity_non_fossil")
    nf = read_factor(ck, nf_raw, "base_year.electricity_non_fossil", maximum=1.0) if has_elec or nf_raw else None
    non_energy = read_items(ck, t.get("non_energy"), "base_year.non_energy")
    sinks = read_items(ck, t.get("sinks"), "base_year.sinks")
    forest = read_forest(ck, t.get("forest"), sinks) if "forest" in t else None
    if year is None or gdp is None or pop is None or structure is None or (has_elec and (grid is None or nf is None)) or ck.problems:
        return None
    none = Factor(0.0, "t_CO2/kWh", "无电力 / no electricity", True)
    base = BaseYear(
        year=year, gdp=gdp[0], gdp_source=gdp[1], population=pop[0], population_source=pop[1],
        sectors=sectors, fuels=fuels, structure=structure, energy=energy_matrix(uses, sectors, fuels),
        grid_factor=grid or none, electricity_non_fossil=nf or Factor(0.0, "1", none.source, True),
        non_energy=non_energy, sinks=sinks, forest=forest,
    )
    if not base.energy.sum() > 0:
        ck.add("base_year.energy", "基准年能耗合计为零", "base-year energy use is zero")
    for sector, act, energy in zip(sectors, base.activity(), base.energy.sum(axis=1), strict=True):
        if energy > 0 and act <= 0:
            key = f"base_year.structure.{sector.code}" if sector.activity == "gdp" else "base_year.population"
            ck.add(key, f"部门“{sector.name}”有能耗但活动水平为 0", f"sector '{sector.code}' uses energy but has no activity")
    return None if ck.problems else base
