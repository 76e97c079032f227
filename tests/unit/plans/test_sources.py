"""Every input format and encoding, built here as real files and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanfeng.plans import PlanReadError, read

PLAN = ("某某县碳达峰实施方案\n一、主要目标\n到2025年，单位地区生产总值能源消耗较2020年下降13%，力争达到13.5%。\n"
        "二、重点任务\n（一）能源绿色低碳转型行动\n1.大力发展可再生能源。到2025年，光伏发电装机容量达到50万千瓦以上。"
        "（责任单位：县发改委、住建局）\n")


def _check(plan_path: Path) -> None:
    plan = read(plan_path)
    assert plan.meta.title == "某某县碳达峰实施方案"
    values = {(t.code, t.value) for t in plan.targets}
    assert ("energy_intensity", 13) in values and ("renewable_capacity", 50) in values
    assert [(t.title, t.lead, t.units) for t in plan.tasks] == [("大力发展可再生能源", "县发改委", ["县发改委", "县住建局"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5"])
def test_text_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = PLAN
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2tw").convert(PLAN)
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))
    _check(path)
    plan = read(path)
    assert plan.source.format == "txt"
    if encoding.startswith("utf-16"):
        assert plan.source.encoding == "utf-16"


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in PLAN.strip().split("\n")[:-1]:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = PLAN.strip().split("\n")[-1]
    table.rows[0].cells[1].text = "备注"
    path = tmp_path / "plan.docx"
    doc.save(str(path))
    plan = read(path)
    assert plan.source.format == "docx"
    _check(path)


def test_pdf_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "plan.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 10)
    y = 800
    for line in PLAN.strip().split("\n"):
        for i in range(0, len(line), 45):  # hard-wrapped, as PDFs are
            c.drawString(30, y, line[i : i + 45])
            y -= 14
    c.save()
    assert read(path).source.format == "pdf"
    _check(path)


def test_saved_html_page_drops_chrome(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in PLAN.strip().split("\n"))
    html = (f"<html><head><title>某某县碳达峰实施方案</title><script>var a='到2025年，煤炭消费比重下降到1%';</script></head>"
            f"<body><nav>首页 > 政策 到2030年，森林覆盖率达到99%</nav><div class='content'>{body}</div>"
            f"<footer>版权所有</footer></body></html>")
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="gb18030")
    plan = read(path)
    assert plan.source.format == "html"
    assert {t.value for t in plan.targets} == {13, 50}
    _check(path)


def test_misnamed_docx_is_sniffed_by_content(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in PLAN.strip().split("\n"):
        doc.add_paragraph(line)
    path = tmp_path / "plan.txt"
    doc.save(str(path))
    assert read(path).source.format == "docx"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary"),
     (b"Hello world, this is not a plan at all.", "Chinese"),
     ("今天天气很好，我们去公园散步，然后吃了午饭，下午看了一场电影，晚上回家休息。".encode(), "plan")],
)
def test_unreadable_or_non_plan_input_is_a_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(PlanReadError) as err:
        read(path)
    assert str(err.value).startswith(str(path))
    assert "\n" not in str(err.value)


def test_corrupt_docx_and_pdf(tmp_path: Path) -> None:
    for name, data in (("x.docx", b"PK\x03\x04garbage"), ("x.pdf", b"%PDF-1.4 garbage")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(PlanReadError):
            read(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanReadError, match="不存在"):
        read(tmp_path / "nope.txt")
    with pytest.raises(PlanReadError, match="目录"):
        read(tmp_path)


def test_indicator_table_in_docx_gives_targets(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("某某市“十四五”节能减排综合工作方案")
    doc.add_paragraph("一、主要目标")
    rows = [("序号", "指标", "单位", "2020年", "2025年", "属性"),
            ("1", "单位地区生产总值能源消耗降低", "%", "—", "14", "约束性"),
            ("2", "非化石能源消费比重", "%", "10.5", "≥13", "预期性"),
            ("3", "单位地区生产总值二氧化碳排放降低", "%", "—", "完成省下达指标", "约束性")]
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.rows[r].cells[c].text = value
    path = tmp_path / "plan.docx"
    doc.save(str(path))
    targets = {t.code: t for t in read(path).targets}
    e, n, c = targets["energy_intensity"], targets["non_fossil_share"], targets["carbon_intensity"]
    assert (e.value, e.unit, e.year, e.change, e.baseline_year) == (14, "%", 2025, "decrease", 2020)
    assert (n.value, n.bound, n.year) == (13, "min", 2025)
    assert c.assigned and c.year == 2025
