"""``tanfeng serve``, ``tanfeng demo`` (the main job) and ``tanfeng users`` (accounts of the workspace)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from platformdirs import user_data_dir

from tanfeng.errors import TanfengError

if TYPE_CHECKING:
    from tanfeng.db.session import Database

# Heavy modules (SQLAlchemy, argon2, FastAPI) are imported inside the commands: `tanfeng parse` stays fast.

users_app = typer.Typer(help="工作台账号 / accounts of the web workspace", no_args_is_help=True)


def _database(db: str | None) -> Database:
    from tanfeng.config import Settings
    from tanfeng.db.session import Database

    return Database.from_settings(Settings.load(db))


def _fail(err: Exception) -> None:
    typer.echo(f"tanfeng: {err}", err=True)
    raise typer.Exit(code=2)


def run_server(app: object, host: str, port: int) -> None:
    import uvicorn

    from tanfeng.web.server import SERVER_OPTIONS

    uvicorn.run(app, host=host, port=port, **SERVER_OPTIONS)  # type: ignore[arg-type]


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址 / address to listen on"),
    port: int = typer.Option(8000, help="端口 / port"),
    db: str | None = typer.Option(None, "--db", help="数据库URL或SQLite文件 / database URL or SQLite file"),
) -> None:
    """启动网页工作台 / serve the web workspace (needs TANFENG_SECRET_KEY outside development)."""
    from tanfeng.db.migrate import upgrade
    from tanfeng.web import WebSettings, create_app

    try:
        settings = WebSettings()
        database = _database(db or settings.database_url)
        upgrade(database)
    except (TanfengError, ValueError) as err:
        _fail(err)
        return
    typer.echo(f"碳峰工作台 / tanfeng workspace: http://{host}:{port}")
    run_server(create_app(settings, database), host, port)


def demo(
    db: Path = typer.Option(Path(user_data_dir("tanfeng", appauthor=False)) / "demo.db", "--db",
                            help="示例数据库文件（每次重建）/ demo SQLite file (rebuilt every time)"),
    serve_it: bool = typer.Option(True, "--serve/--no-serve", help="建好后启动工作台 / serve the workspace after"),
    host: str = typer.Option("127.0.0.1", help="监听地址 / address"),
    port: int = typer.Option(8000, help="端口 / port"),
) -> None:
    """主任务：建示例数据库（示例数据）并启动网页工作台 / the main job: build the demo database and serve it."""
    from tanfeng.db.session import Database
    from tanfeng.services import accounts
    from tanfeng.services.demo import build_demo
    from tanfeng.web import WebSettings, create_app

    typer.echo("正在建立示例数据库（上犹县碳达峰实施方案 + 示例数据）… / building the demo database …")
    try:
        result = build_demo(db)
    except TanfengError as err:
        _fail(err)
        return
    typer.echo(f"数据库 / database: {result.path}  （{result.values}个示例填报值 / illustrative values；"
               f"开放填报期 / open period {result.open_period}）")
    typer.echo(f"\n碳峰工作台 / tanfeng workspace: http://{host}:{port}\n")
    typer.echo("示例账号（密码每次随机生成）/ demo accounts (new random passwords each run):")
    width = max(len(a.username) for a in result.accounts)
    for account in result.accounts:
        label = accounts.ROLE_LABELS[account.role] + (f" · {account.unit}" if account.unit else "")
        typer.echo(f"  {account.username:<{width}} {account.password:<14} {label}")
    typer.echo("\n所有数值均为示例数据，不是真实统计 / all figures are illustrative (示例数据).")
    if not serve_it:
        return
    settings = WebSettings(mode="demo", secret_key=secrets.token_urlsafe(32))
    database = Database(result.url)
    typer.echo("按 Ctrl+C 停止 / Ctrl+C to stop")
    run_server(create_app(settings, database), host, port)


@users_app.command("add")
def add_user(
    username: str = typer.Argument(..., help="用户名 / user name"),
    role: str = typer.Option(..., "--role", help="admin | office | unit | viewer | enterprise"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位账号的单位 / unit of a unit account"),
    region: str | None = typer.Option(None, "--region",
                                      help="单位所在地区；办公室、只读账号的地区（可读下级）/ region of the unit; "
                                           "of an office or viewer account (reads the regions below)"),
    enterprise: str | None = typer.Option(None, "--enterprise",
                                          help="企业账号的企业（统一社会信用代码）/ credit code of an enterprise account"),
    name: str | None = typer.Option(None, "--name", help="显示名 / display name"),
    email: str | None = typer.Option(None, "--email", help="催报邮件地址 / address for reminder mails"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读密码 / read the password from stdin"),
    db: str | None = typer.Option(None, "--db", help="数据库 / database"),
) -> None:
    """新建账号（密码以argon2散列保存）/ create an account (password stored as an argon2 hash)."""
    from tanfeng.db.migrate import upgrade
    from tanfeng.services import accounts
    from tanfeng.services.errors import StoreError
    from tanfeng.services.regions import find_region_id
    from tanfeng.services.workspace import list_units

    database = _database(db)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt(
        "密码 / password", hide_input=True, confirmation_prompt=True)
    try:
        upgrade(database)
        unit_id = None
        if unit:
            matches = [uid for uid, n, r in list_units(database) if n == unit and (region is None or r == region)]
            if len(matches) != 1:
                raise StoreError(f"单位“{unit}”未找到或不唯一", f"unit '{unit}' not found or ambiguous")
            unit_id = matches[0]
        region_id = find_region_id(database, region) if region and role != "unit" else None
        enterprise_id = _enterprise_id(database, enterprise) if enterprise else None
        account = accounts.create_user(database, username=username, password=password, role=role,
                                       display_name=name, unit_id=unit_id, region_id=region_id,
                                       enterprise_id=enterprise_id)
        if email:
            accounts.set_email(database, account.username, email)
    except TanfengError as err:
        _fail(err)
        return
    typer.echo(f"已创建 / created: {account.username} ({account.role_label})")


def _enterprise_id(database: Database, code: str) -> int:
    from sqlalchemy import select

    from tanfeng.db.enterprise_models import Enterprise
    from tanfeng.enterprises.credit import normalise_uscc
    from tanfeng.services.errors import StoreError

    uscc, why = normalise_uscc(code)
    if why:
        raise StoreError(*why)
    with database.transaction() as session:
        found = session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))
    if found is None:
        raise StoreError(f"没有统一社会信用代码为{uscc}的企业", f"no enterprise with credit code {uscc}")
    return found


@users_app.command("email")
def user_email(
    username: str = typer.Argument(..., help="用户名 / user name"),
    address: str = typer.Argument("", help="邮箱（空则删除）/ e-mail address (empty removes it)"),
    db: str | None = typer.Option(None, "--db", help="数据库 / database"),
) -> None:
    """设置账号的催报邮箱 / set the address an account's reminder mails go to."""
    from tanfeng.services import accounts

    try:
        saved = accounts.set_email(_database(db), username, address)
    except TanfengError as err:
        _fail(err)
        return
    typer.echo(f"{username}: {saved or '（无邮箱 / none）'}")


@users_app.command("token")
def user_token(
    username: str = typer.Argument(..., help="令牌所属账号 / the account the token acts as"),
    name: str = typer.Option(..., "--name", help="用途，例如“能耗在线监测平台” / purpose, e.g. 'energy monitoring platform'"),
    days: int = typer.Option(365, "--days", help="有效期（天），0为长期有效 / validity in days, 0 for no expiry"),
    db: str | None = typer.Option(None, "--db", help="数据库 / database"),
) -> None:
    """签发API令牌（只显示一次）/ make an API token for a machine client (printed once)."""
    import getpass

    from tanfeng.db.migrate import upgrade
    from tanfeng.services import api_tokens

    database = _database(db)
    try:
        upgrade(database)
        info, token = api_tokens.create(database, username=username, name=name, days=days or None,
                                        actor=f"cli:{getpass.getuser()}")
    except TanfengError as err:
        _fail(err)
        return
    typer.echo(f"令牌编号 / token id {info.id}（{info.name}，{username}）；只显示这一次 / shown only this once:", err=True)
    typer.echo(token)


@users_app.command("tokens")
def user_tokens(
    username: str | None = typer.Argument(None, help="只列此账号的 / only this account's"),
    db: str | None = typer.Option(None, "--db", help="数据库 / database"),
) -> None:
    """列出API令牌（不含令牌本身）/ list API tokens (never the tokens themselves)."""
    from tanfeng.formatting import format_time
    from tanfeng.services import api_tokens

    for t in api_tokens.list_tokens(_database(db), username):
        typer.echo(f"{t.id}\t{t.username}\t{t.name}\t{t.hint}…\t{t.state()}\t"
                   f"{format_time(t.expires_at) if t.expires_at else '-'}\t"
                   f"{format_time(t.last_used_at) if t.last_used_at else '-'}")


@users_app.command("revoke-token")
def revoke_user_token(
    token_id: int = typer.Argument(..., help="令牌编号 / token id"),
    db: str | None = typer.Option(None, "--db", help="数据库 / database"),
) -> None:
    """吊销API令牌 / revoke an API token."""
    import getpass

    from tanfeng.services import api_tokens

    try:
        info = api_tokens.revoke(_database(db), token_id, actor=f"cli:{getpass.getuser()}")
    except TanfengError as err:
        _fail(err)
        return
    typer.echo(f"已吊销 / revoked: {info.id} {info.name} ({info.username})")


@users_app.command("list")
def list_users(db: str | None = typer.Option(None, "--db", help="数据库 / database")) -> None:
    """列出账号 / list the accounts."""
    from tanfeng.services import accounts

    for a in accounts.list_accounts(_database(db)):
        typer.echo(f"{a.id}\t{a.username}\t{a.role}\t{a.region or ''}\t{a.unit or ''}\t"
                   f"{'active' if a.active else 'inactive'}")
