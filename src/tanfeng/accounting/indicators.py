"""Dual-control indicators (能耗双控 / 碳排放双控) from the same inventory.

Energy intensity and CO₂ intensity are per unit of GDP at constant prices; their reduction is
``1 − I_year / I_base``. Deductions, each an option and each a visible line:

* 原料用能 (feedstock energy) left out of the energy total, base and assessed year alike
  (发改环资〔2022〕803号);
* 新增可再生能源电力消费量 (renewable electricity consumed above the base year's) left out of the
  assessed year's total (the 2024 rule on not counting new renewable electricity in total energy
  control);
* all non-fossil energy left out of the intensity check (an older reading; base and assessed year).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from tanfeng.accounting.results import InventoryResult, YearResult
from tanfeng.errors import TanfengError


class ElectricityMethod(StrEnum):
    equivalent = "equivalent"  # 等价值: coal-consumption (thermal generation coal rate)
    calorific = "calorific"  # 当量值: 0.1229 kgce/kWh


class CarbonScope(StrEnum):
    with_indirect = "with_indirect"  # fuel combustion + net imported electricity and heat
    direct = "direct"  # fuel combustion only


@dataclass(frozen=True, slots=True)
class IndicatorOptions:
    electricity_method: ElectricityMethod = ElectricityMethod.equivalent
    exclude_feedstock: bool = False
    exclude_non_fossil: bool = False
    carbon_scope: CarbonScope = CarbonScope.with_indirect
    exclude_new_renewable: bool = False


class IndicatorError(TanfengError):
    """Indicators cannot be computed (e.g. the year or base year is not in the inventory)."""


@dataclass(slots=True)
class Indicators:
    year: int
    base_year: int
    options: IndicatorOptions
    energy_total_tce: float  # by the chosen electricity method, before exclusions
    energy_total_eq_tce: float
    energy_total_cal_tce: float
    energy_assessed_tce: float  # after the chosen exclusions
    base_energy_assessed_tce: float
    gdp: float  # 亿元, constant prices
    base_gdp: float
    energy_intensity: float  # tce per 万元
    base_energy_intensity: float
    energy_intensity_reduction_pct: float
    co2_t: float
    base_co2_t: float
    carbon_intensity: float  # t CO₂ per 万元
    base_carbon_intensity: float
    carbon_intensity_reduction_pct: float
    non_fossil_share_pct: float
    deductions: list[tuple[str, float]] = field(default_factory=list)  # (what, tce) applied to the assessed year
    base_deductions: list[tuple[str, float]] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["options"] = {k: str(v) if isinstance(v, StrEnum) else v for k, v in asdict(self.options).items()}
        return out


FEEDSTOCK_ZH = "扣除原料用能（发改环资〔2022〕803号）"
NEW_RENEWABLE_ZH = "扣除新增可再生能源电力消费量（2024年规定，较基准年新增部分）"
NON_FOSSIL_ZH = "扣除非化石能源消费量"


def _electricity_rate(yr: YearResult, opts: IndicatorOptions) -> float:
    """tce per kWh by the chosen method (等价值: the year's coal rate; 当量值: its calorific value)."""
    bal = yr.balance
    if opts.electricity_method is ElectricityMethod.equivalent:
        return (bal.coal_rate or 0.0) / 1000.0
    return bal.electricity_cal_tce_per_kwh


def _energy(yr: YearResult, opts: IndicatorOptions, base: YearResult | None = None) -> tuple[float, float, list[tuple[str, float]]]:
    """(total by method, assessed total after deductions, the deductions) in tce; ``base`` is the base
    year when ``yr`` is the assessed year (new renewable electricity is measured against it)."""
    bal = yr.balance
    eq = opts.electricity_method is ElectricityMethod.equivalent
    total = bal.total_eq_tce if eq else bal.total_cal_tce
    deductions: list[tuple[str, float]] = []
    if opts.exclude_feedstock:
        deductions.append((FEEDSTOCK_ZH, bal.feedstock_tce))
    if opts.exclude_non_fossil:
        deductions.append((NON_FOSSIL_ZH, bal.nonfossil_eq_tce if eq else bal.nonfossil_cal_tce))
    elif opts.exclude_new_renewable and base is not None:
        added_kwh = max(bal.renewable_electricity_kwh - base.balance.renewable_electricity_kwh, 0.0)
        deductions.append((NEW_RENEWABLE_ZH, added_kwh * _electricity_rate(yr, opts)))
    return total, total - sum(v for _, v in deductions), deductions


def _co2(yr: YearResult, opts: IndicatorOptions) -> float:
    totals = yr.totals()
    return totals["energy_co2_with_indirect" if opts.carbon_scope is CarbonScope.with_indirect
                  else "energy_co2_direct"]


def indicators(result: InventoryResult, year: int, base_year: int | None = None,
               options: IndicatorOptions | None = None) -> Indicators:
    """Dual-control indicators of ``year`` against ``base_year`` (default: the input's base year)."""
    opts = options or IndicatorOptions()
    base = base_year or result.input.base_year
    for y in (year, base):
        if y is None or y not in result.years:
            raise IndicatorError(f"清单中没有{y}年的数据 / the inventory has no data for {y}")
    assert base is not None
    cur, ref = result.years[year], result.years[base]
    gdp, base_gdp = (result.input.annual[y].gdp or 0.0 for y in (year, base))
    if gdp <= 0 or base_gdp <= 0:
        raise IndicatorError(f"{year}或{base}年地区生产总值为零 / GDP of {year} or {base} is zero")
    total, assessed, deductions = _energy(cur, opts, ref)
    _, base_assessed, base_deductions = _energy(ref, opts)
    ei, base_ei = assessed / (gdp * 1e4), base_assessed / (base_gdp * 1e4)
    co2, base_co2 = _co2(cur, opts), _co2(ref, opts)
    ci, base_ci = co2 / (gdp * 1e4), base_co2 / (base_gdp * 1e4)
    eq_total = cur.balance.total_eq_tce
    nf_share = 100.0 * cur.balance.nonfossil_eq_tce / eq_total if eq_total else 0.0
    ind = Indicators(
        year, base, opts, total, cur.balance.total_eq_tce, cur.balance.total_cal_tce, assessed, base_assessed,
        gdp, base_gdp, ei, base_ei, _reduction(ei, base_ei), co2, base_co2, ci, base_ci, _reduction(ci, base_ci),
        nf_share, deductions, base_deductions)
    ind.trace = _trace(ind)
    return ind


def _reduction(value: float, base: float) -> float:
    return 100.0 * (1.0 - value / base) if base else 0.0


def _trace(i: Indicators) -> list[str]:
    method = "等价值" if i.options.electricity_method is ElectricityMethod.equivalent else "当量值"
    applied = [what for what, _ in i.deductions] or ["不扣除"]
    return [
        f"能耗口径：{method}；" + "、".join(applied),
        f"能源消费总量 {i.year} = {i.energy_total_tce:.6g} tce",
        *(f"  {what}：−{v:.6g} tce" for what, v in i.deductions),
        f"考核口径能耗 {i.year} = {i.energy_assessed_tce:.6g} tce",
        *(f"  基准年{i.base_year} {what}：−{v:.6g} tce" for what, v in i.base_deductions),
        f"单位GDP能耗 {i.year} = {i.energy_assessed_tce:.6g} tce ÷ ({i.gdp:.6g} 亿元 × 10⁴) = {i.energy_intensity:.6g} tce/万元",
        f"单位GDP能耗 {i.base_year} = {i.base_energy_assessed_tce:.6g} tce ÷ ({i.base_gdp:.6g} 亿元 × 10⁴) = "
        f"{i.base_energy_intensity:.6g} tce/万元",
        f"能耗强度下降率 = 1 − {i.energy_intensity:.6g} ÷ {i.base_energy_intensity:.6g} = "
        f"{i.energy_intensity_reduction_pct:.4g}%",
        f"单位GDP二氧化碳排放 {i.year} = {i.co2_t:.6g} t ÷ ({i.gdp:.6g} × 10⁴) = {i.carbon_intensity:.6g} t/万元；"
        f"{i.base_year} = {i.base_co2_t:.6g} t ÷ ({i.base_gdp:.6g} × 10⁴) = {i.base_carbon_intensity:.6g} t/万元",
        f"碳排放强度下降率 = 1 − {i.carbon_intensity:.6g} ÷ {i.base_carbon_intensity:.6g} = "
        f"{i.carbon_intensity_reduction_pct:.4g}%（口径：{'含电力热力调入' if i.options.carbon_scope is CarbonScope.with_indirect else '仅化石燃料燃烧'}）",
        f"非化石能源消费比重（等价值）= {i.non_fossil_share_pct:.4g}%",
    ]
