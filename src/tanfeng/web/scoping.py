"""Plan and region scoping of requests: which plan a page shows, and the region checks of every write.

A page names its plan in the URL (``?plan=ID``); without one it shows the plan last chosen in this
session, else the first plan of the account's own region. Nothing asks the user for a command-line option.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from fastapi import Request
from markupsafe import Markup, escape

from tanfeng.db.session import Database
from tanfeng.services.accounts import Account
from tanfeng.services.errors import StoreError
from tanfeng.services.library import plan_region_id
from tanfeng.services.overview import data_stamp
from tanfeng.services.scope import (
    Catalog,
    PlanChoice,
    Scope,
    account_scope,
    default_plan,
    load_catalog,
    region_ids_by_name,
)
from tanfeng.web import page_cache
from tanfeng.web.deps import Forbidden
from tanfeng.web.page_cache import PageCache

SESSION_KEY = "plan"
CATALOG_KEY = "catalog"


@dataclass(frozen=True)
class CachedCatalog:
    key: tuple[int, ...]  # the data stamp it was read at
    checked: float
    catalog: Catalog
    options: dict[int, tuple[str, str]] = field(default_factory=dict)  # plan id → its <option>, unselected/selected


def catalog(request: Request) -> CachedCatalog:
    """The plans and the region tree, read again only when the data stamp moved (see ``web.page_cache``);
    one per request."""
    mine = getattr(request.state, "catalog", None)
    if isinstance(mine, CachedCatalog):
        return mine
    request.state.catalog = entry = _shared_catalog(request)
    return entry


def _shared_catalog(request: Request) -> CachedCatalog:
    cache: PageCache = request.app.state.overview_cache
    entry, now, generation = cache.get(CATALOG_KEY), time.monotonic(), cache.generation
    if entry is not None and now - entry.checked < page_cache.CHECK_INTERVAL:
        return entry
    db = request.app.state.db
    key = data_stamp(db)
    entry = CachedCatalog(key, now, entry.catalog, entry.options) if entry is not None and entry.key == key else \
        CachedCatalog(key, now, load_catalog(db))
    cache.put(CATALOG_KEY, entry, generation)
    return entry


def scope_of(request: Request, user: Account) -> Scope:
    """The account's scope, computed once per request (the region tree from the cached catalog)."""
    cached = getattr(request.state, "scope", None)
    if isinstance(cached, Scope):
        return cached
    scope = account_scope(request.app.state.db, user, catalog(request).catalog)
    request.state.scope = scope
    return scope


def _option(p: PlanChoice, selected: bool) -> str:
    return (f'<option value="{p.plan_id}"{" selected" if selected else ""}>'
            f"{escape(p.region)} · {escape(p.title)}</option>")


@dataclass(frozen=True)
class PlanContext:
    plans: list[PlanChoice]  # every plan the account sees (the selector)
    chosen: PlanChoice | None
    options: dict[int, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def plan_ids(self) -> list[int]:
        return [self.chosen.plan_id] if self.chosen else []

    @property
    def query(self) -> str:
        """``?plan=ID`` for links that keep the plan."""
        return f"?plan={self.chosen.plan_id}" if self.chosen else ""

    def plan_options(self) -> Markup:
        """The selector's options (the chosen plan selected), each made once per catalog: a province's office
        sees every county's plan, on every page."""
        chosen = self.chosen.plan_id if self.chosen else None
        parts = []
        for p in self.plans:
            both = self.options.get(p.plan_id)
            if both is None:
                both = self.options[p.plan_id] = (_option(p, False), _option(p, True))
            parts.append(both[p.plan_id == chosen])
        return Markup("".join(parts))

    def template_vars(self) -> dict[str, object]:
        return {"plans": self.plans, "chosen": self.chosen, "plan_q": self.query, "plan_options": self.plan_options}


def plan_context(request: Request, user: Account, plan: int | None) -> PlanContext:
    """The visible plans and the one this page shows (``plan`` from the URL must be visible: else 403)."""
    refuse_enterprise(user)
    cached = catalog(request)
    plans = cached.catalog.visible(scope_of(request, user))
    if plan is not None:
        chosen = next((p for p in plans if p.plan_id == plan), None)
        if chosen is None:
            raise Forbidden(f"无权查看方案{plan}，或方案不存在 / plan {plan} is not visible to you")
        request.session[SESSION_KEY] = plan
        return PlanContext(plans, chosen, cached.options)
    remembered = request.session.get(SESSION_KEY)
    chosen = next((p for p in plans if p.plan_id == remembered), None)
    return PlanContext(plans, chosen or default_plan(plans, user.region_id), cached.options)


def refuse_enterprise(user: Account) -> None:
    """An enterprise account reads its own enterprise only, never a plan, a unit's work or a region (403)."""
    if user.role == "enterprise":
        raise Forbidden("企业账号只能查看本企业的数据 / an enterprise account reads only its own enterprise's data")


def readable_accounts(request: Request, user: Account, accounts: list[Account]) -> list[Account]:
    """The accounts a regional office may see: those of the regions it reads (an office of every region: all)."""
    regions = scope_of(request, user).read
    if regions is None:
        return accounts
    return [a for a in accounts if a.region_id is not None and a.region_id in regions]


def require_read(request: Request, user: Account, region_id: int | None) -> None:
    if region_id is None or not scope_of(request, user).reads(region_id):
        raise Forbidden("无权查看其他地区的数据 / not allowed to read another region's data")


def require_write(request: Request, user: Account, region_id: int | None) -> None:
    if region_id is None or not scope_of(request, user).writes(region_id):
        raise Forbidden("只能修改本地区的数据 / you write only your own region's data")


def require_quota(request: Request, user: Account, region_id: int | None) -> None:
    if region_id is None or not scope_of(request, user).assigns(region_id):
        raise Forbidden("只能为本地区及下级地区录入下达指标 / quotas only for your region and the regions below")


def require_write_named(request: Request, user: Account, region: str | None) -> None:
    """A write to a region named in a file (a plan's region may not be stored yet: only unscoped offices)."""
    if scope_of(request, user).write is None:
        return
    require_write(request, user, region_ids_by_name(request.app.state.db).get(region or ""))


def plan_region(db: Database, plan_id: int) -> int:
    try:
        return plan_region_id(db, plan_id)
    except StoreError:
        raise Forbidden(f"方案{plan_id}不存在 / no plan {plan_id}") from None


def chosen_plan_id(request: Request, user: Account, plan_id: int | None) -> int:
    """The plan a report or set-up action is for: named, else the page's plan (never "the only plan")."""
    context = plan_context(request, user, plan_id)
    if context.chosen is None:
        raise StoreError("没有可选的方案", "no plan to choose")
    return context.chosen.plan_id
