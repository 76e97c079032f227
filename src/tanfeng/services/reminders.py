"""Reminders (催报): what each unit still owes per reporting period, and the notices and mails that chase it.

A period opens for reporting the day after it ends and is due ``grace_days`` later, unless the office
set its own dates (:func:`set_deadline`). A unit is reminded when a period opens, ``before_days``
before it is due, and when it is overdue (then every ``overdue_every_days``); each of these once
(a unique key per unit, plan, period, kind and round), and never twice within ``min_interval_hours``.
Two runs at once (cron and the web button) serialise on the unit's row in ``reminder_state``.
"""

from __future__ import annotations

import os
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanfeng.config import ENV_REPORT_GRACE_DAYS
from tanfeng.db.account_models import User
from tanfeng.db.base import utcnow
from tanfeng.db.models import Responsibility, Task, TaskProgress, Unit
from tanfeng.db.reminder_models import ReminderEvent, ReminderMessage, ReminderState, ReportingDeadline
from tanfeng.db.session import Database
from tanfeng.formatting import format_time, local_time
from tanfeng.services import mail
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import PlanRef, current_versions, find_plan
from tanfeng.services.registry import get_region
from tanfeng.services.responsibility import due_periods, progress_years
from tanfeng.services.tracked import TrackedTarget, load_tracked, observed_periods
from tanfeng.tracking.periods import Period, parse_period

KINDS = ("opened", "closing", "overdue")  # least to most urgent
KIND_ZH = {"opened": "已开始填报", "closing": "即将截止", "overdue": "已逾期"}
KIND_EN = {"opened": "open for reporting", "closing": "closing soon", "overdue": "overdue"}
STATUS_ZH = {"sending": "发送中", "sent": "已发送", "failed": "发送失败", "app_only": "仅站内提醒"}
STATUS_EN = {"sending": "sending", "sent": "sent", "failed": "failed", "app_only": "in-app only"}
ITEM_PREFIXES = {"item_value": "指标数据", "item_progress": "任务进展"}  # how owed items are written
FAR_FUTURE = date(2200, 1, 1)  # every period a target has, whether open yet or not


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError as err:
        raise StoreError(f"环境变量{name}不是数字：{raw}", f"{name} is not a number: {raw}") from err


@dataclass(frozen=True)
class ReminderSettings:
    """When to remind (from ``TANFENG_REMIND_*`` and ``TANFENG_REPORT_GRACE_DAYS``)."""

    before_days: int = 7
    overdue_every_days: int = 7
    min_interval_hours: float = 24.0
    grace_days: int = 90
    base_url: str | None = None  # the workspace's address, for the link in the mail

    @classmethod
    def from_env(cls) -> ReminderSettings:
        return cls(before_days=int(_env_number("TANFENG_REMIND_BEFORE_DAYS", 7)),
                   overdue_every_days=max(1, int(_env_number("TANFENG_REMIND_OVERDUE_EVERY_DAYS", 7))),
                   min_interval_hours=_env_number("TANFENG_REMIND_MIN_INTERVAL_HOURS", 24),
                   grace_days=int(_env_number(ENV_REPORT_GRACE_DAYS, 90)),
                   base_url=os.environ.get("TANFENG_BASE_URL", "").strip().rstrip("/") or None)


@dataclass
class Owed:
    """What one unit still owes for one period of one plan, with the period's dates."""

    unit_id: int
    unit: str
    plan_id: int
    plan: str
    period: str
    opens_on: date
    due_on: date
    items: list[str] = field(default_factory=list)

    def kinds(self, today: date, settings: ReminderSettings) -> list[tuple[str, int]]:
        """The reminders due today: (kind, round); overdue repeats every ``overdue_every_days``."""
        if today < self.opens_on:
            return []
        if today > self.due_on:
            return [("overdue", ((today - self.due_on).days - 1) // settings.overdue_every_days)]
        out = [("opened", 0)]
        if (self.due_on - today).days <= settings.before_days:
            out.append(("closing", 0))
        return out

    def state(self, today: date) -> str:
        return "overdue" if today > self.due_on else "open"


def period_words(label: str, lang: str = "zh") -> str:
    """2024 → 2024年度, 2024Q1 → 2024年第1季度, 2024M03 → 2024年3月 (or English)."""
    p = parse_period(label)
    if p is None:
        return label
    if lang == "en":
        return {"year": f"year {p.year}", "quarter": f"Q{p.end_month // 3} {p.year}"}.get(
            p.kind, f"{p.year}-{p.end_month:02d}")
    return {"year": f"{p.year}年度", "quarter": f"{p.year}年第{p.end_month // 3}季度"}.get(p.kind, f"{p.year}年{p.end_month}月")


def _deadlines(session: Session, plan_ids: list[int]) -> dict[tuple[int, str], ReportingDeadline]:
    if not plan_ids:
        return {}
    rows = session.scalars(select(ReportingDeadline).where(ReportingDeadline.plan_id.in_(plan_ids)))
    return {(d.plan_id, d.period): d for d in rows}


def _dates(period: Period, custom: ReportingDeadline | None, grace_days: int) -> tuple[date, date]:
    opens, due = period.end_date() + timedelta(days=1), period.end_date() + timedelta(days=grace_days)
    if custom is not None:
        return custom.opens_on or opens, custom.due_on
    return opens, due


def _scope(session: Session, region: str | None, plan: str | int | None) -> tuple[list[PlanRef], list[TrackedTarget]]:
    region_row = get_region(session, region) if region else None
    refs = [find_plan(session, plan, region_row)] if plan is not None else current_versions(session, region_row)
    plan_ids = {r.plan.id for r in refs}
    tracked = [t for t in load_tracked(session, region_row) if t.ref.plan.id in plan_ids]
    return refs, tracked


def owed(session: Session, today: date, settings: ReminderSettings, *, region: str | None = None,
         plan: str | int | None = None, unit_id: int | None = None) -> list[Owed]:
    """Every (unit, plan, period) with something unreported whose period has opened by ``today``."""
    refs, tracked = _scope(session, region, plan)
    custom = _deadlines(session, [r.plan.id for r in refs])
    reported = observed_periods(session, [r.plan.id for r in refs])
    out: dict[tuple[int, int, str], Owed] = {}
    names: dict[int, str] = {}

    def add(unit: int, ref: PlanRef, period: Period, item: str) -> None:
        opens, due = _dates(period, custom.get((ref.plan.id, period.label)), settings.grace_days)
        if opens > today or (unit_id is not None and unit != unit_id):
            return
        key = (unit, ref.plan.id, period.label)
        if key not in out:
            if unit not in names:
                names[unit] = session.get_one(Unit, unit).name
            out[key] = Owed(unit, names[unit], ref.plan.id, ref.plan.title, period.label, opens, due)
        if item not in out[key].items:
            out[key].items.append(item)

    for t in tracked:
        lead = t.lead_unit_id
        if lead is None:
            continue
        for period in due_periods(t, FAR_FUTURE, 0):
            if period.label not in reported.get(t.indicator.id, set()):
                add(lead, t.ref, period, f"{ITEM_PREFIXES['item_value']}：{t.indicator.name}")
    for ref in refs:
        years = progress_years(ref, tracked, FAR_FUTURE, 0)
        if not years:
            continue
        done = set(session.execute(select(TaskProgress.task_lineage, TaskProgress.period)
                                   .where(TaskProgress.plan_id == ref.plan.id)).all())
        leads = session.execute(
            select(Task.code, Task.title, Task.lineage, Responsibility.unit_id)
            .join(Responsibility, Responsibility.task_id == Task.id)
            .where(Task.version_id == ref.version.id, Responsibility.role == "lead").order_by(Task.position)).all()
        for code, title, lineage, lead in leads:
            for year in years:
                if (lineage, str(year)) not in done:
                    add(lead, ref, Period(year, 12, "year"), f"{ITEM_PREFIXES['item_progress']}：{code} {title}")
    return sorted(out.values(), key=lambda o: (o.unit, o.plan_id, _period_key(o.period)))


def _period_key(label: str) -> int:
    p = parse_period(label)
    return p.key if p else 0


@dataclass(frozen=True)
class MessageInfo:
    """A reminder as the office and the unit see it."""

    id: int
    unit_id: int
    unit: str
    created_at: datetime
    kind: str
    subject: str
    body: str
    recipients: list[str]
    status: str
    error: str | None
    actor: str
    periods: list[str]

    def status_word(self, lang: str = "zh") -> str:
        return (STATUS_EN if lang == "en" else STATUS_ZH).get(self.status, self.status)

    def kind_word(self, lang: str = "zh") -> str:
        return (KIND_EN if lang == "en" else KIND_ZH).get(self.kind, self.kind)


@dataclass
class RunResult:
    """What one reminder run did: the messages written (and mailed), the units held back by the interval."""

    messages: list[MessageInfo] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)
    mail_configured: bool = False

    @property
    def mailed(self) -> int:
        return sum(1 for m in self.messages if m.status == "sent")


def _due_line(o: Owed, today: date) -> str:
    due = f"{o.due_on:%Y年%m月%d日}截止"
    if today > o.due_on:
        return f"{period_words(o.period)}（{due}，已逾期{(today - o.due_on).days}天）"
    return f"{period_words(o.period)}（{due}，还有{(o.due_on - today).days}天）"


def compose(unit: str, owed_now: list[tuple[Owed, str]], today: date, now: datetime, settings: ReminderSettings,
            sender_name: str) -> tuple[str, str, str]:
    """(kind, subject, body) of one unit's reminder, in Chinese (the units' language)."""
    kind = max((k for _, k in owed_now), key=KINDS.index)
    items = sum(len(o.items) for o, _ in owed_now)
    if kind == "overdue":
        subject = f"【催报】{unit}：{items}项填报已逾期"
    elif kind == "closing":
        first = min(o.due_on for o, k in owed_now if k == "closing")
        subject = f"【催报】{unit}：{items}项填报将于{first:%Y年%m月%d日}截止"
    else:
        subject = f"【填报提醒】{unit}：{'、'.join(sorted({period_words(o.period) for o, _ in owed_now}))}填报已开始"
    lines = [f"{unit}：", "", "贵单位有以下填报事项尚未报送："]
    by_plan: dict[str, list[Owed]] = defaultdict(list)
    for o, _ in owed_now:
        by_plan[o.plan].append(o)
    for plan, entries in by_plan.items():
        lines += ["", f"《{plan}》"]
        for o in entries:
            lines.append(f"{_due_line(o, today)}：")
            lines += [f"  · {item}" for item in o.items]
    link = f"{settings.base_url}/workspace" if settings.base_url else "碳达峰工作台“本单位填报”页面"
    lines += ["", f"请登录{link}填报。已报送的请忽略本提醒。", "", sender_name, format_time(now)]
    return kind, subject, "\n".join(lines)


def _recipients(session: Session, unit_id: int) -> list[str]:
    rows = session.scalars(select(User.email).where(User.unit_id == unit_id, User.role == "unit",
                                                    User.active.is_(True), User.email.is_not(None)))
    return sorted({e.strip() for e in rows if e and e.strip()})


def _ensure_state(db: Database, unit_ids: list[int]) -> None:
    """A lock row per unit (inserted once; a concurrent insert of the same row is harmless)."""
    with db.transaction() as session:
        have = set(session.scalars(select(ReminderState.unit_id).where(ReminderState.unit_id.in_(unit_ids))))
    for unit_id in unit_ids:
        if unit_id in have:
            continue
        try:
            with db.write() as session:
                session.add(ReminderState(unit_id=unit_id, runs=0))
        except IntegrityError:
            pass


def _info(m: ReminderMessage, unit: str, periods: list[str]) -> MessageInfo:
    return MessageInfo(m.id, m.unit_id, unit, m.created_at, m.kind, m.subject, m.body, list(m.recipients), m.status,
                       m.error, m.actor, periods)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=now_utc().tzinfo)


def now_utc() -> datetime:
    return utcnow()


def _claim(db: Database, unit_id: int, entries: list[Owed], today: date, now: datetime, settings: ReminderSettings,
           smtp: mail.SmtpSettings | None, actor: str) -> tuple[MessageInfo | None, datetime | None, bool]:
    """Write one unit's message and events under its lock row; (message, previous last_sent_at, held back)."""
    with db.write() as session:  # SQLite: BEGIN IMMEDIATE
        # the UPDATE comes first: on PostgreSQL it takes the unit's row lock before anything is read
        session.execute(update(ReminderState).where(ReminderState.unit_id == unit_id)
                        .values(runs=ReminderState.runs + 1))
        state = session.get_one(ReminderState, unit_id)
        previous = state.last_sent_at
        if previous is not None and now - _aware(previous) < timedelta(hours=settings.min_interval_hours):
            return None, previous, True
        sent = set(session.execute(select(ReminderEvent.plan_id, ReminderEvent.period, ReminderEvent.kind,
                                          ReminderEvent.round).where(ReminderEvent.unit_id == unit_id)).all())
        fresh = [(o, k, r) for o in entries for k, r in o.kinds(today, settings) if (o.plan_id, o.period, k, r) not in sent]
        if not fresh:
            return None, previous, False
        # one line per period, under its most urgent new kind
        chosen: dict[tuple[int, str], tuple[Owed, str]] = {}
        for o, k, _ in fresh:
            key = (o.plan_id, o.period)
            if key not in chosen or KINDS.index(k) > KINDS.index(chosen[key][1]):
                chosen[key] = (o, k)
        recipients = _recipients(session, unit_id)
        sender = smtp.sender_name if smtp else mail.SmtpSettings.sender_name
        kind, subject, body = compose(entries[0].unit, list(chosen.values()), today, now, settings, sender)
        message = ReminderMessage(unit_id=unit_id, created_at=now, kind=kind, subject=subject, body=body,
                                  recipients=recipients, status="sending" if smtp and recipients else "app_only",
                                  error=None if smtp else "未配置邮件服务器（TANFENG_SMTP_HOST）", actor=actor)
        if smtp and not recipients:
            message.error = "本单位账号均未登记邮箱"
        session.add(message)
        session.flush()
        for o, k, r in fresh:
            session.add(ReminderEvent(message_id=message.id, unit_id=unit_id, plan_id=o.plan_id, period=o.period,
                                      kind=k, round=r, items=list(o.items)))
        state.last_sent_at = now
        return _info(message, entries[0].unit, sorted({o.period for o, _ in chosen.values()})), previous, False


def _deliver(db: Database, info: MessageInfo, previous: datetime | None, smtp: mail.SmtpSettings) -> MessageInfo:
    """Mail a claimed message; on failure drop its events (the next run tries again) and say why."""
    try:
        mail.send(smtp, info.recipients, info.subject, info.body)
    except (OSError, smtplib.SMTPException) as err:
        with db.write() as session:
            session.execute(delete(ReminderEvent).where(ReminderEvent.message_id == info.id))
            session.execute(update(ReminderMessage).where(ReminderMessage.id == info.id)
                            .values(status="failed", error=str(err)[:500]))
            session.execute(update(ReminderState).where(ReminderState.unit_id == info.unit_id)
                            .values(last_sent_at=previous))
        return replace(info, status="failed", error=str(err)[:500])
    with db.write() as session:
        session.execute(update(ReminderMessage).where(ReminderMessage.id == info.id).values(status="sent"))
    return replace(info, status="sent")


def run_reminders(
    db: Database, *, actor: str, today: date | None = None, now: datetime | None = None,
    settings: ReminderSettings | None = None, smtp: mail.SmtpSettings | None = None, use_env_smtp: bool = True,
    region: str | None = None, plan: str | int | None = None, dry_run: bool = False,
) -> RunResult:
    """Remind every unit that owes something today: in-app notice always, mail when SMTP and addresses exist."""
    settings = settings or ReminderSettings.from_env()
    if smtp is None and use_env_smtp:
        smtp = mail.SmtpSettings.from_env()
    now = now or now_utc()
    today = today or local_time(now).date()
    with db.transaction() as session:
        entries = owed(session, today, settings, region=region, plan=plan)
    by_unit: dict[int, list[Owed]] = defaultdict(list)
    for o in entries:
        if o.kinds(today, settings):
            by_unit[o.unit_id].append(o)
    result = RunResult(mail_configured=smtp is not None)
    if dry_run:
        for unit_id, owed_unit in by_unit.items():
            kind, subject, body = compose(owed_unit[0].unit, [(o, o.kinds(today, settings)[-1][0]) for o in owed_unit],
                                          today, now, settings, mail.SmtpSettings.sender_name)
            result.messages.append(MessageInfo(0, unit_id, owed_unit[0].unit, now, kind, subject, body, [], "dry_run",
                                               None, actor, sorted({o.period for o in owed_unit})))
        return result
    _ensure_state(db, sorted(by_unit))
    for unit_id, owed_unit in sorted(by_unit.items()):
        info, previous, held = _claim(db, unit_id, owed_unit, today, now, settings, smtp, actor)
        if held:
            result.held_back.append(owed_unit[0].unit)
        if info is None:
            continue
        if info.status == "sending" and smtp is not None:
            info = _deliver(db, info, previous, smtp)
        result.messages.append(info)
    return result


def list_messages(db: Database, *, unit_id: int | None = None, limit: int = 200) -> list[MessageInfo]:
    """The reminders written, newest first (the office's record of what was sent; a unit's notices)."""
    with db.transaction() as session:
        query = (select(ReminderMessage, Unit.name).join(Unit, Unit.id == ReminderMessage.unit_id)
                 .order_by(ReminderMessage.id.desc()).limit(limit))
        if unit_id is not None:
            query = query.where(ReminderMessage.unit_id == unit_id)
        rows = session.execute(query).all()
        periods: dict[int, set[str]] = defaultdict(set)
        ids = [m.id for m, _ in rows]
        if ids:
            for message_id, period in session.execute(select(ReminderEvent.message_id, ReminderEvent.period)
                                                      .where(ReminderEvent.message_id.in_(ids))):
                periods[message_id].add(period)
        return [_info(m, name, sorted(periods[m.id], key=_period_key)) for m, name in rows]


def unit_notices(db: Database, unit_id: int, *, today: date | None = None,
                 settings: ReminderSettings | None = None) -> list[Owed]:
    """What a unit owes now, for the notice on its page (overdue first, then by due date)."""
    settings = settings or ReminderSettings.from_env()
    today = today or local_time(now_utc()).date()
    with db.transaction() as session:
        entries = owed(session, today, settings, unit_id=unit_id)
    return sorted(entries, key=lambda o: (o.state(today) != "overdue", o.due_on))


@dataclass(frozen=True)
class DeadlineInfo:
    plan_id: int
    plan: str
    period: str
    opens_on: date | None
    due_on: date
    set_by: str


def set_deadline(db: Database, *, plan: str | int | None, period: str, due_on: date, opens_on: date | None = None,
                 actor: str, region: str | None = None) -> DeadlineInfo:
    """The office's own dates for one reporting period of a plan (replaces the default end + grace days)."""
    parsed = parse_period(period)
    if parsed is None:
        raise StoreError(f"“{period}”不是填报期间（如 2024、2024Q1、2024-03）",
                         f"'{period}' is not a reporting period (e.g. 2024, 2024Q1, 2024-03)")
    if opens_on is not None and opens_on > due_on:
        raise StoreError(f"开始日期{opens_on}晚于截止日期{due_on}", f"opening date {opens_on} is after the due date {due_on}")
    with db.write() as session:
        ref = find_plan(session, plan, get_region(session, region) if region else None)
        row = session.scalar(select(ReportingDeadline).where(ReportingDeadline.plan_id == ref.plan.id,
                                                             ReportingDeadline.period == parsed.label)
                             .with_for_update())
        if row is None:
            row = ReportingDeadline(plan_id=ref.plan.id, period=parsed.label, due_on=due_on, set_by=actor)
            session.add(row)
        row.opens_on, row.due_on, row.set_by = opens_on, due_on, actor
        return DeadlineInfo(ref.plan.id, ref.plan.title, parsed.label, opens_on, due_on, actor)


def list_deadlines(db: Database, *, plan: str | int | None = None, region: str | None = None,
                   settings: ReminderSettings | None = None, today: date | None = None) -> list[Owed]:
    """Every open or owed period with its dates (the office's own or the default), for the deadline table."""
    settings = settings or ReminderSettings.from_env()
    today = today or local_time(now_utc()).date()
    with db.transaction() as session:
        return owed(session, today, settings, region=region, plan=plan)
