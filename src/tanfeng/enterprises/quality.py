"""Data-quality rules for an enterprise's energy data, after the key-energy-user monitoring practice.

Four rules, each flag carrying the rule id and the numbers behind it so the office can judge it:

- ``completeness``: share of the expected months that have data (one flag per year below the bar);
- ``annual_mismatch``: the twelve monthly figures of a fuel do not add up to the annual statement;
- ``mom_outlier``: a month differs from the last accepted month of the same fuel by more than a ratio
  (a one-month spike is flagged once, and a lasting change of level only at its first month);
- ``unit_error``: a unit that does not measure the fuel (吨 of electricity), or a figure off the fuel's
  median by about 10³ or 10⁴ (千克 written as 吨, 千瓦时 as 万千瓦时).

Daily readings are summed into their month; a monthly figure for the same month wins over them.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import to_base

RULES: tuple[str, ...] = ("completeness", "annual_mismatch", "mom_outlier", "unit_error")
RULE_ZH: dict[str, str] = {
    "completeness": "数据完整性", "annual_mismatch": "月度合计与年报不符", "mom_outlier": "环比异常",
    "unit_error": "计量单位错误",
}
RULE_EN: dict[str, str] = {
    "completeness": "completeness", "annual_mismatch": "monthly sum vs annual report",
    "mom_outlier": "month-on-month outlier", "unit_error": "unit error",
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
# the usual slips of a unit's prefix: 千克↔吨, 千瓦时↔万千瓦时, 立方米↔万立方米
UNIT_SLIPS: tuple[float, ...] = (1000.0, 10000.0)


@dataclass(frozen=True, slots=True)
class Reading:
    """One stored figure: period ``YYYY-MM`` | ``YYYY-MM-DD`` | ``YYYY`` (annual statement)."""

    period: str
    fuel: str  # fuel code of tanfeng.accounting.vocab
    quantity: float
    unit: str


@dataclass(frozen=True, slots=True)
class Rules:
    """Thresholds; defaults follow common monitoring-platform practice and are configurable."""

    completeness_min: float = 1.0  # share of expected months required
    annual_tolerance: float = 0.05  # relative gap allowed between the monthly sum and the annual report
    outlier_ratio: float = 3.0  # month vs last accepted month, either direction
    slip_tolerance: float = 0.25  # how close to 10³/10⁴ × the median counts as a unit slip


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    period: str  # the month, or the year for completeness / annual_mismatch
    fuel: str  # "" for completeness (all fuels)
    numbers: dict[str, float] = field(default_factory=dict)
    detail: tuple[str, ...] = ()  # e.g. the missing months

    @property
    def rule_zh(self) -> str:
        return RULE_ZH[self.rule]

    @property
    def rule_en(self) -> str:
        return RULE_EN[self.rule]

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "period": self.period, "fuel": self.fuel, "numbers": dict(self.numbers),
                "detail": list(self.detail)}


def months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive."""
    y, m = (int(x) for x in first.split("-"))
    y2, m2 = (int(x) for x in last.split("-"))
    out: list[str] = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def period_kind(period: str) -> str | None:
    """``month``, ``day``, ``year`` or None for a malformed period."""
    for kind, rx in (("month", _MONTH), ("day", _DAY), ("year", _YEAR)):
        match = rx.match(period)
        if match:
            parts = [int(g) for g in match.groups()]
            if kind != "year" and not 1 <= parts[1] <= 12:
                return None
            if kind == "day" and not 1 <= parts[2] <= 31:
                return None
            return kind
    return None


def fuel_code(text: str) -> str | None:
    """The fuel code of a name as written (代码、中文名或别名)."""
    return vocab.lookup(vocab.FUELS, text)


def in_base(reading: Reading) -> float | None:
    """The reading in its fuel's base unit, or None when the unit does not measure the fuel."""
    fuel = vocab.FUELS_BY_CODE.get(reading.fuel)
    if fuel is None:
        return None
    try:
        return to_base(reading.quantity, reading.unit, fuel.base_unit)
    except ValueError:
        return None


def check(readings: Iterable[Reading], rules: Rules | None = None, *, first: str | None = None,
          last: str | None = None) -> list[Flag]:
    """Every flag of one enterprise's readings, in rule order then period order.

    ``first``/``last`` (``YYYY-MM``) bound the expected months; by default from January of the first
    year with data to the latest month with data.
    """
    rules = rules or Rules()
    flags: list[Flag] = []
    monthly: dict[str, dict[str, float]] = defaultdict(dict)  # fuel → month → base-unit value
    daily: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    annual: dict[str, dict[str, float]] = defaultdict(dict)
    for r in readings:
        kind = period_kind(r.period)
        value = in_base(r)
        if value is None:
            spec = vocab.FUELS_BY_CODE.get(r.fuel)
            flags.append(Flag("unit_error", r.period, r.fuel, {"quantity": r.quantity},
                              (r.unit, spec.base_unit if spec else "")))
            continue
        if kind == "month":
            monthly[r.fuel][r.period] = value
        elif kind == "day":
            daily[r.fuel][r.period[:7]] += value
        elif kind == "year":
            annual[r.fuel][r.period] = value
    for fuel, months in daily.items():
        for month, total in months.items():
            monthly[fuel].setdefault(month, total)
    present = sorted({m for months in monthly.values() for m in months})
    if present or first:
        start = first or f"{present[0][:4]}-01"
        end = last or (present[-1] if present else start)
        flags += _completeness(set(present), months_between(start, end), rules)
    for fuel in sorted(monthly):
        series = sorted(monthly[fuel].items())
        slips = _slips(fuel, series, rules)
        flags += slips
        slipped = {f.period for f in slips}
        flags += _outliers(fuel, [(p, v) for p, v in series if p not in slipped], rules)
        for year, stated in sorted(annual.get(fuel, {}).items()):
            months = {p: v for p, v in series if p.startswith(year + "-")}
            if len(months) == 12 and not slipped & set(months):
                flags += _annual(fuel, year, sum(months.values()), stated, rules)
    order = {r: i for i, r in enumerate(RULES)}
    return sorted(flags, key=lambda f: (order[f.rule], f.period, f.fuel))


def _completeness(present: set[str], expected: Sequence[str], rules: Rules) -> list[Flag]:
    out: list[Flag] = []
    by_year: dict[str, list[str]] = defaultdict(list)
    for m in expected:
        by_year[m[:4]].append(m)
    for year, months in sorted(by_year.items()):
        have = [m for m in months if m in present]
        share = len(have) / len(months)
        if share < rules.completeness_min:
            missing = tuple(m for m in months if m not in present)
            out.append(Flag("completeness", year, "", {"expected": len(months), "present": len(have),
                                                       "share": share, "required": rules.completeness_min}, missing))
    return out


def _ratio(a: float, b: float) -> float:
    return max(a / b, b / a)


def _slips(fuel: str, series: list[tuple[str, float]], rules: Rules) -> list[Flag]:
    values = [v for _, v in series if v > 0]
    if len(values) < 3:
        return []
    median = statistics.median(values)
    out: list[Flag] = []
    for period, value in series:
        if value <= 0:
            continue
        ratio = _ratio(value, median)
        for slip in UNIT_SLIPS:
            if abs(ratio / slip - 1.0) <= rules.slip_tolerance:
                out.append(Flag("unit_error", period, fuel, {"value": value, "median": median, "ratio": ratio,
                                                             "slip": slip}))
                break
    return out


def _outliers(fuel: str, series: list[tuple[str, float]], rules: Rules) -> list[Flag]:
    out: list[Flag] = []
    ref: float | None = None
    pending: float | None = None  # last flagged value: a second month at its level confirms a change of level
    for period, value in series:
        if value <= 0:
            continue  # a month without use is not compared (seasonal fuels)
        if ref is None:
            ref = value
            continue
        ratio = _ratio(value, ref)
        if ratio > rules.outlier_ratio:
            if pending is not None and _ratio(value, pending) <= rules.outlier_ratio:
                ref, pending = value, None
                continue
            out.append(Flag("mom_outlier", period, fuel, {"value": value, "reference": ref, "ratio": ratio,
                                                          "threshold": rules.outlier_ratio}))
            pending = value
            continue
        ref, pending = value, None
    return out


def _annual(fuel: str, year: str, monthly_sum: float, stated: float, rules: Rules) -> list[Flag]:
    gap = (0.0 if monthly_sum == 0 else float("inf")) if stated == 0 else abs(monthly_sum - stated) / abs(stated)
    if gap <= rules.annual_tolerance:
        return []
    return [Flag("annual_mismatch", year, fuel, {"monthly_sum": monthly_sum, "annual": stated, "gap": gap,
                                                 "tolerance": rules.annual_tolerance})]
