"""Request-size limit: plain ASGI middleware, outermost, so it acts before sessions and authentication.

A declared ``Content-Length`` over the limit is answered 413 without reading a byte; a body sent
without one (chunked) is counted as it streams and cut off at the limit. Upload paths (files and
plan documents) get ``max_upload_bytes``, everything else ``max_request_bytes``.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Paths whose bodies are files or whole plan documents.
UPLOAD_PATHS = frozenset({"/workspace/upload", "/api/v1/uploads", "/plans/preview", "/api/v1/plans/preview",
                          "/plans/save", "/api/v1/plans", "/inventory", "/attachments",
                          "/api/v1/attachments"})


class BodyTooLarge(Exception):
    pass


def _message(limit: int) -> str:
    size = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"请求内容过大（上限{size}）/ request too large (limit {size})"


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    is_api = str(scope.get("path", "")).startswith("/api/")
    if is_api:
        body, kind = json.dumps({"detail": _message(limit)}, ensure_ascii=False).encode(), b"application/json"
    else:
        body, kind = f"<!doctype html><meta charset=utf-8><p>{_message(limit)}</p>".encode(), b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    def __init__(self, app: ASGIApp, max_request_bytes: int, max_upload_bytes: int) -> None:
        # multipart framing (boundaries, part headers) around a file of exactly the upload limit
        self.app, self.max_request, self.max_upload = app, max_request_bytes, max_upload_bytes + 256 * 1024

    def limit_for(self, path: str) -> int:
        return self.max_upload if path.rstrip("/") in UPLOAD_PATHS else self.max_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True  # a malformed length is not worth guessing about
            if too_big:
                await _refuse(scope, send, limit)
                return
        seen, exceeded, started = 0, False, False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app answered the interrupted read (e.g. 400): answer 413 instead
                if not started:
                    started = True
                    await _refuse(scope, send, limit)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                await _refuse(scope, send, limit)
