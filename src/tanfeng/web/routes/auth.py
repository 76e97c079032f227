"""Log in and out (rate-limited, CSRF-checked), switch the interface language."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tanfeng.services.accounts import Account, authenticate
from tanfeng.web.deps import Forbidden, MaybeUser, RateLimited, record
from tanfeng.web.security import csrf_valid

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect to another site after login.
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def login_account(request: Request, username: str, password: str) -> Account:
    """Check the rate limit and the password; start a fresh session. Raises ``Forbidden`` on failure."""
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{username.strip()}")
    if limiter.blocked(*keys):
        raise RateLimited("登录失败次数过多，请稍后再试 / too many failed logins; try again later")
    account = authenticate(request.app.state.db, username, password)
    if account is None:
        limiter.fail(*keys)
        record(request, None, "login_failed", "user", None, username=username.strip()[:100])
        raise Forbidden("用户名或密码错误 / wrong user name or password")
    limiter.succeed(*keys)
    lang = request.session.get("lang")
    request.session.clear()  # a new session (and CSRF token) on every login
    request.session.update({"uid": account.id, "sv": account.session_version, "csrf": secrets.token_urlsafe(32)})
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
        request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{lang}")
def set_language(request: Request, lang: str, next: str | None = None) -> Response:
    request.session["lang"] = "en" if lang == "en" else "zh"
    return RedirectResponse(_safe_next(next), status_code=303)
