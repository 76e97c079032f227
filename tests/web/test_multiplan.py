"""Many plans, many regions: two counties of one city and the city's plan, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.services.regions import region_tree
from tanfeng.services.review import list_observations
from tanfeng.web import create_app

from .conftest import settings
from .multiplan_fixtures import CITY, COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions


@pytest.fixture
def rg(db: Database) -> Regions:  # noqa: F811
    return populate_regions(db)


@pytest.fixture
def clients(rg: Regions) -> Iterator[dict[str, TestClient]]:
    app = create_app(settings(), rg.db)
    out: dict[str, TestClient] = {}

    def login(name: str) -> TestClient:
        if name not in out:
            client = TestClient(app, follow_redirects=False)
            response = client.post("/api/v1/session", json={"username": name, "password": PASSWORD})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            out[name] = client
        return out[name]

    yield type("Clients", (), {"__getitem__": lambda self, name: login(name)})()  # type: ignore[misc]


def test_regions_form_a_tree_from_the_gazetteer(rg: Regions) -> None:
    nodes = {n.name: n for n in region_tree(rg.db)}
    assert nodes[COUNTY_A].parent == CITY and nodes[COUNTY_B].parent == CITY
    assert nodes[CITY].parent == "江西省" and nodes["江西省"].parent is None
    assert (nodes[COUNTY_A].adcode, nodes[CITY].adcode, nodes["江西省"].adcode) == ("360724", "360700", "360000")
    assert [nodes[n].level for n in (COUNTY_A, CITY, "江西省")] == ["county", "city", "province"]


def test_a_unit_reports_and_downloads_its_template_with_several_regions(rg: Regions, clients) -> None:  # type: ignore[no-untyped-def]
    unita = clients["unita"]
    indicator = rg.indicator[(COUNTY_A, "renewable_capacity")]
    response = unita.post("/api/v1/observations", json={"values": [
        {"indicator_id": indicator, "period": "2024", "value": 31}]})
    assert response.status_code == 201, response.text
    stored = list_observations(rg.db)
    assert [(o.reporter, o.value) for o in stored] == [("县发改委", 31.0)]
    template = unita.get("/workspace/template.xlsx?period=2024")
    assert template.status_code == 200
    wb = load_workbook(BytesIO(template.content))
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)} if "_meta" in wb.sheetnames else {}
    ids = [r[0] for r in wb["指标填报"].iter_rows(min_row=2, values_only=True)]
    assert indicator in ids and rg.indicator[(COUNTY_B, "renewable_capacity")] not in ids
    assert meta["region"] == COUNTY_A
