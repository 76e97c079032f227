"""``tanfeng db``: where the database is, creating / migrating it, backing it up (with its documents)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from tanfeng.commands.common import DbOption, handle_errors
from tanfeng.config import Settings
from tanfeng.db.base import Base
from tanfeng.db.migrate import current_revision, head_revision, upgrade
from tanfeng.db.roles import DEFAULT_ROLE, grant_app_role, granted_roles
from tanfeng.db.session import Database
from tanfeng.errors import TanfengError
from tanfeng.formatting import format_number, format_time
from tanfeng.services.attachments import ENV_DIR, AttachmentStore, default_directory, missing_files
from tanfeng.services.backup import ArchiveInfo, backup, inspect_archive, restore

app = typer.Typer(help="数据库：位置、创建与迁移 / the database: location, creation, migration", no_args_is_help=True)


AttachmentsDirOption = Annotated[Path | None, typer.Option(
    "--attachments-dir", envvar=ENV_DIR, show_envvar=False,
    help="佐证材料目录（默认：TANFENG_ATTACHMENTS_DIR，否则SQLite文件旁的attachments/，否则用户数据目录）/ "
         "the attachments directory (default: TANFENG_ATTACHMENTS_DIR, else attachments/ beside the SQLite file, "
         "else the per-user data directory)")]


@app.command()
@handle_errors
def info(db: DbOption = None, as_json: bool = typer.Option(False, "--json", help="JSON 输出 / JSON output"),
         attachments_dir: AttachmentsDirOption = None) -> None:
    """显示数据库位置、后端、迁移版本、各表行数和佐证材料目录 / show the database location, backend, revision, row
    counts and the attachments directory (with how many stored documents' files are missing there)."""
    settings = Settings.load(db)
    database = Database.from_settings(settings)
    url = make_url(settings.database_url)
    data: dict[str, object] = {
        "url": url.render_as_string(hide_password=True),
        "backend": url.get_backend_name(),
        "path": str(settings.sqlite_path) if settings.sqlite_path else None,
        "head_revision": head_revision(database),
    }
    try:
        data["revision"] = current_revision(database)
        tables = set(inspect(database.engine).get_table_names())
        with database.engine.connect() as conn:
            data["rows"] = {t.name: conn.scalar(select(func.count()).select_from(t))
                            for t in Base.metadata.sorted_tables if t.name in tables}
        store = _store(database, attachments_dir)
        data["attachments_dir"] = str(store.root)
        if "attachments" in tables:
            data["attachments_missing"] = missing_files(database, store)
    except Exception as err:  # the point of `info` is to report, not to fail
        data["error"] = f"{type(err).__name__}: {str(err).splitlines()[0]}"
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_info(data)
    if "error" in data:
        raise typer.Exit(code=2)  # reported above; a script must still see that the database is not usable


def _print_info(data: dict[str, object]) -> None:
    labels = {"url": "地址 URL", "backend": "后端 backend", "path": "文件 file", "revision": "当前版本 revision",
              "head_revision": "最新版本 head", "attachments_dir": "佐证材料目录 attachments",
              "attachments_missing": "缺失的佐证材料文件 missing document files", "error": "错误 error"}
    for key, label in labels.items():
        if key in data:
            typer.echo(f"{label}: {data[key] if data[key] is not None else '—'}")
    rows = data.get("rows")
    if isinstance(rows, dict) and rows:
        typer.echo("行数 rows: " + ", ".join(f"{k}={v}" for k, v in rows.items()))
    if data.get("revision") is None and "error" not in data:
        typer.echo("数据库尚未建立，运行 tanfeng db upgrade（或任一命令首次使用时自动建立）/ "
                   "no schema yet: run tanfeng db upgrade (or any command creates it on first use)")


@app.command("upgrade")
@handle_errors
def upgrade_cmd(db: DbOption = None, revision: str = typer.Option("head", help="目标版本 / target revision")) -> None:
    """创建数据库或迁移到最新版本 / create the database or migrate it to the latest schema."""
    database = Database.from_settings(Settings.load(db))
    before = current_revision(database)
    upgrade(database, revision)
    after = current_revision(database)
    typer.echo(f"数据库版本 / schema revision: {before or '（空 / empty）'} → {after}")
    if not database.is_sqlite:
        with database.engine.begin() as conn:  # tables of the new revision get the application role's grants
            for role in granted_roles(conn):
                grant_app_role(conn, role)
                typer.echo(f"应用角色 {role} 的权限已更新 / grants of application role {role} refreshed")


@app.command("app-role")
@handle_errors
def app_role(
    role: str = typer.Argument(DEFAULT_ROLE, help="应用连接所用的角色名 / the role the application connects as"),
    password: str | None = typer.Option(None, "--password", envvar="TANFENG_APP_ROLE_PASSWORD",
                                        help="新建角色的密码（信任认证时可省略）/ password of a new role"),
    db: DbOption = None,
) -> None:
    """PostgreSQL：建立或更新应用角色（非超级用户、不拥有任何表、历史表只能追加）/ set up the application role.

    Run as the database owner (the role that runs tanfeng db upgrade); idempotent.
    """
    database = Database.from_settings(Settings.load(db))
    if database.is_sqlite:
        raise TanfengError("应用角色只用于PostgreSQL / the application role is for PostgreSQL only")
    with database.engine.begin() as conn:
        created = grant_app_role(conn, role, password=password)
    url = make_url(database.url).set(username=role, password=None).render_as_string(hide_password=True)
    typer.echo(f"{'已建立' if created else '已更新'}应用角色 {role}；应用请连接 / {'created' if created else 'updated'} "
               f"role {role}; connect the application with TANFENG_DATABASE_URL={url}")


def _store(database: Database, directory: Path | None) -> AttachmentStore:
    return AttachmentStore(directory.expanduser() if directory else default_directory(database.url))


def _kb(size: int) -> str:
    return f"{format_number(max(1, round(size / 1024)), 0)} KB"


@app.command("backup")
@handle_errors
def backup_cmd(
    file: Path = typer.Argument(..., help="备份文件（已有则替换）/ backup file (replaced if it exists)"),
    db: DbOption = None,
    attachments_dir: AttachmentsDirOption = None,
) -> None:
    """备份整个数据库及其佐证材料（运行中也可）/ back up the whole database and its documents (while in use, too).

    One zip file: the database (SQLite online backup, or pg_dump custom format), the supporting
    documents (佐证材料) its rows name, and a manifest with each file's SHA-256.
    """
    database = Database.from_settings(Settings.load(db))
    store = _store(database, attachments_dir)
    info = backup(database, file, store)
    typer.echo(f"已备份到 / backed up to {info.path}（{info.backend}，数据库版本 / revision {info.revision}，"
               f"佐证材料 / documents {info.attachments}，{_kb(info.size)}）")
    if info.missing:
        typer.echo(f"警告：{info.missing}个佐证材料文件在{store.root}中缺失或已损坏，未能备份 / warning: {info.missing} "
                   f"document file(s) missing from {store.root} or damaged, not in the backup", err=True)


def _holds(info: ArchiveInfo) -> str:
    if info.attachments is None:
        return "不含佐证材料（仅数据库的旧备份）/ no documents (a database-only backup)"
    return f"佐证材料 / documents {info.attachments}（{_kb(info.attachment_bytes)}）"


@app.command("inspect")
@handle_errors
def inspect_cmd(
    file: Path = typer.Argument(..., help="tanfeng db backup 写出的备份文件 / a file written by tanfeng db backup"),
    as_json: bool = typer.Option(False, "--json", help="JSON 输出 / JSON output"),
) -> None:
    """检查备份文件：逐个核对内容，显示数据库版本和佐证材料数 / check a backup file member by member."""
    info = inspect_archive(file)
    if as_json:
        typer.echo(json.dumps({"path": str(info.path), "backend": info.backend, "revision": info.revision,
                               "size": info.size, "attachments": info.attachments,
                               "attachment_bytes": info.attachment_bytes, "missing": info.missing,
                               "created_at": info.created_at}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"备份完好 / backup intact: {info.path}（{info.backend}，数据库版本 / revision {info.revision}，"
               f"{_kb(info.size)}）")
    if info.created_at:
        try:
            taken = format_time(datetime.fromisoformat(info.created_at))
        except ValueError:
            taken = info.created_at
        typer.echo(f"备份时间 / taken at: {taken}")
    typer.echo(_holds(info))
    if info.missing:
        typer.echo(f"备份时有{info.missing}个佐证材料文件缺失，未在备份中 / {info.missing} document file(s) were "
                   "missing when the backup was taken")


@app.command("restore")
@handle_errors
def restore_cmd(
    file: Path = typer.Argument(..., help="tanfeng db backup 写出的备份文件 / a file written by tanfeng db backup"),
    yes: bool = typer.Option(False, "--yes", "-y", help="不再确认 / do not ask"),
    db: DbOption = None,
    attachments_dir: AttachmentsDirOption = None,
) -> None:
    """用备份替换整个数据库，放回佐证材料（先检查备份文件）/ replace the database with a backup, put its documents back.

    Every document's SHA-256 is checked before anything is replaced; files in the attachments
    directory that the backup does not hold are left alone.
    """
    database = Database.from_settings(Settings.load(db))
    store = _store(database, attachments_dir)
    info = inspect_archive(file, verify=False)  # the full check comes with the restore, before any change
    where = make_url(database.url).render_as_string(hide_password=True)
    if not yes and not typer.confirm(f"用 {file}（数据库版本 {info.revision}，{_holds(info)}）替换 {where} 的全部数据？/ "
                                     f"replace all data in {where}?", default=False):
        typer.echo("未恢复 / not restored", err=True)
        raise typer.Exit(code=1)
    done = restore(database, file, store)
    typer.echo(f"已恢复 / restored {where} ← {file}（数据库版本 / revision {done.database.revision}"
               + (f"，已迁移到 / migrated to {done.database.upgraded_to}" if done.database.upgraded_to else "") + "）")
    if done.attachments is None:
        typer.echo("此备份不含佐证材料（仅数据库的旧备份），佐证材料目录未改动 / this backup holds no documents "
                   "(a database-only backup); the attachments directory was not changed")
    else:
        typer.echo(f"佐证材料 / documents → {done.directory}：备份中{done.attachments}个，放回{done.written}个，"
                   f"已在目录中{done.present}个 / {done.attachments} in the backup, {done.written} put back, "
                   f"{done.present} already there")
    if done.still_missing:
        typer.echo(f"警告：恢复后的数据库中有{done.still_missing}个佐证材料文件在{done.directory}中找不到 / warning: "
                   f"{done.still_missing} document file(s) named by the restored database are not in "
                   f"{done.directory}", err=True)
