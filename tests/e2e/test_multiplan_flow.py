"""Many plans in the browser: the office switches plan with the selector, sets a base-year value and a
responsible unit on the set-up page, the target's light turns from grey; a viewer downloads a report.

Runs on its own database: two counties of one city and the city's plan (示例数据, built in code).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from live_server import running
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.services.collection import submit_values
from tanfeng.web import WebSettings, create_app
from web.multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions

from .conftest import ARTIFACTS


@pytest.fixture(scope="module")
def regions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Regions]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('multiplan') / 'm.db'}")
    upgrade(db)
    rg = populate_regions(db)
    # 崇义县 reported its capacity; without a base-year value the light stays grey
    submit_values(db, [{"indicator_id": rg.indicator[(COUNTY_B, "renewable_capacity")], "period": "2024",
                        "value": 31}], reporter="县发改委", region=COUNTY_B, actor="unitb")
    yield rg
    db.dispose()


@pytest.fixture(scope="module")
def site(regions: Regions) -> Iterator[str]:
    app = create_app(WebSettings(mode="development", secret_key="e2e-secret-key-long-enough-0123456789abcdef"),
                     regions.db)
    with running(app) as port:
        yield f"http://127.0.0.1:{port}"


def _login(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")


def _level(page: Any, indicator: int) -> str:
    return str(page.get_attribute(f"#status-table tr[data-indicator='{indicator}']", "data-level"))


def test_office_switches_plan_sets_up_a_target_and_its_light_turns(browser: Any, site: str, regions: Regions) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, site, "office")
    indicator = regions.indicator[(COUNTY_B, "renewable_capacity")]
    assert COUNTY_A in page.text_content(".peak")  # the first plan stored opens first
    page.select_option("#plan-select", str(regions.plan[COUNTY_B]))  # the selector reloads the page
    page.wait_for_url(f"**/?plan={regions.plan[COUNTY_B]}")
    assert COUNTY_B in page.text_content(".peak")
    assert _level(page, indicator) == "none"

    page.click("nav details[data-group=plans] summary")  # the menu's 方案 group opens
    page.click("nav a:has-text('方案设置')")  # the link keeps the chosen plan
    page.wait_for_url(f"**/setup?plan={regions.plan[COUNTY_B]}")
    page.fill("#add-unit input[name=name]", "县能源局")
    page.click("#add-unit button")
    page.wait_for_selector(".flash")
    row = f"#setup-indicators tr[data-indicator='{indicator}']"
    page.fill(f"{row} .assign-form input[name=lead]", "县能源局")
    page.click(f"{row} .assign-form button")
    page.wait_for_selector(".flash")
    assert "已保存责任单位" in page.text_content(".flash")
    page.fill(f"{row} .baseline-form input[name=year]", "2020")
    page.fill(f"{row} .baseline-form input[name=value]", "20")
    page.click(f"{row} .baseline-form button")
    page.wait_for_selector(".flash")
    assert "已保存基期值" in page.text_content(".flash")

    page.goto(f"{site}/?plan={regions.plan[COUNTY_B]}")
    assert _level(page, indicator) != "none"
    lead = page.text_content(f"#status-table tr[data-indicator='{indicator}'] td:last-child")
    assert lead is not None and "县能源局" in lead
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "multiplan-overview.png"), full_page=True)
    context.close()


def test_viewer_downloads_the_report_of_the_chosen_plan(browser: Any, site: str, regions: Regions,
                                                        tmp_path: Path) -> None:
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    _login(page, site, "viewer")
    page.select_option("#report-plan", str(regions.plan[COUNTY_B]))
    with page.expect_download() as download_info:
        page.click("#annual-report")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / "report.docx"
    download.save_as(str(path))
    text = "\n".join(p.text for p in Document(BytesIO(path.read_bytes())).paragraphs)
    assert COUNTY_B in text and COUNTY_A not in text
    context.close()
