"""Targets from indicator tables (主要指标表: 指标 | 单位 | 2020年 | 2025年 | 2030年 | 属性).

Tables reach the text as tab-separated rows (from .docx and .html). The header row names the
years; the earliest year column is the baseline when there are several, the others are targets.
"""

from __future__ import annotations

import re

from tanfeng.plans.targets import RawTarget
from tanfeng.plans.vocab import ASSIGNED_RE, canonical_code

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_NUMBER = re.compile(r"^\s*(?P<op>[≥≤>＜<＞]|不低于|不高于|不超过|超过)?\s*[\[〔（(]?\s*(?P<num>\d+(?:\.\d+)?)\s*[\]〕）)]?\s*(?P<unit>%|万千瓦|万吨标准煤|万吨|亿元|万立方米|万亩|个|家)?\s*(?P<after>以上|以下|以内|左右)?\s*$")
_UNIT_IN_NAME = re.compile(r"[（(]([^（）()]{1,12})[）)]\s*$")


def _columns(header: list[str]) -> tuple[int | None, int | None, list[tuple[int, int]], int | None]:
    name_col = next((i for i, c in enumerate(header) if "指标" in c or "名称" in c), None)
    unit_col = next((i for i, c in enumerate(header) if c.strip() in ("单位", "计量单位") or c.startswith("单位")), None)
    years = [(i, int(m.group(1))) for i, c in enumerate(header) if (m := _YEAR.search(c)) and i != name_col]
    base_col = next((i for i, c in enumerate(header) if re.search(r"基期|基准|现状", c)), None)
    return name_col, unit_col, years, base_col


def table_targets(text: str) -> tuple[list[RawTarget], set[str]]:
    """Targets of every indicator table in the (normalised) text, and the rows they came from."""
    out: list[RawTarget] = []
    consumed: set[str] = set()
    rows = text.split("\n")
    starts = [0]
    for line in rows[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    i = 0
    while i < len(rows):
        header = rows[i].split("\t")
        name_col, unit_col, years, base_col = _columns(header) if rows[i].count("\t") >= 2 else (None, None, [], None)
        if not years:
            i += 1
            continue
        if base_col is None and len(years) >= 2:
            base_col = min(years, key=lambda y: y[1])[0]
        base_year = next((y for c, y in years if c == base_col), None)
        targets = [(c, y) for c, y in years if c != base_col]
        consumed.add(rows[i])
        i += 1
        while i < len(rows) and "\t" in rows[i]:
            for t in _row_targets(rows[i], name_col, unit_col, targets, base_year):
                t.offset = starts[i]
                out.append(t)
            consumed.add(rows[i])
            i += 1
    return out, consumed


def _row_targets(row: str, name_col: int | None, unit_col: int | None, targets: list[tuple[int, int]],
                 base_year: int | None) -> list[RawTarget]:
    cells = row.split("\t")
    if name_col is None:
        name_col = next((k for k, c in enumerate(cells) if re.search(r"[\u4e00-\u9fff]{2}", c)), None)
    if name_col is None or name_col >= len(cells):
        return []
    name = cells[name_col].strip()
    unit = cells[unit_col].strip() if unit_col is not None and unit_col < len(cells) else None
    m = _UNIT_IN_NAME.search(name)
    if m:
        unit = unit or m.group(1)
        name = name[: m.start()].strip()
    change = "decrease" if re.search(r"下降|降低|减少", name) else "increase" if re.search(r"提高|提升|增长|增加", name) else "level"
    out: list[RawTarget] = []
    for col, year in targets:
        if col >= len(cells):
            continue
        cell = cells[col].strip()
        num = _NUMBER.match(cell)
        sentence = " | ".join(c.strip() for c in cells if c.strip())
        if num:
            op, after = num.group("op") or "", num.group("after") or ""
            bound = ("min" if op in ("≥", ">", "＞", "不低于", "超过") or after == "以上" else
                     "max" if op in ("≤", "<", "＜", "不高于", "不超过") or after in ("以下", "以内") else
                     "about" if after == "左右" else None)
            u = unit or num.group("unit")
            out.append(RawTarget(indicator=name, sentence=sentence, offset=0, year=year, value=float(num.group("num")),
                                 unit=u, change=change, bound=bound,
                                 baseline_year=base_year if change != "level" else None,
                                 code=canonical_code(name, u), rule="table"))
        elif ASSIGNED_RE.search(cell):
            out.append(RawTarget(indicator=name, sentence=sentence, offset=0, year=year, assigned=True,
                                 change=change, code=canonical_code(name, None), rule="table"))
    return out
