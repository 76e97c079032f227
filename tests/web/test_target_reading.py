"""Targets read the right way round on the web: 下降12%（力争13.5%）, charts titled as reductions, stretch values,
empty charts as a sentence, and the English UI's report download in English (two counties and a city plan)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import BytesIO

import docx
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.services.collection import submit_values
from tanfeng.services.plan_admin import assign_units
from tanfeng.web import create_app

from .conftest import settings
from .multiplan_fixtures import CITY, COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions


@pytest.fixture
def rg(db: Database) -> Regions:  # noqa: F811
    regions = populate_regions(db)
    assign_units(db, plan=COUNTY_A + "碳达峰实施方案（示例数据）", target="T1", lead="县发改委", co=[], actor="office")
    # 上犹县 reports its energy intensity (a cumulative reduction); 崇义县 reports nothing
    submit_values(db, [{"indicator_id": regions.indicator[(COUNTY_A, "energy_intensity")], "period": "2020",
                        "value": 0},
                       {"indicator_id": regions.indicator[(COUNTY_A, "energy_intensity")], "period": "2023",
                        "value": 6.5}], reporter="县发改委", actor="unita", region=COUNTY_A)
    return regions


@pytest.fixture
def office(rg: Regions) -> Iterator[TestClient]:
    client = TestClient(create_app(settings(), rg.db), follow_redirects=False)
    response = client.post("/api/v1/session", json={"username": "office", "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    yield client


def _text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


@pytest.mark.parametrize(("region", "zh", "en"), [
    (COUNTY_A, "下降12%（力争13.5%）", "down 12 % (stretch 13.5 %)"),
    (COUNTY_B, "下降14%（力争13.5%）", "down 14 % (stretch 13.5 %)"),
    (CITY, "下降13.5%（力争13.5%）", "down 13.5 % (stretch 13.5 %)"),
])
def test_target_overview_and_plan_pages_read_reductions_with_stretch(rg: Regions, office: TestClient, region: str,
                                                                     zh: str, en: str) -> None:
    indicator, plan = rg.indicator[(region, "energy_intensity")], rg.plan[region]
    page = office.get(f"/targets/{indicator}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert zh in soup.select_one("td.goal").get_text()
    # titled as the reduction it is, not as consumption rising from 0 to 13
    assert soup.h1.get_text() == "单位地区生产总值能源消耗（较2020年累计下降，%）"
    assert "能源消耗（%）" not in _text(page.text)
    for url in (f"/?plan={plan}", f"/plan?plan={plan}"):
        assert zh in _text(office.get(url).text), url
    office.get("/lang/en?next=/")
    english = office.get(f"/targets/{indicator}").text
    goal = BeautifulSoup(english, "html.parser").select_one("td.goal").get_text()
    assert en in goal and "下降" not in goal and "力争" not in goal
    assert "cumulative reduction vs 2020" in BeautifulSoup(english, "html.parser").h1.get_text()
    assert en in _text(office.get(f"/?plan={plan}").text)


def test_charts_carry_stretch_values_and_the_reduction_axis(rg: Regions, office: TestClient) -> None:
    page = office.get(f"/targets/{rg.indicator[(COUNTY_A, 'energy_intensity')]}")
    soup = BeautifulSoup(page.text, "html.parser")
    figure = soup.select_one("figure.chart")
    assert figure is not None and figure["data-axis"] == "累计下降（%）"
    data = json.loads(figure.select_one("script.chart-data").get_text())
    assert data["reading"] == "decrease" and data["stretch"] == {"x": [2025], "y": [13.5]}
    assert data["milestones"] == {"x": [2025], "y": [12]} and data["observed"]["y"] == [0, 6.5]
    labels = json.loads(figure.select_one("script.chart-labels").get_text())
    assert labels["stretch"] == "力争值"
    # the latest value reads as the cumulative reduction it is
    row = soup.select_one("table.status tbody tr")
    assert "下降6.5%" in row.get_text()


def test_an_empty_chart_is_a_sentence_saying_what_is_missing(rg: Regions, office: TestClient) -> None:
    # 崇义县's solar capacity: no value reported, no base value → nothing to draw
    indicator = rg.indicator[(COUNTY_B, "renewable_capacity")]
    soup = BeautifulSoup(office.get(f"/targets/{indicator}").text, "html.parser")
    assert soup.select("figure.chart") == []
    sentence = soup.select_one("p.chart-missing").get_text()
    assert "尚无填报数据" in sentence and "缺少2020年基期值" in sentence and "暂无图表" in sentence
    # 崇义县's energy intensity: no reported value, but a path to show, and the sentence says what is missing
    energy = BeautifulSoup(office.get(f"/targets/{rg.indicator[(COUNTY_B, 'energy_intensity')]}").text,
                           "html.parser")
    note = energy.select_one("figure.chart .chart-note")
    assert note is not None and "尚无填报数据" in note.get_text()
    office.get("/lang/en?next=/")
    english = BeautifulSoup(office.get(f"/targets/{indicator}").text, "html.parser")
    text = english.select_one("p.chart-missing").get_text()
    assert text.startswith("No chart for") and "no reported values yet" in text and "no 2020 base value" in text


def test_the_english_ui_downloads_the_english_report(rg: Regions, office: TestClient) -> None:
    token = office.headers["X-CSRF-Token"]
    form = {"year": "2024", "fmt": "docx", "plan": str(rg.plan[COUNTY_A]), "csrf_token": token}
    chinese = office.post("/reports/annual", data=form)
    assert chinese.status_code == 200
    zh = "\n".join(p.text for p in docx.Document(BytesIO(chinese.content)).paragraphs)
    assert "主要指标完成情况" in zh and "Main indicators" not in zh
    office.get("/lang/en?next=/")
    english = office.post("/reports/annual", data=form)
    assert english.status_code == 200
    document = docx.Document(BytesIO(english.content))
    en = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Main indicators" in en and "主要指标完成情况" not in en
    assert "down 12 % (stretch 13.5 %)" in cells
    assert re.search(r"assessment.*2024\.docx", english.headers["content-disposition"])
    # the API: the UI's language by default, or the one asked for
    api = office.post("/api/v1/reports/annual", json={"year": 2024, "format": "xlsx", "plan_id": rg.plan[COUNTY_A]})
    assert api.status_code == 200 and load_workbook(BytesIO(api.content)).sheetnames[0] == "About"
    asked = office.post("/api/v1/reports/annual", json={"year": 2024, "format": "xlsx", "plan_id": rg.plan[COUNTY_A],
                                                        "lang": "zh"})
    assert asked.status_code == 200 and load_workbook(BytesIO(asked.content)).sheetnames[0] == "说明"
