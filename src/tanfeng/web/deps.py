"""Request dependencies: the database, the logged-in account, role checks with CSRF, auditing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, UploadFile
from sqlalchemy.orm import Session

from tanfeng.db.session import Database
from tanfeng.services import api_tokens, audit, sessions
from tanfeng.services.accounts import Account
from tanfeng.services.errors import StoreError
from tanfeng.services.validation import INT32_MAX
from tanfeng.web.security import CSRF_FIELD, CSRF_HEADER, csrf_valid
from tanfeng.web.uploads import shown_name

# A stored row's id: fits PostgreSQL's INTEGER, so both databases answer an impossible id alike (404/422).
DbId = Annotated[int, Path(ge=1, le=INT32_MAX)]
Limit = Annotated[int, Query(ge=0, le=500)]
Offset = Annotated[int, Query(ge=0, le=INT32_MAX)]

WRITERS = ("admin", "office", "unit")
OFFICE = ("admin", "office")


class AuthRequired(Exception):
    """No valid session: 401 for the API, a redirect to the login page for pages."""


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(Forbidden):
    """Too many failed logins (429)."""


# Dependencies that query the database are plain ``def``: FastAPI runs them in the thread pool, so
# a slow database never stalls the event loop. The ``async`` ones only read the request.


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DbDep = Annotated[Database, Depends(get_db)]


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (a machine client), else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def optional_user(request: Request, db: DbDep) -> Account | None:
    """The account of the cookie's server-side session if it is live and the account active; on /api/, the
    account of a live API token sent as ``Authorization: Bearer`` (which then decides alone: no cookie fallback)."""
    bearer = bearer_token(request)
    if bearer is not None:
        if not request.url.path.startswith("/api/"):
            return None  # pages are for people: they log in
        request.state.token_auth = True
        return api_tokens.resolve(db, bearer)
    token = request.session.get("sid")
    if token is None:
        return None
    account = sessions.resolve(db, token)
    if account is None:
        request.session.pop("sid", None)
    return account


MaybeUser = Annotated[Account | None, Depends(optional_user)]


async def current_user(user: MaybeUser) -> Account:
    if user is None:
        raise AuthRequired()
    return user


CurrentUser = Annotated[Account, Depends(current_user)]


async def _supplied_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def writer(*roles: str) -> Callable[..., Awaitable[Account]]:
    """A write: logged in (else 401), a valid CSRF token (else 403), one of ``roles`` (else 403)."""

    async def check(request: Request, user: MaybeUser) -> Account:
        if user is None:
            raise AuthRequired()
        # A token travels in a header a foreign page cannot make a browser send: no CSRF check is needed there.
        token_auth = getattr(request.state, "token_auth", False)
        if not token_auth and not csrf_valid(request.session, await _supplied_csrf(request)):
            raise Forbidden("CSRF 校验失败，请刷新页面后重试 / CSRF check failed; reload the page and retry")
        if user.role not in roles:
            raise Forbidden(f"无权执行此操作（{user.role_label}）/ not allowed for the role '{user.role}'")
        return user

    return check


def reader(*roles: str) -> Callable[..., Awaitable[Account]]:
    async def check(user: CurrentUser) -> Account:
        if user.role not in roles:
            raise Forbidden(f"无权查看（{user.role_label}）/ not allowed for the role '{user.role}'")
        return user

    return check


def record(request: Request, user: Account | None, action: str, entity: str | None = None,
           entity_id: int | None = None, **detail: Any) -> None:
    """Audit an event that changes nothing else (a failed login, a download), in its own transaction.

    A write records its entry with ``audit_in`` inside its own transaction instead.
    """
    client = request.client.host if request.client else None
    audit.record(request.app.state.db, user_id=user.id if user else None,
                 username=user.username if user else str(detail.get("username", "?")), action=action,
                 entity=entity, entity_id=entity_id, detail=detail, client=client)
    request.app.state.overview_cache.clear()


def audit_in(session: Session, request: Request, user: Account, action: str, entity: str | None = None,
             entity_id: int | None = None, **detail: Any) -> None:
    """The audit entry of a write, in the write's transaction: both commit or neither does."""
    client = request.client.host if request.client else None
    audit.add(session, user_id=user.id, username=user.username, action=action, entity=entity,
              entity_id=entity_id, detail=_jsonable(detail), client=client)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def written(request: Request) -> None:
    """After a write committed: cached pages are out of date."""
    request.app.state.overview_cache.clear()


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


async def read_upload_bytes(file: UploadFile, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The uploaded file's bytes; refuses an empty or oversized file with a clear message."""
    data = await file.read(limit + 1)

    name = shown_name(file.filename, "upload")
    if not data:
        raise StoreError(f"{name}: 文件为空", f"{name}: the file is empty")
    if len(data) > limit:
        raise StoreError(f"{name}: 文件超过{limit // 1024 // 1024}MB", f"{name}: larger than {limit // 1024 // 1024} MB")
    return data
