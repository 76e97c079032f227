"""JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json); the same permissions as the pages.

Authentication is the session cookie (``POST /api/v1/session``); every write needs the session's
CSRF token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tanfeng.plans.model import Plan
from tanfeng.services import audit, review, sessions
from tanfeng.services.accounts import ROLES, Account, list_accounts
from tanfeng.services.status import compute_status, indicator_series
from tanfeng.services.upload_guard import check_template
from tanfeng.services.workspace import plan_trees
from tanfeng.web import actions
from tanfeng.web.deps import (
    OFFICE,
    WRITERS,
    CurrentUser,
    DbDep,
    DbId,
    Forbidden,
    Limit,
    Offset,
    RateLimited,
    read_upload_bytes,
    reader,
    record,
    writer,
)
from tanfeng.web.plan_upload import read_upload_limited
from tanfeng.web.routes.auth import login_account
from tanfeng.web.security import csrf_token

router = APIRouter(prefix="/api/v1", tags=["api"])
Writer = Annotated[Account, Depends(writer(*WRITERS))]
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]


class Credentials(BaseModel):
    username: str
    password: str


class ValueIn(BaseModel):
    indicator_id: int
    period: str
    value: float
    unit: str | None = None
    source: str | None = None
    note: str | None = None
    version: int | None = Field(None, description="所改值的版本（不一致则 409）/ version edited from (409 if stale)")


class ValuesCreate(BaseModel):
    unit_id: int | None = Field(None, description="填报单位；责任单位账号可省略 / reporting unit (units: own)")
    draft: bool = False
    values: list[ValueIn]


class ProgressCreate(BaseModel):
    unit_id: int | None = None
    plan_id: int
    task: str
    period: str
    status: str = Field(description="未启动 / 按计划推进 / 进展滞后 / 已完成 / 已取消")
    text: str | None = None
    version: int | None = Field(None, description="所见最新进展的编号（无则 0）/ id of the latest report seen (0: none)")


class ReturnIn(BaseModel):
    reason: str
    version: int | None = None


class AcceptIn(BaseModel):
    version: int | None = Field(None, description="审核所见的版本 / the version the reviewer saw")


class QuotaUpdate(BaseModel):
    value: float
    unit: str | None = None
    note: str | None = None
    version: int | None = None


class UserCreate(BaseModel):
    username: str
    password: str
    role: str = Field(description="/".join(ROLES))
    display_name: str | None = None
    unit_id: int | None = None


class UserUpdate(BaseModel):
    password: str | None = None
    active: bool | None = None
    role: str | None = None
    version: int | None = Field(None, description="账号版本 / the account version shown")


class UnitRename(BaseModel):
    region: str
    unit: str
    new_name: str


class UnitAlias(BaseModel):
    region: str
    alias: str
    unit: str
    confirm: bool = Field(False, description="确认合并另一单位 / confirm merging another unit")


def _public(account: Account) -> dict[str, Any]:
    return {"id": account.id, "username": account.username, "display_name": account.display_name,
            "role": account.role, "unit_id": account.unit_id, "unit": account.unit, "active": account.active,
            "version": account.session_version}


@router.post("/session")
def login(request: Request, body: Credentials) -> JSONResponse:
    try:
        account = login_account(request, body.username, body.password)
    except Forbidden as err:
        return JSONResponse({"detail": err.message}, status_code=429 if isinstance(err, RateLimited) else 401)
    return JSONResponse({"user": _public(account), "csrf_token": csrf_token(request.session)})


@router.delete("/session")
def logout(request: Request, user: Annotated[Account, Depends(writer(*ROLES))]) -> dict[str, bool]:
    record(request, user, "logout", "user", user.id)
    sessions.end(request.app.state.db, request.session.get("sid"))
    request.session.clear()
    return {"ok": True}


@router.get("/me")
async def me(request: Request, user: CurrentUser) -> dict[str, Any]:
    return {"user": _public(user), "csrf_token": csrf_token(request.session)}


@router.get("/status")
def status(db: DbDep, _user: CurrentUser) -> list[dict[str, Any]]:
    return [row.to_dict() for row in compute_status(db)]


@router.get("/plans")
def plans(db: DbDep, _user: CurrentUser, q: str | None = None) -> list[dict[str, Any]]:
    return [asdict(tree) for tree in plan_trees(db, q)]


@router.get("/indicators/{indicator_id}/series")
def series(db: DbDep, _user: CurrentUser, indicator_id: DbId) -> dict[str, Any]:
    return asdict(indicator_series(db, indicator_id))


@router.get("/indicators/{indicator_id}/history")
def history(db: DbDep, _user: CurrentUser, indicator_id: DbId) -> list[dict[str, Any]]:
    return [asdict(r) for r in review.history(db, indicator_id)]


@router.get("/observations")
def observations(db: DbDep, _user: CurrentUser, status: str | None = None) -> list[dict[str, Any]]:
    return [asdict(o) for o in review.list_observations(db, status=status)]


@router.post("/observations", status_code=201)
def submit_values(request: Request, user: Writer, body: ValuesCreate) -> dict[str, Any]:
    result = actions.submit(request, user, [v.model_dump(exclude_none=True) for v in body.values], body.unit_id,
                            draft=body.draft)
    return asdict(result)


@router.post("/progress", status_code=201)
def submit_progress(request: Request, user: Writer, body: ProgressCreate) -> dict[str, Any]:
    result = actions.progress(request, user, body.plan_id, body.task, body.period, body.status, body.text,
                              body.unit_id, body.version)
    return asdict(result)


@router.post("/uploads", status_code=201)
async def upload_template(request: Request, user: Writer, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    suffix = Path(file.filename or "upload.xlsx").suffix.lower() or ".xlsx"
    data = await read_upload_bytes(file)

    def work() -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            check_template(path, file.filename or path.name)
            return asdict(actions.upload(request, user, path, file.filename or path.name))

    return await run_in_threadpool(work)


@router.post("/observations/{observation_id}/accept")
def accept(request: Request, user: Office, observation_id: DbId, body: AcceptIn | None = None) -> dict[str, bool]:
    actions.review_one(request, user, observation_id, "accept", None, body.version if body else None)
    return {"ok": True}


@router.post("/observations/{observation_id}/return")
def return_value(request: Request, user: Office, observation_id: DbId, body: ReturnIn) -> dict[str, bool]:
    actions.review_one(request, user, observation_id, "return", body.reason, body.version)
    return {"ok": True}


@router.put("/plans/{plan_id}/targets/{target}/quota")
def set_quota(request: Request, user: Office, plan_id: DbId, target: str, body: QuotaUpdate) -> dict[str, Any]:
    return asdict(actions.quota(request, user, plan_id, target, body.value, body.unit, body.note, body.version))


@router.post("/plans/preview")
async def preview_plan(request: Request, user: Office, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    data = await read_upload_bytes(file)

    def work() -> dict[str, Any]:
        return read_upload_limited(data, file.filename or "plan.txt").model_dump(mode="json", exclude_none=True)

    return await run_in_threadpool(work)


@router.post("/plans", status_code=201)
def store_plan(request: Request, user: Office, body: dict[str, Any]) -> dict[str, Any]:
    plan = Plan.model_validate(body)
    return asdict(actions.store_plan(request, user, plan))


@router.get("/users")
def users(db: DbDep, _user: OfficeReader) -> list[dict[str, Any]]:
    return [_public(a) for a in list_accounts(db)]


@router.post("/users", status_code=201)
def create_user(request: Request, user: Office, body: UserCreate) -> dict[str, Any]:
    return _public(actions.create_account(request, user, username=body.username, password=body.password,
                                          role=body.role, display_name=body.display_name, unit_id=body.unit_id))


@router.patch("/users/{account_id}")
def update_user(request: Request, user: Office, account_id: DbId, body: UserUpdate) -> dict[str, Any]:
    return _public(actions.update_account(request, user, account_id, password=body.password, active=body.active,
                                          role=body.role, version=body.version))


@router.post("/units/rename")
def rename_unit(request: Request, user: Office, body: UnitRename) -> dict[str, bool]:
    actions.rename_unit(request, user, body.region, body.unit, body.new_name)
    return {"ok": True}


@router.post("/units/aliases", status_code=201)
def alias_unit(request: Request, user: Office, body: UnitAlias) -> Any:
    preview = actions.alias_unit(request, user, body.region, body.alias, body.unit, confirm=body.confirm)
    if preview is not None:
        zh, en = preview.message()
        return JSONResponse({"detail": f"{zh}。确认请加 \"confirm\": true / {en}; send \"confirm\": true to do it",
                             "merge": preview.moves()}, status_code=409)
    return {"ok": True}


class ReportRequest(BaseModel):
    year: int | None = Field(None, description="评估年度（默认上一年）/ evaluated year (default: last year)")
    format: Literal["docx", "xlsx", "html"] = "docx"
    plan_id: int | None = None


@router.post("/reports/annual", response_class=Response,
             responses={200: {"description": "年度评估报告文件 / the report file (docx, xlsx or html)"}})
def annual_report(request: Request, user: Office, body: ReportRequest) -> Response:
    return actions.annual_report(request, user, body.year, body.format, body.plan_id)


@router.get("/audit")
def audit_log(db: DbDep, _user: OfficeReader, limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    return [asdict(e) for e in audit.recent(db, limit=min(limit, 500), offset=offset)]
