"""Office pages: review (accept / return), quotas, units and accounts, plan upload with corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tanfeng.services import review
from tanfeng.services.accounts import ROLE_LABELS, Account, list_accounts
from tanfeng.services.plan_import import MappingChoices, import_plan, stored_indicators
from tanfeng.services.registry import units_with_aliases
from tanfeng.services.scope import plan_indicator_ids
from tanfeng.services.status import compute_status
from tanfeng.web import actions
from tanfeng.web.deps import OFFICE, DbDep, DbId, read_upload_bytes, reader, writer
from tanfeng.web.plan_upload import apply_corrections, read_upload_limited
from tanfeng.web.scoping import plan_context
from tanfeng.web.uploads import shown_name

router = APIRouter(include_in_schema=False)
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, user: OfficeReader, db: DbDep, status: str = "submitted",
                plan: int | None = None) -> Response:
    ctx = plan_context(request, user, plan)
    mine = plan_indicator_ids(db, ctx.plan_ids)
    items = [o for o in review.list_observations(db, status=status) if o.indicator_id in mine]
    # targets deferred to a quota from above
    quotas = [r for r in compute_status(db, plan_ids=ctx.plan_ids) if r.assigned]
    return request.app.state.renderer.page(request, "review.html", {"user": user, "items": items, "status": status,
                                                                    "quotas": quotas, **ctx.template_vars()})


@router.post("/review/bulk")
async def review_bulk(request: Request, user: Office) -> Response:
    form = await request.form()
    ids = [int(str(v)) for v in form.getlist("ids") if str(v).isdigit()]
    versions = {i: int(v) for i in ids if (v := str(form.get(f"version.{i}") or "")).isdigit()}
    count = await run_in_threadpool(actions.review_many, request, user, ids, "accept", None, versions)
    request.app.state.renderer.flash(request, f"已采纳{count}项 / {count} accepted")
    return RedirectResponse("/review", 303)


@router.post("/review/{observation_id}/{action}")
def review_action(request: Request, user: Office, observation_id: DbId, action: str,
                  reason: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None) -> Response:
    if action not in ("accept", "return"):
        action = "invalid"
    actions.review_one(request, user, observation_id, action, reason.strip() or None, version)
    word = "已采纳" if action == "accept" else "已退回"
    request.app.state.renderer.flash(request, f"{word} #{observation_id} / {action}ed #{observation_id}")
    return RedirectResponse("/review", 303)


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
        "user": user, "accounts": list_accounts(db), "units": units_with_aliases(db), "roles": ROLE_LABELS})


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
