"""Excel export of the report's tables (numbers as numbers), for those who re-work the figures."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tanfeng.cells import cell, neutralise_formulas
from tanfeng.formatting import excel_format
from tanfeng.reports.content import AnnualReport
from tanfeng.reports.layout import Cell, Outline, Shown, Table, build_outline

HEAD = PatternFill("solid", fgColor="DDEBF7")
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _value(cell: Cell) -> object:
    """Numbers stay numbers in Excel; a number written out for reading (Shown) goes in as the number."""
    if isinstance(cell, Shown):
        return cell.value if cell.value is not None else cell.text
    return cell


def _sheet_name(table: Table, used: set[str]) -> str:
    base = table.sheet.translate(INVALID_SHEET_CHARS)[:28] or "Table"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:26]}-{n}"
    used.add(name)
    return name


def about_name(outline: Outline) -> str:
    return "About" if outline.lang == "en" else "说明"


def _about(wb: Workbook, outline: Outline) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = about_name(outline)
    index = "Each worksheet is one table of the report:" if outline.lang == "en" else "各工作表与报告中的表格一一对应："
    lines = ([outline.banner] if outline.banner else []) + [outline.title, *outline.subtitle, "", index]
    for line in lines:
        ws.append([cell(line)])
    ws["A1"].font = Font(bold=True, color="C00000" if outline.banner else "000000")
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 40


def render_outline(outline: Outline) -> bytes:
    wb = Workbook()
    _about(wb, outline)
    about = wb[about_name(outline)]
    used = {about_name(outline)}
    for table in outline.tables():
        name = _sheet_name(table, used)
        about.append([cell(name), cell(table.title)])
        ws = wb.create_sheet(name)
        ws.append([cell(table.title)])
        ws["A1"].font = Font(bold=True)
        if outline.banner:
            ws.append([cell(outline.banner)])
        ws.append([cell(h) for h in table.headers])
        head_row = ws.max_row
        for head in ws[head_row]:
            head.font, head.fill = Font(bold=True), HEAD
            head.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            ws.append([cell(_value(v)) for v in row])
            for c in ws[ws.max_row]:
                if isinstance(c.value, float):
                    c.number_format = excel_format(c.value)  # full precision kept, shown as in the report
        ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
        for i, header in enumerate(table.headers, start=1):
            longest = max([len(str(header))] + [len(str(_value(r[i - 1]))) for r in table.rows if r[i - 1] is not None])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 2))
    neutralise_formulas(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(report: AnnualReport, lang: str = "zh") -> bytes:
    """The report's tables as an .xlsx workbook (one sheet per table, a 说明 sheet first)."""
    return render_outline(build_outline(report, lang))
