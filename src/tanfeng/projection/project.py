"""Deterministic projection of one scenario: emissions by sector and fuel, peak, indicators."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tanfeng.projection.drivers import DriverPaths, evaluate_all
from tanfeng.projection.engine import Constants, Inputs, Totals, emission_factors, energy_detail, totals
from tanfeng.projection.paths import Array
from tanfeng.projection.scenarios import Scenario, ScenarioSet


@dataclass(frozen=True)
class Peak:
    """Where the emission series is highest.

    ``status``: ``peaked`` (highest before the last year), ``not_peaked`` (still highest
    in the last year: no peak within the horizon) or ``declining`` (highest in the base year).
    """

    year: int
    value: float  # t
    status: str
    metric: str

    def by(self, year: int) -> bool:
        """True when the series peaks no later than ``year`` within the horizon."""
        return self.status != "not_peaked" and self.year <= year


@dataclass(frozen=True)
class Projection:
    """One scenario's trajectory (internal units: tce, t, 万元, persons)."""

    scenarios: ScenarioSet
    scenario: Scenario
    years: NDArray[np.int64]
    drivers: DriverPaths
    energy: Array  # (S, F, T) tce
    co2: Array  # (S, F, T) t
    totals: Totals  # R = 1
    peak: Peak

    def series(self, name: str) -> Array:
        """A yearly total (T,): ``energy``, ``energy_co2``, ``co2``, ``gross``, ``net``, ``gdp`` …"""
        t = self.totals
        simple = {"energy": t.energy, "gdp": t.gdp, "energy_co2": t.energy_co2, "non_energy": t.non_energy,
                  "sinks": t.sinks, "non_fossil_energy": t.non_fossil_energy}
        if name in simple:
            return np.asarray(simple[name][0])
        return np.asarray(t.metric(name)[0])

    def index(self, year: int) -> int:
        """Position of ``year`` in the horizon; raises KeyError outside it."""
        i = int(year) - int(self.years[0])
        if not 0 <= i < len(self.years):
            raise KeyError(year)
        return i

    def energy_intensity(self) -> Array:
        """tce per 万元 GDP."""
        return self.series("energy") / self.series("gdp")

    def carbon_intensity(self) -> Array:
        """t energy CO₂ per 万元 GDP."""
        return self.series("energy_co2") / self.series("gdp")

    def non_fossil_share(self) -> Array:
        """Share (0–1) of non-fossil energy in total energy (NaN in a year without energy use)."""
        t = self.totals
        num, den = t.non_fossil_energy[0], t.weighted_energy[0]
        return np.divide(num, den, out=np.full(den.shape, np.nan), where=den > 0)


def inputs_of(paths: DriverPaths) -> Inputs:
    """A single run's inputs (R = 1) from deterministic driver paths."""
    return Inputs(
        gdp=paths.gdp[None], population=paths.population[None], structure=paths.structure[None],
        intensity=paths.intensity[None], mix=paths.mix[None], grid=paths.grid[None],
        electricity_non_fossil=paths.electricity_non_fossil[None], non_energy=paths.non_energy[None],
        sinks=paths.sinks[None],
    )


def find_peak(series: Array, years: NDArray[np.int64], metric: str) -> Peak:
    i = int(np.argmax(series))
    status = "not_peaked" if i == len(series) - 1 else ("declining" if i == 0 else "peaked")
    return Peak(int(years[i]), float(series[i]), status, metric)


def project(scenarios: ScenarioSet, name: str) -> Projection:
    """Project scenario ``name`` of a validated scenario file."""
    sc = scenarios.scenarios[name]
    years = scenarios.years
    paths = evaluate_all(scenarios.base, scenarios.drivers, sc.drivers, years)
    c = Constants.of(scenarios.base)
    x = inputs_of(paths)
    energy = energy_detail(c, x)[0]
    co2 = energy * emission_factors(c, x.grid)[0][None, :, :]
    tot = totals(c, x)
    peak = find_peak(np.asarray(tot.metric(scenarios.meta.peak_metric)[0]), years, scenarios.meta.peak_metric)
    return Projection(scenarios, sc, years, paths, energy, co2, tot, peak)


def project_all(scenarios: ScenarioSet, names: list[str] | None = None) -> list[Projection]:
    """Project the named scenarios (all, in file order, by default)."""
    return [project(scenarios, n) for n in (names or list(scenarios.scenarios))]
