"""Office pages: review (accept / return), quotas, units and accounts, plan upload with corrections."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tanfeng.services import review_queue
from tanfeng.services.accounts import ROLE_LABELS, Account, list_accounts
from tanfeng.services.errors import StaleEdit
from tanfeng.services.plan_import import MappingChoices, import_plan, stored_indicators
from tanfeng.services.registry import units_with_aliases
from tanfeng.services.status import compute_status
from tanfeng.services.validation import INT32_MAX
from tanfeng.web import actions
from tanfeng.web.deps import OFFICE, DbDep, DbId, read_upload_bytes, reader, writer
from tanfeng.web.export import wants_export
from tanfeng.web.plan_upload import apply_corrections, read_upload_limited
from tanfeng.web.scoping import plan_context, readable_accounts
from tanfeng.web.uploads import shown_name

router = APIRouter(include_in_schema=False)
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]


def _optional_id(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= INT32_MAX else None


def _review_query(status: str, unit: int | None, indicator: int | None, period: str, page: int = 1,
                  per_page: int = review_queue.PER_PAGE) -> str:
    """The review page's query string (filters kept across tabs, pages and the accept button)."""
    query: dict[str, str | int] = {"status": status}
    for key, value in (("unit", unit), ("indicator", indicator), ("period", period)):
        if value:
            query[key] = value
    if page > 1:
        query["page"] = page
    if per_page != review_queue.PER_PAGE:
        query["per_page"] = per_page
    return urlencode(query)


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, user: OfficeReader, db: DbDep, status: str = "submitted",
                plan: int | None = None, unit: str | None = None, indicator: str | None = None, period: str = "",
                page: Annotated[int, Query(ge=1, le=INT32_MAX)] = 1,
                per_page: Annotated[int, Query(ge=10, le=review_queue.MAX_PER_PAGE)] = review_queue.PER_PAGE,
                ) -> Response:
    ctx = plan_context(request, user, plan)
    status = status if status in review_queue.STATUSES else "submitted"
    unit_id, indicator_id, period = _optional_id(unit), _optional_id(indicator), period.strip()[:10]
    export = wants_export(request.query_params)  # the export is the whole filtered list, not one page of it
    result = review_queue.review_page(db, ctx.plan_ids, review_queue.Filters(
        status=status, unit_id=unit_id, indicator_id=indicator_id, period=period or None,
        page=1 if export else page, per_page=review_queue.MAX_EXPORT if export else per_page))
    # targets deferred to a quota from above
    quotas = [r for r in compute_status(db, plan_ids=ctx.plan_ids) if r.assigned]
    return request.app.state.renderer.page(request, "review.html", {
        "user": user, "result": result, "items": result.items, "status": status, "quotas": quotas,
        "f_unit": unit_id, "f_indicator": indicator_id, "f_period": period, "per_page": per_page,
        "query": lambda **changes: _review_query(**({"status": status, "unit": unit_id, "indicator": indicator_id,
                                                     "period": period, "page": result.page,
                                                     "per_page": per_page} | changes)),
        **ctx.template_vars()})


def _back(raw: object) -> str:
    """Where a review form returns to: the review page with the filters it was sent from, nothing else."""
    text = str(raw or "")
    return "/review?" + text if text and all(c.isascii() and c.isprintable() for c in text) and "/" not in text \
        else "/review"


@router.post("/review/bulk")
async def review_bulk(request: Request, user: Office) -> Response:
    form = await request.form()
    ids = [int(str(v)) for v in form.getlist("ids") if str(v).isascii() and str(v).isdigit()]
    versions = {i: int(v) for i in ids if (v := str(form.get(f"version.{i}") or "")).isdigit()}
    back = _back(form.get("back"))
    try:
        count = await run_in_threadpool(actions.review_many, request, user, ids, "accept", None, versions)
    except StaleEdit as stale:
        words = await run_in_threadpool(review_queue.stale_words, request.app.state.db, stale.current)
        request.app.state.renderer.flash(request, words, "error")
        return RedirectResponse(back, 303)
    request.app.state.renderer.flash(request, f"已采纳{count}项 / {count} accepted")
    return RedirectResponse(back, 303)


@router.post("/review/{observation_id}/{action}")
def review_action(request: Request, user: Office, observation_id: DbId, action: str,
                  reason: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None,
                  back: Annotated[str, Form()] = "") -> Response:
    if action not in ("accept", "return"):
        action = "invalid"
    try:
        actions.review_one(request, user, observation_id, action, reason.strip() or None, version)
    except StaleEdit as stale:
        request.app.state.renderer.flash(request, review_queue.stale_words(request.app.state.db, stale.current),
                                         "error")
        return RedirectResponse(_back(back), 303)
    what = review_queue.describe(request.app.state.db, observation_id)
    word = ("已采纳", "accepted") if action == "accept" else ("已退回", "returned")
    request.app.state.renderer.flash(request, f"{word[0]}：{what} / {word[1]}: {what}")
    return RedirectResponse(_back(back), 303)


@router.post("/targets/{indicator_id}/quota")
def quota(request: Request, user: Office, indicator_id: DbId, plan_id: Annotated[int, Form()],
          target: Annotated[str, Form()], value: Annotated[float, Form()], unit: Annotated[str, Form()] = "",
          note: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None) -> Response:
    actions.quota(request, user, plan_id, target, value, unit.strip() or None, note.strip() or None, version)
    request.app.state.renderer.flash(request, f"已录入{target}的下达指标 / quota of {target} saved")
    return RedirectResponse(f"/targets/{indicator_id}", 303)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, user: OfficeReader, db: DbDep) -> Response:
    return request.app.state.renderer.page(request, "admin.html", {
        "user": user, "accounts": readable_accounts(request, user, list_accounts(db)), "units": units_with_aliases(db),
        "roles": ROLE_LABELS})


@router.post("/admin/users")
def create_user(request: Request, user: Office, username: Annotated[str, Form()], password: Annotated[str, Form()],
                role: Annotated[str, Form()], display_name: Annotated[str, Form()] = "",
                unit_id: Annotated[str, Form()] = "") -> Response:
    account = actions.create_account(request, user, username=username, password=password, role=role,
                                     display_name=display_name.strip() or None,
                                     unit_id=int(unit_id) if unit_id.strip() else None)
    request.app.state.renderer.flash(request, f"已创建账号 {account.username} / account created")
    return RedirectResponse("/admin", 303)


@router.post("/admin/users/{account_id}")
def update_user(request: Request, user: Office, account_id: DbId, password: Annotated[str, Form()] = "",
                active: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None) -> Response:
    actions.update_account(request, user, account_id, password=password or None,
                           active={"1": True, "0": False}.get(active), role=None, version=version)
    request.app.state.renderer.flash(request, f"已更新账号 #{account_id} / account updated")
    return RedirectResponse("/admin", 303)


@router.post("/admin/units/rename")
def rename_unit(request: Request, user: Office, region: Annotated[str, Form()], unit: Annotated[str, Form()],
                new_name: Annotated[str, Form()]) -> Response:
    actions.rename_unit(request, user, region, unit, new_name)
    return RedirectResponse("/admin", 303)


@router.post("/admin/units/alias")
def alias_unit(request: Request, user: Office, region: Annotated[str, Form()], alias: Annotated[str, Form()],
               unit: Annotated[str, Form()], confirm: Annotated[str, Form()] = "") -> Response:
    preview = actions.alias_unit(request, user, region, alias, unit, confirm=confirm == "1")
    if preview is not None:  # a merge: show what would move, and ask
        return request.app.state.renderer.page(request, "alias_confirm.html", {
            "user": user, "preview": preview, "region": region, "alias": alias, "unit": unit})
    return RedirectResponse("/admin", 303)


@router.get("/plans/upload", response_class=HTMLResponse)
def upload_page(request: Request, user: OfficeReader) -> Response:
    return request.app.state.renderer.page(request, "plan_upload.html", {"user": user, "plan": None})


@router.post("/plans/preview", response_class=HTMLResponse)
async def preview(request: Request, user: Office, file: Annotated[UploadFile, File()]) -> Response:
    data = await read_upload_bytes(file)

    def work() -> Response:
        plan = read_upload_limited(data, shown_name(file.filename, "plan.txt"))
        db = request.app.state.db
        trial = import_plan(db, plan, actor=user.username, dry_run=True)
        later = trial.created and trial.version > 1  # a new version: show where each target goes
        return request.app.state.renderer.page(request, "plan_upload.html", {
            "user": user, "plan": plan, "document": plan.to_json(),
            "mapping": {t: (i, m) for m in trial.mapping for i, t in enumerate(m.targets)} if later else {},
            "indicators": stored_indicators(db, trial.plan_id) if later else []})

    return await run_in_threadpool(work)


def _mapping_choices(fields: dict[str, str]) -> MappingChoices:
    """The office's choice per target (``map.T3`` = indicator id or ``new``; empty keeps the automatic one)."""
    decisions: dict[str, int | str | None] = {}
    for key, value in fields.items():
        value = value.strip()
        if key.startswith("map.") and value:
            decisions[key[4:]] = int(value) if value.isdigit() else value
    return MappingChoices(decisions)


@router.post("/plans/save")
async def save(request: Request, user: Office) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}

    def work() -> Response:
        plan = apply_corrections(fields.get("document", ""), fields)
        result = actions.store_plan(request, user, plan, choices=_mapping_choices(fields), corrected=True)
        request.app.state.renderer.flash(request, f"已保存方案“{result.title}”第{result.version}版 / plan saved "
                                                  f"(version {result.version})")
        return RedirectResponse(f"/plan?plan={result.plan_id}", 303)

    return await run_in_threadpool(work)
