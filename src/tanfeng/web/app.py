"""``create_app(settings)``: the FastAPI application of the web workspace (pages and /api/v1)."""

from __future__ import annotations

import logging
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tanfeng.config import Settings, normalise_database_url
from tanfeng.db.session import Database
from tanfeng.errors import TanfengError
from tanfeng.services import sessions, upload_guard
from tanfeng.services.accounts import Account
from tanfeng.services.attachments import AttachmentStore
from tanfeng.services.attachments import default_directory as default_attachments_dir
from tanfeng.services.errors import ImportValidationError, NotAllowed, StaleEdit
from tanfeng.services.login_throttle import DatabaseThrottle, Policy, RedisThrottle, Throttle
from tanfeng.services.overview import is_demo
from tanfeng.web.deps import AuthRequired, Forbidden, RateLimited
from tanfeng.web.limits import BodyLimit
from tanfeng.web.page_cache import PageCache
from tanfeng.web.rendering import Renderer
from tanfeng.web.routes import (
    api,
    attachments,
    auth,
    consultation,
    consultation_public,
    enterprise_data,
    enterprises,
    office,
    pages,
    plans,
    regional,
    reminders,
    unit,
)
from tanfeng.web.settings import WebSettings
from tanfeng.web.uploads import shown

HERE = Path(__file__).parent
log = logging.getLogger("tanfeng.web")


def plotly_js_path() -> Path:
    """Plotly's bundled JS from the installed ``plotly`` wheel (nothing third-party in this repository)."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


# Scripts only from this server (the pages have no inline script; chart data sits in JSON blocks);
# Plotly adds inline styles, hence 'unsafe-inline' for styles only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS_STR = [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"),
                        ("referrer-policy", "same-origin"), ("content-security-policy", CSP)]
SECURITY_HEADERS = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS_STR]


class SecurityHeaders:
    """Plain ASGI middleware (cheaper than an ``@app.middleware`` wrapper under load)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


# What an HTML page says for a bare HTTP status (an unknown address, a wrong method).
STATUS_MESSAGES = {
    404: "找不到该页面：地址可能有误，或该页面已不存在 / page not found: the address may be wrong or the page gone",
    405: "此地址不接受这种请求 / this address does not accept this kind of request",
}
SERVER_ERROR = "服务器内部错误，未完成本次操作；请稍后重试或联系管理员 / internal error: nothing was done; " \
               "try again later or tell the administrator"


def _page_user(request: Request) -> Account | None:
    """The logged-in account for an error page's menu (None when the session or the database fails)."""
    try:
        token = request.session.get("sid")
        return sessions.resolve(request.app.state.db, token) if token else None
    except Exception:  # an error page must render even when the error was the database
        return None


def error_page(request: Request, message: str, status_code: int, errors: list[str] | None = None,
               **body: Any) -> Response:
    """The error as the client reads it: JSON under /api, else a page in the normal layout.

    Temporary upload paths in the message are replaced by the user's file name (web.uploads).
    """
    message = shown(request, message)
    errors = None if errors is None else [shown(request, e) for e in errors]
    if _is_api(request):
        return JSONResponse({"detail": message, **({} if errors is None else {"errors": errors}), **body},
                            status_code=status_code)
    return request.app.state.renderer.page(request, "error.html", {
        "message": message, "errors": errors or [], "code": status_code, "user": _page_user(request)},
        status_code=status_code)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(AuthRequired)
    async def _auth(request: Request, _exc: AuthRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "请先登录 / login required"}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    def _forbidden(request: Request, exc: Forbidden) -> Response:
        return error_page(request, exc.message, 429 if isinstance(exc, RateLimited) else 403)

    @app.exception_handler(TanfengError)
    def _domain(request: Request, exc: TanfengError) -> Response:
        errors = [str(e) for e in exc.errors] if isinstance(exc, ImportValidationError) else []
        # 409: edited from an out-of-date version; 403: another enterprise's data (services.enterprise_scope)
        code = 409 if isinstance(exc, StaleEdit) else 403 if isinstance(exc, NotAllowed) else 422
        extra: dict[str, Any] = {"current": exc.current} if isinstance(exc, StaleEdit) else {}
        if isinstance(exc, ImportValidationError) and _is_api(request):  # each reason by itself, for a client
            extra["problems"] = [{"row": e.row, "column": e.column, "sheet": e.sheet, "zh": e.zh, "en": e.en}
                                 for e in exc.errors]
        return error_page(request, str(exc), code, errors, **extra)

    def _out_of_range(request: Request, _exc: Exception) -> Response:
        # The database refused a value (an id past its integer range, a NUL byte): the request is
        # at fault, and nothing was stored (the transaction rolled back).
        return error_page(request, "输入的编号或数值超出范围或格式不对 / an id or value is out of range or malformed", 422)

    for kind in (OverflowError, DataError):
        app.add_exception_handler(kind, _out_of_range)

    @app.exception_handler(StatementError)
    def _statement(request: Request, exc: StatementError) -> Response:
        if isinstance(exc.orig, ValueError | OverflowError) and not isinstance(exc, DBAPIError):
            return _out_of_range(request, exc)
        raise exc

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return error_page(request, f"请求内容不完整或格式不对 / invalid request: {detail}", 422)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        message = STATUS_MESSAGES.get(exc.status_code) or str(exc.detail)
        response = error_page(request, message, exc.status_code)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        try:
            response = error_page(request, SERVER_ERROR, 500)
        except Exception:  # the layout itself failed: plain text rather than nothing
            response = PlainTextResponse(SERVER_ERROR, status_code=500)
        response.headers.update(dict(SECURITY_HEADERS_STR))  # sent outside the middleware that adds them
        return response


def create_app(settings: WebSettings | None = None, db: Database | None = None) -> FastAPI:
    """The application. ``db`` defaults to ``settings.database_url`` or the configured tanfeng database."""
    settings = settings or WebSettings()
    if db is None:
        url = normalise_database_url(settings.database_url) if settings.database_url else Settings.load().database_url
        db = Database(url)
    app = FastAPI(title="碳峰 tanfeng API", version="1", openapi_url="/api/v1/openapi.json", docs_url=None,
                  redoc_url=None)
    app.state.settings, app.state.db = settings, db
    app.state.throttle = make_throttle(settings, db)
    app.state.overview_cache = PageCache()
    app.state.renderer = Renderer(HERE / "templates", settings)
    app.state.attachments = AttachmentStore(settings.attachments_dir or default_attachments_dir(db.url))
    app.state.demo = settings.mode == "demo" or _safe_is_demo(db)
    if settings.secret_generated:
        log.warning("TANFENG_SECRET_KEY 未设置：本次运行使用随机密钥，重启后需重新登录 / "
                    "no TANFENG_SECRET_KEY: a random key signs this run's cookies (log in again after a restart)")
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key.get_secret_value(),
                       session_cookie="tanfeng_session", max_age=settings.session_max_age, same_site="lax",
                       https_only=settings.cookie_secure)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_request_bytes=settings.max_request_bytes,
                       max_upload_bytes=settings.max_upload_bytes)  # outermost: before sessions and login

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(plotly_js_path(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_handlers(app)
    threading.Thread(target=upload_guard.warm_up, name="tanfeng-upload-workers", daemon=True).start()
    # The public comment page first: it is the page the most (anonymous) visitors ask for, and every route before
    # it is one more match tried per request (its paths, /consult/…, overlap no other router's).
    for module in (consultation_public, auth, pages, unit, office, attachments, reminders, consultation, api):
        app.include_router(module.router)
    for extra in (plans.router, plans.api, regional.router, regional.api,  # library, set-up, across regions
                  enterprises.router, enterprises.api):  # key energy users and 两高 projects
        app.include_router(extra)
    app.include_router(reminders.api)
    app.include_router(enterprise_data.router)
    app.include_router(enterprise_data.api)
    app.include_router(attachments.api)
    return app


def make_throttle(settings: WebSettings, db: Database) -> Throttle:
    """The login throttle: in Redis when ``TANFENG_REDIS_URL`` is set, else in the database."""
    policy = Policy(account_free=settings.login_max_failures, client_free=settings.login_client_max_failures,
                    backoff=settings.login_backoff_seconds, cap=settings.login_backoff_max_seconds,
                    window=settings.login_window_seconds)
    return RedisThrottle(settings.redis_url, policy) if settings.redis_url else DatabaseThrottle(db, policy)


def _safe_is_demo(db: Database) -> bool:
    try:
        return is_demo(db)
    except Exception:  # no schema yet: the first request will say so
        return False
