"""``tanfeng status`` and ``tanfeng units`` (with ``units alias …``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from tanfeng.commands.common import (
    ActorOption,
    DbOption,
    OutputFormat,
    RegionOption,
    actor_name,
    handle_errors,
    open_db,
    table,
    to_json,
    write_xlsx,
)
from tanfeng.config import Settings
from tanfeng.formatting import format_target
from tanfeng.reports.layout import fmt_num
from tanfeng.services import registry
from tanfeng.services.errors import StoreError
from tanfeng.services.responsibility import OpenReport, unit_matrix
from tanfeng.services.rollup import Rollup, rollup
from tanfeng.services.status import StatusRow, compute_status
from tanfeng.tracking.warnings import Thresholds

status_app = typer.Typer(help="各目标进展与预警 / status and warnings of every target")
units_app = typer.Typer(help="责任单位：职责矩阵、待报事项、别名 / responsible units, open reports, aliases")
alias_app = typer.Typer(help="单位别名 / unit aliases", no_args_is_help=True)
units_app.add_typer(alias_app, name="alias")

FormatOption = typer.Option(OutputFormat.table, "--format", "-f", help="table | json | xlsx")
OutOption = typer.Option(None, "--out", "-o", help="输出文件（xlsx 必填）/ output file (required for xlsx)")

STATUS_COLUMNS = [
    ("plan", "方案"), ("target", "目标"), ("indicator", "指标"), ("unit", "单位"), ("baseline_year", "基期年"),
    ("baseline_value", "基期值"), ("target_year", "目标年"), ("target_value", "目标值"), ("target_text", "目标表述"),
    ("latest_period", "最新期"), ("latest_value", "最新值"), ("expected_value", "应达值"), ("gap", "差距"),
    ("level_label", "预警"), ("lead_unit", "牵头单位"), ("note", "说明"),
]


def _status_cell(row: StatusRow, key: str) -> object:
    """A status column; ``target_text`` is the target as it reads (下降13%（力争13.5%）), the number stays beside it."""
    if key == "target_text":
        return format_target(row.target_value, row.stretch_value, row.unit, change=row.reading)
    return getattr(row, key)


def _emit(fmt: OutputFormat, out: Path | None, text_json: str, text_table: str, xlsx: tuple[str, list[str], list[list[object]]]) -> None:
    if fmt is OutputFormat.xlsx:
        if out is None:
            raise StoreError("xlsx 输出需要 --out 文件名", "xlsx output needs --out")
        write_xlsx(out, *xlsx)
        typer.echo(f"→ {out}", err=True)
        return
    text = text_json if fmt is OutputFormat.json else text_table
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"→ {out}", err=True)
    else:
        typer.echo(text)


@status_app.callback(invoke_without_command=True)
@handle_errors
def status(
    region: RegionOption = None, fmt: OutputFormat = FormatOption, out: Path | None = OutOption,
    green: float | None = typer.Option(None, "--green", help="绿色阈值：进度比≥此值（默认1.0）/ green threshold"),
    red: float | None = typer.Option(None, "--red", help="红色阈值：进度比<此值（默认0.5）/ red threshold"),
    accepted_only: bool = typer.Option(False, "--accepted-only", help="只用已采纳的值 / accepted values only"),
    as_of: int | None = typer.Option(None, "--as-of", help="按某年年末评估（忽略之后的数据）/ judge as of a year"),
    children: bool = typer.Option(False, "--children",
                                  help="与 --region 同用：下级地区×主要指标的汇总 / with --region: the lower regions' roll-up"),
    db: DbOption = None,
) -> None:
    """每个目标的最新值、应达值、差距、预警等级和牵头单位 / every target's latest value, expected value, gap, level."""
    if children:
        if not region:
            raise StoreError("--children 须与 --region 同用", "--children needs --region")
        _emit_rollup(rollup(open_db(db), region), fmt, out)
        return
    settings = Settings.load(db)
    thresholds = Thresholds(green=settings.warn_green if green is None else green,
                            red=settings.warn_red if red is None else red)
    rows = compute_status(open_db(db), region=region, thresholds=thresholds, accepted_only=accepted_only,
                          as_of=as_of)
    values = [[_status_cell(r, key) for key, _ in STATUS_COLUMNS] for r in rows]
    headers = [label for _, label in STATUS_COLUMNS]
    _emit(fmt, out, to_json(rows), table(headers, values), ("进展与预警", headers, values))


LIGHT_WORDS = {"green": "绿", "yellow": "黄", "red": "红", "none": "—"}


def _emit_rollup(data: Rollup, fmt: OutputFormat, out: Path | None) -> None:
    """Lower regions × headline indicators: each cell the light and the latest value."""
    headers = ["地区", *(name for _, name in data.codes), "绿/黄/红/无"]
    values: list[list[object]] = []
    for row in data.rows:
        cells: list[object] = [row.region]
        for code, _ in data.codes:
            c = row.cells.get(code)
            cells.append(f"{LIGHT_WORDS[c.level]} {fmt_num(c.latest_value)}" if c else "")
        cells.append("/".join(str(row.counts.get(lv, 0)) for lv in LIGHT_WORDS))
        values.append(cells)
    text = json.dumps(asdict(data), ensure_ascii=False, indent=2)
    _emit(fmt, out, text, table(headers, values), (f"{data.region}下级汇总", headers, values))


@units_app.callback(invoke_without_command=True)
@handle_errors
def units(
    ctx: typer.Context, region: RegionOption = None, fmt: OutputFormat = FormatOption, out: Path | None = OutOption,
    db: DbOption = None,
) -> None:
    """职责矩阵（单位×任务，牵头/配合）和各单位待报事项 / responsibility matrix and each unit's open reports."""
    if ctx.invoked_subcommand is not None:
        return
    grace = Settings.load(db).report_grace_days
    items = unit_matrix(open_db(db), region=region, grace_days=grace)
    headers = ["单位", "地区", "牵头任务", "配合任务", "指标", "待报事项"]
    values: list[list[object]] = [
        [u.unit, u.region, [t.split(" ")[0] for t in u.lead_tasks], [t.split(" ")[0] for t in u.co_tasks],
         len(u.indicators), _open_reports_text(u.open_reports)]
        for u in items
    ]
    _emit(fmt, out, to_json(items), table(headers, values), ("职责矩阵", headers, values))


_KIND = {"overdue": "逾期未报", "returned": "已退回", "draft": "草稿未提交"}


def _open_reports_text(reports: list[OpenReport]) -> list[str]:
    """One entry per indicator and kind (森林覆盖率 2022、2023（逾期未报）); task reports counted."""
    grouped: dict[tuple[str, str], list[str]] = {}
    tasks: dict[str, set[str]] = {}
    for report in reports:
        if report.kind == "progress_overdue":
            tasks.setdefault(report.period, set()).add(report.task or report.subject)
            continue
        grouped.setdefault((report.subject, report.kind), []).append(report.period)
    out = [f"{name} {'、'.join(periods)}（{_KIND[kind]}）" for (name, kind), periods in grouped.items()]
    out += [f"{period}年任务进展{len(codes)}项未报" for period, codes in sorted(tasks.items())]
    return out


@alias_app.command("add")
@handle_errors
def alias_add(
    alias: str = typer.Argument(..., help="别名，如 市场监督局 / the other name"),
    unit: str = typer.Argument(..., help="已登记的单位，如 县市场监管局 / the registered unit"),
    region: str = typer.Option(..., "--region", "-r", help="地区 / region"),
    yes: bool = typer.Option(False, "--yes", help="确认合并另一单位 / confirm merging another unit"),
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """登记别名；若别名已是另一单位，先列出将合并的内容，加 --yes 才合并 / add an alias (a merge needs --yes)."""
    info = registry.alias_unit(open_db(db), region=region, alias=alias, unit=unit, actor=actor_name(actor),
                               confirm=yes)
    typer.echo(f"{info.name}: {'、'.join(info.aliases)}")


@alias_app.command("list")
@handle_errors
def alias_list(region: RegionOption = None, db: DbOption = None) -> None:
    """列出单位及其别名 / list units and their aliases."""
    infos = registry.units_with_aliases(open_db(db), region)
    typer.echo(table(["ID", "地区", "单位", "别名"], [[i.id, i.region, i.name, i.aliases] for i in infos]))


@units_app.command("rename")
@handle_errors
def unit_rename(
    unit: str = typer.Argument(..., help="单位现名或别名 / the unit"),
    new_name: str = typer.Argument(..., help="新名称 / new display name"),
    region: str = typer.Option(..., "--region", "-r", help="地区 / region"),
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """更改单位显示名称（旧名保留为别名）/ rename a unit; the old name stays an alias."""
    info = registry.rename(open_db(db), region=region, unit=unit, new_name=new_name, actor=actor_name(actor))
    typer.echo(f"{info.name}: {'、'.join(info.aliases)}")
