"""``tanfeng peak``: project the scenarios of a scenario file (thin: parse, call, render)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from tanfeng.accounting.results import InventoryResult
from tanfeng.errors import TanfengError
from tanfeng.plans.model import Plan, Target

if TYPE_CHECKING:
    pass

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  context_settings={"allow_interspersed_args": True}, subcommand_metavar="")


class PeakFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    iamc = "iamc"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"tanfeng peak: {message}", err=True)
    return typer.Exit(code=2)


def read_plan_targets(path: Path) -> list[Target]:
    """Targets of a plan: the plan JSON contract (.json) or a plan file read by ``tanfeng.plans.read``."""
    if path.suffix.lower() == ".json":
        try:
            return Plan.from_json(path.read_text(encoding="utf-8-sig")).targets
        except OSError as err:
            raise _fail(f"{path}: 无法读取方案文件 / cannot read plan file ({err})") from err
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise _fail(f"{path}: {loc}: 不符合方案 JSON 格式 / not a plan JSON document ({first['msg']})") from err
    from tanfeng.plans import read

    try:
        return read(path).targets
    except TanfengError as err:
        raise _fail(str(err)) from err


def parse_span(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*[:\-–~]\s*(\d{4})\s*", text)
    if m is None:
        raise _fail(f"--decompose '{text}': 应写作 2020:2030 / expected YEAR:YEAR, e.g. 2020:2030")
    return int(m.group(1)), int(m.group(2))


def write_atomically(path: Path, text: str) -> None:
    """Write the whole output or nothing (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _inventory(path: Path) -> InventoryResult:
    from tanfeng.accounting import compute, read_inventory
    from tanfeng.accounting.factors import library

    try:
        return compute(read_inventory(path), library([]), "AR5")
    except TanfengError as err:
        raise _fail(str(err)) from err


def _stored_targets(database: str, region: str | None, plan_ref: str | None) -> list[Target]:
    """Targets of the stored plan (quotas included); the store is only read, never created or upgraded."""
    # the store (SQLAlchemy) is imported only when the targets come from the database
    from tanfeng.commands.common import open_db
    from tanfeng.db.migrate import current_revision, head_revision
    from tanfeng.services.plan_targets import stored_targets

    if "://" not in database and not Path(database).is_file():
        raise _fail(f"{database}: 数据库文件不存在 / database file not found")
    try:
        db = open_db(database, migrate=False)
        try:
            revision = current_revision(db)
            if revision != head_revision(db):
                raise TanfengError(f"数据库版本{revision or '（空）'}与程序不符，请先运行 tanfeng db upgrade / "
                                   f"database schema {revision or '(empty)'} is not current; run tanfeng db upgrade")
            return stored_targets(db, region=region, plan=plan_ref)
        finally:
            db.dispose()
    except TanfengError as err:
        raise _fail(str(err)) from err


@app.callback(invoke_without_command=True)
def peak(
    scenarios: Path | None = typer.Argument(None, help="情景文件（TOML）/ scenario file (TOML)"),
    example: bool = typer.Option(False, "--example", help="使用随附的上犹县示例情景（示例数据）/ use the bundled example"),
    runs: int = typer.Option(0, "--runs", "-n", help="蒙特卡洛模拟次数（0 = 不模拟）/ Monte Carlo runs (0 = none)"),
    seed: int = typer.Option(0, "--seed", help="随机种子（结果可复现）/ random seed (reproducible)"),
    fmt: PeakFormat = typer.Option(PeakFormat.table, "--format", "-f", help="输出格式 / output format"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件（默认标准输出）/ output file"),
    plan: Path | None = typer.Option(None, "--plan", help="方案（JSON 或方案原文），用于核对目标 / plan whose targets to check"),
    scenario: list[str] | None = typer.Option(None, "--scenario", "-s", help="只计算这些情景 / only these scenarios"),
    decompose: str | None = typer.Option(None, "--decompose", help="LMDI 分解年份，如 2020:2030 / years to decompose"),
    database: str | None = typer.Option(None, "--db", help="从数据库读取方案目标（含已录入的上级下达指标）/ check the "
                                        "targets of the plan stored in this database (URL or SQLite file)"),
    region: str | None = typer.Option(None, "--region", "-r", help="与 --db 同用：地区 / region (with --db)"),
    plan_ref: str | None = typer.Option(None, "--plan-id", help="与 --db 同用：方案ID或标题 / plan id or title (with --db)"),
    inventory: Path | None = typer.Option(None, "--inventory", help="基准年取自该清单（活动水平 xlsx/csv）：沿用清单的部门、燃料和因子，"
                                          "或按 [base_year.from_inventory] 对应到情景文件的部门和燃料 / take the base year from this inventory"),
    inventory_year: int | None = typer.Option(None, "--inventory-year", help="清单中作基准年的年份（默认清单基准年）/ inventory year used as base"),
) -> None:
    """情景预测：达峰年份、达峰概率、目标核对、LMDI 分解 / scenario projection: peak year, P(peak), targets, LMDI."""
    from tanfeng.projection import export, render, report
    from tanfeng.projection.errors import ScenarioError
    from tanfeng.projection.scenarios import example_scenarios_path, load

    if (scenarios is None) == (not example):
        raise _fail("请给出情景文件或 --example（二者选一）/ give a scenario file or --example, not both")
    scenarios = scenarios or example_scenarios_path()
    span = parse_span(decompose)
    if plan is not None and database is not None:
        raise _fail("--plan 与 --db 只能选一个 / give --plan or --db, not both")
    if (region is not None or plan_ref is not None) and database is None:
        raise _fail("--region、--plan-id 须与 --db 同用 / --region and --plan-id need --db")
    targets = read_plan_targets(plan) if plan is not None else []
    if database is not None:
        targets = _stored_targets(database, region, plan_ref)
    try:
        result = _inventory(inventory) if inventory else None
        scn = load(scenarios, inventory=result, inventory_year=inventory_year)
        if result is not None and result.label and not scn.label:  # 示例数据 inventories stay labelled
            scn = replace(scn, meta=replace(scn.meta, label=result.label))
        reports = report.build(scn, scenario or None, targets=targets, runs=runs, seed=seed, between=span)
    except ScenarioError as err:
        typer.echo(f"tanfeng peak: {err}", err=True)
        for line in err.lines()[1:]:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(code=2) from err
    except TanfengError as err:
        raise _fail(str(err)) from err
    render_fn = {PeakFormat.table: render.to_table, PeakFormat.json: export.to_json,
                 PeakFormat.csv: export.to_csv, PeakFormat.iamc: export.to_iamc}[fmt]
    text = render_fn(reports)
    if out is None:
        typer.echo(text)
    else:
        write_atomically(out, text if text.endswith("\n") else text + "\n")
        typer.echo(f"{scenarios} → {out}" + (f"（{scn.label}）" if scn.label else ""), err=True)
