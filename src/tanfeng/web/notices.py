"""The reminder notices (催报提醒) on a unit's page: what it owes now and the latest reminders it was sent."""

from __future__ import annotations

from datetime import date
from typing import Any

from tanfeng.db.session import Database
from tanfeng.formatting import local_time
from tanfeng.services.reminders import ITEM_PREFIXES, list_messages, now_utc, period_words, unit_notices
from tanfeng.web.i18n import word


def item_words(item: str, lang: str) -> str:
    """"指标数据：…" / "任务进展：…" with the prefix in the page's language (the name stays as written)."""
    for key, prefix in ITEM_PREFIXES.items():
        if item.startswith(prefix + "："):
            return f"{word(key, lang)}: {item[len(prefix) + 1:]}" if lang == "en" else item
    return item


def reminder_context(db: Database, unit_id: int | None, *, today: date | None = None) -> dict[str, Any]:
    """Template values for the notice box; empty without a unit."""
    if unit_id is None:
        return {"notices": [], "notice_messages": [], "notice_today": None, "period_words": period_words,
                "item_words": item_words}
    today = today or local_time(now_utc()).date()
    return {"notices": unit_notices(db, unit_id, today=today), "notice_messages": list_messages(db, unit_id=unit_id,
                                                                                              limit=5),
            "notice_today": today, "period_words": period_words, "item_words": item_words}
