"""``tanfeng consult``: consultation rounds on a draft plan, comments received off line, dispositions, outputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from tanfeng.commands.common import (
    ActorOption,
    DbOption,
    OutputFormat,
    actor_name,
    handle_errors,
    open_db,
    table,
    to_json,
)
from tanfeng.reports.consultation import adoption_docx, adoption_xlsx, comparison_xlsx, notice_docx
from tanfeng.services import consultation as cs
from tanfeng.services.consultation_changes import build_report, compute_changes, link
from tanfeng.services.consultation_public import public_round
from tanfeng.services.errors import StoreError

app = typer.Typer(help="征求意见：发起、录入、处理、采纳情况说明 / public consultation on a draft plan",
                  no_args_is_help=True)
RoundArg = typer.Argument(..., help="征求意见编号（tanfeng consult list）/ round id")


def _day(value: str | None, what: str) -> date:
    if value is None:
        return cs.today_cn()
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise StoreError(f"{what}应为年-月-日（如2023-06-15）：{value}", f"{what} must be YYYY-MM-DD: {value}") from err


def _actor(actor: str | None) -> cs.Actor:
    return cs.Actor(actor_name(actor))


@app.command("open")
@handle_errors
def open_cmd(
    closes: str = typer.Option(..., "--closes", help="截止日期 YYYY-MM-DD（含当日，北京时间）/ closing date"),
    opens: str | None = typer.Option(None, "--opens", help="开始日期（默认今天）/ opening date (default today)"),
    plan: str | None = typer.Option(None, "--plan", "-p", help="方案ID或标题 / plan id or title"),
    version: int | None = typer.Option(None, "--version", help="版本号（默认最新征求意见稿）/ version number"),
    kind: str = typer.Option("public", "--kind", help="public（公开）或 departments（部门）"),
    channels: str = typer.Option("web,email,phone,letter", "--channels",
                                 help="渠道：web,email,phone,letter,official"),
    contact: str = typer.Option("optional", "--contact", help="姓名和联系方式：optional 或 required"),
    office: str | None = typer.Option(None, "--office", help="受理单位 / receiving office"),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    address: str | None = typer.Option(None, "--address"),
    url: str | None = typer.Option(None, "--url", help="征求意见网页地址（写入通知）/ public page address"),
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """发起征求意见 / open a consultation round on a stored draft version."""
    database = open_db(db)
    version_id = cs.resolve_version(database, plan, version, status="draft")
    info = cs.open_round(database, _actor(actor), version_id=version_id, kind=kind, opens_on=_day(opens, "开始日期"),
                         closes_on=_day(closes, "截止日期"), channels=[c.strip() for c in channels.split(",") if c.strip()],
                         contact_policy=contact, office_name=office, email=email, phone=phone, address=address,
                         public_url=url)
    typer.echo(f"已发起征求意见 #{info.id}：{info.title}（{info.kind_label}，{info.opens_on}至{info.closes_on}）"
               f"；网页 /consult/{info.id} / round {info.id} opened")


@app.command("list")
@handle_errors
def list_cmd(db: DbOption = None, fmt: OutputFormat = typer.Option(OutputFormat.table, "--format")) -> None:
    """列出征求意见轮次 / list rounds."""
    rounds = cs.list_rounds(open_db(db))
    if fmt is OutputFormat.json:
        typer.echo(to_json(rounds))
        return
    typer.echo(table(["ID", "方案", "版本", "类型", "开始", "截止", "状态", "意见数"],
                     [[r.id, r.plan_title, r.version_number, r.kind_label, r.opens_on, r.closes_on, r.state(),
                       r.comments] for r in rounds]))


@app.command("notice")
@handle_errors
def notice_cmd(round_id: int = RoundArg, out: Path = typer.Option(..., "--out", "-o", help="输出 .docx"),
               db: DbOption = None) -> None:
    """生成征求意见通知（Word）/ write the notice as docx."""
    database = open_db(db)
    out.write_bytes(notice_docx(cs.get_round(database, round_id), public_round(database, round_id).sections))
    typer.echo(f"→ {out}")


@app.command("add")
@handle_errors
def add_cmd(
    round_id: int = RoundArg,
    channel: str = typer.Option(..., "--channel", help="email、phone、letter 或 official"),
    text: str | None = typer.Option(None, "--text", help="意见内容 / the comment"),
    text_file: Path | None = typer.Option(None, "--file", help="从文本文件读取意见 / read the comment from a file"),
    received: str | None = typer.Option(None, "--received", help="收到日期（默认今天）"),
    ref: str | None = typer.Option(None, "--ref", help="涉及条目（如 A1.1、T5、goals、general）"),
    name: str | None = typer.Option(None, "--name"),
    contact: str | None = typer.Option(None, "--contact"),
    org: str | None = typer.Option(None, "--org", help="提出单位 / organisation"),
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """录入邮件、电话、信函、公文收到的意见 / enter a comment received off line."""
    body = text_file.read_text(encoding="utf-8") if text_file else text
    if not body:
        raise StoreError("请用 --text 或 --file 给出意见内容", "give the comment with --text or --file")
    comment = cs.add_comment(open_db(db), _actor(actor), round_id, channel=channel, text=body,
                             received_on=_day(received, "收到日期"), ref=ref, name=name, contact=contact, org=org)
    typer.echo(f"已录入 {comment.receipt}（涉及 {comment.about}）/ entered {comment.receipt}")


@app.command("comments")
@handle_errors
def comments_cmd(round_id: int = RoundArg, db: DbOption = None,
                 fmt: OutputFormat = typer.Option(OutputFormat.table, "--format")) -> None:
    """列出意见（不含联系方式）/ list the comments (no contact data)."""
    comments = cs.list_comments(open_db(db), round_id)
    rows = [[c.receipt, c.channel_label, c.received_on, c.about, "是" if c.ref else "建议", c.assigned_unit,
             c.disposition_label if not c.merged_into_id else "已合并", c.text] for c in comments]
    if fmt is OutputFormat.json:
        typer.echo(to_json([{"receipt": r[0], "channel": c.channel, "received_on": r[2], "about": r[3],
                             "confirmed": bool(c.ref), "unit": r[5], "disposition": c.disposition,
                             "reason": c.reason, "merged_into": c.merged_into_id, "text": c.text}
                            for r, c in zip(rows, comments, strict=True)]))
        return
    typer.echo(table(["回执号", "渠道", "收到", "涉及", "确认", "办理单位", "处理", "内容"], rows))


@app.command("dispose")
@handle_errors
def dispose_cmd(receipt: str = typer.Argument(..., help="回执号 / receipt"),
                disposition: str = typer.Option(..., "--as", help="采纳、部分采纳、未采纳（或 adopted、partly、rejected）"),
                reason: str | None = typer.Option(None, "--reason", help="理由 / reason"),
                ref: str | None = typer.Option(None, "--ref", help="同时确认涉及条目 / also confirm what it is about"),
                db: DbOption = None, actor: ActorOption = None) -> None:
    """处理一条意见 / dispose of a comment."""
    database, who = open_db(db), _actor(actor)
    comment = cs.find_receipt(database, receipt)
    if ref:
        cs.confirm_ref(database, who, comment.id, ref)
    done = cs.dispose(database, who, comment.id, disposition, reason)
    typer.echo(f"{done.receipt}：{done.disposition_label} / {done.disposition}")


@app.command("merge")
@handle_errors
def merge_cmd(receipt: str = typer.Argument(..., help="重复意见的回执号"),
              into: str = typer.Option(..., "--into", help="并入的意见回执号"), db: DbOption = None,
              actor: ActorOption = None) -> None:
    """合并重复意见 / merge a duplicate into another comment's group."""
    database = open_db(db)
    head = cs.find_receipt(database, into)
    cs.merge(database, _actor(actor), cs.find_receipt(database, receipt).id, head.id)
    typer.echo(f"{receipt} → {into}")


@app.command("final")
@handle_errors
def final_cmd(round_id: int = RoundArg, version: int | None = typer.Option(None, "--version",
                                                                          help="定稿版本号（默认最新定稿）"),
              db: DbOption = None, actor: ActorOption = None) -> None:
    """指定定稿版本 / set the final version the draft became."""
    database = open_db(db)
    info = cs.get_round(database, round_id)
    version_id = cs.resolve_version(database, str(info.plan_id), version, status="final")
    cs.set_final(database, _actor(actor), round_id, version_id)
    typer.echo(f"征求意见 #{round_id} 的定稿已指定 / final version set")


@app.command("changes")
@handle_errors
def changes_cmd(round_id: int = RoundArg, db: DbOption = None,
                fmt: OutputFormat = typer.Option(OutputFormat.table, "--format"),
                out: Path | None = typer.Option(None, "--out", "-o", help="写出对照表 .xlsx")) -> None:
    """征求意见稿与定稿对照（含相关意见）/ the draft→final changes with the comments about them."""
    database = open_db(db)
    changes = compute_changes(database, round_id)
    if out is not None:
        out.write_bytes(comparison_xlsx(cs.get_round(database, round_id), changes))
        typer.echo(f"→ {out}")
        return
    rows = [[c.key, c.draft_ref, c.final_ref, c.status_label, c.label, c.summary(),
             "、".join(x.receipt for x in c.linked), "、".join(x.receipt for x in c.related)] for c in changes]
    if fmt is OutputFormat.json:
        typer.echo(to_json([dict(zip(["key", "draft", "final", "status", "label", "change", "linked", "related"], r,
                                     strict=True)) for r in rows]))
        return
    typer.echo(table(["修改编号", "征求意见稿", "定稿", "修改", "名称", "内容", "已关联", "相关意见"], rows))


@app.command("link")
@handle_errors
def link_cmd(receipt: str = typer.Argument(..., help="回执号"),
             change: str = typer.Argument(..., help="修改编号（tanfeng consult changes）"),
             remove: bool = typer.Option(False, "--remove", help="取消关联"), db: DbOption = None,
             actor: ActorOption = None) -> None:
    """把意见与一处修改关联 / link a comment to a draft→final change."""
    database = open_db(db)
    comment = cs.find_receipt(database, receipt)
    link(database, _actor(actor), comment.round_id, comment.id, change, not remove)
    typer.echo(f"{receipt} {'×' if remove else '↔'} {change}")


@app.command("report")
@handle_errors
def report_cmd(round_id: int = RoundArg, out: Path = typer.Option(..., "--out", "-o", help=".docx 或 .xlsx"),
               internal: bool = typer.Option(False, "--internal", help="内部版（含姓名和联系方式）"),
               db: DbOption = None, actor: ActorOption = None) -> None:
    """意见采纳情况说明（公开版，--internal 为内部版）/ the adoption statement (public unless --internal)."""
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise StoreError(f"{out}: 输出文件应为 .docx 或 .xlsx", f"{out}: the output must be .docx or .xlsx")
    database = open_db(db)
    content = build_report(database, round_id, public=not internal)
    with database.write() as session:
        cs.audit(session, _actor(actor), "consultation_report", "consultation", round_id, format=suffix[1:],
                 public=not internal)
    out.write_bytes(adoption_docx(content) if suffix == ".docx" else adoption_xlsx(content))
    counts = "，".join(f"{w}{g}项" for w, (g, _n) in content.counts.items() if g)
    typer.echo(f"→ {out}（{content.comments}条意见，{len(content.rows)}项：{counts}）")


@app.command("purge")
@handle_errors
def purge_cmd(round_id: int = RoundArg, db: DbOption = None, actor: ActorOption = None) -> None:
    """征求意见截止后删除意见人的姓名和联系方式 / erase commenters' names and contacts after the round."""
    count = cs.purge_contacts(open_db(db), _actor(actor), round_id)
    typer.echo(f"已删除{count}条意见的姓名和联系方式 / contacts erased from {count} comments")
