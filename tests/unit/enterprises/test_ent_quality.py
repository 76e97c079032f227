"""Data-quality rules on one enterprise's energy readings."""

from __future__ import annotations

import pytest

from tanfeng.enterprises.quality import Reading, Rules, check, months_between, period_kind


def _year(fuel: str, unit: str, values: dict[int, float], year: int = 2024) -> list[Reading]:
    return [Reading(f"{year}-{m:02d}", fuel, v, unit) for m, v in values.items()]


def _steady(base: float = 100.0) -> dict[int, float]:
    # a little seasonal wobble, never beyond the outlier ratio
    return {m: base * (1 + 0.05 * ((m % 3) - 1)) for m in range(1, 13)}


def test_missing_month_and_tenfold_outlier_give_exactly_those_two_flags() -> None:
    coal = _steady(2000.0)
    del coal[5]
    coal[8] = coal[8] * 10
    readings = _year("bituminous", "吨", coal) + _year("electricity", "万千瓦时", {m: 300.0 for m in range(1, 13) if m != 5})
    flags = check(readings, last="2024-12")
    assert [(f.rule, f.period, f.fuel) for f in flags] == [
        ("completeness", "2024", ""), ("mom_outlier", "2024-08", "bituminous")]
    completeness, outlier = flags
    assert completeness.detail == ("2024-05",)
    assert completeness.numbers["present"] == 11 and completeness.numbers["expected"] == 12
    assert completeness.numbers["share"] == pytest.approx(11 / 12)
    assert outlier.numbers["ratio"] == pytest.approx(coal[8] / coal[7])
    assert outlier.numbers["reference"] == pytest.approx(coal[7])


def test_clean_data_has_no_flag() -> None:
    readings = [*_year("natural_gas", "万立方米", _steady(50.0)), Reading("2024", "natural_gas", sum(_steady(50.0).values()), "万立方米")]
    assert check(readings) == []


def test_a_lasting_change_of_level_is_flagged_once() -> None:
    values = {m: (100.0 if m < 7 else 500.0) for m in range(1, 13)}
    flags = check(_year("diesel", "吨", values))
    assert [(f.rule, f.period) for f in flags] == [("mom_outlier", "2024-07")]


def test_a_drop_is_an_outlier_too() -> None:
    values = {m: 100.0 for m in range(1, 13)}
    values[3] = 10.0
    assert [(f.rule, f.period) for f in check(_year("diesel", "吨", values))] == [("mom_outlier", "2024-03")]


def test_monthly_sum_against_the_annual_report() -> None:
    months = {m: 100.0 for m in range(1, 13)}
    readings = [*_year("coke", "吨", months), Reading("2024", "coke", 1380.0, "吨")]
    flags = check(readings)
    assert [f.rule for f in flags] == ["annual_mismatch"]
    assert flags[0].numbers["monthly_sum"] == pytest.approx(1200.0)
    assert flags[0].numbers["annual"] == pytest.approx(1380.0)
    assert flags[0].numbers["gap"] == pytest.approx(180 / 1380)
    # within the tolerance: no flag; a wider tolerance accepts the 13 % gap
    assert check([*_year("coke", "吨", months), Reading("2024", "coke", 1230.0, "吨")]) == []
    assert check(readings, Rules(annual_tolerance=0.2)) == []


def test_annual_report_in_another_unit_is_converted() -> None:
    months = {m: 100.0 for m in range(1, 13)}
    assert check([*_year("coke", "吨", months), Reading("2024", "coke", 0.12, "万吨")]) == []


def test_unit_errors_wrong_dimension_and_prefix_slip() -> None:
    months = {m: 300.0 for m in range(1, 13)}
    months[6] = 300.0 * 10000  # 千瓦时 entered as if 万千瓦时
    readings = [*_year("electricity", "万千瓦时", months), Reading("2024-04", "heat", 5.0, "吨")]
    flags = check(readings)
    assert [(f.rule, f.period, f.fuel) for f in flags] == [
        ("unit_error", "2024-04", "heat"), ("unit_error", "2024-06", "electricity")]
    assert flags[0].detail == ("吨", "GJ")
    assert flags[1].numbers["slip"] == 10000.0


def test_daily_readings_make_their_month_present() -> None:
    readings = _year("diesel", "吨", {m: 100.0 for m in range(1, 13) if m != 2})
    readings += [Reading(f"2024-02-{d:02d}", "diesel", 100.0 / 29, "吨") for d in range(1, 30)]
    assert check(readings) == []


def test_completeness_per_year_with_a_configurable_bar() -> None:
    readings = _year("diesel", "吨", {m: 100.0 for m in range(1, 13)}, 2023)
    readings += _year("diesel", "吨", {m: 100.0 for m in (1, 2, 3, 5, 6)}, 2024)
    flags = check(readings, last="2024-06")
    assert [(f.rule, f.period, f.detail) for f in flags] == [("completeness", "2024", ("2024-04",))]
    assert check(readings, Rules(completeness_min=0.8), last="2024-06") == []


def test_periods() -> None:
    assert months_between("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert [period_kind(p) for p in ("2024-03", "2024-03-31", "2024", "2024-13", "24-1")] == [
        "month", "day", "year", None, None]
