"""The ``tanfeng`` command. Thin: parse arguments, call library/services, render output."""

from __future__ import annotations

import importlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from tanfeng import __version__
from tanfeng.commands import web as web_cli
from tanfeng.errors import PlanReadError

# Command groups imported only when used: `tanfeng parse` should not pay for SQLAlchemy, pint,
# numpy and openpyxl (the store, accounting and report stacks) at every start.
LAZY_GROUPS: dict[str, str] = {
    "db": "tanfeng.commands.db:app",
    "plan": "tanfeng.commands.plan:app",
    "data": "tanfeng.commands.data:app",
    "status": "tanfeng.commands.views:status_app",
    "units": "tanfeng.commands.views:units_app",
    "inventory": "tanfeng.commands.inventory:app",
    "report": "tanfeng.commands.report:app",
    "peak": "tanfeng.commands.peak:app",
    "users": "tanfeng.commands.web:users_app",
    "consult": "tanfeng.commands.consultation:app",
    "remind": "tanfeng.commands.remind:app",
    "enterprises": "tanfeng.commands.enterprises:app",
    "projects": "tanfeng.commands.enterprises:projects_app",
}


class LazyGroup(TyperGroup):
    """The root group: sub-command groups come from ``LAZY_GROUPS`` on first use."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return [*super().list_commands(ctx), *(n for n in LAZY_GROUPS if n not in self.commands)]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]  # typer's vendored click type
        if cmd_name in LAZY_GROUPS and cmd_name not in self.commands:
            module, attr = LAZY_GROUPS[cmd_name].split(":")
            command = typer.main.get_command(getattr(importlib.import_module(module), attr))
            command.name = cmd_name
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    cls=LazyGroup,
    name="tanfeng",
    help="碳峰 tanfeng — 碳达峰实施方案的读取、跟踪、核算、预测与报告 / "
    "read, track, account, project and report a carbon-peaking plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    explain: bool = typer.Option(False, "--explain", help="逐条说明目标与任务的来源句、规则和被否定的读法 / "
                                 "explain each target and task: sentence, rule, rejected readings"),
) -> None:
    """读取方案文件，输出结构化方案 / read plan files into the plan JSON contract or a markdown outline."""
    from tanfeng.plans import read, read_bytes
    from tanfeng.plans.render import to_markdown

    if explain:
        _explain(files)
        return

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


def _explain(files: list[str]) -> None:
    from tanfeng.plans import MAX_BYTES
    from tanfeng.plans.explain import explain_bytes

    failures = 0
    for name in files:
        try:
            if name == "-":
                data = sys.stdin.buffer.read()
            else:
                path = Path(name)
                if not path.is_file():
                    raise PlanReadError(name, "文件不存在", "file not found")
                if path.stat().st_size > MAX_BYTES:
                    raise PlanReadError(name, "文件过大（超过 64 MiB）", "file too large (over 64 MiB)")
                data = path.read_bytes()
            typer.echo(explain_bytes(data, name))
        except PlanReadError as err:
            typer.echo(f"tanfeng parse: {err}", err=True)
            failures += 1
    if failures:
        raise typer.Exit(code=2)


app.command("serve")(web_cli.serve)
app.command("demo")(web_cli.demo)


def main() -> None:
    app()
