"""The upload preview shows where each target of a new version goes; the office's choice is what gets stored."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from builders import PlanBuilder
from tanfeng.services.status import compute_status

from .conftest import Fixture


def _preview(office: TestClient, builder: PlanBuilder) -> tuple[str, dict[str, str]]:
    page = office.post("/plans/preview", files={"file": ("v2.json", builder.plan().to_json().encode(), "x")})
    assert page.status_code == 200, page.text
    hidden = re.search(r'name="document" value="([^"]+)"', page.text)
    assert hidden is not None
    return page.text, {"document": html.unescape(hidden.group(1))}


def test_preview_proposes_and_the_office_confirms(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    office = client_for("office")
    old = fx.indicator["energy_intensity"]
    v2 = PlanBuilder(date="2024-02-01")
    v2.targets[0] = dict(v2.targets[0], indicator="单位地区生产总值能耗", code=None)
    text, form = _preview(office, v2)
    assert "建议：沿用「单位地区生产总值能源消耗」（相似度0.91）" in text
    assert "自动：沿用「森林覆盖率」" in text and 'name="map.T1"' in text
    saved = office.post("/plans/save", data=form | {"map.T1": str(old)})
    assert saved.status_code == 303
    row = next(r for r in compute_status(fx.db) if r.target == "T1")
    assert (row.indicator_id, row.indicator, row.version) == (old, "单位地区生产总值能耗", 2)


def test_preview_left_alone_never_merges(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    office = client_for("office")
    v2 = PlanBuilder(date="2024-02-01")
    v2.targets[0] = dict(v2.targets[0], indicator="单位地区生产总值能耗", code=None)
    _, form = _preview(office, v2)
    assert office.post("/plans/save", data=form).status_code == 303
    row = next(r for r in compute_status(fx.db) if r.target == "T1")
    assert row.indicator_id != fx.indicator["energy_intensity"] and row.version == 2


def test_json_api_previews_and_takes_the_mapping(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    office = client_for("office")
    old = fx.indicator["energy_intensity"]
    v2 = PlanBuilder(date="2024-02-01")
    v2.targets[0] = dict(v2.targets[0], indicator="单位地区生产总值能耗", code=None)
    body = v2.plan().model_dump(mode="json", exclude_none=True)
    dry = office.post("/api/v1/plans", params={"dry_run": "true"}, json=body)
    assert dry.status_code == 200, dry.text
    entry = next(m for m in dry.json()["mapping"] if m["targets"] == ["T1"])
    assert entry["indicator_id"] is None and entry["proposal"]["indicator_id"] == old
    assert next(r for r in compute_status(fx.db) if r.target == "T1").version == 1  # nothing stored
    bad = office.post("/api/v1/plans", params={"map": "T1:x"}, json=body)
    assert bad.status_code in (400, 422) and "TARGET=INDICATOR_ID" in bad.text
    done = office.post("/api/v1/plans", params={"map": f"T1={old}"}, json=body)
    assert done.status_code == 201, done.text
    entry = next(m for m in done.json()["mapping"] if m["targets"] == ["T1"])
    assert (entry["indicator_id"], entry["how"], entry["carried_from"]) == (old, "office", "单位地区生产总值能源消耗")
