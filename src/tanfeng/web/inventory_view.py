"""The inventory page's data: the bundled illustrative county inventory (示例数据), computed by tanfeng.accounting."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tanfeng.accounting import compute, example_inventory_path, read_inventory
from tanfeng.accounting.results import SECTOR_ZH


@lru_cache(maxsize=1)
def inventory_summary() -> dict[str, Any]:
    """Net CO₂e per sector and year (t, with indirect electricity) and energy use, as plain data for tables and charts."""
    result = compute(read_inventory(example_inventory_path()))
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
        "source": example_inventory_path().name,
    }
