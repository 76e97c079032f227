"""What changed from the draft to the final version (per target and task), the comments that asked for it,
the office's links between them, and the content of the 意见采纳情况说明.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanfeng.db.consultation_models import ConsultationLink
from tanfeng.db.models import Target, Task
from tanfeng.db.session import Database
from tanfeng.plans.sections import GOALS, refs
from tanfeng.services.consultation import (
    CHANNELS,
    DISPOSITIONS,
    PENDING,
    Actor,
    CommentInfo,
    RoundInfo,
    audit,
    draft_document,
    get_round,
    list_comments,
    round_row,
    today_cn,
)
from tanfeng.services.errors import StoreError

TARGET_FIELDS = (("value", "目标值"), ("stretch_value", "力争值"), ("unit", "单位"), ("year", "目标年份"),
                 ("baseline_year", "基准年"), ("change", "变化方向"), ("bound", "上下限"), ("commitment", "约束性"),
                 ("indicator_text", "指标名称"), ("sentence", "表述"))
TASK_FIELDS = (("title", "任务名称"), ("text", "任务内容"))
STATUS_LABELS = {"changed": "修改", "added": "新增", "removed": "删除"}


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")  # 四舍五入 to four decimals, no trailing zeros
        return text or "0"
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    key: str  # target:<draft row>-<final row> | task:<lineage>
    kind: str  # target | task
    draft_ref: str | None
    final_ref: str | None
    label: str
    status: str  # changed | added | removed
    fields: list[FieldChange]
    about: set[str] = field(default_factory=set)  # draft refs a comment on which asks for this change
    related: list[CommentInfo] = field(default_factory=list)
    linked: list[CommentInfo] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def summary(self) -> str:
        return "；".join(f"{f.label}：{f.old} → {f.new}" for f in self.fields) or self.status_label


def text_delta(old: str, new: str, limit: int = 160) -> tuple[str, str]:
    """The differing stretches of two texts (so a long task text shows only what changed)."""
    if old == new:
        return old, new
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    olds, news = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            olds.append(old[a1:a2] or "（无）")
            news.append(new[b1:b2] or "（无）")
    return "…".join(olds)[:limit], "…".join(news)[:limit]


def _field_changes(old: object | None, new: object | None, fields: tuple[tuple[str, str], ...]) -> list[FieldChange]:
    out = []
    for name, label in fields:
        a, b = getattr(old, name, None) if old else None, getattr(new, name, None) if new else None
        if a == b:
            continue
        if name in ("text", "sentence") and isinstance(a, str) and isinstance(b, str):
            a, b = text_delta(a, b)
        out.append(FieldChange(label, _fmt(a), _fmt(b)))
    return out


def _target_changes(session: Session, draft_id: int, final_id: int, task_codes: dict[int, str]) -> list[Change]:
    old = list(session.scalars(select(Target).where(Target.version_id == draft_id).order_by(Target.position)))
    new = list(session.scalars(select(Target).where(Target.version_id == final_id).order_by(Target.position)))
    pairs: list[tuple[Target | None, Target | None]] = []
    free = list(new)
    for matcher in (lambda a, b: a.indicator_id == b.indicator_id and a.year == b.year,
                    lambda a, b: a.indicator_id == b.indicator_id):
        for old_row in [t for t in old if all(t is not p[0] for p in pairs)]:
            match = next((t for t in free if matcher(old_row, t)), None)
            if match is not None:
                pairs.append((old_row, match))
                free.remove(match)
    pairs += [(t, None) for t in old if all(t is not p[0] for p in pairs)] + [(None, t) for t in free]
    out = []
    for a, b in pairs:
        fields = _field_changes(a, b, TARGET_FIELDS)
        if a is not None and b is not None and not fields:
            continue
        status = "changed" if a and b else "removed" if a else "added"
        ref = (a or b)
        assert ref is not None
        about = {a.code} if a else set()
        if a is not None:
            about.add(task_codes.get(a.task_id, GOALS) if a.task_id else GOALS)
        out.append(Change(f"target:{a.id if a else 0}-{b.id if b else 0}", "target", a.code if a else None,
                          b.code if b else None, ref.indicator_text, status, fields, about))
    return out


def _task_changes(session: Session, draft_id: int, final_id: int) -> list[Change]:
    old = {t.lineage: t for t in session.scalars(select(Task).where(Task.version_id == draft_id))}
    new = {t.lineage: t for t in session.scalars(select(Task).where(Task.version_id == final_id))}
    out = []
    for lineage in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(lineage), new.get(lineage)
        fields = _field_changes(a, b, TASK_FIELDS)
        if a is not None and b is not None and not fields:
            continue
        ref = a or b
        assert ref is not None
        status = "changed" if a and b else "removed" if a else "added"
        about = {a.code, a.action_code or ""} - {""} if a else set()
        out.append(Change(f"task:{lineage}", "task", a.code if a else None, b.code if b else None, ref.title,
                          status, fields, about))
    return out


def compute_changes(db: Database, round_id: int) -> list[Change]:
    """Draft → final differences of a round whose final version is set (else empty), with their comments."""
    comments = list_comments(db, round_id)
    with db.transaction() as session:
        row = round_row(session, round_id)
        if row.final_version_id is None:
            return []
        task_codes = {t.id: t.code for t in session.scalars(select(Task).where(Task.version_id == row.version_id))}
        changes = (_target_changes(session, row.version_id, row.final_version_id, task_codes)
                   + _task_changes(session, row.version_id, row.final_version_id))
    for change in changes:
        change.linked = [c for c in comments if change.key in c.links]
        change.related = [c for c in comments if c.about in change.about and change.key not in c.links
                          and c.merged_into_id is None]
    return changes


def link(db: Database, actor: Actor, round_id: int, comment_id: int, change_key: str, linked: bool = True) -> None:
    """Link (or unlink) a comment and a draft→final change."""
    changes = {c.key: c for c in compute_changes(db, round_id)}
    if change_key not in changes:
        raise StoreError(f"没有“{change_key}”这一修改（请先指定定稿）", f"no change '{change_key}' (set the final first)")
    if comment_id not in {c.id for c in list_comments(db, round_id)}:
        raise StoreError(f"本轮征求意见中没有编号为{comment_id}的意见", f"no comment {comment_id} in this round")
    try:
        with db.write() as session:
            if linked:
                session.add(ConsultationLink(comment_id=comment_id, change_key=change_key, created_by=actor.username))
            else:
                session.execute(delete(ConsultationLink).where(ConsultationLink.comment_id == comment_id,
                                                               ConsultationLink.change_key == change_key))
            audit(session, actor, "consultation_link" if linked else "consultation_unlink", "consultation_comment",
                  comment_id, round_id=round_id, change=change_key, label=changes[change_key].label)
    except IntegrityError:
        return  # linked already (a double click, or two clerks at once): nothing to add


@dataclass(frozen=True)
class ReportRow:
    number: int
    receipts: list[str]
    channels: str
    about: str
    submitters: str  # organisations (departments round) or, in the internal copy, names and contacts
    text: str
    disposition: str
    reason: str
    changes: str


@dataclass
class AdoptionReport:
    round: RoundInfo
    public: bool
    rows: list[ReportRow]
    counts: dict[str, tuple[int, int]]  # disposition label → (groups, comments)
    changes: list[Change]
    generated_on: date

    @property
    def title(self) -> str:
        return f"{self.round.title}意见采纳情况说明"

    @property
    def comments(self) -> int:
        return sum(len(r.receipts) for r in self.rows)


def _submitters(group: list[CommentInfo], public: bool, departments: bool) -> str:
    parts = []
    for c in group:
        if public:
            if departments and c.submitter_org:
                parts.append(c.submitter_org)
        else:
            who = "，".join(x for x in (c.submitter_org, c.submitter_name, c.submitter_contact) if x)
            parts.append(who or "（未留）")
    return "；".join(dict.fromkeys(parts))


def build_report(db: Database, round_id: int, *, public: bool) -> AdoptionReport:
    """Every comment or merged group with its disposition and reason; the public copy has no names or contacts."""
    info = get_round(db, round_id)
    comments = list_comments(db, round_id)
    changes = compute_changes(db, round_id)
    labels = {c.key: f"{c.label}（{c.summary()}）" for c in changes}
    with db.transaction() as session:
        ref_labels = refs(draft_document(session, round_row(session, round_id)))
    members: dict[int, list[CommentInfo]] = {}
    for c in comments:
        members.setdefault(c.merged_into_id or c.id, []).append(c)
    rows, counts = [], Counter[str]()
    for n, head in enumerate((c for c in comments if c.merged_into_id is None), start=1):
        group = members[head.id]
        text = head.text + "".join(f"\n（同类意见 {m.receipt}）{m.text}" for m in group if m.id != head.id)
        linked = dict.fromkeys(k for m in group for k in m.links)
        rows.append(ReportRow(n, [m.receipt for m in group], "、".join(dict.fromkeys(m.channel_label for m in group)),
                              ref_labels.get(head.about or "", head.about or "总体意见"),
                              _submitters(group, public, info.kind == "departments"), text,
                              head.disposition_label, head.reason or "", "；".join(labels[k] for k in linked
                                                                                  if k in labels)))
        counts[head.disposition_label] += 1
        counts[f"#{head.disposition_label}"] += len(group)
    order = [*DISPOSITIONS.values(), PENDING]
    return AdoptionReport(info, public, rows, {w: (counts[w], counts[f"#{w}"]) for w in order}, changes, today_cn())


def channel_words(channels: list[str]) -> str:
    return "、".join(CHANNELS[c] for c in channels)
