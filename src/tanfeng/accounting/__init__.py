"""Carbon accounting: a locality's greenhouse-gas inventory and the dual-control indicators.

Pure library (no database). From activity data (workbook or CSV) to traceable emission lines,
energy totals, and the plan's headline indicators:

>>> from tanfeng.accounting import example_inventory_path, read_inventory, compute, indicators
>>> result = compute(read_inventory(example_inventory_path()))
>>> round(indicators(result, 2024).energy_intensity_reduction_pct, 1) > 0
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tanfeng.accounting.activity import InventoryInput, InventoryInputError, Problem, validate
from tanfeng.accounting.factors import FactorFileError, FactorLibrary, gwp, library
from tanfeng.accounting.indicators import (
    CarbonScope,
    ElectricityMethod,
    IndicatorError,
    IndicatorOptions,
    Indicators,
    indicators,
)
from tanfeng.accounting.inventory import DEFAULT_GWP, compute
from tanfeng.accounting.observations import Observation, TargetMatch, match_targets, plan_observations
from tanfeng.accounting.readers import read_inventory
from tanfeng.accounting.results import EmissionLine, InventoryResult, YearResult
from tanfeng.accounting.template import write_template

__all__ = [
    "DEFAULT_GWP", "CarbonScope", "ElectricityMethod", "EmissionLine", "FactorFileError", "FactorLibrary",
    "IndicatorError", "IndicatorOptions", "Indicators", "InventoryInput", "InventoryInputError", "InventoryResult",
    "Observation", "Problem", "TargetMatch", "YearResult", "compute", "example_inventory_path", "gwp",
    "indicators", "library", "match_targets", "plan_observations", "read_inventory", "validate", "write_template",
]


def example_inventory_path() -> Path:
    """The bundled illustrative county activity data (示例数据, 上犹县 reference plan)."""
    return Path(str(resources.files("tanfeng").joinpath("data/examples/shangyou-xian-inventory-example.csv")))
