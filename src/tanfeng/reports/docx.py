"""Word rendering in the usual official layout: A4, 仿宋 body, 黑体/楷体 headings, numbered tables and figures.

Fonts are named (with the East Asian font set on every style and run), so Word on an office PC uses
its own 仿宋/黑体/楷体; the charts are PNGs drawn with the packaged CJK font.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.run import Run

from tanfeng.reports.content import AnnualReport
from tanfeng.reports.layout import Block, Cell, Figure, Outline, Para, Section, Shown, Table, build_outline, fmt_num

BODY_FONT, HEI, KAI, TITLE_FONT = "仿宋", "黑体", "楷体", "宋体"
BODY_PT, TABLE_PT, SMALL_TABLE_PT, TITLE_PT = 16, 10.5, 9, 22  # 三号, 五号, 小五, 二号
WIDE_TABLE = 7  # columns; wider tables use the smaller size
PAGE_W, PAGE_H = Cm(21), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}  # GB/T 9704
TEXT_WIDTH_CM = 21 - 2.8 - 2.6
HEADING_FONTS = {1: (HEI, False), 2: (KAI, False), 3: (BODY_FONT, True)}
# What a line may not be broken inside: numbers (1,101.72, 13.5%), codes (T21, A10.3), Latin words.
UNBREAKABLE = re.compile(r"[-+−]?[0-9A-Za-z][0-9A-Za-z.,%‰/_-]*")
CELL_PAD_PT = 2 * 45 / 20 + 3  # left and right cell margins (twips → pt) plus slack for wider fallback fonts
LATIN_EM = 0.62  # a digit or Latin letter is at most about this share of the font size wide
CM_PER_PT = 2.54 / 72
# After Chinese punctuation followed by Latin or digits LibreOffice finds no break opportunity, takes
# "A1.3、A1.4、A10.2" as one word and breaks it anywhere ("A1.|3"); a zero-width space allows the break there.
_BREAK_AFTER = re.compile(r"([、，；：）》])(?=[0-9A-Za-z])")
ZWSP = "\u200b"


def breakable(text: str) -> str:
    """``text`` with a line-break opportunity after Chinese punctuation that precedes a number or code."""
    return _BREAK_AFTER.sub(r"\1" + ZWSP, text)


def _set_fonts(rpr_owner: Any, name: str) -> None:
    """Name the font for Latin and East Asian text, dropping theme fonts that would override it."""
    element = rpr_owner.element  # a Run or a style
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    _set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    for level, (font, bold) in HEADING_FONTS.items():
        style = doc.styles[f"Heading {level}"]
        _set_fonts(style, font)
        style.font.size, style.font.bold, style.font.italic = Pt(BODY_PT), bold, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = Pt(28)
        style.paragraph_format.keep_with_next = True


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", BODY_FONT, 14)
    run = _run(footer, "", BODY_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run.element.append(field)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run.element.append(instr)
    _run(footer, " —", BODY_FONT, 14)


def _run(paragraph: object, text: str, font: str, size: float, bold: bool = False,
         colour: RGBColor | None = None) -> Run:
    run: Run = paragraph.add_run(text)  # type: ignore[attr-defined]
    _set_fonts(run, font)
    run.font.size, run.font.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _title(doc: DocxDocument, outline: Outline) -> None:
    if outline.banner:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, outline.banner, HEI, 12, True, RGBColor(0xC0, 0, 0))
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(12), Pt(12)
    _run(p, outline.title, TITLE_FONT, TITLE_PT, True, RGBColor(0, 0, 0))
    for line in outline.subtitle:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(sub, line, KAI, 14)
    doc.add_paragraph()


def _para(doc: DocxDocument, para: Para) -> None:
    p = doc.add_paragraph()
    if para.style == "note":
        p.paragraph_format.line_spacing = Pt(20)
        _run(p, breakable(para.text), KAI, 12)
    elif para.style == "banner":
        _run(p, para.text, HEI, 12, True, RGBColor(0xC0, 0, 0))
    else:
        p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        _run(p, breakable(para.text), BODY_FONT, BODY_PT)


def _cell_text(cell: _Cell, text: str, size: float, bold: bool = False, align_right: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.first_line_indent = Pt(0)
    if align_right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, breakable(text), HEI if bold else BODY_FONT, size, bold)


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _narrow_margins(grid: object) -> None:
    """Cell padding of 0.08 cm left and right (Word's default 0.19 cm wraps four-digit years in narrow columns)."""
    tbl_pr = grid._tbl.tblPr  # type: ignore[attr-defined]
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "45")  # twentieths of a point
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def _token_width_cm(text: str, size: float) -> float:
    """The width the longest unbreakable token of ``text`` needs on one line (Chinese may wrap anywhere)."""
    longest = max((len(m.group(0)) for m in UNBREAKABLE.finditer(text)), default=0)
    widest = max(longest * LATIN_EM, 1.0 if text else 0.0)  # at least one Chinese character
    return (widest * size + CELL_PAD_PT) * CM_PER_PT


def column_widths(headers: list[str], rows: list[list[Cell]], weights: list[float], size: float,
                  total_cm: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths (cm) in the given proportions, but never narrower than a number or code in the column.

    Word and LibreOffice break a number or code that is wider than its cell in the middle ("1,101.|72",
    "T2|1"); widening those columns and taking the width from the text columns keeps every one whole.
    """
    need = [max([_token_width_cm(h, size)] + [_token_width_cm(fmt_num(r[i]), size) for r in rows])
            for i, h in enumerate(headers)]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(headers)) if i not in fixed]
        room = total_cm - sum(fixed.values())
        weight = sum(weights[i] for i in free) or 1.0
        share = {i: room * weights[i] / weight for i in free}
        short = [i for i in free if share[i] < need[i]]
        if not short or len(short) == len(free):
            return [fixed.get(i, share.get(i, need[i])) for i in range(len(headers))]
        for i in short:
            fixed[i] = need[i]


def _table(doc: DocxDocument, table: Table) -> None:
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    _run(caption, table.title, HEI, 12)
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _narrow_margins(grid)
    size = TABLE_PT if len(table.headers) <= WIDE_TABLE else SMALL_TABLE_PT
    cm = [Cm(w) for w in column_widths(table.headers, table.rows, table.widths or [1.0] * len(table.headers), size)]
    for column, width in zip(grid.columns, cm, strict=True):
        column.width = width  # the grid LibreOffice and WPS follow
    for cell, head, width in zip(grid.rows[0].cells, table.headers, cm, strict=True):
        _cell_text(cell, head, size, bold=True)
        cell.width = width
    _repeat_header(grid.rows[0])
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value, width in zip(cells, values, cm, strict=True):
            numeric = isinstance(value, int | float | Shown) and not isinstance(value, bool)
            _cell_text(cell, fmt_num(value), size, align_right=numeric)
            cell.width = width
    doc.add_paragraph()


def _figure(doc: DocxDocument, figure: Figure) -> None:
    doc.add_picture(io.BytesIO(figure.png), width=Cm(15))
    holder = doc.paragraphs[-1]
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # an exact line height (the body's 28 pt) would clip the picture
    holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    holder.paragraph_format.keep_with_next = True
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, figure.caption, HEI, 12)


def _blocks(doc: DocxDocument, blocks: list[Block]) -> None:
    for block in blocks:
        if isinstance(block, Section):
            heading = doc.add_heading(level=min(block.level, 3))
            font, bold = HEADING_FONTS[min(block.level, 3)]
            _run(heading, f"{block.number}{block.title}", font, BODY_PT, bold, RGBColor(0, 0, 0))
            _blocks(doc, block.blocks)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure):
            _figure(doc, block)
        else:
            _para(doc, block)


def render_outline(outline: Outline) -> bytes:
    doc = Document()
    _styles(doc)
    _page(doc)
    doc.core_properties.title = outline.title
    doc.core_properties.author = "tanfeng"
    _title(doc, outline)
    _blocks(doc, list(outline.sections))
    doc.add_page_break()
    heading = doc.add_heading(level=1)
    _run(heading, outline.appendix.title, HEI, BODY_PT, False, RGBColor(0, 0, 0))
    _blocks(doc, outline.appendix.blocks)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render(report: AnnualReport, lang: str = "zh") -> bytes:
    """The report as a .docx file."""
    return render_outline(build_outline(report, lang))
