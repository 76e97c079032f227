"""The ``tanfeng`` command. Thin: parse arguments, call library/services, render output."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from tanfeng import __version__
from tanfeng.accounting.cli import app as inventory_app
from tanfeng.commands import data as data_cmd
from tanfeng.commands import db as db_cmd
from tanfeng.commands import plan as plan_cmd
from tanfeng.commands.views import status_app, units_app
from tanfeng.errors import PlanReadError
from tanfeng.web import cli as web_cli

app = typer.Typer(
    name="tanfeng",
    help="碳峰 tanfeng — 碳达峰实施方案的读取、跟踪、核算、预测与报告 / "
    "read, track, account, project and report a carbon-peaking plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(inventory_app, name="inventory")


class PlanFormat(StrEnum):
    json = "json"
    markdown = "markdown"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tanfeng {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="显示版本 / show the version"),
) -> None:
    """碳峰 tanfeng."""


@app.command()
def parse(
    files: list[str] = typer.Argument(..., help="方案文件（txt/docx/pdf/html），'-' 为标准输入 / plan files, '-' for stdin"),
    fmt: PlanFormat = typer.Option(PlanFormat.json, "--format", "-f", help="输出格式 / output format"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出目录（每个文件一份）/ write one file per input here"),
) -> None:
    """读取方案文件，输出结构化方案 / read plan files into the plan JSON contract or a markdown outline."""
    from tanfeng.plans import read, read_bytes
    from tanfeng.plans.render import to_markdown

    failures = 0
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    for name in files:
        try:
            plan = read_bytes(sys.stdin.buffer.read(), "-") if name == "-" else read(name)
        except PlanReadError as err:
            typer.echo(f"tanfeng parse: {err}", err=True)
            failures += 1
            continue
        text = plan.to_json() if fmt is PlanFormat.json else to_markdown(plan)
        if out is None:
            typer.echo(text)
        else:
            stem = "stdin" if name == "-" else Path(name).stem
            target = out / f"{stem}.{'json' if fmt is PlanFormat.json else 'md'}"
            target.write_text(text + "\n", encoding="utf-8")
            typer.echo(f"{name} → {target}", err=True)
    if failures:
        raise typer.Exit(code=2)


app.add_typer(db_cmd.app, name="db")
app.add_typer(plan_cmd.app, name="plan")
app.add_typer(data_cmd.app, name="data")
app.add_typer(status_app, name="status")
app.add_typer(units_app, name="units")
app.add_typer(web_cli.users_app, name="users")
app.command("serve")(web_cli.serve)
app.command("demo")(web_cli.demo)


def main() -> None:
    app()
