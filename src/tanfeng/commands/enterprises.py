"""``tanfeng enterprises`` and ``tanfeng projects``: the key-energy-user and 两高 project lists from files."""

from __future__ import annotations

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
)
from tanfeng.db.session import Database
from tanfeng.enterprises import benchmarks
from tanfeng.errors import TanfengError
from tanfeng.formatting import format_number

app = typer.Typer(help="重点用能单位名录：模板、导入、列表、校验 / key energy users: template, import, list, check",
                  no_args_is_help=True)
projects_app = typer.Typer(help="“两高”项目清单：模板、导入、列表（含分类处置）、校验 / 两高 projects: template, import, "
                                "list with classification, check", no_args_is_help=True)


def _region_id(database: Database, region: str | None) -> int | None:
    from tanfeng.services.regions import find_region_id

    return find_region_id(database, region) if region else None


@app.command()
@handle_errors
def template(out: Path = typer.Option(..., "--out", "-o", help="输出 .xlsx / output workbook"), db: DbOption = None) -> None:
    """生成企业名录模板（含下拉选项与校验）/ write the enterprise template (with data validation)."""
    from tanfeng.services import enterprises

    enterprises.write_template(open_db(db), out)
    typer.echo(f"{out}: 企业名录模板 / enterprise template")


@app.command("import")
@handle_errors
def import_cmd(
    files: list[Path] = typer.Argument(..., help="填好的 .xlsx 或 .csv / filled workbooks or CSV"),
    region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """校验并导入企业；任何一行有误则整份文件不导入 / validate and store; any bad row rejects the whole file."""
    from tanfeng.services import enterprises

    database = open_db(db)
    for path in files:
        r = enterprises.import_enterprises(database, path, actor=actor_name(actor), region=region)
        zh = f"新增{r.created}，更新{r.updated}，未变{r.unchanged}"
        en = f"created {r.created}, updated {r.updated}, unchanged {r.unchanged}"
        if r.accounts_moved:  # the accounts of an enterprise that moved region follow it
            zh += f"，{r.accounts_moved}个企业账号随企业迁入新地区"
            en += f", {r.accounts_moved} enterprise account(s) moved with their enterprise"
        typer.echo(f"{path}: {zh} / {en}")


@app.command()
@handle_errors
def check(files: list[Path] = typer.Argument(..., help="待校验的文件 / files to check"),
          region: RegionOption = None, db: DbOption = None) -> None:
    """只校验不导入（逐行列出错误）/ check files without storing anything (every bad row listed)."""
    from tanfeng.services import enterprises

    database = open_db(db)
    for path in files:
        r = enterprises.import_enterprises(database, path, actor="check", region=region, dry_run=True)
        typer.echo(f"{path}: 无误，可导入（将新增{r.created}，更新{r.updated}）/ valid: would create {r.created}, "
                   f"update {r.updated}")


@app.command("list")
@handle_errors
def list_cmd(
    region: RegionOption = None,
    industry: str | None = typer.Option(None, "--industry", help="行业代码前缀，如 C30 / industry code prefix"),
    query: str | None = typer.Option(None, "--query", "-q", help="名称或代码包含 / name or code contains"),
    key_only: bool = typer.Option(False, "--key", help="只列重点用能或重点排放单位 / key users and emitters only"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="xlsx 输出文件 / output for --format xlsx"),
    db: DbOption = None,
) -> None:
    """列出企业 / list enterprises."""
    from tanfeng.services import enterprises

    database = open_db(db)
    rows = enterprises.list_enterprises(database, None, region_id=_region_id(database, region), industry=industry,
                                        query=query, key_only=key_only)
    if fmt == OutputFormat.json:
        typer.echo(to_json(rows))
    elif fmt == OutputFormat.xlsx:
        if out is None:
            raise TanfengError("--format xlsx 需要 --out / --format xlsx needs --out")
        enterprises.write_template(database, out, rows=rows)
        typer.echo(f"{out}: {len(rows)}家企业 / {len(rows)} enterprises")
    else:
        yes = {True: "是", False: "否"}
        typer.echo(table(["地区", "企业", "统一社会信用代码", "行业", "重点用能", "碳市场", "项目数"],
                         [[r.region, r.name, r.uscc, r.industry_code, yes[r.key_energy_user], yes[r.carbon_market],
                           r.projects] for r in rows]))


@projects_app.command("template")
@handle_errors
def project_template(out: Path = typer.Option(..., "--out", "-o", help="输出 .xlsx / output workbook"),
                     db: DbOption = None) -> None:
    """生成项目清单模板 / write the project template."""
    from tanfeng.services import projects

    projects.write_template(open_db(db), out)
    typer.echo(f"{out}: 项目清单模板 / project template")


@projects_app.command("import")
@handle_errors
def project_import(
    files: list[Path] = typer.Argument(..., help="填好的 .xlsx 或 .csv / filled workbooks or CSV"),
    region: RegionOption = None, db: DbOption = None, actor: ActorOption = None,
) -> None:
    """校验并导入项目；任何一行有误则整份文件不导入 / validate and store; any bad row rejects the whole file."""
    from tanfeng.services import projects

    database = open_db(db)
    for path in files:
        r = projects.import_projects(database, path, actor=actor_name(actor), region=region)
        typer.echo(f"{path}: 新增{r.created}，更新{r.updated}，产品线{r.product_lines}，状态变更{r.status_changes} / "
                   f"created {r.created}, updated {r.updated}, product lines {r.product_lines}, "
                   f"status changes {r.status_changes}")


@projects_app.command("check")
@handle_errors
def project_check(files: list[Path] = typer.Argument(..., help="待校验的文件 / files to check"),
                  region: RegionOption = None, db: DbOption = None) -> None:
    """只校验不导入 / check files without storing anything."""
    from tanfeng.services import projects

    database = open_db(db)
    for path in files:
        r = projects.import_projects(database, path, actor="check", region=region, dry_run=True)
        typer.echo(f"{path}: 无误，可导入（将新增{r.created}，更新{r.updated}）/ valid: would create {r.created}, "
                   f"update {r.updated}")


@projects_app.command("list")
@handle_errors
def project_list(
    region: RegionOption = None,
    status: str | None = typer.Option(None, "--status", help="拟建/在建/投产/改造/退出"),
    klass: str | None = typer.Option(None, "--class",
                                     help="benchmark | upgrade | below_baseline | entry（准入预警）| none"),
    edition: str = typer.Option(benchmarks.LATEST_EDITION, "--edition", help="标杆表版本 2021 | 2023 / table edition"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="xlsx 输出文件 / output for --format xlsx"),
    db: DbOption = None,
) -> None:
    """列出项目及其分类处置 / list projects with their classification against the benchmark table."""
    from tanfeng.services import projects
    from tanfeng.services.enterprise_sheets import STATUS_ZH

    database = open_db(db)
    status_key = projects.parse_status(status) if status else None
    if status and status_key is None:
        raise TanfengError(f"项目状态“{status}”无效 / invalid status '{status}'")
    views = projects.list_projects(database, None, region_id=_region_id(database, region), status=status_key,
                                   klass=klass, edition=edition)
    if fmt == OutputFormat.json:
        typer.echo(to_json([{**{k: getattr(v, k) for k in ("id", "region", "code", "name", "enterprise", "uscc",
                                                          "status", "energy_equivalent_tce")},
                             "class": v.klass, "entry_flag": v.entry_flag,
                             "lines": [{"product": ln.product, "design_unit_energy": ln.design_unit_energy,
                                        "unit": ln.unit_energy_unit,
                                        "class": ln.classification.klass if ln.classification else None,
                                        "document": ln.classification.row.document if ln.classification else None,
                                        "problem": ln.problem} for ln in v.lines]} for v in views]))
    elif fmt == OutputFormat.xlsx:
        if out is None:
            raise TanfengError("--format xlsx 需要 --out / --format xlsx needs --out")
        projects.write_export(out, views)
        typer.echo(f"{out}: {len(views)}个项目 / {len(views)} projects")
    else:
        rows = []
        for v in views:
            worst = v.worst
            rows.append([v.region, v.code, v.name, STATUS_ZH[v.status],
                         format_number(worst.value) + " " + worst.row.unit if worst else "—",
                         worst.label_zh if worst else "未分类", "是" if v.entry_flag else ""])
        typer.echo(table(["地区", "项目代码", "项目", "状态", "单位产品能耗", "分类处置", "准入预警"], rows))


# ---- enterprise energy data (ent-data) ----

@app.command("energy-template")
@handle_errors
def energy_template(out: Path = typer.Option(..., "--out", "-o", help="输出 .csv / output CSV")) -> None:
    """生成能源数据导入模板（长表：代码、期间、类别、品种、数量、单位）/ write the energy-data template (long format)."""
    from tanfeng.commands.common import write_atomic
    from tanfeng.services.enterprise_energy import template_csv

    write_atomic(out, template_csv().encode("utf-8-sig"))
    typer.echo(f"{out}: 能源数据模板 / energy-data template")


@app.command("energy-import")
@handle_errors
def energy_import(
    files: list[Path] = typer.Argument(..., help="能源数据 .xlsx 或 .csv / energy data workbooks or CSV"),
    row_by_row: bool = typer.Option(False, "--row-by-row", help="逐行写入（较慢，用于对比）/ write row by row"),
    check: bool = typer.Option(False, "--check", help="只校验不保存 / validate only, store nothing"),
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """校验并导入企业月度（日、年）能源与产量数据；任何一行有误则整份文件不导入 / validate and store; any bad row
    rejects the whole file."""
    from tanfeng.services.enterprise_energy import import_files

    for path, r in import_files(open_db(db), files, actor=actor_name(actor), bulk=False if row_by_row else None,
                                dry_run=check):
        verb = "校验无误，将" if check else ""
        typer.echo(f"{path}: {verb}新增{r.created}，更新{r.updated}，未变{r.unchanged} / "
                   f"{'valid, would create' if check else 'created'} {r.created}, updated {r.updated}, "
                   f"unchanged {r.unchanged}")


@app.command("quality")
@handle_errors
def energy_quality(
    region: RegionOption = None,
    uscc: str | None = typer.Option(None, "--uscc", help="只查一家企业 / one enterprise"),
    last: str | None = typer.Option(None, "--through", help="应报至该月（YYYY-MM）/ months expected up to"),
    outlier: float = typer.Option(3.0, "--outlier", help="环比异常倍数 / month-on-month ratio"),
    tolerance: float = typer.Option(0.05, "--annual-tolerance", help="月度合计与年报允许偏差 / allowed gap"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    db: DbOption = None,
) -> None:
    """数据质量校验：完整性、月度合计与年报、环比异常、计量单位 / data-quality flags of the enterprises' energy data."""
    from sqlalchemy import select

    from tanfeng.db.enterprise_models import Enterprise
    from tanfeng.enterprises.quality import RULE_ZH, Rules
    from tanfeng.services.enterprise_energy import cli_account, region_flags

    database = open_db(db)
    rid = _region_id(database, region)
    flags = region_flags(database, cli_account("cli"), Rules(outlier_ratio=outlier, annual_tolerance=tolerance),
                         last=last, region_ids=[rid] if rid is not None else None)
    with database.transaction() as session:
        names = {e.id: (e.name, e.uscc) for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(list(flags))))}
    if uscc:
        flags = {k: v for k, v in flags.items() if names[k][1] == uscc.strip().upper()}
    if fmt == OutputFormat.json:
        typer.echo(to_json([{"enterprise": names[k][0], "uscc": names[k][1], **f.to_dict()}
                            for k, v in flags.items() for f in v]))
        return
    rows = [[names[k][0], RULE_ZH[f.rule], f.period, f.fuel, "；".join(f"{n}={format_number(x, 4)}"
                                                                      for n, x in f.numbers.items())]
            for k, v in flags.items() for f in v]
    typer.echo(table(["企业", "规则", "期间", "品种", "数据"], rows) if rows else "未发现问题 / no flags")


@app.command("headroom")
@handle_errors
def energy_headroom(region: str = typer.Option(..., "--region", "-r", help="地区 / region"),
                    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
                    db: DbOption = None) -> None:
    """用能空间：能耗强度目标下逐年剩余的能耗（扣除803号规定的原料用能和新增可再生能源电力）/ energy headroom by year."""
    from tanfeng.services.enterprise_data import region_headroom
    from tanfeng.services.enterprise_energy import cli_account

    database = open_db(db)
    rid = _region_id(database, region)
    assert rid is not None
    view = region_headroom(database, cli_account("cli"), rid)
    if view.error:
        raise TanfengError(view.error)
    if fmt == OutputFormat.json:
        typer.echo(to_json([y.to_dict() for y in view.years]))
        return
    typer.echo(table(["年份", "允许能耗", "计入能耗", "已审批项目", "拟建项目", "剩余空间（tce）"],
                     [[y.year, format_number(y.allowed_tce, 0), format_number(y.counted_tce, 0),
                       format_number(y.approved_tce, 0), format_number(y.planned_tce, 0), format_number(y.room_tce, 0)]
                      for y in view.years]))
