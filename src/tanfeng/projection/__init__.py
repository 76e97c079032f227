"""Peak projection: scenarios of a driver model, peak year, plan indicators, LMDI, Monte Carlo.

>>> from tanfeng import projection
>>> scn = projection.load(projection.example_scenarios_path())      # doctest: +SKIP
>>> p = projection.project(scn, "policy")                            # doctest: +SKIP
>>> p.peak.year, projection.simulate(scn, "policy", 10_000, seed=1).p_peak_by   # doctest: +SKIP
"""

from __future__ import annotations

from tanfeng.projection.baseyear import (
    BaseYear,
    BaseYearSource,
    EnergyUse,
    Factor,
    Fuel,
    Item,
    Sector,
    base_year_from_source,
)
from tanfeng.projection.decompose import Decomposition, compare, decompose
from tanfeng.projection.errors import ProjectionError, ScenarioError
from tanfeng.projection.indicators import TargetCheck, check_targets, indicator_series
from tanfeng.projection.montecarlo import MonteCarloResult, simulate
from tanfeng.projection.project import Peak, Projection, project, project_all
from tanfeng.projection.scenarios import Scenario, ScenarioSet, example_scenarios_path, load, loads

__all__ = [
    "BaseYear", "BaseYearSource", "Decomposition", "EnergyUse", "Factor", "Fuel", "Item", "MonteCarloResult",
    "Peak", "Projection", "ProjectionError", "Scenario", "ScenarioError", "ScenarioSet", "Sector", "TargetCheck",
    "base_year_from_source", "check_targets", "compare", "decompose", "example_scenarios_path", "indicator_series", "load",
    "loads", "project", "project_all", "simulate",
]
