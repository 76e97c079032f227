"""The plan's indicators per year and the check of projected values against the plan's targets.

Targets are ``tanfeng.plans.model.Target`` objects (the plan JSON contract), matched by
canonical ``code``: ``energy_intensity``, ``carbon_intensity`` (reductions in % against
``baseline_year``), ``non_fossil_share`` (a level in %, or an increase in 个百分点 against
``baseline_year``), ``carbon_peak`` (peak no later than ``year``), ``forest_stock`` and
``forest_coverage`` (levels, when the scenario file has a forest section).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pint

from tanfeng.plans.model import Target
from tanfeng.projection.paths import Array
from tanfeng.projection.project import Projection
from tanfeng.units import convert

CHECKED_CODES = ("energy_intensity", "carbon_intensity", "non_fossil_share", "carbon_peak", "forest_stock",
                 "forest_coverage")
PERCENT_UNITS = ("%", "％", "percent")
POINT_UNITS = ("个百分点", "百分点", "percentage_point", "pp")


@dataclass(frozen=True)
class TargetCheck:
    """A target against a projection. ``met`` is None when the target cannot be checked."""

    target: Target
    projected: float | None  # in the target's terms (e.g. a reduction in %), or the peak year
    met: bool | None
    gap: float | None  # projected − required, in the target's unit (positive = better than required)
    stretch_met: bool | None
    note_zh: str = ""
    note_en: str = ""


def indicator_series(p: Projection) -> dict[str, Array]:
    """Yearly indicator values: intensities (tce or tCO₂ per 万元) and the non-fossil share (%)."""
    return {
        "energy_intensity": p.energy_intensity(),
        "carbon_intensity": p.carbon_intensity(),
        "non_fossil_share": p.non_fossil_share() * 100.0,
    }


def reduction(series: Array, i_year: int, i_base: int) -> float:
    """Percentage reduction of ``series`` from position ``i_base`` to ``i_year``."""
    return float((1.0 - series[i_year] / series[i_base]) * 100.0)


def _unchecked(t: Target, zh: str, en: str) -> TargetCheck:
    return TargetCheck(t, None, None, None, None, zh, en)


def check_target(p: Projection, t: Target) -> TargetCheck:
    """Check one target; codes outside :data:`CHECKED_CODES` are reported as not checkable."""
    if t.code == "carbon_peak":
        year = t.year or p.scenarios.meta.peak_by
        met = p.peak.by(year)
        return TargetCheck(t, float(p.peak.year), met, float(year - p.peak.year) if met else None, None,
                           "" if p.peak.status != "not_peaked" else "预测期内未达峰",
                           "" if p.peak.status != "not_peaked" else "no peak within the horizon")
    if t.code not in CHECKED_CODES:
        return _unchecked(t, "预测不含此指标", "indicator not projected")
    if t.assigned or t.value is None:
        return _unchecked(t, "指标由上级下达，数值未知", "quota set by a higher level; value unknown")
    if t.year is None:
        return _unchecked(t, "目标未给出年份", "target has no year")
    try:
        i_year = p.index(t.year)
    except KeyError:
        return _unchecked(t, f"{t.year} 年不在预测期内", f"{t.year} is outside the projection")
    if t.code in ("forest_stock", "forest_coverage"):
        return _check_forest(p, t, i_year)
    series = indicator_series(p)[t.code]
    unit = (t.unit or "").strip()
    if t.code == "non_fossil_share" and unit in PERCENT_UNITS and t.baseline_year is None:
        projected = float(series[i_year])
    else:
        if t.baseline_year is None:
            return _unchecked(t, "目标未给出基准年", "target has no baseline year")
        try:
            i_base = p.index(t.baseline_year)
        except KeyError:
            return _unchecked(t, f"基准年 {t.baseline_year} 不在预测期内",
                              f"baseline year {t.baseline_year} is outside the projection")
        if t.code == "non_fossil_share" and unit in POINT_UNITS:
            projected = float(series[i_year] - series[i_base])
        elif unit in PERCENT_UNITS and t.code != "non_fossil_share":
            projected = reduction(series, i_year, i_base)
            if t.change == "increase":
                projected = -projected
        else:
            return _unchecked(t, f"无法按单位 '{unit}' 核对", f"cannot check a target in unit '{unit}'")
    gap = projected - t.value
    stretch = None if t.stretch_value is None else projected >= t.stretch_value
    return TargetCheck(t, projected, bool(gap >= -1e-9), gap, stretch)


def _check_forest(p: Projection, t: Target, i_year: int) -> TargetCheck:
    """Forest stock (any volume unit) or coverage (%) in the target year against a level."""
    forest = p.scenarios.base.forest
    assert t.value is not None
    if forest is None or (t.code == "forest_coverage" and forest.coverage is None):
        return _unchecked(t, "情景文件未给出森林数据", "the scenario file has no forest data")
    unit = (t.unit or "").strip()
    try:
        if t.code == "forest_stock":
            projected = convert(float(p.drivers.forest_stock[i_year]), "m ** 3", unit)
        elif unit in PERCENT_UNITS:
            projected = float(p.drivers.forest_coverage[i_year])
        else:
            raise ValueError(unit)
    except (ValueError, pint.errors.PintError, AttributeError):
        return _unchecked(t, f"无法按单位 '{unit}' 核对", f"cannot check a target in unit '{unit}'")
    gap = projected - t.value
    stretch = None if t.stretch_value is None else projected >= t.stretch_value
    return TargetCheck(t, projected, bool(gap >= -1e-9), gap, stretch)


def check_targets(p: Projection, targets: Iterable[Target]) -> list[TargetCheck]:
    """Check every target whose code the projection covers (others are left out)."""
    return [check_target(p, t) for t in targets if t.code in CHECKED_CODES]


def indicator_table(p: Projection) -> dict[str, list[float]]:
    """Indicators per year as plain lists, with reductions against the base year (for export)."""
    s = indicator_series(p)
    ei, ci = s["energy_intensity"], s["carbon_intensity"]
    return {
        "energy_intensity": ei.tolist(),
        "energy_intensity_reduction": ((1 - ei / ei[0]) * 100).tolist(),
        "carbon_intensity": ci.tolist(),
        "carbon_intensity_reduction": ((1 - ci / ci[0]) * 100).tolist(),
        "non_fossil_share": np.asarray(s["non_fossil_share"]).tolist(),
    }
