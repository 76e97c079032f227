"""Read pages: overview, plan, target, responsibility matrix, inventory, audit log."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from tanfeng.services import audit, review
from tanfeng.services.accounts import Account
from tanfeng.services.audit import AuditInfo
from tanfeng.services.overview import Overview, build_overview, data_stamp, series_chart
from tanfeng.services.scope import indicator_plan_id, indicator_region
from tanfeng.services.status import compute_status
from tanfeng.services.upload_guard import check_inventory
from tanfeng.services.workspace import plan_trees, responsibility_matrix, target_versions
from tanfeng.web import actions, page_cache
from tanfeng.web.audit_view import audit_rows
from tanfeng.web.deps import OFFICE, CurrentUser, DbDep, DbId, read_upload_bytes, reader, writer
from tanfeng.web.export import MAX_ROWS, wants_export
from tanfeng.web.inventory_view import inventory_summary
from tanfeng.web.page_cache import PageCache
from tanfeng.web.scoping import plan_context, require_read, scope_of
from tanfeng.web.uploads import saved_upload, shown_name

router = APIRouter(include_in_schema=False)
REPORT_READERS = (*OFFICE, "viewer")  # leaders download the annual report too


@dataclass(frozen=True)
class CachedOverview:
    key: tuple[object, ...]
    checked: float
    overview: Overview
    fragments: dict[str, Markup]  # the rendered targets and charts by language, for as long as the data is the same


def cached_overview(request: Request, plan_ids: list[int]) -> CachedOverview:
    """The overview of a plan, recomputed only when the stored data changed (called from a worker thread)."""
    db = request.app.state.db
    cache: PageCache = request.app.state.overview_cache
    cache_key = "overview:" + ",".join(map(str, plan_ids))
    entry, now, generation = cache.get(cache_key), time.monotonic(), cache.generation
    if entry is not None and now - entry.checked < page_cache.CHECK_INTERVAL:
        return entry
    key = (*data_stamp(db), date.today().isoformat())
    if entry is not None and entry.key == key:
        data, fragments = entry.overview, entry.fragments
    else:
        data, fragments = build_overview(db, plan_ids=plan_ids), {}
    entry = CachedOverview(key, now, data, fragments)
    cache.put(cache_key, entry, generation)
    return entry


def cached_activity(request: Request, user: Account) -> list[AuditInfo]:
    """The latest entries of the audit log that the account's office may see: what accounts of the regions it
    reads did (an office of every region: everything). Cached like the overview."""
    regions = scope_of(request, user).read
    cache: PageCache = request.app.state.overview_cache
    key = "activity:" + ("all" if regions is None else ",".join(map(str, sorted(regions))))
    entry, now, generation = cache.get(key), time.monotonic(), cache.generation
    if entry is not None and now - entry[0] < page_cache.CHECK_INTERVAL:
        return list(entry[1])
    activity = audit.recent(request.app.state.db, limit=10, regions=regions)
    cache.put(key, (now, activity), generation)
    return activity


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, user: CurrentUser, plan: int | None = None) -> Response:
    if user.role == "enterprise":  # reads no plan data: its home is its own enterprise
        return RedirectResponse(f"/enterprises/{user.enterprise_id}", 303)
    ctx = plan_context(request, user, plan)
    cached = cached_overview(request, ctx.plan_ids)
    activity = cached_activity(request, user) if user.role in OFFICE else []
    renderer = request.app.state.renderer
    lang = renderer.language(request)
    body = cached.fragments.get(lang)
    if body is None:
        body = cached.fragments[lang] = renderer.fragment("_overview_body.html", lang, request.app.state.demo,
                                                          {"o": cached.overview})
    return renderer.page(request, "overview.html", {"user": user, "o": cached.overview, "body_html": body,
                                                    "activity": activity, "report_year": date.today().year - 1,
                                                    **ctx.template_vars()})


@router.get("/plan", response_class=HTMLResponse)
def plan(request: Request, user: CurrentUser, db: DbDep, q: str | None = None, plan: int | None = None) -> Response:
    ctx = plan_context(request, user, plan)
    return request.app.state.renderer.page(request, "plan.html", {"user": user, "trees": plan_trees(db, q, ctx.plan_ids),
                                                                  "q": q or "", **ctx.template_vars()})


@router.get("/targets/{indicator_id}", response_class=HTMLResponse)
def target(request: Request, user: CurrentUser, db: DbDep, indicator_id: DbId) -> Response:
    require_read(request, user, indicator_region(db, indicator_id))
    chart = series_chart(db, indicator_id)
    plan_id = indicator_plan_id(db, indicator_id)
    rows = [r for r in compute_status(db, plan_ids=[plan_id or 0]) if r.indicator_id == indicator_id]
    return request.app.state.renderer.page(request, "target.html", {
        "user": user, "chart": chart, "rows": rows, "history": review.history(db, indicator_id),
        "versions": target_versions(db, indicator_id)})


@router.get("/matrix", response_class=HTMLResponse)
def matrix(request: Request, user: CurrentUser, db: DbDep, plan: int | None = None) -> Response:
    ctx = plan_context(request, user, plan)
    return request.app.state.renderer.page(request, "matrix.html", {"user": user, **ctx.template_vars(),
                                                                    "m": responsibility_matrix(db, ctx.plan_ids)})


@router.get("/inventory", response_class=HTMLResponse)
def inventory(request: Request, user: CurrentUser, plan: int | None = None) -> Response:
    ctx = plan_context(request, user, plan)
    return request.app.state.renderer.page(request, "inventory.html", {"user": user, "inv": inventory_summary(),
                                                                       **ctx.template_vars()})


@router.post("/inventory", response_class=HTMLResponse)
async def inventory_upload(request: Request, user: Annotated[Account, Depends(writer(*OFFICE))],
                           file: Annotated[UploadFile, File()], record: Annotated[str, Form()] = "",
                           fallback: Annotated[str, Form()] = "",
                           plan: Annotated[int | None, Form()] = None) -> Response:
    """Compute an uploaded activity-data file; with ``record`` show the preview of recording its indicators."""
    data = await read_upload_bytes(file)
    name = shown_name(file.filename, "inventory.xlsx")

    def work() -> Response:
        with saved_upload(request, data, name) as path:
            check_inventory(path, name)
            summary, preview = actions.inventory(request, user, path, name, record == "on", fallback or None, plan)
        ctx = plan_context(request, user, plan)
        return request.app.state.renderer.page(request, "inventory.html", {"user": user, "inv": summary, **preview,
                                                                           **ctx.template_vars()})

    return await run_in_threadpool(work)


@router.post("/inventory/record", response_class=HTMLResponse)
def inventory_record(request: Request, user: Annotated[Account, Depends(writer(*OFFICE))],
                     token: Annotated[str, Form()], fingerprint: Annotated[str, Form()],
                     reason: Annotated[str, Form()] = "") -> Response:
    """Confirm a previewed recording: the values go in as submissions for review."""
    summary, recorded = actions.confirm_inventory(request, user, token, fingerprint, reason or None)
    return request.app.state.renderer.page(request, "inventory.html", {"user": user, "inv": summary,
                                                                       "recorded": recorded})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: Annotated[Account, Depends(reader(*OFFICE))], db: DbDep,
               page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    page = max(page, 1)
    regions = scope_of(request, user).read  # a regional office sees what its regions' accounts did
    if wants_export(request.query_params):  # the export is the whole log, not one screen of it
        entries, names = audit.recent_named(db, limit=MAX_ROWS + 1, regions=regions)
    else:
        entries, names = audit.recent_named(db, limit=100, offset=(page - 1) * 100, regions=regions)
    rows = audit_rows(entries, names, request.app.state.renderer.language(request))
    return request.app.state.renderer.page(request, "audit.html", {"user": user, "entries": rows, "page": page})


@router.post("/reports/annual")
def annual_report(request: Request, user: Annotated[Account, Depends(writer(*REPORT_READERS))],
                  year: Annotated[int | None, Form()] = None, fmt: Annotated[str, Form()] = "docx",
                  plan: Annotated[int | None, Form()] = None) -> Response:
    """生成年度评估报告 — the annual report of the chosen plan (tanfeng.reports); the file is downloaded."""
    return actions.annual_report(request, user, year, fmt, plan)
