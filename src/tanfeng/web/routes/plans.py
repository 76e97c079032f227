"""The plan library (current version, archive, delete) and plan set-up on the web, as pages and JSON API.

Every write checks the plan's region against the account's scope and leaves an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tanfeng.db.session import Database
from tanfeng.services import library, plan_admin, setup
from tanfeng.services.accounts import Account
from tanfeng.services.errors import StoreError
from tanfeng.web.deps import OFFICE, DbDep, DbId, audit_in, reader, writer, written
from tanfeng.web.scoping import plan_context, plan_region, require_read, require_write, scope_of

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]
FREQ_LABELS = {"year": "每年", "quarter": "每季度", "month": "每月"}


def _library(request: Request, user: Account) -> list[library.LibraryPlan]:
    scope = scope_of(request, user)
    return library.library(request.app.state.db, set(scope.read) if scope.read is not None else None)


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, user: OfficeReader) -> Response:
    return request.app.state.renderer.page(request, "library.html", {"user": user, "items": _library(request, user)})


@contextmanager
def _write(request: Request, user: Account, region_id: int | None) -> Iterator[Session]:
    """A write to a plan of ``region_id``: region checked, one write transaction, caches cleared after."""
    require_write(request, user, region_id)
    db: Database = request.app.state.db
    with db.write() as session:
        yield session
    written(request)


def _set_current(request: Request, user: Account, plan_id: int, version: int | None) -> int:
    with _write(request, user, plan_region(request.app.state.db, plan_id)) as session:
        number = library.set_current_in(session, plan_id, version, actor=user.username)
        audit_in(session, request, user, "set_current_version", "plan", plan_id, version=number,
                 pinned=version is not None)
    return number


def _archive(request: Request, user: Account, plan_id: int, archived: bool) -> None:
    with _write(request, user, plan_region(request.app.state.db, plan_id)) as session:
        library.archive_in(session, plan_id, actor=user.username, archived=archived)
        audit_in(session, request, user, "archive_plan" if archived else "unarchive_plan", "plan", plan_id)


def _delete(request: Request, user: Account, plan_id: int, confirm: str) -> str:
    with _write(request, user, plan_region(request.app.state.db, plan_id)) as session:
        title = library.delete_plan_in(session, plan_id, actor=user.username, confirm=confirm)
        audit_in(session, request, user, "delete_plan", "plan", plan_id, title=title)
    return title


@router.post("/library/{plan_id}/current")
def current_form(request: Request, user: Office, plan_id: DbId, version: Annotated[str, Form()] = "") -> Response:
    number = _set_current(request, user, plan_id, int(version) if version.strip().isdigit() else None)
    request.app.state.renderer.flash(request, f"当前版本：第{number}版")
    return RedirectResponse("/library", 303)


@router.post("/library/{plan_id}/archive")
def archive_form(request: Request, user: Office, plan_id: DbId, archived: Annotated[str, Form()] = "1") -> Response:
    _archive(request, user, plan_id, archived == "1")
    request.app.state.renderer.flash(request, "已归档" if archived == "1" else "已恢复")
    return RedirectResponse("/library", 303)


@router.post("/library/{plan_id}/delete")
def delete_form(request: Request, user: Office, plan_id: DbId, confirm: Annotated[str, Form()] = "") -> Response:
    title = _delete(request, user, plan_id, confirm)
    request.app.state.renderer.flash(request, f"已删除方案“{title}”")
    return RedirectResponse("/library", 303)


@router.get("/setup", response_class=HTMLResponse)
def setup_page(request: Request, user: OfficeReader, db: DbDep, plan: int | None = None) -> Response:
    ctx = plan_context(request, user, plan)
    data = setup.plan_setup(db, ctx.chosen.plan_id) if ctx.chosen else None
    can_write = data is not None and scope_of(request, user).writes(data.region_id)
    return request.app.state.renderer.page(request, "setup.html", {
        "user": user, "s": data, "freq_labels": FREQ_LABELS, "can_write": can_write, **ctx.template_vars()})


def _back(plan_id: int, message: str, request: Request) -> Response:
    request.app.state.renderer.flash(request, message)
    return RedirectResponse(f"/setup?plan={plan_id}", 303)


def _setup_write(request: Request, user: Account, plan_id: int) -> AbstractContextManager[Session]:
    return _write(request, user, plan_region(request.app.state.db, plan_id))


def baseline(request: Request, user: Account, plan_id: int, indicator_id: int, year: int, value: float) -> None:
    if not 1990 <= year <= 2100:
        raise StoreError(f"基期年{year}不合理", f"base year {year} out of range")
    with _setup_write(request, user, plan_id) as session:
        ref = plan_admin.set_baseline_in(session, plan=str(plan_id), target=f"#{indicator_id}", year=year,
                                         value=value, actor=user.username)
        audit_in(session, request, user, "set_baseline", "indicator", ref.indicator_id, plan_id=plan_id, year=year,
                 value=value)


def assign(request: Request, user: Account, plan_id: int, indicator_id: int, lead: str, co: str) -> None:
    if not lead.strip():
        raise StoreError("请填写牵头单位", "name the lead unit")
    with _setup_write(request, user, plan_id) as session:
        ref = plan_admin.assign_units_in(session, plan=str(plan_id), target=f"#{indicator_id}", lead=lead.strip(),
                                         co=setup.split_units(co), actor=user.username)
        audit_in(session, request, user, "assign_units", "indicator", ref.indicator_id, plan_id=plan_id, lead=lead,
                 co=co)


def frequency(request: Request, user: Account, plan_id: int, indicator_id: int, value: str) -> None:
    with _setup_write(request, user, plan_id) as session:
        ref = plan_admin.set_frequency_in(session, plan=str(plan_id), target=f"#{indicator_id}", frequency=value,
                                          actor=user.username)
        audit_in(session, request, user, "set_frequency", "indicator", ref.indicator_id, plan_id=plan_id,
                 frequency=value)


def task_units(request: Request, user: Account, plan_id: int, task: str, lead: str, co: str) -> None:
    with _setup_write(request, user, plan_id) as session:
        task_id = setup.set_task_units_in(session, plan_id=plan_id, task=task, lead=lead, co=setup.split_units(co),
                                          actor=user.username)
        audit_in(session, request, user, "set_task_units", "task", task_id, plan_id=plan_id, task=task, lead=lead,
                 co=co)


def new_unit(request: Request, user: Account, plan_id: int, name: str) -> None:
    region_id = plan_region(request.app.state.db, plan_id)
    with _write(request, user, region_id) as session:
        unit_id = setup.add_unit_in(session, region_id=region_id, name=name, actor=user.username)
        audit_in(session, request, user, "add_unit", "unit", unit_id, name=name, region_id=region_id)


@router.post("/setup/{plan_id}/baseline")
def baseline_form(request: Request, user: Office, plan_id: DbId, indicator_id: Annotated[int, Form()],
                  year: Annotated[int, Form()], value: Annotated[float, Form()]) -> Response:
    baseline(request, user, plan_id, indicator_id, year, value)
    return _back(plan_id, "已保存基期值", request)


@router.post("/setup/{plan_id}/assign")
def assign_form(request: Request, user: Office, plan_id: DbId, indicator_id: Annotated[int, Form()],
                lead: Annotated[str, Form()], co: Annotated[str, Form()] = "") -> Response:
    assign(request, user, plan_id, indicator_id, lead, co)
    return _back(plan_id, "已保存责任单位", request)


@router.post("/setup/{plan_id}/frequency")
def frequency_form(request: Request, user: Office, plan_id: DbId, indicator_id: Annotated[int, Form()],
                   frequency_value: Annotated[str, Form(alias="frequency")]) -> Response:
    frequency(request, user, plan_id, indicator_id, frequency_value)
    return _back(plan_id, "已保存填报频率", request)


@router.post("/setup/{plan_id}/task")
def task_form(request: Request, user: Office, plan_id: DbId, task: Annotated[str, Form()],
              lead: Annotated[str, Form()], co: Annotated[str, Form()] = "") -> Response:
    task_units(request, user, plan_id, task, lead, co)
    return _back(plan_id, f"已保存任务{task}的责任单位", request)


@router.post("/setup/{plan_id}/unit")
def unit_form(request: Request, user: Office, plan_id: DbId, name: Annotated[str, Form()]) -> Response:
    new_unit(request, user, plan_id, name)
    return _back(plan_id, f"已添加单位“{name.strip()}”", request)


# --- JSON API ---------------------------------------------------------------------------------------


class CurrentIn(BaseModel):
    version: int | None = None  # None: back to the rule (final over draft, then issue date)


class ArchiveIn(BaseModel):
    archived: bool = True


class DeleteIn(BaseModel):
    confirm: str  # the plan's title, typed again


class BaselineIn(BaseModel):
    indicator_id: int
    year: int
    value: float


class AssignIn(BaseModel):
    indicator_id: int
    lead: str
    co: list[str] = []


class FrequencyIn(BaseModel):
    indicator_id: int
    frequency: str


class TaskUnitsIn(BaseModel):
    task: str
    lead: str
    co: list[str] = []


class UnitIn(BaseModel):
    name: str


@api.get("/library")
def library_api(request: Request, user: OfficeReader) -> list[dict[str, Any]]:
    return [asdict(p) | {"deletable": p.deletable} for p in _library(request, user)]


@api.post("/plans/{plan_id}/current")
def current_api(request: Request, user: Office, plan_id: DbId, body: CurrentIn) -> dict[str, int]:
    return {"version": _set_current(request, user, plan_id, body.version)}


@api.post("/plans/{plan_id}/archive")
def archive_api(request: Request, user: Office, plan_id: DbId, body: ArchiveIn) -> dict[str, bool]:
    _archive(request, user, plan_id, body.archived)
    return {"archived": body.archived}


@api.delete("/plans/{plan_id}")
def delete_api(request: Request, user: Office, plan_id: DbId, body: DeleteIn) -> dict[str, str]:
    return {"deleted": _delete(request, user, plan_id, body.confirm)}


@api.get("/plans/{plan_id}/setup")
def setup_api(request: Request, user: OfficeReader, db: DbDep, plan_id: DbId) -> dict[str, Any]:
    require_read(request, user, plan_region(db, plan_id))
    return asdict(setup.plan_setup(db, plan_id))


@api.post("/plans/{plan_id}/baseline")
def baseline_api(request: Request, user: Office, plan_id: DbId, body: BaselineIn) -> dict[str, bool]:
    baseline(request, user, plan_id, body.indicator_id, body.year, body.value)
    return {"ok": True}


@api.post("/plans/{plan_id}/assign")
def assign_api(request: Request, user: Office, plan_id: DbId, body: AssignIn) -> dict[str, bool]:
    assign(request, user, plan_id, body.indicator_id, body.lead, "、".join(body.co))
    return {"ok": True}


@api.post("/plans/{plan_id}/frequency")
def frequency_api(request: Request, user: Office, plan_id: DbId, body: FrequencyIn) -> dict[str, bool]:
    frequency(request, user, plan_id, body.indicator_id, body.frequency)
    return {"ok": True}


@api.post("/plans/{plan_id}/tasks/units")
def task_units_api(request: Request, user: Office, plan_id: DbId, body: TaskUnitsIn) -> dict[str, bool]:
    task_units(request, user, plan_id, body.task, body.lead, "、".join(body.co))
    return {"ok": True}


@api.post("/plans/{plan_id}/units", status_code=201)
def unit_api(request: Request, user: Office, plan_id: DbId, body: UnitIn) -> dict[str, bool]:
    new_unit(request, user, plan_id, body.name)
    return {"ok": True}
