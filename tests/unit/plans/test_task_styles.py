"""Tasks in every annotation style Chinese plans use, and the 重点任务分工表 in each file format (issue 17).

Inputs are written for these tests (a prefecture in the style of Yunnan/Guizhou plans); none is copied.
"""

from __future__ import annotations

import io

import pytest

from tanfeng.plans import read_bytes, read_text

HEAD = "某州碳达峰实施方案\n为贯彻落实国家和省的决策部署，结合本州实际，制定本方案。\n二、重点任务\n（一）能源绿色低碳转型行动\n"
SECOND = "2.推动煤炭清洁高效利用。严格控制新增煤电项目。（责任单位：州工信局）\n"


def _first(body: str) -> tuple[str, str | None, list[str]]:
    plan = read_text(HEAD + body + SECOND)
    t = plan.tasks[0]
    return t.title, t.lead, t.units


@pytest.mark.parametrize("annotation", [
    "（牵头单位：州发展改革委；配合单位：州住建局、州自然资源局）",
    "（州发展改革委牵头，州住建局、州自然资源局配合）",
    "（州发展改革委、州住建局、州自然资源局按职责分工负责）",
    "（责任单位：州发展改革委、住建局、自然资源局）",
])
def test_bracketed_annotation_styles(annotation: str) -> None:
    body = f"1.大力发展光伏发电。推进屋顶分布式光伏开发。{annotation}\n"
    assert _first(body) == ("大力发展光伏发电", "州发展改革委", ["州发展改革委", "州住建局", "州自然资源局"])


def test_closing_sentence_names_the_responsible_governments() -> None:
    body = "1.大力发展光伏发电。推进屋顶分布式光伏开发。各县（市）人民政府负责落实。\n"
    assert _first(body) == ("大力发展光伏发电", "各县（市）人民政府", ["各县（市）人民政府"])


def test_a_closing_sentence_that_does_something_else_is_not_an_annotation() -> None:
    body = "1.大力发展光伏发电。推进屋顶分布式光伏开发。州政府统筹安排专项资金支持光伏项目建设并负责。\n"
    plan = read_text(HEAD + body + SECOND)
    assert [t.title for t in plan.tasks] == ["推动煤炭清洁高效利用"]


@pytest.mark.parametrize("body", [
    "1.大力发展光伏发电。\n【牵头单位】州发展改革委\n【配合单位】州住建局、州自然资源局\n推进屋顶分布式光伏开发。\n",
    "1.大力发展光伏发电。【牵头单位】州发展改革委【配合单位】州住建局、州自然资源局。推进屋顶分布式光伏开发。\n",
])
def test_responsibility_written_before_the_text(body: str) -> None:
    assert _first(body) == ("大力发展光伏发电", "州发展改革委", ["州发展改革委", "州住建局", "州自然资源局"])


def test_label_lines_after_the_text() -> None:
    body = "1.大力发展光伏发电。推进屋顶分布式光伏开发。\n牵头单位：州发展改革委\n配合单位：州住建局、州自然资源局\n完成时限：2025年\n"
    plan = read_text(HEAD + body + SECOND)
    t = plan.tasks[0]
    assert (t.lead, t.units, t.due) == ("州发展改革委", ["州发展改革委", "州住建局", "州自然资源局"], "2025年")


def test_due_date_in_an_annotation() -> None:
    plan = read_text(HEAD + "1.大力发展光伏发电。推进屋顶光伏。（牵头单位：州发展改革委；完成时限：2025年底前）\n" + SECOND)
    assert (plan.tasks[0].lead, plan.tasks[0].due) == ("州发展改革委", "2025年底前")


TABLE = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
         ["1", "大力发展风电光伏", "州发展改革委", "州自然资源局、州林草局", "2025年底前"],
         ["2", "推进工业节能降碳", "州工信局", "州生态环境局", "持续推进"],
         ["3", "倡导绿色低碳生活", "州委宣传部", "", "长期坚持"]]
INTRO = "某州碳达峰实施方案\n为贯彻落实国家和省的决策部署，结合本州实际，制定本方案。\n附件\n重点任务分工表"
EXPECTED = [("大力发展风电光伏", "州发展改革委", ["州发展改革委", "州自然资源局", "州林草局"], "2025年底前"),
            ("推进工业节能降碳", "州工信局", ["州工信局", "州生态环境局"], "持续推进"),
            ("倡导绿色低碳生活", "州委宣传部", ["州委宣传部"], "长期坚持")]


def _rows(plan) -> list[tuple[str, str | None, list[str], str | None]]:  # type: ignore[no-untyped-def]
    return [(t.title, t.lead, t.units, t.due) for t in plan.tasks]


def test_division_table_in_docx() -> None:
    from docx import Document

    doc = Document()
    for line in INTRO.split("\n"):
        doc.add_paragraph(line)
    table = doc.add_table(rows=len(TABLE), cols=5)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    buf = io.BytesIO()
    doc.save(buf)
    assert _rows(read_bytes(buf.getvalue(), "x.docx")) == EXPECTED


def test_division_table_in_html() -> None:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
    page = "<html><body>" + "".join(f"<p>{x}</p>" for x in INTRO.split("\n")) + f"<table>{rows}</table></body></html>"
    assert _rows(read_bytes(page.encode("utf-8"), "x.html")) == EXPECTED


def test_division_table_in_pdf() -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10)
    table = Table(TABLE)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph(x, style) for x in INTRO.split("\n")] + [table])
    assert _rows(read_bytes(buf.getvalue(), "x.pdf")) == EXPECTED


def test_division_table_one_cell_per_line() -> None:
    lines = [c for row in TABLE for c in row if c]  # an empty cell leaves no line in a text copy
    assert _rows(read_text(INTRO + "\n" + "\n".join(lines))) == EXPECTED


def test_division_table_fills_the_units_of_heading_tasks() -> None:
    text = ("某州碳达峰实施方案\n为贯彻落实国家和省的决策部署，制定本方案。\n二、重点任务\n（一）能源绿色低碳转型行动\n"
            "1.大力发展风电光伏\n推进风电光伏规模化开发。\n2.推进工业节能降碳\n实施重点行业企业节能改造。\n附件\n"
            + "\n".join("\t".join(r) for r in TABLE[:3]))
    plan = read_text(text)
    assert [(t.id, t.title, t.lead, t.due) for t in plan.tasks] == [
        ("A1.1", "大力发展风电光伏", "州发展改革委", "2025年底前"), ("A1.2", "推进工业节能降碳", "州工信局", "持续推进")]
