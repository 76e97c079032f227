"""The public comment page's service: the draft by section, the question in Chinese, the rate limit, the write.

Nothing here needs an outside service: the question is a small sum in Chinese numerals whose answer is
bound to a signed one-time token (which doubles as the form's CSRF token, the public page having no
session); the rate limit counts submissions per client and window in the database, so it holds across
workers; the client's address is stored only as a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from tanfeng.db.consultation_models import ConsultationComment, ConsultationHit, ConsultationRound
from tanfeng.db.models import PlanRecord
from tanfeng.db.session import Database
from tanfeng.plans.sections import Section, refs, sections, suggest_ref
from tanfeng.services.consultation import (
    CHANNELS,
    KINDS,
    MAX_CONTACT,
    MAX_NAME,
    MAX_ORG,
    Actor,
    audit,
    bounded,
    draft_document,
    next_receipt,
    round_row,
    today_cn,
)
from tanfeng.services.errors import StoreError
from tanfeng.services.validation import clean_text

DIGITS = "零一二三四五六七八九"


class PublicRefused(StoreError):
    """A public submission refused; ``status`` is the HTTP status the page answers with."""

    def __init__(self, zh: str, en: str, status: int = 400) -> None:
        super().__init__(zh, en)
        self.status = status


@dataclass(frozen=True)
class PublicLimits:
    per_window: int = 10  # submissions (attempts included) per client and window
    window_seconds: int = 3600
    max_comment: int = 2000  # characters of one comment
    max_items: int = 20  # filled boxes in one submission
    max_body: int = 128 * 1024  # bytes of the whole form
    token_max_age: int = 6 * 3600


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


@dataclass(frozen=True)
class PublicRound:
    """What the public page shows of a round: the draft and how to comment; never a comment or a name."""

    id: int
    title: str
    kind_label: str
    opens_on: date
    closes_on: date
    channels: list[str]
    channel_labels: list[str]
    contact_required: bool
    office_name: str | None
    email: str | None
    phone: str | None
    address: str | None
    sections: list[Section]
    labels: dict[str, str]
    created_at: datetime

    def state(self, today: date | None = None) -> str:
        today = today or today_cn()
        return "upcoming" if today < self.opens_on else "open" if today <= self.closes_on else "closed"

    @property
    def accepts_web(self) -> bool:
        return "web" in self.channels


def chinese_number(n: int) -> str:
    """0–99 in Chinese numerals (十三, 二十, 四十五)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def parse_answer(text: str) -> int | None:
    """An answer written in digits (half or full width) or in Chinese numerals (十八, 二十, 两), else None."""
    text = text.strip().replace("两", "二")
    if not text:
        return None
    if text.isdigit():
        return int(text)
    m = re.fullmatch(r"([一二三四五六七八九])?(十)?([零一二三四五六七八九])?", text)
    if not m or not any(m.groups()):
        return None
    tens, ten, ones = m.groups()
    if ten:
        return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)
    if tens and not ones:
        return DIGITS.index(tens)
    return None if tens else DIGITS.index(ones) if ones else None


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="tanfeng-consultation-form")


def _digest(secret: str, round_id: int, nonce: str, answer: int) -> str:
    return hmac.new(secret.encode(), f"{round_id}:{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()[:24]


def new_challenge(secret: str, round_id: int) -> Challenge:
    """A sum or difference of two small numbers, asked in Chinese; the answer is only in the token's keyed hash."""
    a, b = secrets.randbelow(11) + 10, secrets.randbelow(9) + 1  # a difference is never negative
    if secrets.randbelow(2):
        question, answer = f"{chinese_number(a)}加{chinese_number(b)}等于几？", a + b
    else:
        question, answer = f"{chinese_number(a)}减{chinese_number(b)}等于几？", a - b
    nonce = secrets.token_urlsafe(12)
    token = _serializer(secret).dumps([round_id, nonce, _digest(secret, round_id, nonce, answer)])
    return Challenge(question, token)


def check_challenge(secret: str, round_id: int, token: str, answer: str, max_age: int) -> str:
    """The token's one-time nonce when the token is genuine, fresh, for this round and the answer right."""
    try:
        token_round, nonce, digest = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired as err:
        raise PublicRefused("页面已过期，请刷新后重新填写", "the page expired; reload it and try again", 400) from err
    except (BadSignature, ValueError, TypeError) as err:
        raise PublicRefused("表单校验失败，请刷新页面后重试", "the form check failed; reload and retry", 403) from err
    value = parse_answer(answer)
    if token_round != round_id or value is None or not hmac.compare_digest(
            digest, _digest(secret, round_id, nonce, value)):
        raise PublicRefused("验证问题回答不正确", "the answer to the question is wrong", 400)
    return str(nonce)


def client_key(secret: str, address: str | None) -> str:
    """A keyed hash of the client address: enough to count, not enough to recover it."""
    return hmac.new(secret.encode(), (address or "?").encode(), hashlib.sha256).hexdigest()[:32]


def hit(db: Database, key: str, limits: PublicLimits, now: float | None = None) -> int:
    """Count one submission of ``key`` in the current window (atomic upsert); returns the count so far."""
    window = int((now if now is not None else time.time()) // limits.window_seconds)
    insert = sqlite_insert if db.is_sqlite else pg_insert
    statement = insert(ConsultationHit).values(client_key=key, window_start=window, count=1)
    statement = statement.on_conflict_do_update(index_elements=["client_key", "window_start"],
                                                set_={"count": ConsultationHit.count + 1})
    with db.write() as session:
        count = session.execute(statement.returning(ConsultationHit.count)).scalar_one()
        session.execute(delete(ConsultationHit).where(ConsultationHit.window_start < window - 1))
    return int(count)


def check_rate(db: Database, key: str, limits: PublicLimits) -> None:
    if hit(db, key, limits) > limits.per_window:
        minutes = max(1, limits.window_seconds // 60)
        raise PublicRefused(f"提交过于频繁，请{minutes}分钟后再试", f"too many submissions; try again in {minutes} minutes",
                            429)


_cache: dict[tuple[str, int, datetime], PublicRound] = {}
_cache_lock = threading.Lock()
# Per database object (a new one after a restore or in each test starts empty): round id -> (monotonic time the
# round was last confirmed to exist, the round).
_confirmed: weakref.WeakKeyDictionary[Database, dict[int, tuple[float, PublicRound]]] = weakref.WeakKeyDictionary()


def recent_round(db: Database, round_id: int, max_age: float) -> PublicRound | None:
    """The round if it was confirmed to exist less than ``max_age`` seconds ago (no database work), else None."""
    recent = confirmed_round(db, round_id)
    if max_age > 0 and recent is not None and recent[0] < max_age:
        return recent[1]
    return None


def confirmed_round(db: Database, round_id: int) -> tuple[float, PublicRound] | None:
    """(seconds since the round was last confirmed to exist, the round), or None if it never was or has gone."""
    recent = _confirmed.get(db, {}).get(round_id)
    return None if recent is None else (time.monotonic() - recent[0], recent[1])


def public_round(db: Database, round_id: int, max_age: float = 0.0) -> PublicRound:
    """The round as the public sees it. Cached: a round's draft and settings do not change once opened; the key
    carries the round's creation time, so a round id reused after a restore is never served from the cache.

    ``max_age`` > 0 (the public page's GET) skips even the creation-time check when the round was confirmed less
    than that many seconds ago; a submission always checks (0), inside its own locked transaction as well.
    """
    recent = recent_round(db, round_id, max_age)
    if recent is not None:
        return recent
    now = time.monotonic()
    with db.transaction() as session:
        stamp = session.scalar(select(ConsultationRound.created_at).where(ConsultationRound.id == round_id))
        if stamp is None:
            _confirmed.get(db, {}).pop(round_id, None)
            raise StoreError(f"没有编号为{round_id}的征求意见", f"no consultation round {round_id}")
        key = (db.url, round_id, stamp)
        info = _cache.get(key)
        if info is None:
            row = round_row(session, round_id)
            document = draft_document(session, row)
            plan = session.get_one(PlanRecord, row.plan_id)
            info = PublicRound(row.id, f"《{plan.title}（征求意见稿）》", KINDS[row.kind], row.opens_on, row.closes_on,
                               list(row.channels), [CHANNELS[c] for c in row.channels],
                               row.contact_policy == "required", row.office_name, row.email, row.phone, row.address,
                               sections(document), refs(document), stamp)
    with _cache_lock:
        if len(_cache) > 256:
            _cache.clear()
        confirmed = _confirmed.setdefault(db, {})
        if len(confirmed) > 256:
            confirmed.clear()
        _cache[key] = info
        confirmed[round_id] = (now, info)
    return info


def open_public_rounds(db: Database) -> list[PublicRound]:
    today = today_cn()
    with db.transaction() as session:
        ids = list(session.scalars(select(ConsultationRound.id).where(ConsultationRound.opens_on <= today,
                                                                       ConsultationRound.closes_on >= today)
                                   .order_by(ConsultationRound.closes_on)))
    return [r for r in (public_round(db, i) for i in ids) if r.accepts_web]


def comment_items(form: dict[str, str], limits: PublicLimits) -> list[tuple[str, str]]:
    """The filled boxes of a form (fields ``c.<ref>``) as (ref, text), bounded in count and size."""
    items = [(k[2:], v.strip()) for k, v in form.items() if k.startswith("c.") and v.strip()]
    if not items:
        raise PublicRefused("请至少填写一条意见", "write at least one comment", 400)
    if len(items) > limits.max_items:
        raise PublicRefused(f"一次最多提交{limits.max_items}条意见", f"at most {limits.max_items} comments at once", 413)
    for ref, text in items:
        if len(text) > limits.max_comment:
            raise PublicRefused(f"每条意见不超过{limits.max_comment}字（“{ref}”一栏{len(text)}字）",
                                f"a comment is at most {limits.max_comment} characters ({ref}: {len(text)})", 413)
    return [(ref, clean_text(text, "意见 / comment", max_length=limits.max_comment)) for ref, text in items]


def submit_public(db: Database, actor: Actor, round_id: int, items: list[tuple[str, str]], *, nonce: str,
                  name: str | None, contact: str | None, org: str | None) -> list[str]:
    """Store a public submission (one comment per filled box) in one transaction; returns the receipt numbers."""
    fields = (bounded(name, MAX_NAME, "姓名", "name"), bounded(contact, MAX_CONTACT, "联系方式", "contact"),
              bounded(org, MAX_ORG, "单位", "organisation"))
    try:
        with db.write() as session:
            row = round_row(session, round_id, lock=True)
            if row.contact_policy == "required" and not (fields[0] and fields[1]):
                raise PublicRefused("请填写姓名和联系方式", "name and contact are required", 400)
            today = today_cn()
            if "web" not in row.channels or not row.opens_on <= today <= row.closes_on:
                raise PublicRefused("本次征求意见不在网上受理期内", "this consultation is not open for comments online", 403)
            document = draft_document(session, row)
            known = refs(document)
            receipts = []
            for i, (ref, text) in enumerate(items):
                if ref not in known:
                    raise PublicRefused(f"征求意见稿中没有“{ref}”", f"the draft has no part '{ref}'", 400)
                seq, receipt = next_receipt(session, round_id)
                session.add(ConsultationComment(
                    round_id=round_id, seq=seq, receipt=receipt, channel="web", received_on=today, text=text,
                    submitter_name=fields[0], submitter_contact=fields[1], submitter_org=fields[2],
                    suggested_ref=suggest_ref(document, text, ref), form_nonce=f"{nonce}:{i}", version=1,
                    created_by=actor.username))
                receipts.append(receipt)
            session.flush()
            audit(session, actor, "consultation_public_comment", "consultation", round_id, receipts=receipts,
                  refs=[ref for ref, _ in items])
    except IntegrityError as err:
        raise PublicRefused("此表单已经提交过，请勿重复提交", "this form was already submitted", 409) from err
    return receipts


def form_context(secret: str, round_info: PublicRound) -> dict[str, Any]:
    challenge = new_challenge(secret, round_info.id)
    return {"round": round_info, "question": challenge.question, "token": challenge.token}
