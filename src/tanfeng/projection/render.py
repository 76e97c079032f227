"""The plain-text table of ``tanfeng peak`` (Chinese first, English alongside)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tanfeng.projection.decompose import FACTOR_NAMES_ZH, FACTORS, Decomposition
from tanfeng.projection.indicators import TargetCheck, indicator_table
from tanfeng.projection.montecarlo import PERCENTILES, MonteCarloResult
from tanfeng.projection.report import ScenarioReport

WAN = 1e-4  # t → 万吨
METRIC_ZH = {"energy_co2": "能源活动（含调入电力）", "co2": "二氧化碳（能源活动含调入电力+非能源）", "gross": "温室气体总排放",
             "net": "净排放（扣除碳汇）"}
STATUS = {"peaked": "", "declining": "（基准年即为最高）", "not_peaked": "（预测期末仍在上升，未达峰）"}


def shown_years(years: np.ndarray, peak_by: int) -> list[int]:
    """Base year, every fifth year, the peak-by year and the last year."""
    ys = [int(y) for y in years]
    keep = {ys[0], ys[-1]} | {y for y in ys if y % 5 == 0} | ({peak_by} & set(ys))
    return sorted(keep)


def _fmt(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def check_line(c: TargetCheck) -> str:
    t = c.target
    head = f"  {t.id} {t.indicator}"
    if c.met is None:
        return f"{head}：无法核对 — {c.note_zh} / not checkable — {c.note_en}"
    if t.code == "carbon_peak":
        verdict = "达标 met" if c.met else "未达标 missed"
        return f"{head}：{t.year} 年前达峰 → 预测达峰 {int(c.projected or 0)} 年，{verdict}"
    unit = t.unit or ""
    change = {"decrease": "下降", "increase": "提高", "level": "达到"}.get(t.change or "", "")
    base = f"较{t.baseline_year}年" if t.baseline_year else ""
    want = f"{t.year} 年{base}{change} {t.value:g}{unit}"
    stretch = "" if c.stretch_met is None else (
        f"；力争 {t.stretch_value:g}{unit}：{'达到' if c.stretch_met else '未达到'}")
    assert c.projected is not None and c.gap is not None
    if c.met:
        verdict = f"达标 met（富余 {c.gap:.2f} {'个百分点' if unit in ('%', '％') else unit}）"
    else:
        verdict = f"未达标 missed（差 {-c.gap:.2f} {'个百分点' if unit in ('%', '％') else unit}）"
    return f"{head}：{want} → 预测 {c.projected:.2f}{unit}，{verdict}{stretch}"


def _emissions_table(r: ScenarioReport, years: list[int]) -> list[str]:
    p = r.projection
    base = p.scenarios.base
    idx = [p.index(y) for y in years]
    cols = [s.name for s in base.sectors] + ["能源合计", "非能源", "碳汇", "净排放"]
    rows = [p.co2[i].sum(axis=0) for i in range(len(base.sectors))]
    rows += [p.series("energy_co2"), p.series("non_energy"), -p.series("sinks"), p.series("net")]
    out = ["  排放（万吨CO₂/CO₂e）/ emissions (10⁴ t):", "  " + _label("年份", 12) + "".join(f"{y:>10}" for y in years)]
    for name, values in zip(cols, rows, strict=True):
        out.append("  " + _label(name, 12) + "".join(f"{_fmt(values[i] * WAN):>10}" for i in idx))
    fuels = [(f.name, p.co2[:, j].sum(axis=0)) for j, f in enumerate(base.fuels) if p.co2[:, j].any()]
    out.append("  按品种 / by fuel:")
    for name, values in fuels:
        out.append("  " + _label(name, 12) + "".join(f"{_fmt(values[i] * WAN):>10}" for i in idx))
    return out


def _label(text: str, width: int) -> str:
    """``text`` padded to ``width`` display columns."""
    return text + " " * max(1, width - len(text) - _wide(text))


def _wide(text: str) -> int:
    """Extra columns taken by wide (CJK) characters."""
    return sum(1 for ch in text if ord(ch) > 0x2E80)


def _indicator_rows(r: ScenarioReport, years: list[int]) -> list[str]:
    p = r.projection
    ind = indicator_table(p)
    idx = [p.index(y) for y in years]
    base = int(p.years[0])
    rows: list[tuple[str, Any]] = [(f"能耗强度较{base}降幅%", ind["energy_intensity_reduction"]),
            (f"碳强度较{base}降幅%", ind["carbon_intensity_reduction"]),
            ("非化石能源比重%", ind["non_fossil_share"])]
    forest = p.scenarios.base.forest
    if forest is not None:
        rows.append(("森林蓄积量（万立方米）", p.drivers.forest_stock / 1e4))
        if forest.coverage is not None:
            rows.append(("森林覆盖率%", p.drivers.forest_coverage))
    out = ["  指标 / indicators:", "  " + _label("年份", 22) + "".join(f"{y:>10}" for y in years)]
    for name, values in rows:
        out.append("  " + _label(name, 22) + "".join(f"{values[i]:>10.1f}" for i in idx))
    return out


def _mc_lines(mc: MonteCarloResult, years: list[int]) -> list[str]:
    p_by = mc.p_peak_by * 100
    pct = mc.peak_year_percentiles()
    out = [f"  蒙特卡洛 / Monte Carlo：{mc.runs:,} 次，种子 seed {mc.seed}",
           f"  {mc.peak_by} 年前（含）达峰的概率 P(peak ≤ {mc.peak_by}) = {p_by:.1f}%",
           "  达峰年份分位数 / peak-year percentiles: " + "，".join(
               f"p{q}={'未达峰' if v > mc.years[-1] else round(v)}" for q, v in pct.items())]
    dist = mc.peak_year_distribution()
    none = dist.pop("none")
    top = sorted(dist.items(), key=lambda kv: -kv[1])[:5]
    out.append("  最可能的达峰年份 / most likely: " + "，".join(f"{y}: {s * 100:.1f}%" for y, s in top)
               + f"；预测期内未达峰 / no peak: {none * 100:.1f}%")
    for t, pr in mc.target_probability:
        out.append(f"  目标 {t.id} 达标概率 / P(target met) = {pr * 100:.1f}%")
    idx = [y - int(mc.years[0]) for y in years]
    out.append("  扇形图（万吨）/ fan chart (10⁴ t):")
    out.append("  " + _label("分位", 12) + "".join(f"{y:>10}" for y in years))
    for q in PERCENTILES:
        out.append("  " + _label(f"p{q:02d}", 12) + "".join(f"{_fmt(mc.fan[q][i] * WAN):>10}" for i in idx))
    return out


def _effects(d: Decomposition) -> str:
    return "，".join(f"{FACTOR_NAMES_ZH[f]} {d.effects[f] * WAN:+.1f}" for f in FACTORS if abs(d.effects[f]) > 1e-9)


def to_table(reports: list[ScenarioReport]) -> str:
    """Human-readable report of every scenario."""
    if not reports:
        return ""
    scn = reports[0].projection.scenarios
    years = shown_years(scn.years, scn.meta.peak_by)
    lines = []
    if scn.label:
        lines.append(f"【{scn.label}】本结果由示意数据计算，不代表官方统计或规划 / illustrative data, not official")
    lines += [f"{scn.meta.title}  ({scn.path})",
              f"达峰判据 / peak metric: {METRIC_ZH[scn.meta.peak_metric]}；基准年 {scn.years[0]}，预测至 {scn.years[-1]}"]
    for r in reports:
        p = r.projection
        lines += ["", f"== {p.scenario.title} ({p.scenario.name})" + (f" 〔{scn.label}〕" if scn.label else "") + " =="]
        if p.scenario.description:
            lines.append(f"  {p.scenario.description}")
        lines.append(f"  达峰 / peak: {p.peak.year} 年，{_fmt(p.peak.value * WAN)} 万吨{STATUS[p.peak.status]}")
        if r.checks:
            lines.append("  目标核对 / targets:")
            lines += [check_line(c) for c in r.checks]
        lines += _emissions_table(r, years)
        lines += _indicator_rows(r, years)
        if r.decomposition is not None:
            d = r.decomposition
            lines.append(f"  分解 {d.year_from}→{d.year_to}（万吨）/ LMDI: {_fmt(d.start * WAN)} → {_fmt(d.end * WAN)}："
                         + _effects(d))
        if r.versus_parent is not None:
            v = r.versus_parent
            parent = scn.scenarios[v.scenario_from].title
            lines.append(f"  相对{parent}（{v.scenario_from}）{v.year_to} 年 / vs parent: {_fmt(v.start * WAN)} → "
                         f"{_fmt(v.end * WAN)} 万吨（{(v.end - v.start) * WAN:+.1f}）：" + _effects(v))
        if r.montecarlo is not None:
            lines += _mc_lines(r.montecarlo, years)
    return "\n".join(lines)
