"""The grouped menu in a real browser: one line at 1366 px for the office (Chinese and English), every page of
the office's menu reachable by opening its group, with the keyboard too, and with the script switched off."""

from __future__ import annotations

from typing import Any

import pytest

from tanfeng.services.demo import DemoResult

from .browser import log_in as _login

OFFICE_PAGES = {"/", "/plan", "/matrix", "/setup", "/library", "/plans/upload", "/workspace", "/review", "/reminders",
                "/inventory", "/rollup", "/alignment", "/quotas", "/enterprises", "/projects", "/energy-data",
                "/headroom", "/measures", "/consultation", "/admin", "/audit"}



def _one_line(page: Any) -> None:
    nav = page.locator("header.top nav#main-menu").bounding_box()
    item = page.locator("header.top nav#main-menu > *").first.bounding_box()
    header = page.locator("header.top").bounding_box()
    brand = page.locator("header.top .brand").bounding_box()
    who = page.locator("header.top .who").bounding_box()
    assert nav["height"] <= item["height"] + 2, (nav, item)  # the menu's items side by side, not wrapped
    # brand, menu and the user's name share the header's one row
    assert abs(brand["y"] - who["y"]) < item["height"] and header["height"] < 2 * item["height"] + 20, (header, who)
    tops = page.eval_on_selector_all("header.top nav#main-menu > *", "els => els.map(e => e.getBoundingClientRect().top)")
    assert max(tops) - min(tops) < 2, tops


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_office_menu_is_one_line_at_1366_and_reaches_every_page(browser: Any, server: str, demo: DemoResult,
                                                                    lang: str) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _login(page, server, demo, "office")
    if lang == "en":
        page.goto(f"{server}/lang/en?next=/")
    for path in ("/", "/review", "/enterprises"):
        page.goto(f"{server}{path}")
        _one_line(page)
    # every page of the office's menu: open its group, click the link, land on the page
    hrefs = page.eval_on_selector_all("#main-menu a", "els => els.map(e => e.getAttribute('href'))")
    paths = [h.partition("?")[0] for h in hrefs]
    assert set(paths) == OFFICE_PAGES and len(paths) == len(OFFICE_PAGES)
    for href in paths:  # a link may carry the chosen plan (?plan=)
        pick = f"a[href='{href}'], a[href^='{href}?']"
        link = page.locator("#main-menu").locator(pick)
        group = page.locator("#main-menu details", has=page.locator(pick))
        if group.count():
            assert not link.is_visible()  # folded until its group is opened
            group.locator("summary").click()
        link.click()
        page.wait_for_url(lambda url, href=href: url.partition("?")[0] == f"{server}{href}")
        assert page.locator("main h1").count() >= 1, href
        marked = page.locator("#main-menu a[aria-current=page]")
        assert marked.count() == 1 and (marked.get_attribute("href") or "").partition("?")[0] == href
        if group.count():
            current = page.locator("#main-menu details", has=page.locator("a[aria-current=page]"))
            assert "current" in (current.get_attribute("class") or "")
    context.close()


def test_a_group_opens_with_the_keyboard_and_one_at_a_time(browser: Any, server: str, demo: DemoResult) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _login(page, server, demo, "office")
    page.focus("#main-menu details[data-group=plans] summary")
    page.keyboard.press("Enter")
    assert page.is_visible("#main-menu a[href^='/matrix']")
    page.keyboard.press("Tab")  # into the open group: its first page
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/plan")
    page.click("#main-menu details[data-group=manage] summary")  # another group: the first one closes
    assert page.is_visible("#main-menu a[href='/audit']") and not page.is_visible("#main-menu a[href^='/matrix']")
    page.keyboard.press("Escape")
    assert not page.is_visible("#main-menu a[href='/audit']")
    page.locator("#main-menu details[data-group=manage] summary").press(" ")  # Space opens it as well
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/admin")
    context.close()


def test_the_menu_works_without_script_at_both_widths(browser: Any, server: str, demo: DemoResult) -> None:
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(locale="zh-CN", java_script_enabled=False,
                                      viewport={"width": width, "height": height})
        page = context.new_page()
        _login(page, server, demo, "unit-a")
        if width == 390:
            assert not page.is_visible("#main-menu")
            page.click("label.menu-button")
        else:
            _one_line(page)
        page.click("#main-menu details[data-group=reporting] summary")
        page.click("#main-menu a[href='/workspace']")
        page.wait_for_url(f"{server}/workspace")
        assert page.get_attribute("#main-menu details[data-group=reporting]", "class") == "menu-group current"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
        context.close()
