"""The base year a projection starts from, and the adapter for building it from an inventory.

A scenario file states its base year directly (energy by sector and fuel, factors with
their sources, non-energy emissions, the sink). Once the accounting engine exists, an
inventory is turned into the same :class:`BaseYear` through :func:`base_year_from_source`,
so the projection never depends on how the base year was obtained.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pint

from tanfeng.projection.paths import Array
from tanfeng.units import convert

FuelKind = Literal["fossil", "non_fossil", "electricity"]
Activity = Literal["gdp", "population"]

# Internal units: energy in tce, CO2 in t, GDP in 万元, population in persons.
GDP_UNIT = "万元"


@dataclass(frozen=True)
class Factor:
    """A coefficient with its provenance (document, table, edition) and a verified flag."""

    value: float
    unit: str
    source: str
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class Fuel:
    """A fuel (or electricity) with its standard-coal and CO₂ coefficients per activity unit."""

    code: str
    name: str
    kind: FuelKind
    unit: str
    standard_coal: Factor
    co2: Factor | None = None
    # Coefficient used for the non-fossil share (e.g. the coal-consumption method for primary
    # electricity, 发改环资〔2022〕803号 practice), when it differs from ``standard_coal``.
    standard_coal_non_fossil: Factor | None = None

    @property
    def tce_per_unit(self) -> float:
        return per_activity_unit(self.standard_coal, self.unit, "tce")

    @property
    def co2_per_tce(self) -> float:
        """tCO₂ per tce; 0 for non-fossil fuels; electricity uses the grid factor instead."""
        if self.kind != "fossil" or self.co2 is None:
            return 0.0
        return per_activity_unit(self.co2, self.unit, "t_CO2") / self.tce_per_unit

    @property
    def kwh_per_tce(self) -> float:
        """kWh per tce of this fuel (electricity only)."""
        return convert(1.0, self.unit, "kWh") / self.tce_per_unit

    @property
    def non_fossil_weight(self) -> float:
        """Ratio of the non-fossil-share coefficient to the energy coefficient."""
        if self.standard_coal_non_fossil is None:
            return 1.0
        return per_activity_unit(self.standard_coal_non_fossil, self.unit, "tce") / self.tce_per_unit


@dataclass(frozen=True)
class Sector:
    """An energy-using sector; its activity is value added (share of GDP) or population."""

    code: str
    name: str
    activity: Activity


@dataclass(frozen=True)
class Item:
    """A non-energy emission source or a sink, in t CO₂e (a sink is a positive removal)."""

    code: str
    name: str
    gas: str
    value: float
    source: Factor


@dataclass(frozen=True)
class Forest:
    """Forest stock and coverage; optionally one sink follows the stock's growth.

    The linked sink of year t is ``(V_t − V_{t−1}) × co2_per_m3`` (the stock-change method:
    SVD × BEF × (1 + R) × CF × 44/12 folded into one factor, which carries its source).
    """

    stock: Factor  # as written (e.g. 万立方米)
    stock_m3: float
    coverage: Factor | None  # in %
    co2_per_m3: Factor | None  # t CO2 per m³ of stock growth
    linked_sink: str | None  # code of the sink item that follows the stock

    @property
    def t_co2_per_m3(self) -> float:
        return 0.0 if self.co2_per_m3 is None else per_activity_unit(self.co2_per_m3, "m ** 3", "t_CO2")


@dataclass(frozen=True)
class EnergyUse:
    """Base-year consumption of one fuel in one sector, in any unit compatible with the fuel's."""

    sector: str
    fuel: str
    amount: float
    unit: str


@dataclass(frozen=True)
class BaseYear:
    """Everything the driver model needs about the base year, in internal units."""

    year: int
    gdp: float
    gdp_source: Factor
    population: float
    population_source: Factor
    sectors: tuple[Sector, ...]
    fuels: tuple[Fuel, ...]
    structure: Array  # (G,) value-added shares of the GDP sectors, in sector order
    energy: Array  # (S, F) tce
    grid_factor: Factor  # tCO₂ per kWh after conversion, see grid_t_per_kwh
    electricity_non_fossil: Factor  # share of consumed electricity that is non-fossil
    non_energy: tuple[Item, ...] = ()
    sinks: tuple[Item, ...] = ()
    forest: Forest | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gdp_sectors(self) -> tuple[Sector, ...]:
        return tuple(s for s in self.sectors if s.activity == "gdp")

    @property
    def grid_t_per_kwh(self) -> float:
        return convert(self.grid_factor.value, self.grid_factor.unit, "t_CO2/kWh")

    def activity(self) -> Array:
        """Base-year activity per sector: value added (万元) or population (persons)."""
        shares = dict(zip([s.code for s in self.gdp_sectors], self.structure, strict=True))
        return np.array([self.gdp * shares[s.code] if s.activity == "gdp" else self.population
                         for s in self.sectors])

    def intensity(self) -> Array:
        """tce per 万元 value added, or tce per person, per sector."""
        act = self.activity()
        total = self.energy.sum(axis=1)
        return np.divide(total, act, out=np.zeros_like(total), where=act > 0)

    def mix(self) -> Array:
        """Fuel shares of each sector's energy (S, F); a sector without energy gets equal shares."""
        total = self.energy.sum(axis=1, keepdims=True)
        even = np.full_like(self.energy, 1.0 / self.energy.shape[1])
        return np.divide(self.energy, total, out=even, where=total > 0)


def per_activity_unit(factor: Factor, activity_unit: str, result_unit: str) -> float:
    """A factor written ``X/Y`` (e.g. ``kgce/kg``, ``tCO2/万立方米``) per one ``activity_unit``.

    Each side may be a Chinese unit word, which is why the two sides are converted apart.
    """
    num, sep, den = factor.unit.partition("/")
    if not sep:
        raise pint.errors.DefinitionSyntaxError(f"factor unit '{factor.unit}' is not of the form X/Y")
    return factor.value * convert(1.0, activity_unit, den.strip()) * convert(1.0, num.strip(), result_unit)


def to_tonnes(value: float, unit: str) -> float:
    """A mass of CO₂ (e.g. 万吨, 万吨二氧化碳当量, t_CO2e) in tonnes."""
    try:
        return convert(value, unit, "t_CO2")
    except pint.errors.DimensionalityError:
        return convert(value, unit, "t")


def energy_matrix(uses: Iterable[EnergyUse], sectors: tuple[Sector, ...], fuels: tuple[Fuel, ...]) -> Array:
    """Sum energy uses into a (sector, fuel) matrix in tce; unknown codes raise KeyError."""
    s_index = {s.code: i for i, s in enumerate(sectors)}
    f_index = {f.code: i for i, f in enumerate(fuels)}
    out = np.zeros((len(sectors), len(fuels)))
    for use in uses:
        fuel = fuels[f_index[use.fuel]]
        amount = convert(use.amount, use.unit, fuel.unit)
        out[s_index[use.sector], f_index[use.fuel]] += amount * fuel.tce_per_unit
    return out


class BaseYearSource(Protocol):
    """What an inventory (the accounting engine's output) must offer to start a projection.

    The accounting engine maps its own categories onto the projection's sectors and fuels;
    energy uses are physical quantities, factors carry their provenance.
    """

    year: int

    def gdp(self) -> Factor:
        """GDP at constant prices, with its unit (e.g. 亿元) and provenance."""
        ...

    def population(self) -> Factor:
        """Resident population, with its unit (e.g. 万人) and provenance."""
        ...

    def value_added_shares(self) -> Mapping[str, float]:
        """Value-added share per GDP sector code (summing to 1)."""
        ...

    def energy_uses(self) -> Iterable[EnergyUse]: ...

    def fuels(self) -> tuple[Fuel, ...]: ...

    def sectors(self) -> tuple[Sector, ...]: ...

    def grid_factor(self) -> Factor: ...

    def electricity_non_fossil_share(self) -> Factor: ...

    def non_energy(self) -> tuple[Item, ...]: ...

    def sinks(self) -> tuple[Item, ...]: ...


def base_year_from_source(src: BaseYearSource) -> BaseYear:
    """Build a :class:`BaseYear` from any inventory that implements :class:`BaseYearSource`."""
    sectors, fuels = src.sectors(), src.fuels()
    gdp, pop = src.gdp(), src.population()
    shares = src.value_added_shares()
    return BaseYear(
        year=src.year,
        gdp=convert(gdp.value, gdp.unit, GDP_UNIT),
        gdp_source=gdp,
        population=convert(pop.value, pop.unit, "person"),
        population_source=pop,
        sectors=sectors,
        fuels=fuels,
        structure=np.array([shares[s.code] for s in sectors if s.activity == "gdp"], dtype=float),
        energy=energy_matrix(src.energy_uses(), sectors, fuels),
        grid_factor=src.grid_factor(),
        electricity_non_fossil=src.electricity_non_fossil_share(),
        non_energy=src.non_energy(),
        sinks=src.sinks(),
    )
