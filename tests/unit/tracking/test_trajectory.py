from __future__ import annotations

import math

import pytest

from tanfeng.tracking.periods import Period, parse_period
from tanfeng.tracking.trajectory import Direction, Shape, Trajectory, classify, cumulative_change


def test_linear_path_is_straight_between_baseline_and_target() -> None:
    path = Trajectory(Shape.linear, Direction.up, 2020, 80.0, 2025, 81.8)
    assert path.expected(2020) == pytest.approx(80.0)
    assert path.expected(2023) == pytest.approx(80.0 + 1.8 * 3 / 5)
    assert path.expected(2025) == pytest.approx(81.8)
    assert path.expected(2019) == pytest.approx(80.0)  # clamped before the base year
    assert path.expected(2028) == pytest.approx(81.8)  # the target holds after its year


def test_compound_path_assumes_the_same_rate_every_year() -> None:
    path = Trajectory(Shape.compound, Direction.up, 2020, 0.0, 2025, 13.0)
    annual = 1 - (1 - 0.13) ** (1 / 5)
    assert path.expected(2021) == pytest.approx(100 * annual)
    assert path.expected(2023) == pytest.approx(100 * (1 - (1 - annual) ** 3))
    assert path.expected(2025) == pytest.approx(13.0)
    # a compound path asks for less by mid-period than a straight line would
    assert path.expected(2023) > 13.0 * 3 / 5
    # and an increase compounds the other way
    up = Trajectory(Shape.compound, Direction.up, 2020, 0.0, 2030, 50.0, reduction=False)
    assert up.expected(2025) == pytest.approx(100 * (math.sqrt(1.5) - 1))


def test_cumulative_change_from_annual_rates() -> None:
    assert cumulative_change([3.0, 2.5, 4.0]) == pytest.approx(100 * (1 - 0.97 * 0.975 * 0.96))
    assert cumulative_change([10.0, 10.0], reduction=False) == pytest.approx(21.0)


@pytest.mark.parametrize(
    ("code", "change", "unit", "bound", "base", "expected"),
    [
        ("energy_intensity", "decrease", "%", None, 2020, (Shape.compound, Direction.up)),
        ("carbon_intensity", "decrease", None, None, None, (Shape.compound, Direction.up)),  # quota-deferred
        ("non_fossil_share", "level", "%", None, None, (Shape.linear, Direction.up)),
        ("forest_coverage", "increase", "%", None, None, (Shape.linear, Direction.up)),
        ("renewable_capacity", "level", "万千瓦", None, None, (Shape.linear, Direction.up)),
        (None, "decrease", "%", None, 2020, (Shape.compound, Direction.up)),  # 较2020年下降x%
        (None, "decrease", "万吨标准煤", None, None, (Shape.linear, Direction.down)),
        (None, "level", "万吨", "max", None, (Shape.linear, Direction.down)),  # 控制在…以内
        ("carbon_peak", None, None, None, None, (Shape.milestone, Direction.down)),
    ],
)
def test_classify_shape_and_direction(code, change, unit, bound, base, expected) -> None:  # type: ignore[no-untyped-def]
    assert classify(code, change, unit, bound, base) == expected


@pytest.mark.parametrize(
    ("text", "label", "as_year"),
    [("2024", "2024", 2024.0), ("2024年", "2024", 2024.0), ("2024Q1", "2024Q1", 2023.25),
     ("2024年第2季度", "2024Q2", 2023.5), ("2024-03", "2024M03", 2023.25), ("2024M12", "2024M12", 2024.0),
     (2024, "2024", 2024.0), (2024.0, "2024", 2024.0)],
)
def test_parse_period(text: str, label: str, as_year: float) -> None:
    period = parse_period(text)
    assert period is not None
    assert period.label == label
    assert period.as_year == pytest.approx(as_year)


@pytest.mark.parametrize("text", ["", "24", "2024Q5", "2024-13", "明年", 2024.5])
def test_parse_period_rejects_non_periods(text: str) -> None:
    assert parse_period(text) is None


def test_period_closes_after_grace() -> None:
    from datetime import date

    p = Period(2024, 12, "year")
    assert not p.is_closed(date(2025, 3, 1), grace_days=90)
    assert p.is_closed(date(2025, 4, 1), grace_days=90)


def test_deferred_intensity_is_compound_whatever_the_verb() -> None:
    assert classify("carbon_intensity", "level", None, None, None) == (Shape.compound, Direction.up)
    assert classify("energy_intensity", "decrease", "吨标准煤/万元", None, None) == (Shape.linear, Direction.down)


def test_path_passes_through_earlier_milestones() -> None:
    # 再生资源循环利用量: 2020 base 9, 11.85 by 2025, 13.5 by 2030
    path = Trajectory(Shape.linear, Direction.up, 2020, 9.0, 2030, 13.5, waypoints=((2025, 11.85),))
    assert path.expected(2025) == pytest.approx(11.85)
    assert path.expected(2023) == pytest.approx(9.0 + 2.85 * 3 / 5)
    assert path.expected(2028) == pytest.approx(11.85 + 1.65 * 3 / 5)
    # compound: 13% by 2025, 20% by 2030 → between them the same yearly rate takes 0.87 to 0.80
    rate = Trajectory(Shape.compound, Direction.up, 2020, 0.0, 2030, 20.0, waypoints=((2025, 13.0),))
    assert rate.expected(2025) == pytest.approx(13.0)
    assert rate.expected(2027) == pytest.approx(100 * (1 - 0.87 * (0.80 / 0.87) ** 0.4))
    assert rate.expected(2022) == pytest.approx(100 * (1 - 0.87 ** 0.4))
    # waypoints outside (baseline, target) are ignored
    same = Trajectory(Shape.linear, Direction.up, 2020, 9.0, 2025, 11.85, waypoints=((2030, 13.5), (2020, 1.0)))
    assert same.expected(2023) == pytest.approx(9.0 + 2.85 * 3 / 5)
