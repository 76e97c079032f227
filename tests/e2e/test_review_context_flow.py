"""In the browser: the office filters the review by unit and accepts by keyboard with the previous value in view;
a unit attaches a supporting document (佐证材料), the office downloads it, another unit is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tanfeng.db.session import Database
from tanfeng.formatting import format_number
from tanfeng.services.demo import DemoResult
from tanfeng.services.review import list_observations
from tanfeng.services.workspace import list_units

from .conftest import ARTIFACTS

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(scope="module")
def demo_store(demo: DemoResult) -> Iterator[Database]:
    db = Database(demo.url)
    yield db
    db.dispose()


def _password(demo: DemoResult, username: str) -> str:
    return next(a.password for a in demo.accounts if a.username == username)


def _unit_of(demo: DemoResult, username: str) -> str:
    unit = next(a.unit for a in demo.accounts if a.username == username)
    assert unit
    return unit


def _login(browser: Any, server: str, demo: DemoResult, username: str, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", _password(demo, username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return context, page


def test_office_filters_by_unit_and_accepts_by_keyboard(browser: Any, server: str, demo: DemoResult,
                                                        demo_store: Database) -> None:
    unit = _unit_of(demo, "unit-b")
    pending = [o for o in list_observations(demo_store, status="submitted") if o.reporter == unit]
    assert len(pending) >= 2
    context, page = _login(browser, server, demo, "office")
    page.goto(f"{server}/review")
    page.select_option("#filter-unit", label=unit)
    page.click("#apply-filters")
    page.wait_for_url("**unit=*")
    rows = page.locator("#review tbody tr[data-indicator]")
    assert rows.count() == len(pending)
    assert {rows.nth(i).locator("td.reporter").inner_text() for i in range(rows.count())} == {unit}
    # the first two, with the previous period's value beside the new one
    chosen = pending[:2]
    for item in chosen:
        row = page.locator(f"#review tr[data-indicator='{item.indicator_id}'][data-period='{item.period}']")
        before = [o for o in list_observations(demo_store) if o.indicator_id == item.indicator_id
                  and o.period < item.period and o.status != "draft"]
        previous = max(before, key=lambda o: o.period)
        assert format_number(previous.value) in row.locator("td.previous").inner_text()
        assert previous.period in row.locator("td.previous").inner_text()
        # keyboard only: focus the row's checkbox, Space ticks it
        row.locator("input[name=ids]").focus()
        page.keyboard.press("Space")
        assert row.locator("input[name=ids]").is_checked()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-filtered-1366.png"), full_page=True)
    page.focus("#accept-selected")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash")
    assert "已采纳2项" in page.text_content(".flash")
    assert "unit=" in page.url  # back to the same filtered list
    statuses = {(o.indicator_id, o.period): o.status for o in list_observations(demo_store)}
    assert all(statuses[(c.indicator_id, c.period)] == "accepted" for c in chosen)
    assert page.locator("#review tbody tr[data-indicator]").count() == len(pending) - 2
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "review-filtered-390.png"), full_page=True)
    context.close()


def test_unit_attaches_a_document_office_downloads_it_other_unit_refused(browser: Any, server: str, demo: DemoResult,
                                                                          demo_store: Database, tmp_path: Path) -> None:
    unit = _unit_of(demo, "unit-a")
    context, page = _login(browser, server, demo, "unit-a")
    page.goto(f"{server}/workspace")
    row = page.locator("#my-indicators tbody tr[data-indicator]").first
    indicator = row.get_attribute("data-indicator")
    row.locator("a.docs-link").click()
    page.wait_for_selector("#attach-form")
    name = "2025年新能源车辆购置统计（县交通运输局）.pdf"
    document = tmp_path / name
    document.write_bytes(PDF)
    page.set_input_files("#attach-form input[type=file]", str(document))
    page.click("#attach-submit")
    page.wait_for_selector(".flash")
    assert name in page.text_content("#attachments")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "attachments-1366.png"), full_page=True)
    href = page.locator("#attachments a[download]").first.get_attribute("href")
    context.close()

    context, page = _login(browser, server, demo, "office", accept_downloads=True)
    unit_id = next(uid for uid, name_, _region in list_units(demo_store) if name_ == unit)
    page.goto(f"{server}/attachments?indicator_id={indicator}&period=2025&unit_id={unit_id}")
    with page.expect_download() as info:
        page.click(f"#attachments a[href='{href}']")
    download = info.value
    assert download.suggested_filename == name
    saved = tmp_path / "downloaded.pdf"
    download.save_as(str(saved))
    assert saved.read_bytes() == PDF
    context.close()

    context, page = _login(browser, server, demo, "unit-b")
    response = page.goto(f"{server}{href}")
    assert response is not None and response.status == 403
    assert "无权查看其他单位的佐证材料" in page.text_content("main")
    context.close()

