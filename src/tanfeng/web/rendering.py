"""Jinja2 rendering with the context every page needs (user, language, CSRF token, demo banner, messages)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from tanfeng.formatting import format_number, format_quantity, format_target, format_time, local_time
from tanfeng.web.deps import record
from tanfeng.web.export import EXPORT_PARAM, XLSX, download_headers, tables_workbook, wants_export
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
from tanfeng.web.menu import menu_for
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


_EXPORT_LINK = re.compile(r'<p class="page-tools">.*?</p>', re.S)
_INCLUDE = re.compile(r"""{%-?\s*include\s+["']([^"']+)["']""")
# The file name of an export: the menu word of the page's first path segment.
_PAGE_WORDS = {"overview": "overview", "plan": "plan", "matrix": "matrix", "review": "review", "audit": "audit",
               "rollup": "rollup", "alignment": "alignment", "admin": "admin", "reminders": "reminders",
               "library": "library", "setup": "setup", "quotas": "quotas", "workspace": "workspace",
               "targets": "indicator_page", "consultation": "consultation", "inventory": "inventory"}


def export_url(request: Request) -> str:
    """This page's address with ``export=xlsx`` (its filters kept)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != EXPORT_PARAM]
    return f"{request.url.path}?{urlencode([*query, (EXPORT_PARAM, 'xlsx')])}"


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
        self._tables: dict[str, bool] = {}

    def language(self, request: Request) -> str:
        lang = request.session.get("lang") or self.settings.default_language
        return "en" if lang == "en" else "zh"

    def flash(self, request: Request, message: str, kind: str = "ok") -> None:
        request.session.setdefault("flash", []).append([kind, message])

    def has_table(self, name: str) -> bool:
        """The template (or one it includes) shows a table: its page offers 导出Excel."""
        if name not in self._tables:
            source = self.templates.env.loader.get_source(self.templates.env, name)[0]  # type: ignore[union-attr]
            self._tables[name] = "<table" in source or any(self.has_table(inc) for inc in _INCLUDE.findall(source))
        return self._tables[name]

    def page(self, request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
        exportable = status_code == 200 and self.has_table(name)
        if exportable and wants_export(request.query_params):
            return self._export(request, name, context)
        html = self.html(request, name, context, export_url(request) if exportable else None)
        return HTMLResponse(html, status_code=status_code)

    def _export(self, request: Request, name: str, context: dict[str, Any]) -> Response:
        """The page's tables as xlsx (web.export): rendered as the page is, so the same rows and words."""
        lang = self.language(request)
        html = self.html(request, name, dict(context), None, keep_messages=True)
        notes = [word("demo", lang)] if request.app.state.demo else []
        notes.append(word("exported_at", lang).format(time=format_time(datetime.now(UTC))))
        data = tables_workbook(html, notes=notes, cut_note=word("export_cut", lang))
        user = context.get("user") or getattr(request.state, "user", None)
        if user is not None:
            record(request, user, "export_table", None, None, page=request.url.path,
                   query=str(request.url.query).replace(f"{EXPORT_PARAM}=xlsx", "").strip("&"))
        slug = request.url.path.strip("/").replace("/", "-") or "overview"
        stamp = local_time(datetime.now(UTC)).strftime("%Y%m%d")
        title = word(_PAGE_WORDS.get(slug.split("-")[0], "app"), lang)
        return Response(data, media_type=XLSX, headers=download_headers(f"{title}-{stamp}", f"tanfeng-{slug}-{stamp}"))

    def html(self, request: Request, name: str, context: dict[str, Any], export: str | None = None,
             keep_messages: bool = False) -> str:
        """The page's HTML; ``export``: the 导出Excel link, kept only if the page shows a table."""
        html = self.templates.get_template(name).render(self.context(request, context, export=export,
                                                                     keep_messages=keep_messages))
        if export is not None and "<table" not in html.partition("<main>")[2]:
            html = _EXPORT_LINK.sub("", html, count=1)  # conditional tables: nothing shown, nothing to export
        return html

    def context(self, request: Request, context: dict[str, Any], *, csrf: bool = True, export: str | None = None,
                keep_messages: bool = False) -> dict[str, Any]:
        """Every page's context; ``csrf=False`` for a page rendered for anyone (no session token is made)."""
        lang = self.language(request)
        user = context.pop("user", None) or getattr(request.state, "user", None)
        messages = list(request.session.get("flash", [])) if keep_messages else request.session.pop("flash", [])
        base = {
            "request": request, "user": user, "csrf_field": CSRF_FIELD,
            "csrf": csrf_token(request.session) if csrf else "",
            "messages": messages, "plan_q": "", "plans": [], "chosen": None, "plan_options": Markup, "export_url": export,
            "menu": lambda account: menu_for(account.role, account.enterprise_id, request.url.path, lang),
        }
        return language_context(lang, request.app.state.demo) | base | context

    def fragment(self, name: str, lang: str, demo: bool, context: dict[str, Any]) -> Markup:
        """A part of a page that depends only on its data and the language (no request, user or session)."""
        return Markup(self.templates.get_template(name).render(language_context(lang, demo) | context))


def language_context(lang: str, demo: bool) -> dict[str, Any]:
    """The words and formatters of a page in ``lang``."""
    return {
        "lang": lang, "demo": demo,
        "t": lambda key: word(key, lang), "tr": lambda zh, en: en if lang == "en" else zh,
        "status_word": lambda s: status_word(s, lang),
        "level_word": lambda lv: level_word(lv, lang), "version_word": lambda n: version_word(n, lang),
        "action_word": lambda a: action_word(a, lang), "entity_word": lambda e: entity_word(e, lang),
        "detail_words": lambda d: detail_words(d, lang), "chart_labels": chart_labels(lang),
        "chart_title": lambda c: chart_title(c, lang), "chart_axis": lambda c: chart_axis(c, lang),
        "chart_missing": lambda c: chart_missing(c, lang),
        "goal": lambda value, stretch, unit, reading="level": goal_text(value, stretch, unit, reading, lang),
    }
