"""The inventory page's data, computed by tanfeng.accounting: the bundled illustrative county (示例数据) or an uploaded file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from tanfeng.accounting import compute, example_inventory_path, plan_observations, read_inventory
from tanfeng.accounting.observations import Observation
from tanfeng.accounting.results import SECTOR_ZH, InventoryResult


def summarise(result: InventoryResult, source: str, example: bool) -> dict[str, Any]:
    """Net CO₂e per sector and year (t, with indirect electricity) and energy use, as plain data for tables and charts."""
    years = sorted(result.years)
    totals: dict[str, dict[int, float]] = {}
    for year in years:
        for line in result.years[year].lines:
            by_year = totals.setdefault(SECTOR_ZH.get(line.sector, line.sector), {})
            by_year[year] = by_year.get(year, 0.0) + line.co2e_t
    return {
        "years": years, "gwp": result.gwp_metric, "factor_sets": result.factor_sets,
        "sectors": [{"name": k, "values": [round(v.get(y, 0.0), 1) for y in years]} for k, v in totals.items()],
        "energy_tce": [round(result.years[y].balance.total_eq_tce, 1) for y in years],
        "source": source, "example": example, "notes": result.notes,
    }


@lru_cache(maxsize=1)
def inventory_summary() -> dict[str, Any]:
    """The bundled illustrative county inventory (示例数据)."""
    result = compute(read_inventory(example_inventory_path()))
    return summarise(result, example_inventory_path().name, result.input.is_example)


def compute_file(path: Path, name: str) -> tuple[dict[str, Any], dict[str, Observation] | None]:
    """An uploaded activity-data file: its summary and, when it has the base and a later year, the plan values."""
    result = compute(read_inventory(path))
    year = max(result.years)
    has_base = result.input.base_year in result.years and year != result.input.base_year
    observations = plan_observations(result, year) if has_base else None
    return summarise(result, name, result.input.is_example), observations
