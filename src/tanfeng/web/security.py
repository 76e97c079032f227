"""CSRF tokens: one per session, compared in constant time."""

from __future__ import annotations

import secrets
from typing import Any

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(session: dict[str, Any]) -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_valid(session: dict[str, Any], supplied: str | None) -> bool:
    expected = session.get("csrf")
    return isinstance(expected, str) and isinstance(supplied, str) and secrets.compare_digest(expected, supplied)

