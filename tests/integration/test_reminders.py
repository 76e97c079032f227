"""Reminders (催报) against a real local SMTP server (aiosmtpd): exactly the configured mails arrive."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from builders import PlanBuilder
from live_server import free_port
from tanfeng.cli import app
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.collection import submit_progress, submit_values
from tanfeng.services.mail import SmtpSettings
from tanfeng.services.plan_admin import assign_units
from tanfeng.services.plan_import import import_plan
from tanfeng.services.reminders import (
    ReminderSettings,
    list_messages,
    owed,
    run_reminders,
    set_deadline,
    unit_notices,
)
from tanfeng.services.status import compute_status
from tanfeng.services.workspace import list_units


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[attr-defined]
        return "250 OK"

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        with self.lock:
            out, self.received = self.received, []
        return out


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, SmtpSettings(host="127.0.0.1", port=port, sender="office@example.gov.cn")
    finally:
        controller.stop()


SETTINGS = ReminderSettings(before_days=7, overdue_every_days=7, min_interval_hours=24, grace_days=90,
                            base_url="http://workspace.example")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(1, 0), UTC)  # 09:00 in Shanghai


def _setup(db: Database, region: str) -> dict[str, int]:
    """A county plan; 2022 and 2023 reported by everyone, so only 2024 (and later) is owed."""
    builder = PlanBuilder(region=region, title=f"{region}碳达峰实施方案")
    plan_id = import_plan(db, builder.plan(), actor="office").plan_id
    assign_units(db, plan=str(plan_id), target="T1", lead=_unit(region, "发改委"), co=[], actor="office")
    tracked = [r for r in compute_status(db, region=region) if r.lead_unit and r.shape != "milestone"]
    assert {r.code for r in tracked} >= {"energy_intensity", "forest_coverage"}
    for year in (2022, 2023):
        for r in tracked:
            value = 3.0 * (year - 2021) if r.shape == "compound" else (r.target_value or 1.0)
            submit_values(db, [{"indicator_id": r.indicator_id, "period": str(year), "value": value}],
                          reporter=r.lead_unit or "", actor="clerk", region=region)
        for task, lead in (("A1.1", _unit(region, "发改委")), ("A1.2", _unit(region, "林业局"))):
            submit_progress(db, [{"plan_id": plan_id, "task": task, "period": str(year), "status": "按计划推进",
                                  "text": "（示例数据）"}], reporter=lead, actor="clerk", region=region)
    units = {name: uid for uid, name, r in list_units(db) if r == region}
    for name, address in (("发改委", "fgw"), ("林业局", "lyj")):
        accounts.create_user(db, username=f"{address}-{region}", password="password-123", role="unit",
                             unit_id=units[_unit(region, name)])
        accounts.set_email(db, f"{address}-{region}", f"{address}@{region}.example")
    # a second account of the unit without an address: no mail for it, and no failure either
    accounts.create_user(db, username=f"fgw2-{region}", password="password-123", role="unit",
                         unit_id=units[_unit(region, "发改委")])
    return units


def _unit(region: str, name: str) -> str:
    """The plan's units carry the region's level (县发改委, 区发改委)."""
    return region[-1] + name


def _run(db: Database, day: date, smtp: SmtpSettings | None, settings: ReminderSettings = SETTINGS) -> int:
    return len(run_reminders(db, actor="cron", today=day, now=_at(day), settings=settings, smtp=smtp,
                             use_env_smtp=False).messages)


@pytest.mark.parametrize("region", ["示例县", "另一区"])
def test_open_closing_overdue_weekly_and_never_more(db: Database, smtp_server: tuple[Inbox, SmtpSettings],
                                                    region: str) -> None:
    inbox, smtp = smtp_server
    _setup(db, region)
    assert _run(db, date(2024, 12, 31), smtp) == 0 and inbox.take() == []  # 2024 is not open yet

    assert _run(db, date(2025, 1, 1), smtp) == 2  # 县发改委 and 县林业局, each its values and its task
    mails = inbox.take()
    assert sorted(r for rcpt, _ in mails for r in rcpt) == [f"fgw@{region}.example", f"lyj@{region}.example"]
    fgw = next(m for rcpt, m in mails if rcpt == [f"fgw@{region}.example"])
    assert fgw["Subject"] == f"【填报提醒】{_unit(region, '发改委')}：2024年度填报已开始"
    body = fgw.get_content()
    assert "2025年03月31日截止" in body and "指标数据：单位地区生产总值能源消耗" in body
    assert "任务进展：A1.1 大力发展可再生能源" in body and "http://workspace.example/workspace" in body

    assert _run(db, date(2025, 1, 1), smtp) == 0 and _run(db, date(2025, 1, 20), smtp) == 0  # once per kind
    assert _run(db, date(2025, 3, 24), smtp) == 2  # 7 days before the due date
    assert all("截止" in m["Subject"] for _, m in inbox.take())
    assert _run(db, date(2025, 3, 30), smtp) == 0
    assert _run(db, date(2025, 4, 1), smtp) == 2
    assert all(m["Subject"].endswith("填报已逾期") for _, m in inbox.take())
    assert _run(db, date(2025, 4, 7), smtp) == 0  # the weekly repeat is not due yet
    # 县林业局 reports its value and its progress; only 县发改委 is chased a week later
    forest = next(r for r in compute_status(db, region=region) if r.code == "forest_coverage")
    submit_values(db, [{"indicator_id": forest.indicator_id, "period": "2024", "value": 81.0}],
                  reporter=_unit(region, "林业局"), actor="clerk", region=region)
    submit_progress(db, [{"plan_id": _plan_id(db, region), "task": "A1.2",
                          "period": "2024", "status": "按计划推进", "text": "（示例数据）"}],
                    reporter=_unit(region, "林业局"), actor="clerk", region=region)
    assert _run(db, date(2025, 4, 8), smtp) == 1
    assert [rcpt for rcpt, _ in inbox.take()] == [[f"fgw@{region}.example"]]
    # the office's record: every message, with recipients and status, newest first
    sent = list_messages(db)
    assert [m.status for m in sent] == ["sent"] * 7 and sent[0].kind == "overdue" and sent[0].periods == ["2024"]


def _plan_id(db: Database, region: str) -> int:
    return next(r.plan_id for r in compute_status(db, region=region))


def test_minimum_interval_and_failed_mail_retried(db: Database, smtp_server: tuple[Inbox, SmtpSettings]) -> None:
    inbox, smtp = smtp_server
    _setup(db, "示例县")
    slow = ReminderSettings(before_days=7, overdue_every_days=7, min_interval_hours=24 * 90, grace_days=90)
    assert _run(db, date(2025, 1, 1), smtp, slow) == 2 and len(inbox.take()) == 2
    held = run_reminders(db, actor="cron", today=date(2025, 3, 25), now=_at(date(2025, 3, 25)), settings=slow,
                         smtp=smtp, use_env_smtp=False)
    assert held.messages == [] and inbox.take() == []  # the closing notice falls inside the 90 days
    assert sorted(held.held_back) == ["县发改委", "县林业局"]
    # a server that refuses: the message says so, and the next run sends it
    dead = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    result = run_reminders(db, actor="cron", today=date(2025, 4, 10), now=_at(date(2025, 4, 10)), settings=slow,
                           smtp=dead, use_env_smtp=False)
    assert [m.status for m in result.messages] == ["failed", "failed"] and result.messages[0].error
    assert _run(db, date(2025, 4, 10), smtp, slow) == 2 and len(inbox.take()) == 2


def test_no_smtp_means_in_app_notices(db: Database) -> None:
    units = _setup(db, "示例县")
    result = run_reminders(db, actor="cron", today=date(2025, 4, 2), now=_at(date(2025, 4, 2)), settings=SETTINGS,
                           smtp=None, use_env_smtp=False)
    assert {m.status for m in result.messages} == {"app_only"} and not result.mail_configured
    notices = unit_notices(db, units["县发改委"], today=date(2025, 4, 2), settings=SETTINGS)
    assert [(n.period, n.state(date(2025, 4, 2))) for n in notices] == [("2024", "overdue")]
    assert sorted(notices[0].items) == ["任务进展：A1.1 大力发展可再生能源", "指标数据：光伏发电装机容量",
                                        "指标数据：单位地区生产总值能源消耗"]
    assert list_messages(db, unit_id=units["县发改委"])[0].subject == "【催报】县发改委：3项填报已逾期"


def test_office_deadline_moves_the_reminders(db: Database, smtp_server: tuple[Inbox, SmtpSettings]) -> None:
    inbox, smtp = smtp_server
    _setup(db, "示例县")
    set_deadline(db, plan=None, period="2024", due_on=date(2025, 2, 15), opens_on=date(2025, 1, 10), actor="office")
    assert _run(db, date(2025, 1, 5), smtp) == 0  # opens later than the default
    with db.transaction() as session:
        entries = owed(session, date(2025, 2, 16), SETTINGS)
    assert {(o.period, o.due_on) for o in entries} == {("2024", date(2025, 2, 15))}
    assert _run(db, date(2025, 2, 16), smtp) == 2
    assert all(m["Subject"].endswith("已逾期") for _, m in inbox.take())


def test_two_runs_at_once_send_each_mail_once(db: Database, smtp_server: tuple[Inbox, SmtpSettings]) -> None:
    inbox, smtp = smtp_server
    _setup(db, "示例县")
    day = date(2025, 4, 2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_reminders(db, actor="cron", today=day, now=_at(day), settings=SETTINGS, smtp=smtp, use_env_smtp=False)
        except BaseException as err:  # surfaced below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(r for rcpt, _ in inbox.take() for r in rcpt) == ["fgw@示例县.example", "lyj@示例县.example"]
    assert len(list_messages(db)) == 2


def test_remind_command(db: Database, db_url: str, smtp_server: tuple[Inbox, SmtpSettings],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, smtp = smtp_server
    _setup(db, "示例县")
    monkeypatch.setenv("TANFENG_SMTP_HOST", smtp.host)
    monkeypatch.setenv("TANFENG_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("TANFENG_MAIL_FROM", "office@example.gov.cn")
    runner = CliRunner()
    dry = runner.invoke(app, ["remind", "--dry-run", "--today", "2025-04-02", "--db", db_url])
    assert dry.exit_code == 0, dry.output
    assert "2条提醒" in dry.output and inbox.take() == [] and list_messages(db) == []
    done = runner.invoke(app, ["remind", "--today", "2025-04-02", "--db", db_url, "--actor", "cron"])
    assert done.exit_code == 0, done.output
    assert "2封邮件" in done.output and len(inbox.take()) == 2
    listed = runner.invoke(app, ["remind", "list", "--db", db_url])
    assert listed.exit_code == 0 and "县林业局" in listed.output and "已发送" in listed.output
    moved = runner.invoke(app, ["remind", "deadline", "--period", "2025", "--due", "2026-04-30", "--db", db_url])
    assert moved.exit_code == 0 and "2026-04-30" in moved.output
    bad = runner.invoke(app, ["remind", "deadline", "--period", "abc", "--due", "2026-04-30", "--db", db_url])
    assert bad.exit_code == 2 and "不是填报期间" in bad.output
