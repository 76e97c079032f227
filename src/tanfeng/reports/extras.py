"""Optional inputs of the annual report: an inventory (``tanfeng.accounting``) and peak scenarios (projection).

The database holds neither yet, so the report takes the files and computes them here (with the
default factors, and the Monte Carlo seeded so the same file gives the same report).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from tanfeng.accounting import IndicatorError, compute, indicators, read_inventory
from tanfeng.accounting.render import TOTAL_ZH
from tanfeng.accounting.results import SECTOR_ZH, InventoryResult
from tanfeng.errors import TanfengError
from tanfeng.projection import ScenarioSet, load, project_all, simulate

DEMO_LABEL = "示例数据"
MONTE_CARLO_RUNS = 2000  # enough for a probability to ±1 percentage point, well under a second
MONTE_CARLO_SEED = 1


@dataclass(frozen=True)
class InventorySummary:
    """Sector emissions (万吨 CO₂e) per inventory year and the dual-control indicators of one year."""

    source: str
    sha256: str
    region: str
    label: str  # 示例数据 or the data's own label
    gwp: str
    years: list[int]
    sectors: list[tuple[str, str, list[float]]]  # (code, Chinese name, value per year)
    totals: list[tuple[str, list[float]]]  # (Chinese name, value per year)
    indicator_year: int | None
    indicators: list[tuple[str, float]]  # (Chinese name, value) for indicator_year vs the base year
    unverified_factors: int
    notes: list[str] = field(default_factory=list)

    @property
    def demo(self) -> bool:
        return DEMO_LABEL in self.label


def _unverified(result: InventoryResult) -> int:
    return len({(f.parameter, f.item, f.factor_set, f.region, f.year) for yr in result.years.values()
                for ln in yr.lines for f in ln.factors if not f.verified})


def inventory_summary(path: str | Path, year: int) -> InventorySummary:
    """Compute an activity-data file (.csv/.xlsx) with the default factors; indicators of the latest year ≤ ``year``."""
    if not Path(path).is_file():
        raise TanfengError(f"{path}: 清单文件不存在 / inventory file not found")
    result = compute(read_inventory(path))
    years = sorted(result.years)
    per_year = {y: result.years[y].totals() for y in years}
    sectors = [(code, zh, [per_year[y][f"{code}_co2e"] / 1e4 for y in years]) for code, zh in SECTOR_ZH.items()
               if any(per_year[y][f"{code}_co2e"] for y in years)]
    totals = [(zh, [per_year[y][key] / 1e4 for y in years]) for key, zh in TOTAL_ZH.items()
              if not key.endswith("_co2e") or key.startswith(("gross", "net"))]
    candidates = [y for y in years if y <= year and y != result.input.base_year]
    ind_year, ind_rows = None, []
    if candidates:
        try:
            ind = indicators(result, candidates[-1])
        except IndicatorError:
            ind = None
        if ind is not None:
            ind_year = ind.year
            ind_rows = [("能源消费总量（万吨标准煤）", ind.energy_total_tce / 1e4),
                        ("单位地区生产总值能耗（吨标准煤/万元）", ind.energy_intensity),
                        (f"能耗强度较{ind.base_year}年下降（%）", ind.energy_intensity_reduction_pct),
                        ("单位地区生产总值二氧化碳排放（吨/万元）", ind.carbon_intensity),
                        (f"碳排放强度较{ind.base_year}年下降（%）", ind.carbon_intensity_reduction_pct),
                        ("非化石能源消费比重（%）", ind.non_fossil_share_pct)]
    inp = result.input
    return InventorySummary(str(path), inp.sha256, inp.region, result.label, result.gwp_metric, years, sectors,
                            totals, ind_year, ind_rows, _unverified(result), list(result.notes))


@dataclass(frozen=True)
class ScenarioPeak:
    name: str
    title: str
    peak_year: int
    peak_value: float  # 万吨
    status: str  # peaked | not_peaked | declining
    probability: float | None  # of peaking by ``peak_by`` (Monte Carlo), None without uncertainty


@dataclass(frozen=True)
class ProjectionSummary:
    source: str
    title: str
    label: str
    metric: str
    peak_by: int
    years: list[int]
    scenarios: list[ScenarioPeak]
    paths: list[tuple[str, list[float]]]  # (scenario title, 万吨 per year)
    runs: int
    notes: list[str] = field(default_factory=list)
    sha256: str = ""  # of the scenario file, for the report's provenance table

    @property
    def demo(self) -> bool:
        return DEMO_LABEL in self.label or DEMO_LABEL in self.title


def _probability(scn: ScenarioSet, name: str) -> float | None:
    if not scn.scenarios[name].uncertainty:
        return None
    return float(simulate(scn, name, MONTE_CARLO_RUNS, seed=MONTE_CARLO_SEED).p_peak_by)


def projection_summary(path: str | Path) -> ProjectionSummary:
    """Project every scenario of a scenario file: peak year and value, probability of peaking in time."""
    scn = load(path)
    meta = scn.meta
    results = project_all(scn)
    peaks, paths = [], []
    for p in results:
        name = p.scenario.name
        title = p.scenario.title or name
        peaks.append(ScenarioPeak(name, title, int(p.peak.year), float(p.peak.value) / 1e4, str(p.peak.status),
                                  _probability(scn, name)))
        paths.append((title, [float(v) / 1e4 for v in p.series(meta.peak_metric)]))
    years = [int(y) for y in scn.years]
    return ProjectionSummary(str(path), meta.title, meta.label, meta.peak_metric, int(meta.peak_by), years, peaks,
                             paths, MONTE_CARLO_RUNS, list(meta.notes),
                             sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest())
