"""The permission matrix across regions: every write endpoint × role × own / other county (SQLite and PostgreSQL).

Two counties of 赣州市 (上犹县 = A, 崇义县 = B) and the city's plan. A county office writes only its
county; the city office reads its counties and writes none of their data except the quotas it assigns;
unit accounts write only their own unit; viewers write nothing but download reports of what they read.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from io import BytesIO

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.services import audit
from tanfeng.services.collection import submit_values
from tanfeng.services.review import list_observations
from tanfeng.web import create_app

from .conftest import settings
from .multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD, Regions, county_plan, populate_regions

ACCOUNTS = ("office", "city", "countya", "countyb", "unita", "unitb", "viewer", "viewera")
Call = Callable[[TestClient, Regions, str], httpx.Response]


def _values(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post("/api/v1/observations", json={"unit_id": rg.unit[(region, "县发改委")], "values": [
        {"indicator_id": rg.indicator[(region, "renewable_capacity")], "period": "2024", "value": 31}]})


def _progress(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post("/api/v1/progress", json={"unit_id": rg.unit[(region, "县发改委")], "plan_id": rg.plan[region],
                                            "task": "A1.1", "period": "2024", "status": "按计划推进"})


def _upload(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标填报"
    ws.append(["指标ID", "填报期间", "本期值", "填报单位"])
    ws.append([rg.indicator[(region, "renewable_capacity")], "2024", 32, "县发改委"])
    meta = wb.create_sheet("_meta")
    meta.append(["region", region])
    meta.append(["unit", "县发改委"])
    buf = BytesIO()
    wb.save(buf)
    return c.post("/api/v1/uploads", files={"file": ("填报.xlsx", buf.getvalue(), "application/octet-stream")})


_VALUES = itertools.count(20)


def _submitted(rg: Regions, region: str) -> int:
    """A freshly submitted value of the county (a new number each time, so it is reviewable again)."""
    indicator = rg.indicator[(region, "renewable_capacity")]
    submit_values(rg.db, [{"indicator_id": indicator, "period": "2023", "value": next(_VALUES)}],
                  reporter="县发改委", region=region, actor="setup")
    return next(o.id for o in list_observations(rg.db) if o.indicator_id == indicator)


def _accept(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post(f"/api/v1/observations/{_submitted(rg, region)}/accept")


def _return(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post(f"/api/v1/observations/{_submitted(rg, region)}/return", json={"reason": "口径不对"})


def _quota(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.put(f"/api/v1/plans/{rg.plan[region]}/targets/T2/quota", json={"value": 18.5, "unit": "%"})


def _plan(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    builder = county_plan(region)
    builder.title = f"{region}节能减排实施方案（示例数据）"
    return c.post("/api/v1/plans", json=builder.document())


def _alias(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post("/api/v1/units/aliases", json={"region": region, "alias": "县林草局", "unit": "县林业局"})


def _rename(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post("/api/v1/units/rename", json={"region": region, "unit": "住建局", "new_name": "县住房和城乡建设局"})


def _account(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post("/api/v1/users", json={"username": f"new-{next(_VALUES)}", "password": "12345678x", "role": "unit",
                                         "unit_id": rg.unit[(region, "县林业局")]})


def _report(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post("/api/v1/reports/annual", json={"year": 2024, "format": "html", "plan_id": rg.plan[region]})


def _library_call(path: str, body: dict[str, object]) -> Call:
    def call(c: TestClient, rg: Regions, region: str) -> httpx.Response:
        return c.post(f"/api/v1/plans/{rg.plan[region]}/{path}", json=body)
    return call


def _indicator_call(path: str, body: dict[str, object]) -> Call:
    def call(c: TestClient, rg: Regions, region: str) -> httpx.Response:
        indicator = rg.indicator[(region, "renewable_capacity")]
        return c.post(f"/api/v1/plans/{rg.plan[region]}/{path}", json={"indicator_id": indicator, **body})
    return call


def _delete(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    # a wrong confirmation: allowed accounts get the 422 of the check after the permission, others 403
    return c.request("DELETE", f"/api/v1/plans/{rg.plan[region]}", json={"confirm": "不是标题"})


def _add_unit(c: TestClient, rg: Regions, region: str) -> httpx.Response:
    return c.post(f"/api/v1/plans/{rg.plan[region]}/units", json={"name": f"县{next(_VALUES)}局"})


def _expect(ok: int, *, office: bool = True, units: bool = False, city: bool = False,
            viewers: bool = False) -> dict[str, tuple[int, int]]:
    """(status for county A's data, status for county B's data) per account."""
    no = 403
    return {
        "office": (ok, ok) if office else (no, no),
        "city": (ok, ok) if city else (no, no),
        "countya": (ok, no) if office else (no, no),
        "countyb": (no, ok) if office else (no, no),
        "unita": (ok, no) if units else (no, no),
        "unitb": (no, ok) if units else (no, no),
        "viewer": (ok, ok) if viewers else (no, no),
        "viewera": (ok, no) if viewers else (no, no),
    }


CASES: dict[str, tuple[Call, dict[str, tuple[int, int]]]] = {
    "values": (_values, _expect(201, units=True)),
    "progress": (_progress, _expect(201, units=True)),
    "upload": (_upload, _expect(201, units=True)),
    "accept": (_accept, _expect(200)),
    "return": (_return, _expect(200)),
    "quota": (_quota, _expect(200, city=True)),  # the city assigns its counties' quotas
    "plan store": (_plan, _expect(201)),
    "alias unit": (_alias, _expect(201)),
    "rename unit": (_rename, _expect(200)),
    "create unit account": (_account, _expect(201)),
    "annual report": (_report, _expect(200, city=True, viewers=True)),
    "set current version": (_library_call("current", {"version": 1}), _expect(200)),
    "archive plan": (_library_call("archive", {"archived": False}), _expect(200)),
    "delete plan": (_delete, _expect(422)),
    "base-year value": (_indicator_call("baseline", {"year": 2020, "value": 20}), _expect(200)),
    "indicator units": (_indicator_call("assign", {"lead": "县发改委"}), _expect(200)),
    "frequency": (_indicator_call("frequency", {"frequency": "year"}), _expect(200)),
    "task units": (_library_call("tasks/units", {"task": "A1.2", "lead": "县林业局"}), _expect(200)),
    "add unit": (_add_unit, _expect(201)),
}


def test_only_the_city_and_unscoped_offices_assign_the_citys_quotas(rg: Regions) -> None:
    app = create_app(settings(), rg.db)
    city_id = next(r["id"] for r in _client(rg, "office", app).get("/api/v1/regions").json() if r["name"] == "赣州市")
    body = {"doc": "示例〔2024〕1号", "entries": [{"region": COUNTY_A, "code": "carbon_intensity", "year": 2025,
                                                  "value": 18}]}
    for username in ACCOUNTS:
        response = _client(rg, username, app).put(f"/api/v1/regions/{city_id}/quotas", json=body)
        assert response.status_code == (200 if username in ("office", "city") else 403), username


@pytest.fixture
def rg(db: Database) -> Regions:  # noqa: F811
    return populate_regions(db)


def _client(rg: Regions, username: str, app: FastAPI | None = None) -> TestClient:
    client = TestClient(app or create_app(settings(), rg.db), follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.mark.parametrize("case", list(CASES))
def test_region_permission_matrix(case: str, rg: Regions) -> None:
    call, expected = CASES[case]
    app = create_app(settings(), rg.db)
    for username in ACCOUNTS:
        for index, region in enumerate((COUNTY_A, COUNTY_B)):
            before = audit.count(rg.db)
            response = call(_client(rg, username, app), rg, region)
            want = expected[username][index]
            assert response.status_code == want, f"{case} by {username} on {region}: {response.text[:200]}"
            written = audit.count(rg.db) - before - 1  # minus the login
            if want < 300 and case != "annual report":
                assert written >= 1, f"{case} by {username}: no audit entry"
            elif want >= 400:
                assert written == 0, f"{case} by {username} refused but left an audit entry"


def test_a_unit_cannot_read_another_countys_drafts(rg: Regions) -> None:
    submit_values(rg.db, [{"indicator_id": rg.indicator[(COUNTY_B, "renewable_capacity")], "period": "2024",
                           "value": 40}], reporter="县发改委", region=COUNTY_B, actor="unitb", draft=True)
    unita = _client(rg, "unita")
    assert unita.get("/api/v1/observations").json() == []
    assert unita.get(f"/api/v1/observations?plan_id={rg.plan[COUNTY_B]}").status_code == 403
    assert unita.get(f"/api/v1/indicators/{rg.indicator[(COUNTY_B, 'renewable_capacity')]}/history").status_code == 403
    assert unita.get(f"/plan?plan={rg.plan[COUNTY_B]}").status_code == 403
    assert {r["region"] for r in unita.get("/api/v1/status").json()} == {COUNTY_A}
    unitb = _client(rg, "unitb")
    assert [o["value"] for o in unitb.get("/api/v1/observations").json()] == [40]
    city = _client(rg, "city")
    assert {r["region"] for r in city.get("/api/v1/status").json()} == {COUNTY_A, COUNTY_B, "赣州市"}
    assert {r["region"] for r in _client(rg, "countya").get("/api/v1/status").json()} == {COUNTY_A}
