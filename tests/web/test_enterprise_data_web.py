"""Enterprise data pages and API on SQLite and PostgreSQL: the enterprise account submits a month and sees
its flags; it cannot read another enterprise's data (403); the office sees the 用能空间 and 一企一策;
each page in one language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from enterprise_data_fixtures import EnterpriseFixture, populate_enterprises
from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.web import create_app

from .conftest import settings
from .multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def ef(db: Database) -> EnterpriseFixture:  # noqa: F811
    return populate_enterprises(db)


@pytest.fixture
def clients(ef: EnterpriseFixture) -> Iterator[dict[str, TestClient]]:
    app = create_app(settings(), ef.db)
    made: dict[str, TestClient] = {}

    def login(name: str) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        r = client.post("/api/v1/session", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    for name in ("enta", "entb", "countya", "countyb", "office"):
        made[name] = login(name)
    yield made


def _month_form(period: str, coal: float) -> dict[str, str]:
    return {"period": period, "q.bituminous": str(coal), "u.bituminous": "吨", "q.electricity": "300",
            "u.electricity": "万千瓦时", "product": "玻璃纤维", "product_quantity": "800", "product_unit": "吨"}


def test_enterprise_submits_months_and_sees_the_two_flags(ef: EnterpriseFixture,
                                                          clients: dict[str, TestClient]) -> None:
    enta = clients["enta"]
    for m in range(1, 13):
        if m == 5:
            continue
        r = enta.post("/enterprise/month", data=_month_form(f"2024-{m:02d}", 20_000 if m == 8 else 2000))
        assert r.status_code == 303, r.text
    page = enta.get("/enterprise?period=2024-12")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert [(tr["data-rule"], tr["data-period"]) for tr in soup.select("tr.flag")] == [
        ("completeness", "2024"), ("mom_outlier", "2024-08")]
    assert "2024-05" in soup.select("tr.flag")[0].text
    eid = ef.enterprise[COUNTY_A]
    overview = BeautifulSoup(clients["countya"].get("/energy-data").text, "html.parser")
    assert [tr["data-enterprise"] for tr in overview.select("#energy-overview tbody tr")] == [str(eid)]
    assert "环比异常 1" in overview.select_one("#energy-overview tbody tr").text
    assert clients["countyb"].get("/energy-data").text.count("data-enterprise=") == 1  # its own county's only
    office = clients["countya"].get(f"/enterprises/{eid}/energy")
    assert office.status_code == 200 and "环比异常" in office.text
    api = clients["countya"].get(f"/api/v1/enterprises/{eid}/energy").json()
    assert [f["rule"] for f in api["flags"]] == ["completeness", "mom_outlier"]
    assert api["flags"][1]["numbers"]["ratio"] == pytest.approx(10.0)


def test_an_enterprise_cannot_read_or_write_another_enterprise(ef: EnterpriseFixture,
                                                               clients: dict[str, TestClient]) -> None:
    a, b = ef.enterprise[COUNTY_A], ef.enterprise[COUNTY_B]
    enta = clients["enta"]
    assert enta.get(f"/enterprises/{b}/energy").status_code == 403
    assert enta.get(f"/api/v1/enterprises/{b}/energy").status_code == 403
    assert enta.get("/api/v1/enterprises/999999/energy").status_code == 403  # no hint whether the id exists
    push = {"records": [{"period": "2024-01", "fuel": "diesel", "quantity": 1, "unit": "吨"}]}
    assert enta.post(f"/api/v1/enterprises/{b}/energy", json=push).status_code == 403
    assert enta.post(f"/api/v1/enterprises/{a}/energy", json=push).json() == {"created": 1, "updated": 0,
                                                                             "unchanged": 0}
    assert clients["countyb"].get(f"/enterprises/{a}/energy").status_code == 403
    assert clients["entb"].get(f"/api/v1/regions/{ef.region_id[COUNTY_A]}/headroom").status_code == 403
    assert clients["countya"].get("/enterprise").status_code == 403  # the home is the enterprise account's


def test_monitoring_platform_push_is_all_or_nothing(ef: EnterpriseFixture, clients: dict[str, TestClient]) -> None:
    a = ef.enterprise[COUNTY_A]
    bad = {"records": [{"period": "2024-01", "fuel": "diesel", "quantity": 1, "unit": "吨"},
                       {"period": "2024-02", "fuel": "unobtainium", "quantity": 1, "unit": "吨"}]}
    r = clients["enta"].post(f"/api/v1/enterprises/{a}/energy", json=bad)
    assert r.status_code == 422 and "unobtainium" in r.text and "第2行" in r.text
    assert clients["enta"].get(f"/api/v1/enterprises/{a}/energy").json()["energy"] == []


def test_upload_file_from_the_energy_page(ef: EnterpriseFixture, clients: dict[str, TestClient]) -> None:
    from sqlalchemy import select

    from tanfeng.db.enterprise_models import Enterprise

    with ef.db.transaction() as s:
        uscc = s.scalar(select(Enterprise.uscc).where(Enterprise.id == ef.enterprise[COUNTY_A]))
    body = "统一社会信用代码,期间,类别,品种,数量,单位\n" + "".join(
        f"{uscc},2023-{m:02d},能源,天然气,{50 + m},万立方米\n" for m in range(1, 13))
    r = clients["countya"].post("/enterprises/energy/upload", files={"file": ("e.csv", body.encode(), "text/csv")},
                                data={"back": f"/enterprises/{ef.enterprise[COUNTY_A]}/energy"})
    assert r.status_code == 303, r.text
    assert len(clients["countya"].get(f"/api/v1/enterprises/{ef.enterprise[COUNTY_A]}/energy").json()["energy"]) == 12
    r = clients["countyb"].post("/enterprises/energy/upload", files={"file": ("e.csv", body.encode(), "text/csv")})
    assert r.status_code == 403, r.text


def test_headroom_page_and_measures(ef: EnterpriseFixture, clients: dict[str, TestClient]) -> None:
    office, rid = clients["countya"], ef.region_id[COUNTY_A]
    for year, gdp, energy in ((2020, "120", "600000"), (2023, "142.9", "640000"), (2025, "160.6", "")):
        r = office.post(f"/headroom/{rid}/year", data={"year": str(year), "gdp": gdp, "energy_tce": energy,
                                                       "source": "示例数据"})
        assert r.status_code == 303, r.text
    for year, gdp in ((2021, "127.2"), (2022, "134.8"), (2024, "151.5")):
        office.post(f"/headroom/{rid}/year", data={"year": str(year), "gdp": gdp})
    page = office.get(f"/headroom?region={rid}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("#headroom-data") is not None
    assert [tr["data-year"] for tr in soup.select("#headroom-table tbody tr")] == [str(y) for y in range(2020, 2026)]
    assert clients["countyb"].post(f"/headroom/{rid}/year", data={"year": "2024", "gdp": "1"}).status_code == 403
    r = clients["enta"].post("/measures", data={"enterprise_id": str(ef.enterprise[COUNTY_A]), "title": "电机变频改造",
                                                "expected_tce": "500", "expected_co2_t": "1300",
                                                "deadline": "2025-12-31", "responsible": "李工"})
    assert r.status_code == 303, r.text
    assert clients["entb"].post("/measures", data={"enterprise_id": str(ef.enterprise[COUNTY_A]), "title": "x",
                                                   "expected_tce": "1"}).status_code == 403
    mid = clients["enta"].get("/api/v1/measures").json()["measures"][0]["id"]
    assert clients["enta"].post(f"/measures/{mid}/progress", data={"period": "2025-06",
                                                                   "achieved_tce": "200"}).status_code == 303
    listed = clients["countya"].get("/api/v1/measures").json()
    assert listed["expected_tce"] == 500 and listed["achieved_tce"] == 200
    assert clients["entb"].get("/api/v1/measures").json()["measures"] == []
    assert "电机变频改造" in clients["countya"].get("/measures?target_tce=1000").text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_in_one_language(ef: EnterpriseFixture, clients: dict[str, TestClient], lang: str) -> None:
    enta, office = clients["enta"], clients["countya"]
    enta.post("/enterprise/month", data=_month_form("2024-01", 2000))
    pages = [(enta, "/enterprise"), (enta, "/measures"), (office, "/energy-data"), (office, f"/enterprises/{ef.enterprise[COUNTY_A]}/energy"),
             (office, f"/headroom?region={ef.region_id[COUNTY_A]}"), (office, "/measures")]
    data_words = {"上犹示例玻纤有限公司（示例数据）", "吨", "万千瓦时", "玻璃纤维", "上犹县", "崇义县", "赣州市"}
    for client, path in pages:
        client.get(f"/lang/{lang}?next=/")
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        soup = BeautifulSoup(r.text, "html.parser")
        main = soup.select_one("main")
        assert main is not None
        for hidden in main(["script"]):
            hidden.decompose()
        for quoted in main.select("[lang]"):  # content marked as another language: a Chinese document's title
            if str(quoted.get("lang"))[:2] != lang:
                quoted.decompose()
        texts = [s.strip() for s in main.find_all(string=True) if s.strip()]
        texts += [str(el.get(attr, "")) for attr in ("placeholder", "aria-label") for el in main.select(f"[{attr}]")]
        if lang == "en":
            leftovers = [t for t in texts if CJK.search(t) and not any(w in t for w in data_words)]
            assert not leftovers, (path, leftovers[:5])
        else:
            english = [t for t in texts if re.search(r"\b(the|and|of|Submit|Upload|Energy)\b", t)]
            assert not english, (path, english[:5])
