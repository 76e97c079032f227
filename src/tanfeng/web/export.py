"""导出Excel: every table of a page as an xlsx workbook, one sheet per table.

The export is the page itself (same route, same filters, same permissions), asked for with
``?export=xlsx``: the renderer renders the page as usual and hands the HTML to ``tables_workbook``.
So an export can never show what the page would not, and headers are in the page's language.

Cells: a ``<td data-value="…" data-unit="…">`` is a numeric cell in the unit; a cell whose text is a
number as ``tanfeng.formatting`` writes it (1,101.72, or with a unit: 47万吨) is a numeric cell with
the number format that shows it the same way; a time as the pages show it (2026-12-01 09:30) is a date-time cell; everything
else is text, escaped with ``tanfeng.cells`` (never a formula). ``data-text`` keeps a cell text.
A field shows its value (a text field's, a select's chosen option); buttons, hidden fields and check
boxes are left out, and so are columns they leave empty.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from bs4 import BeautifulSoup, Tag
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tanfeng.cells import cell, neutralise_formulas
from tanfeng.formatting import excel_format

EXPORT_PARAM = "export"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An export is every row the filters select, not one screen of them; past this it is cut (and says so).
MAX_ROWS = 20_000

_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")
# A number with a short unit after it, as the pages write a quantity (1,234.5 %, 47万吨, 3 个).
_QUANTITY = re.compile(r"^(?P<number>-?[\d,]+(?:\.\d+)?)(?:(?P<gap>\s?)(?P<unit>[^\d\s.,:：/-][^\d\s]{0,7}))?$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$")
_CONTROLS = ("input", "select", "button", "textarea", "script", "style", "template", "noscript")
_VALUE_INPUTS = ("text", "number", "date", "email", "search", "tel", "url")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def wants_export(query: Any) -> bool:
    """The request asks for the page's tables as xlsx (``?export=xlsx``)."""
    return str(query.get(EXPORT_PARAM, "")) == "xlsx"


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    formats: list[list[str | None]] = field(default_factory=list)


def _text(node: Tag) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def _value(td: Tag) -> tuple[object, str | None]:
    """(the cell's value, its number format or None)."""
    text = _text(td)
    if td.has_attr("data-text"):
        return text, None
    raw = td.get("data-value")
    if raw is not None:
        try:
            number = float(Decimal(str(raw)))
        except (InvalidOperation, ValueError):
            return text, None
        unit = str(td.get("data-unit") or "").replace('"', "")
        return number, excel_format(number) + (f' "{unit}"' if unit else "")
    quantity = _QUANTITY.match(text)
    if quantity is not None and _NUMBER.match(quantity["number"]):
        figure, unit = quantity["number"], (quantity["unit"] or "").replace('"', "")
        number = float(Decimal(figure.replace(",", "")))
        grouped = "," in figure  # written by tanfeng.formatting; a bare 2024 (a year, an id) stays ungrouped
        decimals = len(figure.split(".", 1)[1]) if "." in figure else 0
        fmt = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
        return number, fmt + (f'{quantity["gap"]}"{unit}"' if unit else "")
    if _TIME.match(text):
        return datetime.fromisoformat(text), "yyyy-mm-dd hh:mm" + (":ss" if text.count(":") == 2 else "")
    return text, None


def _title(table: Tag, index: int) -> str:
    caption = table.find("caption")
    if caption is not None and _text(caption):
        return _text(caption)
    heading = table.find_previous(["h2", "h1"])
    return _text(heading) if heading is not None and _text(heading) else f"{index}"


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'")[:28] or "1"
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base[:25]} {n}", n + 1
    taken.add(name.casefold())
    return name


def _controls_to_text(root: Tag) -> None:
    """Forms are unwrapped (a table inside a form stays); a filled-in field becomes its value as text
    (a text field, a chosen option); buttons, hidden fields, boxes and scripts go."""
    for form in root.find_all("form"):
        form.unwrap()
    for control in root.find_all(_CONTROLS):
        if control.name == "input" and str(control.get("type") or "text") in _VALUE_INPUTS:
            control.replace_with(str(control.get("value") or ""))
        elif control.name == "select":
            chosen = control.find("option", selected=True)
            control.replace_with(_text(chosen) if chosen is not None else "")
        elif control.name == "textarea":
            control.replace_with(control.get_text())
        else:
            control.decompose()


def read_tables(html: str) -> tuple[str, list[Sheet]]:
    """The page's title (its h1) and each table of its main part as a sheet."""
    soup = BeautifulSoup(html, "lxml")
    main = soup.find("main") or soup
    _controls_to_text(main)
    h1 = main.find("h1")
    sheets: list[Sheet] = []
    taken: set[str] = set()
    for index, table in enumerate(main.find_all("table"), start=1):
        if table.find_parent("table") is not None:
            continue
        trs = table.find_all("tr")
        head = [tr for tr in trs if tr.find_parent("thead") is not None] or trs[:1]
        body = [tr for tr in trs if tr not in head]
        header = [_text(c) for c in head[-1].find_all(["th", "td"])] if head else []
        sheet = Sheet(_sheet_name(_title(table, index), taken), header)
        for tr in body:
            cells = tr.find_all(["td", "th"])
            if len(cells) == 1 and cells[0].has_attr("colspan"):  # "none" placeholder rows
                continue
            values = [_value(c) for c in cells]
            sheet.rows.append([v for v, _ in values])
            sheet.formats.append([f for _, f in values])
        _drop_empty_columns(sheet)
        sheets.append(sheet)
    return (_text(h1) if h1 is not None else ""), sheets


def _drop_empty_columns(sheet: Sheet) -> None:
    width = max([len(sheet.header), *(len(r) for r in sheet.rows)], default=0)
    keep = [i for i in range(width)
            if (i < len(sheet.header) and sheet.header[i] not in ("", None)) or
            any(i < len(r) and r[i] not in ("", None) for r in sheet.rows)]
    sheet.header = [sheet.header[i] if i < len(sheet.header) else "" for i in keep]
    sheet.rows = [[r[i] if i < len(r) else None for i in keep] for r in sheet.rows]
    sheet.formats = [[f[i] if i < len(f) else None for i in keep] for f in sheet.formats]


def tables_workbook(html: str, *, notes: list[str] | None = None, max_rows: int = MAX_ROWS,
                    cut_note: str = "") -> bytes:
    """The xlsx of every table in ``html``: a title row (the page's h1), ``notes`` rows (e.g. 示例数据),
    then the header row (bold, frozen, filterable) and the rows."""
    title, sheets = read_tables(html)
    wb = Workbook()
    wb.remove(wb.active)
    if not sheets:
        sheets = [Sheet(title[:28] or "1", [])]
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="EEF2F5")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        heading = f"{title} · {sheet.name}" if title and title != sheet.name else title or sheet.name
        lead = [heading, *(notes or [])]
        cut = len(sheet.rows) > max_rows
        if cut and cut_note:
            lead.append(cut_note.format(n=max_rows))
        for text in lead:
            ws.append([cell(text)])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        header_row = len(lead) + 1
        ws.append([cell(h) for h in sheet.header])
        for c in ws[header_row]:
            c.font, c.fill = bold, head_fill
        widths = [len(str(h)) for h in sheet.header]
        for values, formats in zip(sheet.rows[:max_rows], sheet.formats[:max_rows], strict=True):
            ws.append([cell(v) for v in values])
            for col, fmt in enumerate(formats, start=1):
                if fmt:
                    ws.cell(row=ws.max_row, column=col).number_format = fmt
            for i, v in enumerate(values):
                if i < len(widths):
                    widths[i] = max(widths[i], min(len(str(v)), 60))
                else:
                    widths.append(min(len(str(v)), 60))
        for i, width in enumerate(widths, start=1):
            # CJK characters are about twice as wide as Latin ones
            ws.column_dimensions[get_column_letter(i)].width = max(6, min(2 * width + 2, 80))
        for row in ws.iter_rows(min_row=header_row + 1):
            for c in row:
                c.alignment = Alignment(vertical="top", wrap_text=isinstance(c.value, str) and len(c.value) > 30)
        if sheet.header:
            ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(sheet.header))}{ws.max_row}"
    neutralise_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download_headers(name: str, ascii_name: str) -> dict[str, str]:
    """Content-Disposition for an xlsx named ``name`` (UTF-8) with an ASCII fallback."""
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}.xlsx\"; "
                                   f"filename*=UTF-8''{quote(name + '.xlsx')}"}
