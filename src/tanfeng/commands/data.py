"""``tanfeng data``: collect values from units through files, review them, see their history."""

from __future__ import annotations

from pathlib import Path

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
from tanfeng.services.collection import import_collection
from tanfeng.services.progress import task_progress
from tanfeng.services.review import history, list_observations, review
from tanfeng.services.templates import write_template

app = typer.Typer(help="数据填报：模板、导入、审核、历史 / data collection: templates, import, review, history",
                  no_args_is_help=True)


@app.command()
@handle_errors
def template(
    unit: str = typer.Option(..., "--unit", "-u", help="填报单位，如 县住建局 / reporting unit"),
    period: str = typer.Option(..., "--period", help="填报期间，如 2024、2024Q1 / period"),
    out: Path = typer.Option(..., "--out", "-o", help="输出 .xlsx 文件 / output workbook"),
    region: RegionOption = None, db: DbOption = None,
) -> None:
    """生成某单位某期的填报表（只含该单位的指标和任务）/ write a unit's data-collection workbook."""
    info = write_template(open_db(db), unit=unit, period=period, path=out, region=region)
    typer.echo(f"{info.path}: {info.unit} {info.period} — {info.indicators}个指标，{info.tasks}项任务 / "
               f"{info.indicators} indicators, {info.tasks} tasks")


@app.command("import")
@handle_errors
def import_cmd(
    files: list[Path] = typer.Argument(..., help="填好的 .xlsx 或 .csv / filled workbooks or CSV"),
    draft: bool = typer.Option(False, "--draft", help="作为草稿保存，不提交 / store as draft, not submitted"),
    region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """校验并导入填报数据；任何一行有误则整份文件不导入 / validate and store; any bad row rejects the file."""
    database = open_db(db)
    for path in files:
        r = import_collection(database, path, actor=actor_name(actor), region=region, draft=draft)
        typer.echo(f"{path}: 新增{r.created}，更新{r.updated}，未变{r.unchanged}，任务进展{r.task_reports}，"
                   f"空行{r.skipped_blank} / created {r.created}, updated {r.updated}, unchanged {r.unchanged}, "
                   f"task reports {r.task_reports}")


@app.command("list")
@handle_errors
def list_cmd(
    status: str | None = typer.Option(None, "--status", help="draft|submitted|accepted|returned"),
    unit: str | None = typer.Option(None, "--unit", "-u", help="填报单位 / reporting unit"),
    period: str | None = typer.Option(None, "--period", help="期间 / period"),
    as_json: bool = typer.Option(False, "--json"), region: RegionOption = None, db: DbOption = None,
) -> None:
    """列出填报值 / list reported values."""
    items = list_observations(open_db(db), status=status, unit=unit, period=period, region=region)
    if as_json:
        typer.echo(to_json(items))
        return
    typer.echo(table(["ID", "指标ID", "指标", "期间", "数值", "单位", "状态", "填报单位", "退回理由"],
                     [[o.id, o.indicator_id, o.indicator, o.period, o.value, o.unit, o.status, o.reporter, o.reason]
                      for o in items]))


@app.command()
@handle_errors
def submit(
    ids: list[int] = typer.Argument(..., help="填报值ID / observation ids"),
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """提交草稿 / submit draft values."""
    n = review(open_db(db), ids, action="submit", actor=actor_name(actor))
    typer.echo(f"已提交{n}条 / submitted {n}")


@app.command()
@handle_errors
def accept(
    ids: list[int] = typer.Argument(..., help="填报值ID / observation ids"),
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """采纳填报值 / accept reported values."""
    n = review(open_db(db), ids, action="accept", actor=actor_name(actor))
    typer.echo(f"已采纳{n}条 / accepted {n}")


@app.command("return")
@handle_errors
def return_cmd(
    ids: list[int] = typer.Argument(..., help="填报值ID / observation ids"),
    reason: str = typer.Option(..., "--reason", help="退回理由 / why"),
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """退回填报值（须说明理由）/ return reported values with a reason."""
    n = review(open_db(db), ids, action="return", actor=actor_name(actor), reason=reason)
    typer.echo(f"已退回{n}条 / returned {n}")


@app.command("history")
@handle_errors
def history_cmd(
    indicator: int = typer.Argument(..., help="指标ID / indicator id"),
    period: str | None = typer.Option(None, "--period"),
    as_json: bool = typer.Option(False, "--json"), db: DbOption = None,
) -> None:
    """某指标填报值的全部修改记录（谁、何时、旧值→新值）/ every change of an indicator's values."""
    items = history(open_db(db), indicator, period)
    if as_json:
        typer.echo(to_json(items))
        return
    typer.echo(table(["期间", "#", "时间", "操作人", "操作", "旧值", "新值", "旧状态", "新状态", "理由", "文件"],
                     [[r.period, r.seq, r.at.isoformat(timespec="seconds"), r.actor, r.action, r.old_value,
                       r.new_value, r.old_status, r.new_status, r.reason, r.source_file] for r in items]))


@app.command("progress")
@handle_errors
def progress_cmd(
    period: str | None = typer.Option(None, "--period", help="期间 / period"),
    as_json: bool = typer.Option(False, "--json"), region: RegionOption = None, db: DbOption = None,
) -> None:
    """各任务最新进展 / the latest progress report of every task."""
    items = task_progress(open_db(db), region=region, period=period)
    if as_json:
        typer.echo(to_json(items))
        return
    typer.echo(table(["任务", "名称", "牵头单位", "期间", "状态", "进展说明", "填报单位"],
                     [[i.task, i.title, i.lead_unit, i.period, i.status_label, i.text, i.reporter] for i in items]))
