"""A projection's base year from a greenhouse-gas inventory (the accounting engine's input and results).

Mapping (one inventory year):

* sectors = the inventory's energy-consumption sectors of that year (居民生活 driven by population,
  the others by value added); fuels = the fuels used that year, feedstock use kept apart
  (``<fuel>_feedstock``, no CO₂, as the inventory counts it);
* each fuel's standard-coal and CO₂ coefficients = what the inventory applied (total tce and CO₂ of the
  fuel ÷ its amount), citing the factors of the resolved library with their verified flags;
* grid factor = the inventory's indirect electricity CO₂ ÷ electricity use (equal to the published grid
  factor when there is no local generation; lower when local generation covers part of the use);
* non-fossil share of electricity = (local non-fossil generation used + non-fossil part of net imports) ÷ use;
* GDP from the annual data; non-energy emissions = inventory totals of industrial processes, agriculture,
  waste (and combustion CH₄/N₂O when computed); sink = −LULUCF total.

Population and value-added shares are not in an inventory: a scenario file's ``[base_year]`` supplies them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import ActivityRow, InventoryInput
from tanfeng.accounting.energy import tce_of
from tanfeng.accounting.factors import FactorLibrary, library
from tanfeng.accounting.inventory import DEFAULT_GWP, compute
from tanfeng.accounting.readers import read_inventory
from tanfeng.accounting.results import Context, FactorUse, InventoryResult, YearResult
from tanfeng.projection.baseyear import (
    EnergyUse,
    Factor,
    Fuel,
    Item,
    MissingBaseField,
    Sector,
)
from tanfeng.projection.errors import ProjectionError

POPULATION_SECTORS = ("residential",)
NON_ENERGY = (("ippu", "工业生产过程"), ("agriculture", "农业"), ("waste", "废弃物处理"))


def _cite(uses: Iterable[FactorUse]) -> tuple[str, bool]:
    """One citation for several factors (document, table, edition), and whether all are verified."""
    seen: dict[str, bool] = {}
    for u in uses:
        seen.setdefault(f"{u.source} {u.table}（{u.edition}版）", u.verified)
    return "；".join(seen) or "清单核算 / inventory", bool(seen) and all(seen.values())


@dataclass
class InventorySource:
    """One year of a computed inventory as a :class:`~tanfeng.projection.BaseYearSource`."""

    result: InventoryResult
    lib: FactorLibrary
    year: int
    population_factor: Factor | None = None
    shares: Mapping[str, float] | None = None
    _rows: list[ActivityRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.year not in self.result.years:
            years = "、".join(str(y) for y in self.result.years) or "无 / none"
            raise ProjectionError(f"{self.inp.source}: 清单中没有 {self.year} 年（有：{years}）/ "
                                  f"the inventory has no year {self.year} (has: {years})")
        # a zero row adds nothing and would leave its fuel without a coefficient
        self._rows = [r for r in self.inp.rows if r.year == self.year and r.section == "energy" and r.amount > 0]
        if not self._rows:
            raise ProjectionError(f"{self.inp.source}: {self.year} 年没有能源消费数据 / no energy use in {self.year}")

    @classmethod
    def of(cls, result: InventoryResult, year: int | None = None, lib: FactorLibrary | None = None) -> InventorySource:
        """``year`` defaults to the inventory's base year (else its first year); ``lib`` to the default
        library (the one ``tanfeng peak --inventory`` computes with)."""
        chosen = year or (result.input.base_year if result.input.base_year in result.years else None)
        return cls(result, lib or library(()), chosen or min(result.years))

    @property
    def inp(self) -> InventoryInput:
        return self.result.input

    @property
    def yr(self) -> YearResult:
        return self.result.year(self.year)

    def _source(self, what: str) -> str:
        return f"温室气体清单 {Path(self.inp.source).name} {self.year}年{what}"

    def gdp(self) -> Factor:
        annual = self.inp.annual.get(self.year)
        if annual is None or annual.gdp is None:
            raise ProjectionError(f"{self.inp.source}: 年度数据缺少 {self.year} 年地区生产总值（可比价）/ "
                                  f"annual data has no GDP for {self.year}")
        return Factor(annual.gdp, "亿元", self._source("地区生产总值（可比价）"), False,
                      self.result.label or "清单填报值 / as reported in the inventory")

    def population(self) -> Factor:
        if self.population_factor is None:
            raise MissingBaseField("population")
        return self.population_factor

    def value_added_shares(self) -> Mapping[str, float]:
        if self.shares is None:
            raise MissingBaseField("structure")
        return self.shares

    @staticmethod
    def _fuel_code(row: ActivityRow) -> str:
        return f"{row.item}_feedstock" if row.use == "feedstock" else row.item

    def energy_uses(self) -> list[EnergyUse]:
        return [EnergyUse(r.category, self._fuel_code(r), r.amount, r.base_unit) for r in self._rows]

    def sectors(self) -> tuple[Sector, ...]:
        present = {r.category for r in self._rows}
        return tuple(Sector(t.code, t.zh, "population" if t.code in POPULATION_SECTORS else "gdp")
                     for t in vocab.SECTORS if t.code in present)

    def fuels(self) -> tuple[Fuel, ...]:
        ctx = Context(self.inp, self.lib, self.result.gwp_metric)
        groups: dict[str, list[ActivityRow]] = defaultdict(list)
        for r in self._rows:
            groups[self._fuel_code(r)].append(r)
        return tuple(self._fuel(ctx, code, rows) for code, rows in groups.items())

    def _fuel(self, ctx: Context, code: str, rows: Sequence[ActivityRow]) -> Fuel:
        item = rows[0].item
        info = vocab.FUELS_BY_CODE[item]
        unit = rows[0].base_unit
        name = info.zh + ("（原料）" if code != item else "")
        if info.kind is vocab.FuelKind.electricity:
            return self._electricity(ctx, name, unit)
        amount = sum(r.amount for r in rows)
        tce = sum((tce_of(ctx, r) or (0.0, ""))[0] for r in rows)
        coef = ctx.find("tce_coef", item)
        ncv = ctx.find("ncv", item)
        coal_cite = _cite([FactorUse.of(f) for f in (coef or ncv,) if f is not None])
        coal = Factor(tce / amount, f"tce/{unit}", coal_cite[0], coal_cite[1])
        if info.kind is vocab.FuelKind.biomass:
            return Fuel(code, name, "non_fossil", unit, coal)
        refs = {f"{r.sheet}!{r.row}" for r in rows}
        lines = [ln for ln in self.yr.lines if ln.gas == "CO2" and set(ln.source_rows) <= refs
                 and ln.category not in ("electricity.net_import",)]
        co2 = sum(ln.emission_t for ln in lines)
        cite = _cite(f for ln in lines for f in ln.factors)
        if code != item:
            cite = ("原料用能不燃烧，不计排放（清单核算规则）/ feedstock is not burnt", True)
        return Fuel(code, name, "fossil", unit, coal, Factor(co2 / amount, f"t_CO2/{unit}", *cite))

    def _electricity(self, ctx: Context, name: str, unit: str) -> Fuel:
        cal = ctx.find("tce_coef", "electricity")
        if cal is None:
            raise ProjectionError("因子库缺少电力折标系数 tce_coef/electricity / no electricity tce coefficient")
        cal_use = FactorUse.of(cal)
        coal = Factor(cal_use.value, "tce/kWh", *_cite([cal_use]))
        rate = self.yr.balance.coal_rate
        nf = None if rate is None else Factor(
            rate, "kgce/kWh", self._source("火电发电煤耗（等价值折算）"), False, "清单填报值 / as reported")
        return Fuel("electricity", name, "electricity", unit, coal, None, nf)

    def grid_factor(self) -> Factor:
        bal = self.yr.balance
        lines = [ln for ln in self.yr.lines if ln.category == "electricity.net_import"]
        if not lines or bal.electricity_use_kwh <= 0:
            return Factor(0.0, "t_CO2/kWh", "无电力 / no electricity", True)
        co2 = sum(ln.emission_t for ln in lines)
        source, verified = _cite(f for ln in lines for f in ln.factors)
        note = ("= 净调入电量间接排放 ÷ 全社会用电量（本地发电部分不计）/ indirect CO₂ of net imports ÷ electricity use"
                if bal.net_import_kwh != bal.electricity_use_kwh else "")
        # kg/kWh as the announcements publish it, so a scenario's grid milestones read the same way
        return Factor(co2 / bal.electricity_use_kwh * 1000.0, "kg_CO2/kWh", source, verified, note)

    def electricity_non_fossil_share(self) -> Factor:
        bal = self.yr.balance
        use = bal.electricity_use_kwh
        generation = sum(bal.generation_kwh.values())
        local = min(use, generation) * (bal.nonfossil_generation_kwh / generation) if generation else 0.0
        nf = local + max(bal.net_import_kwh, 0.0) * bal.import_nonfossil_share
        return Factor(nf / use if use > 0 else 0.0, "1",
                      self._source("本地非化石发电及调入电力非化石比重"), False, "由清单电力平衡推算 / from the balance")

    def _item(self, code: str, name: str, value: float, lines_sector: str, gas: str) -> Item:
        lines = [ln for ln in self.yr.lines if ln.sector == lines_sector and ln.scope == "direct"]
        source, verified = _cite(f for ln in lines for f in ln.factors)
        what = f"{name}合计（{self.result.gwp_metric}）"
        return Item(code, name, gas, value, Factor(value, "t", f"{self._source(what)}；因子：{source}", verified))

    def non_energy(self) -> tuple[Item, ...]:
        totals = self.yr.totals()
        items = [self._item(code, name, totals[f"{code}_co2e"], code, "CO2e")
                 for code, name in NON_ENERGY if totals[f"{code}_co2e"] != 0]
        non_co2 = self.yr.total(sector="energy", scope="direct") - totals["energy_co2_direct"]
        if non_co2 != 0:
            items.append(self._item("energy_non_co2", "能源活动CH₄、N₂O", non_co2, "energy", "CO2e"))
        return tuple(items)

    def sinks(self) -> tuple[Item, ...]:
        lulucf = self.yr.totals()["lulucf_co2e"]
        return () if lulucf == 0 else (self._item("lulucf", "土地利用变化和林业", -lulucf, "lulucf", "CO2"),)


def inventory_source(path: str | Path, year: int | None = None, factors: Sequence[str | Path] = (),
                     gwp_metric: str = DEFAULT_GWP) -> InventorySource:
    """Read and compute an inventory file; ``year`` defaults to its base year (else its first year)."""
    lib = library(factors)
    return InventorySource.of(compute(read_inventory(path), lib, gwp_metric), year, lib)
