"""Everything ``tanfeng peak`` shows for a scenario, built once and rendered in several formats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tanfeng.plans.model import Target
from tanfeng.projection.decompose import Decomposition, compare, decompose
from tanfeng.projection.errors import ProjectionError
from tanfeng.projection.indicators import TargetCheck, check_targets
from tanfeng.projection.montecarlo import MonteCarloResult, simulate
from tanfeng.projection.project import Projection, project
from tanfeng.projection.scenarios import ScenarioSet

MAX_RUNS = 2_000_000  # 2e6 runs × 41 years × 8 bytes, held twice for percentiles ≈ 1.3 GB


@dataclass(frozen=True)
class ScenarioReport:
    """One scenario's projection with its target checks, decomposition and Monte Carlo result."""

    projection: Projection
    checks: list[TargetCheck]
    decomposition: Decomposition | None
    montecarlo: MonteCarloResult | None
    versus_parent: Decomposition | None = None  # parent → this scenario in the same year

    @property
    def name(self) -> str:
        return self.projection.scenario.name


def merge_targets(*groups: Iterable[Target]) -> list[Target]:
    """Targets from several sources; a later one with the same code and year replaces an earlier one."""
    out: dict[tuple[str | None, int | None, str], Target] = {}
    for group in groups:
        for t in group:
            out[(t.code, t.year, t.indicator if t.code is None else "")] = t
    return list(out.values())


def build(scn: ScenarioSet, names: list[str] | None = None, *, targets: Iterable[Target] = (),
          runs: int = 0, seed: int = 0, between: tuple[int, int] | None = None) -> list[ScenarioReport]:
    """Project the scenarios and check them; validate every request before computing anything.

    ``between`` defaults to the base year → the peak-by year (or the end year if earlier).
    """
    names = names or list(scn.scenarios)
    unknown = [n for n in names if n not in scn.scenarios]
    if unknown:
        raise ProjectionError(f"未知情景 '{unknown[0]}'（可选：{'、'.join(scn.scenarios)}）/ "
                              f"unknown scenario '{unknown[0]}' (choose from {', '.join(scn.scenarios)})")
    first, last = int(scn.years[0]), int(scn.years[-1])
    span = between or (first, min(scn.meta.peak_by, last))
    if not (first <= span[0] <= last and first <= span[1] <= last) or span[0] == span[1]:
        raise ProjectionError(f"分解年份 {span[0]}–{span[1]} 须为预测期 {first}–{last} 内的两个不同年份 / "
                              f"decomposition years {span[0]}–{span[1]} must be two years within {first}–{last}")
    if not 0 <= runs <= MAX_RUNS:
        raise ProjectionError(f"模拟次数须在 0–{MAX_RUNS:,} 之间 / --runs must be within 0–{MAX_RUNS:,} "
                              "(the result keeps one value per run and year)")
    all_targets = merge_targets(scn.targets, targets)
    projections: dict[str, Projection] = {}

    def projected(name: str) -> Projection:
        if name not in projections:
            projections[name] = project(scn, name)
        return projections[name]

    reports = []
    for name in names:
        p = projected(name)
        parent = p.scenario.parent
        versus = compare(projected(parent), span[1], p, span[1]) if parent else None
        mc = simulate(scn, name, runs, seed, targets=all_targets) if runs else None
        reports.append(ScenarioReport(p, check_targets(p, all_targets), decompose(p, *span), mc, versus))
    return reports
