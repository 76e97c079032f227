"""Benchmark: Monte Carlo of the peak projection, vectorised vs a plain per-run Python loop.

    .venv/bin/python benchmarks/bench_projection.py [--runs 100000] [--loop-runs 1000] [--scenario policy]

The vectorised engine (numpy, runs × years in chunks) runs ``--runs`` draws of a scenario of
the bundled 上犹县 file (示例数据, 2020–2060). The baseline is the same model written as a
plain Python loop per run, year, sector and fuel, measured in the same process on
``--loop-runs`` draws and extrapolated linearly to ``--runs``. Both use the same draws, and
the script checks that they give the same peak year for every baseline run before it prints
the ratio. Peak memory of the vectorised run is measured with tracemalloc (numpy reports its
buffers to it).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc
import zlib
from typing import Any

import numpy as np

from tanfeng.projection import example_scenarios_path, load, simulate
from tanfeng.projection.drivers import evaluate_all
from tanfeng.projection.engine import Constants
from tanfeng.projection.montecarlo import DEFAULT_CHUNK_BYTES
from tanfeng.projection.scenarios import ScenarioSet


def draws_for(scn: ScenarioSet, name: str, runs: int, seed: int) -> dict[str, list[float]]:
    """The draws ``simulate`` uses for the same seed (same stream, same order)."""
    sc = scn.scenarios[name]
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    return {d: sc.uncertainty[d].sample(rng, runs).tolist() for d in sorted(sc.uncertainty)}


class LoopModel:
    """The driver model as plain Python lists and loops (the baseline)."""

    def __init__(self, scn: ScenarioSet, name: str) -> None:
        sc = scn.scenarios[name]
        self.scn, self.sc = scn, sc
        self.paths = evaluate_all(scn.base, scn.drivers, sc.drivers, scn.years)
        c = Constants.of(scn.base)
        self.ef_fossil = c.ef_fossil.tolist()
        self.kwh = c.elec_kwh_per_tce.tolist()
        self.gdp_sector = c.gdp_sector.tolist()
        self.gdp_column = c.gdp_column.tolist()
        self.ne_co2 = c.non_energy_is_co2.tolist()
        self.sectors = [s.code for s in scn.base.sectors]
        self.years = len(scn.years)
        forest = scn.base.forest
        self.linked = forest.linked_sink if forest else None
        self.co2_per_m3 = forest.t_co2_per_m3 if forest else 0.0  # a pint conversion: once, not per year

    def _path(self, driver: str) -> list[list[float]]:
        p = self.paths
        if driver in ("gdp", "population", "grid_factor", "electricity_non_fossil"):
            field = {"grid_factor": "grid"}.get(driver, driver)
            return [getattr(p, field).tolist()]
        if driver == "structure":
            return p.structure.tolist()
        if driver in ("forest_stock", "forest_coverage"):
            return [getattr(p, driver).tolist()]
        group, code = driver.split(".", 1)
        if group == "intensity":
            return [p.intensity[self.sectors.index(code)].tolist()]
        if group == "mix":
            return p.mix[self.sectors.index(code)].tolist()
        items = self.scn.base.non_energy if group == "non_energy" else self.scn.base.sinks
        array = p.non_energy if group == "non_energy" else p.sinks
        return [array[[i.code for i in items].index(code)].tolist()]

    def _perturb(self, driver: str, d: float) -> list[list[float]]:
        u, kind = self.sc.uncertainty[driver], self.scn.drivers[driver].kind
        rows = self._path(driver)
        out = []
        for row in rows:
            if u.apply == "rate":
                new = [v * (1.0 + d) ** t for t, v in enumerate(row)]
            else:
                new = [row[0] + d * (v - row[0]) for v in row]
            hi = 1.0 if kind == "fraction" else float("inf")
            out.append([min(max(v, 0.0), hi) for v in new])
        if kind == "shares":
            for t in range(self.years):
                total = sum(r[t] for r in out)
                for r in out:
                    r[t] = r[t] / total if total > 0 else 1.0 / len(out)
        return out

    def _link_sink(self, sinks: list[list[float]], stock: list[float]) -> None:
        if self.linked is None:
            return
        row = sinks[[i.code for i in self.scn.base.sinks].index(self.linked)]
        for t in range(1, self.years):
            row[t] = (stock[t] - stock[t - 1]) * self.co2_per_m3

    def run(self, draws: dict[str, float]) -> list[float]:
        """The peak-metric series of one run."""
        p = self.paths
        gdp, pop = p.gdp.tolist(), p.population.tolist()
        structure, grid = p.structure.tolist(), p.grid.tolist()
        intensity = p.intensity.tolist()
        mix = [m.tolist() for m in p.mix]
        non_energy, sinks = p.non_energy.tolist(), p.sinks.tolist()
        for driver, d in draws.items():
            v = self._perturb(driver, d)
            group, _, code = driver.partition(".")
            if driver == "gdp":
                gdp = v[0]
            elif driver == "population":
                pop = v[0]
            elif driver == "structure":
                structure = v
            elif driver == "grid_factor":
                grid = v[0]
            elif group == "intensity":
                intensity[self.sectors.index(code)] = v[0]
            elif group == "mix":
                mix[self.sectors.index(code)] = v
            elif group == "non_energy":
                non_energy[[i.code for i in self.scn.base.non_energy].index(code)] = v[0]
            elif group == "sink":
                sinks[[i.code for i in self.scn.base.sinks].index(code)] = v[0]
            elif driver == "forest_stock":
                self._link_sink(sinks, v[0])
        metric = self.scn.meta.peak_metric
        series = []
        for t in range(self.years):
            co2 = 0.0
            for s in range(len(self.sectors)):
                act = gdp[t] * structure[self.gdp_column[s]][t] if self.gdp_sector[s] else pop[t]
                energy = act * intensity[s][t]
                for f in range(len(self.ef_fossil)):
                    co2 += energy * mix[s][f][t] * (self.ef_fossil[f] + self.kwh[f] * grid[t])
            if metric != "energy_co2":
                co2 += sum(r[t] for r, is_co2 in zip(non_energy, self.ne_co2, strict=True)
                           if is_co2 or metric != "co2")
            if metric == "net":
                co2 -= sum(r[t] for r in sinks)
            series.append(co2)
        return series


def bench_vectorised(scn: ScenarioSet, name: str, runs: int, seed: int, repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = simulate(scn, name, runs, seed, targets=scn.targets)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--loop-runs", type=int, default=1_000)
    ap.add_argument("--scenario", default="policy")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    scn = load(example_scenarios_path())
    years = len(scn.years)
    print(f"tanfeng projection benchmark — {scn.meta.title}, scenario {args.scenario!r}, "
          f"{scn.years[0]}–{scn.years[-1]} ({years} years), "
          f"{len(scn.scenarios[args.scenario].uncertainty)} uncertain drivers, "
          f"{len(scn.base.sectors)} sectors × {len(scn.base.fuels)} fuels")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs")

    t_vec, mc = bench_vectorised(scn, args.scenario, args.runs, args.seed, args.repeat)
    tracemalloc.start()
    simulate(scn, args.scenario, args.runs, args.seed, targets=scn.targets)
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    model = LoopModel(scn, args.scenario)
    draws = draws_for(scn, args.scenario, args.runs, args.seed)
    t_loop = float("inf")
    for _ in range(max(1, args.repeat // 2)):
        t0 = time.perf_counter()
        loop_peaks = []
        for r in range(args.loop_runs):
            series = model.run({d: v[r] for d, v in draws.items()})
            loop_peaks.append(int(scn.years[int(np.argmax(series))]))
        t_loop = min(t_loop, time.perf_counter() - t0)
    same = loop_peaks == mc.peak_year[: args.loop_runs].tolist()
    if not same:
        raise SystemExit("baseline and vectorised engine disagree on peak years — not comparable")
    t_loop_full = t_loop * args.runs / args.loop_runs

    result_mb = args.runs * years * 8 / 2**20
    print(f"vectorised : {args.runs:>9,} runs in {t_vec:7.3f} s (best of {args.repeat}); "
          f"peak traced memory {peak_bytes / 2**20:.0f} MiB "
          f"(chunk budget {DEFAULT_CHUNK_BYTES / 2**20:.0f} MiB + kept result {result_mb:.0f} MiB)")
    print(f"python loop: {args.loop_runs:>9,} runs in {t_loop:7.3f} s (best of {max(1, args.repeat // 2)}) → "
          f"{args.runs:,} runs ≈ {t_loop_full:8.1f} s "
          f"(extrapolated linearly); same peak year in all {args.loop_runs:,} runs: {same}")
    print(f"speed-up   : {t_loop_full / t_vec:,.0f}× ; P(peak ≤ {mc.peak_by}) = {mc.p_peak_by:.3f} (示例数据)")


if __name__ == "__main__":
    main()
