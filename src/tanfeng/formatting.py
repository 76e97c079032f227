"""How a person reads numbers and times: one formatter for the web, Excel and Word.

Numbers are rounded half up (四舍五入, with :mod:`decimal` on the number as written, so 0.125 → 0.13
and 2.675 → 2.68, never the binary float's half-to-even), shown with thousands separators and without
trailing zeros. Times are shown in the office's time zone (``TANFENG_TIMEZONE``, default
Asia/Shanghai), whatever the server's zone is.

>>> format_number(1101.72)
'1,101.72'
>>> format_number(0.125)
'0.13'
>>> format_quantity(47, "万吨")
'47万吨'
>>> format_reduction(13, 13.5)
'下降13%（力争13.5%）'
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
DASH = "—"
# Units written straight after the number in Chinese (47万吨, 13%); others get a thin gap (5 km).
_TIGHT_UNITS = ("%", "‰", "℃", "°")

Number = int | float | Decimal


def round_half_up(value: Number, digits: int = 2) -> Decimal:
    """``value`` rounded to ``digits`` decimals, halves away from zero (四舍五入)."""
    # str() of a float is its shortest round-tripping form: 0.125 stays 0.125, not 0.12499…
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_number(value: Number | None, digits: int = 2, *, thousands: bool = True, fixed: bool = False) -> str:
    """A number as officials write it: ``digits`` decimals at most (四舍五入), 1,234 separators; None → —.

    ``fixed`` keeps trailing zeros (12.50); by default they are dropped (12.5).
    """
    if value is None or isinstance(value, bool):
        return DASH if value is None else str(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return DASH
    try:
        rounded = round_half_up(value, digits)
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{rounded:,.{digits}f}" if thousands else f"{rounded:.{digits}f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_quantity(value: Number | None, unit: str | None, digits: int = 2, lang: str = "zh") -> str:
    """A number with its unit, as written in Chinese prose: 47万吨, 13%, 1,101.72万立方米; English: 13 %, 5 km."""
    number = format_number(value, digits)
    if value is None or not unit:
        return number
    if lang != "en" and (unit.startswith(_TIGHT_UNITS) or any("\u4e00" <= ch <= "\u9fff" for ch in unit[:1])):
        return f"{number}{unit}"
    return f"{number} {unit}"


# How a target reads (tanfeng.tracking.trajectory.target_reading): the verb before its number.
CHANGE_WORDS = {"decrease": ("下降", "down"), "increase": ("提高", "up")}


def format_target(value: Number | None, stretch: Number | None, unit: str | None, *, change: str = "level",
                  lang: str = "zh") -> str:
    """A target with its stretch value (力争), read the right way round.

    ``change`` is the target's reading: ``decrease`` → 下降13%（力争13.5%） / down 13 % (stretch 13.5 %),
    ``increase`` → 提高…, ``level`` → 50万千瓦（力争55万千瓦）.
    """
    if value is None:
        return DASH
    verb = CHANGE_WORDS.get(change, ("", ""))[1 if lang == "en" else 0]
    main = format_quantity(value, unit, lang=lang)
    if lang == "en":
        text = f"{verb} {main}" if verb else main
        return text + (f" (stretch {format_quantity(stretch, unit, lang=lang)})" if stretch is not None else "")
    return verb + main + (f"（力争{format_quantity(stretch, unit)}）" if stretch is not None else "")


def format_reduction(value: Number | None, stretch: Number | None = None, unit: str | None = "%",
                     lang: str = "zh") -> str:
    """A reduction target: 下降13%（力争13.5%） / down 13 % (stretch 13.5 %)."""
    return format_target(value, stretch, unit, change="decrease", lang=lang)


def excel_format(value: Number | None, digits: int = 2) -> str:
    """The Excel number format that shows ``value`` as :func:`format_number` writes it (1,101.7 not 1,101.70)."""
    if value is None or isinstance(value, bool):
        return "General"
    text = format_number(value, digits)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def display_zone() -> ZoneInfo:
    """The time zone people read times in (``TANFENG_TIMEZONE``, default Asia/Shanghai)."""
    return _zone(os.environ.get("TANFENG_TIMEZONE", "").strip() or DEFAULT_TIMEZONE)


def local_time(moment: datetime) -> datetime:
    """``moment`` in the display zone; a naive datetime is taken as UTC (how the store keeps times)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(display_zone())


def format_time(moment: datetime | date | None, *, seconds: bool = False) -> str:
    """A time as a person reads it, in the display zone: 2024-05-01 08:30; a date stays a date."""
    if moment is None:
        return DASH
    if not isinstance(moment, datetime):
        return moment.isoformat()
    return local_time(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
