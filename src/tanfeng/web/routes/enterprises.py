"""Key energy users and 两高 projects: lists with filters and Excel export, the enterprise and project pages
(the project's benchmark position drawn), the import page, and the JSON API.

Who sees what is ``services.enterprise_scope``: an enterprise account reads its own enterprise only (403
for any other), an office its region and the regions below.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tanfeng.db.session import Database
from tanfeng.enterprises import benchmarks
from tanfeng.services import enterprises, projects
from tanfeng.services.accounts import Account
from tanfeng.services.enterprise_sheets import STATUS_EN, STATUS_ZH
from tanfeng.services.regions import region_tree
from tanfeng.web.deps import OFFICE, CurrentUser, DbDep, DbId, audit_in, read_upload_bytes, reader, writer, written

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["enterprises"])
Office = Annotated[Account, Depends(writer(*OFFICE))]
Editor = Annotated[Account, Depends(writer(*OFFICE, "enterprise"))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLASS_WORDS = {"benchmark": ("达到标杆水平", "At or better than the benchmark"),
               "upgrade": ("改造升级（标杆与基准之间）", "Upgrade (between benchmark and baseline)"),
               "below_baseline": ("限期改造或淘汰（低于基准水平）", "Retrofit by the deadline or exit (worse than baseline)"),
               "none": ("未分类", "Not classified"), "entry": ("准入预警", "Entry flag")}


def _lang(request: Request) -> str:
    return str(request.app.state.renderer.language(request))


def _regions(request: Request, user: Account) -> list[tuple[int, str]]:
    """Regions for the filter: those holding enterprises the account reads."""
    db: Database = request.app.state.db
    seen = {e.region_id for e in enterprises.list_enterprises(db, user)}
    return [(n.id, n.name) for n in region_tree(db) if n.id in seen]


def _flag(value: str | None) -> bool:
    return value in ("1", "true", "on", "yes")


def _region_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _status_words(lang: str) -> dict[str, str]:
    return STATUS_EN if lang == "en" else STATUS_ZH


def _class_words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in CLASS_WORDS.items()}


def _bar(c: benchmarks.Classification) -> dict[str, Any]:
    """Positions (per cent of the scale) of 标杆, 基准 and the value on a scale that holds all three."""
    low = min(c.row.benchmark, c.value)
    high = max(c.row.baseline, c.value)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad

    def at(x: float) -> float:
        return round((x - low) / (high - low) * 100, 2)

    return {"benchmark": at(c.row.benchmark), "baseline": at(c.row.baseline), "value": at(c.value),
            "klass": c.klass}


# ---- enterprises -----------------------------------------------------------------------------------


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(request: Request, user: CurrentUser, db: DbDep, region: str | None = None,
                    industry: str | None = None, q: str | None = None, key: str | None = None) -> Response:
    if user.role == "enterprise" and user.enterprise_id:
        return RedirectResponse(f"/enterprises/{user.enterprise_id}", 303)
    rows = enterprises.list_enterprises(db, user, region_id=_region_id(region), industry=industry, query=q,
                                        key_only=_flag(key))
    return request.app.state.renderer.page(request, "enterprises.html", {
        "user": user, "rows": rows, "regions": _regions(request, user), "f": {
            "region": _region_id(region), "industry": industry or "", "q": q or "", "key": _flag(key)},
        "query": request.url.query})


@router.get("/enterprises.xlsx")
def enterprise_export(request: Request, user: CurrentUser, db: DbDep, region: str | None = None,
                      industry: str | None = None, q: str | None = None, key: str | None = None) -> Response:
    rows = enterprises.list_enterprises(db, user, region_id=_region_id(region), industry=industry, query=q,
                                        key_only=_flag(key))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enterprises.xlsx"
        enterprises.write_template(db, path, user, rows=rows)
        data = path.read_bytes()
    return Response(data, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="enterprises.xlsx"'})


@router.get("/enterprises/import", response_class=HTMLResponse)
def import_page(request: Request, user: OfficeReader) -> Response:
    return request.app.state.renderer.page(request, "enterprise_import.html", {"user": user})


@router.get("/enterprises/template.xlsx")
def enterprise_template(request: Request, user: OfficeReader, db: DbDep) -> Response:
    return _template(db, user, "enterprises")


@router.get("/projects/template.xlsx")
def project_template(request: Request, user: OfficeReader, db: DbDep) -> Response:
    return _template(db, user, "projects")


def _template(db: Database, user: Account, kind: str) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}.xlsx"
        if kind == "enterprises":
            enterprises.write_template(db, path, user)
        else:
            projects.write_template(db, path, user)
        data = path.read_bytes()
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{kind}-template.xlsx"'})


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_page(request: Request, user: CurrentUser, db: DbDep, enterprise_id: DbId) -> Response:
    e = enterprises.get_enterprise(db, user, enterprise_id)
    lang = _lang(request)
    views = projects.list_projects(db, user, enterprise_id=e.id)
    return request.app.state.renderer.page(request, "enterprise.html", {
        "user": user, "e": e, "projects": views, "statuses": _status_words(lang), "classes": _class_words(lang),
        "can_edit": user.role in (*OFFICE, "enterprise")})


@router.post("/enterprises/{enterprise_id}/edit")
def enterprise_edit(request: Request, user: Editor, enterprise_id: DbId, version: Annotated[int, Form()],
                    contact_name: Annotated[str, Form()] = "", contact_phone: Annotated[str, Form()] = "",
                    contact_email: Annotated[str, Form()] = "", products: Annotated[str, Form()] = "",
                    note: Annotated[str, Form()] = "") -> Response:
    changes = {"contact_name": contact_name, "contact_phone": contact_phone, "contact_email": contact_email,
               "products": products, "note": note}
    _update(request, user, enterprise_id, changes, version)
    request.app.state.renderer.flash(request, "已保存 / saved")
    return RedirectResponse(f"/enterprises/{enterprise_id}", 303)


def _update(request: Request, user: Account, enterprise_id: int, changes: dict[str, Any],
            version: int | None) -> enterprises.EnterpriseRow:
    def audit(session: Any, view: enterprises.EnterpriseRow) -> None:
        audit_in(session, request, user, "edit_enterprise", "enterprise", view.id, fields=sorted(changes))

    view = enterprises.update_enterprise(request.app.state.db, user, enterprise_id, changes, version=version,
                                         audit=audit)
    written(request)
    return view


# ---- projects --------------------------------------------------------------------------------------


def _project_filters(status: str | None, klass: str | None) -> tuple[str | None, str | None]:
    status_key = projects.parse_status(status) if status else None
    klass_key = klass if klass in CLASS_WORDS else None
    return status_key, klass_key


@router.get("/projects", response_class=HTMLResponse)
def project_list(request: Request, user: CurrentUser, db: DbDep, region: str | None = None,
                 status: str | None = None, klass: str | None = None, q: str | None = None,
                 edition: str | None = None) -> Response:
    status_key, klass_key = _project_filters(status, klass)
    chosen = edition if edition in benchmarks.EDITIONS else benchmarks.LATEST_EDITION
    views = projects.list_projects(db, user, region_id=_region_id(region), status=status_key, klass=klass_key,
                                   query=q, edition=chosen)
    lang = _lang(request)
    return request.app.state.renderer.page(request, "projects.html", {
        "user": user, "views": views, "counts": projects.class_counts(views), "regions": _regions(request, user),
        "statuses": _status_words(lang), "classes": _class_words(lang), "editions": benchmarks.EDITIONS,
        "f": {"region": _region_id(region), "status": status_key or "", "klass": klass_key or "", "q": q or "",
              "edition": chosen}, "query": request.url.query})


@router.get("/projects.xlsx")
def project_export(request: Request, user: CurrentUser, db: DbDep, region: str | None = None,
                   status: str | None = None, klass: str | None = None, q: str | None = None,
                   edition: str | None = None) -> Response:
    status_key, klass_key = _project_filters(status, klass)
    chosen = edition if edition in benchmarks.EDITIONS else benchmarks.LATEST_EDITION
    views = projects.list_projects(db, user, region_id=_region_id(region), status=status_key, klass=klass_key,
                                   query=q, edition=chosen)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "projects.xlsx"
        projects.write_export(path, views)
        data = path.read_bytes()
    return Response(data, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'})


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, user: CurrentUser, db: DbDep, project_id: DbId,
                 edition: str | None = None) -> Response:
    chosen = edition if edition in benchmarks.EDITIONS else benchmarks.LATEST_EDITION
    view = projects.get_project(db, user, project_id, chosen)
    lang = _lang(request)
    bars = [(_bar(ln.classification) if ln.classification else None) for ln in view.lines]
    return request.app.state.renderer.page(request, "project.html", {
        "user": user, "p": view, "bars": bars, "statuses": _status_words(lang), "classes": _class_words(lang),
        "editions": benchmarks.EDITIONS, "edition": chosen, "today": date.today(),
        "can_write": user.role in OFFICE})


@router.post("/projects/{project_id}/status")
def project_status(request: Request, user: Office, project_id: DbId, status: Annotated[str, Form()],
                   version: Annotated[int, Form()], note: Annotated[str, Form()] = "") -> Response:
    _change_status(request, user, project_id, status, note, version)
    request.app.state.renderer.flash(request, "已更新项目状态 / status changed")
    return RedirectResponse(f"/projects/{project_id}", 303)


def _change_status(request: Request, user: Account, project_id: int, status: str, note: str | None,
                   version: int | None) -> projects.ProjectView:
    def audit(session: Any, view: projects.ProjectView) -> None:
        audit_in(session, request, user, "project_status", "project", view.id, status=view.status)

    view = projects.change_status(request.app.state.db, user, project_id, status, actor=user.username, note=note,
                                  version=version, audit=audit)
    written(request)
    return view


# ---- import ----------------------------------------------------------------------------------------


def _imported(request: Request, user: Account, kind: str, data: bytes, filename: str) -> Any:
    """Store an uploaded list (all or nothing) with its audit entry; runs in a worker thread."""
    suffix = Path(filename).suffix.lower() if Path(filename).suffix.lower() in (".xlsx", ".csv") else ".xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)

        def audit(session: Any, result: Any) -> None:
            moved = {"accounts_moved": result.accounts_moved} if getattr(result, "accounts_moved", 0) else {}
            audit_in(session, request, user, f"import_{kind}", kind, None, file=filename,
                     created=result.created, updated=result.updated, **moved)

        service: Callable[..., Any] = enterprises.import_enterprises if kind == "enterprises" else projects.import_projects
        result = service(request.app.state.db, path, actor=user.username, account=user, name=filename, audit=audit)
    written(request)
    return result


async def _upload(request: Request, user: Account, kind: str, file: UploadFile) -> Any:
    data = await read_upload_bytes(file)
    return await run_in_threadpool(_imported, request, user, kind, data, file.filename or "upload.xlsx")


@router.post("/enterprises/import")
async def enterprise_upload(request: Request, user: Office, file: Annotated[UploadFile, File()]) -> Response:
    r = await _upload(request, user, "enterprises", file)
    moved = (f"，{r.accounts_moved}个企业账号随企业迁入新地区", f", {r.accounts_moved} enterprise account(s) moved with "
             "their enterprise") if r.accounts_moved else ("", "")
    request.app.state.renderer.flash(request, f"已导入企业：新增{r.created}，更新{r.updated}{moved[0]} / "
                                              f"enterprises imported: {r.created} new, {r.updated} updated{moved[1]}")
    return RedirectResponse("/enterprises", 303)


@router.post("/projects/import")
async def project_upload(request: Request, user: Office, file: Annotated[UploadFile, File()]) -> Response:
    r = await _upload(request, user, "projects", file)
    request.app.state.renderer.flash(request, f"已导入项目：新增{r.created}，更新{r.updated} / "
                                              f"projects imported: {r.created} new, {r.updated} updated")
    return RedirectResponse("/projects", 303)


# ---- JSON API --------------------------------------------------------------------------------------


def _project_json(v: projects.ProjectView) -> dict[str, Any]:
    return {"id": v.id, "region": v.region, "enterprise_id": v.enterprise_id, "enterprise": v.enterprise,
            "uscc": v.uscc, "code": v.code, "name": v.name, "industry_code": v.industry_code, "status": v.status,
            "energy_equivalent_tce": v.energy_equivalent_tce, "energy_calorific_tce": v.energy_calorific_tce,
            "coal_tce": v.coal_tce, "co2_t": v.co2_t, "start_year": v.start_year, "operation_year": v.operation_year,
            "version": v.version, "class": v.klass, "entry_flag": v.entry_flag,
            "lines": [{"product": ln.product, "design_capacity": ln.design_capacity, "capacity_unit": ln.capacity_unit,
                       "design_unit_energy": ln.design_unit_energy, "unit": ln.unit_energy_unit,
                       "classification": None if ln.classification is None else {
                           "class": ln.classification.klass, "value": ln.classification.value,
                           "benchmark": ln.classification.row.benchmark, "baseline": ln.classification.row.baseline,
                           "unit": ln.classification.row.unit, "document": ln.classification.row.document,
                           "edition": ln.classification.row.edition, "evidence": ln.classification.row.evidence,
                           "verified": ln.classification.row.verified, "entry_flag": ln.classification.entry_flag,
                           "deadline": ln.classification.deadline.isoformat() if ln.classification.deadline else None},
                       "problem": ln.problem} for ln in v.lines],
            "review": None if v.review is None else {k: (x.isoformat() if isinstance(x, date) else x)
                                                      for k, x in v.review.items()},
            "history": [{**h, "at": h["at"].isoformat()} for h in v.history]}


@api.get("/enterprises")
def api_enterprises(db: DbDep, user: CurrentUser, region_id: int | None = None, industry: str | None = None,
                    q: str | None = None) -> list[dict[str, Any]]:
    return [r.as_dict() for r in enterprises.list_enterprises(db, user, region_id=region_id, industry=industry, query=q)]


@api.get("/enterprises/{enterprise_id}")
def api_enterprise(db: DbDep, user: CurrentUser, enterprise_id: DbId) -> dict[str, Any]:
    return enterprises.get_enterprise(db, user, enterprise_id).as_dict()


class EnterpriseEdit(BaseModel):
    version: int | None = Field(None, description="企业版本 / the version shown")
    name: str | None = None
    industry_code: str | None = None
    products: str | None = None
    key_energy_user: bool | None = None
    key_emitter: bool | None = None
    carbon_market: bool | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    note: str | None = None


@api.patch("/enterprises/{enterprise_id}")
def api_enterprise_edit(request: Request, user: Editor, enterprise_id: DbId, body: EnterpriseEdit) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    if user.role == "enterprise":  # an enterprise keeps its contacts and products; the office the rest
        changes = {k: v for k, v in changes.items() if k in ("products", "contact_name", "contact_phone",
                                                             "contact_email", "note")}
    return _update(request, user, enterprise_id, changes, body.version).as_dict()


@api.get("/projects")
def api_projects(db: DbDep, user: CurrentUser, region_id: int | None = None, status: str | None = None,
                 klass: str | None = None, enterprise_id: int | None = None,
                 edition: str = benchmarks.LATEST_EDITION) -> list[dict[str, Any]]:
    status_key, klass_key = _project_filters(status, klass)
    chosen = edition if edition in benchmarks.EDITIONS else benchmarks.LATEST_EDITION
    return [_project_json(v) for v in projects.list_projects(db, user, region_id=region_id, status=status_key,
                                                             klass=klass_key, enterprise_id=enterprise_id,
                                                             edition=chosen)]


@api.get("/projects/{project_id}")
def api_project(db: DbDep, user: CurrentUser, project_id: DbId) -> dict[str, Any]:
    return _project_json(projects.get_project(db, user, project_id))


class StatusChange(BaseModel):
    status: str = Field(description="proposed | construction | operating | retrofit | exited（或 拟建/在建/投产/改造/退出）")
    note: str | None = None
    version: int | None = None


@api.post("/projects/{project_id}/status")
def api_project_status(request: Request, user: Office, project_id: DbId, body: StatusChange) -> dict[str, Any]:
    return _project_json(_change_status(request, user, project_id, body.status, body.note, body.version))


@api.post("/enterprises/import", status_code=201)
async def api_enterprise_import(request: Request, user: Office, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    r = await _upload(request, user, "enterprises", file)
    return {"created": r.created, "updated": r.updated, "unchanged": r.unchanged, "ids": r.ids}


@api.post("/projects/import", status_code=201)
async def api_project_import(request: Request, user: Office, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    r = await _upload(request, user, "projects", file)
    return {"created": r.created, "updated": r.updated, "product_lines": r.product_lines,
            "status_changes": r.status_changes, "ids": r.ids}
