"""Reporting periods: a year (``2024``), a quarter (``2024Q1``) or a month (``2024M03`` / ``2024-03``), strictly."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

# One grammar, whole string only (after NFKC, so full-width digits count, and with spaces removed):
#   year     2024 · 2024年 · 2024年度
#   quarter  2024Q1 · 2024-Q1 · 2024年Q1 · 2024年第1季度 · 2024年一季度 · 2024第一季度
#   month    2024-03 · 2024-3 · 2024/03 · 2024M03 · 2024年3月 · 2024年03月 · 2024年三月 · 2024年十二月份
# Anything else is not a period: "20245", "202403", "2024.5", "2024.05", "24", "2024Q5", "2024-13".
_YEAR = r"(?P<year>\d{4})"
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
       "十二": 12}
_GRAMMAR = [
    ("year", re.compile(rf"{_YEAR}(?:年度?)?")),
    ("quarter", re.compile(rf"{_YEAR}(?:年|-)?[Qq](?P<n>[1-4])")),
    ("quarter", re.compile(rf"{_YEAR}年?第?(?P<n>[1-4一二三四])季度")),
    ("month", re.compile(rf"{_YEAR}(?:-|/|[Mm])(?P<n>0?[1-9]|1[0-2])")),
    ("month", re.compile(rf"{_YEAR}年(?P<n>0?[1-9]|1[0-2]|十[一二]|[一二三四五六七八九十])月份?")),
]
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True, order=True)
class Period:
    """A period ends at the last day of ``end_month`` of ``year``; ``kind`` is year|quarter|month."""

    year: int
    end_month: int
    kind: str

    @property
    def key(self) -> int:
        """Sortable integer: year * 100 + last month."""
        return self.year * 100 + self.end_month

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return f"{self.year}Q{self.end_month // 3}"
        return f"{self.year}M{self.end_month:02d}"

    @property
    def as_year(self) -> float:
        """Position on the year axis: a year's value sits at the year itself (end of year)."""
        return self.year + (self.end_month - 12) / 12

    def start_date(self) -> date:
        months = {"year": 12, "quarter": 3, "month": 1}[self.kind]
        return date(self.year, self.end_month - months + 1, 1)

    def end_date(self) -> date:
        first_next = date(self.year + 1, 1, 1) if self.end_month == 12 else date(self.year, self.end_month + 1, 1)
        return first_next - timedelta(days=1)

    def is_closed(self, today: date, grace_days: int) -> bool:
        """A period is due once its end plus the reporting grace period has passed."""
        return today > self.end_date() + timedelta(days=grace_days)


def parse_period(text: str | int | float) -> Period | None:
    """A period in the one grammar above (or a whole-number year as a number); None if not a period."""
    if isinstance(text, bool):
        return None
    if isinstance(text, float):
        if not text.is_integer():
            return None
        text = int(text)
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    for kind, pattern in _GRAMMAR:
        m = pattern.fullmatch(compact)
        if m is None:
            continue
        year = int(m["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        if kind == "year":
            return Period(year, 12, "year")
        n = int(m["n"]) if m["n"].isdigit() else _CN[m["n"]]
        return Period(year, n * 3, "quarter") if kind == "quarter" else Period(year, n, "month")
    return None


def year_period(year: int) -> Period:
    return Period(year, 12, "year")
