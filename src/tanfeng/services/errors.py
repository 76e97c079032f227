"""Errors raised by the store services (one-line messages, Chinese first, English after)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tanfeng.errors import TanfengError


class StoreError(TanfengError):
    """A request the store cannot satisfy (unknown plan/unit/indicator, bad argument)."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")


class StaleEdit(StoreError):
    """An edit made from a version that is no longer the current one (HTTP 409); ``current`` shows what is."""

    def __init__(self, zh: str, en: str, current: list[dict[str, Any]]) -> None:
        super().__init__(zh, en)
        self.current = current


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based row in the sheet or CSV (header = row 1)
    column: str | None
    zh: str
    en: str
    sheet: str | None = None

    def __str__(self) -> str:
        where_zh = f"{self.sheet + ' ' if self.sheet else ''}第{self.row}行"
        where_en = f"{self.sheet + ' ' if self.sheet else ''}row {self.row}"
        col = f"[{self.column}]" if self.column else ""
        return f"{where_zh}{col}: {self.zh} / {where_en}{col}: {self.en}"


class ImportValidationError(TanfengError):
    """A data file was rejected as a whole; ``errors`` lists every bad row."""

    def __init__(self, path: str, errors: list[RowError]) -> None:
        self.path = path
        self.errors = errors
        first = str(errors[0]) if errors else ""
        more = f"（另有{len(errors) - 1}处错误 / {len(errors) - 1} more）" if len(errors) > 1 else ""
        super().__init__(f"{path}: 文件未导入 / file not imported — {first}{more}")

    def details(self) -> list[str]:
        return [f"{self.path}: {err}" for err in self.errors]


class NotAllowed(StoreError):
    """The account may not read or change this record (HTTP 403), e.g. another enterprise's data."""


class DryRun(Exception):
    """Raised inside a write transaction to roll back a checked import; carries its result."""

    def __init__(self, result: Any) -> None:
        super().__init__("dry run")
        self.result = result
