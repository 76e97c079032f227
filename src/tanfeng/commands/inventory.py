"""``tanfeng inventory …``: the template, the computation, the factor library. Thin: parse, call, render."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from tanfeng.accounting.activity import InventoryInputError
from tanfeng.accounting.factors import BUILTIN_SETS, GWP_METRICS, library
from tanfeng.accounting.indicators import CarbonScope, ElectricityMethod, IndicatorOptions, indicators
from tanfeng.accounting.inventory import DEFAULT_GWP, compute
from tanfeng.accounting.observations import Observation, plan_observations
from tanfeng.accounting.readers import read_csv_records, read_inventory
from tanfeng.errors import TanfengError

app = typer.Typer(name="inventory", help="温室气体清单与双控指标 / GHG inventory and dual-control indicators",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


class OutFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


def _fail(err: TanfengError) -> typer.Exit:
    if isinstance(err, InventoryInputError):
        typer.echo(f"tanfeng inventory: {err.source}: {len(err.problems)}处输入错误 / "
                   f"{len(err.problems)} input error(s)", err=True)
        for problem in err.problems:
            typer.echo(f"  {problem}", err=True)
    else:
        typer.echo(f"tanfeng inventory: {err}", err=True)
    return typer.Exit(code=2)


@app.command()
def template(
    out: Path = typer.Option(..., "--out", "-o", help="模板文件路径（.xlsx）/ where to write the template"),
    example: bool = typer.Option(False, "--example", help="填入示例县数据（示例数据）/ fill in the example county"),
) -> None:
    """生成活动水平数据填报模板 / write the activity-data template workbook."""
    from tanfeng.accounting import example_inventory_path
    from tanfeng.accounting.template import write_template

    records = read_csv_records(example_inventory_path().read_bytes(), "example") if example else None
    write_template(out, records)
    typer.echo(f"已生成模板 / template written: {out}" + ("（示例数据）" if example else ""), err=True)


@app.command("compute")
def compute_cmd(
    file: Path = typer.Argument(..., help="活动水平数据（.xlsx 或 .csv）/ activity data"),
    factors: list[str] = typer.Option([], "--factors", help=f"优先使用的因子集或因子文件，可重复 / factor set "
                                      f"({', '.join(BUILTIN_SETS)}) or CSV file put on top; repeatable"),
    gwp: str = typer.Option(DEFAULT_GWP, "--gwp", help=f"全球增温潜势 / GWP set: {'/'.join(GWP_METRICS)}"),
    fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="输出格式 / output format"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件（xlsx 默认“输入名-清单结果.xlsx”）/ output file"),
    year: int | None = typer.Option(None, "--year", help="考核年（默认最新年份）/ assessed year (default latest)"),
    base_year: int | None = typer.Option(None, "--base-year", help="基准年（默认取文件中的）/ base year"),
    method: ElectricityMethod = typer.Option(ElectricityMethod.equivalent, "--electricity-method",
                                             help="电力折标：等价值 equivalent / 当量值 calorific"),
    exclude_feedstock: bool = typer.Option(False, "--exclude-feedstock", help="扣除原料用能（803号）"),
    exclude_non_fossil: bool = typer.Option(False, "--exclude-non-fossil", help="能耗强度扣除非化石能源"),
    scope: CarbonScope = typer.Option(CarbonScope.with_indirect, "--carbon-scope",
                                      help="碳强度口径 / CO₂ scope: with_indirect | direct"),
    record: bool = typer.Option(False, "--record", help="把指标记为方案目标的观测值（按指标代码匹配）/ record the "
                                "indicators as observations of the plan's targets with the same code"),
    database: str | None = typer.Option(None, "--db", help="数据库URL或SQLite文件 / database (with --record)"),
    region: str | None = typer.Option(None, "--region", "-r", help="地区 / region (with --record)"),
    reporter: str | None = typer.Option(None, "--reporter", help="填报单位（默认各指标牵头单位）/ reporting unit "
                                        "(default: each indicator's lead unit)"),
    actor: str | None = typer.Option(None, "--actor", help="操作人 / who acts (with --record)"),
    draft: bool = typer.Option(False, "--draft", help="记为草稿而不提交 / record as drafts"),
) -> None:
    """计算清单与双控指标 / compute the inventory and the dual-control indicators."""
    from tanfeng.accounting import render

    if fmt is OutFormat.xlsx and out is None:
        out = file.with_name(f"{file.stem}-清单结果.xlsx")
    try:
        result = compute(read_inventory(file), factors, gwp)
        target_year = year or max(result.years)
        opts = IndicatorOptions(method, exclude_feedstock, exclude_non_fossil, scope)
        has_base = (base_year or result.input.base_year) in result.years and target_year in result.years
        ind = indicators(result, target_year, base_year, opts) if has_base else None
        obs = plan_observations(result, target_year, base_year, opts) if has_base else None
    except TanfengError as err:
        raise _fail(err) from err
    if record:
        if obs is None:
            raise _fail(TanfengError("记录需要考核年和基准年的数据 / --record needs data for the assessed and base year"))
        _record(obs, database, region, reporter, actor, draft)
        return
    if fmt is OutFormat.xlsx:
        assert out is not None
        render.write_xlsx(result, out, ind, obs)
        typer.echo(f"已写入 / written: {out}", err=True)
        return
    text = render.to_json(result, ind, obs) if fmt is OutFormat.json else render.to_table(result, ind)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"已写入 / written: {out}", err=True)


def _record(obs: dict[str, Observation], database: str | None, region: str | None, reporter: str | None,
            actor: str | None, draft: bool) -> None:
    # the store (SQLAlchemy, Alembic) is imported only when recording
    from tanfeng.commands.common import actor_name, open_db
    from tanfeng.services.inventory_record import record_inventory

    try:
        result = record_inventory(open_db(database), obs, actor=actor_name(actor), region=region, reporter=reporter,
                                  draft=draft)
    except TanfengError as err:
        raise _fail(err) from err
    for item in result.recorded:
        typer.echo(f"{item.indicator}\t{item.period}\t{item.value:.4g} {item.unit}\t{item.reporter}")
    for why in result.skipped:
        typer.echo(f"未记录 / not recorded: {why}", err=True)
    c = result.collection
    typer.echo(f"已记录 / recorded: {c.created} 新增 created, {c.updated} 更新 updated, {c.unchanged} 未变 unchanged"
               f"（{'草稿 draft' if draft else '已提交 submitted'}）", err=True)


@app.command("factors")
def factors_cmd(
    factor_set: list[str] = typer.Option([], "--factors", help="置顶的因子集或文件 / set or file on top"),
    parameter: str | None = typer.Option(None, "--parameter", help="只列出该参数 / only this parameter"),
) -> None:
    """列出因子库（含来源与核验状态）/ list the factor library with sources and verification state."""
    try:
        lib = library(factor_set)
    except TanfengError as err:
        raise _fail(err) from err
    rows = [{"set": f.set_name, "parameter": f.parameter, "item": f.item, "region": f.region, "year": f.year,
             "value": f.value, "unit": f.unit, "source": f.source, "table": f.table, "edition": f.edition,
             "verified": f.verified, "evidence": f.evidence}
            for f in lib.all_factors() if parameter is None or f.parameter == parameter]
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
