"""Implementation tracking, pure: periods, expected trajectories between baseline and target, warnings.

No database here; the services feed these functions plain numbers.
"""

from tanfeng.tracking.periods import Period, parse_period
from tanfeng.tracking.trajectory import Direction, Shape, Trajectory, classify, expected_value
from tanfeng.tracking.warnings import Assessment, Level, Thresholds, assess

__all__ = [
    "Assessment", "Direction", "Level", "Period", "Shape", "Thresholds", "Trajectory",
    "assess", "classify", "expected_value", "parse_period",
]
