"""Shared pieces of the store commands: the --db option, error handling, table/json/xlsx output."""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from openpyxl import Workbook
from openpyxl.styles import Font

from tanfeng.cells import neutralise_formulas
from tanfeng.config import Settings, current_user
from tanfeng.db.migrate import current_revision, head_revision, upgrade
from tanfeng.db.session import Database
from tanfeng.errors import TanfengError
from tanfeng.formatting import format_number

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="数据库URL或SQLite文件路径（默认 TANFENG_DATABASE_URL 或用户数据目录）/ database URL or SQLite file"),
]
RegionOption = Annotated[str | None, typer.Option("--region", "-r", help="地区 / region")]
ActorOption = Annotated[str | None, typer.Option("--actor", help="操作人（默认 TANFENG_USER 或登录名）/ who acts")]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


def open_db(database: str | None, *, migrate: bool = True) -> Database:
    """The configured database; an empty one is created on first use, an outdated one refused."""
    db = Database.from_settings(Settings.load(database))
    if migrate:
        current = current_revision(db)
        if current is None:
            upgrade(db)
        elif current != head_revision(db):
            raise TanfengError(f"数据库版本{current}过旧，请先运行 tanfeng db upgrade / "
                               f"database schema {current} is outdated; run tanfeng db upgrade")
    return db


def actor_name(actor: str | None) -> str:
    return actor or current_user()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a TanfengError into a one-line message on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TanfengError as err:
            typer.echo(f"tanfeng: {err}", err=True)
            for line in getattr(err, "details", lambda: [])()[1:]:
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(code=2) from err

    return wrapper


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_json(items: Sequence[Any]) -> str:
    return json.dumps([_plain(i) for i in items], ensure_ascii=False, indent=2)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, list):
        return "、".join(_cell(v) for v in value) or "—"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def table(headers: list[str], rows: list[list[Any]], max_width: int = 40) -> str:
    """A plain aligned text table (CJK characters count double; long cells clipped with …, not the last)."""
    cells = [[_clip(_cell(v), max_width) if i < len(row) - 1 else _cell(v) for i, v in enumerate(row)]
             for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def write_xlsx(path: Path, sheet: str, headers: list[str], rows: list[list[Any]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([("、".join(map(str, v)) if isinstance(v, list) else v) for v in row])
    ws.freeze_panes = "A2"
    neutralise_formulas(wb)
    wb.save(str(path))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a killed run leaves at most a hidden ``.NAME.partial`` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")  # fixed name: the next run overwrites a leftover
    try:
        with partial.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
