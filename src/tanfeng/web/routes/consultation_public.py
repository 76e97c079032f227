"""The public comment page (no login): the draft by section, one form, a receipt. Works without JavaScript.

The form's CSRF protection is the signed one-time token of its check question (the public has no
session to tie a token to). The body is read with a cap before it is parsed; every attempt counts
towards the client's rate limit, kept in the database so that it holds across workers.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from tanfeng.db.session import Database
from tanfeng.reports.consultation import notice_docx
from tanfeng.services.consultation import Actor, get_round
from tanfeng.services.consultation_public import (
    PublicLimits,
    PublicRefused,
    PublicRound,
    check_challenge,
    check_rate,
    client_key,
    comment_items,
    confirmed_round,
    form_context,
    new_challenge,
    open_public_rounds,
    public_round,
    submit_public,
)
from tanfeng.services.errors import StoreError
from tanfeng.web.consultation_words import words

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HONEYPOT = "website"


def limits(request: Request) -> PublicLimits:
    """The app's limits (tests and deployments set ``app.state.consult_limits``); TANFENG_CONSULT_RATE per hour."""
    configured = getattr(request.app.state, "consult_limits", None)
    if isinstance(configured, PublicLimits):
        return configured
    rate = os.environ.get("TANFENG_CONSULT_RATE", "")
    return PublicLimits(per_window=int(rate)) if rate.isdigit() else PublicLimits()


def secret(request: Request) -> str:
    key: str = request.app.state.settings.secret_key.get_secret_value()  # never empty: WebSettings makes one
    return key


class BodyTooLarge(PublicRefused):
    pass


async def bounded_form(request: Request) -> dict[str, str]:
    """The url-encoded form, read with a size cap (no database work here, hence ``async``)."""
    cap = limits(request).max_body
    declared = request.headers.get("content-length", "")
    too_big = BodyTooLarge(f"提交内容超过{cap // 1024}KB", f"the submission is larger than {cap // 1024} KB", 413)
    if declared.isdigit() and int(declared) > cap:
        return {"__refused__": str(too_big)}
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            return {"__refused__": str(too_big)}
        chunks.append(chunk)
    try:
        pairs = parse_qsl(b"".join(chunks).decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        return {"__refused__": "无法读取提交内容 / the submission could not be read"}
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


Form = Annotated[dict[str, str], Depends(bounded_form)]


def _sections_html(request: Request, info: PublicRound, lang: str, kept: dict[str, str] | None) -> Markup:
    """The draft part of the page: the same for every visitor of a round, so rendered once (unless a refused
    submission's texts must be put back into their boxes)."""
    renderer = request.app.state.renderer
    bounds = limits(request)
    taking = info.accepts_web and info.state() == "open"
    key = (request.app.state.db.url, info.id, info.created_at, lang, taking, bounds.max_comment)
    cache: dict[tuple[object, ...], Markup] = request.app.state.__dict__.setdefault("consult_fragments", {})
    if not kept and key in cache:
        return cache[key]
    html = Markup(renderer.templates.get_template("consultation/_sections.html").render(
        round=info, taking=taking, kept=kept or {}, w=words(lang), limits=bounds))
    if not kept:
        if len(cache) > 256:
            cache.clear()
        cache[key] = html
    return html


def _page(request: Request, round_id: int, status: int = 200, **extra: object) -> Response:
    renderer = request.app.state.renderer
    lang = renderer.language(request)
    info = public_round(request.app.state.db, round_id)
    kept = extra.get("kept")
    context = form_context(secret(request), info) | {
        "w": words(lang), "limits": limits(request),
        "sections_html": _sections_html(request, info, lang, kept if isinstance(kept, dict) else None)} | extra
    return renderer.page(request, "consultation/public.html", context, status_code=status)


@router.get("/consult", response_class=HTMLResponse)
def public_index(request: Request) -> Response:
    renderer = request.app.state.renderer
    return renderer.page(request, "consultation/public_index.html", {
        "rounds": open_public_rounds(request.app.state.db), "w": words(renderer.language(request))})


def _missing(request: Request, round_id: int) -> Response | None:
    """A 404 page for a round that does not exist (before anything else is read or counted)."""
    try:
        public_round(request.app.state.db, round_id)
    except StoreError as err:
        return request.app.state.renderer.page(request, "error.html", {"message": str(err)}, status_code=404)
    return None


# How long a round confirmed to exist is served from memory: rounds do not change once opened, so this only bounds
# how long a page outlives a round removed by a database restore (a submission always checks). Past half of it, one
# visit's response also re-confirms the round after it is sent, so that a busy page never waits for the database.
PAGE_TTL = 5.0
_QUESTION, _TOKEN = "tanfeng-slot-question-4b1d", "tanfeng-slot-token-4b1d"


def _page_key(request: Request, info: PublicRound) -> tuple[object, ...]:
    bounds = limits(request)
    return (request.app.state.db.url, info.id, info.created_at, request.url.path, request.app.state.renderer.language(
        request), info.accepts_web and info.state() == "open", bounds.max_comment, request.app.state.demo)


Parts = tuple[bytes, bytes, bytes, bool]  # the page (encoded once) around its two slots; True: the question first


def _from_parts(request: Request, parts: Parts, info: PublicRound) -> HTMLResponse:
    challenge = new_challenge(secret(request), info.id)
    slots = (str(escape(challenge.question)), str(escape(challenge.token)))
    first, second = slots if parts[3] else slots[::-1]
    return HTMLResponse(b"".join((parts[0], first.encode(), parts[1], second.encode(), parts[2])))


def _pages(request: Request) -> dict[tuple[object, ...], Parts]:
    cache: dict[tuple[object, ...], Parts] = request.app.state.__dict__.setdefault("consult_pages", {})
    return cache


def _reconfirm(db: Database, round_id: int, pending: set[int]) -> None:
    """Runs after a response is sent (thread pool): asks the database whether the round still exists."""
    try:
        public_round(db, round_id)
    except StoreError:
        pass  # gone: the round is forgotten, so the next visit renders the 404
    except Exception:  # the database is unreachable: the next visit past PAGE_TTL takes the slow path and says so
        log.warning("could not re-confirm consultation round %s", round_id, exc_info=True)
    finally:
        pending.discard(round_id)


def _anonymous_page(request: Request, round_id: int) -> HTMLResponse | None:
    """The page of a recently confirmed round for a visitor with nothing waiting in the session, from memory:
    only the check question and its token are new. No database or file work (this runs on the event loop)."""
    if request.session.get("flash"):
        return None
    seen = confirmed_round(request.app.state.db, round_id)
    if seen is None or seen[0] >= PAGE_TTL:
        return None
    age, info = seen
    parts = _pages(request).get(_page_key(request, info))
    if parts is None:
        return None
    response = _from_parts(request, parts, info)
    pending: set[int] = request.app.state.__dict__.setdefault("consult_reconfirming", set())
    if age >= PAGE_TTL / 2 and round_id not in pending:
        pending.add(round_id)  # one re-confirmation at a time (the event loop is single-threaded)
        response.background = BackgroundTask(_reconfirm, request.app.state.db, round_id, pending)
    return response


_locks_guard = threading.Lock()


def _round_lock(request: Request, round_id: int) -> threading.Lock:
    locks: dict[int, threading.Lock] = request.app.state.__dict__.setdefault("consult_render_locks", {})
    with _locks_guard:
        if round_id not in locks and len(locks) > 1024:  # ids probed at random: a lock dropped only costs a re-render
            locks.clear()
        return locks.setdefault(round_id, threading.Lock())


def _render_parts(request: Request, info: PublicRound) -> Parts | None:
    """The page rendered once around its two slots (None for a template that repeats them)."""
    renderer, lang = request.app.state.renderer, request.app.state.renderer.language(request)
    context = {"round": info, "question": _QUESTION, "token": _TOKEN, "w": words(lang), "limits": limits(request),
               "sections_html": _sections_html(request, info, lang, None)}
    html = renderer.templates.get_template("consultation/public.html").render(
        renderer.context(request, context, csrf=False))
    if html.count(_QUESTION) != 1 or html.count(_TOKEN) != 1:
        return None
    first, second = sorted((_QUESTION, _TOKEN), key=html.index)
    head, _, rest = html.partition(first)
    middle, _, tail = rest.partition(second)
    return head.encode(), middle.encode(), tail.encode(), first == _QUESTION


def _rendered_page(request: Request, round_id: int) -> Response:
    if request.session.get("flash"):
        return _missing(request, round_id) or _page(request, round_id)
    # One visitor per round confirms and renders; those who arrived meanwhile then take its page from memory.
    with _round_lock(request, round_id):
        fast = _anonymous_page(request, round_id)
        if fast is not None:
            return fast
        missing = _missing(request, round_id)
        if missing is not None:
            return missing
        info = public_round(request.app.state.db, round_id, PAGE_TTL)  # just confirmed by _missing
        pages, key = _pages(request), _page_key(request, info)
        parts = pages.get(key) or _render_parts(request, info)
        if parts is None:  # a template that repeats a slot: no shortcut
            return _page(request, round_id)
        if len(pages) > 256:
            pages.clear()
        pages[key] = parts
        return _from_parts(request, parts, info)


@router.get("/consult/{round_id}", response_class=HTMLResponse)
async def public_page(request: Request, round_id: int) -> Response:
    """The most visited public page: served from memory when it can be, else rendered in the thread pool."""
    fast = _anonymous_page(request, round_id)
    if fast is not None:
        return fast
    rendered: Response = await run_in_threadpool(_rendered_page, request, round_id)
    return rendered


@router.post("/consult/{round_id}", response_class=HTMLResponse)
def public_submit(request: Request, round_id: int, form: Form) -> Response:
    missing = _missing(request, round_id)
    if missing is not None:
        return missing
    db, bounds = request.app.state.db, limits(request)
    info = public_round(db, round_id)
    key = secret(request)
    kept = {k: v for k, v in form.items() if k.startswith("c.")} | {
        k: form.get(k, "") for k in ("name", "contact", "org")}
    try:
        if "__refused__" in form:
            raise PublicRefused(form["__refused__"], "", 413)
        check_rate(db, client_key(key, request.client.host if request.client else None), bounds)
        if form.get(HONEYPOT):
            raise PublicRefused("表单校验失败，请刷新页面后重试", "the form check failed; reload and retry", 400)
        nonce = check_challenge(key, round_id, form.get("token", ""), form.get("answer", ""), bounds.token_max_age)
        items = comment_items(form, bounds)
        receipts = submit_public(db, Actor("公众", None, request.client.host if request.client else None), round_id,
                                 items, nonce=nonce, name=form.get("name"), contact=form.get("contact"),
                                 org=form.get("org"))
    except StoreError as err:  # refused (limits, question, token) or invalid text: the form comes back filled in
        message = err.zh if request.app.state.renderer.language(request) == "zh" or not err.en else err.en
        return _page(request, round_id, getattr(err, "status", 400), error=message, kept=kept)
    renderer = request.app.state.renderer
    return renderer.page(request, "consultation/receipt.html", {
        "round": info, "receipts": receipts, "labels": [info.labels.get(ref, ref) for ref, _ in items],
        "w": words(renderer.language(request))})


@router.get("/consult/{round_id}/notice.docx")
def public_notice(request: Request, round_id: int) -> Response:
    """The round's notice as Word (public: it names only the office's own channels)."""
    missing = _missing(request, round_id)
    if missing is not None:
        return missing
    db = request.app.state.db
    info = get_round(db, round_id)
    data = notice_docx(info, public_round(db, round_id).sections)
    name = f"{info.plan_title}征求意见通知.docx"
    return Response(data, media_type=DOCX, headers={
        "Content-Disposition": f"attachment; filename=\"notice-{round_id}.docx\"; filename*=UTF-8''{quote(name)}"})
