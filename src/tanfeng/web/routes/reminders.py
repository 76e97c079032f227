"""Reminders (催报) from the web: the office's page (deadlines, what was sent, send now) and the JSON API."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from tanfeng.services import accounts
from tanfeng.services.accounts import Account, list_accounts
from tanfeng.services.errors import StoreError
from tanfeng.services.mail import SmtpSettings
from tanfeng.services.reminders import (
    ReminderSettings,
    RunResult,
    list_deadlines,
    list_messages,
    period_words,
    run_reminders,
    set_deadline,
)
from tanfeng.web.deps import OFFICE, DbDep, reader, record, writer
from tanfeng.web.scoping import readable_accounts

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/reminders", tags=["reminders"])
Office = Annotated[Account, Depends(writer(*OFFICE))]
OfficeReader = Annotated[Account, Depends(reader(*OFFICE))]


def _day(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as err:
        raise StoreError(f"{what}“{text}”不是日期（年-月-日）", f"{what} '{text}' is not a date (YYYY-MM-DD)") from err


def _run(request: Request, user: Account, plan: str | None = None) -> RunResult:
    result = run_reminders(request.app.state.db, actor=user.username, plan=plan)
    record(request, user, "remind", "reminder", None, messages=len(result.messages), mails=result.mailed)
    return result


@router.get("/reminders", response_class=HTMLResponse)
def reminders_page(request: Request, user: OfficeReader, db: DbDep) -> Response:
    deadlines: dict[tuple[int, str], dict[str, Any]] = {}
    for o in list_deadlines(db):
        row = deadlines.setdefault((o.plan_id, o.period), {"plan": o.plan, "period": o.period, "opens_on": o.opens_on,
                                                           "due_on": o.due_on, "units": []})
        row["units"].append(o.unit)
    return request.app.state.renderer.page(request, "reminders.html", {
        "user": user, "deadlines": sorted(deadlines.values(), key=lambda d: (d["plan"], d["due_on"])), "sent": list_messages(db, limit=200),
        "mail_configured": SmtpSettings.from_env() is not None, "settings": ReminderSettings.from_env(),
        "period_words": period_words, "accounts": [a for a in readable_accounts(request, user, list_accounts(db)) if a.role == "unit"],
        "emails": accounts.account_emails(db)})


@router.post("/reminders/run")
def run_now(request: Request, user: Office) -> Response:
    result = _run(request, user)
    request.app.state.renderer.flash(
        request, f"已发出{len(result.messages)}条催报（其中邮件{result.mailed}封） / "
                 f"{len(result.messages)} reminders written ({result.mailed} mailed)")
    return RedirectResponse("/reminders", 303)


@router.post("/reminders/deadline")
def deadline(request: Request, user: Office, period: Annotated[str, Form()], due_on: Annotated[str, Form()],
             opens_on: Annotated[str, Form()] = "", plan: Annotated[str, Form()] = "") -> Response:
    due = _day(due_on, "截止日期")
    if due is None:
        raise StoreError("请填写截止日期", "enter the due date")
    info = set_deadline(request.app.state.db, plan=plan.strip() or None, period=period.strip(), due_on=due,
                        opens_on=_day(opens_on, "开始日期"), actor=user.username)
    record(request, user, "set_deadline", "plan", info.plan_id, period=info.period, due_on=info.due_on.isoformat())
    request.app.state.renderer.flash(request, f"已设置{period_words(info.period)}截止日期 / deadline of "
                                              f"{period_words(info.period, 'en')} set")
    return RedirectResponse("/reminders", 303)


@router.post("/reminders/email")
def account_email(request: Request, user: Office, username: Annotated[str, Form()],
                  email: Annotated[str, Form()] = "") -> Response:
    saved = accounts.set_email(request.app.state.db, username, email)
    record(request, user, "update_account", "user", None, username=username, email=saved or "")
    request.app.state.renderer.flash(request, f"已保存{username}的邮箱 / e-mail of {username} saved")
    return RedirectResponse("/reminders", 303)


class DeadlineBody(BaseModel):
    period: str
    due_on: date
    opens_on: date | None = None
    plan: str | None = None


@api.get("")
def api_messages(_user: OfficeReader, db: DbDep, limit: int = 100) -> list[dict[str, Any]]:
    """The reminders written, newest first (what was sent, to whom, with what result)."""
    return [asdict(m) for m in list_messages(db, limit=min(max(limit, 1), 1000))]


@api.post("/run")
def api_run(request: Request, user: Office, plan: str | None = None) -> dict[str, Any]:
    """Send the reminders due now (the same as ``tanfeng remind``)."""
    result = _run(request, user, plan)
    return {"messages": [asdict(m) for m in result.messages], "mailed": result.mailed,
            "held_back": result.held_back, "mail_configured": result.mail_configured}


@api.put("/deadlines", status_code=200)
def api_deadline(request: Request, user: Office, body: DeadlineBody) -> dict[str, Any]:
    info = set_deadline(request.app.state.db, plan=body.plan, period=body.period, due_on=body.due_on,
                        opens_on=body.opens_on, actor=user.username)
    record(request, user, "set_deadline", "plan", info.plan_id, period=info.period, due_on=info.due_on.isoformat())
    return asdict(info)
