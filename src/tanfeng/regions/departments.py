"""Responsible units (责任单位): normalise the many ways a plan writes a department to one key.

``县发改委``, ``发改委``, ``上犹县发展和改革委员会`` → key ``发改委``;
``市场监督局`` / ``市场监督管理局`` → ``市场监管局``. The rules are general (region prefix,
party-committee prefix, long ↔ short forms from ``data/vocab/departments.csv``); a region's
registry in the database adds aliases that the office edits.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_LEVEL_CHARS = "县区市旗州省"
_PARENS = re.compile(r"[（(][^（）()]*[）)]$")
_SPACE = re.compile(r"[\s\u3000\"'“”‘’《》]+")


@dataclass(frozen=True)
class Vocabulary:
    """Known departments: every written form (short or long) → canonical short form, and kinds."""

    forms: dict[str, str]
    kinds: dict[str, str]

    def lookup(self, name: str) -> str | None:
        return self.forms.get(name)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (``tanfeng/data/vocab/departments.csv``)."""
    path = resources.files("tanfeng") / "data" / "vocab" / "departments.csv"
    forms: dict[str, str] = {}
    kinds: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            short = row["short"].strip()
            kinds[short] = row["kind"].strip()
            forms[short] = short
            for alias in row["aliases"].split("|"):
                if alias.strip():
                    forms[alias.strip()] = short
    return Vocabulary(forms=forms, kinds=kinds)


def clean(name: str) -> str:
    """Remove spaces, quotes and a trailing parenthetical such as ``（人才办）``."""
    text = _SPACE.sub("", name)
    text = text.replace("（", "(").replace("）", ")")
    while True:
        stripped = _PARENS.sub("", text)
        if stripped == text or len(stripped) < 3:  # keep 各乡(镇): the bracket is part of the name
            break
        text = stripped
    return text


def region_prefix(region_name: str | None) -> str:
    """The one-character level prefix a plan puts before its own departments (县, 市, 区 …)."""
    if region_name and region_name[-1] in _LEVEL_CHARS:
        return region_name[-1]
    return ""


def _strip_region(text: str, region_name: str | None) -> str:
    if not region_name:
        return text
    short = region_name[:-1] if len(region_name) > 2 and region_name[-1] in _LEVEL_CHARS else region_name
    for form in (region_name, short):
        if form and form in text and text != form:
            text = text.replace(form, "", 1)
            break
    return text


def _strip_level(text: str) -> str | None:
    """``县委宣传部`` → ``宣传部``; ``县住建局`` → ``住建局``; None when there is no such prefix."""
    if len(text) < 3 or text[0] not in _LEVEL_CHARS:
        return None
    if text[1] == "委" and len(text) > 3:
        return text[2:]
    if text[0] == "市" and text[1] in "场政民":
        return None  # 市场监管局, 市政公司 … are words, not 市 + name
    return text[1:]


def unit_key(name: str, region_name: str | None = None, vocab: Vocabulary | None = None) -> str:
    """The canonical key of a unit name as a plan writes it."""
    vocab = vocab or vocabulary()
    text = clean(name)
    for candidate in (text, _strip_region(text, region_name)):
        found = vocab.lookup(candidate)
        if found:
            return found
        stripped = _strip_level(candidate)
        if stripped:
            found = vocab.lookup(stripped)
            if found:
                return found
    base = _strip_region(text, region_name)
    return _strip_level(base) or base


def display_name(key: str, region_name: str | None = None, vocab: Vocabulary | None = None) -> str:
    """How to show a unit: the key with the region's level prefix (``县发改委``, ``县委宣传部``)."""
    vocab = vocab or vocabulary()
    prefix = region_prefix(region_name)
    kind = vocab.kinds.get(key)
    if not prefix or kind == "enterprise" or key.startswith("各"):
        return key
    if kind == "party":
        return f"{prefix}委{key}"
    return f"{prefix}{key}"
