"""``tanfeng remind``: chase the units that owe values or progress reports (催报), for cron or a systemd timer."""

from __future__ import annotations

from datetime import date

import typer

from tanfeng.commands.common import (
    ActorOption,
    DbOption,
    RegionOption,
    actor_name,
    handle_errors,
    open_db,
    table,
    to_json,
)
from tanfeng.errors import TanfengError
from tanfeng.formatting import format_time
from tanfeng.services.reminders import list_deadlines, list_messages, period_words, run_reminders, set_deadline

app = typer.Typer(help="催报 / reminders to the units (in-app notices and e-mail)", invoke_without_command=True)

PlanOption = typer.Option(None, "--plan", help="方案ID或标题（默认全部方案）/ plan id or title (default: every plan)")


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise TanfengError(f"{option}“{text}”不是日期（YYYY-MM-DD）/ {option} '{text}' is not a date (YYYY-MM-DD)") from err


@app.callback()
@handle_errors
def remind(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出将发送的提醒，不发送不记录 / list, send nothing"),
    today: str | None = typer.Option(None, "--today", help="按此日期判断（YYYY-MM-DD，默认今天）/ judge as of this date"),
    plan: str | None = PlanOption,
    region: RegionOption = None,
    json_out: bool = typer.Option(False, "--json", help="JSON输出 / JSON output"),
    actor: ActorOption = None,
    database: DbOption = None,
) -> None:
    """发送到期的催报（站内通知，配置了SMTP时发邮件）/ send the reminders due today (in-app, and mail when SMTP is set)."""
    if ctx.invoked_subcommand is not None:
        return
    result = run_reminders(open_db(database), actor=actor_name(actor), today=_day(today, "--today"), plan=plan,
                           region=region, dry_run=dry_run)
    if json_out:
        typer.echo(to_json(result.messages))
        return
    verb = "将发送 / would send" if dry_run else "已发送 / sent"
    if result.messages:
        typer.echo(table(["单位 / unit", "状态 / status", "收件人 / to", "主题 / subject"],
                         [[m.unit, "dry-run" if dry_run else m.status_word(), m.recipients or "—", m.subject]
                          for m in result.messages]))
    mailed = "" if result.mail_configured else "（未配置SMTP，仅站内提醒 / no SMTP configured: in-app only）"
    typer.echo(f"{verb}: {len(result.messages)}条提醒 / reminders，{result.mailed}封邮件 / mails{mailed}")
    if result.held_back:
        typer.echo(f"未到最短间隔、本次不发 / held back by the minimum interval: {'、'.join(result.held_back)}")


@app.command("list")
@handle_errors
def list_sent(
    limit: int = typer.Option(50, "--limit", help="最多条数 / at most this many"),
    json_out: bool = typer.Option(False, "--json", help="JSON输出 / JSON output"),
    database: DbOption = None,
) -> None:
    """已发送的催报（新的在前）/ the reminders sent, newest first."""
    messages = list_messages(open_db(database), limit=limit)
    if json_out:
        typer.echo(to_json(messages))
        return
    typer.echo(table(["时间 / time", "单位 / unit", "期间 / periods", "状态 / status", "收件人 / to", "主题 / subject"],
                     [[format_time(m.created_at), m.unit, [period_words(p) for p in m.periods], m.status_word(),
                       m.recipients or "—", m.subject] for m in messages]))


@app.command("deadline")
@handle_errors
def deadline(
    period: str | None = typer.Option(None, "--period", help="填报期间（如 2024、2024Q1）/ reporting period"),
    due: str | None = typer.Option(None, "--due", help="截止日期 YYYY-MM-DD / due date"),
    opens: str | None = typer.Option(None, "--opens", help="开始填报日期 YYYY-MM-DD / opening date"),
    plan: str | None = PlanOption,
    region: RegionOption = None,
    actor: ActorOption = None,
    database: DbOption = None,
) -> None:
    """设置或查看填报期间的截止日期 / set (with --period and --due) or list the reporting deadlines."""
    db = open_db(database)
    if period or due:
        due_on = _day(due, "--due")
        if not period or due_on is None:
            raise TanfengError("设置截止日期需要 --period 和 --due / setting a deadline needs --period and --due")
        info = set_deadline(db, plan=plan, period=period, due_on=due_on, opens_on=_day(opens, "--opens"),
                            actor=actor_name(actor), region=region)
        typer.echo(f"《{info.plan}》{period_words(info.period)}：{info.opens_on or '期末次日'}开始，{info.due_on}截止 / "
                   f"opens {info.opens_on or 'the day after the period'}, due {info.due_on}")
        return
    rows = list_deadlines(db, plan=plan, region=region)
    seen: dict[tuple[str, str], list[str]] = {}
    for o in rows:
        seen.setdefault((o.plan, o.period), [str(o.opens_on), str(o.due_on)]).append(o.unit)
    ordered = sorted(seen.items(), key=lambda kv: (kv[0][0], kv[1][1]))  # by plan, then due date
    typer.echo(table(["方案 / plan", "期间 / period", "开始 / opens", "截止 / due", "未报单位 / units owing"],
                     [[plan_title, period_words(p), v[0], v[1], v[2:]] for (plan_title, p), v in ordered]))
