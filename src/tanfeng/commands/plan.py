"""``tanfeng plan``: store plans and edit what the office decides after import."""

from __future__ import annotations

from pathlib import Path

import typer

from tanfeng.commands.common import ActorOption, DbOption, RegionOption, actor_name, handle_errors, open_db, table
from tanfeng.services.indicator_mapping import TargetMapping, parse_decisions
from tanfeng.services.plan_admin import (
    assign_units,
    list_plans,
    list_versions,
    set_baseline,
    set_frequency,
    set_quota,
)
from tanfeng.services.plan_import import MappingChoices, PlanImportResult, import_plan, load_plan_file

app = typer.Typer(help="方案入库与维护 / store plans and maintain them", no_args_is_help=True)

PlanOption = typer.Option(None, "--plan", "-p", help="方案ID或标题（只有一个方案时可省略）/ plan id or title")


@app.command("import")
@handle_errors
def import_cmd(
    files: list[Path] = typer.Argument(..., help="方案文件（txt/docx/pdf/html）或方案JSON / plan files or plan JSON"),
    region: RegionOption = None,
    title: str | None = typer.Option(None, "--title", help="方案标题（文件中没有时）/ plan title if the file has none"),
    plan: int | None = typer.Option(None, "--plan", "-p", help="作为此方案的新版本（标题有变时）/ a new version of this plan id"),
    mapping: list[str] = typer.Option([], "--map", help="目标记在哪个已有指标：T3=12 或 T3=new（可重复）/ "
                                      "record target T3 under stored indicator 12, or new (repeatable)"),
    accept_proposals: bool = typer.Option(False, "--accept-proposals",
                                          help="采纳所有相似指标建议 / take every proposed similar indicator"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示指标对应关系，不入库 / show the mapping, store nothing"),
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """导入方案：新文件成为新版本，同一文件重复导入不改变任何数据 / import plans (a new file = a new version)."""
    database = open_db(db)
    choices = MappingChoices(parse_decisions(mapping), accept_proposals)
    for path in files:
        result = import_plan(database, load_plan_file(path), actor=actor_name(actor), region=region, title=title,
                             plan_id=plan, choices=choices, dry_run=dry_run)
        if not result.created:
            typer.echo(f"{path}: 已导入过（{result.title} 第{result.version}版），未作改动 / already imported, unchanged")
            continue
        typer.echo(
            f"{path}: {result.region}《{result.title}》第{result.version}版（{result.status}）"
            f"{'（预览，未入库）' if dry_run else ''}："
            f"{result.tasks}项任务，{result.targets}个目标（沿用{result.targets_carried}，新增{result.targets_new}，"
            f"不再出现{result.indicators_dropped}）/ version {result.version}{' (dry run, not stored)' if dry_run else ''}"
            f": {result.tasks} tasks, {result.targets} targets ({result.targets_carried} carried over, "
            f"{result.targets_new} new)"
        )
        _echo_mapping(result, full=dry_run)
        if not result.current and not dry_run:
            typer.echo("  当前版本不变（正式稿优先于征求意见稿，其次按印发日期）/ the current version stays "
                       "(final over draft, then issue date)")


def _mapping_line(m: TargetMapping) -> str:
    targets = "、".join(m.targets)
    if m.indicator_id is not None and m.carried_from is not None and m.how != "name":
        how = {"code": "按指标代码 / same code", "office": "办公室指定 / chosen", "proposal": "采纳建议 / proposal taken"}
        return (f"  {targets} {m.indicator}: 沿用「{m.carried_from}」（指标#{m.indicator_id}，{how[m.how]}）/ "
                f"carried over from “{m.carried_from}”")
    if m.indicator_id is not None:
        return f"  {targets} {m.indicator}: 沿用指标#{m.indicator_id}（名称相同）/ carried over (same name)"
    line = f"  {targets} {m.indicator}: 新指标 / new indicator"
    if m.proposal is not None:
        p = m.proposal
        line += (f"；建议沿用「{p.name}」（指标#{p.indicator_id}，相似度{p.similarity:.2f}），确认请加 "
                 f"--map {m.targets[0]}={p.indicator_id} 或 --accept-proposals / proposed: carry over from "
                 f"“{p.name}” (#{p.indicator_id}); confirm with --map {m.targets[0]}={p.indicator_id}")
    return line


def _echo_mapping(result: PlanImportResult, *, full: bool) -> None:
    """Every non-obvious mapping (all of them for --dry-run): the office sees what carries over from what."""
    if result.version == 1 and not full:
        return
    for m in result.mapping:
        if full or m.how != "name" or m.proposal is not None:
            typer.echo(_mapping_line(m))


@app.command("list")
@handle_errors
def list_cmd(region: RegionOption = None, db: DbOption = None) -> None:
    """列出已入库方案 / list stored plans."""
    rows = [[p.plan_id, p.region, p.title, p.version, p.status, p.versions, p.targets, p.imported_at[:19]]
            for p in list_plans(open_db(db), region)]
    typer.echo(table(["ID", "地区", "方案", "当前版", "状态", "版本数", "目标数", "导入时间"], rows))


@app.command()
@handle_errors
def quota(
    target: str = typer.Argument(..., help="目标编号（如 T2）或指标ID（如 #5）/ target code or indicator id"),
    value: float = typer.Argument(..., help="上级下达的指标值 / the quota value"),
    unit: str | None = typer.Option(None, "--unit", help="单位（默认为指标单位或%）/ unit"),
    note: str | None = typer.Option(None, "--note", help="下达文件等说明 / e.g. the document that set it"),
    plan: str | None = PlanOption, region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """录入“完成上级下达指标”类目标的下达值 / enter the quota of a target deferred to a higher level."""
    ref = set_quota(open_db(db), plan=plan, target=target, value=value, unit=unit, note=note,
                    actor=actor_name(actor), region=region)
    typer.echo(f"{ref.target_code} {ref.name}: 下达值 {value:g}{unit or ''} 已录入 / quota set")


@app.command()
@handle_errors
def baseline(
    target: str = typer.Argument(..., help="目标编号或指标ID / target code or indicator id"),
    year: int = typer.Argument(..., help="基期年 / base year"),
    value: float = typer.Argument(..., help="基期值（指标单位）/ base-year value in the indicator unit"),
    plan: str | None = PlanOption, region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """录入水平类指标的基期值 / set the base-year value of a level indicator."""
    ref = set_baseline(open_db(db), plan=plan, target=target, year=year, value=value, actor=actor_name(actor),
                       region=region)
    typer.echo(f"{ref.name}: 基期 {year} = {value:g} / baseline set")


@app.command()
@handle_errors
def assign(
    target: str = typer.Argument(..., help="目标编号或指标ID / target code or indicator id"),
    lead: str = typer.Option(..., "--lead", help="牵头单位 / lead unit"),
    co: list[str] = typer.Option([], "--co", help="配合单位（可重复）/ co-unit, repeatable"),
    plan: str | None = PlanOption, region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """指定指标的牵头与配合单位 / assign the lead and co-units of an indicator."""
    ref = assign_units(open_db(db), plan=plan, target=target, lead=lead, co=co, actor=actor_name(actor),
                       region=region)
    typer.echo(f"{ref.name}: 牵头 {lead}" + (f"，配合 {'、'.join(co)}" if co else "") + " / assigned")


@app.command()
@handle_errors
def frequency(
    target: str = typer.Argument(..., help="目标编号或指标ID / target code or indicator id"),
    value: str = typer.Argument(..., help="year | quarter | month"),
    plan: str | None = PlanOption, region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """设定指标填报频率（年/季/月）/ set how often an indicator is reported."""
    ref = set_frequency(open_db(db), plan=plan, target=target, frequency=value, actor=actor_name(actor),
                        region=region)
    typer.echo(f"{ref.name}: {value}")


@app.command()
@handle_errors
def versions(plan: str | None = PlanOption, region: RegionOption = None, db: DbOption = None) -> None:
    """列出方案的各个版本 / list the stored versions of a plan."""
    rows = [[v.number, v.status, v.title, v.issued_date, v.targets, v.source_path, v.sha256[:12], v.imported_at,
             v.imported_by] for v in list_versions(open_db(db), plan=plan, region=region)]
    typer.echo(table(["版本", "状态", "标题", "日期", "目标数", "来源文件", "sha256", "导入时间", "导入人"], rows))
