"""Accounts, sessions, CSRF, rate limiting, settings and the audit trail; one flow on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from tanfeng.db.account_models import User
from tanfeng.db.session import Database
from tanfeng.services import audit
from tanfeng.services.review import list_observations
from tanfeng.services.status import compute_status
from tanfeng.web import WebSettings, create_app
from tanfeng.web.settings import SettingsError

from .conftest import OWN_UNIT, PASSWORD, Fixture, populate, settings


def _form_login(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token.group(1),
                                       "next": "/plan"}).status_code


def test_passwords_are_stored_as_argon2_hashes(fx: Fixture) -> None:
    with fx.db.transaction() as session:
        hashes = session.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_session_cookie_is_httponly_and_samesite(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": "office", "password": PASSWORD})
    cookies = [v.lower() for k, v in response.headers.multi_items() if k == "set-cookie"]
    assert len(cookies) == 1 and cookies[0].startswith("tanfeng_session=")
    assert "httponly" in cookies[0] and "samesite=lax" in cookies[0]


def test_login_form_needs_its_csrf_token(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    response = client.post("/login", data={"username": "office", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_login_is_rate_limited(app: FastAPI, fx: Fixture) -> None:
    client = TestClient(app, follow_redirects=False)
    codes = [_form_login(client, "office", "wrong-password") for _ in range(5)]
    assert codes == [401] * 5
    # the right password is refused while the limit holds, for the page and the API alike
    assert _form_login(client, "office", PASSWORD) == 429
    assert client.post("/api/v1/session", json={"username": "office", "password": PASSWORD}).status_code == 429
    failed = [e for e in audit.recent(fx.db) if e.action == "login_failed"]
    assert len(failed) == 5 and failed[0].detail["username"] == "office"


def test_password_reset_ends_open_sessions(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    viewer = client_for("viewer")
    assert viewer.get("/api/v1/me").status_code == 200
    admin = client_for("admin")
    assert admin.patch("/api/v1/users/5", json={"password": "another-password"}).status_code == 200
    assert viewer.get("/api/v1/me").status_code == 401
    deactivated = client_for("unit2")
    assert admin.patch("/api/v1/users/4", json={"active": False}).status_code == 200
    assert deactivated.get("/api/v1/me").status_code == 401


def test_production_refuses_placeholder_secrets() -> None:
    for key in ("", "changeme", "secret", "short-key"):
        with pytest.raises(SettingsError):
            WebSettings(mode="production", secret_key=key)
    assert WebSettings(mode="production", secret_key="k" * 40).mode == "production"
    assert WebSettings(mode="demo").mode == "demo"


def test_unknown_user_and_wrong_password_look_the_same(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    a = client.post("/api/v1/session", json={"username": "nobody", "password": PASSWORD})
    b = client.post("/api/v1/session", json={"username": "office", "password": "nope-nope"})
    assert a.status_code == b.status_code == 401 and a.json() == b.json()


def test_bad_values_are_rejected_whole_with_row_messages(fx: Fixture,
                                                         client_for: Callable[[str | None], TestClient]) -> None:
    response = client_for("unit").post("/api/v1/observations", json={"values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 80.1},
        {"indicator_id": fx.indicator["forest_coverage"], "period": "1999", "value": 80.1}]})
    assert response.status_code == 422
    assert "1999" in response.json()["detail"] and response.json()["errors"]
    assert list_observations(fx.db) == []


def test_review_flow_on_sqlite_and_postgresql(db_url: str) -> None:
    db = Database(db_url)
    try:
        fx = populate(db)
        app = create_app(settings(), db)
        unit, office = TestClient(app), TestClient(app)
        for client, name in ((unit, "unit"), (office, "office")):
            token = client.post("/api/v1/session", json={"username": name, "password": PASSWORD}).json()["csrf_token"]
            client.headers["X-CSRF-Token"] = token
        indicator = fx.indicator["forest_coverage"]
        created = unit.post("/api/v1/observations", json={"values": [
            {"indicator_id": indicator, "period": "2024", "value": 81.9}]})
        assert created.status_code == 201 and created.json()["created"] == 1
        pending = office.get("/api/v1/observations", params={"status": "submitted"}).json()
        assert [(p["reporter"], p["value"]) for p in pending] == [(OWN_UNIT, 81.9)]
        assert office.post(f"/api/v1/observations/{pending[0]['id']}/return", json={"reason": "请附统计口径"}
                           ).status_code == 200
        workspace = unit.get("/workspace")
        assert "请附统计口径" in workspace.text
        assert office.post(f"/api/v1/observations/{pending[0]['id']}/accept").status_code == 200
        row = next(r for r in compute_status(db) if r.indicator_id == indicator)
        assert (row.latest_value, row.latest_status) == (81.9, "accepted")
        history = office.get(f"/api/v1/indicators/{indicator}/history").json()
        assert [h["action"] for h in history] == ["create", "return", "accept"]
        actions = [e.action for e in audit.recent(db)]
        assert actions[:3] == ["review_accept", "review_return", "submit_values"]
        with pytest.raises(Exception, match=r"append-only|permission denied"), db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    finally:
        db.dispose()


def test_empty_upload_is_refused_with_a_message(client_for: Callable[[str | None], TestClient]) -> None:
    response = client_for("unit").post("/api/v1/uploads", files={"file": ("空.xlsx", b"", "application/octet-stream")})
    assert response.status_code == 422 and "空.xlsx" in response.json()["detail"]
