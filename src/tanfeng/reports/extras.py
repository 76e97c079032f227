"""Optional inputs of the annual report: an inventory (``tanfeng.accounting``) and peak scenarios (projection).

The database holds neither yet, so the report takes the files and computes them here (with the
default factors, and the Monte Carlo seeded so the same file gives the same report).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from tanfeng.accounting import IndicatorError, IndicatorOptions, Indicators, compute, indicators, read_inventory
from tanfeng.accounting.indicators import FEEDSTOCK_ZH, NEW_RENEWABLE_ZH, NON_FOSSIL_ZH
from tanfeng.accounting.results import SUMMARY_SECTOR_KEYS, InventoryResult
from tanfeng.errors import TanfengError
from tanfeng.projection import ScenarioError, ScenarioSet, load, project_all, simulate
from tanfeng.projection.render import METRIC_ZH

DEMO_LABEL = "示例数据"
# English names of the deductions of the assessed energy use (the English report)
DEDUCTIONS_EN = {FEEDSTOCK_ZH: "feedstock energy deducted (NDRC 2022 No. 803)",
                 NEW_RENEWABLE_ZH: "new renewable electricity deducted (2024 rule, the part added since the base year)",
                 NON_FOSSIL_ZH: "non-fossil energy deducted"}
METRIC_EN = {"energy_co2": "energy CO2 (imported electricity included)",
             "co2": "CO2 (energy with imported electricity, and non-energy)", "gross": "gross greenhouse gas emissions",
             "net": "net emissions (sinks deducted)"}
# 能耗双控 as assessed: feedstock (发改环资〔2022〕803号) and new renewable electricity (2024 rule) deducted
ASSESSMENT = IndicatorOptions(exclude_feedstock=True, exclude_new_renewable=True)
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
    english: dict[str, str] = field(default_factory=dict)  # Chinese row name → its English name

    @property
    def demo(self) -> bool:
        return DEMO_LABEL in self.label


def _unverified(result: InventoryResult) -> int:
    return len({(f.parameter, f.item, f.factor_set, f.region, f.year) for yr in result.years.values()
                for ln in yr.lines for f in ln.factors if not f.verified})


def inventory_summary(path: str | Path, year: int, fallback: str | None = None) -> InventorySummary:
    """Compute an activity-data file (.csv/.xlsx) with the default factors; indicators of the latest year ≤ ``year``."""
    if not Path(path).is_file():
        raise TanfengError(f"{path}: 清单文件不存在 / inventory file not found")
    result = compute(read_inventory(path), fallback=fallback)
    years = sorted(result.years)
    # the same rows, labels and numbers as the web page and the CLI (one number per label)
    summary = result.summary()
    english = {zh: en for _key, zh, en, _vals in summary}
    sectors = [(key.removesuffix("_co2e").removesuffix("_co2_direct"), zh, [v / 1e4 for v in vals])
               for key, zh, _en, vals in summary if key in SUMMARY_SECTOR_KEYS and any(vals)]
    totals = [(zh, [v / 1e4 for v in vals]) for key, zh, _en, vals in summary if key not in SUMMARY_SECTOR_KEYS]
    candidates = [y for y in years if y <= year and y != result.input.base_year]
    ind_year, ind_rows = None, []
    ind: Indicators | None = None
    if candidates:
        try:
            ind = indicators(result, candidates[-1], options=ASSESSMENT)
        except IndicatorError:
            ind = None
        if ind is not None:
            ind_year = ind.year
            english.update({
                "能源消费总量（万吨标准煤）": "Total energy consumption (10^4 tce)",
                "考核口径能源消费量（万吨标准煤）": "Energy consumption as assessed (10^4 tce)",
                "单位地区生产总值能耗（吨标准煤/万元）": "Energy use per unit of GDP (tce per 10^4 yuan)",
                f"能耗强度较{ind.base_year}年下降（%）": f"Energy intensity: reduction vs {ind.base_year} (%)",
                "单位地区生产总值二氧化碳排放（吨/万元）": "CO2 emissions per unit of GDP (t per 10^4 yuan)",
                f"碳排放强度较{ind.base_year}年下降（%）": f"Carbon intensity: reduction vs {ind.base_year} (%)",
                "非化石能源消费比重（%）": "Non-fossil share of energy consumption (%)",
            })
            ind_rows = [("能源消费总量（万吨标准煤）", ind.energy_total_tce / 1e4),
                        *((f"{what}（万吨标准煤）", -v / 1e4) for what, v in ind.deductions),
                        ("考核口径能源消费量（万吨标准煤）", ind.energy_assessed_tce / 1e4),
                        ("单位地区生产总值能耗（吨标准煤/万元）", ind.energy_intensity),
                        (f"能耗强度较{ind.base_year}年下降（%）", ind.energy_intensity_reduction_pct),
                        ("单位地区生产总值二氧化碳排放（吨/万元）", ind.carbon_intensity),
                        (f"碳排放强度较{ind.base_year}年下降（%）", ind.carbon_intensity_reduction_pct),
                        ("非化石能源消费比重（%）", ind.non_fossil_share_pct)]
    inp = result.input
    notes = list(result.notes)
    if ind_year is not None and ind is not None:
        applied = "、".join(what for what, _ in ind.deductions) or "未扣除任何项"
        note = (f"能耗双控指标口径：{applied}；单位地区生产总值能耗按扣除后的考核口径能源消费量计算，基准年同口径"
                "（新增可再生能源电力只在考核年扣除）。")
        applied_en = "; ".join(DEDUCTIONS_EN.get(what, what) for what, _ in ind.deductions) or "nothing deducted"
        english[note] = (f"Energy dual-control indicators as assessed: {applied_en}. Energy use per unit of GDP is "
                         "computed from the assessed energy consumption after the deductions, the base year likewise "
                         "(new renewable electricity is deducted in the assessed year only).")
        english.update({f"{what}（万吨标准煤）": f"{DEDUCTIONS_EN.get(what, what)} (10^4 tce)"
                        for what, _ in ind.deductions})
        notes.insert(0, note)
    return InventorySummary(str(path), inp.sha256, inp.region, result.label, result.gwp_metric, years, sectors,
                            totals, ind_year, ind_rows, _unverified(result), notes, english)


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
    metric_zh: str = ""
    base_year: int | None = None
    base_value: float | None = None  # 万吨, the peak metric in the base year
    base_from_inventory: bool = False
    sha256: str = ""  # of the scenario file, for the report's provenance table

    @property
    def demo(self) -> bool:
        return DEMO_LABEL in self.label or DEMO_LABEL in self.title


def _probability(scn: ScenarioSet, name: str) -> float | None:
    if not scn.scenarios[name].uncertainty:
        return None
    return float(simulate(scn, name, MONTE_CARLO_RUNS, seed=MONTE_CARLO_SEED).p_peak_by)


def _scenarios(path: str | Path, inventory: str | Path | None,
               fallback: str | None = None) -> tuple[ScenarioSet, bool, list[str]]:
    """The scenario file, with its base year taken from the inventory when the file is written for one."""
    if inventory is None:
        return load(path), False, []
    try:
        return load(path, inventory=compute(read_inventory(inventory), fallback=fallback)), True, []
    except ScenarioError:
        scn = load(path)  # a file with its own base year (its errors, if any, are raised here)
        # the official text names the scenario by its title; the file itself is listed in the sources appendix
        return scn, False, [f"情景设定《{scn.meta.title}》自带基准年数据，未取自清单，预测基准年数值可能与清单不同。"]


def projection_summary(path: str | Path, inventory: str | Path | None = None,
                       fallback: str | None = None) -> ProjectionSummary:
    """Project every scenario of a scenario file: peak year and value, probability of peaking in time.

    With ``inventory`` the base year comes from that inventory when the scenario file takes it from one
    (then the base year's figures are the inventory's, label for label)."""
    scn, from_inventory, notes = _scenarios(path, inventory, fallback)
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
    base_value = paths[0][1][0] if paths else None
    return ProjectionSummary(str(path), meta.title, meta.label, meta.peak_metric, int(meta.peak_by), years, peaks,
                             paths, MONTE_CARLO_RUNS, list(meta.notes) + notes, METRIC_ZH.get(meta.peak_metric, ""),
                             years[0] if years else None, base_value, from_inventory,
                             sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest())
