from __future__ import annotations

import pytest

from tanfeng.tracking.trajectory import Direction, Shape, Trajectory
from tanfeng.tracking.warnings import Level, Thresholds, assess

INTENSITY = Trajectory(Shape.compound, Direction.up, 2020, 0.0, 2025, 13.0)
FOREST = Trajectory(Shape.linear, Direction.up, 2020, 80.0, 2025, 81.8)
COAL = Trajectory(Shape.linear, Direction.down, 2020, 100.0, 2025, 90.0)  # 煤炭消费量控制在90万吨以内


def test_green_when_on_or_ahead_of_the_path() -> None:
    expected_2023 = INTENSITY.expected(2023)
    result = assess(INTENSITY, expected_2023 + 0.1, 2023)
    assert result.level is Level.green
    assert result.gap == pytest.approx(0.1)
    assert result.progress_ratio is not None and result.progress_ratio > 1


def test_yellow_when_behind_but_more_than_half_way() -> None:
    expected_2023 = INTENSITY.expected(2023)
    result = assess(INTENSITY, 0.8 * expected_2023, 2023)
    assert result.level is Level.yellow
    assert result.progress_ratio == pytest.approx(0.8)


def test_red_when_less_than_half_or_the_wrong_way() -> None:
    assert assess(INTENSITY, 0.3 * INTENSITY.expected(2023), 2023).level is Level.red
    # 不降反升: intensity rose since 2020 (negative cumulative reduction)
    assert assess(INTENSITY, -1.0, 2022).level is Level.red


def test_linear_levels_and_down_direction() -> None:
    assert assess(FOREST, 81.2, 2023).level is Level.green  # expected 81.08
    assert assess(FOREST, 80.8, 2023).level is Level.yellow  # ratio 0.74
    assert assess(FOREST, 79.9, 2023).level is Level.red
    assert assess(COAL, 93.0, 2023).level is Level.green  # expected 94 → lower is better
    assert assess(COAL, 95.0, 2023).level is Level.yellow
    assert assess(COAL, 101.0, 2023).level is Level.red


def test_target_already_reached_is_green() -> None:
    result = assess(FOREST, 82.0, 2021)
    assert result.level is Level.green and result.target_met


def test_thresholds_are_configurable() -> None:
    actual = 0.8 * INTENSITY.expected(2023)
    assert assess(INTENSITY, actual, 2023, Thresholds(green=0.75, red=0.5)).level is Level.green
    assert assess(INTENSITY, actual, 2023, Thresholds(green=1.0, red=0.9)).level is Level.red
    with pytest.raises(ValueError):
        Thresholds(green=0.5, red=0.8)


def test_a_value_equal_to_the_expected_one_as_shown_is_green() -> None:
    # a compound path expects 2.0308… one year in; 2.03 reported reads "2.03 vs 2.03" and must be green
    path = Trajectory(Shape.compound, Direction.up, 2020, 0.0, 2025, 9.75)
    expected = path.expected(2021)
    assert f"{expected:.2f}" == "2.03" and expected > 2.03
    result = assess(path, 2.03, 2021)
    assert result.progress_ratio is not None and result.progress_ratio < 1.0
    assert result.level is Level.green
    # one shown digit behind is not equal: yellow as before
    assert assess(path, 2.02, 2021).level is Level.yellow


def test_tolerance_follows_the_shown_precision_and_direction() -> None:
    down = Trajectory(Shape.linear, Direction.down, 2020, 100.0, 2030, 80.0)
    assert down.expected(2025) == 90.0
    assert assess(down, 90.004, 2025).level is Level.green  # shows as 90
    assert assess(down, 90.006, 2025).level is Level.yellow  # shows as 90.01, above the path
    assert assess(down, 90.006, 2025, Thresholds(digits=1)).level is Level.green
    # a target met as shown is met
    assert assess(down, 80.004, 2030).target_met


def test_tiny_values_are_judged_exactly() -> None:
    # below the shown precision every value rounds to 0: the exact ratio decides, not the rounding
    tiny = Trajectory(Shape.linear, Direction.down, 2020, 0.004, 2030, 0.002)
    assert assess(tiny, 0.004, 2025).level is Level.red
    assert assess(tiny, 0.003, 2025).level is Level.green
