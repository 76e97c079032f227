"""Text fit for Office files: no XML-illegal characters, no cell read as a formula.

Used by every xlsx/docx writer (domain and services alike, hence a module of its own). A stored
text may still hold characters Word and Excel cannot carry (Word's Shift+Enter is ``\\x0b``);
they become line breaks or disappear rather than making a report fail. A text cell starting with
``=``, ``+``, ``-`` or ``@`` is kept a text cell: Excel never evaluates it (formula injection).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

T = TypeVar("T")

_BREAKS = re.compile("[\x0b\x0c\u2028\u2029]|\r\n?")
# XML 1.0 forbids C0 controls other than tab/newline/return, and the non-characters U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def office_text(text: str) -> str:
    """``text`` with line-break controls as ``\\n`` and characters illegal in XML removed."""
    return _ILLEGAL.sub("", _BREAKS.sub("\n", text))


def cell(value: T) -> T:
    """A value for an openpyxl cell: strings made XML-safe (numbers, dates, None unchanged)."""
    return office_text(value) if isinstance(value, str) else value  # type: ignore[return-value]


def neutralise_formulas(workbook: Any) -> int:
    """Turn every cell openpyxl took for a formula into a text cell; returns how many.

    Our writers never write formulas: a cell starting with ``=`` is always data (a progress text,
    a unit name), so it must stay inert when the file is opened.
    """
    count = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES)):
                    c.data_type = "s"
                    count += 1
    return count


def scrub(obj: T) -> T:
    """A copy of a tree of dataclasses, lists, tuples and dicts with every string made XML-safe."""
    if isinstance(obj, str):
        return office_text(obj)  # type: ignore[return-value]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: scrub(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, list):
        return [scrub(x) for x in obj]  # type: ignore[return-value]
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(scrub(x) for x in obj)  # type: ignore[return-value]
    if isinstance(obj, dict):
        return {k: scrub(v) for k, v in obj.items()}  # type: ignore[return-value]
    return obj
