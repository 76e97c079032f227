"""``tanfeng inventory …``: the template, the computation, the factor library. Thin: parse, call, render."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from tanfeng.accounting.activity import InventoryInputError
from tanfeng.accounting.factors import BUILTIN_SETS, EVIDENCE_KINDS, GWP_METRICS, library
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
    fallback: str | None = typer.Option(None, "--fallback", help="允许用该因子集补充燃料所选因子集缺少的参数（每条混用行"
                                        "均列为警告）/ built-in set allowed to fill a parameter the fuel's set lacks "
                                        "(each mixed line is listed as a warning), e.g. ipcc2006"),
    gwp: str = typer.Option(DEFAULT_GWP, "--gwp", help=f"全球增温潜势 / GWP set: {'/'.join(GWP_METRICS)}"),
    fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="输出格式 / output format"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件（xlsx 默认“输入名-清单结果.xlsx”）/ output file"),
    year: int | None = typer.Option(None, "--year", help="考核年（默认最新年份）/ assessed year (default latest)"),
    base_year: int | None = typer.Option(None, "--base-year", help="基准年（默认取文件中的）/ base year"),
    method: ElectricityMethod = typer.Option(ElectricityMethod.equivalent, "--electricity-method",
                                             help="电力折标：等价值 equivalent / 当量值 calorific"),
    exclude_feedstock: bool = typer.Option(False, "--exclude-feedstock", help="扣除原料用能（803号）"),
    exclude_non_fossil: bool = typer.Option(False, "--exclude-non-fossil", help="能耗强度扣除非化石能源"),
    exclude_new_renewable: bool = typer.Option(False, "--exclude-new-renewable",
                                               help="扣除较基准年新增的可再生能源电力消费量（2024年规定）"),
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
    yes: bool = typer.Option(False, "--yes", help="确认记录（不加则只显示预览）/ confirm (without it: preview only)"),
    reason: str | None = typer.Option(None, "--reason", help="替换已采纳值的理由 / why accepted values are replaced"),
) -> None:
    """计算清单与双控指标 / compute the inventory and the dual-control indicators."""
    from tanfeng.accounting import render

    if fmt is OutFormat.xlsx and out is None:
        out = file.with_name(f"{file.stem}-清单结果.xlsx")
    try:
        result = compute(read_inventory(file), factors, gwp, fallback)
        target_year = year or max(result.years)
        opts = IndicatorOptions(method, exclude_feedstock, exclude_non_fossil, scope, exclude_new_renewable)
        has_base = (base_year or result.input.base_year) in result.years and target_year in result.years
        ind = indicators(result, target_year, base_year, opts) if has_base else None
        obs = plan_observations(result, target_year, base_year, opts) if has_base else None
    except TanfengError as err:
        raise _fail(err) from err
    if record:
        if obs is None:
            raise _fail(TanfengError("记录需要考核年和基准年的数据 / --record needs data for the assessed and base year"))
        _record(obs, database, region, reporter, actor, draft, yes, reason)
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
            actor: str | None, draft: bool, yes: bool, reason: str | None) -> None:
    # the store (SQLAlchemy, Alembic) is imported only when recording
    from tanfeng.commands.common import actor_name, open_db
    from tanfeng.services.inventory_record import preview_inventory, record_inventory

    db = open_db(database)
    try:
        preview = preview_inventory(db, obs, region=region, reporter=reporter)
        typer.echo("指标\t期间\t现值\t现状态\t新值\t差值\t填报单位")
        for i in preview.items:
            current = "—" if i.current is None else f"{i.current:.6g}"
            diff = "—" if i.difference is None else f"{i.difference:+.6g}"
            typer.echo(f"{i.indicator}\t{i.period}\t{current}\t{i.status_zh}\t{i.new:.6g} {i.unit}\t{diff}\t{i.reporter}"
                       + ("\t（将替换已采纳的值）" if i.replaces_accepted else ""))
        for why in preview.skipped:
            typer.echo(f"未记录 / not recorded: {why}", err=True)
        if not yes:
            typer.echo("以上为预览，未写入。确认后加 --yes 重新运行" + ("，并用 --reason 说明替换已采纳值的理由"
                       if preview.needs_reason else "") + " / preview only, nothing written: add --yes to record", err=True)
            return
        result = record_inventory(db, obs, actor=actor_name(actor), region=region, reporter=reporter, draft=draft,
                                  confirm=True, reason=reason, expected=preview.fingerprint)
    except TanfengError as err:
        raise _fail(err) from err
    c = result.collection
    typer.echo(f"已记录 / recorded: {c.created} 新增 created, {c.updated} 更新 updated, {c.unchanged} 未变 unchanged"
               f"（{'草稿 draft' if draft else '已提交待审核 submitted for review'}）", err=True)


@app.command("factors")
def factors_cmd(
    factor_set: list[str] = typer.Option([], "--factors", help="置顶的因子集或文件 / set or file on top"),
    parameter: str | None = typer.Option(None, "--parameter", help="只列出该参数 / only this parameter"),
    counts: bool = typer.Option(False, "--counts", help="按因子集统计各依据类型的行数 / rows per evidence kind and set"),
) -> None:
    """列出因子库（含来源与核验状态）/ list the factor library with sources and verification state."""
    try:
        lib = library(factor_set)
    except TanfengError as err:
        raise _fail(err) from err
    if counts:
        table = {s.name: {k: sum(1 for f in s.factors if f.evidence == k) for k in EVIDENCE_KINDS}
                 | {"verified": sum(1 for f in s.factors if f.verified), "rows": len(s.factors)} for s in lib.sets}
        typer.echo(json.dumps(table, ensure_ascii=False, indent=1))
        return
    rows = [{"set": f.set_name, "parameter": f.parameter, "item": f.item, "region": f.region, "year": f.year,
             "value": f.value, "unit": f.unit, "source": f.source, "table": f.table, "edition": f.edition,
             "verified": f.verified, "evidence": f.evidence, "evidence_ref": f.evidence_ref, "note": f.note}
            for f in lib.all_factors() if parameter is None or f.parameter == parameter]
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
