"""Read pages: overview, plan, target, responsibility matrix, inventory, audit log."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tanfeng.services import audit, review
from tanfeng.services.accounts import Account
from tanfeng.services.overview import Overview, build_overview, data_stamp, series_chart
from tanfeng.services.status import compute_status
from tanfeng.services.workspace import plan_trees, responsibility_matrix
from tanfeng.web import actions
from tanfeng.web.deps import OFFICE, CurrentUser, DbDep, reader, writer
from tanfeng.web.inventory_view import inventory_summary

router = APIRouter(include_in_schema=False)


async def cached_overview(request: Request) -> Overview:
    """The overview is recomputed (in a worker thread) only when the stored data changed (cheap stamp query)."""
    db = request.app.state.db
    cache: dict[tuple[object, ...], Overview] = request.app.state.overview_cache
    key = (*data_stamp(db), date.today().isoformat())
    found = cache.get(key)
    if found is None:
        found = await run_in_threadpool(build_overview, db)
        cache.clear()
        cache[key] = found
    return found


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, user: CurrentUser) -> Response:
    # async: when cached, the page costs two small queries and a render; no worker-thread hop
    data = await cached_overview(request)
    activity = audit.recent(request.app.state.db, limit=10) if user.role in OFFICE else []
    return request.app.state.renderer.page(request, "overview.html", {"user": user, "o": data,
                                                                      "activity": activity})


@router.get("/plan", response_class=HTMLResponse)
def plan(request: Request, user: CurrentUser, db: DbDep, q: str | None = None) -> Response:
    return request.app.state.renderer.page(request, "plan.html", {"user": user, "trees": plan_trees(db, q),
                                                                  "q": q or ""})


@router.get("/targets/{indicator_id}", response_class=HTMLResponse)
def target(request: Request, user: CurrentUser, db: DbDep, indicator_id: int) -> Response:
    chart = series_chart(db, indicator_id)
    rows = [r for r in compute_status(db) if r.indicator_id == indicator_id]
    return request.app.state.renderer.page(request, "target.html", {
        "user": user, "chart": chart, "rows": rows, "history": review.history(db, indicator_id)})


@router.get("/matrix", response_class=HTMLResponse)
def matrix(request: Request, user: CurrentUser, db: DbDep) -> Response:
    return request.app.state.renderer.page(request, "matrix.html", {"user": user, "m": responsibility_matrix(db)})


@router.get("/inventory", response_class=HTMLResponse)
def inventory(request: Request, user: CurrentUser) -> Response:
    return request.app.state.renderer.page(request, "inventory.html", {"user": user, "inv": inventory_summary()})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: Annotated[Account, Depends(reader(*OFFICE))], db: DbDep,
               page: int = 1) -> Response:
    page = max(page, 1)
    entries = audit.recent(db, limit=100, offset=(page - 1) * 100)
    return request.app.state.renderer.page(request, "audit.html", {"user": user, "entries": entries, "page": page})


@router.post("/reports/annual")
def annual_report(request: Request, user: Annotated[Account, Depends(writer(*OFFICE))]) -> Response:
    """生成年度评估报告 — the place where the annual report service (tanfeng.reports) plugs in."""
    response = actions.annual_report_response(request, user)
    if response.status_code == 501:
        request.app.state.renderer.flash(request, "年度评估报告功能尚未安装 / the annual report service is not "
                                                  "installed yet", "warn")
    return RedirectResponse("/", status_code=303)
