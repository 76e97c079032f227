"""Who may attach, read and withdraw supporting documents (佐证材料), and the writes with their audit entries.

Reading a document is reading the value it supports: the office, administrators and leaders of a region
their scope reads; a unit only for its own unit's documents and for values and tasks its unit is
responsible for. Anyone else gets 403. Attaching is writing the value: a unit for itself and what it
is responsible for, the office for any unit of a region it writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import Observation, Unit
from tanfeng.services import attachments, permissions
from tanfeng.services.accounts import Account
from tanfeng.services.attachments import AttachmentInfo, AttachmentStore, Subject
from tanfeng.services.errors import StoreError
from tanfeng.web.actions import acting_unit
from tanfeng.web.deps import Forbidden, audit_in, written
from tanfeng.web.scoping import require_read, require_write, scope_of


@dataclass(frozen=True)
class Target:
    """What the form names: a value (indicator, period) or a progress report (plan, task, period)."""

    period: str
    indicator_id: int | None = None
    plan_id: int | None = None
    task: str | None = None

    def subject(self, session: Session) -> Subject:
        if self.indicator_id is not None:
            return attachments.value_subject(session, self.indicator_id, self.period)
        if self.plan_id is None or not self.task:
            raise StoreError("请指明指标或任务", "name the indicator or the task")
        return attachments.task_subject(session, self.plan_id, self.task, self.period)


def store(request: Request) -> AttachmentStore:
    found: AttachmentStore = request.app.state.attachments
    return found


def _responsible(session: Session, subject: Subject, unit_id: int) -> bool:
    if subject.indicator_id is not None:
        return unit_id in permissions.indicator_unit_ids(session, subject.indicator_id)
    return unit_id in permissions.task_unit_ids(session, subject.plan_id, subject.task_code or "")


def _unit_region(session: Session, unit_id: int) -> int:
    unit = session.get(Unit, unit_id)
    if unit is None or unit.merged_into_id is not None:
        raise StoreError(f"没有编号为{unit_id}的单位", f"no unit {unit_id}")
    return unit.region_id


def require_subject_read(request: Request, user: Account, session: Session, subject: Subject,
                         unit_id: int | None = None) -> None:
    """403 unless the account reads the value or report (for a unit: its own, or one it is responsible for)."""
    require_read(request, user, subject.region_id)
    if user.role == "unit":
        own = user.unit_id is not None and (unit_id == user.unit_id or _responsible(session, subject, user.unit_id))
        if not own:
            raise Forbidden("无权查看其他单位的佐证材料 / not allowed to see another unit's documents")


def readable(request: Request, user: Account, session: Session, attachment_id: int) -> tuple[AttachmentInfo, Subject]:
    info = attachments.get(session, attachment_id)
    if info is None:
        raise StoreError("没有这个佐证材料", "no such document")
    subject = (attachments.value_subject(session, info.indicator_id, info.period) if info.indicator_id is not None
               else _task_subject_of(session, info))
    require_subject_read(request, user, session, subject, info.unit_id)
    return info, subject


def _task_subject_of(session: Session, info: AttachmentInfo) -> Subject:
    try:
        return attachments.task_subject(session, info.plan_id, info.task_code or "", info.period)
    except StoreError:
        raise Forbidden("该任务已不在当前方案版本中 / the task is no longer in the current plan version") from None


def attach(request: Request, user: Account, target: Target, unit_id: int | None, filename: str,
           data: bytes) -> tuple[AttachmentInfo, bool]:
    """Check the file by its content, put it in the store, then record it with its audit entry in one transaction."""
    unit = acting_unit(user, unit_id)
    name = attachments.user_filename(filename)
    kind = attachments.detect(data, name, max_bytes=request.app.state.settings.max_upload_bytes)
    db = request.app.state.db
    with db.transaction() as session:  # refuse before writing a byte to the store
        _check_attach(request, user, session, target.subject(session), unit)
    sha = store(request).put(data)  # content-addressed: a file left by a failed transaction is harmless
    with db.write() as session:
        subject = target.subject(session)
        _check_attach(request, user, session, subject, unit)
        info, new = attachments.add_in(session, subject, unit_id=unit, filename=name, data_size=len(data),
                                       sha256=sha, kind=kind, actor=user.username)
        if new:
            audit_in(session, request, user, "attach", "attachment", info.id, filename=name, size=len(data),
                     sha256=sha, period=subject.period, indicator_id=subject.indicator_id, task=subject.task_code)
    written(request)
    return info, new


def _check_attach(request: Request, user: Account, session: Session, subject: Subject, unit: int) -> None:
    region = _unit_region(session, unit)
    require_write(request, user, region)
    if region != subject.region_id:
        raise Forbidden("该指标或任务不属于本单位所在地区 / the item is not of the unit's region")
    if user.role == "unit" and not _responsible(session, subject, unit):
        raise Forbidden("本单位不负责该指标或任务，不能上传佐证材料 / your unit is not responsible for this item")


def withdraw(request: Request, user: Account, attachment_id: int) -> AttachmentInfo:
    """A unit withdraws its own document while the value is not accepted; the office any of its regions'."""
    with request.app.state.db.write() as session:
        info, subject = readable(request, user, session, attachment_id)
        require_write(request, user, subject.region_id)
        if user.role == "unit":
            if info.unit_id != user.unit_id:
                raise Forbidden("只能撤回本单位的佐证材料 / you withdraw only your own unit's documents")
            if subject.indicator_id is not None and _accepted(session, subject):
                raise StoreError("数值已采纳，佐证材料不能撤回", "the value is accepted: its documents stay")
        removed = attachments.remove_in(session, attachment_id, user.username)
        audit_in(session, request, user, "withdraw_attachment", "attachment", attachment_id, filename=removed.filename)
    written(request)
    return removed


def _accepted(session: Session, subject: Subject) -> bool:
    status = session.scalar(select(Observation.status).where(Observation.indicator_id == subject.indicator_id,
                                                             Observation.period == subject.period))
    return status == "accepted"


def can_write(request: Request, user: Account, subject: Subject) -> bool:
    return user.role in ("admin", "office", "unit") and scope_of(request, user).writes(subject.region_id)
