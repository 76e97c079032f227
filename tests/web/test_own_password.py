"""Changing one's own password: the current password first, the reset rules, other sessions end, audited
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanfeng.db.session import Database
from tanfeng.services import audit
from tanfeng.services.accounts import MIN_PASSWORD
from tanfeng.web import create_app

from .conftest import PASSWORD, Fixture, login, populate, settings

NEW = "a-new-and-long-password"


@pytest.fixture
def web(db_url: str) -> Iterator[tuple[FastAPI, Fixture]]:
    db = Database(db_url)
    fx = populate(db)
    try:
        yield create_app(settings(), db), fx
    finally:
        db.dispose()


def _form_login(app: FastAPI, username: str, password: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    page = BeautifulSoup(client.get("/login").text, "html.parser")
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text[:300]
    return client


def _csrf(client: TestClient) -> str:
    return str(BeautifulSoup(client.get("/account").text, "html.parser").select_one("input[name=csrf_token]")["value"])


def test_a_unit_changes_its_password_in_the_form_and_other_sessions_end(web: tuple[FastAPI, Fixture]) -> None:
    app, fx = web
    here, elsewhere = _form_login(app, "unit", PASSWORD), _form_login(app, "unit", PASSWORD)
    page = here.get("/account")
    assert page.status_code == 200 and "修改密码" in page.text and "unit" in page.text
    response = here.post("/account/password", data={"csrf_token": _csrf(here), "current_password": PASSWORD,
                                                    "new_password": NEW, "repeat_password": NEW})
    assert response.status_code == 303 and response.headers["location"] == "/account"
    assert "密码已修改" in here.get("/account").text  # the flash; this session is still logged in
    assert here.get("/workspace").status_code == 200
    assert elsewhere.get("/workspace").status_code == 303  # the other session was logged out
    assert TestClient(app).post("/api/v1/session", json={"username": "unit", "password": PASSWORD}).status_code == 401
    assert TestClient(app).post("/api/v1/session", json={"username": "unit", "password": NEW}).status_code == 200
    entry = next(e for e in audit.recent(fx.db, limit=10) if e.action == "change_own_password")
    assert entry.username == "unit" and entry.detail == {"other_sessions_ended": 1}
    assert "password" not in str(entry.detail).replace("other_sessions_ended", "")  # no password in the log


@pytest.mark.parametrize(("current", "new", "repeat", "says"), [
    ("wrong-password-0", NEW, NEW, "当前密码不正确"),
    (PASSWORD, "short", "short", f"密码至少{MIN_PASSWORD}位"),
    (PASSWORD, NEW, NEW + "x", "两次输入的新密码不一致"),
    (PASSWORD, PASSWORD, PASSWORD, "不能与当前密码相同"),
])
def test_a_refused_change_says_why_and_changes_nothing(web: tuple[FastAPI, Fixture], current: str, new: str,
                                                       repeat: str, says: str) -> None:
    app, fx = web
    other = login(app, "office")
    client = _form_login(app, "office", PASSWORD)
    response = client.post("/account/password", data={"csrf_token": _csrf(client), "current_password": current,
                                                      "new_password": new, "repeat_password": repeat})
    assert response.status_code == 422 and says in response.text
    assert "/review" in response.text  # the error page keeps the office's menu
    assert other.get("/api/v1/me").status_code == 200  # nothing ended
    assert TestClient(app).post("/api/v1/session", json={"username": "office", "password": PASSWORD}).status_code == 200
    assert not any(e.action == "change_own_password" for e in audit.recent(fx.db, limit=20))


def test_the_api_changes_the_password_and_needs_csrf(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    viewer = login(app, "viewer")
    body = {"current_password": PASSWORD, "new_password": NEW}
    no_csrf = TestClient(app, cookies=viewer.cookies)
    assert no_csrf.post("/api/v1/me/password", json=body).status_code == 403
    response = viewer.post("/api/v1/me/password", json=body)
    assert response.status_code == 200 and response.json() == {"other_sessions_ended": 0}
    assert viewer.get("/api/v1/me").status_code == 200
    wrong = viewer.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW + "1"})
    assert wrong.status_code == 422 and wrong.json()["detail"].startswith("当前密码不正确")


def test_guessing_the_current_password_is_throttled(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    client = login(app, "unit2")
    codes = [client.post("/api/v1/me/password", json={"current_password": f"guess-{i:04d}", "new_password": NEW})
             .status_code for i in range(12)]
    assert codes[0] == 422 and 429 in codes, codes
    assert codes.index(429) <= 10 and set(codes[codes.index(429):]) == {429}, codes
