"""Reporting periods: a year (``2024``), a quarter (``2024Q1``) or a month (``2024M03`` / ``2024-03``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PERIOD = re.compile(
    r"^\s*(?P<year>\d{4})\s*(?:年)?\s*(?:(?:[Qq]|第)(?P<q>[1-4])(?:季度)?|[-Mm/.]?(?P<m>0?[1-9]|1[0-2])(?:月)?)?\s*$"
)


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

    def end_date(self) -> date:
        first_next = date(self.year + 1, 1, 1) if self.end_month == 12 else date(self.year, self.end_month + 1, 1)
        return first_next - timedelta(days=1)

    def is_closed(self, today: date, grace_days: int) -> bool:
        """A period is due once its end plus the reporting grace period has passed."""
        return today > self.end_date() + timedelta(days=grace_days)


def parse_period(text: str | int | float) -> Period | None:
    """``2024`` / ``2024年`` / ``2024Q2`` / ``2024年第2季度`` / ``2024-03`` / ``2024M03``; None if not a period."""
    if isinstance(text, float):
        if not text.is_integer():
            return None
        text = int(text)
    m = _PERIOD.match(str(text))
    if not m:
        return None
    year = int(m["year"])
    if m["q"]:
        return Period(year, int(m["q"]) * 3, "quarter")
    if m["m"]:
        return Period(year, int(m["m"]), "month")
    return Period(year, 12, "year")


def year_period(year: int) -> Period:
    return Period(year, 12, "year")
