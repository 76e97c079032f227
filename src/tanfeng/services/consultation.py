"""Consultation rounds (征求意见) on a stored draft version and the office's handling of every comment.

Every write runs in ``Database.write()`` (``BEGIN IMMEDIATE`` on SQLite), locks the rows it changes on
PostgreSQL (``FOR UPDATE``) and adds its audit entry in the same transaction. Contact data never goes into the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tanfeng.db.base import utcnow
from tanfeng.db.consultation_models import ConsultationComment, ConsultationLink, ConsultationRound
from tanfeng.db.models import PlanRecord, PlanVersion, Unit
from tanfeng.db.session import Database
from tanfeng.plans.sections import GENERAL, refs, suggest_ref
from tanfeng.services import audit as audit_log
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import find_plan
from tanfeng.services.validation import clean_text

TZ = ZoneInfo("Asia/Shanghai")
KINDS = {"public": "公开征求意见", "departments": "部门征求意见"}
CHANNELS = {"web": "网上留言", "email": "电子邮件", "phone": "电话", "letter": "信函", "official": "公文"}
OFFICE_CHANNELS = ("email", "phone", "letter", "official")
DISPOSITIONS = {"adopted": "采纳", "partly": "部分采纳", "rejected": "未采纳"}
PENDING = "待处理"
MAX_TEXT = 5000  # characters of one comment entered by the office (a letter may be long)
MAX_NAME, MAX_CONTACT, MAX_ORG = 100, 200, 200


@dataclass(frozen=True)
class Actor:
    """Who acts (a workspace account or a CLI user) and from where; the public page acts as ``公众``."""

    username: str
    user_id: int | None = None
    client: str | None = None


PUBLIC = Actor("公众")


def today_cn() -> date:
    return datetime.now(TZ).date()


def parse_disposition(word: str) -> str:
    """``adopted``/``采纳``, ``partly``/``部分采纳``, ``rejected``/``未采纳`` → the stored key."""
    word = word.strip()
    for key, label in DISPOSITIONS.items():
        if word in (key, label):
            return key
    raise StoreError(f"处理意见应为采纳、部分采纳或未采纳，而不是“{word}”",
                     f"disposition must be adopted, partly or rejected, not '{word}'")


@dataclass(frozen=True)
class RoundInfo:
    id: int
    plan_id: int
    plan_title: str
    version_id: int
    version_number: int
    kind: str
    opens_on: date
    closes_on: date
    channels: list[str]
    contact_policy: str
    office_name: str | None
    email: str | None
    phone: str | None
    address: str | None
    public_url: str | None
    final_version_id: int | None
    purged_at: datetime | None
    comments: int = 0

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def state(self, today: date | None = None) -> str:
        """upcoming | open | closed (dates in Asia/Shanghai, both inclusive)."""
        today = today or today_cn()
        return "upcoming" if today < self.opens_on else "open" if today <= self.closes_on else "closed"

    @property
    def title(self) -> str:
        return f"《{self.plan_title}（征求意见稿）》"


@dataclass(frozen=True)
class CommentInfo:
    """The office's view of a comment (contact data included: never render this on a public page)."""

    id: int
    round_id: int
    receipt: str
    channel: str
    received_on: date
    text: str
    submitter_org: str | None
    submitter_name: str | None
    submitter_contact: str | None
    suggested_ref: str | None
    ref: str | None
    assigned_unit_id: int | None
    assigned_unit: str | None
    unit_opinion: str | None
    unit_opinion_by: str | None
    disposition: str | None
    reason: str | None
    merged_into_id: int | None
    version: int
    links: tuple[str, ...] = ()

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def disposition_label(self) -> str:
        return DISPOSITIONS.get(self.disposition or "", PENDING)

    @property
    def about(self) -> str | None:
        """The confirmed ref, else the suggestion."""
        return self.ref or self.suggested_ref


def audit(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, **detail: Any) -> None:
    """The audit entry of a change, in the change's own transaction."""
    audit_log.add(session, user_id=actor.user_id, username=actor.username, action=action, entity=entity,
                  entity_id=entity_id, detail=detail, client=actor.client)


def _round_info(session: Session, row: ConsultationRound) -> RoundInfo:
    plan = session.get_one(PlanRecord, row.plan_id)
    version = session.get_one(PlanVersion, row.version_id)
    count = session.scalar(select(func.count()).where(ConsultationComment.round_id == row.id)) or 0
    return RoundInfo(row.id, row.plan_id, plan.title, row.version_id, version.number, row.kind, row.opens_on,
                     row.closes_on, list(row.channels), row.contact_policy, row.office_name, row.email, row.phone,
                     row.address, row.public_url, row.final_version_id, row.purged_at, count)


def _check_round_fields(kind: str, opens_on: date, closes_on: date, channels: list[str], policy: str) -> None:
    if kind not in KINDS:
        raise StoreError(f"征求意见类型应为public或departments，而不是“{kind}”", f"kind must be public or departments: {kind}")
    if closes_on < opens_on:
        raise StoreError("截止日期早于开始日期", "the closing date is before the opening date")
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise StoreError(f"未知的意见渠道：{'、'.join(unknown) or '（无）'}（可选 web、email、phone、letter、official）",
                         f"unknown channels: {', '.join(unknown) or '(none)'} (web, email, phone, letter, official)")
    if policy not in ("optional", "required"):
        raise StoreError("联系方式要求应为optional或required", "contact policy must be optional or required")


def open_round(db: Database, actor: Actor, *, version_id: int, kind: str, opens_on: date, closes_on: date,
               channels: list[str], contact_policy: str = "optional", office_name: str | None = None,
               email: str | None = None, phone: str | None = None, address: str | None = None,
               public_url: str | None = None) -> RoundInfo:
    """Open a round on a stored draft version."""
    _check_round_fields(kind, opens_on, closes_on, channels, contact_policy)
    with db.write() as session:
        version = session.get(PlanVersion, version_id)
        if version is None:
            raise StoreError(f"没有编号为{version_id}的方案版本", f"no plan version {version_id}")
        if version.status != "draft":
            raise StoreError(f"第{version.number}版不是征求意见稿", f"version {version.number} is not a draft")
        row = ConsultationRound(plan_id=version.plan_id, version_id=version.id, kind=kind, opens_on=opens_on,
                                closes_on=closes_on, channels=channels, contact_policy=contact_policy,
                                office_name=office_name, email=email, phone=phone, address=address,
                                public_url=public_url, next_seq=1, created_by=actor.username)
        session.add(row)
        session.flush()
        audit(session, actor, "consultation_open", "consultation", row.id, version_id=version_id, kind=kind,
              opens_on=opens_on.isoformat(), closes_on=closes_on.isoformat(), channels=channels)
        return _round_info(session, row)


def list_rounds(db: Database) -> list[RoundInfo]:
    with db.transaction() as session:
        rows = session.scalars(select(ConsultationRound).order_by(ConsultationRound.id.desc()))
        return [_round_info(session, r) for r in rows]


def get_round(db: Database, round_id: int) -> RoundInfo:
    with db.transaction() as session:
        return _round_info(session, round_row(session, round_id))


def round_row(session: Session, round_id: int, lock: bool = False) -> ConsultationRound:
    query = select(ConsultationRound).where(ConsultationRound.id == round_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise StoreError(f"没有编号为{round_id}的征求意见", f"no consultation round {round_id}")
    return row


def draft_document(session: Session, round_row: ConsultationRound) -> dict[str, Any]:
    return session.get_one(PlanVersion, round_row.version_id).document


def next_receipt(session: Session, round_id: int) -> tuple[int, str]:
    """The next receipt number of a round (bumped atomically; backed by a unique constraint)."""
    seq = session.execute(update(ConsultationRound).where(ConsultationRound.id == round_id)
                          .values(next_seq=ConsultationRound.next_seq + 1)
                          .returning(ConsultationRound.next_seq)).scalar_one() - 1
    return seq, f"YJ{round_id}-{seq:04d}"


def bounded(value: str | None, limit: int, zh: str, en: str, *, multiline: bool = False) -> str | None:
    """A stripped optional text field through the shared validators: too long or hidden characters refused."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > limit:  # said in the field's own words before the shared check's generic ones
        raise StoreError(f"{zh}超过{limit}字", f"{en} is longer than {limit} characters")
    return clean_text(text, f"{zh} / {en}", max_length=limit, multiline=multiline) or None


def add_comment(db: Database, actor: Actor, round_id: int, *, channel: str, text: str, received_on: date,
                ref: str | None = None, name: str | None = None, contact: str | None = None,
                org: str | None = None) -> CommentInfo:
    """The office enters a comment received by e-mail, telephone, letter or 公文."""
    if channel not in OFFICE_CHANNELS:
        raise StoreError(f"办公室录入的渠道应为 email、phone、letter 或 official，而不是“{channel}”",
                         f"office entry channel must be email, phone, letter or official: {channel}")
    body = bounded(text, MAX_TEXT, "意见内容", "the comment", multiline=True)
    if not body:
        raise StoreError("意见内容为空", "the comment is empty")
    fields = (bounded(name, MAX_NAME, "姓名", "name"), bounded(contact, MAX_CONTACT, "联系方式", "contact"),
              bounded(org, MAX_ORG, "单位", "organisation"))
    if received_on > today_cn():
        raise StoreError("收到日期晚于今天", "the date received is in the future")
    with db.write() as session:
        row = round_row(session, round_id, lock=True)
        if channel not in row.channels:
            raise StoreError(f"本次征求意见未开放“{CHANNELS[channel]}”渠道", f"channel {channel} is not open")
        document = draft_document(session, row)
        if ref is not None and ref not in refs(document):
            raise StoreError(f"征求意见稿中没有“{ref}”", f"the draft has no part '{ref}'")
        seq, receipt = next_receipt(session, round_id)
        comment = ConsultationComment(
            round_id=round_id, seq=seq, receipt=receipt, channel=channel, received_on=received_on, text=body,
            submitter_name=fields[0], submitter_contact=fields[1], submitter_org=fields[2],
            suggested_ref=suggest_ref(document, body, ref), ref=ref, version=1, created_by=actor.username)
        session.add(comment)
        session.flush()
        audit(session, actor, "consultation_comment", "consultation_comment", comment.id, round_id=round_id,
              receipt=receipt, channel=channel, ref=ref)
        return _comment_info(session, comment)


def _comment_infos(session: Session, rows: list[ConsultationComment]) -> list[CommentInfo]:
    """Comments with their department's name and their links (two queries for the lot, not two per comment)."""
    ids = [c.id for c in rows]
    links: dict[int, list[str]] = {}
    if ids:
        for comment_id, key in session.execute(select(ConsultationLink.comment_id, ConsultationLink.change_key)
                                               .where(ConsultationLink.comment_id.in_(ids))
                                               .order_by(ConsultationLink.id)):
            links.setdefault(comment_id, []).append(key)
    unit_ids = {c.assigned_unit_id for c in rows if c.assigned_unit_id}
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).tuples().all()) if unit_ids else {}
    return [CommentInfo(c.id, c.round_id, c.receipt, c.channel, c.received_on, c.text, c.submitter_org,
                        c.submitter_name, c.submitter_contact, c.suggested_ref, c.ref, c.assigned_unit_id,
                        units.get(c.assigned_unit_id) if c.assigned_unit_id else None, c.unit_opinion,
                        c.unit_opinion_by, c.disposition, c.reason, c.merged_into_id, c.version,
                        tuple(links.get(c.id, ()))) for c in rows]


def _comment_info(session: Session, c: ConsultationComment) -> CommentInfo:
    return _comment_infos(session, [c])[0]


def list_comments(db: Database, round_id: int, *, unit_id: int | None = None) -> list[CommentInfo]:
    """The round's comments in receipt order (``unit_id``: only those assigned to that unit)."""
    with db.transaction() as session:
        query = select(ConsultationComment).where(ConsultationComment.round_id == round_id)
        if unit_id is not None:
            query = query.where(ConsultationComment.assigned_unit_id == unit_id)
        return _comment_infos(session, list(session.scalars(query.order_by(ConsultationComment.seq))))


def assigned_to(db: Database, unit_id: int) -> list[CommentInfo]:
    """Every comment of any round assigned to a unit for its opinion."""
    with db.transaction() as session:
        rows = session.scalars(select(ConsultationComment).where(ConsultationComment.assigned_unit_id == unit_id)
                               .order_by(ConsultationComment.round_id, ConsultationComment.seq))
        return _comment_infos(session, list(rows))


def get_comment(db: Database, comment_id: int) -> CommentInfo:
    with db.transaction() as session:
        return _comment_info(session, _comment_row(session, comment_id))


def find_receipt(db: Database, receipt: str) -> CommentInfo:
    with db.transaction() as session:
        row = session.scalar(select(ConsultationComment).where(ConsultationComment.receipt == receipt.strip()))
        if row is None:
            raise StoreError(f"没有回执号为{receipt}的意见", f"no comment with receipt {receipt}")
        return _comment_info(session, row)


def _comment_row(session: Session, comment_id: int, lock: bool = False,
                 expected_version: int | None = None) -> ConsultationComment:
    query = select(ConsultationComment).where(ConsultationComment.id == comment_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise StoreError(f"没有编号为{comment_id}的意见", f"no comment {comment_id}")
    if expected_version is not None and row.version != expected_version:
        raise StoreError(f"意见{row.receipt}已被他人修改，请刷新页面后重试",
                         f"comment {row.receipt} was changed meanwhile; reload and retry")
    return row


def _change(db: Database, actor: Actor, comment_id: int, expected_version: int | None, action: str,
            values: dict[str, Any], **detail: Any) -> CommentInfo:
    with db.write() as session:
        row = _comment_row(session, comment_id, lock=True, expected_version=expected_version)
        for key, value in values.items():
            setattr(row, key, value)
        row.version += 1
        session.flush()
        audit(session, actor, action, "consultation_comment", row.id, receipt=row.receipt, **detail)
        return _comment_info(session, row)


def confirm_ref(db: Database, actor: Actor, comment_id: int, ref: str,
                expected_version: int | None = None) -> CommentInfo:
    """The office confirms (or corrects) what a comment is about."""
    with db.transaction() as session:
        row = _comment_row(session, comment_id)
        if ref not in refs(draft_document(session, round_row(session, row.round_id))):
            raise StoreError(f"征求意见稿中没有“{ref}”", f"the draft has no part '{ref}'")
    return _change(db, actor, comment_id, expected_version, "consultation_ref", {"ref": ref}, ref=ref)


def assign(db: Database, actor: Actor, comment_id: int, unit_id: int | None,
           expected_version: int | None = None) -> CommentInfo:
    """Ask a department for its opinion on a comment (``None``: withdraw the request)."""
    if unit_id is not None:
        with db.transaction() as session:
            if session.get(Unit, unit_id) is None:
                raise StoreError(f"没有编号为{unit_id}的单位", f"no unit {unit_id}")
    return _change(db, actor, comment_id, expected_version, "consultation_assign",
                   {"assigned_unit_id": unit_id}, unit_id=unit_id)


def give_opinion(db: Database, actor: Actor, comment_id: int, opinion: str, *, unit_id: int | None,
                 expected_version: int | None = None) -> CommentInfo:
    """A department's opinion on a comment assigned to it (``unit_id``: the acting unit; ``None`` = the office)."""
    text = bounded(opinion, MAX_TEXT, "部门意见", "the opinion", multiline=True)
    if not text:
        raise StoreError("部门意见为空", "the opinion is empty")
    if unit_id is not None:
        with db.transaction() as session:
            if _comment_row(session, comment_id).assigned_unit_id != unit_id:
                raise StoreError("该意见未交由本单位办理", "this comment is not assigned to your unit")
    return _change(db, actor, comment_id, expected_version, "consultation_opinion",
                   {"unit_opinion": text, "unit_opinion_by": actor.username})


def dispose(db: Database, actor: Actor, comment_id: int, disposition: str, reason: str | None,
            expected_version: int | None = None) -> CommentInfo:
    """采纳 / 部分采纳 / 未采纳 with the reason (required unless adopted); a merged duplicate follows its group."""
    key = parse_disposition(disposition)
    text = bounded(reason, MAX_TEXT, "理由", "the reason", multiline=True)
    if key != "adopted" and not text:
        raise StoreError(f"“{DISPOSITIONS[key]}”须说明理由", f"'{key}' needs a reason")
    with db.transaction() as session:
        head = _comment_row(session, comment_id)
        if head.merged_into_id is not None:
            target = session.get_one(ConsultationComment, head.merged_into_id)
            raise StoreError(f"意见{head.receipt}已合并到{target.receipt}，请处理{target.receipt}",
                             f"{head.receipt} is merged into {target.receipt}; dispose of that one")
    return _change(db, actor, comment_id, expected_version, "consultation_dispose",
                   {"disposition": key, "reason": text}, disposition=key, reason=text)


def merge(db: Database, actor: Actor, comment_id: int, into_id: int | None) -> CommentInfo:
    """Merge a duplicate into the head of a group (``None``: take it out of its group again)."""
    with db.write() as session:
        row = _comment_row(session, comment_id, lock=True)
        detail: dict[str, Any] = {"receipt": row.receipt}
        if into_id is not None:
            head = _comment_row(session, into_id, lock=True)
            if head.round_id != row.round_id or head.id == row.id:
                raise StoreError("只能合并同一轮征求意见中的两条不同意见", "merge two different comments of one round")
            if head.merged_into_id is not None:
                head = session.get_one(ConsultationComment, head.merged_into_id)
            members = list(session.scalars(select(ConsultationComment)
                                           .where(ConsultationComment.merged_into_id == row.id)))
            for member in members:  # a group merged into another joins it whole
                member.merged_into_id, member.version = head.id, member.version + 1
            detail["into"] = head.receipt
            into_id = head.id
        row.merged_into_id, row.version = into_id, row.version + 1
        session.flush()
        audit(session, actor, "consultation_merge", "consultation_comment", row.id, **detail)
        return _comment_info(session, row)


def set_final(db: Database, actor: Actor, round_id: int, version_id: int) -> RoundInfo:
    """Name the final version the draft became (a later version of the same plan)."""
    with db.write() as session:
        row = round_row(session, round_id, lock=True)
        final = session.get(PlanVersion, version_id)
        draft = session.get_one(PlanVersion, row.version_id)
        if final is None or final.plan_id != row.plan_id or final.number <= draft.number:
            raise StoreError("定稿须为同一方案中晚于征求意见稿的版本", "the final must be a later version of the same plan")
        row.final_version_id = final.id
        session.flush()
        audit(session, actor, "consultation_final", "consultation", row.id, version_id=version_id,
              version=final.number)
        return _round_info(session, row)


def purge_contacts(db: Database, actor: Actor, round_id: int, today: date | None = None) -> int:
    """Erase every commenter's name and contact once the round is closed; returns how many comments had any."""
    with db.write() as session:
        row = round_row(session, round_id, lock=True)
        if _round_info(session, row).state(today) != "closed":
            raise StoreError("征求意见截止后才能删除联系方式", "contact data can be erased only after the round closed")
        has_data = (ConsultationComment.submitter_name.is_not(None)
                    | ConsultationComment.submitter_contact.is_not(None))
        count = session.scalar(select(func.count()).where(ConsultationComment.round_id == round_id, has_data)) or 0
        session.execute(update(ConsultationComment).where(ConsultationComment.round_id == round_id)
                        .values(submitter_name=None, submitter_contact=None))
        row.purged_at = utcnow()
        audit(session, actor, "consultation_purge", "consultation", round_id, comments=count)
        return count


def label_of(document: dict[str, Any], ref: str | None) -> str:
    return refs(document).get(ref or GENERAL, ref or "")


@dataclass(frozen=True)
class VersionChoice:
    id: int
    plan_id: int
    plan_title: str
    number: int
    status: str
    imported_at: datetime


def versions(db: Database, *, status: str | None = None, plan_id: int | None = None) -> list[VersionChoice]:
    """Stored plan versions to choose from (drafts for a new round, a plan's later versions for its final)."""
    with db.transaction() as session:
        query = select(PlanVersion, PlanRecord.title).join(PlanRecord, PlanRecord.id == PlanVersion.plan_id)
        if status is not None:
            query = query.where(PlanVersion.status == status)
        if plan_id is not None:
            query = query.where(PlanVersion.plan_id == plan_id)
        rows = session.execute(query.order_by(PlanRecord.title, PlanVersion.number))
        return [VersionChoice(v.id, v.plan_id, title, v.number, v.status, v.imported_at) for v, title in rows]


def resolve_version(db: Database, plan: str | None, number: int | None, *, status: str) -> int:
    """A version id from a plan (id or title; the only plan if omitted) and a version number (default: the
    newest version with ``status``)."""
    with db.transaction() as session:
        ref = find_plan(session, plan)
        query = select(PlanVersion).where(PlanVersion.plan_id == ref.plan.id)
        query = query.where(PlanVersion.number == number) if number is not None else query.where(
            PlanVersion.status == status)
        row = session.scalar(query.order_by(PlanVersion.number.desc()).limit(1))
        if row is None:
            which = f"第{number}版" if number is not None else ("征求意见稿" if status == "draft" else "定稿")
            raise StoreError(f"方案“{ref.plan.title}”没有{which}", f"plan '{ref.plan.title}' has no such version")
        return row.id
