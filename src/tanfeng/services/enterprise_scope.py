"""Which enterprises (and so which projects and enterprise data) an account may read and write.

- admin, and office / viewer accounts without a region: every enterprise (viewers read only);
- an office account of a region reads the enterprises of its region and every region below, and
  writes those of its own region and below (the office keeps the county's lists for the city too);
- a viewer or unit account reads the enterprises of its region (a viewer: and below), writes none;
- an enterprise account reads and writes its own enterprise only: anything else is ``NotAllowed`` (403).

``enterprise_scope`` is computed once per request; ``check_read``/``check_write`` take the enterprise's
id and region so that the caller (who has loaded the row) needs no second query; ``restrict`` adds the
same rule to a query over ``enterprises`` (or any table with the enterprise's id and region).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.orm import Session

from tanfeng.db.enterprise_models import Enterprise, Project
from tanfeng.db.session import Database
from tanfeng.services.accounts import Account
from tanfeng.services.errors import NotAllowed, StoreError
from tanfeng.services.regions import descendant_ids

NOTHING: frozenset[int] = frozenset()
Q = TypeVar("Q")  # a Select


@dataclass(frozen=True)
class EnterpriseScope:
    read_regions: frozenset[int] | None  # None: every region
    write_regions: frozenset[int] | None
    enterprise_id: int | None = None  # an enterprise account: only this enterprise, whatever the region

    def reads(self, enterprise_id: int, region_id: int) -> bool:
        if self.enterprise_id is not None:
            return enterprise_id == self.enterprise_id
        return self.read_regions is None or region_id in self.read_regions

    def writes(self, enterprise_id: int, region_id: int) -> bool:
        if self.enterprise_id is not None:
            return enterprise_id == self.enterprise_id
        return self.write_regions is None or region_id in self.write_regions

    def writes_region(self, region_id: int) -> bool:
        """May create enterprises and projects in ``region_id`` (an enterprise account: never)."""
        return self.enterprise_id is None and (self.write_regions is None or region_id in self.write_regions)

    def condition(self, enterprise_id: Any, region_id: Any) -> ColumnElement[bool] | None:
        """The read rule as a SQL condition on the given columns (None: no restriction)."""
        if self.enterprise_id is not None:
            return enterprise_id == self.enterprise_id
        if self.read_regions is None:
            return None
        if not self.read_regions:
            return false()
        return region_id.in_(sorted(self.read_regions))

    def restrict(self, query: Q, enterprise_id: Any = Enterprise.id, region_id: Any = Enterprise.region_id) -> Q:
        cond = self.condition(enterprise_id, region_id)
        return query if cond is None else cast(Q, cast(Select[Any], query).where(cond))


def scope_in(session: Session, account: Account | None) -> EnterpriseScope:
    """``enterprise_scope`` inside the caller's transaction; ``None`` is the command line (everything)."""
    if account is None:
        return EnterpriseScope(None, None)
    if account.role == "enterprise":
        if account.enterprise_id is None:
            return EnterpriseScope(NOTHING, NOTHING, -1)
        return EnterpriseScope(NOTHING, NOTHING, account.enterprise_id)
    if account.role == "admin" or (account.region_id is None and account.role in ("office", "viewer")):
        return EnterpriseScope(None, None if account.role != "viewer" else NOTHING)
    if account.region_id is None:
        return EnterpriseScope(NOTHING, NOTHING)
    if account.role == "unit":
        return EnterpriseScope(frozenset({account.region_id}), NOTHING)
    below = frozenset(descendant_ids(session, account.region_id))
    if account.role == "viewer":
        return EnterpriseScope(below, NOTHING)
    return EnterpriseScope(below, below)


def enterprise_scope(db: Database, account: Account | None) -> EnterpriseScope:
    with db.transaction() as session:
        return scope_in(session, account)


def _refuse(account: Account | None, what: str, what_en: str) -> NotAllowed:
    role, label = (account.role, account.role_label) if account else ("cli", "命令行")
    return NotAllowed(f"无权{what}（{label}）", f"not allowed to {what_en} (role '{role}')")


def check_read(scope: EnterpriseScope, account: Account | None, enterprise_id: int, region_id: int) -> None:
    if not scope.reads(enterprise_id, region_id):
        raise _refuse(account, "查看该企业的数据", "read this enterprise's data")


def check_write(scope: EnterpriseScope, account: Account | None, enterprise_id: int, region_id: int) -> None:
    if not scope.writes(enterprise_id, region_id):
        raise _refuse(account, "修改该企业的数据", "change this enterprise's data")


def readable_enterprise(session: Session, account: Account | None, enterprise_id: int, *,
                        write: bool = False) -> Enterprise:
    """The enterprise row if the account may read it (``write``: change it); else NotAllowed, or StoreError
    when there is no such enterprise. An enterprise account asking for another id gets 403, never 404, so
    the answer does not tell whether the id exists."""
    scope = scope_in(session, account)
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        if scope.enterprise_id is not None:
            raise _refuse(account, "查看该企业的数据", "read this enterprise's data")
        raise StoreError(f"没有编号为{enterprise_id}的企业", f"no enterprise {enterprise_id}")
    (check_write if write else check_read)(scope, account, enterprise.id, enterprise.region_id)
    return enterprise


def readable_project(session: Session, account: Account | None, project_id: int, *, write: bool = False) -> Project:
    """The project row if the account may read (``write``: change) its enterprise's data."""
    scope = scope_in(session, account)
    project = session.get(Project, project_id)
    if project is None:
        if scope.enterprise_id is not None:
            raise _refuse(account, "查看该项目", "read this project")
        raise StoreError(f"没有编号为{project_id}的项目", f"no project {project_id}")
    (check_write if write else check_read)(scope, account, project.enterprise_id, project.region_id)
    return project


def readable_enterprise_ids(session: Session, account: Account | None) -> list[int]:
    """Ids of every enterprise the account reads."""
    return list(session.scalars(scope_in(session, account).restrict(select(Enterprise.id).order_by(Enterprise.id))))
