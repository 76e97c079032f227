"""The driver catalogue (which drivers exist for a base year) and driver paths as arrays.

Driver ids: ``gdp``, ``population``, ``structure`` (value-added shares), ``intensity.<sector>``,
``mix.<sector>`` (fuel shares), ``grid_factor``, ``electricity_non_fossil``,
``non_energy.<item>`` and ``sink.<item>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from tanfeng.projection.baseyear import GDP_UNIT, BaseYear, to_tonnes
from tanfeng.projection.paths import Array, PathSpec, evaluate
from tanfeng.units import convert

DriverKind = Literal["scalar", "shares", "fraction"]


@dataclass(frozen=True)
class DriverInfo:
    """What a driver is: its kind, base-year value(s), labels of share components, file unit."""

    id: str
    kind: DriverKind
    base: Array  # internal units, shape (K,)
    labels: tuple[str, ...] = ()
    to_internal: float = 1.0  # absolute milestone/step values in the file × this = internal
    unit: str = ""  # unit of absolute values as written in the file

    @property
    def is_shares(self) -> bool:
        return self.kind == "shares"


def catalogue(base: BaseYear) -> dict[str, DriverInfo]:
    """Every driver a scenario may set; absolute values are written in the base year's units."""
    gdp_unit, pop_unit = base.gdp_source.unit, base.population_source.unit
    fuels = tuple(f.code for f in base.fuels)
    intensity = base.intensity()
    mix = base.mix()
    grid_unit = base.grid_factor.unit
    out = [
        DriverInfo("gdp", "scalar", np.array([base.gdp]), to_internal=convert(1.0, gdp_unit, GDP_UNIT), unit=gdp_unit),
        DriverInfo("population", "scalar", np.array([base.population]),
                   to_internal=convert(1.0, pop_unit, "person"), unit=pop_unit),
        DriverInfo("structure", "shares", base.structure.copy(), tuple(s.code for s in base.gdp_sectors)),
        DriverInfo("grid_factor", "scalar", np.array([base.grid_t_per_kwh]),
                   to_internal=convert(1.0, grid_unit, "t_CO2/kWh"), unit=grid_unit),
        DriverInfo("electricity_non_fossil", "fraction", np.array([base.electricity_non_fossil.value])),
    ]
    for i, s in enumerate(base.sectors):
        unit = "tce/万元" if s.activity == "gdp" else "tce/人"
        out.append(DriverInfo(f"intensity.{s.code}", "scalar", np.array([intensity[i]]), unit=unit))
        out.append(DriverInfo(f"mix.{s.code}", "shares", mix[i].copy(), fuels))
    if base.forest is not None:
        f = base.forest
        out.append(DriverInfo("forest_stock", "scalar", np.array([f.stock_m3]),
                              to_internal=convert(1.0, f.stock.unit, "m ** 3"), unit=f.stock.unit))
        if f.coverage is not None:
            out.append(DriverInfo("forest_coverage", "scalar", np.array([f.coverage.value]), unit="%"))
    for prefix, items in (("non_energy", base.non_energy), ("sink", base.sinks)):
        for item in items:
            out.append(DriverInfo(f"{prefix}.{item.code}", "scalar", np.array([item.value]),
                                  to_internal=to_tonnes(1.0, item.source.unit), unit=item.source.unit))
    return {d.id: d for d in out}


def to_internal(spec: PathSpec, info: DriverInfo) -> PathSpec:
    """Scale absolute milestone/step values from file units into internal units."""
    if spec.kind in ("growth", "constant") or spec.relative or info.to_internal == 1.0:
        return spec
    points = tuple((y, tuple(v * info.to_internal for v in vals)) for y, vals in spec.points)
    return PathSpec(kind=spec.kind, periods=spec.periods, points=points, relative=spec.relative)


@dataclass(frozen=True)
class DriverPaths:
    """Deterministic driver values over the horizon (one run)."""

    years: NDArray[np.int64]
    gdp: Array  # (T,)
    population: Array  # (T,)
    structure: Array  # (G, T)
    intensity: Array  # (S, T)
    mix: Array  # (S, F, T)
    grid: Array  # (T,) tCO2/kWh
    electricity_non_fossil: Array  # (T,)
    non_energy: Array  # (N, T) t CO2e
    sinks: Array  # (K, T) t CO2e removed
    forest_stock: Array  # (T,) m³ (zeros without a forest section)
    forest_coverage: Array  # (T,) % (zeros without coverage)


def evaluate_all(
    base: BaseYear, infos: Mapping[str, DriverInfo], specs: Mapping[str, PathSpec], years: NDArray[np.int64]
) -> DriverPaths:
    """Evaluate every driver path (specs already in internal units) over ``years``."""

    def one(driver_id: str) -> Array:
        info = infos[driver_id]
        return evaluate(specs.get(driver_id, PathSpec.constant()), info.base, years)

    def stack(ids: list[str]) -> Array:
        return np.stack([one(i)[0] for i in ids]) if ids else np.zeros((0, len(years)))

    stock = one("forest_stock")[0] if "forest_stock" in infos else np.zeros(len(years))
    sinks = stack([f"sink.{i.code}" for i in base.sinks])
    link_sink(base, sinks[None], stock[None])
    return DriverPaths(
        years=years,
        gdp=one("gdp")[0],
        population=one("population")[0],
        structure=one("structure"),
        intensity=stack([f"intensity.{s.code}" for s in base.sectors]),
        mix=np.stack([one(f"mix.{s.code}") for s in base.sectors]),
        grid=one("grid_factor")[0],
        electricity_non_fossil=one("electricity_non_fossil")[0],
        non_energy=stack([f"non_energy.{i.code}" for i in base.non_energy]),
        sinks=sinks,
        forest_stock=stock,
        forest_coverage=one("forest_coverage")[0] if "forest_coverage" in infos else np.zeros(len(years)),
    )


def link_sink(base: BaseYear, sinks: Array, stock: Array) -> None:
    """Set the forest-linked sink (runs, K, T) in place from the stock (runs, T): ΔV × tCO₂/m³."""
    forest = base.forest
    if forest is None or forest.linked_sink is None:
        return
    k = [i.code for i in base.sinks].index(forest.linked_sink)
    sinks[:, k, 1:] = np.diff(stock, axis=-1) * forest.t_co2_per_m3
