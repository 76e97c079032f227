"""Documents of a consultation: the notice (征求意见通知/函, docx), the 意见采纳情况说明 (docx, xlsx) and the
draft→final comparison table. Word files use the report's official layout (tanfeng.reports.docx).

Spreadsheet cells are written as text, with a leading ``= + - @`` (or tab / carriage return) escaped by
a ``'``, so a comment typed by the public never becomes a formula, not even when a clerk edits the cell.
"""

from __future__ import annotations

import io
from datetime import date
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tanfeng.cells import FORMULA_PREFIXES, cell, office_text, scrub
from tanfeng.plans.sections import Section as DraftSection
from tanfeng.reports.docx import render_outline
from tanfeng.reports.layout import Cell, Outline, Para, Section, Table
from tanfeng.services.consultation import RoundInfo
from tanfeng.services.consultation_changes import AdoptionReport, Change, channel_words

INTERNAL_BANNER = "内部资料：含意见人姓名和联系方式，仅供办公室使用，不得公开"
HEAD = PatternFill("solid", fgColor="DDEBF7")


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _channel_lines(info: RoundInfo) -> list[str]:
    lines = {
        "web": f"网上留言：访问{info.public_url or '征求意见网页'}，在相应条目下填写意见",
        "email": f"电子邮箱：{info.email or '（待定）'}",
        "phone": f"联系电话：{info.phone or '（待定）'}",
        "letter": f"通信地址：{info.address or '（待定）'}（请在信封上注明“{info.plan_title}意见”）",
        "official": f"单位来函：以正式公文送{info.office_name or '本单位'}",
    }
    chosen = [lines[c] for c in info.channels if c in lines]
    return [f"{i}.{line}{'。' if i == len(chosen) else '；'}" for i, line in enumerate(chosen, start=1)]


def _draft_blocks(sections: list[DraftSection]) -> list[Para | Section]:
    out: list[Para | Section] = []
    for section in sections:
        blocks: list[Para | Section] = [Para(sentence) for sentence, _targets in section.sentences()]
        blocks += [Para(f"{task.number}{task.text}") for task in section.tasks]
        out.append(Section(section.heading, level=2, blocks=list(blocks)))
    return out


def notice_outline(info: RoundInfo, sections: list[DraftSection]) -> Outline:
    """The notice of a round, generated from the plan: title, deadline, channels; the draft as its attachment."""
    office = info.office_name or "本单位"
    deadline = f"{info.closes_on.month}月{info.closes_on.day}日"
    if info.kind == "departments":
        title = f"关于征求{info.title}意见的函"
        body = [Para("各有关单位：", style="note"),
                Para(f"{office}起草了{info.title}，现征求你单位意见。请认真研究，于{deadline}前将书面意见"
                     "（加盖单位公章）通过以下方式反馈，逾期未反馈的视为无意见："),
                *(Para(line) for line in _channel_lines(info)),
                Para("请注明联系人和联系电话，单位反馈意见需加盖公章。")]
    else:
        title = f"关于公开征集{info.title}意见建议的通知"
        contact = ("意见反馈请注明姓名和联系方式。" if info.contact_policy == "required"
                   else "意见反馈可注明姓名和联系方式，以便沟通。")
        body = [Para(f"为进一步增强政策措施的科学性、操作性、合理性，{office}起草了{info.title}，现向社会各界公开"
                     f"征集意见。意见征集时间为{zh_date(info.opens_on)}至{zh_date(info.closes_on)}，请于{deadline}前"
                     "通过以下方式提出意见建议："),
                *(Para(line) for line in _channel_lines(info)),
                Para(contact + "单位反馈意见需加盖公章。所留个人信息仅用于意见沟通，征求意见结束后予以删除。")]
    body += [Para(f"附件：{info.title}"), Para(office, style="note"), Para(zh_date(info.opens_on), style="note")]
    # The letter's body is plain paragraphs, not a numbered section (the renderer draws any block list).
    return Outline(title, [], None, cast(list[Section], body),
                   Section(f"附件  {info.title}", blocks=list(_draft_blocks(sections))))


def notice_docx(info: RoundInfo, sections: list[DraftSection]) -> bytes:
    return render_outline(notice_outline(scrub(info), scrub(sections)))


def comparison_table(changes: list[Change]) -> Table:
    rows: list[list[Cell]] = []
    for n, change in enumerate(changes, start=1):
        receipts = "、".join(dict.fromkeys(c.receipt for c in change.linked))
        rows.append([n, "目标" if change.kind == "target" else "任务", change.draft_ref or "—", change.final_ref or "—",
                     change.label, change.status_label, change.summary(), receipts or "—"])
    return Table("征求意见稿与定稿对照表", "修改对照",
                 ["序号", "类别", "征求意见稿条目", "定稿条目", "名称", "修改情况", "修改内容", "相关意见"], rows,
                 [0.5, 0.6, 0.9, 0.9, 2.2, 0.7, 4, 1.4])


def _count_table(report: AdoptionReport) -> Table:
    rows: list[list[Cell]] = [[word, groups, comments] for word, (groups, comments) in report.counts.items()
                              if groups or word != "待处理"]
    rows.append(["合计", len(report.rows), report.comments])
    return Table("意见处理情况统计", "统计", ["处理情况", "项数（合并后）", "意见条数"], rows, [2, 1, 1])


def _comment_table(report: AdoptionReport) -> Table:
    who = [] if report.public and report.round.kind != "departments" else [
        "提出单位" if report.public else "意见人及联系方式"]
    rows: list[list[Cell]] = []
    for r in report.rows:
        rows.append([r.number, "、".join(r.receipts), r.channels, r.about, *([r.submitters] if who else []), r.text,
                     r.disposition, r.reason or "—", r.changes or "—"])
    headers = ["序号", "意见编号", "渠道", "涉及条目", *who, "意见内容", "处理情况", "理由", "修改情况"]
    widths = [0.5, 1.1, 0.7, 1.6, *([1.4] if who else []), 4, 0.8, 2.4, 2]
    return Table("意见建议及采纳情况", "意见采纳情况", headers, rows, widths)


def adoption_outline(report: AdoptionReport) -> Outline:
    info = report.round
    counts = "、".join(f"{w}{g}项" for w, (g, _n) in report.counts.items() if g)
    intro = (f"{zh_date(info.opens_on)}至{zh_date(info.closes_on)}，{info.office_name or '本单位'}就{info.title}"
             f"{info.kind_label}，通过{channel_words(info.channels)}共收到意见建议{report.comments}条，"
             f"合并同类意见后共{len(report.rows)}项{'，其中' + counts if counts else ''}。")
    sections = [Section("基本情况", number="一、", blocks=[Para(intro), _count_table(report)]),
                Section("意见建议及采纳情况", number="二、", blocks=[_comment_table(report)])]
    appendix_blocks: list[Para | Table] = [comparison_table(report.changes)] if report.changes else [
        Para("尚未指定定稿版本，暂无修改对照。")]
    return Outline(report.title, [info.office_name or "", zh_date(report.generated_on)],
                   None if report.public else INTERNAL_BANNER, sections,
                   Section("附表  征求意见稿与定稿对照表", blocks=list(appendix_blocks)))


def adoption_docx(report: AdoptionReport) -> bytes:
    return render_outline(adoption_outline(scrub(report)))


def safe_cell(value: Cell) -> Cell:
    """A cell value that a spreadsheet will not evaluate (text starting like a formula gets a leading '),
    XML-safe (tanfeng.cells)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + office_text(value)
    return cell(value)


def tables_xlsx(title: str, banner: str | None, tables: list[Table]) -> bytes:
    """One sheet per table; every text cell stored as text (never as a formula)."""
    wb = Workbook()
    first = True
    for table in tables:
        if first:
            ws = wb.active
            assert ws is not None
            ws.title, first = table.sheet, False
        else:
            ws = wb.create_sheet(table.sheet)
        ws.append([safe_cell(title if table is tables[0] else table.title)])
        ws["A1"].font = Font(bold=True)
        if banner:
            ws.append([banner])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="C00000")
        ws.append(table.headers)
        head = ws.max_row
        for header_cell in ws[head]:
            header_cell.font, header_cell.fill = Font(bold=True), HEAD
        for row in table.rows:
            ws.append([safe_cell(v) for v in row])
            for written in ws[ws.max_row]:
                if isinstance(written.value, str):
                    written.data_type = "s"
                    written.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=head + 1, column=1)
        for i, header in enumerate(table.headers, start=1):
            longest = max([len(header)] + [len(str(r[i - 1])) for r in table.rows if r[i - 1] is not None])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def adoption_xlsx(report: AdoptionReport) -> bytes:
    tables = [_comment_table(report), _count_table(report), comparison_table(report.changes)]
    return tables_xlsx(report.title, None if report.public else INTERNAL_BANNER, tables)


def comparison_xlsx(info: RoundInfo, changes: list[Change]) -> bytes:
    return tables_xlsx(f"{info.title}与定稿对照表", None, [comparison_table(changes)])
