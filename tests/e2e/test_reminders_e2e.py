"""催报 in the browser: the office sends the reminders due, a local SMTP server (aiosmtpd) receives exactly the
configured mails, and the unit sees its overdue reminder on its own page."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tanfeng.services.demo import DemoResult

from .browser import log_in as _login
from .conftest import ARTIFACTS


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    """A real SMTP server on loopback; the web app finds it through TANFENG_SMTP_* as in production."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: os.environ.get(k) for k in ("TANFENG_SMTP_HOST", "TANFENG_SMTP_PORT", "TANFENG_MAIL_FROM")}
    os.environ.update({"TANFENG_SMTP_HOST": "127.0.0.1", "TANFENG_SMTP_PORT": str(port),
                       "TANFENG_MAIL_FROM": "office@example.gov.cn"})
    try:
        yield box
    finally:
        controller.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value



def test_office_sends_reminders_unit_sees_overdue(browser: Any, server: str, demo: DemoResult, inbox: Inbox) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _login(page, server, demo, "office")
    page.goto(f"{server}/reminders")
    assert page.locator("#no-mail").count() == 0  # SMTP is configured through the environment
    unit_a = next(a for a in demo.accounts if a.username == "unit-a")
    row = page.locator("#emails tr:has-text('unit-a')")
    row.locator("input[name=email]").fill("unit-a@example.gov.cn")
    row.locator("button").click()
    page.wait_for_selector(".flash")
    page.click("#run-reminders")
    page.wait_for_selector(".flash")
    sent = page.locator("#sent tbody tr")
    units_reminded = sent.count()
    assert units_reminded >= 2  # the demo has several units with overdue items
    statuses = {r.get_attribute("data-status") for r in page.query_selector_all("#sent tbody tr")}
    assert statuses == {"sent", "app_only"}  # mail only where an address is on file
    page.screenshot(path=str(ARTIFACTS / "reminders-office-1366.png"), full_page=True)
    # exactly one mail, to the one address configured, about that unit's overdue reports
    assert [rcpt for rcpt, _ in inbox.received] == [["unit-a@example.gov.cn"]]
    mail = inbox.received[0][1]
    assert mail["Subject"].startswith(f"【催报】{unit_a.unit}：")
    assert mail["Subject"].endswith("填报已逾期") and "请登录" in mail.get_content()
    # sending again today changes nothing: each reminder once, never more often than configured
    page.click("#run-reminders")
    page.wait_for_selector(".flash")
    assert page.locator("#sent tbody tr").count() == units_reminded and len(inbox.received) == 1
    page.click("form[action='/logout'] button")
    context.clear_cookies()

    _login(page, server, demo, "unit-a")
    page.goto(f"{server}/workspace")
    notices = page.locator("#notices")
    assert notices.locator("li.notice-overdue").count() >= 1
    assert "已逾期" in notices.inner_text() and mail["Subject"] in notices.locator(".sent-notices").inner_text()
    page.screenshot(path=str(ARTIFACTS / "reminders-unit-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "reminders-unit-390.png"), full_page=True)
    context.close()
