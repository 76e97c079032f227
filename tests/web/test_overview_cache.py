"""The overview's targets and charts are rendered once per data stamp and language, and follow every write."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from tanfeng.services.collection import submit_values
from tanfeng.web import page_cache
from tanfeng.web.rendering import Renderer

from .conftest import Fixture, login


def _row(page: str, indicator_id: int) -> str:
    found = re.search(rf'<tr data-indicator="{indicator_id}".*?</tr>', page, re.S)
    assert found is not None
    return found.group(0)


def test_overview_body_is_rendered_once_per_data_and_language(app: FastAPI, fx: Fixture,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[tuple[str, str]] = []
    original = Renderer.fragment

    def counted(self: Renderer, name: str, lang: str, demo: bool, context: dict[str, object]) -> object:
        renders.append((name, lang))
        return original(self, name, lang, demo, context)

    monkeypatch.setattr(Renderer, "fragment", counted)
    office, viewer, unit = login(app, "office"), login(app, "viewer"), login(app, "unit")
    forest = fx.indicator["forest_coverage"]
    first, again, leader = office.get("/").text, office.get("/").text, viewer.get("/").text
    assert renders == [("_overview_body.html", "zh")]  # the office twice and a leader: one render
    assert _row(first, forest) == _row(again, forest) == _row(leader, forest)
    assert ("生成年度评估报告" in first) and 'class="activity"' in first and 'class="activity"' not in leader  # the per-user parts are still per user
    office.get("/lang/en?next=/")
    english = office.get("/").text
    assert renders[-1] == ("_overview_body.html", "en") and "Headline targets" in english and "主要目标" not in english and "森林覆盖率" in english
    assert unit.post("/api/v1/observations", json={"values": [
        {"indicator_id": forest, "period": "2024", "value": 81.7, "source": "林业局年报"}]}).status_code == 201
    after = office.get("/").text  # the write cleared the cache: the new value shows at once
    assert "81.7" in _row(after, forest) and "81.7" not in _row(english, forest)
    assert len(renders) == 3
    monkeypatch.setattr(page_cache, "CHECK_INTERVAL", 0.0)  # another process's write shows at the next check
    submit_values(fx.db, [{"indicator_id": forest, "period": "2025", "value": 82.3, "source": "林业局年报"}],
                  reporter="县林业局", actor="cli")
    assert "82.3" in _row(office.get("/").text, forest) and len(renders) == 4
