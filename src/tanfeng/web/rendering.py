"""Jinja2 rendering with the context every page needs (user, language, CSRF token, demo banner, messages)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from tanfeng.formatting import format_number, format_target, format_time, local_time
from tanfeng.web.i18n import (
    STATUS_WORDS,
    action_word,
    detail_words,
    entity_word,
    level_word,
    message,
    status_word,
    version_word,
    word,
)
from tanfeng.web.security import CSRF_FIELD, csrf_token
from tanfeng.web.settings import WebSettings


def _local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) moment in the office's zone (tanfeng.formatting; TANFENG_TIMEZONE, default Asia/Shanghai)."""
    return "" if value is None else local_time(value).strftime(fmt)


def _json(value: Any) -> Markup:
    # Safe inside <script type="application/json">: '<' cannot close the tag.
    return Markup(json.dumps(value, ensure_ascii=False, default=str).replace("<", "\\u003c"))


@pass_context
def _message(context: Any, text: object) -> str:
    """A stored "中文 / English" message in the page's language."""
    return message(str(text), context.get("lang", "zh"))


def chart_labels(lang: str) -> dict[str, Any]:
    """Legend and hover words of the web charts, in the page's language."""
    return {"expected": word("chart_expected", lang), "observed": word("chart_observed", lang),
            "target": word("chart_target", lang), "stretch": word("chart_stretch", lang),
            "status": {s: status_word(s, lang) for s in STATUS_WORDS}}


def chart_title(chart: dict[str, Any], lang: str) -> str:
    """A chart's title: a cumulative rate titled as the reduction (or increase) it is, else name（unit）."""
    reading = chart.get("reading", "level")
    if reading in ("decrease", "increase") and chart.get("base_year"):
        key = "chart_reduction" if reading == "decrease" else "chart_increase"
        return word(key, lang).format(title=chart["title"], year=chart["base_year"])
    unit = chart.get("unit") or ""
    if not unit:
        return str(chart["title"])
    return f"{chart['title']} ({unit})" if lang == "en" else f"{chart['title']}（{unit}）"


def chart_axis(chart: dict[str, Any], lang: str) -> str:
    """The y-axis title: 累计下降（%） for a reduction rate, the unit otherwise."""
    reading = chart.get("reading", "level")
    if reading in ("decrease", "increase"):
        return word("axis_reduction" if reading == "decrease" else "axis_increase", lang)
    return str(chart.get("unit") or "")


def chart_missing(chart: dict[str, Any], lang: str) -> str:
    """What the chart lacks, in words (尚无填报数据，缺少2020年基期值); empty when nothing is lacking."""
    words = [word(key, lang).format(year=chart.get("base_year") or "") for key in chart.get("missing", [])]
    return ("、" if lang != "en" else ", ").join(words)


def goal_text(value: float | None, stretch: float | None, unit: str | None, reading: str, lang: str) -> str:
    """A target as it reads: 下降13%（力争13.5%） / down 13 % (stretch 13.5 %); 50万千瓦（力争55万千瓦）."""
    return format_target(value, stretch, unit, change=reading, lang=lang)


class Renderer:
    def __init__(self, directory: Path, settings: WebSettings) -> None:
        self.templates = Jinja2Templates(directory=str(directory))
        self.templates.env.filters["num"] = format_number
        self.templates.env.filters["time"] = format_time
        self.templates.env.filters["msg"] = _message
        self.templates.env.filters["tojson_safe"] = _json
        self.templates.env.filters["local"] = _local
        self.settings = settings

    def language(self, request: Request) -> str:
        lang = request.session.get("lang") or self.settings.default_language
        return "en" if lang == "en" else "zh"

    def flash(self, request: Request, message: str, kind: str = "ok") -> None:
        request.session.setdefault("flash", []).append([kind, message])

    def page(self, request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
        lang = self.language(request)
        token = csrf_token(request.session)
        user = context.pop("user", None) or getattr(request.state, "user", None)
        messages = request.session.pop("flash", [])
        base = {
            "request": request, "user": user, "lang": lang, "csrf_field": CSRF_FIELD, "csrf": token,
            "demo": request.app.state.demo, "messages": messages, "plan_q": "", "plans": [], "chosen": None,
            "t": lambda key: word(key, lang), "tr": lambda zh, en: en if lang == "en" else zh, "status_word": lambda s: status_word(s, lang),
            "level_word": lambda lv: level_word(lv, lang), "version_word": lambda n: version_word(n, lang),
            "action_word": lambda a: action_word(a, lang), "entity_word": lambda e: entity_word(e, lang),
            "detail_words": lambda d: detail_words(d, lang), "chart_labels": chart_labels(lang),
            "chart_title": lambda c: chart_title(c, lang), "chart_axis": lambda c: chart_axis(c, lang),
            "chart_missing": lambda c: chart_missing(c, lang),
            "goal": lambda value, stretch, unit, reading="level": goal_text(value, stretch, unit, reading, lang),
        }
        return self.templates.TemplateResponse(request, name, base | context, status_code=status_code)
