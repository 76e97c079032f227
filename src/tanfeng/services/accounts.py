"""Login accounts of the web workspace: roles, argon2 password hashes, the unit a 责任单位 account writes for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanfeng.db.account_models import User, WebSession
from tanfeng.db.base import utcnow
from tanfeng.db.enterprise_models import Enterprise
from tanfeng.db.models import Region, Unit
from tanfeng.db.session import Database
from tanfeng.services.errors import StaleEdit, StoreError

ROLES = ("admin", "office", "unit", "viewer", "enterprise")
ROLE_LABELS = {"admin": "系统管理员", "office": "领导小组办公室", "unit": "责任单位", "viewer": "只读用户",
               "enterprise": "企业"}
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("tanfeng-no-such-user")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit: str | None
    active: bool
    session_version: int
    last_login_at: datetime | None
    # The region the account works in: a unit account's unit's region, an office's or viewer's own;
    # None for an account over every region.
    region_id: int | None = None
    region: str | None = None
    # An enterprise account's enterprise (it reads and writes that enterprise's data only).
    enterprise_id: int | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def account_from_row(user: User, unit_name: str | None, region_id: int | None = None,
                     region: str | None = None) -> Account:
    """The account view of a ``users`` row, its unit's name and its region (see ``account_region``)."""
    return Account(user.id, user.username, user.display_name, user.role, user.unit_id, unit_name, user.active,
                   user.session_version, user.last_login_at, region_id, region, user.enterprise_id)


def account_region() -> tuple[Any, Any]:
    """Columns (region id, region name) of an account, for a query joining ``users`` and ``units``:
    a unit account's unit's region, else the account's own region."""
    return Region.id, Region.name


def region_join(query: Select[Any]) -> Select[Any]:
    """``query`` (over users outer-joined to units) outer-joined to the account's region."""
    return query.outerjoin(Region, Region.id == func.coalesce(Unit.region_id, User.region_id))


def _account(session: Session, user: User) -> Account:
    unit = session.get(Unit, user.unit_id) if user.unit_id else None
    region_id = unit.region_id if unit is not None else user.region_id
    region = session.get(Region, region_id) if region_id is not None else None
    return account_from_row(user, unit.name if unit else None, region_id, region.name if region else None)


def _check(role: str, unit_id: int | None, password: str | None, enterprise_id: int | None = None) -> None:
    if role not in ROLES:
        raise StoreError(f"未知角色“{role}”（{'/'.join(ROLES)}）", f"unknown role '{role}'")
    if role == "unit" and unit_id is None:
        raise StoreError("责任单位账号必须指定单位", "a unit account needs its unit")
    if role == "enterprise" and enterprise_id is None:
        raise StoreError("企业账号必须指定企业", "an enterprise account needs its enterprise")
    if password is not None and len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少{MIN_PASSWORD}位", f"the password needs at least {MIN_PASSWORD} characters")


def create_user(
    db: Database, *, username: str, password: str, role: str, display_name: str | None = None,
    unit_id: int | None = None, region_id: int | None = None, enterprise_id: int | None = None,
) -> Account:
    """A new account; the password is stored only as an argon2 hash.

    ``region_id`` places an office or viewer account in one region (it reads the regions below too);
    a unit account's region is its unit's, an enterprise account's its enterprise's.
    """
    with db.write() as session:
        return create_user_in(session, username=username, password=password, role=role,
                              display_name=display_name, unit_id=unit_id, region_id=region_id,
                              enterprise_id=enterprise_id)


def create_user_in(
    session: Session, *, username: str, password: str, role: str, display_name: str | None = None,
    unit_id: int | None = None, region_id: int | None = None, enterprise_id: int | None = None,
) -> Account:
    """``create_user`` in the caller's write transaction (the unique user name settles a race)."""
    username = username.strip()
    if not username:
        raise StoreError("用户名不能为空", "the user name is empty")
    _check(role, unit_id, password, enterprise_id)
    if role == "enterprise":
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None:
            raise StoreError(f"没有编号为{enterprise_id}的企业", f"no enterprise {enterprise_id}")
        region_id = enterprise.region_id  # the account's region is its enterprise's
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise StoreError(f"用户名“{username}”已存在", f"user '{username}' exists")
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise StoreError(f"没有编号为{unit_id}的单位", f"no unit {unit_id}")
    if region_id is not None and session.get(Region, region_id) is None:
        raise StoreError(f"没有编号为{region_id}的地区", f"no region {region_id}")
    user = User(username=username, display_name=display_name or username, password_hash=_hasher.hash(password),
                role=role, unit_id=unit_id if role == "unit" else None, active=True, session_version=1,
                region_id=region_id if role != "unit" else None,
                enterprise_id=enterprise_id if role == "enterprise" else None)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as err:  # created by someone else at the same moment (PostgreSQL: no lock to wait on)
        raise StoreError(f"用户名“{username}”已存在", f"user '{username}' exists") from err
    return _account(session, user)


def update_user(
    db: Database, user_id: int, *, password: str | None = None, active: bool | None = None,
    role: str | None = None, unit_id: int | None = None, version: int | None = None,
) -> Account:
    """Reset a password, (de)activate or change the role; any of these ends the user's open sessions.

    ``version`` is the account version the form showed (``session_version``): an edit made from an
    older one is refused. The last active administrator cannot be demoted or deactivated.
    """
    with db.write() as session:
        return update_user_in(session, user_id, password=password, active=active, role=role, unit_id=unit_id,
                              version=version)


def lock_user(session: Session, user_id: int) -> User | None:
    return session.scalar(select(User).where(User.id == user_id).with_for_update()
                          .execution_options(populate_existing=True))


def update_user_in(
    session: Session, user_id: int, *, password: str | None = None, active: bool | None = None,
    role: str | None = None, unit_id: int | None = None, version: int | None = None,
) -> Account:
    """``update_user`` in the caller's write transaction (the account row is locked first)."""
    # Lock every active admin first (one order, by id): two admins demoting each other at once
    # cannot both see "another admin remains".
    admins = session.scalars(select(User).where(User.role == "admin", User.active.is_(True))
                             .order_by(User.id).with_for_update()).all()
    user = lock_user(session, user_id)
    if user is None:
        raise StoreError(f"没有编号为{user_id}的账号", f"no account {user_id}")
    if version is not None and version != user.session_version:
        raise StaleEdit(f"账号“{user.username}”已被他人修改，未保存（当前：{ROLE_LABELS.get(user.role, user.role)}，"
                        f"{'启用' if user.active else '停用'}，版本{user.session_version}）。请刷新后重试",
                        f"account '{user.username}' was changed meanwhile; not saved (now {user.role}, "
                        f"{'active' if user.active else 'inactive'}, version {user.session_version}). Reload and retry",
                        [{"id": user.id, "role": user.role, "active": user.active, "version": user.session_version}])
    new_role = role or user.role
    new_unit = unit_id if unit_id is not None else user.unit_id
    _check(new_role, new_unit if new_role == "unit" else None, password,
           user.enterprise_id if new_role == "enterprise" else None)
    still_admin = new_role == "admin" and (active if active is not None else user.active)
    if user.role == "admin" and user.active and not still_admin and not any(a.id != user.id for a in admins):
        raise StoreError("这是最后一个系统管理员账号，不能降级或停用（请先另设一名管理员）",
                         "this is the last active administrator; it cannot be demoted or deactivated "
                         "(make another administrator first)")
    if password is not None:
        user.password_hash = _hasher.hash(password)
    if active is not None:
        user.active = active
    user.role, user.unit_id = new_role, new_unit if new_role == "unit" else None
    if new_role != "enterprise":
        user.enterprise_id = None
    user.session_version += 1
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))  # logged out everywhere
    session.flush()
    return _account(session, user)


def change_own_password_in(session: Session, user_id: int, current: str, new: str) -> Account:
    """An account holder's own password change: the current password first, the same rules as a reset.

    The caller ends the account's other sessions in the same transaction (``sessions.end_others_in``).
    """
    user = lock_user(session, user_id)
    if user is None or not user.active:
        raise StoreError("账号不存在或已停用", "the account does not exist or is inactive")
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as err:
        raise StoreError("当前密码不正确，密码未修改", "the current password is wrong; nothing changed") from err
    _check(user.role, user.unit_id if user.role == "unit" else None, new)
    if new == current:
        raise StoreError("新密码不能与当前密码相同", "the new password is the same as the current one")
    user.password_hash = _hasher.hash(new)
    user.session_version += 1  # an admin form opened before the change is now out of date
    session.flush()
    return _account(session, user)


def authenticate(db: Database, username: str, password: str) -> Account | None:
    """The account when name and password match an active account, else None (same cost either way)."""
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.username == username.strip()))
        stored = user.password_hash if user is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or not user.active:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = utcnow()
        return _account(session, user)


def get_account(db: Database, user_id: int) -> Account | None:
    with db.transaction() as session:
        row = session.execute(region_join(select(User, Unit.name, *account_region())
                                          .outerjoin(Unit, Unit.id == User.unit_id)).where(User.id == user_id)).first()
        return account_from_row(*row) if row else None


def list_accounts(db: Database) -> list[Account]:
    with db.transaction() as session:
        rows = session.execute(select(User, Unit.name).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.id))
        return [_account(session, user) for user, _unit in rows]



EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+$")


def set_email(db: Database, username: str, email: str | None) -> str | None:
    """The address reminders (催报) are mailed to for this account; empty removes it."""
    address = (email or "").strip() or None
    if address is not None and not EMAIL.match(address):
        raise StoreError(f"“{address}”不是邮箱地址", f"'{address}' is not an e-mail address")
    with db.write() as session:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise StoreError(f"没有账号“{username}”", f"no account '{username}'")
        user.email = address
        return address


def account_emails(db: Database) -> dict[str, str | None]:
    """user name → the address reminders go to (None when none is recorded)."""
    with db.transaction() as session:
        return {name: email for name, email in session.execute(select(User.username, User.email))}
