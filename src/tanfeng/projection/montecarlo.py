"""Monte Carlo over driver distributions: peak-year distribution, P(peak ≤ year), fan chart.

Runs are computed as numpy arrays of runs × years in chunks, so memory stays bounded by
``chunk_bytes`` plus the kept result (one float per run and year). The same seed gives the
same result; each scenario draws from its own stream derived from the seed and its name,
so selecting other scenarios does not change it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pint
from numpy.typing import NDArray

from tanfeng.plans.model import Target
from tanfeng.projection.drivers import DriverPaths, evaluate_all, link_sink
from tanfeng.projection.engine import Constants, Inputs, Totals, totals
from tanfeng.projection.indicators import PERCENT_UNITS
from tanfeng.projection.paths import Array
from tanfeng.projection.project import inputs_of
from tanfeng.projection.scenarios import ScenarioSet
from tanfeng.projection.uncertainty import perturb
from tanfeng.units import convert

PERCENTILES = (5, 25, 50, 75, 95)
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024  # measured: 8 MiB chunks stay in cache best (bench_projection.py)


@dataclass(frozen=True)
class MonteCarloResult:
    """Distribution of outcomes over ``runs`` draws of one scenario."""

    scenario: str
    runs: int
    seed: int
    years: NDArray[np.int64]
    metric: str
    peak_by: int
    peak_year: NDArray[np.int64]  # (R,) year of the highest value per run
    peaked: NDArray[np.bool_]  # (R,) False when still highest in the last year
    fan: dict[int, Array]  # percentile → (T,) emissions in t
    target_probability: list[tuple[Target, float]] = field(default_factory=list)

    @property
    def p_peak_by(self) -> float:
        """Probability that emissions peak no later than ``peak_by``."""
        return float(np.mean(self.peaked & (self.peak_year <= self.peak_by)))

    def peak_year_distribution(self) -> dict[str, float]:
        """Share of runs per peak year; runs without a peak in the horizon under ``"none"``."""
        out: dict[str, float] = {}
        years, counts = np.unique(self.peak_year[self.peaked], return_counts=True)
        for y, n in zip(years, counts, strict=True):
            out[str(int(y))] = float(n) / self.runs
        out["none"] = float(np.mean(~self.peaked))
        return out

    def peak_year_percentiles(self) -> dict[int, float]:
        """Percentiles of the peak year (runs without a peak counted as after the horizon)."""
        y = np.where(self.peaked, self.peak_year, self.years[-1] + 1)
        return {q: float(np.percentile(y, q)) for q in PERCENTILES}


def _locate(scn: ScenarioSet) -> dict[str, tuple[str, int | None]]:
    """Driver id → (Inputs field, row) for drivers stacked in a field."""
    base = scn.base
    where: dict[str, tuple[str, int | None]] = {
        "gdp": ("gdp", None), "population": ("population", None), "structure": ("structure", None),
        "grid_factor": ("grid", None), "electricity_non_fossil": ("electricity_non_fossil", None)}
    for i, s in enumerate(base.sectors):
        where[f"intensity.{s.code}"] = ("intensity", i)
        where[f"mix.{s.code}"] = ("mix", i)
    for i, item in enumerate(base.non_energy):
        where[f"non_energy.{item.code}"] = ("non_energy", i)
    for i, item in enumerate(base.sinks):
        where[f"sink.{item.code}"] = ("sinks", i)
    return where


def _perturbed_inputs(scn: ScenarioSet, name: str, paths: DriverPaths, draws: dict[str, Array]) -> Inputs:
    """Inputs for one chunk: deterministic fields broadcast, uncertain drivers perturbed per run."""
    x = inputs_of(paths)
    if not draws:
        return x
    runs = len(next(iter(draws.values())))
    uncertainty = scn.scenarios[name].uncertainty
    where = _locate(scn)
    fields: dict[str, Any] = {}
    for driver, d in draws.items():
        if driver == "forest_stock":  # acts through the sink that follows the stock
            stock = perturb(paths.forest_stock[None, :], d, uncertainty[driver], "scalar", paths.years)[:, 0, :]
            sinks = fields.setdefault("sinks", np.repeat(x.sinks, runs, axis=0))
            link_sink(scn.base, sinks, stock)
            continue
        field, row = where[driver]
        one_run = getattr(x, field)[0]
        path = one_run if row is None else one_run[row]  # (T,) or (K, T)
        out = perturb(path[None, :] if path.ndim == 1 else path, d, uncertainty[driver],
                      scn.drivers[driver].kind, paths.years)  # (R, K, T)
        out = out[:, 0, :] if path.ndim == 1 else out
        if row is None:
            fields[field] = out
        else:
            if field not in fields:
                fields[field] = np.repeat(getattr(x, field), runs, axis=0)
            fields[field][:, row] = out
    return replace(x, **fields)


def _target_values(t: Target, tot: Totals, years: NDArray[np.int64]) -> Array | None:
    """Per-run projected value of a checkable intensity / share target, or None."""
    if t.assigned or t.value is None or t.year is None or t.code not in ("energy_intensity", "carbon_intensity",
                                                                          "non_fossil_share"):
        return None
    first, last = int(years[0]), int(years[-1])
    if not first <= t.year <= last:
        return None
    i = t.year - first
    if t.code == "non_fossil_share":
        if (t.unit or "") in PERCENT_UNITS and t.baseline_year is None:
            num, den = tot.non_fossil_energy[:, i], tot.weighted_energy[:, i]
            return np.divide(num, den, out=np.zeros(den.shape), where=den > 0) * 100
        return None
    if t.baseline_year is None or not first <= t.baseline_year <= last or (t.unit or "") not in PERCENT_UNITS:
        return None
    b = t.baseline_year - first
    num = tot.energy if t.code == "energy_intensity" else tot.energy_co2
    series = num / tot.gdp
    red = (1 - series[:, i] / series[:, b]) * 100
    return np.asarray(-red if t.change == "increase" else red)


def _forest_probabilities(scn: ScenarioSet, name: str, paths: DriverPaths, draws: dict[str, Array],
                          targets: Iterable[Target]) -> list[tuple[Target, float]]:
    """P(met) of forest stock / coverage level targets (the stock may be uncertain; coverage is not)."""
    forest, years = scn.base.forest, paths.years
    out = []
    for t in targets:
        if forest is None or t.value is None or t.year is None or not years[0] <= t.year <= years[-1]:
            continue
        i = t.year - int(years[0])
        if t.code == "forest_stock":
            cols = [0, i]  # base year and target year only: (runs, 2) instead of (runs, years)
            stock = paths.forest_stock[None, cols]
            if "forest_stock" in draws:
                u = scn.scenarios[name].uncertainty["forest_stock"]
                stock = perturb(stock, draws["forest_stock"], u, "scalar", years[cols])[:, 0, :]
            try:
                values = stock[:, 1] * convert(1.0, "m ** 3", t.unit or "")
            except (pint.errors.PintError, AttributeError):
                continue
        elif t.code == "forest_coverage" and forest.coverage is not None and (t.unit or "") in PERCENT_UNITS:
            values = paths.forest_coverage[None, i]
        else:
            continue
        out.append((t, float(np.mean(values >= t.value - 1e-9))))
    return out


def chunk_size(scn: ScenarioSet, chunk_bytes: int) -> int:
    """Runs per chunk so that the intermediates (about twice runs × sectors × fuels × years) fit."""
    per_run = 8 * max(1, len(scn.base.sectors)) * max(1, len(scn.base.fuels)) * len(scn.years) * 2
    return max(1, chunk_bytes // per_run)


def simulate(scn: ScenarioSet, name: str, runs: int, seed: int = 0, *,
             targets: Iterable[Target] = (), chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> MonteCarloResult:
    """Run ``runs`` Monte Carlo draws of scenario ``name``.

    Parameters
    ----------
    scn : a validated scenario file (:func:`tanfeng.projection.load`).
    name : scenario name.
    runs : number of runs (≥ 1).
    seed : seed; the same seed and file give the same result.
    targets : plan targets whose probability of being met is estimated.
    chunk_bytes : memory budget for one chunk of runs.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    sc = scn.scenarios[name]
    years = scn.years
    paths = evaluate_all(scn.base, scn.drivers, sc.drivers, years)
    c = Constants.of(scn.base)
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    draws_all = {d: sc.uncertainty[d].sample(rng, runs) for d in sorted(sc.uncertainty)}
    probe = totals(c, inputs_of(paths))
    all_targets = list(targets)
    targets = [t for t in all_targets if _target_values(t, probe, years) is not None]
    metric = np.empty((runs, len(years)))
    target_vals = np.empty((len(targets), runs))
    step = chunk_size(scn, chunk_bytes)
    for a in range(0, runs, step):
        b = min(runs, a + step)
        chunk_draws = {d: v[a:b] for d, v in draws_all.items()}
        tot = totals(c, _perturbed_inputs(scn, name, paths, chunk_draws))
        metric[a:b] = np.broadcast_to(tot.metric(scn.meta.peak_metric), (b - a, len(years)))
        for k, t in enumerate(targets):
            v = _target_values(t, tot, years)
            assert v is not None
            target_vals[k, a:b] = np.broadcast_to(v, (b - a,))
    idx = np.argmax(metric, axis=1)
    # the per-run series is not needed after this: let percentile partition it in place (no copy)
    fan = dict(zip(PERCENTILES, np.percentile(metric, PERCENTILES, axis=0, overwrite_input=True), strict=True))
    probs = [(t, float(np.mean(target_vals[k] >= t.value - 1e-9))) for k, t in enumerate(targets)
             if t.value is not None]
    probs += _forest_probabilities(scn, name, paths, draws_all, all_targets)
    return MonteCarloResult(name, runs, seed, years, scn.meta.peak_metric, scn.meta.peak_by,
                            years[idx], idx < len(years) - 1, fan, probs)

