"""The entry checks by kind of value (tracking.entry): kinds from the indicator's data, bounds, jumps."""

from __future__ import annotations

import pytest

from tanfeng.tracking.entry import EntryRules, ValueKind, basis_of, basis_text, check_value, is_count_unit
from tanfeng.tracking.periods import Period, parse_period


def _period(label: str) -> Period:
    period = parse_period(label)
    assert period is not None
    return period


@pytest.mark.parametrize(("shape", "unit", "changes", "kind"), [
    ("compound", "%", ["decrease"], ValueKind.cumulative),
    ("linear", "%", ["level"], ValueKind.share),
    ("linear", "％", [None], ValueKind.share),
    ("linear", "%", ["decrease"], ValueKind.rate),
    ("linear", "个", ["level"], ValueKind.counted),
    ("linear", "座", ["level"], ValueKind.counted),
    ("linear", "台", ["level"], ValueKind.counted),
    ("linear", "万个", ["level"], ValueKind.level),
    ("linear", "万辆", ["level"], ValueKind.level),
    ("linear", "万千瓦", ["level"], ValueKind.level),
    ("linear", None, ["level"], ValueKind.level),
])
def test_the_kind_follows_from_shape_unit_and_change(shape: str, unit: str | None, changes: list[str | None],
                                                     kind: ValueKind) -> None:
    assert basis_of(shape, unit, changes, 2020, None).kind is kind


def test_counts_in_ten_thousands_are_not_whole_numbers() -> None:
    assert is_count_unit("辆") and is_count_unit("人") and not is_count_unit("万人") and not is_count_unit("%")


def test_bounds_by_kind() -> None:
    year = _period("2024")
    share = basis_of("linear", "%", ["level"], 2020, 30)
    assert [p.code for p in check_value(share, 150, year, previous=None, note=None)] == ["share"]
    assert [p.code for p in check_value(share, -3, year, previous=None, note=None)] == ["share"]
    assert check_value(share, 100, year, previous=None, note=None) == []
    count = basis_of("linear", "个", ["level"], 2020, None)
    assert check_value(count, 8.24, year, previous=None, note=None)[0].zh == "以个计的数量应为整数（填了8.24）"
    assert check_value(count, 8.0, year, previous=None, note=None) == []
    capacity = basis_of("linear", "万千瓦", ["level"], 2020, 20)
    assert [p.code for p in check_value(capacity, -1, year, previous=None, note=None)] == ["negative"]


def test_a_cumulative_reduction_stays_plausible() -> None:
    basis = basis_of("compound", "%", ["decrease"], 2020, None)
    year = _period("2024")
    assert [p.code for p in check_value(basis, 100, year, previous=None, note=None)] == ["rate"]
    # 60 % in four years is 20.5 % a year; 50 % is 15.9 % a year
    assert [p.code for p in check_value(basis, 60, year, previous=None, note=None)] == ["implausible_rate"]
    assert check_value(basis, 50, year, previous=None, note=None) == []
    assert check_value(basis, 50, year, previous=None, note=None, rules=EntryRules(max_yearly_rate=10))


def test_a_jump_needs_a_note_measured_on_the_underlying_quantity() -> None:
    level = basis_of("linear", "万千瓦", ["level"], 2020, 20)
    year = _period("2024")
    jump = check_value(level, 40, year, previous=("2023", 20), note=None)
    assert [p.code for p in jump] == ["jump"] and jump[0].needs_note and "+100%" in jump[0].zh
    assert check_value(level, 40, year, previous=("2023", 20), note="新并网电站") == []
    assert check_value(level, 25, year, previous=("2023", 20), note=None) == []
    assert check_value(level, 40, year, previous=("2023", 20), note=None, rules=EntryRules(jump_limit=150)) == []
    cumulative = basis_of("compound", "%", ["decrease"], 2020, None)
    # 5 % → 10 % cumulative: the intensity fell 5.3 % in the year (fine); 5 % → 45 %: it fell 42 %
    assert check_value(cumulative, 10, year, previous=("2023", 5), note=None) == []
    assert [p.code for p in check_value(cumulative, 45, year, previous=("2023", 5), note=None)] == ["jump"]


def test_the_basis_is_said_in_one_language() -> None:
    basis = basis_of("compound", "%", ["increase"], 2005, None)
    assert basis_text(basis, "zh").startswith("较2005年累计提高的百分比")
    english = basis_text(basis, "en")
    assert english.startswith("Cumulative % increase against 2005") and not any("\u4e00" <= c <= "\u9fff" for c in english)
