"""Export: IAMC (wide CSV that pyam reads), long CSV and JSON.

IAMC variables follow the usual hierarchy so that children add up to parents:
``Emissions|CO2|Energy|<sector>|<fuel>``, ``Final Energy|<sector>|<fuel>``,
``Emissions|Non-Energy|<item>``, ``Carbon Sink|<item>``; Monte Carlo percentiles are
``<variable>|Monte Carlo|p05`` … ``p95``. The label of an illustrative file (示例数据)
is part of the model name, and a column of its own in the long CSV.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from tanfeng import __version__
from tanfeng.projection.decompose import FACTOR_NAMES_ZH, Decomposition
from tanfeng.projection.indicators import indicator_table
from tanfeng.projection.report import ScenarioReport

Record = tuple[str, str, str, int, float]  # scenario, variable, unit, year, value
MT = 1e-6  # t → Mt
METRIC_VARIABLES = {"energy_co2": "Emissions|CO2|Energy", "co2": "Emissions|CO2",
                    "gross": "Emissions|Gross", "net": "Emissions|Net"}


def model_name(label: str) -> str:
    return f"tanfeng {__version__}" + (f" [{label}]" if label else "")


def records(r: ScenarioReport) -> Iterator[Record]:
    """Long records of one scenario (IAMC variable names and units)."""
    p = r.projection
    base = p.scenarios.base
    years = [int(y) for y in p.years]
    name = p.scenario.name

    def series(variable: str, unit: str, values: Any, scale: float = 1.0) -> Iterator[Record]:
        for y, v in zip(years, np.asarray(values, dtype=float), strict=True):
            yield (name, variable, unit, y, float(v) * scale)

    yield from series("Emissions|CO2|Energy", "Mt CO2/yr", p.series("energy_co2"), MT)
    yield from series("Final Energy", "Mtce/yr", p.series("energy"), MT)
    for i, s in enumerate(base.sectors):
        yield from series(f"Emissions|CO2|Energy|{s.code}", "Mt CO2/yr", p.co2[i].sum(axis=0), MT)
        yield from series(f"Final Energy|{s.code}", "Mtce/yr", p.energy[i].sum(axis=0), MT)
        for j, f in enumerate(base.fuels):
            if p.energy[i, j].any():
                yield from series(f"Emissions|CO2|Energy|{s.code}|{f.code}", "Mt CO2/yr", p.co2[i, j], MT)
                yield from series(f"Final Energy|{s.code}|{f.code}", "Mtce/yr", p.energy[i, j], MT)
    if base.non_energy:
        yield from series("Emissions|Non-Energy", "Mt CO2e/yr", p.series("non_energy"), MT)
        for k, item in enumerate(base.non_energy):
            yield from series(f"Emissions|Non-Energy|{item.code}", "Mt CO2e/yr", p.drivers.non_energy[k], MT)
    if base.sinks:
        yield from series("Carbon Sink", "Mt CO2/yr", p.series("sinks"), MT)
        for k, item in enumerate(base.sinks):
            yield from series(f"Carbon Sink|{item.code}", "Mt CO2/yr", p.drivers.sinks[k], MT)
    yield from series("Emissions|Net", "Mt CO2e/yr", p.series("net"), MT)
    if base.forest is not None:
        yield from series("Forest|Stock", "million m3", p.drivers.forest_stock, 1e-6)
        if base.forest.coverage is not None:
            yield from series("Forest|Coverage", "%", p.drivers.forest_coverage)
    yield from series("GDP|Constant Prices", "billion CNY/yr", p.series("gdp"), 1e4 * 1e-9)
    yield from series("Population", "million", p.drivers.population, 1e-6)
    ind = indicator_table(p)
    yield from series("Energy Intensity", "tce/10^4 CNY", ind["energy_intensity"])
    yield from series(f"Energy Intensity|Reduction vs {years[0]}", "%", ind["energy_intensity_reduction"])
    yield from series("Carbon Intensity", "t CO2/10^4 CNY", ind["carbon_intensity"])
    yield from series(f"Carbon Intensity|Reduction vs {years[0]}", "%", ind["carbon_intensity_reduction"])
    yield from series("Non-Fossil Share", "%", ind["non_fossil_share"])
    if r.montecarlo is not None:
        var = METRIC_VARIABLES[r.montecarlo.metric]
        unit = "Mt CO2/yr" if r.montecarlo.metric in ("energy_co2", "co2") else "Mt CO2e/yr"
        for q, values in r.montecarlo.fan.items():
            yield from series(f"{var}|Monte Carlo|p{q:02d}", unit, values, MT)


def to_iamc(reports: list[ScenarioReport]) -> str:
    """Wide IAMC CSV: Model, Scenario, Region, Variable, Unit, then one column per year."""
    if not reports:
        return ""
    scn = reports[0].projection.scenarios
    years = [int(y) for y in scn.years]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Model", "Scenario", "Region", "Variable", "Unit", *years])
    model = model_name(scn.label)
    for r in reports:
        rows: dict[tuple[str, str], dict[int, float]] = {}
        for _, var, unit, year, value in records(r):
            rows.setdefault((var, unit), {})[year] = value
        for (var, unit), by_year in rows.items():
            w.writerow([model, r.name, scn.meta.region, var, unit, *(_num(by_year[y]) for y in years)])
    return buf.getvalue()


def to_csv(reports: list[ScenarioReport]) -> str:
    """Long CSV: label, scenario, variable, unit, year, value."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["label", "scenario", "variable", "unit", "year", "value"])
    for r in reports:
        label = r.projection.scenarios.label
        for scenario, var, unit, year, value in records(r):
            w.writerow([label, scenario, var, unit, year, _num(value)])
    return buf.getvalue()


def _num(x: float) -> str:
    """A number for CSV; undefined values (e.g. a share of zero energy) are left empty."""
    return f"{x:.10g}" if math.isfinite(x) else ""


def _finite(obj: Any) -> Any:
    """``obj`` with NaN/∞ replaced by None, so the JSON stays valid."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def to_dict(reports: list[ScenarioReport]) -> dict[str, Any]:
    """The JSON document: file metadata, then per scenario peak, targets, decomposition, Monte Carlo."""
    if not reports:
        return {}
    scn = reports[0].projection.scenarios
    return {
        "label": scn.label or None,
        "title": scn.meta.title,
        "region": scn.meta.region,
        "source": scn.path,
        "notes": list(scn.meta.notes),
        "base_year": int(scn.years[0]),
        "end_year": int(scn.years[-1]),
        "peak_metric": scn.meta.peak_metric,
        "peak_by": scn.meta.peak_by,
        "factors": factor_provenance(reports[0]),
        "scenarios": [_scenario_dict(r) for r in reports],
    }


def factor_provenance(r: ScenarioReport) -> list[dict[str, Any]]:
    """Every coefficient used, with its source and verified flag."""
    base = r.projection.scenarios.base
    out = []
    for f in base.fuels:
        for kind, factor in (("standard_coal", f.standard_coal), ("co2", f.co2),
                             ("standard_coal_non_fossil", f.standard_coal_non_fossil)):
            if factor is not None:
                out.append({"fuel": f.code, "name": f.name, "factor": kind, "value": factor.value,
                            "unit": factor.unit, "source": factor.source, "verified": factor.verified})
    if base.forest is not None and base.forest.co2_per_m3 is not None:
        k = base.forest.co2_per_m3
        out.append({"fuel": None, "name": "森林蓄积碳汇系数", "factor": "forest_co2_per_m3", "value": k.value,
                    "unit": k.unit, "source": k.source, "verified": k.verified})
    g = base.grid_factor
    out.append({"fuel": "electricity", "name": "电网排放因子（基准年）", "factor": "grid", "value": g.value,
                "unit": g.unit, "source": g.source, "verified": g.verified})
    return out


def _scenario_dict(r: ScenarioReport) -> dict[str, Any]:
    p = r.projection
    rows: dict[str, dict[str, Any]] = {}
    for _, var, unit, year, value in records(r):
        rows.setdefault(var, {"unit": unit, "values": {}})["values"][str(year)] = value
    out: dict[str, Any] = {
        "name": p.scenario.name, "title": p.scenario.title, "parent": p.scenario.parent,
        "description": p.scenario.description, "label": p.scenarios.label or None,
        "peak": {"year": p.peak.year, "value_mt": p.peak.value * MT, "status": p.peak.status,
                 "metric": p.peak.metric, "by_peak_year": p.peak.by(p.scenarios.meta.peak_by)},
        "targets": [_check_dict(c) for c in r.checks],
        "series": rows,
    }
    if r.decomposition is not None:
        out["decomposition"] = _decomposition_dict(r.decomposition)
    if r.versus_parent is not None:
        out["versus_parent"] = _decomposition_dict(r.versus_parent)
    if r.montecarlo is not None:
        mc = r.montecarlo
        out["monte_carlo"] = {
            "runs": mc.runs, "seed": mc.seed, "peak_by": mc.peak_by, "p_peak_by": mc.p_peak_by,
            "peak_year_distribution": mc.peak_year_distribution(),
            "peak_year_percentiles": {f"p{q:02d}": v for q, v in mc.peak_year_percentiles().items()},
            "target_probability": [{"id": t.id, "code": t.code, "probability": pr} for t, pr in mc.target_probability],
            "drivers": {d: {"dist": u.dist, "apply": u.apply} for d, u in sorted(p.scenario.uncertainty.items())},
        }
    return out


def _decomposition_dict(d: Decomposition) -> dict[str, Any]:
    return {
        "from": d.year_from, "to": d.year_to, "scenario_from": d.scenario_from, "scenario_to": d.scenario_to,
        "unit": "Mt CO2", "start": d.start * MT, "end": d.end * MT,
        "effects": {k: v * MT for k, v in d.effects.items()}, "names_zh": FACTOR_NAMES_ZH,
        "by_sector": {s: {k: v * MT for k, v in e.items()} for s, e in d.by_sector.items()},
    }


def _check_dict(c: Any) -> dict[str, Any]:
    t = c.target
    return {"id": t.id, "code": t.code, "indicator": t.indicator, "change": t.change, "required": t.value,
            "stretch": t.stretch_value, "unit": t.unit, "year": t.year, "baseline_year": t.baseline_year,
            "projected": c.projected, "met": c.met, "gap": c.gap, "stretch_met": c.stretch_met,
            "note": f"{c.note_zh} / {c.note_en}" if c.note_zh else None}


def to_json(reports: list[ScenarioReport]) -> str:
    return json.dumps(_finite(to_dict(reports)), ensure_ascii=False, indent=2, allow_nan=False)
