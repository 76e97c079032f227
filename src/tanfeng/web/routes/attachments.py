"""Supporting documents (佐证材料) of a value or a progress report: list, upload, download, withdraw."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from tanfeng.db.models import Observation, Unit
from tanfeng.db.session import Database
from tanfeng.services import attachments
from tanfeng.services.accounts import Account
from tanfeng.web import evidence
from tanfeng.web.deps import WRITERS, CurrentUser, DbDep, DbId, read_upload_bytes, record, writer
from tanfeng.web.evidence import Target

router = APIRouter(include_in_schema=False)
Writer = Annotated[Account, Depends(writer(*WRITERS))]


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    """Two-column rows as a mapping."""
    return {a: b for a, b in rows}


def _page_url(target: Target, unit_id: int | None) -> str:
    query: dict[str, str | int] = {"period": target.period}
    if target.indicator_id is not None:
        query["indicator_id"] = target.indicator_id
    else:
        query.update(plan_id=target.plan_id or 0, task=target.task or "")
    if unit_id is not None:
        query["unit_id"] = unit_id
    return "/attachments?" + urlencode(query)


@router.get("/attachments", response_class=HTMLResponse)
def attachments_page(request: Request, user: CurrentUser, db: DbDep, period: str, indicator_id: int | None = None,
                     plan_id: int | None = None, task: str | None = None, unit_id: int | None = None) -> Response:
    target = Target(period, indicator_id, plan_id, task)
    with db.transaction() as session:
        subject = target.subject(session)
        reporter = unit_id
        if reporter is None and subject.indicator_id is not None:
            reporter = session.scalar(select(Observation.reporter_unit_id).where(
                Observation.indicator_id == subject.indicator_id, Observation.period == subject.period))
        if user.role == "unit":
            reporter = user.unit_id
        # the list shows every unit's documents of the item: a unit sees it only for an item it is responsible for
        evidence.require_subject_read(request, user, session, subject, None if user.role == "unit" else reporter)
        docs = attachments.for_subject(session, subject.key)
        names = _pairs(session.execute(select(Unit.id, Unit.name).where(
            Unit.id.in_({d.unit_id for d in docs} | ({reporter} if reporter else set())))).all())
    return request.app.state.renderer.page(request, "attachments.html", {
        "user": user, "subject": subject, "docs": docs, "unit_names": names, "reporter": reporter,
        "can_write": evidence.can_write(request, user, subject) and reporter is not None,
        "back": f"/workspace?period={subject.period}" + (f"&unit_id={reporter}" if user.role != "unit" and reporter
                                                          else ""),
        "self_url": _page_url(target, reporter if user.role != "unit" else None),
        "accept": ",".join(sorted({e for k in attachments.KINDS.values() for e in k.extensions}))})


@router.post("/attachments")
async def upload_attachment(request: Request, user: Writer, file: Annotated[UploadFile, File()],
                            period: Annotated[str, Form()], indicator_id: Annotated[int | None, Form()] = None,
                            plan_id: Annotated[int | None, Form()] = None, task: Annotated[str, Form()] = "",
                            unit_id: Annotated[int | None, Form()] = None) -> Response:
    data = await read_upload_bytes(file, request.app.state.settings.max_upload_bytes)
    target = Target(period.strip(), indicator_id, plan_id, task.strip() or None)
    info, new = await run_in_threadpool(evidence.attach, request, user, target, unit_id, file.filename or "", data)
    words = (f"已上传佐证材料“{info.filename}” / document “{info.filename}” uploaded" if new else
             f"该文件已在佐证材料中：“{info.filename}” / “{info.filename}” is already attached")
    request.app.state.renderer.flash(request, words)
    return RedirectResponse(_page_url(target, unit_id), 303)


def _file_response(request: Request, user: Account, db: Database, attachment_id: int) -> Response:
    with db.transaction() as session:
        info, _subject = evidence.readable(request, user, session, attachment_id)
    path = evidence.store(request).open_path(info.sha256)
    record(request, user, "download_attachment", "attachment", attachment_id, filename=info.filename)
    ascii_name = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in info.filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(info.filename)}"
    return FileResponse(path, media_type=info.content_type, headers={
        "Content-Disposition": disposition, "Cache-Control": "private, no-store"})


@router.get("/attachments/{attachment_id}/file")
def download(request: Request, user: CurrentUser, db: DbDep, attachment_id: DbId) -> Response:
    return _file_response(request, user, db, attachment_id)


@router.post("/attachments/{attachment_id}/withdraw")
def withdraw(request: Request, user: Writer, attachment_id: DbId, back: Annotated[str, Form()] = "") -> Response:
    info = evidence.withdraw(request, user, attachment_id)
    request.app.state.renderer.flash(request, f"已撤回佐证材料“{info.filename}” / document “{info.filename}” withdrawn")
    return RedirectResponse(back if back.startswith("/attachments?") else "/workspace", 303)


api = APIRouter(prefix="/api/v1", tags=["api"])


def _as_json(info: attachments.AttachmentInfo) -> dict[str, object]:
    return {"id": info.id, "filename": info.filename, "size": info.size, "kind": info.kind,
            "content_type": info.content_type, "sha256": info.sha256, "unit_id": info.unit_id,
            "indicator_id": info.indicator_id, "task": info.task_code, "period": info.period,
            "uploaded_by": info.uploaded_by, "uploaded_at": info.uploaded_at.isoformat(),
            "url": f"/api/v1/attachments/{info.id}/file"}


@api.get("/attachments")
def api_list(request: Request, user: CurrentUser, db: DbDep, period: str, indicator_id: int | None = None,
             plan_id: int | None = None, task: str | None = None) -> list[dict[str, object]]:
    """The documents of a value (``indicator_id``, ``period``) or a progress report (``plan_id``, ``task``, ``period``)."""
    with db.transaction() as session:
        subject = Target(period, indicator_id, plan_id, task).subject(session)
        evidence.require_subject_read(request, user, session, subject)
        return [_as_json(d) for d in attachments.for_subject(session, subject.key)]


@api.post("/attachments", status_code=201)
async def api_upload_attachment(request: Request, user: Writer, file: Annotated[UploadFile, File()],
                     period: Annotated[str, Form()], indicator_id: Annotated[int | None, Form()] = None,
                     plan_id: Annotated[int | None, Form()] = None, task: Annotated[str, Form()] = "",
                     unit_id: Annotated[int | None, Form()] = None) -> dict[str, object]:
    data = await read_upload_bytes(file, request.app.state.settings.max_upload_bytes)
    target = Target(period.strip(), indicator_id, plan_id, task.strip() or None)
    info, new = await run_in_threadpool(evidence.attach, request, user, target, unit_id, file.filename or "", data)
    return {**_as_json(info), "created": new}


@api.get("/attachments/{attachment_id}/file")
def api_download(request: Request, user: CurrentUser, db: DbDep, attachment_id: DbId) -> Response:
    return _file_response(request, user, db, attachment_id)


@api.delete("/attachments/{attachment_id}")
def api_withdraw(request: Request, user: Writer, attachment_id: DbId) -> dict[str, object]:
    return _as_json(evidence.withdraw(request, user, attachment_id))
