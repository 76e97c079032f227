"""A plan document as the parts one can comment on (goals, actions, tasks, targets) and text matching onto them.

Pure functions over the plan JSON contract: used by the consultation service (the public page, the
office's suggestion of what a comment is about) and testable without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

GENERAL, GOALS = "general", "goals"
_CN_ORDINALS = "一二三四五六七八九十"
_SPLIT = re.compile(r"[\s，,。；;：:、（）()“”《》\"'！？!?]+")


@dataclass(frozen=True)
class TargetPart:
    ref: str  # the target's id (T5)
    indicator: str
    sentence: str


@dataclass(frozen=True)
class TaskPart:
    ref: str  # the task's id (A1.1)
    number: str  # 1.
    title: str
    text: str
    targets: list[TargetPart] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    ref: str  # goals | an action id (A1)
    heading: str
    tasks: list[TaskPart] = field(default_factory=list)
    targets: list[TargetPart] = field(default_factory=list)  # the goals section's targets

    def sentences(self) -> list[tuple[str, list[TargetPart]]]:
        """The goals' sentences once each, with the targets each states (one sentence often states several)."""
        groups: dict[str, list[TargetPart]] = {}
        for target in self.targets:
            groups.setdefault(target.sentence, []).append(target)
        return list(groups.items())


def _ordinal(i: int) -> str:
    if i <= 10:
        return _CN_ORDINALS[i - 1]
    tens, ones = divmod(i, 10)
    return ("" if tens == 1 else _CN_ORDINALS[tens - 1]) + "十" + (_CN_ORDINALS[ones - 1] if ones else "")


def sections(document: dict[str, Any]) -> list[Section]:
    """The draft by section: the goals (targets outside any task), then each action with its tasks and targets."""
    targets = [TargetPart(t["id"], t["indicator"], t["sentence"]) for t in document.get("targets", [])]
    by_task: dict[str, list[TargetPart]] = {}
    goals: list[TargetPart] = []
    task_of = {t["id"]: t.get("task_id") for t in document.get("targets", [])}
    for part in targets:
        owner = task_of.get(part.ref)
        (by_task.setdefault(owner, []) if owner else goals).append(part)
    out: list[Section] = []
    if goals:
        out.append(Section(GOALS, "主要目标", targets=goals))
    tasks = document.get("tasks", [])
    for i, action in enumerate(document.get("actions", []), start=1):
        own = [t for t in tasks if t.get("action") == action["id"]]
        parts = [TaskPart(t["id"], f"{n}.", t["title"], t["text"], by_task.get(t["id"], []))
                 for n, t in enumerate(own, start=1)]
        out.append(Section(action["id"], f"（{_ordinal(i)}）{action['name']}", tasks=parts))
    loose = [t for t in tasks if not t.get("action")]
    if loose:
        out.append(Section("other", "其他任务", tasks=[TaskPart(t["id"], f"{n}.", t["title"], t["text"],
                                                            by_task.get(t["id"], []))
                                                   for n, t in enumerate(loose, start=1)]))
    return out


def refs(document: dict[str, Any]) -> dict[str, str]:
    """Every ref one can comment on → its label (e.g. ``A1.1`` → ``（一）能源… 1.大力发展可再生能源``)."""
    labels = {GENERAL: "总体意见"}
    for section in sections(document):
        if section.ref != "other":
            labels[section.ref] = section.heading
        for target in section.targets:
            labels[target.ref] = f"{section.heading} · {target.indicator}"
        for task in section.tasks:
            labels[task.ref] = f"{section.heading} {task.number}{task.title}"
            for target in task.targets:
                labels[target.ref] = f"{task.number}{task.title} · {target.indicator}"
    return labels


def _grams(text: str) -> set[str]:
    chunks = [c for c in _SPLIT.split(text) if c]
    return {c[i:i + 2] for c in chunks for i in range(len(c) - 1)}


def suggest_ref(document: dict[str, Any], text: str, hint: str | None = None) -> str:
    """What a comment is most likely about: an id it names, an indicator or task title it quotes, else by overlap.

    ``hint`` (the box the comment was written in) wins when the text names nothing more specific inside it.
    """
    targets = document.get("targets", [])
    tasks = document.get("tasks", [])
    known = {t["id"] for t in [*targets, *tasks]} | {a["id"] for a in document.get("actions", [])}
    for token in re.findall(r"(?<![A-Za-z0-9.])[AT]\d+(?:\.\d+)?(?![0-9.])", text):
        if token in known:
            return token
    quoted = [t for t in targets if t["indicator"] and t["indicator"] in text]
    if hint and hint not in (GENERAL, GOALS):
        inside = [t for t in quoted if t.get("task_id") == hint]
        return inside[0]["id"] if inside else hint
    if quoted:
        return max(quoted, key=lambda t: len(t["indicator"]))["id"]
    titled = [t for t in tasks if t["title"] and t["title"] in text]
    if titled:
        return max(titled, key=lambda t: len(t["title"]))["id"]
    if hint:
        return hint
    return _best_overlap(tasks, text) or GENERAL


def _best_overlap(tasks: Iterable[dict[str, Any]], text: str) -> str | None:
    grams = _grams(text)
    if not grams:
        return None
    best, score = None, 0.0
    for task in tasks:
        other = _grams(task["title"] + task["text"])
        if not other:
            continue
        overlap = len(grams & other) / len(grams)
        if overlap > score:
            best, score = task["id"], overlap
    return best if score >= 0.35 else None
