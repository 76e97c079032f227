"""Error types that the CLI and the web layer turn into user-facing messages."""

from __future__ import annotations


class TanfengError(Exception):
    """Base class: ``str(err)`` is a one-line message fit for a user (Chinese first, English after)."""


class PlanReadError(TanfengError):
    """A file could not be read as a plan (unreadable, binary, empty, not a plan)."""

    def __init__(self, path: str, reason_zh: str, reason_en: str) -> None:
        self.path = path
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{path}: {reason_zh} / {reason_en}")
