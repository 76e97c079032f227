"""Inputs of the consultation tests: the reference draft, and a final version written from it by hand-made edits."""

from __future__ import annotations

from tanfeng.plans import example_plan_path, read_bytes
from tanfeng.plans.model import Plan

RAISED_FROM, RAISED_TO = "力争达到50万千瓦以上", "力争达到60万千瓦以上"  # the target a comment asks to raise


def draft_text() -> str:
    return example_plan_path().read_text(encoding="utf-8")


def final_text(draft: str) -> str:
    """The draft as its final would read: the consultation notice cut off, the draft mark dropped, one target raised."""
    lines = draft.splitlines()
    mark = next(i for i, line in enumerate(lines) if line.strip() == "（征求意见稿）")
    body = "\n".join([lines[mark - 1].strip(), *lines[mark + 1:]])
    assert RAISED_FROM in body
    return body.replace(RAISED_FROM, RAISED_TO)


def final_plan() -> Plan:
    return read_bytes(final_text(draft_text()).encode("utf-8"), "final.txt")
