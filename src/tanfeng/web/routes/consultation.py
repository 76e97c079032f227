"""Office and department pages of a consultation: rounds, comments and their handling, draft→final, outputs.

The office (and the administrator) manage; a department account sees and answers only the comments
assigned to its unit; a leader (viewer) reads, without the commenters' contact data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanfeng.reports.consultation import adoption_docx, adoption_xlsx, comparison_xlsx, notice_docx
from tanfeng.services import consultation as cs
from tanfeng.services.accounts import Account
from tanfeng.services.consultation_changes import build_report, compute_changes, link
from tanfeng.services.consultation_public import public_round
from tanfeng.services.errors import StoreError
from tanfeng.services.workspace import list_units
from tanfeng.web.consultation_words import words
from tanfeng.web.deps import OFFICE, DbDep, Forbidden, reader, writer

router = APIRouter(include_in_schema=False)
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE, "viewer"))]
UnitWriter = Annotated[Account, Depends(writer("unit", *OFFICE))]
UnitReader = Annotated[Account, Depends(reader("unit"))]
TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _actor(request: Request, user: Account) -> cs.Actor:
    return cs.Actor(user.username, user.id, request.client.host if request.client else None)


def _render(request: Request, user: Account, name: str, context: dict[str, object]) -> Response:
    renderer = request.app.state.renderer
    return renderer.page(request, f"consultation/{name}", {
        "user": user, "w": words(renderer.language(request)), "show_contacts": user.role in OFFICE} | context)


def _date(value: str, zh: str, en: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as err:
        raise StoreError(f"{zh}应为年-月-日（如2023-06-15），而不是“{value[:20]}”",
                         f"{en} must be YYYY-MM-DD, not '{value[:20]}'") from err


def _version(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _flash(request: Request, zh: str, en: str) -> None:
    renderer = request.app.state.renderer
    renderer.flash(request, en if renderer.language(request) == "en" else zh)


def _download(data: bytes, fmt: str, ascii_name: str, name: str) -> Response:
    disposition = f"attachment; filename=\"{ascii_name}.{fmt}\"; filename*=UTF-8''{quote(name + '.' + fmt)}"
    return Response(data, media_type=TYPES[fmt], headers={"Content-Disposition": disposition})


@router.get("/consultation", response_class=HTMLResponse)
def rounds_page(request: Request, user: OfficeReader, db: DbDep) -> Response:
    return _render(request, user, "rounds.html", {"rounds": cs.list_rounds(db), "drafts": cs.versions(db, status="draft"),
                                                  "today": cs.today_cn(), "channels": cs.CHANNELS})


@router.post("/consultation")
def create_round(request: Request, user: Office, version_id: Annotated[str, Form()] = "",
                 kind: Annotated[str, Form()] = "public", opens_on: Annotated[str, Form()] = "",
                 closes_on: Annotated[str, Form()] = "", channels: Annotated[list[str] | None, Form()] = None,
                 contact_policy: Annotated[str, Form()] = "optional", office_name: Annotated[str, Form()] = "",
                 email: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "",
                 address: Annotated[str, Form()] = "", public_url: Annotated[str, Form()] = "") -> Response:
    version = _version(version_id)
    if version is None:
        raise StoreError("请选择征求意见稿版本", "choose the draft version")
    texts = {"office_name": office_name, "email": email, "phone": phone, "address": address, "public_url": public_url}
    info = cs.open_round(
        request.app.state.db, _actor(request, user), version_id=version, kind=kind,
        opens_on=_date(opens_on, "开始日期", "the opening date"),
        closes_on=_date(closes_on, "截止日期", "the closing date"), channels=channels or [],
        contact_policy=contact_policy, **{k: cs.bounded(v, 300, k, k) for k, v in texts.items()})
    _flash(request, f"已发起征求意见 #{info.id}", f"consultation #{info.id} opened")
    return RedirectResponse(f"/consultation/{info.id}", 303)


@router.get("/consultation/opinions", response_class=HTMLResponse)
def opinions_page(request: Request, user: UnitReader, db: DbDep) -> Response:
    assert user.unit_id is not None
    return _render(request, user, "opinions.html", {"comments": cs.assigned_to(db, user.unit_id)})


@router.get("/consultation/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, user: OfficeReader, db: DbDep, round_id: int) -> Response:
    info = cs.get_round(db, round_id)
    comments = cs.list_comments(db, round_id)
    labels = public_round(db, round_id).labels
    return _render(request, user, "round.html", {
        "round": info, "comments": comments, "labels": labels, "today": cs.today_cn(),
        "finals": [v for v in cs.versions(db, plan_id=info.plan_id) if v.number > info.version_number],
        "receipts": {c.id: c.receipt for c in comments}, "office_channels": cs.OFFICE_CHANNELS,
        "counts": {key: sum(1 for c in comments if c.merged_into_id is None and (c.disposition or "pending") == key)
                   for key in [*cs.DISPOSITIONS, "pending"]}})


@router.post("/consultation/{round_id}/comments")
def enter_comment(request: Request, user: Office, round_id: int, channel: Annotated[str, Form()],
                  text: Annotated[str, Form()], received_on: Annotated[str, Form()], ref: Annotated[str, Form()] = "",
                  name: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
                  org: Annotated[str, Form()] = "") -> Response:
    comment = cs.add_comment(request.app.state.db, _actor(request, user), round_id, channel=channel, text=text,
                             received_on=_date(received_on, "收到日期", "the date received"), ref=ref.strip() or None,
                             name=name, contact=contact, org=org)
    _flash(request, f"已录入意见 {comment.receipt}", f"comment {comment.receipt} entered")
    return RedirectResponse(f"/consultation/{round_id}#c-{comment.id}", 303)


@router.get("/consultation/comments/{comment_id}", response_class=HTMLResponse)
def comment_page(request: Request, user: OfficeReader, db: DbDep, comment_id: int) -> Response:
    comment = cs.get_comment(db, comment_id)
    comments = cs.list_comments(db, comment.round_id)
    return _render(request, user, "comment.html", {
        "comment": comment, "round": cs.get_round(db, comment.round_id),
        "labels": public_round(db, comment.round_id).labels, "units": list_units(db),
        "members": [c for c in comments if c.merged_into_id == comment.id],
        "heads": [c for c in comments if c.merged_into_id is None and c.id != comment.id],
        "receipts": {c.id: c.receipt for c in comments}, "dispositions": cs.DISPOSITIONS})


@router.post("/consultation/comments/{comment_id}/{step}")
def handle_comment(request: Request, user: UnitWriter, comment_id: int, step: str, value: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "") -> Response:
    db, actor, expected = request.app.state.db, _actor(request, user), _version(version)
    if step == "opinion":
        cs.give_opinion(db, actor, comment_id, value, unit_id=user.unit_id if user.role == "unit" else None,
                        expected_version=expected)
        _flash(request, "已保存部门意见", "opinion saved")
        return RedirectResponse("/consultation/opinions" if user.role == "unit" else
                                f"/consultation/comments/{comment_id}", 303)
    if user.role not in OFFICE:
        raise Forbidden("只有办公室可以处理意见 / only the office handles comments")
    if step == "ref":
        cs.confirm_ref(db, actor, comment_id, value.strip(), expected)
    elif step == "assign":
        cs.assign(db, actor, comment_id, _version(value), expected)
    elif step == "dispose":
        cs.dispose(db, actor, comment_id, value, reason, expected)
    elif step == "merge":
        cs.merge(db, actor, comment_id, _version(value))
    else:
        raise StoreError(f"未知操作“{step[:20]}”", f"unknown step '{step[:20]}'")
    _flash(request, "已保存", "saved")
    return RedirectResponse(f"/consultation/comments/{comment_id}", 303)


@router.post("/consultation/{round_id}/final")
def set_final(request: Request, user: Office, round_id: int, version_id: Annotated[int, Form()]) -> Response:
    cs.set_final(request.app.state.db, _actor(request, user), round_id, version_id)
    _flash(request, "已指定定稿", "final version set")
    return RedirectResponse(f"/consultation/{round_id}/changes", 303)


@router.get("/consultation/{round_id}/changes", response_class=HTMLResponse)
def changes_page(request: Request, user: OfficeReader, db: DbDep, round_id: int) -> Response:
    return _render(request, user, "changes.html", {"round": cs.get_round(db, round_id),
                                                   "changes": compute_changes(db, round_id),
                                                   "labels": public_round(db, round_id).labels})


@router.post("/consultation/{round_id}/links")
def set_link(request: Request, user: Office, round_id: int, comment_id: Annotated[int, Form()],
             change_key: Annotated[str, Form()], linked: Annotated[str, Form()] = "1") -> Response:
    link(request.app.state.db, _actor(request, user), round_id, comment_id, change_key, linked == "1")
    return RedirectResponse(f"/consultation/{round_id}/changes", 303)


@router.post("/consultation/{round_id}/purge")
def purge(request: Request, user: Office, round_id: int) -> Response:
    count = cs.purge_contacts(request.app.state.db, _actor(request, user), round_id)
    _flash(request, f"已删除{count}条意见的姓名和联系方式", f"names and contacts erased from {count} comments")
    return RedirectResponse(f"/consultation/{round_id}", 303)


@router.get("/consultation/{round_id}/notice.docx")
def notice(request: Request, user: OfficeReader, db: DbDep, round_id: int) -> Response:
    info = cs.get_round(db, round_id)
    return _download(notice_docx(info, public_round(db, round_id).sections), "docx", f"notice-{round_id}",
                     f"{info.plan_title}征求意见通知")


@router.get("/consultation/{round_id}/report.{fmt}")
def report(request: Request, user: OfficeReader, db: DbDep, round_id: int, fmt: str,
           audience: str = "public") -> Response:
    """The 意见采纳情况说明; the internal copy (names and contacts) only for the office."""
    if fmt not in TYPES:
        raise StoreError("格式应为docx或xlsx", "format must be docx or xlsx")
    public = audience != "internal" or user.role not in OFFICE
    content = build_report(db, round_id, public=public)
    with db.write() as session:
        cs.audit(session, _actor(request, user), "consultation_report", "consultation", round_id, format=fmt,
                 public=public)
    data = adoption_docx(content) if fmt == "docx" else adoption_xlsx(content)
    suffix = "" if public else "（内部）"
    return _download(data, fmt, f"adoption-{round_id}{'' if public else '-internal'}", content.title + suffix)


@router.get("/consultation/{round_id}/comparison.xlsx")
def comparison(request: Request, user: OfficeReader, db: DbDep, round_id: int) -> Response:
    info = cs.get_round(db, round_id)
    return _download(comparison_xlsx(info, compute_changes(db, round_id)), "xlsx", f"comparison-{round_id}",
                     f"{info.plan_title}征求意见稿与定稿对照表")
