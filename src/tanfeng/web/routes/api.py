"""JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json); the same permissions as the pages.

Authentication is the session cookie (``POST /api/v1/session``); every write needs the session's
CSRF token in the ``X-CSRF-Token`` header. A machine client sends an API token instead
(``Authorization: Bearer tfk_…``, made on 我的账号 or with ``tanfeng users token``), with no CSRF token.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tanfeng.plans.model import Plan
from tanfeng.services import api_tokens, audit, review, sessions
from tanfeng.services.accounts import ROLES, Account, list_accounts
from tanfeng.services.indicator_mapping import parse_decisions
from tanfeng.services.plan_import import MappingChoices, import_plan
from tanfeng.services.scope import indicator_region, plan_indicator_ids, visible_plans
from tanfeng.services.status import compute_status, indicator_series
from tanfeng.services.upload_guard import read_template
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
from tanfeng.web.scoping import plan_context, readable_accounts, require_read, scope_of
from tanfeng.web.security import csrf_token
from tanfeng.web.uploads import saved_upload, shown_name

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
    token_auth = getattr(request.state, "token_auth", False)  # a token client needs no CSRF token
    return {"user": _public(user), "csrf_token": None if token_auth else csrf_token(request.session)}


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


@router.post("/me/password")
def change_password(request: Request, user: Annotated[Account, Depends(writer(*ROLES))],
                    body: PasswordChange) -> dict[str, int]:
    """Change one's own password (the current one first); the account's other sessions end."""
    return {"other_sessions_ended": actions.change_own_password(request, user, body.current_password,
                                                                body.new_password)}


class TokenIn(BaseModel):
    name: str = Field(max_length=100)
    days: int | None = Field(default=365, ge=1, le=api_tokens.MAX_DAYS)  # None: no expiry


def _token_json(info: api_tokens.TokenInfo) -> dict[str, Any]:
    return {"id": info.id, "name": info.name, "hint": info.hint, "state": info.state(),
            "created_at": info.created_at.isoformat(), "created_by": info.created_by,
            "expires_at": info.expires_at.isoformat() if info.expires_at else None,
            "last_used_at": info.last_used_at.isoformat() if info.last_used_at else None}


@router.get("/me/tokens")
def my_tokens(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
    """The account's API tokens (never the tokens themselves)."""
    return [_token_json(t) for t in api_tokens.list_tokens(request.app.state.db, user.username)]


@router.post("/me/tokens", status_code=201)
def new_token(request: Request, user: Annotated[Account, Depends(writer(*ROLES))], body: TokenIn) -> dict[str, Any]:
    """A new API token of the account: the only time the token itself is shown."""
    info, token = actions.create_own_token(request, user, body.name, body.days)
    return _token_json(info) | {"token": token}


@router.delete("/me/tokens/{token_id}")
def end_token(request: Request, user: Annotated[Account, Depends(writer(*ROLES))], token_id: DbId) -> dict[str, Any]:
    return _token_json(actions.revoke_own_token(request, user, token_id))


def _plan_ids(request: Request, user: Account, plan_id: int | None) -> list[int]:
    """The plans a read covers: the one named (must be visible), else every plan the account sees."""
    if plan_id is not None:
        return plan_context(request, user, plan_id).plan_ids
    return [p.plan_id for p in visible_plans(request.app.state.db, scope_of(request, user))]


@router.get("/status")
def status(request: Request, db: DbDep, user: CurrentUser, plan_id: int | None = None) -> list[dict[str, Any]]:
    """Every target of the plans the account sees (or of ``plan_id``) with its warning light."""
    return [row.to_dict() for row in compute_status(db, plan_ids=_plan_ids(request, user, plan_id))]


@router.get("/plans")
def plans(request: Request, db: DbDep, user: CurrentUser, q: str | None = None,
          plan_id: int | None = None) -> list[dict[str, Any]]:
    return [asdict(tree) for tree in plan_trees(db, q, _plan_ids(request, user, plan_id))]


@router.get("/indicators/{indicator_id}/series")
def series(request: Request, db: DbDep, user: CurrentUser, indicator_id: DbId) -> dict[str, Any]:
    require_read(request, user, indicator_region(db, indicator_id))
    return asdict(indicator_series(db, indicator_id))


@router.get("/indicators/{indicator_id}/history")
def history(request: Request, db: DbDep, user: CurrentUser, indicator_id: DbId) -> list[dict[str, Any]]:
    require_read(request, user, indicator_region(db, indicator_id))
    return [asdict(r) for r in review.history(db, indicator_id)]


@router.get("/observations")
def observations(request: Request, db: DbDep, user: CurrentUser, status: str | None = None,
                 plan_id: int | None = None) -> list[dict[str, Any]]:
    """Reported values of the plans the account sees; a unit account sees only its own unit's."""
    mine = plan_indicator_ids(db, _plan_ids(request, user, plan_id))
    rows = [o for o in review.list_observations(db, status=status) if o.indicator_id in mine]
    if user.role == "unit":
        rows = [o for o in rows if o.reporter == user.unit]
    return [asdict(o) for o in rows]


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
    data = await read_upload_bytes(file)
    name = shown_name(file.filename, "upload.xlsx")

    def work() -> dict[str, Any]:
        with saved_upload(request, data, name) as path:
            parsed = read_template(path, name)
            return asdict(actions.upload(request, user, path, name, parsed))

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
        return read_upload_limited(data, shown_name(file.filename, "plan.txt")).model_dump(mode="json", exclude_none=True)

    return await run_in_threadpool(work)


@router.post("/plans", status_code=201)
def store_plan(request: Request, user: Office, body: dict[str, Any], response: Response,
               mapping: Annotated[list[str] | None, Query(alias="map")] = None,  # ?map=T3=12&map=T4=new (as --map)
               accept_proposals: bool = False, dry_run: bool = False) -> dict[str, Any]:
    plan = Plan.model_validate(body)
    choices = MappingChoices(parse_decisions(mapping or []), accept_proposals)
    if dry_run:  # the mapping the office would get; nothing stored
        response.status_code = 200
        return asdict(import_plan(request.app.state.db, plan, actor=user.username, choices=choices, dry_run=True))
    return asdict(actions.store_plan(request, user, plan, choices))


@router.get("/users")
def users(request: Request, db: DbDep, user: OfficeReader) -> list[dict[str, Any]]:
    return [_public(a) for a in readable_accounts(request, user, list_accounts(db))]


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
    lang: Literal["zh", "en"] | None = Field(None, description="报告语言（默认界面语言）/ the report's language "
                                                                "(default: the UI's)")


@router.post("/reports/annual", response_class=Response,
             responses={200: {"description": "年度评估报告文件 / the report file (docx, xlsx or html)"}})
def annual_report(request: Request, user: Annotated[Account, Depends(writer(*OFFICE, "viewer"))],
                  body: ReportRequest) -> Response:
    return actions.annual_report(request, user, body.year, body.format, body.plan_id, body.lang)


@router.get("/audit")
def audit_log(request: Request, db: DbDep, user: OfficeReader, limit: Limit = 100, offset: Offset = 0
              ) -> list[dict[str, Any]]:
    """The audit log, newest first; a regional office's: what accounts of its regions did."""
    regions = scope_of(request, user).read
    return [asdict(e) for e in audit.recent(db, limit=min(limit, 500), offset=offset, regions=regions)]
