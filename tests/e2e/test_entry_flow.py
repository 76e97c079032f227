"""A unit enters values in the browser: a failed check shows its reason, a jump needs a note, a draft stays one."""

from __future__ import annotations

from typing import Any

from tanfeng.services.demo import DemoResult

from .browser import log_in as _login
from .conftest import ARTIFACTS


def _open_rows(page: Any, kind: str) -> list[Any]:
    """Rows of the unit's form of one kind (tracking.entry) with no value yet and an earlier value."""
    rows = page.query_selector_all(f"#my-indicators tbody tr[data-kind='{kind}']")
    return [r for r in rows if r.query_selector("input[type=number]").input_value() == ""
            and r.query_selector("td.previous div[data-value]")]


def _status(page: Any, server: str, indicator: str) -> str | None:
    rows = page.request.get(f"{server}/api/v1/observations").json()
    period = page.input_value("#values-form input[name=period]")
    return next((o["status"] for o in rows if str(o["indicator_id"]) == indicator and o["period"] == period), None)


def test_a_failed_check_shows_its_reason_beside_the_field(browser: Any, server: str, demo: DemoResult) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, server, demo, "unit-a")
    page.goto(f"{server}/workspace")
    row = _open_rows(page, "share")[0]
    indicator = row.get_attribute("data-indicator")
    assert "0—100" in row.query_selector("td.basis").text_content()  # the 填报口径 says what is counted
    assert row.query_selector("td.expected").text_content().strip() not in ("", "—")
    # the period is picked from a list, not typed
    assert page.query_selector("select#period-select") and not page.query_selector("input[name=period][type=text]")
    page.fill(f"input[name='value.{indicator}']", "150")
    page.click("#submit-values")
    error = page.wait_for_selector(f"tr[data-indicator='{indicator}'] .field-error")
    assert "占比应在0—100之间" in error.text_content()
    assert page.input_value(f"input[name='value.{indicator}']") == "150"  # what was typed stays
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "entry-check-failed.png"), full_page=True)
    assert _status(page, server, indicator) is None  # nothing stored
    context.close()


def test_a_jump_against_last_year_needs_a_note(browser: Any, server: str, demo: DemoResult) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, server, demo, "unit-a")
    page.goto(f"{server}/workspace")
    row = _open_rows(page, "share")[-1]
    indicator = row.get_attribute("data-indicator")
    before = float(row.query_selector("td.previous div[data-value]").get_attribute("data-value"))
    jumped = round(before * 1.6 if before * 1.6 <= 100 else before * 0.4, 2)  # ±60 %: beyond the 30 % limit
    page.fill(f"input[name='value.{indicator}']", str(jumped))
    page.click("#submit-values")
    error = page.wait_for_selector(f"tr[data-indicator='{indicator}'] .field-error[data-for='note']")
    assert "较上年同期" in error.text_content() and "请在备注中说明原因" in error.text_content()
    page.fill(f"input[name='note.{indicator}']", "示例数据：统计口径调整")
    page.click("#submit-values")
    page.wait_for_selector(".flash")
    assert "已保存" in page.text_content(".flash")
    assert _status(page, server, indicator) == "submitted"
    context.close()


def test_a_draft_stays_a_draft_until_it_is_submitted(browser: Any, server: str, demo: DemoResult) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, server, demo, "unit-a")
    page.goto(f"{server}/workspace")
    rows = _open_rows(page, "cumulative")[:2]
    draft, other = (r.get_attribute("data-indicator") for r in rows)
    before = {r.get_attribute("data-indicator"): float(r.query_selector("td.previous div[data-value]")
                                                       .get_attribute("data-value")) for r in rows}
    page.fill(f"input[name='value.{draft}']", str(round(before[draft] + 0.5, 2)))
    page.click("#save-draft")
    page.wait_for_selector(".flash")
    assert _status(page, server, draft) == "draft"
    assert "草稿" in page.text_content(f"tr[data-indicator='{draft}'] td.st-draft")
    assert page.query_selector(f"input[name='submit.{draft}']")  # the box that submits it
    page.fill(f"input[name='value.{other}']", str(round(before[other] + 0.5, 2)))
    page.click("#submit-values")
    page.wait_for_selector(".flash")
    assert "仍为草稿" in page.text_content(".flash")
    assert _status(page, server, other) == "submitted" and _status(page, server, draft) == "draft"
    page.check(f"input[name='submit.{draft}']")
    page.click("#submit-values")
    page.wait_for_selector(".flash")
    assert _status(page, server, draft) == "submitted"
    context.close()
