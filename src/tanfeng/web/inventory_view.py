"""The inventory page's data, computed by tanfeng.accounting: the bundled illustrative county (示例数据) or an uploaded file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from tanfeng.accounting import compute, example_inventory_path, plan_observations, read_inventory
from tanfeng.accounting.observations import Observation
from tanfeng.accounting.results import SUMMARY_SECTOR_KEYS, InventoryResult


def summarise(result: InventoryResult, source: str, example: bool) -> dict[str, Any]:
    """The inventory's headline rows (万吨, the same labels and numbers as the CLI and the report) and
    energy use, as plain data for the table and the chart."""
    years = sorted(result.years)
    rows = [{"key": k, "name": zh, "name_en": en, "values": [v / 1e4 for v in vals],
             "sector": k in SUMMARY_SECTOR_KEYS} for k, zh, en, vals in result.summary()]
    return {
        "years": years, "gwp": result.gwp_metric, "factor_sets": result.factor_sets,
        "rows": rows, "sectors": [r for r in rows if r["sector"]],
        "energy_tce": [result.years[y].balance.total_eq_tce / 1e4 for y in years],
        "source": source, "example": example, "notes": result.notes, "warnings": result.warnings,
        "evidence": result.evidence_counts(),
    }


@lru_cache(maxsize=1)
def inventory_summary() -> dict[str, Any]:
    """The bundled illustrative county inventory (示例数据)."""
    result = compute(read_inventory(example_inventory_path()))
    return summarise(result, example_inventory_path().name, result.input.is_example)


def compute_file(path: Path, name: str, fallback: str | None = None) -> tuple[dict[str, Any], dict[str, Observation] | None]:
    """An uploaded activity-data file: its summary and, when it has the base and a later year, the plan values.

    ``fallback`` names a set allowed to fill a parameter a fuel's set lacks (each such line is a warning)."""
    result = compute(read_inventory(path), fallback=fallback)
    year = max(result.years)
    has_base = result.input.base_year in result.years and year != result.input.base_year
    observations = plan_observations(result, year) if has_base else None
    return summarise(result, name, result.input.is_example), observations
