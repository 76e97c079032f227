"""The task division table (重点任务分工表: 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限).

It reaches the text in three shapes, all read into the same rows:

* tab-separated rows (from .docx, .html and ruled PDF tables, see plans.sources);
* one cell per line (a text copy of the table), rows anchored on the 序号 cell (1, 2, 3 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tanfeng.plans.responsibility import Responsibility, parse_units

# Column roles by the words of their header cell (first match wins; 牵头 before 责任).
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("index", re.compile(r"^(?:序号|编号|序)$")),
    ("co", re.compile(r"(?:配合|参与|协同|协助)(?:单位|部门)")),
    ("lead", re.compile(r"(?:牵头|责任|主责|负责)(?:单位|部门)|^责任主体$")),
    ("due", re.compile(r"完成时限|完成时间|时间节点|时限|进度安排|完成期限")),
    ("action", re.compile(r"^(?:重点行动|行动|类别|分类|领域|任务类别)(?:名称)?$")),
    ("title", re.compile(r"任务|工作|内容|举措|措施|事项")),
]
_INDEX = re.compile(r"^\d{1,3}$")


@dataclass
class TableTask:
    title: str
    text: str
    action: str | None
    responsibility: Responsibility
    line: str  # the source row, for --explain


def _role(cell: str) -> str | None:
    cell = cell.strip()
    if len(cell) > 12:
        return None
    return next((role for role, pattern in _ROLES if pattern.search(cell)), None)


def _header(cells: list[str]) -> list[str | None] | None:
    roles = [_role(c) for c in cells]
    if "title" in roles and "lead" in roles and sum(r is not None for r in roles) >= 3:
        return roles
    return None


def _task(cells: dict[str, str], line: str) -> TableTask | None:
    text = cells.get("title", "").strip()
    lead = cells.get("lead", "").strip()
    if not text or not lead or _header([text, lead]) is not None:
        return None
    co = cells.get("co", "").strip()
    annotation = f"牵头单位：{lead}" + (f"；配合单位：{co}" if co and co not in "—-/无" else "")
    r = parse_units(annotation)
    due = cells.get("due", "").strip() or None
    title = re.split(r"[。：:]", text, maxsplit=1)[0].strip()
    return TableTask(title=title[:80], text=text, action=cells.get("action") or None,
                     responsibility=Responsibility(r.lead, r.units, due), line=line)


def _assign(roles: list[str | None], cells: list[str]) -> dict[str, str]:
    if len(cells) < len(roles):  # rowspan / merged leading cells: align on the right
        roles = roles[len(roles) - len(cells):]
    return {role: cell for role, cell in zip(roles, cells, strict=False) if role}


def division_tasks(text: str) -> tuple[list[TableTask], set[str]]:
    """Tasks of every division table in the (normalised) text, and the lines they came from."""
    lines = text.split("\n")
    out: list[TableTask] = []
    used: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        roles = _header(line.split("\t")) if line.count("\t") >= 2 else None
        if roles:
            used.add(line)
            i += 1
            while i < len(lines) and "\t" in lines[i]:
                task = _task(_assign(roles, lines[i].split("\t")), lines[i])
                if task:
                    out.append(task)
                    used.add(lines[i])
                i += 1
            continue
        stacked = _stacked_header(lines, i)
        if stacked:
            i = _read_stacked(lines, i + len(stacked), stacked, out, used)
            continue
        i += 1
    return out, used


def _stacked_header(lines: list[str], i: int) -> list[str | None] | None:
    """A header written one cell per line: 序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限."""
    if _role(lines[i]) != "index":
        return None
    roles: list[str | None] = []
    for line in lines[i : i + 8]:
        role = _role(line)
        if role is None:
            break
        roles.append(role)
    return roles if "title" in roles and "lead" in roles and len(roles) >= 3 else None


def _read_stacked(lines: list[str], i: int, roles: list[str | None], out: list[TableTask], used: set[str]) -> int:
    expected = 1
    rest = [r for r in roles if r != "index"]
    while i < len(lines) and lines[i].strip() == str(expected):
        j = i + 1
        cells: list[str] = []
        while j < len(lines) and lines[j].strip() != str(expected + 1) and len(cells) < len(rest):
            cells.append(lines[j])
            j += 1
        task = _task(_stacked_cells(rest, cells), " | ".join(cells))
        if task:
            out.append(task)
            used.update(lines[i:j])
        expected += 1
        i = j
    return i


def _stacked_cells(roles: list[str | None], cells: list[str]) -> dict[str, str]:
    """Cells of one stacked row; an empty cell leaves no line, so the due date is told by its words."""
    if len(cells) == len(roles):
        return _assign(roles, cells)
    out: dict[str, str] = {}
    queue = list(cells)
    if queue and "due" in roles and _looks_due(queue[-1]):
        out["due"] = queue.pop()
    for role in roles:
        if role == "due" or not queue:
            continue
        if role:
            out[role] = queue.pop(0)
    return out


def _looks_due(cell: str) -> bool:
    return len(cell) <= 16 and bool(re.search(r"(?:19|20)\d{2}\s*年|持续|长期|常态|逐年|每年|年底", cell))
