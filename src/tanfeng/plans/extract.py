"""Extraction: normalised text → Plan (metadata, parents, outline, units, targets)."""

from __future__ import annotations

import re

from tanfeng.plans.model import Meta, Plan, Source

_TITLE = re.compile(r"([\u4e00-\u9fff]{2,30}?碳达峰实施方案)")


def extract(text: str, *, name: str, sha256: str, fmt: str, encoding: str | None) -> Plan:
    m = _TITLE.search(text)
    source = Source(path=name, sha256=sha256, format=fmt, encoding=encoding)  # type: ignore[arg-type]
    return Plan(source=source, meta=Meta(title=m.group(1) if m else None))
