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

from tanfeng.formatting import format_number, format_quantity, format_time, local_time
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


def filesize(size: int | None) -> str:
    """A file's size as people read it (KB below 1 MB, else MB), through the one number formatter."""
    if size is None:
        return "—"
    if size < 1024 * 1024:
        return f"{format_number(max(size / 1024, 0.1), 1)} KB"
    return f"{format_number(size / 1024 / 1024, 1)} MB"


def chart_labels(lang: str) -> dict[str, Any]:
    """Legend and hover words of the web charts, in the page's language."""
    return {"expected": word("chart_expected", lang), "observed": word("chart_observed", lang),
            "target": word("chart_target", lang), "status": {s: status_word(s, lang) for s in STATUS_WORDS}}


class Renderer:
    def __init__(self, directory: Path, settings: WebSettings) -> None:
        self.templates = Jinja2Templates(directory=str(directory))
        # Templates ship inside the package: checking their files' times on every render (a stat per template and
        # include) is only worth it while developing them.
        self.templates.env.auto_reload = settings.mode == "development"
        self.templates.env.filters["num"] = format_number
        self.templates.env.filters["qty"] = format_quantity
        # a number inside an <input>: no separators, every digit the value has
        self.templates.env.filters["plain"] = lambda v: format_number(v, 10, thousands=False)
        self.templates.env.filters["time"] = format_time
        self.templates.env.filters["msg"] = _message
        self.templates.env.filters["tojson_safe"] = _json
        self.templates.env.filters["local"] = _local
        self.templates.env.filters["filesize"] = filesize
        self.templates.env.filters["qty"] = format_quantity
        self.settings = settings

    def language(self, request: Request) -> str:
        lang = request.session.get("lang") or self.settings.default_language
        return "en" if lang == "en" else "zh"

    def flash(self, request: Request, message: str, kind: str = "ok") -> None:
        request.session.setdefault("flash", []).append([kind, message])

    def context(self, request: Request, context: dict[str, Any], *, csrf: bool = True) -> dict[str, Any]:
        """Every page's context; ``csrf=False`` for a page rendered for anyone (no session token is made)."""
        lang = self.language(request)
        user = context.pop("user", None) or getattr(request.state, "user", None)
        messages = request.session.pop("flash", [])
        base = {
            "request": request, "user": user, "lang": lang, "csrf_field": CSRF_FIELD,
            "csrf": csrf_token(request.session) if csrf else "",
            "demo": request.app.state.demo, "messages": messages, "plan_q": "", "plans": [], "chosen": None,
            "t": lambda key: word(key, lang), "tr": lambda zh, en: en if lang == "en" else zh, "status_word": lambda s: status_word(s, lang),
            "level_word": lambda lv: level_word(lv, lang), "version_word": lambda n: version_word(n, lang),
            "action_word": lambda a: action_word(a, lang), "entity_word": lambda e: entity_word(e, lang),
            "detail_words": lambda d: detail_words(d, lang), "chart_labels": chart_labels(lang),
        }
        return base | context

    def page(self, request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, self.context(request, context), status_code=status_code)
