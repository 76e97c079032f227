"""Kaya / LMDI decomposition of the change in energy CO₂ between two years.

Energy CO₂ of sector s and fuel f is ``A_s × I_s × M_sf × E_f`` with activity A = GDP ×
value-added share (or population for households). The additive LMDI-I (Ang 2005) splits
the change into effects that add up exactly to it: GDP, population, structure, intensity,
fuel mix and emission factor. Cells that are zero in one of the two years (a fuel appearing
or disappearing) are handled as the limit of the small-value strategy (Ang & Liu 2007): their
whole change goes to the factor(s) that are zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tanfeng.projection.engine import Constants, emission_factors
from tanfeng.projection.errors import ProjectionError
from tanfeng.projection.paths import Array
from tanfeng.projection.project import Projection

FACTORS = ("gdp", "population", "structure", "intensity", "mix", "emission_factor")
FACTOR_NAMES_ZH = {"gdp": "经济规模", "population": "人口", "structure": "产业结构", "intensity": "能耗强度",
                   "mix": "能源结构", "emission_factor": "排放因子"}


@dataclass(frozen=True)
class Decomposition:
    """Effects (t CO₂) explaining ``end − start`` of energy CO₂; ``by_sector[sector][factor]``."""

    year_from: int
    year_to: int
    start: float
    end: float
    effects: dict[str, float]
    by_sector: dict[str, dict[str, float]]
    scenario_from: str = ""
    scenario_to: str = ""

    @property
    def residual(self) -> float:
        """End − start − Σ effects (zero up to rounding for LMDI)."""
        return self.end - self.start - sum(self.effects.values())


def _factors(p: Projection, i: int) -> Array:
    """Factor values (6, S, F) for year position ``i``; 1 where a factor does not apply."""
    base = p.scenarios.base
    c = Constants.of(base)
    d = p.drivers
    s_count, f_count = len(base.sectors), len(base.fuels)
    ones = np.ones((s_count, f_count))
    gdp_sector = c.gdp_sector[:, None]
    ef = emission_factors(c, d.grid[None, :])[0][:, i]  # (F,)
    return np.stack([
        np.where(gdp_sector, d.gdp[i], 1.0) * ones,
        np.where(gdp_sector, 1.0, d.population[i]) * ones,
        np.where(gdp_sector, d.structure[c.gdp_column, i][:, None], 1.0) * ones,
        d.intensity[:, i][:, None] * ones,
        d.mix[:, :, i],
        ef[None, :] * ones,
    ])


def _log_mean(a: Array, b: Array) -> Array:
    """Logarithmic mean L(a, b), with L(a, a) = a."""
    same = np.isclose(a, b, rtol=1e-12, atol=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = (a - b) / (np.log(a) - np.log(b))
    return np.where(same, a, lm)


def _small_cell_effects(x0: Array, x1: Array, c0: Array, c1: Array, cells: Array) -> Array:
    """The whole change of ``cells`` to the factor(s) that are zero in one year, or else to the
    factor that shrank most towards the year in which the cell is smaller (limit of the
    small-value strategy)."""
    zero = ((x0 == 0) | (x1 == 0)) & cells[None]
    none_zero = cells & ~zero.any(axis=0)
    if none_zero.any():
        small, large = np.where(c0 >= c1, x1, x0), np.where(c0 >= c1, x0, x1)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(large > 0, small / large, np.inf)
        pick = np.arange(x0.shape[0])[:, None, None] == np.argmin(shrink, axis=0)[None]
        zero |= pick & none_zero[None]
    n = zero.sum(axis=0)
    share = np.divide(zero, n[None], out=np.zeros(zero.shape), where=n[None] > 0)
    return share * (c1 - c0)[None]


def decompose(p: Projection, year_from: int, year_to: int) -> Decomposition:
    """LMDI-I decomposition of energy CO₂ from ``year_from`` to ``year_to`` (any order)."""
    return compare(p, year_from, p, year_to)


def compare(p_from: Projection, year_from: int, p_to: Projection, year_to: int) -> Decomposition:
    """LMDI-I decomposition between two states: two years, two scenarios, or both.

    ``compare(baseline, 2030, policy, 2030)`` explains what the policy scenario changes in 2030.
    Both projections must share the base year (the same scenario file).
    """
    if p_from.scenarios is not p_to.scenarios:
        raise ProjectionError("只能比较同一情景文件中的情景 / scenarios must come from the same file")
    try:
        i0, i1 = p_from.index(year_from), p_to.index(year_to)
    except KeyError as err:
        first, last = p_from.years[0], p_from.years[-1]
        raise ProjectionError(f"年份 {err.args[0]} 不在预测期 {first}–{last} 内 / "
                              f"year {err.args[0]} outside the horizon {first}–{last}") from err
    x0, x1 = _factors(p_from, i0), _factors(p_to, i1)
    c0, c1 = p_from.co2[:, :, i0], p_to.co2[:, :, i1]
    # Cells negligible in either state (zero, or lost in rounding) are not log-averaged.
    tiny = 1e-12 * max(float(c0.max(initial=0.0)), float(c1.max(initial=0.0)))
    both = (c0 > tiny) & (c1 > tiny)
    w = _log_mean(np.where(both, c1, 1.0), np.where(both, c0, 1.0))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(both[None], np.log(np.where(both[None], x1 / x0, 1.0)), 0.0)
    effects = np.where(both[None], w[None] * ratio, 0.0)  # (6, S, F)
    effects += _small_cell_effects(x0, x1, c0, c1, ~both & ((c0 != 0) | (c1 != 0)))
    sectors = [s.code for s in p_from.scenarios.base.sectors]
    by_sector = {s: {f: float(effects[k, j].sum()) for k, f in enumerate(FACTORS)} for j, s in enumerate(sectors)}
    total = {f: float(effects[k].sum()) for k, f in enumerate(FACTORS)}
    return Decomposition(int(year_from), int(year_to), float(c0.sum()), float(c1.sum()), total, by_sector,
                         p_from.scenario.name, p_to.scenario.name)
