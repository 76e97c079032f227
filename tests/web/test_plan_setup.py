"""Plan library and plan set-up on the web: forms with validation, region checks and audit entries."""

from __future__ import annotations

from fastapi.testclient import TestClient

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.services import audit, library
from tanfeng.services.collection import submit_values
from tanfeng.services.status import compute_status
from tanfeng.web import create_app

from .conftest import settings
from .multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions


def _client(rg: Regions, username: str) -> TestClient:
    client = TestClient(create_app(settings(), rg.db), follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def _row(rg: Regions, region: str, code: str):  # type: ignore[no-untyped-def]
    return next(r for r in compute_status(rg.db, region=region) if r.code == code)


def test_setup_forms_turn_a_grey_light_into_a_tracked_target(db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    rg = populate_regions(db)
    plan = rg.plan[COUNTY_A]
    office = _client(rg, "countya")
    page = office.get(f"/setup?plan={plan}")
    assert page.status_code == 200 and "光伏发电装机容量" in page.text
    indicator = rg.indicator[(COUNTY_A, "renewable_capacity")]
    submit_values(rg.db, [{"indicator_id": indicator, "period": "2024", "value": 31}], reporter="县发改委",
                  region=COUNTY_A, actor="unita")
    assert _row(rg, COUNTY_A, "renewable_capacity").level == "none"  # no base-year value yet
    # a bad year is refused with a message, nothing stored
    bad = office.post(f"/setup/{plan}/baseline", data={"indicator_id": indicator, "year": "1800", "value": "20"})
    assert bad.status_code == 422 and "基期年1800" in bad.text
    before = audit.count(rg.db)
    ok = office.post(f"/setup/{plan}/baseline", data={"indicator_id": indicator, "year": "2020", "value": "20"})
    assert ok.status_code == 303
    row = _row(rg, COUNTY_A, "renewable_capacity")
    assert (row.baseline_value, row.level != "none") == (20.0, True)
    assert audit.count(rg.db) == before + 1 and audit.recent(rg.db, limit=1)[0].action == "set_baseline"
    # a new unit in the registry, made responsible for an indicator and a task
    assert office.post(f"/setup/{plan}/unit", data={"name": "县能源局"}).status_code == 303
    assert office.post(f"/setup/{plan}/unit", data={"name": "县能源局"}).status_code == 422  # exists
    assert office.post(f"/setup/{plan}/assign", data={"indicator_id": rg.indicator[(COUNTY_A, "energy_intensity")],
                                                      "lead": "县能源局", "co": "县发改委"}).status_code == 303
    assert _row(rg, COUNTY_A, "energy_intensity").lead_unit == "县能源局"
    assert office.post(f"/setup/{plan}/assign", data={"indicator_id": indicator, "lead": "不存在的局"}).status_code == 422
    assert office.post(f"/setup/{plan}/task", data={"task": "A1.1", "lead": "县能源局", "co": "县发改委、住建局"}
                       ).status_code == 303
    tasks = office.get(f"/api/v1/plans/{plan}/setup").json()["tasks"]
    assert next(t for t in tasks if t["code"] == "A1.1")["lead"] == "县能源局"
    assert office.post(f"/setup/{plan}/frequency", data={"indicator_id": indicator, "frequency": "quarter"}
                       ).status_code == 303
    assert office.post(f"/setup/{plan}/frequency", data={"indicator_id": indicator, "frequency": "week"}
                       ).status_code == 422
    # another county's office can neither see the form as writable nor post to it
    other = _client(rg, "countyb")
    assert other.get(f"/setup?plan={plan}").status_code == 403
    assert other.post(f"/setup/{plan}/unit", data={"name": "县水利局"}).status_code == 403


def test_library_archive_and_delete_over_the_api(db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    rg = populate_regions(db)
    office = _client(rg, "office")
    items = {p["plan_id"]: p for p in office.get("/api/v1/library").json()}
    assert set(items) == set(rg.plan.values()) and all(p["deletable"] for p in items.values())
    submit_values(rg.db, [{"indicator_id": rg.indicator[(COUNTY_A, "renewable_capacity")], "period": "2024",
                           "value": 31}], reporter="县发改委", region=COUNTY_A, actor="unita")
    refused = office.request("DELETE", f"/api/v1/plans/{rg.plan[COUNTY_A]}",
                             json={"confirm": "上犹县碳达峰实施方案（示例数据）"})
    assert refused.status_code == 422 and "不能删除" in refused.text
    assert office.post(f"/api/v1/plans/{rg.plan[COUNTY_A]}/archive", json={"archived": True}).status_code == 200
    assert COUNTY_A not in {r["region"] for r in office.get("/api/v1/status").json()}
    assert office.get("/library").status_code == 200
    title = next(p.title for p in library.library(rg.db) if p.plan_id == rg.plan[COUNTY_B])
    assert _client(rg, "countya").request("DELETE", f"/api/v1/plans/{rg.plan[COUNTY_B]}",
                                          json={"confirm": title}).status_code == 403
    gone = office.request("DELETE", f"/api/v1/plans/{rg.plan[COUNTY_B]}", json={"confirm": title})
    assert gone.status_code == 200, gone.text
    assert {p.plan_id for p in library.library(rg.db)} == {rg.plan[COUNTY_A], rg.plan["赣州市"]}
