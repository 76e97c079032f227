"""The driver model as array arithmetic over runs × years (one run for a plain projection).

Energy of sector s, fuel f, year t:  activity_s,t × intensity_s,t × mix_s,f,t
  (activity = GDP × value-added share, or population for households);
energy CO₂ = Σ energy × emission factor (fossil fuels: fixed per tce; electricity: grid
factor path); non-energy emissions and sinks follow their own paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tanfeng.projection.baseyear import BaseYear
from tanfeng.projection.paths import Array

PeakMetric = Literal["energy_co2", "co2", "gross", "net"]
PEAK_METRICS: tuple[str, ...] = ("energy_co2", "co2", "gross", "net")


@dataclass(frozen=True)
class Constants:
    """Per-fuel and per-sector constants of a base year, as arrays."""

    ef_fossil: Array  # (F,) tCO2 per tce (0 for electricity and non-fossil)
    elec_kwh_per_tce: Array  # (F,) kWh per tce for electricity, 0 elsewhere
    non_fossil_fixed: Array  # (F,) 1 for non-fossil fuels
    is_electricity: Array  # (F,) 1 for electricity
    non_fossil_weight: Array  # (F,)
    gdp_sector: Array  # (S,) bool
    gdp_column: Array  # (S,) index into the structure vector (0 for population sectors)
    non_energy_is_co2: Array  # (N,) bool

    @staticmethod
    def of(base: BaseYear) -> Constants:
        fuels = base.fuels
        is_elec = np.array([f.kind == "electricity" for f in fuels], dtype=float)
        gdp_codes = [s.code for s in base.gdp_sectors]
        return Constants(
            ef_fossil=np.array([f.co2_per_tce for f in fuels]),
            elec_kwh_per_tce=np.array([f.kwh_per_tce if f.kind == "electricity" else 0.0 for f in fuels]),
            non_fossil_fixed=np.array([f.kind == "non_fossil" for f in fuels], dtype=float),
            is_electricity=is_elec,
            non_fossil_weight=np.array([f.non_fossil_weight for f in fuels]),
            gdp_sector=np.array([s.activity == "gdp" for s in base.sectors]),
            gdp_column=np.array([gdp_codes.index(s.code) if s.activity == "gdp" else 0 for s in base.sectors]),
            non_energy_is_co2=np.array([i.gas.upper() == "CO2" for i in base.non_energy], dtype=bool),
        )


@dataclass(frozen=True)
class Inputs:
    """Driver values for R runs (R may be 1 and broadcast): leading axis runs, last axis years."""

    gdp: Array  # (R, T)
    population: Array  # (R, T)
    structure: Array  # (R, G, T)
    intensity: Array  # (R, S, T)
    mix: Array  # (R, S, F, T)
    grid: Array  # (R, T)
    electricity_non_fossil: Array  # (R, T)
    non_energy: Array  # (R, N, T)
    sinks: Array  # (R, K, T)


@dataclass(frozen=True)
class Totals:
    """Per-run yearly totals (R, T): what Monte Carlo keeps."""

    gdp: Array
    energy: Array  # tce
    non_fossil_energy: Array  # tce, weighted for the non-fossil share method
    weighted_energy: Array  # tce, same weighting (denominator of the share)
    energy_co2: Array  # t
    non_energy: Array  # t CO2e, all gases
    non_energy_co2: Array  # t, CO2 items only
    sinks: Array  # t CO2e removed

    def metric(self, name: str) -> Array:
        """The emission series a peak is judged on."""
        if name == "energy_co2":
            return self.energy_co2
        if name == "co2":
            return self.energy_co2 + self.non_energy_co2
        if name == "gross":
            return self.energy_co2 + self.non_energy
        if name == "net":
            return self.energy_co2 + self.non_energy - self.sinks
        raise ValueError(f"unknown peak metric {name!r}")


def activity(c: Constants, x: Inputs) -> Array:
    """Activity per sector (R, S, T): value added in 万元 or population."""
    va = x.gdp[:, None, :] * x.structure[:, c.gdp_column, :]
    pop = np.broadcast_to(x.population[:, None, :], va.shape)
    return np.where(c.gdp_sector[None, :, None], va, pop)


def emission_factors(c: Constants, grid: Array) -> Array:
    """tCO2 per tce per fuel and year (R, F, T); electricity follows the grid factor."""
    return c.ef_fossil[None, :, None] + (c.elec_kwh_per_tce[None, :, None] * grid[:, None, :])


def non_fossil_fraction(c: Constants, elec_nf: Array) -> Array:
    """Non-fossil part of each fuel (R, F, T)."""
    return c.non_fossil_fixed[None, :, None] + c.is_electricity[None, :, None] * elec_nf[:, None, :]


def energy_detail(c: Constants, x: Inputs) -> Array:
    """Energy by run, sector, fuel and year (R, S, F, T) in tce."""
    sector_energy = activity(c, x) * x.intensity
    return sector_energy[:, :, None, :] * x.mix


def totals(c: Constants, x: Inputs) -> Totals:
    """Yearly totals per run without keeping the sector × fuel detail."""
    sector_energy = activity(c, x) * x.intensity  # (R, S, T)
    runs = max(sector_energy.shape[0], x.mix.shape[0])
    mix = np.broadcast_to(x.mix, (runs, *x.mix.shape[1:]))
    sector_energy = np.broadcast_to(sector_energy, (runs, *sector_energy.shape[1:]))
    fuel_energy = np.einsum("rst,rsft->rft", sector_energy, mix)  # (R, F, T)
    weighted = fuel_energy * c.non_fossil_weight[None, :, None]
    # Contract over fuels before applying the per-run grid factor and non-fossil share, so no
    # (runs, fuels, years) temporaries are built for them.
    fossil_co2 = np.einsum("rft,f->rt", fuel_energy, c.ef_fossil)
    electricity_kwh = np.einsum("rft,f->rt", fuel_energy, c.elec_kwh_per_tce)
    non_fossil = np.einsum("rft,f->rt", weighted, c.non_fossil_fixed)
    weighted_electricity = np.einsum("rft,f->rt", weighted, c.is_electricity)
    non_energy = x.non_energy
    return Totals(
        gdp=np.broadcast_to(x.gdp, (runs, x.gdp.shape[-1])),
        energy=fuel_energy.sum(axis=1),
        non_fossil_energy=non_fossil + weighted_electricity * x.electricity_non_fossil,
        weighted_energy=weighted.sum(axis=1),
        energy_co2=fossil_co2 + electricity_kwh * x.grid,
        non_energy=non_energy.sum(axis=1),
        non_energy_co2=non_energy[:, c.non_energy_is_co2, :].sum(axis=1),
        sinks=x.sinks.sum(axis=1),
    )

