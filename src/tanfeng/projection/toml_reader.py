"""Checked access to a parsed TOML document: every problem is recorded with its key path."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from tanfeng.projection.errors import Problem


class Checker:
    """Collects problems while reading; readers return ``None`` for a bad value and go on."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, key: str, zh: str, en: str) -> None:
        self.problems.append(Problem(key, zh, en))

    def table(self, value: Any, key: str, required: bool = True) -> dict[str, Any] | None:
        if value is None:
            if required:
                self.add(key, "缺少此项", "missing")
            return None
        if not isinstance(value, dict):
            self.add(key, "应为表（table）", "must be a table")
            return None
        return value

    def known(self, table: dict[str, Any], key: str, allowed: Iterable[str]) -> None:
        """Record every key of ``table`` that is not in ``allowed``."""
        allowed = set(allowed)
        for k in table:
            if k not in allowed:
                self.add(join(key, k), f"未知的键 '{k}'", f"unknown key '{k}'")

    def number(self, value: Any, key: str, *, minimum: float | None = 0.0, maximum: float | None = None,
               required: bool = True, above: float | None = None) -> float | None:
        if value is None:
            if required:
                self.add(key, "缺少数值", "missing number")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.add(key, f"应为数值，实为 {value!r}", f"must be a number, got {value!r}")
            return None
        x = float(value)
        if minimum is not None and x < minimum:
            if minimum == 0.0:
                self.add(key, f"不能为负数（{x:g}）", f"must not be negative ({x:g})")
            else:
                self.add(key, f"不能小于 {minimum:g}（{x:g}）", f"must be at least {minimum:g} ({x:g})")
            return None
        if above is not None and x <= above:
            self.add(key, f"必须大于 {above:g}（{x:g}）", f"must be greater than {above:g} ({x:g})")
            return None
        if maximum is not None and x > maximum:
            self.add(key, f"不能大于 {maximum:g}（{x:g}）", f"must not exceed {maximum:g} ({x:g})")
            return None
        return x

    def integer(self, value: Any, key: str, required: bool = True) -> int | None:
        if value is None:
            if required:
                self.add(key, "缺少年份/整数", "missing integer")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(key, f"应为整数，实为 {value!r}", f"must be an integer, got {value!r}")
            return None
        return value

    def text(self, value: Any, key: str, required: bool = True) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(key, "缺少文字", "missing text")
            return None
        if not isinstance(value, str):
            self.add(key, f"应为文字，实为 {value!r}", f"must be text, got {value!r}")
            return None
        return value.strip()

    def boolean(self, value: Any, key: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(key, f"应为 true/false，实为 {value!r}", f"must be true/false, got {value!r}")
            return default
        return value

    def choice(self, value: Any, key: str, options: Iterable[str], default: str | None = None) -> str | None:
        options = tuple(options)
        if value is None and default is not None:
            return default
        if value not in options:
            self.add(key, f"取值 {value!r} 无效，应为 {'/'.join(options)}",
                     f"invalid value {value!r}, expected {'/'.join(options)}")
            return None
        return str(value)


def join(prefix: str, key: str) -> str:
    """A dotted key path, quoting parts that TOML would need quoted."""
    part = key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else f'"{key}"'
    return f"{prefix}.{part}" if prefix else part
