"""The one period grammar: every accepted spelling, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from tanfeng.tracking.periods import parse_period


@pytest.mark.parametrize(("text", "label"), [
    ("2024", "2024"), ("2024年", "2024"), ("2024年度", "2024"), (" 2024 ", "2024"), ("２０２４", "2024"),
    ("2024Q1", "2024Q1"), ("2024q3", "2024Q3"), ("2024-Q2", "2024Q2"), ("2024年Q4", "2024Q4"),
    ("2024年第1季度", "2024Q1"), ("2024年第一季度", "2024Q1"), ("2024年一季度", "2024Q1"), ("2024第三季度", "2024Q3"),
    ("2024年 第四季度", "2024Q4"),
    ("2024-03", "2024M03"), ("2024-3", "2024M03"), ("2024/11", "2024M11"), ("2024M03", "2024M03"),
    ("2024年3月", "2024M03"), ("2024年03月", "2024M03"), ("2024年三月", "2024M03"), ("2024年十二月", "2024M12"),
    ("2024年十一月份", "2024M11"), ("２０２４年３月", "2024M03"),
    (2024, "2024"), (2024.0, "2024"),
])
def test_accepted_spellings(text: str | int | float, label: str) -> None:
    period = parse_period(text)
    assert period is not None and period.label == label


@pytest.mark.parametrize("text", [
    "20245", "2024.5", 2024.5, "2024.05", "202403", "abc", "", "24", "2024Q5", "2024Q0", "2024-13", "2024-00",
    "2024年十三月", "2024年第五季度", "2024年上半年", "2024-03-01", "2024年3月5日", "1800", "9999", "明年", True,
    "2024\u200b", "2024Q1Q2",
])
def test_everything_else_is_refused(text: str | int | float) -> None:
    assert parse_period(text) is None


def test_start_dates() -> None:
    assert parse_period("2024").start_date() == date(2024, 1, 1)  # type: ignore[union-attr]
    assert parse_period("2024Q3").start_date() == date(2024, 7, 1)  # type: ignore[union-attr]
    assert parse_period("2024-11").start_date() == date(2024, 11, 1)  # type: ignore[union-attr]
