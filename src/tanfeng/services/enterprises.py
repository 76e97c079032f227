"""Enterprises (重点用能单位, key emitters) of each region: import from the template (all or nothing),
list with filters, read and edit one (versioned), export.

Every read and write goes through ``services.enterprise_scope``: an enterprise account sees its own
enterprise only, an office its region and the regions below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tanfeng.db.account_models import User
from tanfeng.db.enterprise_models import Enterprise, Project
from tanfeng.db.models import Region
from tanfeng.db.session import Database
from tanfeng.enterprises.credit import normalise_uscc
from tanfeng.enterprises.industry import industry_name, normalise_industry
from tanfeng.services import audit as audit_log
from tanfeng.services import enterprise_sheets as sheets
from tanfeng.services.accounts import Account
from tanfeng.services.enterprise_scope import EnterpriseScope, readable_enterprise, scope_in
from tanfeng.services.errors import DryRun, ImportValidationError, NotAllowed, RowError, StaleEdit, StoreError
from tanfeng.services.validation import InvalidInput

FLAG_COLUMNS = ("key_energy_user", "key_emitter", "carbon_market")
TEXT_COLUMNS = ("industry_name", "products", "contact_name", "contact_phone", "contact_email", "note")
EDITABLE = ("name", "industry_code", *FLAG_COLUMNS, *TEXT_COLUMNS)


@dataclass
class ImportResult:
    path: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)
    accounts_moved: int = 0  # enterprise accounts that followed their enterprise into another region


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    region_id: int
    region: str
    name: str
    uscc: str
    industry_code: str | None
    industry_name: str | None
    products: str | None
    key_energy_user: bool
    key_emitter: bool
    carbon_market: bool
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    note: str | None
    version: int
    projects: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def flag(value: Any) -> bool | None:
    """是/否 (yes/no, 1/0, true/false) → bool; blank → None; anything else raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("是", "yes", "y", "true", "1", "√", "✓"):
        return True
    if text in ("否", "no", "n", "false", "0", "×"):
        return False
    raise ValueError(text)


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def regions_by_name(session: Session) -> dict[str, int]:
    return {name: rid for name, rid in session.execute(select(Region.name, Region.id))}


def _row_view(e: Enterprise, region: str, projects: int = 0) -> EnterpriseRow:
    return EnterpriseRow(e.id, e.region_id, region, e.name, e.uscc, e.industry_code, e.industry_name, e.products,
                         e.key_energy_user, e.key_emitter, e.carbon_market, e.contact_name, e.contact_phone,
                         e.contact_email, e.note, e.version, projects)


def resolve_region(session: Session, scope: EnterpriseScope, written: Any, default_region_id: int | None,
                   regions: dict[str, int]) -> tuple[int | None, tuple[str, str] | None]:
    """The region of a row (its 地区 cell, else the default) if the scope may write there."""
    name = text_or_none(written)
    if name is None:
        if default_region_id is None:
            return None, ("地区为空（存有多个地区时须填写）", "the region is empty (needed when several regions are stored)")
        region_id = default_region_id
    elif name not in regions:
        return None, (f"未知地区“{name}”", f"unknown region '{name}'")
    else:
        region_id = regions[name]
    if not scope.writes_region(region_id):
        return None, (f"无权录入地区“{name or region_id}”的数据", f"not allowed to enter data of region '{name or region_id}'")
    return region_id, None


def default_region(session: Session, account: Account | None, region: str | None) -> int | None:
    """The region a row without a 地区 cell goes to: the one named, else the account's, else the only one."""
    if region:
        rid = session.scalar(select(Region.id).where(Region.name == region))
        if rid is None:
            raise StoreError(f"未知地区“{region}”", f"unknown region '{region}'")
        return rid
    if account is not None and account.region_id is not None:
        return account.region_id
    ids = list(session.scalars(select(Region.id).limit(2)))
    return ids[0] if len(ids) == 1 else None


def _validate(session: Session, scope: EnterpriseScope, parsed: sheets.SheetRows, default_region_id: int | None,
              ) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    errors: list[RowError] = []
    good: list[tuple[int, dict[str, Any]]] = []
    regions = regions_by_name(session)
    seen: dict[str, int] = {}
    sheet = sheets.ENTERPRISE_SHEET

    def err(row: int, column: str | None, reason: tuple[str, str]) -> None:
        errors.append(RowError(row, column, reason[0], reason[1], sheet))

    for number, record in parsed.rows:
        ok = True
        code, why = normalise_uscc(text_or_none(record.get("uscc")) or "")
        if why:
            err(number, "统一社会信用代码", why)
            ok = False
        elif code in seen:
            err(number, "统一社会信用代码", (f"与第{seen[code]}行重复（{code}）", f"duplicates row {seen[code]} ({code})"))
            ok = False
        else:
            seen[code or ""] = number
        name = text_or_none(record.get("name"))
        if not name:
            err(number, "企业名称", ("企业名称为空", "the name is empty"))
            ok = False
        region_id, why = resolve_region(session, scope, record.get("region"), default_region_id, regions)
        if why:
            err(number, "地区", why)
            ok = False
        industry = text_or_none(record.get("industry_code"))
        if industry is not None:
            industry, why = normalise_industry(industry)
            if why:
                err(number, "行业代码", why)
                ok = False
        values: dict[str, Any] = {"uscc": code, "name": name, "region_id": region_id, "industry_code": industry}
        for key in FLAG_COLUMNS:
            try:
                values[key] = flag(record.get(key))
            except ValueError:
                err(number, dict((k, zh) for k, zh, _ in sheets.ENTERPRISE_COLUMNS)[key],
                    (f"应填“是”或“否”（{record.get(key)}）", f"must be 是 (yes) or 否 (no) ({record.get(key)})"))
                ok = False
        for key in TEXT_COLUMNS:
            values[key] = text_or_none(record.get(key))
        if values["industry_name"] is None and industry:
            values["industry_name"] = industry_name(industry)
        if ok:
            good.append((number, values))
    return good, errors


def import_enterprises(db: Database, path: str | Path, *, actor: str, account: Account | None = None,
                       region: str | None = None, name: str | None = None,
                       audit: Callable[[Session, ImportResult], None] | None = None,
                       dry_run: bool = False) -> ImportResult:
    """Validate every row of an enterprise workbook, then store all of them in one transaction, or none.

    A row whose credit code is stored already updates that enterprise (if the account may write it).
    """
    p = Path(path)
    label = name or p.name
    parsed = sheets.read_sheet(p, label, sheets.ENTERPRISE_SHEET, sheets.ENTERPRISE_COLUMNS)
    if not parsed.rows:
        raise StoreError(f"{label}: 没有数据行", f"{label}: no data rows")
    try:
        return _store(db, parsed, label, actor, account, region, audit, dry_run)
    except DryRun as done:
        return done.result


def _store(db: Database, parsed: sheets.SheetRows, label: str, actor: str, account: Account | None,
           region: str | None, audit: Any, dry_run: bool) -> Any:
    with db.write() as session:
        scope = scope_in(session, account)
        if scope.enterprise_id is not None:
            raise NotAllowed("企业账号不能导入企业名录", "an enterprise account cannot import the enterprise list")
        good, errors = _validate(session, scope, parsed, default_region(session, account, region))
        existing = {e.uscc: e for e in session.scalars(
            select(Enterprise).where(Enterprise.uscc.in_([v["uscc"] for _, v in good])).with_for_update())}
        for number, values in good:
            stored = existing.get(values["uscc"])
            if stored is not None and not scope.writes(stored.id, stored.region_id):
                errors.append(RowError(number, "统一社会信用代码", f"该企业（{stored.name}）属于无权修改的地区",
                                       f"this enterprise ({stored.name}) is in a region you cannot change",
                                       sheets.ENTERPRISE_SHEET))
        if errors:
            raise ImportValidationError(label, sorted(errors, key=lambda e: e.row))
        result = ImportResult(label)
        try:
            created: list[Enterprise] = []
            moved: dict[int, tuple[int, int]] = {}  # enterprise id → (old region, new region)
            for _number, values in good:
                stored = existing.get(values["uscc"])
                flags = {k: bool(values[k]) for k in FLAG_COLUMNS}
                if stored is None:
                    e = Enterprise(**{**values, **flags}, version=1)
                    session.add(e)
                    created.append(e)
                    result.created += 1
                    continue
                changes = {k: v for k, v in {**values, **{k: values[k] for k in FLAG_COLUMNS if values[k] is not None}}
                           .items() if k not in FLAG_COLUMNS or v is not None}
                changed = False
                if changes["region_id"] != stored.region_id:
                    moved[stored.id] = (stored.region_id, changes["region_id"])
                for key, value in changes.items():
                    if getattr(stored, key) != value:
                        setattr(stored, key, value)
                        changed = True
                if changed:
                    stored.version += 1
                    result.updated += 1
                else:
                    result.unchanged += 1
                result.ids.append(stored.id)
            session.flush()  # once: the new rows' ids in one round of inserts
            result.ids += [e.id for e in created]
            result.accounts_moved = _move_accounts(session, moved, account, actor, label)
        except InvalidInput as err:  # a value the database would refuse (too long, hidden characters)
            raise ImportValidationError(label, [RowError(0, None, err.zh, err.en, sheets.ENTERPRISE_SHEET)]) from err
        if dry_run:
            raise DryRun(result)  # validated and written, then rolled back: nothing is stored
        if audit is not None:
            audit(session, result)
        return result


def _move_accounts(session: Session, moved: dict[int, tuple[int, int]], account: Account | None, actor: str,
                   label: str) -> int:
    """An enterprise that moved region takes its accounts along (their scope is the enterprise's region), in the
    move's transaction, one audit entry each; returns how many accounts moved."""
    if not moved:
        return 0
    users = session.scalars(select(User).where(User.role == "enterprise", User.enterprise_id.in_(sorted(moved)))
                            .order_by(User.id).with_for_update()).all()
    count = 0
    for user in users:
        old, new = moved[user.enterprise_id or 0]
        if user.region_id == new:
            continue
        previous, user.region_id = user.region_id, new
        audit_log.add(session, user_id=account.id if account else None, username=account.username if account else actor,
                      action="move_enterprise_account", entity="user", entity_id=user.id,
                      detail={"enterprise_id": user.enterprise_id, "old_region_id": previous if previous is not None
                              else old, "region_id": new, "file": label})
        count += 1
    session.flush()
    return count


def list_enterprises(db: Database, account: Account | None, *, region_id: int | None = None,
                     industry: str | None = None, query: str | None = None, key_only: bool = False,
                     carbon_market: bool | None = None) -> list[EnterpriseRow]:
    """The enterprises the account reads, filtered (industry: a code prefix; query: name or credit code)."""
    with db.transaction() as session:
        counts = select(Project.enterprise_id, func.count().label("n")).group_by(Project.enterprise_id).subquery()
        q = (select(Enterprise, Region.name, func.coalesce(counts.c.n, 0))
             .join(Region, Region.id == Enterprise.region_id)
             .outerjoin(counts, counts.c.enterprise_id == Enterprise.id))
        q = scope_in(session, account).restrict(q)
        if region_id is not None:
            q = q.where(Enterprise.region_id == region_id)
        if industry:
            q = q.where(Enterprise.industry_code.startswith(industry.strip().upper()))
        if query:
            like = f"%{query.strip()}%"
            q = q.where(or_(Enterprise.name.like(like), Enterprise.uscc.like(like.upper())))
        if key_only:
            q = q.where(or_(Enterprise.key_energy_user.is_(True), Enterprise.key_emitter.is_(True)))
        if carbon_market is not None:
            q = q.where(Enterprise.carbon_market.is_(carbon_market))
        return [_row_view(e, region, n) for e, region, n in session.execute(q.order_by(Region.name, Enterprise.name))]


def get_enterprise(db: Database, account: Account | None, enterprise_id: int) -> EnterpriseRow:
    with db.transaction() as session:
        e = readable_enterprise(session, account, enterprise_id)
        region = session.get(Region, e.region_id)
        n = session.scalar(select(func.count()).select_from(Project).where(Project.enterprise_id == e.id)) or 0
        return _row_view(e, region.name if region else "?", n)


def update_enterprise(db: Database, account: Account | None, enterprise_id: int, changes: dict[str, Any], *,
                      version: int | None, audit: Callable[[Session, EnterpriseRow], None] | None = None,
                      ) -> EnterpriseRow:
    """Edit the fields in ``changes`` (see ``EDITABLE``); an edit from an older ``version`` is refused (409)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise StoreError(f"不能修改的字段：{'、'.join(sorted(unknown))}", f"fields that cannot be edited: {', '.join(sorted(unknown))}")
    with db.write() as session:
        readable_enterprise(session, account, enterprise_id, write=True)
        e = session.scalar(select(Enterprise).where(Enterprise.id == enterprise_id).with_for_update()
                           .execution_options(populate_existing=True))
        assert e is not None
        if version is not None and version != e.version:
            raise StaleEdit(f"企业“{e.name}”已被他人修改（当前版本{e.version}），未保存。请刷新后重试",
                            f"enterprise '{e.name}' was changed meanwhile (now version {e.version}); not saved. Reload and retry",
                            [{"id": e.id, "version": e.version}])
        if changes.get("industry_code"):
            code, why = normalise_industry(str(changes["industry_code"]))
            if why:
                raise InvalidInput(*why)
            changes = {**changes, "industry_code": code}
        if "name" in changes and not (changes["name"] or "").strip():
            raise InvalidInput("企业名称为空", "the name is empty")
        for key, value in changes.items():
            setattr(e, key, bool(value) if key in FLAG_COLUMNS else (value.strip() or None if isinstance(value, str) else value))
        e.version += 1
        session.flush()
        region = session.get(Region, e.region_id)
        view = _row_view(e, region.name if region else "?")
        if audit is not None:
            audit(session, view)
        return view


def export_rows(rows: list[EnterpriseRow]) -> list[dict[str, Any]]:
    """The rows of an enterprise list as template rows (so an export can be edited and imported again)."""
    yes = {True: "是", False: "否"}
    return [{**r.as_dict(), "region": r.region, **{k: yes[getattr(r, k)] for k in FLAG_COLUMNS}} for r in rows]


def write_template(db: Database, path: str | Path, account: Account | None = None, *,
                   rows: list[EnterpriseRow] | None = None) -> int:
    """The enterprise template (with the account's regions in the 地区 list), pre-filled with ``rows``."""
    with db.transaction() as session:
        scope = scope_in(session, account)
        names = [n for n, rid in sorted(regions_by_name(session).items()) if scope.writes_region(rid)]
    sheets.enterprise_template(path, export_rows(rows or []), regions=names[:20])
    return len(rows or [])
