"""Expected path from baseline to target.

Two shapes:

* ``linear`` — a level (森林覆盖率 81.8%, 可再生能源装机 50万千瓦): straight line from the
  baseline value to the target value.
* ``compound`` — a cumulative rate against a base year (单位GDP能耗较2020年下降13%): the
  tracked value is the cumulative change in percent (0 at the base year), and the expected
  path assumes the same rate every year, so after a fraction ``f`` of the period the
  expected cumulative reduction is ``1 − (1 − R)^f`` (``(1 + R)^f − 1`` for an increase).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise


class Shape(StrEnum):
    linear = "linear"
    compound = "compound"
    milestone = "milestone"  # no number to track (2030年前碳达峰)


class Direction(StrEnum):
    up = "up"  # higher is better
    down = "down"  # lower is better


RATE_CODES = frozenset({"energy_intensity", "carbon_intensity"})
LEVEL_CODES = frozenset({"non_fossil_share", "renewable_capacity", "forest_coverage", "forest_stock"})
MILESTONE_CODES = frozenset({"carbon_peak"})
PERCENT_UNITS = frozenset({"%", "％", "percent"})


def classify(
    code: str | None,
    change: str | None,
    unit: str | None,
    bound: str | None,
    baseline_year: int | None,
) -> tuple[Shape, Direction]:
    """Shape and direction of a target from its contract fields (code, change, unit, bound, base year)."""
    if code in MILESTONE_CODES:
        return Shape.milestone, Direction.down
    is_rate_change = change in ("decrease", "increase") and (unit is None or unit in PERCENT_UNITS)
    if code in RATE_CODES and (unit is None or unit in PERCENT_UNITS):
        # an intensity is always tracked as its cumulative reduction, even where a quota is deferred
        return Shape.compound, Direction.up
    if code not in LEVEL_CODES and is_rate_change and unit is not None and baseline_year is not None:
        return Shape.compound, Direction.up
    if bound == "max" or change == "decrease":
        return Shape.linear, Direction.down
    return Shape.linear, Direction.up


def target_reading(change: str | None, shape: str | None) -> str:
    """How a target reads, from the plan's own verb: ``decrease`` (下降13%), ``increase`` (提高) or ``level``.

    ``change`` is the target's field in the plan JSON (下降 / 提高 / 达到). A cumulative rate without a
    verb (a deferred quota: 完成省下达的能耗强度降低指标) is a reduction, as :class:`Trajectory` reads it.
    """
    if change in ("decrease", "increase"):
        return change
    return "decrease" if shape == Shape.compound.value else "level"


def value_reading(change: str | None, shape: str | None) -> str:
    """How a tracked *value* of the target reads: a cumulative rate as 下降8.2%, a level as the level itself."""
    return target_reading(change, shape) if shape == Shape.compound.value else "level"


@dataclass(frozen=True)
class Trajectory:
    """Baseline (year, value) → target (year, value). For ``compound`` the values are cumulative %.

    ``waypoints`` are earlier milestones of the same indicator (到2025年…, 到2030年…): the path
    passes through each of them, segment by segment.
    """

    shape: Shape
    direction: Direction
    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    reduction: bool = True  # compound only: cumulative reduction (下降) or increase (提高)
    waypoints: tuple[tuple[int, float], ...] = ()

    def points(self) -> list[tuple[int, float]]:
        inner = sorted(p for p in self.waypoints if self.baseline_year < p[0] < self.target_year)
        return [(self.baseline_year, self.baseline_value), *inner, (self.target_year, self.target_value)]

    def expected(self, year: float) -> float:
        """The value the path expects at ``year`` (clamped to the baseline and the target)."""
        segments = list(pairwise(self.points()))
        (y0, v0), (y1, v1) = next((seg for seg in segments if year <= seg[1][0]), segments[-1])
        f = 1.0 if y1 <= y0 else min(max((year - y0) / (y1 - y0), 0.0), 1.0)
        if self.shape is Shape.compound:
            # the remaining factor (1 − R) moves geometrically: the same yearly rate throughout a segment
            sign = -1.0 if self.reduction else 1.0
            start, end = 1.0 + sign * v0 / 100.0, 1.0 + sign * v1 / 100.0
            return sign * 100.0 * (start * (end / start) ** f - 1.0)
        return v0 + (v1 - v0) * f


def expected_value(trajectory: Trajectory, year: float) -> float:
    return trajectory.expected(year)


def cumulative_change(annual_rates: Iterable[float], reduction: bool = True) -> float:
    """Cumulative % change from yearly % rates (e.g. 能耗强度 fell 3%, 2.5%, 4% → 9.2% in all)."""
    factor = 1.0
    for rate in annual_rates:
        factor *= (1.0 - rate / 100.0) if reduction else (1.0 + rate / 100.0)
    return 100.0 * ((1.0 - factor) if reduction else (factor - 1.0))
