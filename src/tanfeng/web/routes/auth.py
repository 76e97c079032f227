"""Log in and out (rate-limited, CSRF-checked), switch the interface language."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanfeng.services import api_tokens, sessions
from tanfeng.services.accounts import MIN_PASSWORD, ROLES, Account, authenticate
from tanfeng.web import actions
from tanfeng.web.deps import CurrentUser, DbId, Forbidden, MaybeUser, RateLimited, record, writer
from tanfeng.web.security import csrf_valid

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect to another site after login.
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def login_account(request: Request, username: str, password: str) -> Account:
    """Count the attempt, check the password, start a fresh server-side session.

    Raises ``RateLimited`` while the client or the account is in back-off, ``Forbidden`` on a
    wrong name or password.
    """
    db, throttle = request.app.state.db, request.app.state.throttle
    client = request.client.host if request.client else "?"
    name = username.strip()[:100]
    client_key, account_key = f"ip:{client}", f"user:{name.casefold()}"
    wait = throttle.reserve(client_key, account_key)
    if wait > 0:
        raise RateLimited(f"登录尝试过多，请{math.ceil(wait)}秒后再试 / too many login attempts; "
                          f"try again in {math.ceil(wait)} s")
    account = authenticate(db, username, password)
    if account is None:
        record(request, None, "login_failed", "user", None, username=name)
        raise Forbidden("用户名或密码错误 / wrong user name or password")
    throttle.succeeded(account_key, client_key)
    sessions.end(db, request.session.get("sid"))
    token = sessions.start(db, account.id, request.app.state.settings.session_max_age, client)
    lang = request.session.get("lang")
    request.session.clear()  # a new session (and CSRF token) on every login
    request.session.update({"sid": token, "csrf": secrets.token_urlsafe(32)})
    if lang:
        request.session["lang"] = lang
    record(request, account, "login", "user", account.id)
    return account


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return request.app.state.renderer.page(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login_submit(
    request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/",
) -> Response:
    renderer = request.app.state.renderer
    if not csrf_valid(request.session, csrf_token):
        return renderer.page(request, "login.html", {"next": _safe_next(next), "error":
                             "页面已过期，请重新登录 / the page expired; please log in again"}, status_code=403)
    try:
        login_account(request, username, password)
    except Forbidden as err:
        status = 429 if isinstance(err, RateLimited) else 401
        return renderer.page(request, "login.html", {"next": _safe_next(next), "error": err.message,
                                                     "username": username}, status_code=status)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, user: MaybeUser, csrf_token: Annotated[str, Form()] = "") -> Response:
    if user is not None and csrf_valid(request.session, csrf_token):
        record(request, user, "logout", "user", user.id)
        sessions.end(request.app.state.db, request.session.get("sid"))
        request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{lang}")
def set_language(request: Request, lang: str, next: str | None = None) -> Response:
    request.session["lang"] = "en" if lang == "en" else "zh"
    return RedirectResponse(_safe_next(next), status_code=303)


def _account_page(request: Request, user: Account, **extra: object) -> Response:
    tokens = api_tokens.list_tokens(request.app.state.db, user.username)
    return request.app.state.renderer.page(request, "account.html", {
        "user": user, "min_password": MIN_PASSWORD, "tokens": tokens, **extra})


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: CurrentUser) -> Response:
    """我的账号: who is logged in, the change of one's own password, one's API tokens."""
    return _account_page(request, user)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, user: Annotated[Account, Depends(writer(*ROLES))],
                 name: Annotated[str, Form(max_length=100)], days: Annotated[str, Form(max_length=5)] = "365") -> Response:
    """A new API token, shown on this answer only (never put in the session cookie or a redirect)."""
    days = days.strip()
    validity = int(days) if days.isdigit() else None if days == "" else -1  # "": no expiry
    _, token = actions.create_own_token(request, user, name, validity)
    response = _account_page(request, user, new_token=token)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, user: Annotated[Account, Depends(writer(*ROLES))], token_id: DbId) -> Response:
    info = actions.revoke_own_token(request, user, token_id)
    request.app.state.renderer.flash(request, f"令牌“{info.name}”已吊销 / token '{info.name}' revoked")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
def change_password(request: Request, user: Annotated[Account, Depends(writer(*ROLES))],
                    current_password: Annotated[str, Form()], new_password: Annotated[str, Form()],
                    repeat_password: Annotated[str, Form()]) -> Response:
    ended = actions.change_own_password(request, user, current_password, new_password, repeat_password)
    request.app.state.renderer.flash(request, f"密码已修改；其他设备上的{ended}个登录已失效 / password changed; "
                                              f"{ended} other sessions logged out")
    return RedirectResponse("/account", status_code=303)
