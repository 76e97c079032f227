"""Targets read the right way round in the browser: the target page shows 下降…（力争…）, the chart is drawn
with the reduction axis and the stretch value, an indicator with nothing to draw says what is missing, and
the English UI reads "down … (stretch …)". Two counties and the city's plan (示例数据, built in code).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from live_server import running
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.services.collection import submit_values
from tanfeng.services.plan_admin import assign_units
from tanfeng.web import WebSettings, create_app
from web.multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions

from .conftest import ARTIFACTS


@pytest.fixture(scope="module")
def regions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Regions]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('reading') / 'r.db'}")
    upgrade(db)
    rg = populate_regions(db)
    assign_units(db, plan=f"{COUNTY_A}碳达峰实施方案（示例数据）", target="T1", lead="县发改委", co=[], actor="office")
    indicator = rg.indicator[(COUNTY_A, "energy_intensity")]
    submit_values(db, [{"indicator_id": indicator, "period": "2020", "value": 0},
                       {"indicator_id": indicator, "period": "2023", "value": 6.5}],
                  reporter="县发改委", region=COUNTY_A, actor="unita")
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


def test_target_page_reads_the_reduction_with_its_stretch_value(browser: Any, site: str, regions: Regions) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _login(page, site, "office")
    for region, goal in ((COUNTY_A, "下降12%（力争13.5%）"), (COUNTY_B, "下降14%（力争13.5%）")):
        page.goto(f"{site}/targets/{regions.indicator[(region, 'energy_intensity')]}")
        assert goal in page.inner_text("td.goal")
        assert page.inner_text("h1") == "单位地区生产总值能源消耗（较2020年累计下降，%）"
    # the drawn chart: the y axis says 累计下降, the legend has the stretch value (力争值)
    page.goto(f"{site}/targets/{regions.indicator[(COUNTY_A, 'energy_intensity')]}")
    page.wait_for_selector("figure.chart .plot .main-svg")
    assert "累计下降（%）" in page.inner_text("figure.chart .plot")
    assert "力争值" in (page.text_content("figure.chart .plot .legend") or "")
    assert "下降6.5%" in page.inner_text("table.status tbody tr")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "target-reduction-1366.png"), full_page=True)

    # nothing to draw: a sentence instead of an empty chart
    page.goto(f"{site}/targets/{regions.indicator[(COUNTY_B, 'renewable_capacity')]}")
    assert page.locator("figure.chart").count() == 0
    missing = page.inner_text("p.chart-missing")
    assert "尚无填报数据" in missing and "暂无图表" in missing

    page.goto(f"{site}/lang/en?next=/")
    page.goto(f"{site}/targets/{regions.indicator[(COUNTY_A, 'energy_intensity')]}")
    assert "down 12 % (stretch 13.5 %)" in page.inner_text("td.goal")
    page.wait_for_selector("figure.chart .plot .main-svg")
    assert "Stretch" in (page.text_content("figure.chart .plot .legend") or "")
    assert "Cumulative reduction (%)" in page.inner_text("figure.chart .plot")
    context.close()
