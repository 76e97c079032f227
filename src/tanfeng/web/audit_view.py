"""The audit page's rows in the page's language: what an entry is about and its details named as people know
them (the indicator, the unit, the period, the plan, the account's name) instead of the ids the log keeps.

An id whose thing is gone (a deleted plan) is shown as before, "方案 #12".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tanfeng.services.audit import DETAIL_NAMES, ENTITY_NAMES, AuditInfo, AuditNames, ObservationName, observation_ids
from tanfeng.services.reminders import period_words
from tanfeng.web.consultation_words import words as consultation_words
from tanfeng.web.i18n import action_word, detail_words, entity_word, version_word, word

# the word a named detail is shown under (the thing, not its number)
_DETAIL_ENTITY = {"user_id": "user", "indicator_id": "indicator", "unit_id": "unit", "plan_id": "plan",
                  "region_id": "region", "enterprise_id": "enterprise", "project_id": "project",
                  "round_id": "consultation"}
_DETAIL_WORD = {"old_region_id": "old_region", "version_id": "plan_version"}
# consultation details whose values are codes: shown in words (web/consultation_words.py)
_CODED = {"kind": "kind_", "channel": "ch_", "channels": "ch_"}


def _detail_label(key: str, lang: str) -> str:
    return word(_DETAIL_WORD[key], lang) if key in _DETAIL_WORD else entity_word(_DETAIL_ENTITY[key], lang)


def _coded(key: str, value: Any, lang: str) -> Any:
    say = consultation_words(lang)
    if isinstance(value, list):
        return [say(_CODED[key] + str(v)) for v in value]
    return say(_CODED[key] + str(value))


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str  # the account's display name (its user name when there is no such account, e.g. a failed login)
    username: str
    action: str
    entity: str
    detail: str
    client: str


def _sep(lang: str) -> tuple[str, str]:
    """(between a label and its value, between items)"""
    return (": ", "; ") if lang == "en" else ("：", "；")


def observation_text(name: ObservationName, lang: str) -> str:
    """森林覆盖率 · 县林业局 · 2024年度 · 上犹县碳达峰实施方案"""
    parts = [name.indicator, name.unit or "", period_words(name.period, lang), name.plan]
    return " · ".join(p for p in parts if p)


def _named(kind: str, ident: int, names: AuditNames, lang: str) -> str | None:
    if kind == "observations":
        found = names.observations.get(ident)
        return observation_text(found, lang) if found is not None else None
    if kind in ("versions", "rounds"):  # a plan version, or the draft a consultation round is about
        title_number = getattr(names, kind).get(ident)
        return f"{title_number[0]} · {version_word(title_number[1], lang)}" if title_number else None
    found_name: str | None = getattr(names, kind).get(ident)
    return found_name


def entity_text(entry: AuditInfo, names: AuditNames, lang: str) -> str:
    """填报值：森林覆盖率 · 县林业局 · 2024年度 · …; several values: 填报值（3项）; unknown: 填报值 #12."""
    label = entity_word(entry.entity, lang)
    if not entry.entity:
        return ""
    kind = ENTITY_NAMES.get(entry.entity)
    if entry.entity_id is None:
        count = len(observation_ids(entry))
        if count > 1:
            return f"{label} ({count})" if lang == "en" else f"{label}（{count}项）"
        return label
    shown = _named(kind, entry.entity_id, names, lang) if kind else None
    if shown is None:
        return f"{label} #{entry.entity_id}"
    return f"{label}{_sep(lang)[0]}{shown}"


def _versions(entry: AuditInfo, versions: dict[str, Any], names: AuditNames, lang: str) -> str:
    """版本 seen when reviewing: 第2版, or per value when there were several."""
    parts = []
    for key, number in versions.items():
        shown = version_word(number, lang) if isinstance(number, int) else str(number)
        ident = int(key) if str(key).isdigit() else None
        if entry.entity_id is not None and ident == entry.entity_id:
            parts.append(shown)
            continue
        name = names.observations.get(ident) if ident is not None else None
        what = f"{name.indicator} {period_words(name.period, lang)}" if name else f"#{key}"
        parts.append(f"{what} {shown}" if lang == "en" else f"{what}{shown}")
    return (", " if lang == "en" else "、").join(parts)


def detail_text(entry: AuditInfo, names: AuditNames, lang: str) -> str:
    """An entry's details with its ids named (单位：县林业局；方案：…), the rest as ``detail_words`` puts them."""
    colon, between = _sep(lang)
    parts = []
    for key, value in entry.detail.items():
        if key in DETAIL_NAMES and value is not None and str(value).isdigit():
            shown = _named(DETAIL_NAMES[key], int(value), names, lang)
            label = _detail_label(key, lang)
            parts.append(f"{label}{colon}{shown}" if shown is not None else detail_words({key: value}, lang))
        elif key == "ids" and entry.entity == "observation" and isinstance(value, list):
            others = [int(v) for v in value if str(v).isdigit() and int(v) != entry.entity_id]
            if not others and entry.entity_id is not None:
                continue  # the one value, named in the entity column already
            shown_all = [_named("observations", v, names, lang) or f"#{v}" for v in others]
            parts.append(f"{entity_word('observation', lang)}{colon}{(', ' if lang == 'en' else '、').join(shown_all)}")
        elif key == "versions" and entry.entity == "observation" and isinstance(value, dict):
            if value:
                parts.append(f"{word('seen_version', lang)}{colon}{_versions(entry, value, names, lang)}")
        elif value is None or value == "" or value == []:
            continue  # nothing to say (no reason given)
        elif key in _CODED and (entry.entity or "").startswith("consultation"):
            parts.append(detail_words({key: _coded(key, value, lang)}, lang))
        else:
            parts.append(detail_words({key: value}, lang))
    return between.join(parts) or "—"


def audit_rows(entries: list[AuditInfo], names: AuditNames, lang: str) -> list[AuditRow]:
    return [AuditRow(e.id, e.at, names.users.get(e.username, e.username), e.username, action_word(e.action, lang),
                     entity_text(e, names, lang), detail_text(e, names, lang), e.client or "")
            for e in entries]
