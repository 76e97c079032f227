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
        typer.echo(f"{path}: 新增{r.created}，更新{r.updated}，未变{r.unchanged} / created {r.created}, "
                   f"updated {r.updated}, unchanged {r.unchanged}")


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
