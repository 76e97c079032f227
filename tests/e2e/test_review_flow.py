"""A unit submits a value in the browser, the office accepts it, the overview's light and chart change."""

from __future__ import annotations

import json
from typing import Any

from tanfeng.services.demo import DemoResult

from .browser import log_in as _login
from .conftest import ARTIFACTS


def _password(demo: DemoResult, username: str) -> str:
    return next(a.password for a in demo.accounts if a.username == username)



def _overview_state(page: Any, server: str) -> tuple[dict[str, str], dict[str, int]]:
    """indicator id → warning level, and indicator id → number of observed points in its chart."""
    page.goto(f"{server}/")
    page.wait_for_selector("figure.chart .main-svg")  # Plotly drew the charts (served locally, no internet)
    levels = {row.get_attribute("data-indicator"): row.get_attribute("data-level")
              for row in page.query_selector_all("#status-table tbody tr")}
    points = {fig.get_attribute("data-indicator"): len(json.loads(fig.query_selector(".chart-data").text_content())
                                                       ["observed"]["y"])
              for fig in page.query_selector_all("figure.chart")}
    return levels, points


def test_unit_submits_office_accepts_overview_changes(browser: Any, server: str, demo: DemoResult) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, server, demo, "unit-a")
    assert "示例数据" in page.text_content(".demo-banner")
    levels, points = _overview_state(page, server)

    page.goto(f"{server}/workspace")
    rows = page.query_selector_all("#my-indicators tbody tr[data-indicator]")
    candidates = [r.get_attribute("data-indicator") for r in rows
                  if r.query_selector("input[type=number]").input_value() == ""]
    chosen = next(i for i in candidates if levels.get(i) in ("red", "yellow") and i in points)
    status = page.request.get(f"{server}/api/v1/status").json()
    target = next(r for r in status if str(r["indicator_id"]) == chosen and r["target_value"] is not None)
    page.fill(f"input[name='value.{chosen}']", str(target["target_value"]))
    # reaching the target may be a jump against last year, which needs a note (the entry checks)
    page.fill(f"input[name='note.{chosen}']", "示例数据：已达目标值")
    page.click("#submit-values")
    page.wait_for_selector(".flash")
    assert "已保存" in page.text_content(".flash")
    page.click("form[action='/logout'] button")
    context.clear_cookies()

    _login(page, server, demo, "office")
    page.goto(f"{server}/review")
    row = page.locator(f"#review tr:has(a[href='/targets/{chosen}'])").first
    row.locator("button.accept").click()
    page.wait_for_selector(".flash")
    assert "已采纳" in page.text_content(".flash")

    after_levels, after_points = _overview_state(page, server)
    assert after_levels[chosen] == "green" and levels[chosen] != "green"
    assert after_points[chosen] == points[chosen] + 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "overview.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000

    page.goto(f"{server}/targets/{chosen}")
    assert str(target["target_value"]).rstrip("0").rstrip(".") in page.text_content("#history")
    context.close()


def test_office_downloads_the_annual_report_from_the_overview(browser: Any, server: str, demo: DemoResult) -> None:
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    _login(page, server, demo, "office")
    with page.expect_download() as download_info:
        page.click("#annual-report")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx") and "年度" in download.suggested_filename
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "annual-report.docx"
    download.save_as(str(path))
    assert path.read_bytes()[:2] == b"PK"  # a zip container: the Word file
    context.close()

