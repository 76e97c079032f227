"""Across regions: the roll-up of lower regions, vertical alignment (上下对标), and the quota table a city assigns."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tanfeng.db.session import Database
from tanfeng.services import quotas
from tanfeng.services.accounts import Account
from tanfeng.services.alignment import FLAG_LABELS, alignment
from tanfeng.services.errors import StoreError
from tanfeng.services.regions import region_tree
from tanfeng.services.rollup import rollup
from tanfeng.services.scope import visible_plans
from tanfeng.web.deps import OFFICE, CurrentUser, DbDep, DbId, audit_in, read_upload_bytes, reader, writer, written
from tanfeng.web.scoping import plan_context, refuse_enterprise, require_read, require_write, scope_of
from tanfeng.web.uploads import saved_upload, shown_name

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upper_regions(request: Request, user: Account) -> list[tuple[int, str]]:
    """Readable regions that have lower regions with plans (where a roll-up or a quota table makes sense)."""
    db = request.app.state.db
    scope = scope_of(request, user)
    with_plans = {p.region_id for p in visible_plans(db, scope)}
    nodes = region_tree(db)
    parents_with_plans = {n.parent_id for n in nodes if n.id in with_plans and n.parent_id is not None}
    ancestors: set[int] = set()
    by_id = {n.id: n for n in nodes}
    for pid in parents_with_plans:
        current = by_id.get(pid)
        while current is not None and current.id not in ancestors:
            ancestors.add(current.id)
            current = by_id.get(current.parent_id) if current.parent_id else None
    return [(n.id, n.name) for n in nodes if n.id in ancestors and scope.reads(n.id)]


def _region_choice(request: Request, user: Account, region: str | None) -> tuple[list[tuple[int, str]], str | None]:
    refuse_enterprise(user)
    choices = _upper_regions(request, user)
    if region is not None:
        match = next((rid for rid, name in choices if name == region), None)
        if match is None:
            require_read(request, user, None)
        return choices, region
    own = next((name for rid, name in choices if rid == user.region_id), None)
    return choices, own or (choices[-1][1] if choices else None)


@router.get("/rollup", response_class=HTMLResponse)
def rollup_page(request: Request, user: CurrentUser, db: DbDep, region: str | None = None) -> Response:
    choices, chosen = _region_choice(request, user, region)
    data = rollup(db, chosen) if chosen else None
    return request.app.state.renderer.page(request, "rollup.html", {"user": user, "r": data, "regions": choices,
                                                                    "region": chosen})


@api.get("/rollup")
def rollup_api(request: Request, db: DbDep, user: CurrentUser, region: str) -> dict[str, Any]:
    """Lower regions × headline indicators: warning light, latest value and target of each."""
    _region_choice(request, user, region)
    return asdict(rollup(db, region))


@router.get("/alignment", response_class=HTMLResponse)
def alignment_page(request: Request, user: CurrentUser, db: DbDep, plan: int | None = None) -> Response:
    ctx = plan_context(request, user, plan)
    data = alignment(db, ctx.chosen.plan_id) if ctx.chosen else None
    return request.app.state.renderer.page(request, "alignment.html", {"user": user, "a": data,
                                                                       "flag_labels": FLAG_LABELS,
                                                                       **ctx.template_vars()})


@api.get("/plans/{plan_id}/alignment")
def alignment_api(request: Request, db: DbDep, user: CurrentUser, plan_id: DbId) -> dict[str, Any]:
    plan_context(request, user, plan_id)  # visible, else 403
    return asdict(alignment(db, plan_id))


def _quota_region(request: Request, user: Account, region: str | None) -> tuple[list[tuple[int, str]], int | None]:
    choices, chosen = _region_choice(request, user, region)
    region_id = next((rid for rid, name in choices if name == chosen), None)
    return choices, region_id


@router.get("/quotas", response_class=HTMLResponse)
def quotas_page(request: Request, user: OfficeReader, db: DbDep, region: str | None = None) -> Response:
    choices, region_id = _quota_region(request, user, region)
    table = quotas.quota_table(db, region_id) if region_id is not None else None
    can_write = region_id is not None and scope_of(request, user).writes(region_id)
    return request.app.state.renderer.page(request, "quotas.html", {"user": user, "q": table, "regions": choices,
                                                                    "region_id": region_id, "can_write": can_write})


def save(request: Request, user: Account, region_id: int, entries: list[quotas.QuotaEntry], doc: str,
         source: str) -> int:
    """The region's office assigns quotas to its lower regions (and only its own region's office)."""
    require_write(request, user, region_id)
    db: Database = request.app.state.db
    with db.write() as session:
        changed = quotas.save_quotas_in(session, region_id, entries, doc=doc, actor=user.username, source=source)
        audit_in(session, request, user, "assign_quotas", "region", region_id, doc=doc, changed=changed,
                 source=source, entries=[asdict(e) for e in entries])
    written(request)
    return changed


def _form_entries(form: Any) -> list[quotas.QuotaEntry]:
    """Cells named ``q|region|code|year``; blank cells are left as they are."""
    out = []
    for key, raw in form.multi_items():
        if not key.startswith("q|") or not str(raw).strip():
            continue
        _, region, code, year = key.split("|", 3)
        try:
            value = float(str(raw).replace(",", "").strip())
        except ValueError:
            raise StoreError(f"{region} {code}: “{raw}”不是数字", f"{region} {code}: '{raw}' is not a number") from None
        out.append(quotas.QuotaEntry(region, code, int(year) if year.isdigit() else None, value))
    return out


@router.post("/quotas/{region_id}")
async def quotas_form(request: Request, user: Office, region_id: DbId) -> Response:
    form = await request.form()
    entries, doc = _form_entries(form), str(form.get("doc") or "")
    changed = await run_in_threadpool(save, request, user, region_id, entries, doc, "form")
    request.app.state.renderer.flash(request, f"已保存{changed}项下达指标（{doc.strip()}）")
    return RedirectResponse("/quotas", 303)


@router.post("/quotas/{region_id}/upload")
async def quotas_upload(request: Request, user: Office, region_id: DbId,
                        file: Annotated[UploadFile, File()]) -> Response:
    data = await read_upload_bytes(file)
    doc = str((await request.form()).get("doc") or "")

    name = shown_name(file.filename, "quotas.xlsx")

    def work() -> int:
        with saved_upload(request, data, name) as path:
            return save(request, user, region_id, quotas.parse_quota_file(path), doc, name)

    changed = await run_in_threadpool(work)
    request.app.state.renderer.flash(request, f"已导入{changed}项下达指标（{doc.strip()}）")
    return RedirectResponse("/quotas", 303)


@router.get("/quotas/{region_id}/template.xlsx")
def quotas_template(request: Request, user: OfficeReader, db: DbDep, region_id: DbId) -> Response:
    require_read(request, user, region_id)
    return Response(quotas.quota_template(db, region_id), media_type=XLSX,
                    headers={"Content-Disposition": "attachment; filename=\"quotas.xlsx\""})


class QuotaIn(BaseModel):
    region: str
    code: str
    year: int | None = None
    value: float
    unit: str | None = None


class QuotasIn(BaseModel):
    doc: str
    entries: list[QuotaIn]


@api.put("/regions/{region_id}/quotas")
def quotas_api(request: Request, user: Office, region_id: DbId, body: QuotasIn) -> dict[str, int]:
    entries = [quotas.QuotaEntry(e.region, e.code, e.year, e.value, e.unit) for e in body.entries]
    return {"changed": save(request, user, region_id, entries, body.doc, "api")}


@api.get("/regions/{region_id}/quotas")
def quota_table_api(request: Request, user: OfficeReader, db: DbDep, region_id: DbId) -> dict[str, Any]:
    require_read(request, user, region_id)
    table = quotas.quota_table(db, region_id)
    return {"region": table.region, "columns": table.columns,
            "rows": [{"region": name, "cells": [{"code": c, "year": y} | asdict(cell) for (c, y), cell in cells.items()]}
                     for name, cells in table.rows]}


@api.get("/regions")
def regions_api(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
    """The stored regions the account reads, with adcode, level and parent."""
    scope = scope_of(request, user)
    return [asdict(n) for n in region_tree(request.app.state.db) if scope.reads(n.id)]
