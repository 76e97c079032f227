"""Benchmark the accounting engine: one county inventory, and 3,000 counties vectorised.

Run:  .venv/bin/python benchmarks/bench_accounting.py [--counties 3000] [--repeat 200]

Prints median timings and, as a same-run baseline, the scalar engine looped over the same
synthetic counties (示例数据 scaled by seeded random factors), so the speed-up is a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from tanfeng.accounting import compute, example_inventory_path, indicators, library, read_inventory
from tanfeng.accounting.activity import InventoryInput
from tanfeng.accounting.batch import BatchEnergy, batch_energy, fuel_coefficients, intensity_reduction
from tanfeng.accounting.readers import read_csv_records
from tanfeng.accounting.template import write_template


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _energy_only(inp: InventoryInput, scale: float) -> InventoryInput:
    rows = [replace(r, amount=r.amount * scale) for r in inp.rows if r.section in {"energy", "generation"}]
    return replace(inp, rows=rows)


def _arrays(inp: InventoryInput, year: int, fuels: list[str], scales: np.ndarray) -> BatchEnergy:
    rows = [r for r in inp.rows if r.year == year]
    use = np.zeros(len(fuels))
    feed = np.zeros(len(fuels))
    for r in rows:
        if r.section == "energy" and r.item in fuels:
            (feed if r.use == "feedstock" else use)[fuels.index(r.item)] += r.amount
    elec = sum(r.amount for r in rows if r.section == "energy" and r.item == "electricity")
    nf = sum(r.amount for r in rows if r.section == "generation" and r.category != "thermal")
    n = len(scales)
    annual = inp.annual[year]
    return BatchEnergy(np.outer(scales, use), np.outer(scales, feed), scales * elec, scales * nf, np.zeros(n),
                       np.full(n, 0.5835), np.full(n, annual.coal_rate or 0.0), scales * (annual.gdp or 0.0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    path = example_inventory_path()
    lib = library()
    inp = read_inventory(path)

    read_ms = _median_ms(lambda: read_inventory(path), 50)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "example.xlsx"
        write_template(book, read_csv_records(path.read_bytes(), path.name))
        xlsx_ms = _median_ms(lambda: read_inventory(book), 20)
    one_ms = _median_ms(lambda: indicators(compute(inp, lib), 2024), args.repeat)
    print(f"one county (示例数据, {len(inp.rows)} activity rows, 2 years, all sectors):")
    print(f"  read + validate CSV          {read_ms:8.2f} ms (median of 50)")
    print(f"  read + validate xlsx         {xlsx_ms:8.2f} ms (median of 20)")
    print(f"  compute + indicators         {one_ms:8.2f} ms (median of {args.repeat})   aim < 10 ms")

    rng = np.random.default_rng(20240)
    scales = rng.uniform(0.2, 5.0, args.counties)
    fuels = sorted({r.item for r in inp.rows if r.section == "energy" and r.item not in {"electricity", "heat"}})
    t0 = time.perf_counter()
    coef = fuel_coefficients(fuels, lib)
    cur, base = _arrays(inp, 2024, fuels, scales), _arrays(inp, 2020, fuels, scales)
    setup_ms = (time.perf_counter() - t0) * 1000

    def vectorised() -> np.ndarray:
        a, b = batch_energy(cur, coef), batch_energy(base, coef)
        return intensity_reduction(a["energy_intensity"], b["energy_intensity"])

    vec_ms = _median_ms(vectorised, 20)
    counties = [_energy_only(inp, float(s)) for s in scales]
    t0 = time.perf_counter()
    for county in counties:
        indicators(compute(county, lib), 2024)
    loop_s = time.perf_counter() - t0
    print(f"{args.counties} counties, energy accounting and energy-intensity reduction (2024 vs 2020):")
    print(f"  vectorised (numpy)           {vec_ms:8.2f} ms (median of 20) + {setup_ms:.1f} ms coefficients/arrays"
          "   aim < 5 s")
    print(f"  baseline: scalar engine loop {loop_s * 1000:8.0f} ms  → speed-up ×{loop_s * 1000 / vec_ms:,.0f}")
    full = [replace(inp, rows=[replace(r, amount=r.amount * float(s)) for r in inp.rows]) for s in scales]
    t0 = time.perf_counter()
    for county in full:
        indicators(compute(county, lib), 2024)
    print(f"{args.counties} full inventories (all sectors, 2 years), scalar engine: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
