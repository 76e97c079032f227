"""One language at a time: walking the main pages, Chinese mode shows no English interface word and English mode
no Chinese one (plan text and unit names stay as written); times are in Asia/Shanghai; numbers one format."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tanfeng.formatting import format_time
from tanfeng.services import audit
from tanfeng.web.i18n import detail_words, interface_words, message

from .conftest import OWN_UNIT, Fixture

# Names that are the same in both languages: the product, file formats, the language switch.
SAME_IN_BOTH = {"tanfeng", "Word", "Excel", "English", "中文", "GWP"}
USERNAMES = ("unit2", "admin", "office", "viewer", "unit")  # the fixture's accounts: data, not interface words
SEPARATORS = re.compile(r"[\s·，,：:、；;（）()\[\]/|—…→←]+")


def _visible_text(html: str) -> list[str]:
    """The text a person reads; content marked as another language (lang=…, e.g. a mail as sent) is left out."""
    soup = BeautifulSoup(html, "html.parser")
    page_lang = (soup.html.get("lang") if soup.html else "") or ""
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    for quoted in soup.select("body [lang]"):
        if str(quoted.get("lang"))[:2] != str(page_lang)[:2]:
            quoted.decompose()
    texts = [s.strip() for s in soup.find_all(string=True) if s.strip()]
    texts += [el.get(attr, "") for attr in ("placeholder", "aria-label", "title")
              for el in soup.find_all(attrs={attr: True})]
    return [t for t in texts if t]


def _pages(fx: Fixture) -> list[tuple[str, str]]:
    target = fx.indicator["forest_coverage"]
    return [("office", "/"), ("office", "/plan"), ("office", "/matrix"), ("office", "/review"),
            ("office", "/review?status=accepted"), ("office", "/reminders"), ("office", "/admin"),
            ("office", "/audit"), ("office", "/plans/upload"), ("office", "/inventory"),
            ("office", f"/targets/{target}"), ("office", f"/workspace?unit_id={fx.unit_ids[OWN_UNIT]}&period=2024"),
            ("office", "/targets/999999"), ("office", "/enterprises"), ("office", "/projects"),
            ("office", "/enterprises/import"), ("unit", "/workspace?period=2024"), ("unit", "/"), ("viewer", "/plan"),
            (None, "/login")]


def _activity(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    """Something in every table: a submitted and an accepted value, a reminder, audit entries."""
    unit = client_for("unit")
    assert unit.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OWN_UNIT], "values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 80.125}]}).status_code == 201
    office = client_for("office")
    observation = office.get("/api/v1/observations?status=submitted").json()[0]["id"]
    assert office.post(f"/api/v1/observations/{observation}/accept").status_code == 200
    assert office.post("/api/v1/reminders/run").status_code == 200


def _walk(fx: Fixture, client_for: Callable[[str | None], TestClient], lang: str) -> dict[str, list[str]]:
    clients: dict[str | None, TestClient] = {}
    out = {}
    for role, path in _pages(fx):
        if role not in clients:
            clients[role] = client_for(role)
            clients[role].get(f"/lang/{lang}?next=/")
        response = clients[role].get(path)
        assert response.status_code in (200, 403, 404, 422), (path, response.status_code, response.text[:300])
        out[f"{role} {path}"] = _visible_text(response.text)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_are_in_one_language(fx: Fixture, client_for: Callable[[str | None], TestClient], lang: str) -> None:
    _activity(fx, client_for)
    other = interface_words("en" if lang == "zh" else "zh") - SAME_IN_BOTH - interface_words(lang)
    problems = []
    for page, texts in _walk(fx, client_for, lang).items():
        for text in texts:
            for name in USERNAMES:
                text = re.sub(rf"(?<![A-Za-z]){name}(?![A-Za-z0-9])", "", text)
            if lang == "zh":
                # an English interface word or phrase, as a whole word, anywhere in the Chinese page
                hits = [w for w in other if len(w) > 2 and re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text)]
                assert " / " not in text or not re.search(r"[\u4e00-\u9fff]", text), f"{page}: bilingual {text!r}"
            else:
                # a Chinese interface label (a whole piece between separators); data such as unit names passes
                hits = [piece for piece in SEPARATORS.split(text) if piece in other]
            problems += [f"{page}: {h!r} in {text[:60]!r}" for h in hits]
    assert not problems, "\n".join(problems[:20])


def test_english_mode_is_english_chinese_mode_is_chinese(fx: Fixture,
                                                          client_for: Callable[[str | None], TestClient]) -> None:
    _activity(fx, client_for)
    zh, en = _walk(fx, client_for, "zh"), _walk(fx, client_for, "en")
    assert "审核" in zh["office /"] and "Review" in en["office /"]
    assert any("催报提醒" in t for t in zh["unit /workspace?period=2024"])
    assert any(t == "Reminders" for t in en["unit /workspace?period=2024"])
    audit_zh = " ".join(zh["office /audit"])
    assert "登录" in audit_zh and "采纳" in audit_zh and "{}" not in audit_zh  # actions and details in words
    assert "accepted" in " ".join(en["office /audit"])
    history = " ".join(zh[f"office /targets/{fx.indicator['forest_coverage']}"])
    assert "新填报" in history and "采纳" in history and "create" not in history
    assert "80.13" in history  # 四舍五入 through the one formatter (not 80.12)


def test_times_are_shown_in_shanghai(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    office = client_for("office")  # the login is the newest audit entry
    entry = audit.recent(fx.db, limit=1)[0]
    shown = format_time(entry.at)
    assert shown == format_time(entry.at.astimezone(UTC).replace(tzinfo=None))
    local = entry.at.astimezone(UTC).replace(tzinfo=UTC)
    assert (datetime.strptime(shown, "%Y-%m-%d %H:%M").replace(tzinfo=UTC) - local).total_seconds() // 3600 in (7, 8)
    assert shown in office.get("/audit").text


def test_message_and_detail_words() -> None:
    assert message("已采纳3项 / 3 accepted", "zh") == "已采纳3项" and message("已采纳3项 / 3 accepted", "en") == "3 accepted"
    assert message("a / b", "zh") == "a / b"  # not a Chinese/English pair
    assert detail_words({}, "zh") == "—" and detail_words({"username": "li", "active": True}, "zh") == "用户名：li；启用：是"
