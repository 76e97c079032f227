"""Input validation shared by every door (web forms, JSON API, uploaded files, CLI) and both databases.

``install`` adds a check to every ORM flush: whatever path a value took, it is stored only if
SQLite and PostgreSQL would store it alike — text within its column's length without NUL, control
or invisible formatting characters (zero-width, right-to-left overrides: look-alike names), finite
numbers of sane magnitude, integers that fit the column, plausible years. Word's line breaks
(``\\x0b`` from Shift+Enter, ``\\x0c``, U+2028/2029) and CRLF become ``\\n``. A refusal is an
``InvalidInput`` (422 in the web, exit 2 in the CLI) and the transaction stores nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, String, Text, event
from sqlalchemy.orm import Session

from tanfeng.services.errors import StoreError

INT32_MAX = 2**31 - 1  # an INTEGER column on PostgreSQL (ids included)
INT64_MAX = 2**63 - 1
MAX_MAGNITUDE = 1e15  # no indicator, quota or baseline comes near; 1e308 breaks sums and charts
TEXT_MAX = 20_000  # a TEXT column without a declared length (notes, reasons, task texts)
YEAR_RANGE = (2000, 2100)  # target and peak years
BASELINE_YEAR_RANGE = (1980, 2100)  # e.g. 2005 for carbon intensity
YEAR_COLUMNS = {"year": YEAR_RANGE, "peak_year": YEAR_RANGE, "baseline_year": BASELINE_YEAR_RANGE}

_BREAKS = re.compile("[\x0b\x0c\u2028\u2029]|\r\n?")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


class InvalidInput(StoreError):
    """A value no database should store (one line, Chinese / English)."""


def normalise_breaks(text: str) -> str:
    return _BREAKS.sub("\n", text)


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _strip_invisible(text: str) -> str:
    """Free text keeps its meaning without zero-width spaces, BOMs and soft hyphens (copied from web pages)."""
    return "".join(ch for ch in text if ch in _BIDI or unicodedata.category(ch) != "Cf")


def _bad_character(text: str, multiline: bool) -> str | None:
    found = _CONTROL.search(text)
    if found:
        return f"U+{ord(found.group()):04X}"
    if not multiline and ("\n" in text or "\t" in text):
        return "换行/制表符 (line break or tab)"
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cf", "Cs") or ch in "\ufffe\uffff":
            return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip()
    return None


def clean_text(value: str, what: str, *, max_length: int = TEXT_MAX, multiline: bool = True) -> str:
    """``value`` with line breaks normalised; refused if too long or carrying hidden characters.

    One-line fields (names, codes) refuse every invisible formatting character — a zero-width or
    right-to-left mark makes a look-alike name. Free text drops the harmless ones (zero-width
    spaces, BOMs) and refuses only direction overrides.
    """
    text = normalise_breaks(value)
    if multiline:
        text = _strip_invisible(text)
    bad = _bad_character(text, multiline)
    if bad is not None:
        raise InvalidInput(f"{what}含有不可见或不允许的字符（{bad}）", f"{what} holds a hidden or disallowed character ({bad})")
    if len(text) > max_length:
        raise InvalidInput(f"{what}过长（{len(text)}字，上限{max_length}字）",
                           f"{what} is too long ({len(text)} characters, limit {max_length})")
    return text


def clean_name(value: str, what: str, *, max_length: int = 200) -> str:
    """A name (unit, account, indicator): one line, not empty, no look-alike characters."""
    text = clean_text(value.strip(), what, max_length=max_length, multiline=False)
    if not text:
        raise InvalidInput(f"{what}不能为空", f"{what} is empty")
    return text


def finite_number(value: float, what: str, *, magnitude: float = MAX_MAGNITUDE) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{what}不是数字", f"{what} is not a number")
    if not math.isfinite(value) or abs(value) > magnitude:
        raise InvalidInput(f"{what}超出合理范围（{value!r}）", f"{what} is out of range ({value!r})")
    return float(value)


def year_in_range(value: int, what: str, bounds: tuple[int, int] = YEAR_RANGE) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{what}应在{low}—{high}年之间（{value}）", f"{what} must be between {low} and {high} ({value})")
    return value


def check_id(value: int, what: str = "编号 / id") -> int:
    """A stored row's id (fits a PostgreSQL INTEGER); refuses negatives and ids ≥ 2^31 alike on both databases."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT32_MAX:
        raise InvalidInput(f"{what}超出范围（{value}）", f"{what} out of range ({value})")
    return value


def _check_column(table: str, column: Any, value: Any) -> Any:
    what = f"{table}.{column.name}"
    kind = column.type
    if isinstance(value, str) and isinstance(kind, String | Text):
        limit = kind.length or TEXT_MAX
        return clean_text(value, what, max_length=limit, multiline=isinstance(kind, Text) or limit >= 300)
    if isinstance(value, float) and isinstance(kind, Float):
        return finite_number(value, what)
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(kind, Integer):
        top = INT64_MAX if isinstance(kind, BigInteger) else INT32_MAX
        if not -top - 1 <= value <= top:
            raise InvalidInput(f"{what}超出范围（{value}）", f"{what} out of range ({value})")
        if column.name in YEAR_COLUMNS:
            year_in_range(value, what, YEAR_COLUMNS[column.name])
    if isinstance(value, float) and isinstance(kind, Integer):
        raise InvalidInput(f"{what}应为整数", f"{what} must be a whole number")
    return value


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in [*session.new, *session.dirty]:
        table = getattr(obj, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            key = column.key
            if key not in obj.__dict__:
                continue
            value = obj.__dict__[key]
            if value is None:
                continue
            checked = _check_column(table.name, column, value)
            if checked is not value and checked != value:
                setattr(obj, key, checked)


_installed = False


def install() -> None:
    """Check every flush of every session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        _installed = True
