"""No dead ends: error pages in the normal layout naming the user's own file, JSON stays JSON for the API."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook

from tanfeng.db.session import Database
from tanfeng.web import create_app

from .conftest import Fixture, login, populate, settings

USER_FILE = "上犹县2024年填报.xlsx"


@pytest.fixture
def web(db_url: str) -> Iterator[tuple[FastAPI, Fixture]]:
    db = Database(db_url)
    fx = populate(db)
    try:
        yield create_app(settings(), db), fx
    finally:
        db.dispose()


def _workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _menu(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [a["href"] for a in soup.select("header.top nav a")]


def test_unknown_page_is_a_page_in_the_layout_with_the_users_menu(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    office = login(app, "office")
    response = office.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one(".error-page h1").get_text() == "找不到页面"
    assert "/review" in _menu(response.text) and "/audit" in _menu(response.text)  # the office's own menu
    assert "office" in soup.select_one("header .user").get_text()
    assert soup.select_one("a.lang")  # the language switch
    office.get("/lang/en?next=/")
    english = BeautifulSoup(office.get("/no/such/page").text, "html.parser")
    assert english.select_one(".error-page h1").get_text() == "Page not found"
    assert "找" not in english.select_one(".error-page").get_text()


def test_unknown_page_when_logged_out_offers_the_login(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    response = TestClient(app).get("/nothing-here")
    assert response.status_code == 404
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one(".error-page a[href='/login']") and not _menu(response.text)


def test_api_errors_stay_json(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    office = login(app, "office")
    for path in ("/api/v1/no-such-thing", "/api/v1/indicators/999999/series"):
        response = office.get(path)
        assert response.status_code in (403, 404, 422), path
        assert response.headers["content-type"] == "application/json", path
        assert "detail" in response.json()
    wrong_method = office.delete("/api/v1/status")
    assert wrong_method.status_code == 405 and wrong_method.json()["detail"]


def test_a_wrong_method_on_a_page_is_a_page(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    response = login(app, "unit").post("/plan")
    assert response.status_code == 405 and "text/html" in response.headers["content-type"]
    assert BeautifulSoup(response.text, "html.parser").select_one(".error-page h1").get_text() == "请求方式不对"


def test_a_forbidden_page_keeps_the_units_menu(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    response = login(app, "unit").get("/audit")
    assert response.status_code == 403
    menu = _menu(response.text)
    assert "/workspace" in menu and "/audit" not in menu


def test_an_unexpected_error_is_a_page_in_the_layout(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web

    @app.get("/boom-for-test")
    def _boom() -> None:
        raise RuntimeError("secret internals /srv/tanfeng")

    client = login(app, "office")
    client = TestClient(app, raise_server_exceptions=False, cookies=client.cookies)
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "/review" in _menu(response.text)
    assert response.headers["x-frame-options"] == "DENY"


BAD_FILES = {"not-a-zip": b"this is not a workbook", "no-sheets": _workbook([]),
             "wrong-columns": _workbook([["甲", "乙"], [1, 2]])}
UPLOADS = ["/workspace/upload", "/api/v1/uploads", "/inventory", "/plans/preview", "/api/v1/plans/preview",
           "/quotas/{region}/upload"]


@pytest.mark.parametrize("route", UPLOADS)
def test_upload_errors_name_the_users_file_never_the_temporary_path(
        web: tuple[FastAPI, Fixture], route: str) -> None:
    app, _fx = web
    office = login(app, "office")
    region = office.get("/api/v1/regions").json()[0]["id"]
    temp = tempfile.gettempdir()
    for kind, data in BAD_FILES.items():
        response = office.post(route.format(region=region), files={"file": (USER_FILE, data)}, data={"doc": "文号"})
        assert response.status_code == 422, (route, kind, response.status_code, response.text[:300])
        text = response.text if route.startswith("/api/") else BeautifulSoup(response.text, "html.parser").get_text()
        assert USER_FILE in text, (route, kind, text[:400])
        assert temp not in text and "upload-" not in text, (route, kind, text[:400])
        if not route.startswith("/api/"):
            assert "/workspace" in _menu(response.text)


def test_a_unit_upload_error_names_the_file_on_a_page_with_the_units_menu(web: tuple[FastAPI, Fixture]) -> None:
    app, _fx = web
    unit = login(app, "unit")
    response = unit.post("/workspace/upload", files={"file": ("C:\\fakepath\\" + USER_FILE, b"garbage")})
    assert response.status_code == 422
    assert USER_FILE in response.text and "fakepath" not in response.text
    assert tempfile.gettempdir() not in response.text
    assert "/workspace" in _menu(response.text) and "/review" not in _menu(response.text)


