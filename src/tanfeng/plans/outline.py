"""Outline: split normalised text into headings (第一章/第一节/一、/（一）/1./（1）/①) and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CN_NUM = "一二三四五六七八九十"
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"^第[{_CN_NUM}]{{1,3}}(?:章|部分)\s*")),
    (1, re.compile(rf"^第[{_CN_NUM}]{{1,3}}节\s*")),
    (2, re.compile(rf"^[{_CN_NUM}]{{1,3}}[、．.]\s*")),
    (3, re.compile(rf"^（[{_CN_NUM}]{{1,3}}）\s*")),
    (4, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))\s*")),
    (5, re.compile(r"^（\d{1,2}）\s*")),
    (6, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*")),
]
# A heading's own title ends at the first full stop / colon when the body follows on the same line.
_TITLE_END = re.compile(r"[。：]")


@dataclass
class Block:
    """A heading or a paragraph; ``path`` lists the indices of the enclosing headings."""

    index: int
    text: str
    level: int | None = None  # heading level (lower = higher), None for a paragraph
    marker: str = ""
    title: str = ""
    body: str = ""  # text after the title on the heading's own line
    parent: int | None = None
    children: list[int] = field(default_factory=list)

    @property
    def is_heading(self) -> bool:
        return self.level is not None


def _heading(line: str) -> tuple[int, str, str, str] | None:
    for level, pattern in _MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        rest = line[m.end():]
        if not rest or rest[0] in "，,、%.．" or rest[:1].isdigit():
            return None
        if level == 4 and re.match(r"^\d{1,2}[、．.]\s*(?:电子邮箱|联系电话|通信地址|邮编|传真)", line):
            return None
        end = _TITLE_END.search(rest)
        if end and end.start() <= 60:
            return level, m.group(0).strip(), rest[: end.start()].strip(), rest[end.end():].strip()
        if len(rest) <= 60 and "，" not in rest:
            return level, m.group(0).strip(), rest.rstrip("。：").strip(), ""
        return None
    return None


def parse_outline(text: str) -> list[Block]:
    """Blocks in document order with their heading tree (levels are relative to what the text uses)."""
    blocks: list[Block] = []
    stack: list[Block] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        b = Block(index=len(blocks), text=line)
        h = _heading(line)
        if h:
            b.level, b.marker, b.title, b.body = h
            while stack and stack[-1].level is not None and stack[-1].level >= b.level:
                stack.pop()
        if stack:
            b.parent = stack[-1].index
            stack[-1].children.append(b.index)
        if h:
            stack.append(b)
        blocks.append(b)
    return blocks


def ancestors(blocks: list[Block], block: Block) -> list[Block]:
    """Enclosing headings, nearest first."""
    out: list[Block] = []
    p = block.parent
    while p is not None:
        out.append(blocks[p])
        p = blocks[p].parent
    return out


def own_text(blocks: list[Block], heading: Block) -> str:
    """A heading's body plus its direct paragraphs (not sub-headings)."""
    parts = [heading.body] if heading.body else []
    parts += [blocks[i].text for i in heading.children if not blocks[i].is_heading]
    return "\n".join(parts)
