"""Three-level warnings in the manner of the national 能耗双控晴雨表 (green / yellow / red).

The *progress ratio* is the progress achieved since the baseline divided by the progress the
expected path requires by the same date (both measured in the good direction):

* green  (进展顺利)    ratio ≥ ``Thresholds.green`` (default 1.0: on or ahead of the path),
                       or the target value is already reached;
* yellow (比较严峻)    ``Thresholds.red`` ≤ ratio < ``Thresholds.green``;
* red    (十分严峻)    ratio < ``Thresholds.red`` (default 0.5) — this includes moving the wrong
                       way since the baseline (不降反升), the 晴雨表's own red criterion.

Set the thresholds with ``TANFENG_WARN_GREEN`` / ``TANFENG_WARN_RED`` or ``tanfeng status
--green/--red``.

Values are compared as people read them: rounded half up to ``Thresholds.digits`` decimals (the
precision the web, Excel and Word show, :mod:`tanfeng.formatting`). The expected value is computed to
full float precision (a compound path gives 2.0308…), while a reported value is entered to two
decimals; without the tolerance a report of 2.03 against an expected 2.03 (ratio 0.9996) would be
yellow although the page shows the two numbers equal. So an actual value that equals or passes the
expected one *as shown* is on the path (green), and one that equals the target as shown meets it. The
tolerance is never more than 1 % of the whole way from baseline to target, so an indicator too small for
the shown precision (0.004 → 0.002) is still judged exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tanfeng.formatting import round_half_up
from tanfeng.tracking.trajectory import Direction, Trajectory


class Level(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"
    none = "none"  # nothing to judge yet (no value, no baseline, quota not set)


LEVEL_LABELS = {
    Level.green: "绿色（进展顺利）",
    Level.yellow: "黄色（形势比较严峻）",
    Level.red: "红色（形势十分严峻）",
    Level.none: "—（无法评估）",
}


@dataclass(frozen=True)
class Thresholds:
    green: float = 1.0
    red: float = 0.5
    digits: int = 2  # the shown precision: values equal at this precision count as equal (see the module doc)

    def __post_init__(self) -> None:
        if self.red > self.green:
            raise ValueError(f"red threshold {self.red} above green threshold {self.green}")


@dataclass(frozen=True)
class Assessment:
    expected: float
    gap: float  # actual − expected, in the indicator's unit
    progress_ratio: float | None
    level: Level
    target_met: bool


def assess(trajectory: Trajectory, actual: float, year: float, thresholds: Thresholds | None = None) -> Assessment:
    """Judge ``actual`` observed at ``year`` against the expected path."""
    thresholds = thresholds or Thresholds()
    sign = 1.0 if trajectory.direction is Direction.up else -1.0
    expected = trajectory.expected(year)
    achieved = sign * (actual - trajectory.baseline_value)
    required = sign * (expected - trajectory.baseline_value)
    # never more than 1 % of the whole way: indicators too small for the shown precision are judged exactly
    cap = TOLERANCE_SHARE * abs(trajectory.target_value - trajectory.baseline_value)
    target_met = _reaches(actual, trajectory.target_value, sign, thresholds.digits, cap)
    on_path = _reaches(actual, expected, sign, thresholds.digits, cap)
    ratio = achieved / required if required > 1e-12 else None
    if target_met:
        level = Level.green
    elif ratio is None:
        # No progress required yet (at the base year, or a 'hold the level' target).
        level = Level.green if on_path else Level.red
    elif ratio >= thresholds.green or (on_path and thresholds.green <= 1.0):
        level = Level.green
    elif ratio < thresholds.red:
        level = Level.red
    else:
        level = Level.yellow
    return Assessment(expected, actual - expected, ratio, level, target_met)


TOLERANCE_SHARE = 0.01


def _reaches(actual: float, goal: float, sign: float, digits: int, cap: float) -> bool:
    """``actual`` is at or beyond ``goal`` in the good direction: exactly, or as shown (both rounded 四舍五入)
    when the difference is within ``cap``."""
    if sign * (actual - goal) >= 0:
        return True
    shown = sign * float(round_half_up(actual, digits) - round_half_up(goal, digits)) >= 0
    return shown and abs(actual - goal) <= cap
