"""Vertical alignment flags, the city's quota table (form, API, Excel) and the roll-up (SQLite and PostgreSQL).

The fixture's figures (示例数据): energy intensity −12 % in 上犹县, −14 % in 崇义县, −13.5 % in 赣州市;
the city has a non-fossil share target neither county has; both counties defer carbon intensity to the city.
"""

from __future__ import annotations

from io import BytesIO

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.services.alignment import alignment
from tanfeng.services.rollup import rollup
from tanfeng.services.status import compute_status
from tanfeng.web import create_app

from .conftest import settings
from .multiplan_fixtures import CITY, COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions


def _client(rg: Regions, username: str) -> TestClient:
    client = TestClient(create_app(settings(), rg.db), follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def _flags(rg: Regions, region: str) -> dict[tuple[str, int | None], list[str]]:
    return {(r.code, r.year): r.flags for r in alignment(rg.db, rg.plan[region]).rows if r.flags}


def test_alignment_flags_checked_by_hand(db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    rg = populate_regions(db)
    a = alignment(rg.db, rg.plan[COUNTY_A])
    assert a.parents == [CITY]  # 江西省 has no plan stored: nothing to align with there
    energy = next(r for r in a.rows if r.code == "energy_intensity")
    assert (energy.own.value, energy.parents[CITY].value) == (12, 13.5)  # type: ignore[union-attr]
    assert _flags(rg, COUNTY_A) == {("energy_intensity", 2025): ["weaker"],
                                    ("non_fossil_share", 2025): ["missing"],
                                    ("carbon_intensity", 2025): ["no_quota"]}
    # −14 % is stronger than the city's −13.5 %: no flag for 崇义县's energy intensity
    assert _flags(rg, COUNTY_B) == {("non_fossil_share", 2025): ["missing"],
                                    ("carbon_intensity", 2025): ["no_quota"]}
    page = _client(rg, "countya").get(f"/alignment?plan={rg.plan[COUNTY_A]}")
    assert page.status_code == 200 and 'data-flags="weaker"' in page.text


def test_the_city_quota_table_makes_both_counties_trackable(db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    rg = populate_regions(db)
    city_id = {r["name"]: r["id"] for r in _client(rg, "office").get("/api/v1/regions").json()}[CITY]
    city = _client(rg, "city")
    table = city.get(f"/api/v1/regions/{city_id}/quotas").json()
    assert [row["region"] for row in table["rows"]] == sorted([COUNTY_A, COUNTY_B])
    before = {r.region: r.note for r in compute_status(rg.db) if r.code == "carbon_intensity"}
    assert before[COUNTY_A] and "待录入" in before[COUNTY_A]
    body = {"doc": "示例市发改〔2024〕3号", "entries": [
        {"region": COUNTY_A, "code": "carbon_intensity", "year": 2025, "value": 18},
        {"region": COUNTY_B, "code": "carbon_intensity", "year": 2025, "value": 19.5}]}
    # a county office cannot assign the city's quotas; a bad row refuses the whole table
    assert _client(rg, "countya").put(f"/api/v1/regions/{city_id}/quotas", json=body).status_code == 403
    bad = city.put(f"/api/v1/regions/{city_id}/quotas", json=body | {"entries": body["entries"] + [
        {"region": COUNTY_A, "code": "forest_coverage", "year": 2025, "value": 80}]})
    assert bad.status_code == 422 and "没有待下达" in bad.text
    assert all(r.target_value is None for r in compute_status(rg.db) if r.code == "carbon_intensity")
    assert city.put(f"/api/v1/regions/{city_id}/quotas", json=body).json() == {"changed": 2}
    rows = {r.region: r for r in compute_status(rg.db) if r.code == "carbon_intensity"}
    assert (rows[COUNTY_A].target_value, rows[COUNTY_B].target_value) == (18, 19.5)
    assert "no_quota" not in str(_flags(rg, COUNTY_A))
    a = next(r for r in alignment(rg.db, rg.plan[COUNTY_A]).rows if r.code == "carbon_intensity")
    assert a.own is not None and a.own.quota_doc == "示例市发改〔2024〕3号"
    # the Excel round trip: download the template, change one quota, upload with a new document
    wb = load_workbook(BytesIO(city.get(f"/quotas/{city_id}/template.xlsx").content))
    ws = wb["下达指标"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == COUNTY_B:
            row[4].value = 20
    buf = BytesIO()
    wb.save(buf)
    uploaded = city.post(f"/quotas/{city_id}/upload", data={"doc": "示例市发改〔2024〕9号"},
                         files={"file": ("quotas.xlsx", buf.getvalue(), "application/octet-stream")})
    assert uploaded.status_code == 303, uploaded.text
    rows = {r.region: r for r in compute_status(rg.db) if r.code == "carbon_intensity"}
    assert (rows[COUNTY_A].target_value, rows[COUNTY_B].target_value) == (18, 20)
    assert city.get("/quotas").status_code == 200


def test_rollup_shows_each_county_with_lights_and_drills_down(db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    rg = populate_regions(db)
    r = rollup(rg.db, CITY)
    assert [row.region for row in r.rows] == sorted([COUNTY_A, COUNTY_B])
    assert r.codes[0][0] == "energy_intensity"
    cell = r.rows[0].cells["renewable_capacity"]
    assert cell.indicator_id == rg.indicator[(r.rows[0].region, "renewable_capacity")] and cell.level == "none"
    assert [row.region for row in rollup(rg.db, "江西省").rows] == [CITY, *sorted([COUNTY_A, COUNTY_B])]
    city = _client(rg, "city")
    page = city.get("/rollup")
    assert page.status_code == 200 and f'data-region="{COUNTY_B}"' in page.text
    assert f'href="/targets/{cell.indicator_id}"' in page.text
    assert city.get(f"/targets/{cell.indicator_id}").status_code == 200  # a city reads its counties
    assert _client(rg, "countyb").get(f"/targets/{rg.indicator[(COUNTY_A, 'renewable_capacity')]}").status_code == 403
    assert city.get(f"/api/v1/rollup?region={CITY}").json()["rows"][0]["region"] in (COUNTY_A, COUNTY_B)
    assert _client(rg, "countya").get(f"/api/v1/rollup?region={CITY}").status_code == 403
