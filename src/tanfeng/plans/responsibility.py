"""Responsible units (责任单位): find the annotation of a task and split it into lead and co-units.

Annotation styles (one grammar: an optional label, units joined by 、，；, an optional role or duty
word, an optional 完成时限):

* bracketed at the paragraph's end: ``（责任单位：县发改委、住建局）`` (the prefix 县 restored on
  住建局), ``（牵头单位：…；配合单位：…）``, ``（X牵头，Y、Z配合）``, ``（X、Y按职责分工负责）``;
* a closing sentence of its own: ``各县（市、区）人民政府负责落实。``;
* labels in lenticular brackets before or after the text: ``【牵头单位】X【配合单位】Y``;
* a leading label line: ``牵头单位：X``.

Groups separated by commas restate their own prefix; nested brackets (``县委组织部（人才办）``,
``各乡（镇）人民政府``) stay whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LABEL = re.compile(r"(?:牵头|责任|主责|负责|实施|承办|配合|参与)(?:单位|部门)\s*[：:]")
_DUTY_TAIL = re.compile(r"(?:等|及)?(?:有关|相关|各)?(?:单位|部门)?(?:按(?:照)?职责分工负责|按职责分工|分工负责|负责落实|负责|按职责落实)$")
_REGION_PREFIX = re.compile(r"^(?:[省市县区州盟旗](?!场|政|民|容|级|属|直)|自治区|自治州|新区)")
_NO_PREFIX = re.compile(r"^(?:各|有关|相关|其他|国网|国家|中国|中央|省|市(?!场)|县|区|州|盟|旗|自治区|乡|镇|街道)")
_UNIT_WORD = re.compile(
    r"(?:委员会|管委会|领导小组办公室|办公室|办公厅|委|办|局|厅|部|署|院|处|中心|公司|集团|银行|政府|法院|检察院|"
    r"协会|联合会|学校|大学|党校|科协|妇联|总工会|团委|工会|支队|大队|分局|站|所|队|会|社|馆|台)$"
)


_GENERIC = re.compile(r"^(?:各|有关|相关|其他|其它)*(?:部门|单位|地方|方面)?$")


# 牵头单位：X on a line of its own, with the 配合单位 / 完成时限 lines that follow it
_LABEL_LINES = re.compile(r"(?:^|\n|。)\s*((?:牵头|责任)(?:单位|部门)\s*[：:][^\n]+"
                          r"(?:\n\s*(?:(?:配合|参与|协同)(?:单位|部门)|完成时限|时间节点)\s*[：:][^\n]+)*)")
_DUE = re.compile(r"(?:完成时限|完成时间|时间节点|时限要求|时限|进度安排)\s*[：:】]\s*([^；;）】\n]{2,30})")
_BRACKET_LABEL = re.compile(r"【\s*((?:牵头|责任|主责|配合|参与|协同)(?:单位|部门)|完成时限|完成时间|时间节点|时限)\s*】\s*([^【\n。]*)")
_DUE_WORDS = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月|持续|长期|常态|逐年|每年|年底|年度")


@dataclass(frozen=True)
class Responsibility:
    lead: str | None
    units: list[str]
    due: str | None = None  # 完成时限 as written: 2025年底前, 持续推进, 长期坚持


def _matching_close(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def find_annotations(text: str) -> list[str]:
    """Contents of bracketed responsibility annotations in ``text`` (outer brackets removed)."""
    out: list[str] = []
    i = text.find("（")
    while i != -1:
        j = _matching_close(text, i)
        inner = text[i + 1 : j]
        if _is_annotation(inner):
            out.append(inner)
        i = text.find("（", j + 1 if j > i else i + 1)
    for m in _LABEL_LINES.finditer(text):
        note = "；".join(x.strip() for x in m.group(1).split("\n") if x.strip())
        if note not in out:
            out.append(note)
    labelled = [f"{m.group(1)}：{m.group(2).strip(' ；;，')}" for m in _BRACKET_LABEL.finditer(text)]
    if labelled:
        out.append("；".join(labelled))
    closing = _closing_duty(text)
    if closing and not out:
        out.append(closing)
    return out


def _closing_duty(text: str) -> str | None:
    """A paragraph's last sentence when it only names who is responsible: 各县（市、区）人民政府负责落实。"""
    sentences = [x for x in re.split(r"(?<=。)", text.strip()) if x.strip()]
    if len(sentences) < 2:
        return None
    last = sentences[-1].strip().rstrip("。")
    if len(last) > 80 or "（" in re.sub(r"（[^（）]{1,6}）", "", last):  # 各县（市、区） keeps its brackets
        return None
    return last if _is_annotation(last) else None


def _is_annotation(inner: str) -> bool:
    if _LABEL.search(inner[:12]):
        return True
    core = inner.strip()
    if not _DUTY_TAIL.search(core) and not re.search(r"(?:牵头|配合|参与)$|牵头[，、；）]", core):
        return False
    parts = _split_units(core)
    first = re.sub(r"(?:牵头|配合|参与)$", "", _DUTY_TAIL.sub("", parts[0][0] if parts else ""))
    return bool(_UNIT_WORD.search(_strip_parenthetical(first)) or _REGION_PREFIX.match(first))


def _strip_parenthetical(name: str) -> str:
    """县委组织部（人才办） → 县委组织部; keeps inner brackets such as 各乡（镇）人民政府."""
    return re.sub(r"（[^（）]*）$", "", name).strip() if not name.startswith("各") else name.strip()


def _split_units(text: str) -> list[tuple[str, str]]:
    """Split on 、，；, keeping bracketed parts whole; returns (unit, separator-before)."""
    parts: list[tuple[str, str]] = []
    depth = 0
    buf = ""
    sep = ""
    for ch in text:
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，；,;":
            parts.append((buf.strip(), sep))
            buf, sep = "", ch
        else:
            buf += ch
    parts.append((buf.strip(), sep))
    return [(p, s) for p, s in parts if p]


def _prefix_of(unit: str) -> str:
    m = re.match(r"^(?:自治区|自治州|新区|[省市县区州盟旗])(?:委(?=组织部|宣传部|统战部|政法委|党校|编办|网信办|办))?", unit)
    if not m or unit.startswith("市场"):
        return ""
    return m.group(0)


def parse_units(annotation: str) -> Responsibility:
    """Lead and all units of one annotation, with the region prefix restored on bare names."""
    due_m = _DUE.search(annotation)
    due = due_m.group(1).strip() if due_m else None
    if due_m:
        annotation = annotation[: due_m.start()] + annotation[due_m.end():]
    body = _LABEL.sub("、", annotation).strip("、，； ")
    body = re.sub(r"(?:分别|共同)?(?:牵头|负责)?[，、；]?(?:其他|各)?(?:配合|参与)(?:单位|部门)?\s*[：:]?", "、", body)
    lead_marked: str | None = None
    names: list[str] = []
    prefix = ""
    group_start = 0  # 省发改委、省能源局牵头: 牵头 applies to the whole 、-group
    for raw, sep in _split_units(body):
        if sep in "，；,;":
            group_start = len(names)
        raw = _DUTY_TAIL.sub("", raw).strip()
        marked = own_mark = False
        for mark in ("（牵头）", "牵头"):
            if raw.endswith(mark):
                raw, marked, own_mark = raw[: -len(mark)].strip(), True, mark == "（牵头）"
        raw = re.sub(r"等$", "", raw).strip()
        if not raw or len(raw) > 40 or _GENERIC.match(raw):
            continue
        own = _prefix_of(raw)
        if own:
            prefix = own if not own.endswith("委") else own[:-1]
            name = raw
        elif prefix and not _NO_PREFIX.match(raw) and _UNIT_WORD.search(_strip_parenthetical(raw)):
            name = (prefix + "委" if raw in ("党校",) else prefix) + raw
        else:
            name = raw
        name = _strip_parenthetical(name)
        if name and name not in names:
            names.append(name)
        if marked and lead_marked is None and name:
            lead_marked = name if own_mark or group_start >= len(names) else names[group_start]
    lead = lead_marked or (names[0] if names else None)
    if lead and names and names[0] != lead:
        names.remove(lead)
        names.insert(0, lead)
    return Responsibility(lead, names, due)
