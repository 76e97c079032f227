"""Vectorised energy accounting for many regions at once (e.g. every county of the country).

Per-fuel coefficients are derived by running the scalar engine on one unit of each fuel, so the
batch and the single-county computation cannot disagree; the regions are then arrays (numpy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import ActivityRow, InventoryInput, InventoryInputError
from tanfeng.accounting.energy import combustion_line, tce_of
from tanfeng.accounting.factors import FactorLibrary, library
from tanfeng.accounting.results import Context

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FuelCoefficients:
    fuels: tuple[str, ...]
    co2_per_unit: Array  # t CO₂ per base unit (0 for biomass)
    tce_per_unit: Array  # tce per base unit
    fossil: npt.NDArray[np.bool_]
    electricity_tce_cal: float  # tce per kWh, calorific method


def fuel_coefficients(fuels: Sequence[str], factors: FactorLibrary | None = None) -> FuelCoefficients:
    """CO₂ and standard-coal coefficients per base unit of each fuel (fossil or biomass)."""
    lib = factors or library()
    ctx = Context(InventoryInput(source="batch"), lib, "AR5")
    co2 = np.zeros(len(fuels))
    tce = np.zeros(len(fuels))
    fossil = np.zeros(len(fuels), dtype=bool)
    for i, code in enumerate(fuels):
        fuel = vocab.FUELS_BY_CODE[code]
        if fuel.kind not in (vocab.FuelKind.fossil, vocab.FuelKind.biomass):
            raise ValueError(f"batch fuels must be fossil or biomass, not {code}")
        unit = ActivityRow("batch", i + 1, "energy", "industry", code, 0, 1.0, fuel.base_unit, "1")
        got = tce_of(ctx, unit)
        tce[i] = got[0] if got else 0.0
        if fuel.kind is vocab.FuelKind.fossil:
            fossil[i] = True
            line = combustion_line(ctx, unit)
            co2[i] = line.emission_t if line else 0.0
    cal = lib.resolve("tce_coef", "electricity")
    if cal is None:
        ctx.need("tce_coef", "electricity", None)
    if ctx.problems:
        raise InventoryInputError("batch", ctx.problems)
    return FuelCoefficients(tuple(fuels), co2, tce, fossil, cal.factor.value if cal else 0.0)


@dataclass(frozen=True, slots=True)
class BatchEnergy:
    """Energy activity of n regions in one year. Fuel arrays are (n, len(fuels)) in base units."""

    fuel_use: Array  # combusted (not feedstock)
    feedstock: Array
    electricity_use_kwh: Array
    nonfossil_generation_kwh: Array
    thermal_generation_kwh: Array
    grid_ef: Array  # kg CO₂ per kWh
    coal_rate: Array  # kgce per kWh
    gdp: Array  # 亿元, constant prices


def batch_energy(data: BatchEnergy, coef: FuelCoefficients) -> dict[str, Array]:
    """Energy CO₂ (direct, indirect), energy totals (等价值, 当量值) and non-fossil energy per region."""
    direct = data.fuel_use @ coef.co2_per_unit
    all_fuel = data.fuel_use + data.feedstock
    fossil_tce = all_fuel @ (coef.tce_per_unit * coef.fossil)
    biomass_tce = all_fuel @ (coef.tce_per_unit * ~coef.fossil)
    generation = data.nonfossil_generation_kwh + data.thermal_generation_kwh
    net_import = data.electricity_use_kwh - generation
    rate = data.coal_rate / 1000.0
    primary = data.nonfossil_generation_kwh + net_import
    local_used = np.minimum(data.electricity_use_kwh, generation)
    share = np.divide(data.nonfossil_generation_kwh, generation, out=np.zeros_like(generation), where=generation > 0)
    nonfossil_kwh = local_used * share
    total_eq = fossil_tce + biomass_tce + primary * rate
    return {
        "energy_co2_direct": direct,
        "energy_co2_indirect": net_import * data.grid_ef / 1000.0,
        "total_eq_tce": total_eq,
        "total_cal_tce": fossil_tce + biomass_tce + primary * coef.electricity_tce_cal,
        "feedstock_tce": data.feedstock @ coef.tce_per_unit,
        "nonfossil_eq_tce": biomass_tce + nonfossil_kwh * rate,
        "energy_intensity": total_eq / (data.gdp * 1e4),
    }


def intensity_reduction(current: Array, base: Array) -> Array:
    """Reduction in % of an intensity versus the base year, element-wise."""
    return 100.0 * (1.0 - current / base)
