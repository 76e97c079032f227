"""Enterprise data in the browser: the office sees the region's 用能空间 chart drawn; an enterprise account
submits a month's energy use from its home page and sees it stored.

Runs on its own database: two counties with one invented enterprise each (示例数据, built in code).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from enterprise_data_fixtures import EnterpriseFixture, account, populate_enterprises
from live_server import running
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.services import enterprise_data as data
from tanfeng.web import WebSettings, create_app
from web.multiplan_fixtures import COUNTY_A, PASSWORD

from .conftest import ARTIFACTS


@pytest.fixture(scope="module")
def ef(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EnterpriseFixture]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('entdata') / 'e.db'}")
    upgrade(db)
    fixture = populate_enterprises(db)
    office, rid = account(db, "countya"), fixture.region_id[COUNTY_A]
    gdp = 120.0
    for year in range(2020, 2026):
        data.set_region_year(db, office, rid, year, gdp=gdp, energy_tce={2020: 600_000.0, 2023: 640_000.0}.get(year),
                             feedstock_tce=20_000.0 if year == 2020 else None, new_renewable_tce=None, source="示例数据")
        gdp *= 1.06
    yield fixture
    db.dispose()


@pytest.fixture(scope="module")
def site(ef: EnterpriseFixture) -> Iterator[str]:
    app = create_app(WebSettings(mode="development", secret_key="e2e-secret-key-long-enough-0123456789abcdef"), ef.db)
    with running(app) as port:
        yield f"http://127.0.0.1:{port}"


def _login(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def test_office_sees_the_headroom_chart(browser: Any, site: str, ef: EnterpriseFixture) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, site, "countya")
    page.goto(f"{site}/headroom?region={ef.region_id[COUNTY_A]}")
    page.wait_for_selector("#headroom-chart[data-drawn='1']")
    assert page.locator("#headroom-plot .main-svg").count() >= 1  # Plotly drew it
    assert page.locator("#headroom-table tbody tr").count() == 6
    assert "用能空间" in page.text_content("h1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "headroom.png"), full_page=True)
    context.close()


def test_enterprise_account_submits_a_month(browser: Any, site: str, ef: EnterpriseFixture) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, site, "enta")
    page.goto(f"{site}/enterprise?period=2024-03")
    page.fill("input[name='q.bituminous']", "2100")
    page.fill("input[name='q.electricity']", "310")
    page.fill("input[name=product]", "玻璃纤维")
    page.fill("input[name=product_quantity]", "820")
    page.click("#submit-month")
    page.wait_for_selector(".flash")
    assert "新增3" in page.text_content(".flash")
    row = page.locator("#energy-table tr[data-period='2024-03']")
    assert "2,100" in row.text_content() and "310" in row.text_content()
    # the stored figure's version is in the form now: a second submission updates it
    page.fill("input[name='q.bituminous']", "2150")
    page.click("#submit-month")
    page.wait_for_selector(".flash")
    assert "更新1" in page.text_content(".flash")
    other = page.goto(f"{site}/enterprises/{ef.enterprise['崇义县']}/energy")
    assert other is not None and other.status == 403
    context.close()
