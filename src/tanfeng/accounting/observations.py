"""Indicator values for the plan, keyed by canonical target code, with the inventory as provenance.

``plan_observations`` is the pure function the recording service calls (``inventory compute
--record``): it returns one ``Observation`` per code; the service writes them as observations of
the plan's targets with the same code. ``match_targets`` pairs them with a plan's targets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pint

from tanfeng.accounting.indicators import IndicatorOptions, Indicators, indicators
from tanfeng.accounting.results import InventoryResult
from tanfeng.plans.model import Target
from tanfeng.units import convert


@dataclass(frozen=True, slots=True)
class Observation:
    """One value for one period, as the plan's targets state it (e.g. a reduction in % vs a base year)."""

    code: str
    year: int
    value: float
    unit: str
    measure: str  # reduction_vs_baseline | share | level
    baseline_year: int | None
    label: str  # "示例数据" for illustrative input, else the input's own label
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _provenance(result: InventoryResult, ind: Indicators) -> dict[str, Any]:
    inp = result.input
    return {
        "kind": "inventory",
        "source_file": inp.source,
        "source_sha256": inp.sha256,
        "region": inp.region,
        "factor_sets": list(result.factor_sets),
        "gwp": result.gwp_metric,
        "options": ind.to_dict()["options"],
        "method": ind.trace,
    }


def plan_observations(result: InventoryResult, year: int, base_year: int | None = None,
                      options: IndicatorOptions | None = None) -> dict[str, Observation]:
    """Observations of ``year`` keyed by canonical code.

    Codes: energy_intensity, carbon_intensity (reduction in % vs the base year), non_fossil_share (%),
    plus energy_intensity_level, carbon_intensity_level, energy_consumption_total (万吨标准煤),
    energy_co2 (万吨二氧化碳, scope per options), ghg_net (万吨二氧化碳当量, incl. forestry sink) and, when the
    forestry sheet has rows, forest_stock (万立方米, sum of the forest types reported).
    """
    ind = indicators(result, year, base_year, options)
    prov = _provenance(result, ind)
    totals = result.years[year].totals()
    label = result.label

    def obs(code: str, value: float, unit: str, measure: str, baseline: int | None = None) -> Observation:
        return Observation(code, year, value, unit, measure, baseline, label, prov)

    out = {
        "energy_intensity": obs("energy_intensity", ind.energy_intensity_reduction_pct, "%",
                                "reduction_vs_baseline", ind.base_year),
        "carbon_intensity": obs("carbon_intensity", ind.carbon_intensity_reduction_pct, "%",
                                "reduction_vs_baseline", ind.base_year),
        "non_fossil_share": obs("non_fossil_share", ind.non_fossil_share_pct, "%", "share"),
        "energy_intensity_level": obs("energy_intensity_level", ind.energy_intensity, "吨标准煤/万元", "level"),
        "carbon_intensity_level": obs("carbon_intensity_level", ind.carbon_intensity, "吨二氧化碳/万元", "level"),
        "energy_consumption_total": obs("energy_consumption_total", ind.energy_total_tce / 1e4, "万吨标准煤", "level"),
        "energy_co2": obs("energy_co2", ind.co2_t / 1e4, "万吨二氧化碳", "level"),
        "ghg_net": obs("ghg_net", totals["net_with_lulucf_co2e"] / 1e4, "万吨二氧化碳当量", "level"),
    }
    stock = [r.amount for r in result.input.rows if r.section == "forest" and r.year == year]
    if stock:  # growing stock of the forest types reported (活立木蓄积量)
        out["forest_stock"] = obs("forest_stock", sum(stock) / 1e4, "万立方米", "level")
    return out


@dataclass(frozen=True, slots=True)
class TargetMatch:
    target_id: str
    code: str
    observation: Observation
    target_value: float | None  # None for targets assigned from above
    comparable: bool  # same base year and measure, so the values can be compared
    reached: bool | None  # observed value already at or beyond the target (None when not comparable)


def match_targets(observations: dict[str, Observation], targets: list[Target]) -> list[TargetMatch]:
    """Pair observations with the plan's targets of the same canonical code."""
    out: list[TargetMatch] = []
    for t in targets:
        ob = observations.get(t.code or "")
        if ob is None:
            continue
        observed = _in_unit(ob.value, ob.unit, t.unit)
        comparable = t.value is not None and observed is not None and (
            ob.measure != "reduction_vs_baseline" or t.baseline_year in (None, ob.baseline_year))
        reached = None
        if comparable and t.value is not None and observed is not None:
            reached = observed >= t.value if t.change != "level" or t.bound != "max" else observed <= t.value
        out.append(TargetMatch(t.id, ob.code, ob, t.value, comparable, reached))
    return out


def _in_unit(value: float, unit: str, target_unit: str | None) -> float | None:
    """``value`` expressed in the target's unit (None when the units do not convert)."""
    if not target_unit or target_unit == unit:
        return value
    try:
        return convert(value, unit, target_unit)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError):
        return None
