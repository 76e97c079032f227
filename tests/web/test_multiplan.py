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


def test_a_department_in_two_plans_of_its_region_sees_both(rg: Regions, clients) -> None:  # type: ignore[no-untyped-def]
    from builders import PlanBuilder
    from tanfeng.services.plan_import import import_plan

    second = PlanBuilder(region=COUNTY_A, title=f"{COUNTY_A}节能减排综合工作方案（示例数据）")
    second.tasks = [{"id": "B1", "action": "A1", "title": "推进工业节能", "text": "实施节能改造。", "lead": "县发改委",
                     "units": ["县发改委"], "target_ids": ["T9"]}]
    second.targets = [{"id": "T9", "indicator": "规模以上工业单位增加值能耗", "code": "industry_energy",
                       "change": "decrease", "value": 14, "unit": "%", "year": 2025, "baseline_year": 2020,
                       "task_id": "B1", "sentence": "规模以上工业单位增加值能耗下降14%"}]
    plan_b = import_plan(rg.db, second.plan(), actor="test").plan_id
    unita = clients["unita"]
    page = unita.get("/workspace?period=2024").text
    assert "光伏发电装机容量" in page and "规模以上工业单位增加值能耗" in page
    wb = load_workbook(BytesIO(unita.get("/workspace/template.xlsx?period=2024").content))
    plans = {r[-1] for r in wb["指标填报"].iter_rows(min_row=2, values_only=True)}
    assert any("节能减排" in str(p) for p in plans) and any("碳达峰" in str(p) for p in plans)
    assert {p["plan_id"] for p in unita.get("/api/v1/status").json()} == {rg.plan[COUNTY_A], plan_b}
    assert CITY not in {p["region"] for p in unita.get("/api/v1/status").json()}


def test_each_county_unit_downloads_its_expected_values_and_uploads_the_filled_template(rg: Regions, clients) -> None:  # type: ignore[no-untyped-def]
    """上犹县 (−12 %) and 崇义县 (−14 %): the 预期值 column of each unit's 2024 template is its own plan's
    trajectory (100·(1 − (1 − R)^0.8), worked out here), a number; the filled file uploads through the web."""
    from tanfeng.services.plan_admin import assign_units

    for county in (COUNTY_A, COUNTY_B):
        assign_units(rg.db, plan=f"{county}碳达峰实施方案（示例数据）", target="T1", lead="县发改委", co=[], actor="office")
    for username, county, reduction in (("unita", COUNTY_A, 0.12), ("unitb", COUNTY_B, 0.14)):
        client = clients[username]
        response = client.get("/workspace/template.xlsx?period=2024")
        assert response.status_code == 200
        wb = load_workbook(BytesIO(response.content))
        ws = wb["指标填报"]
        cols = {str(c.value).split("\n")[1]: c.column for c in ws[1]}
        row = next(r for r in range(2, ws.max_row + 1)
                   if ws.cell(row=r, column=1).value == rg.indicator[(county, "energy_intensity")])
        expected = ws.cell(row=row, column=cols["expected"])
        assert isinstance(expected.value, float) and expected.value == pytest.approx(100 * (1 - (1 - reduction) ** 0.8))
        assert expected.number_format == "#,##0.00"
        ws.cell(row=row, column=cols["value"]).value = 9.0
        buffer = BytesIO()
        wb.save(buffer)
        uploaded = client.post("/workspace/upload", files={"file": (f"{county}.xlsx", buffer.getvalue(),
                                                                   "application/octet-stream")})
        assert uploaded.status_code == 303, uploaded.text
    stored = {(o.indicator_id, o.period): o.value for o in list_observations(rg.db)}
    assert stored[(rg.indicator[(COUNTY_A, "energy_intensity")], "2024")] == 9.0
    assert stored[(rg.indicator[(COUNTY_B, "energy_intensity")], "2024")] == 9.0


def test_review_page_reads_quotas_and_cumulative_values_as_the_rest_of_the_app(rg: Regions, clients) -> None:  # type: ignore[no-untyped-def]
    """Each county's deferred targets, once their quota is entered, read as targets do elsewhere (下降18%,
    50万千瓦), not as bare numbers; a cumulative reduction's value and expected value read 下降…; English too."""
    from bs4 import BeautifulSoup

    from builders import PlanBuilder
    from tanfeng.formatting import format_number
    from tanfeng.services.plan_admin import assign_units, set_quota
    from tanfeng.services.plan_import import import_plan

    second = PlanBuilder(region=COUNTY_B, title=f"{COUNTY_B}可再生能源发展方案（示例数据）")
    second.targets = [{"id": "T1", "indicator": "新增可再生能源装机容量", "code": None, "change": "level", "value": None,
                       "unit": "万千瓦", "year": 2025, "assigned": True, "sentence": "完成市下达的新增可再生能源装机任务"}]
    second.tasks = [dict(second.tasks[0], target_ids=[])]
    plan_b2 = import_plan(rg.db, second.plan(), actor="test").plan_id
    set_quota(rg.db, plan=f"{COUNTY_A}碳达峰实施方案（示例数据）", target="T2", value=18, unit="%", note=None,
              actor="office", region=COUNTY_A)
    set_quota(rg.db, plan=f"{COUNTY_B}碳达峰实施方案（示例数据）", target="T2", value=19.5, unit="%", note=None,
              actor="office", region=COUNTY_B)
    set_quota(rg.db, plan=second.title, target="T1", value=50, unit="万千瓦", note=None, actor="office", region=COUNTY_B)
    assign_units(rg.db, plan=f"{COUNTY_A}碳达峰实施方案（示例数据）", target="T1", lead="县发改委", co=[], actor="office")
    indicator = rg.indicator[(COUNTY_A, "energy_intensity")]
    response = clients["unita"].post("/api/v1/observations", json={"values": [
        {"indicator_id": indicator, "period": "2024", "value": 8.5}]})
    assert response.status_code == 201, response.text
    office = clients["office"]

    def page(lang: str, plan: int) -> BeautifulSoup:
        office.get(f"/lang/{lang}?next=/")
        return BeautifulSoup(office.get(f"/review?plan={plan}").text, "html.parser")

    def quotas(soup: BeautifulSoup) -> list[str]:
        return [td.get_text(strip=True) for td in soup.select("#quotas + table td.quota")]

    expected = {(rg.plan[COUNTY_A], "zh"): ["下降18%"], (rg.plan[COUNTY_B], "zh"): ["下降19.5%"],
                (plan_b2, "zh"): ["50万千瓦"], (rg.plan[COUNTY_A], "en"): ["down 18 %"],
                (rg.plan[COUNTY_B], "en"): ["down 19.5 %"], (plan_b2, "en"): ["50 万千瓦"]}
    for (plan, lang), shown in expected.items():
        assert quotas(page(lang, plan)) == shown, (plan, lang)
    zh = page("zh", rg.plan[COUNTY_A])
    row = next(r for r in zh.select("#review tbody tr[data-indicator]") if r["data-indicator"] == str(indicator))
    assert row.select_one("td.value").get_text(strip=True) == "下降8.5%"
    # the expected value of the −12 % path four years in, 100·(1 − 0.88^0.8), read as a reduction
    assert row.select_one("td.expected").get_text(strip=True) == f"下降{format_number(100 * (1 - 0.88 ** 0.8))}%"
    en = page("en", rg.plan[COUNTY_A])
    en_row = next(r for r in en.select("#review tbody tr[data-indicator]") if r["data-indicator"] == str(indicator))
    assert en_row.select_one("td.value").get_text(strip=True) == "down 8.5 %"
    # the Excel export of the page keeps them numbers
    office.get("/lang/zh?next=/")
    from openpyxl import load_workbook as load

    sheets = load(BytesIO(office.get(f"/review?plan={rg.plan[COUNTY_A]}&export=xlsx").content))
    values = [c.value for ws in sheets.worksheets for row_ in ws.iter_rows() for c in row_]
    assert 8.5 in values and 18 in values and "下降8.5%" not in values and "下降18%" not in values
