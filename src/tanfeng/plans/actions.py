"""Actions: the plan's named actions (碳达峰十大行动 …), from enumerating sentences and headings.

One grammar for an enumeration, in either order:

* list first: ``实施 A、B、C 等“碳达峰十大行动”`` / ``深入开展A、B…等碳达峰九大专项行动`` /
  ``A、B、C“十大行动”``;
* count first: ``重点实施“碳达峰十大行动”，包括A、B、C`` / ``…九大行动：A；B；C``.

The count word (十大, 九大 …), when the list is complete, must agree with the number of items;
a list whose items do not name actions (…行动 / …工程) is taken only when the count agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HAN_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15}
_Q_OPEN, _Q_CLOSE = "“‘「『\"", "”’」』\""
_COUNT = (rf"[{_Q_OPEN}]?(?:碳达峰(?:碳中和)?|绿色低碳|重点)?(?P<n>十[一二三四五]|[两二三四五六七八九十])大"
          rf"(?:专项|重点|攻坚)?(?P<kind>行动|工程|专项行动|攻坚行动)[{_Q_CLOSE}]?")
_LEAD_VERB = r"(?:重点|全面|深入|扎实|大力|着力|统筹|有序|组织|积极|切实)*(?:实施|开展|推进|推动|落实|打好|部署|启动)"
# list first: verb LIST 等 COUNT (the list is a run without a sentence end)
_LIST_FIRST = re.compile(rf"{_LEAD_VERB}(?P<list>[^。；！？\n]{{6,600}}?)等?\s*{_COUNT}")
# count first: COUNT ，包括/即/: LIST (to the end of the sentence)
_COUNT_FIRST = re.compile(rf"{_COUNT}\s*(?:[，,]?\s*(?:具体|主要)?(?:包括|即|分别是|分别为|涵盖)\s*[：:]?|[：:])"
                          rf"(?P<list>[^。！？\n]{{6,600}})")
_ACTION_NAME = re.compile(r"(?:行动|工程|行动计划)$")
_ITEM_VERB = re.compile(rf"^(?:{_LEAD_VERB}|组织实施|开展|实施|推进|深化|加快|打造|重点)+")


@dataclass(frozen=True)
class Enumeration:
    """Action names listed in one sentence, with the count word the sentence states (if any)."""

    names: list[str]
    count: int | None
    sentence: str

    @property
    def complete(self) -> bool:
        return self.count is not None and self.count == len(self.names)


def _items(run: str) -> list[str]:
    run = re.sub(rf"[{_Q_CLOSE}]\s*[{_Q_OPEN}]", "、", run)  # “A”“B”“C”: quoted items side by side
    parts = re.split(r"[、，；;]|以及|和(?=[^、，；]{4,}(?:行动|工程))", run)
    out: list[str] = []
    for part in parts:
        part = part.strip(" ：:" + _Q_OPEN + _Q_CLOSE)
        part = re.sub(r"^(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]\s*)", "", part)
        part = re.sub(r"^(?:其中|包括|即|是|等)", "", part)
        part = _ITEM_VERB.sub("", part).strip()
        part = re.sub(r"等$", "", part).strip(_Q_OPEN + _Q_CLOSE)
        if part:
            out.append(part)
    return out


def _accept(items: list[str], count: int | None, kind: str) -> list[str] | None:
    named = [i for i in items if _ACTION_NAME.search(i) and 4 <= len(i) <= 24]
    if count is not None and len(items) == count and all(2 <= len(i) <= 24 for i in items):
        # the count vouches for the list; items share its head noun: A、B等十大行动 = A行动、B行动
        head = "工程" if kind.endswith("工程") else "行动"
        return [i if _ACTION_NAME.search(i) else i + head for i in items]
    if len(named) >= 2 and len(named) >= len(items) - 1:
        return named
    return None


_COUNT_WORD = re.compile(r"[两二三四五六七八九十]大(?:专项|重点|攻坚)?(?:行动|工程)")


def _count_sentences(body: str) -> list[str]:
    """The sentences that hold a count word (十大行动 …): the only ones an enumeration can be in."""
    out: list[str] = []
    end = 0
    for m in _COUNT_WORD.finditer(body):
        if m.start() < end:
            continue
        start = max(body.rfind(ch, 0, m.start()) for ch in "。！？\n") + 1
        ends = [i for i in (body.find(ch, m.end()) for ch in "。！？\n") if i >= 0]
        end = min(ends) + 1 if ends else len(body)
        out.append(body[start:end])
    return out


def enumerations(body: str) -> list[Enumeration]:
    """Every action enumeration in the text, in order."""
    out: list[Enumeration] = []
    for sentence in _count_sentences(body):
        for m in _COUNT_FIRST.finditer(sentence):
            count = _HAN_COUNT.get(m.group("n"))
            run = m.group("list")
            items = _items(run)
            if count is not None and len(items) > count:
                items = items[:count]  # the list ran on into the next clause
            names = _accept(items, count, m.group("kind"))
            if names:
                out.append(Enumeration(names, count, sentence.strip()))
        for m in _LIST_FIRST.finditer(sentence):
            count = _HAN_COUNT.get(m.group("n"))
            items = _items(m.group("list"))
            if count is not None and len(items) > count:
                items = items[-count:]  # the verb came earlier: keep the items nearest the count
            names = _accept(items, count, m.group("kind"))
            if names:
                out.append(Enumeration(names, count, sentence.strip()))
    return out


def enumerated_actions(body: str) -> list[str]:
    """Action names from the enumerations, the complete (count-agreeing) ones first."""
    found = enumerations(body)
    found.sort(key=lambda e: not e.complete)
    names: list[str] = []
    for e in found:
        for n in e.names:
            if n not in names:
                names.append(n)
    return names


def action_name(title: str) -> str:
    """A heading's title as an action name: 实施能源绿色低碳转型行动 → 能源绿色低碳转型行动."""
    stripped = _ITEM_VERB.sub("", title).strip()
    return stripped if _ACTION_NAME.search(stripped) and len(stripped) >= 4 else title
