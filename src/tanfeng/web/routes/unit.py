"""The unit workspace: my indicators and tasks for the open period; enter, upload, submit; returned items."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from tanfeng.db.session import Database
from tanfeng.services.accounts import Account
from tanfeng.services.collection import CollectionResult
from tanfeng.services.errors import ImportValidationError, RowError, StoreError
from tanfeng.services.scope import region_ids_by_name, unit_region_id
from tanfeng.services.templates import PROGRESS_STATUSES, write_template
from tanfeng.services.upload_guard import read_template
from tanfeng.services.validation import check_id
from tanfeng.services.workspace import entry_periods, list_units, unit_work
from tanfeng.tracking.periods import parse_period
from tanfeng.web import actions
from tanfeng.web.deps import WRITERS, CurrentUser, DbDep, read_upload_bytes, writer
from tanfeng.web.notices import reminder_context
from tanfeng.web.scoping import refuse_enterprise, require_read, scope_of
from tanfeng.web.uploads import saved_upload, shown_name

router = APIRouter(include_in_schema=False)
Writer = Annotated[Account, Depends(writer(*WRITERS))]


def open_period(today: date | None = None) -> str:
    """The year being reported: last year (annual values are due after the year closes)."""
    return str((today or date.today()).year - 1)


def _unit_for_view(request: Request, user: Account, unit_id: int | None) -> int | None:
    refuse_enterprise(user)
    if user.role == "unit":
        return user.unit_id
    if unit_id is not None:  # the office looks at a unit of a region it reads
        require_read(request, user, unit_region_id(request.app.state.db, unit_id))
    return unit_id


def _readable_units(request: Request, user: Account, db: Database) -> list[tuple[int, str, str]]:
    """(id, name, region) of the units of the regions the account reads (the office's unit selector)."""
    scope, regions = scope_of(request, user), region_ids_by_name(db)
    return [u for u in list_units(db) if scope.reads(regions.get(u[2], -1))]


def _summary(result: CollectionResult, drafts_kept: int = 0) -> str:
    kept_zh = f"；{drafts_kept}项草稿仍为草稿" if drafts_kept else ""
    kept_en = f"; {drafts_kept} drafts stay drafts" if drafts_kept else ""
    return (f"已保存：新增{result.created}、更新{result.updated}、未变{result.unchanged}、任务进展{result.task_reports}{kept_zh} / "
            f"saved: {result.created} new, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.task_reports} progress reports{kept_en}")


def _form_id(raw: object, field: str) -> int:
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit():
        raise StoreError(f"表单字段{field}不是有效编号", f"form field {field} is not a valid id")
    return check_id(int(text), field)


def _period_choice(db: Database, unit_id: int | None, asked: str | None) -> tuple[str, list[str], str | None]:
    """The period shown (asked, if allowed), the allowed periods, and why an asked one was not taken."""
    allowed = entry_periods(db, unit_id)
    default = open_period() if open_period() in allowed else (allowed[0] if allowed else open_period())
    if asked is None or asked == "":
        return default, allowed, None
    parsed = parse_period(asked)
    if parsed is not None and parsed.label in allowed:
        return parsed.label, allowed, None
    return default, allowed, asked


def _workspace_page(request: Request, user: Account, db: Database, chosen: int | None, period: str | None,
                    entered: dict[int, dict[str, str]] | None = None,
                    problems: dict[int, list[RowError]] | None = None, status_code: int = 200) -> Response:
    period, periods, refused = _period_choice(db, chosen, period)
    work = unit_work(db, chosen, period) if chosen is not None else None
    return request.app.state.renderer.page(request, "workspace.html", {
        "user": user, "work": work, "period": period, "periods": periods, "refused_period": refused,
        "units": _readable_units(request, user, db) if user.role != "unit" else [],
        "progress_statuses": list(PROGRESS_STATUSES), "can_write": user.role in WRITERS,
        "entered": entered or {}, "problems": problems or {}, **reminder_context(db, chosen)},
        status_code=status_code)


@router.get("/workspace", response_class=HTMLResponse)
def workspace(request: Request, user: CurrentUser, db: DbDep, unit_id: int | None = None,
              period: str | None = None) -> Response:
    return _workspace_page(request, user, db, _unit_for_view(request, user, unit_id), period)


def _same_number(raw: str, shown: str) -> bool:
    try:
        return float(raw) == float(shown)
    except ValueError:
        return raw == shown


def form_values(form: FormData) -> tuple[list[dict[str, object]], dict[int, dict[str, str]], int]:
    """The rows a values form stores, what was entered (to show it again), and drafts left untouched.

    保存草稿 stores new and changed values as drafts. 提交 submits new and changed values and the drafts
    whose 提交此草稿 box is ticked; an untouched draft stays a draft (it is never submitted by accident).
    """
    as_draft = form.get("draft") == "1"
    values: list[dict[str, object]] = []
    entered: dict[int, dict[str, str]] = {}
    kept = 0
    for key, raw_value in form.multi_items():
        if not key.startswith("value."):
            continue
        indicator_id = _form_id(key.split(".", 1)[1], key)
        raw = str(raw_value).strip()
        note = str(form.get(f"note.{indicator_id}") or "").strip()
        ticked = form.get(f"submit.{indicator_id}") == "1"
        entered[indicator_id] = {"value": raw, "note": note, "submit": "1" if ticked else ""}
        if not raw:
            continue
        changed = not _same_number(raw, str(form.get(f"shown.{indicator_id}") or "")) or \
            note != str(form.get(f"shownnote.{indicator_id}") or "").strip()
        was_draft = form.get(f"status.{indicator_id}") == "draft"
        if not changed and (as_draft or not was_draft or not ticked):
            kept += 1 if was_draft and not as_draft else 0
            continue
        values.append({"indicator_id": indicator_id, "value": raw, "note": note or None, "draft": as_draft,
                       "version": form.get(f"version.{indicator_id}")})
    return values, entered, kept


@router.post("/workspace/values")
async def submit_values(request: Request, user: Writer) -> Response:
    form = await request.form()
    unit_id = _form_id(form.get("unit_id"), "unit_id") if form.get("unit_id") else None
    values, entered, kept = form_values(form)
    db: Database = request.app.state.db
    chosen = actions.acting_unit(user, unit_id)
    allowed = await run_in_threadpool(entry_periods, db, chosen)
    period = str(form.get("period") or open_period())
    if period not in allowed:
        raise StoreError(f"期间“{period}”不可填报，请从列表中选择", f"period '{period}' cannot be reported; pick one from the list")
    for value in values:
        value["period"] = period
    if not values:
        raise StoreError("没有新填或修改的数值" + (f"（{kept}项草稿未勾选“提交此草稿”）" if kept else ""),
                         "no new or changed value" + (f" ({kept} drafts not ticked 'submit this draft')" if kept else ""))
    try:
        result = await run_in_threadpool(actions.submit, request, user, values, unit_id, draft=False)
    except ImportValidationError as err:
        # the reasons go next to the fields, with what was entered kept in them
        by_row: dict[int, list[RowError]] = {}
        for problem in err.errors:
            if 1 <= problem.row <= len(values):
                by_row.setdefault(int(str(values[problem.row - 1]["indicator_id"])), []).append(problem)
        if len(by_row) < len({e.row for e in err.errors}):
            raise
        return await run_in_threadpool(_workspace_page, request, user, db, chosen, period, entered, by_row, 422)
    request.app.state.renderer.flash(request, _summary(result, kept))
    return RedirectResponse(f"/workspace?period={period}" + (f"&unit_id={unit_id}" if unit_id else ""), 303)


@router.post("/workspace/progress")
def submit_progress(request: Request, user: Writer, plan_id: Annotated[int, Form()], task: Annotated[str, Form()],
                    period: Annotated[str, Form()], status: Annotated[str, Form()],
                    text: Annotated[str, Form()] = "", unit_id: Annotated[int | None, Form()] = None,
                    version: Annotated[int | None, Form()] = None) -> Response:
    result = actions.progress(request, user, plan_id, task, period, status, text.strip() or None, unit_id, version)
    request.app.state.renderer.flash(request, _summary(result))
    return RedirectResponse(f"/workspace?period={period}" + (f"&unit_id={unit_id}" if unit_id else ""), 303)


@router.post("/workspace/upload")
async def upload(request: Request, user: Writer, file: Annotated[UploadFile, File()]) -> Response:
    data = await read_upload_bytes(file)
    name = shown_name(file.filename, "upload.xlsx")

    def work() -> CollectionResult:
        with saved_upload(request, data, name) as path:
            parsed = read_template(path, name)
            return actions.upload(request, user, path, name, parsed)

    result = await run_in_threadpool(work)
    request.app.state.renderer.flash(request, _summary(result))
    return RedirectResponse("/workspace", 303)


@router.get("/workspace/template.xlsx")
def template(request: Request, user: CurrentUser, db: DbDep, unit_id: int | None = None,
             period: str | None = None) -> Response:
    chosen = _unit_for_view(request, user, unit_id)
    if chosen is None:
        raise StoreError("请选择单位", "choose a unit")
    found = next(((n, r) for uid, n, r in list_units(db) if uid == chosen), None)
    if found is None:
        raise StoreError(f"没有编号为{chosen}的单位", f"no unit {chosen}")
    name, region = found
    period = period or open_period()
    handle, tmp = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    write_template(db, unit=name, period=period, path=tmp, region=region)
    return FileResponse(tmp, filename=f"{name}-{period}.xlsx", background=BackgroundTask(Path(tmp).unlink),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
