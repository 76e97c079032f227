"""``tanfeng report …``: the annual evaluation report (thin: parse options, call the service, write the file)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from tanfeng.commands.common import DbOption, RegionOption, handle_errors, open_db, write_atomic
from tanfeng.reports.annual import build_annual_content, render

app = typer.Typer(help="报告 / reports for the leading group", no_args_is_help=True)


@app.callback()
def _reports() -> None:
    """报告 / reports for the leading group."""


class ReportLanguage(StrEnum):
    zh = "zh"
    en = "en"


class ReportFormat(StrEnum):
    docx = "docx"
    html = "html"
    xlsx = "xlsx"


@app.command()
@handle_errors
def annual(
    year: int = typer.Option(..., "--year", "-y", help="评估年度 / the evaluated year"),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="输出文件（默认：报告标题.docx，当前目录）/ output file (default: the title)"),
    fmt: ReportFormat | None = typer.Option(None, "--format", "-f",
                                            help="docx（默认，按文件扩展名）、html、xlsx / output format"),
    region: RegionOption = None,
    plan: str | None = typer.Option(None, "--plan", help="方案ID或标题（地区有多个方案时）/ plan id or title"),
    inventory: Path | None = typer.Option(None, "--inventory",
                                          help="清单活动水平文件（.csv/.xlsx）/ inventory activity data"),
    scenarios: Path | None = typer.Option(None, "--scenarios", help="达峰情景文件（.toml）/ projection scenarios"),
    fallback: str | None = typer.Option(None, "--fallback", help="清单中燃料所选因子集缺少参数时允许补充的因子集（如 "
                                        "ipcc2006，逐行列入说明）/ set allowed to fill a missing inventory parameter"),
    accepted_only: bool = typer.Option(False, "--accepted-only", help="只用已审核的数据 / accepted values only"),
    lang: ReportLanguage = typer.Option(ReportLanguage.zh, "--lang",
                                        help="报告语言：zh（中文，默认）或 en（英文）/ the report's language"),
    database: DbOption = None,
) -> None:
    """生成年度评估报告 / write the annual evaluation report (Word, web page or Excel)."""
    suffix = out.suffix.lower() if out else ""
    chosen = fmt.value if fmt else (suffix.lstrip(".") if suffix in (".html", ".xlsx") else "docx")
    content = build_annual_content(open_db(database), year, region=region, plan=plan, inventory=inventory,
                                   scenarios=scenarios, accepted_only=accepted_only, fallback=fallback)
    data = render(content, chosen, lang.value)
    out = out or Path(content.filename(chosen, lang.value))
    write_atomic(out, data)
    typer.echo(f"{out}（{chosen}，{len(data) // 1024} KB）")
